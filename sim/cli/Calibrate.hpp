// `rxpath calibrate`: fits cost parameters of a scenario to measured totals (e.g. the datagrams a
// real kernel delivered in a setup the real-kernel harness ran), and writes them as a scenario
// fragment (docs/calibration.md).
#pragma once

#include <string>
#include <vector>

namespace rxpath::cli {

struct CalibrateOptions {
  std::string self; // the rxpath executable, to run the model
  std::string scenario;
  std::vector<std::string> fits; // "KEY:METRIC=VALUE", e.g. costs.recvmsg_ns:delivered=9322
  std::vector<std::string> sets; // fixed overrides (the measured setup)
  int64_t lo = 0, hi = 100000;   // search range of every fitted key
  std::string out;               // the fragment, {"costs": {...}}; stdout when empty
};

int calibrate(const CalibrateOptions& o);

} // namespace rxpath::cli

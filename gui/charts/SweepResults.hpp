// The results of `rxpath sweep -o OUT` / `rxpath merge` (OUT.json, docs/sweeps.md), read and
// checked once so that the charts and the viewer only see valid numbers.
#pragma once

#include "Cdf.hpp"

#include <QString>

#include <map>
#include <string>
#include <vector>

namespace rxpath::charts {

// A metric over a point's seeds.
struct Metric {
  double mean = 0;
  double ci95 = 0; // half-width of the 95% confidence interval
};

struct SweepPoint {
  std::vector<std::string> values; // one per swept key, as given on the command line
  bool ok = false;                 // status "ok": every seed ran
  // "latency_p99_ns", "delivered", "drops.SOCKET_RCVBUFF", … (a bare number is a mean with no CI)
  std::map<std::string, Metric> metrics;
  Cdf cdf; // "latency_cdf": empty when the point has none (failed, nothing delivered, older rxpath)

  const Metric* metric(const std::string& key) const;
};

struct Sweep {
  std::string file;
  std::string scenario;
  int seeds = 0;
  std::vector<std::string> keys; // the swept keys, in the order of the command line
  std::vector<SweepPoint> points;
  // Derived from the points: a key with one value at every point (`--set K=V`, or after
  // `where`) is left out of titles and labels; the x axis is the first key that varies.
  std::vector<bool> constant;
  size_t x = 0;

  bool has_cdfs() const;
  // The key as titles and legends show it: its last component unless another key shares it.
  QString short_key(size_t i) const;
  // "so_rcvbuf_bytes=65536 rate_pps=350000": the point's values of the keys that vary.
  QString label(const SweepPoint& p) const;
  // "net.core.rmem_max = 4194304, …": the keys that do not vary; empty if none.
  QString fixed_settings() const;
  // Keeps only the points where `key` has `value` (rxpath plot --where); throws ChartError if
  // the key is not swept or no point has that value.
  void where(const std::string& key, const std::string& value);
};

// Throws ChartError naming the file and the JSON key (e.g. points[3].metrics.delivered.mean).
Sweep read_sweep(const std::string& path);

} // namespace rxpath::charts

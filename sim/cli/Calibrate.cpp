#include "Calibrate.hpp"

#include "trace/OutputFile.hpp"

#include "model/config/ScenarioLoader.hpp"
#include "process/Spawn.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <unistd.h>

namespace fs = std::filesystem;

namespace rxpath::cli {
namespace {

struct Fit {
  std::string key, metric;
  double target = 0;
  int64_t value = 0;
};

Fit parse_fit(const std::string& text) {
  const auto colon = text.find(':'), eq = text.find('=', colon == std::string::npos ? 0 : colon);
  Fit f;
  try {
    if (colon == std::string::npos || eq == std::string::npos || colon == 0 || eq == colon + 1)
      throw std::invalid_argument("");
    f.key = text.substr(0, colon);
    f.metric = text.substr(colon + 1, eq - colon - 1);
    size_t used = 0;
    f.target = std::stod(text.substr(eq + 1), &used);
    if (used != text.size() - eq - 1) throw std::invalid_argument("");
  } catch (const std::exception&) {
    throw model::ScenarioError("command line", "",
                               "--fit " + text +
                                   ": expected KEY:METRIC=VALUE, e.g. costs.recvmsg_ns:delivered=9322");
  }
  return f;
}

// A run_result metric: "delivered", "throughput_pps", "latency_p99_ns", "drops.SOCKET_RCVBUFF", ...
double metric(const nlohmann::json& r, const std::string& name) {
  if (name.rfind("drops.", 0) == 0) return r["drops"].value(name.substr(6), 0.0);
  if (!r.contains(name) || !r[name].is_number())
    throw model::ScenarioError("command line", "",
                               "--fit: unknown metric \"" + name +
                                   "\" (expected a key of rxpath run --result-json, or "
                                   "drops.REASON)");
  return r[name].get<double>();
}

} // namespace

int calibrate(const CalibrateOptions& o) {
  if (!o.out.empty()) trace::check_output_path(o.out, {o.scenario});
  std::vector<Fit> fits;
  for (const auto& f : o.fits) fits.push_back(parse_fit(f));
  std::vector<model::Override> fixed;
  for (const auto& s : o.sets) fixed.push_back(model::parse_override(s));
  // Every key must be a scenario key: validate once with the range's ends.
  for (const auto& f : fits)
    for (int64_t v : {o.lo, o.hi}) {
      auto ov = fixed;
      ov.push_back({f.key, std::to_string(v)});
      model::load_scenario(o.scenario, ov);
    }
  const fs::path result =
      fs::temp_directory_path() / ("rxpath-calibrate." + std::to_string(getpid()) + ".json");
  auto run = [&](const std::vector<Fit>& at) {
    std::vector<std::string> args{o.self, "run",           o.scenario,     "--no-trace",
                                  "-q",   "--result-json", result.string()};
    for (const auto& s : o.sets) args.insert(args.end(), {"--set", s});
    for (const auto& f : at) args.insert(args.end(), {"--set", f.key + "=" + std::to_string(f.value)});
    if (process::run(args, process::SpawnOptions::in_own_session()) != 0)
      throw std::runtime_error("rxpath run failed while calibrating");
    return nlohmann::json::parse(std::ifstream(result));
  };
  for (auto& f : fits) f.value = (o.lo + o.hi) / 2;
  // Coordinate-wise bisection: each key in turn, assuming its metric is monotonic in it; twice over
  // when several keys interact.
  const int rounds = fits.size() > 1 ? 2 : 1;
  for (int round = 0; round < rounds; ++round)
    for (auto& f : fits) {
      int64_t lo = o.lo, hi = o.hi;
      f.value = lo;
      const double at_lo = metric(run(fits), f.metric);
      f.value = hi;
      const double at_hi = metric(run(fits), f.metric);
      const bool rising = at_hi > at_lo;
      if ((f.target - at_lo) * (f.target - at_hi) > 0) {
        std::fprintf(stderr,
                     "rxpath calibrate: %s = %g is out of reach: %s gives %g at %lld and %g at %lld\n",
                     f.metric.c_str(), f.target, f.key.c_str(), at_lo, static_cast<long long>(lo), at_hi,
                     static_cast<long long>(hi));
        fs::remove(result);
        return 1;
      }
      while (hi - lo > 1) {
        f.value = lo + (hi - lo) / 2;
        const double m = metric(run(fits), f.metric);
        std::fprintf(stderr, "  %s = %lld -> %s = %g (target %g)\n", f.key.c_str(),
                     static_cast<long long>(f.value), f.metric.c_str(), m, f.target);
        if ((m < f.target) == rising)
          lo = f.value;
        else
          hi = f.value;
      }
      // The closer end.
      f.value = lo;
      const double m_lo = metric(run(fits), f.metric);
      f.value = hi;
      const double m_hi = metric(run(fits), f.metric);
      f.value = std::abs(m_lo - f.target) <= std::abs(m_hi - f.target) ? lo : hi;
    }
  const auto final = run(fits);
  fs::remove(result);
  nlohmann::json fragment = nlohmann::json::object();
  for (const auto& f : fits) {
    fragment[nlohmann::json::json_pointer("/" + [&] {
      std::string p = f.key;
      for (auto& c : p)
        if (c == '.') c = '/';
      return p;
    }())] = f.value;
    std::fprintf(stderr, "rxpath calibrate: %s = %lld gives %s = %g (measured %g)\n", f.key.c_str(),
                 static_cast<long long>(f.value), f.metric.c_str(), metric(final, f.metric), f.target);
  }
  const std::string text = fragment.dump(2) + "\n";
  if (o.out.empty()) {
    std::cout << text;
  } else {
    trace::OutputFile f(o.out, {o.scenario});
    f.write(text);
    f.commit();
  }
  return 0;
}

} // namespace rxpath::cli

#include "Sweep.hpp"

#include <boost/math/distributions/students_t.hpp>

#include "Schema.hpp"

#include <cmath>
#include <map>

namespace rxpath::model {

SweepAxis parse_axis(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw ScenarioError("command line", "", "--set " + text + ": expected KEY=VALUE[,VALUE...]");
  SweepAxis a{text.substr(0, eq), {}};
  std::string cur;
  int depth = 0;
  for (char c : text.substr(eq + 1)) {
    if (c == '[' || c == '{') ++depth;
    if (c == ']' || c == '}') --depth;
    if (c == ',' && depth == 0) {
      a.values.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  a.values.push_back(cur);
  for (const auto& v : a.values)
    if (v.empty()) throw ScenarioError("command line", "", "--set " + text + ": empty value in the list");
  return a;
}

std::string SweepPoint::label() const {
  std::string s;
  for (const auto& [k, v] : settings) s += (s.empty() ? "" : " ") + k + "=" + v;
  return s;
}

std::vector<SweepPoint> expand_grid(const std::vector<SweepAxis>& axes) {
  std::vector<SweepPoint> points{SweepPoint{}};
  for (const auto& axis : axes) {
    std::vector<SweepPoint> next;
    for (const auto& p : points)
      for (const auto& v : axis.values) {
        SweepPoint q = p;
        q.settings.emplace_back(axis.key, v);
        next.push_back(std::move(q));
      }
    points = std::move(next);
  }
  return points;
}

const std::vector<std::pair<std::string, std::string>>& sweep_metrics() {
  static const std::vector<std::pair<std::string, std::string>> m{{"latency_mean_ns", "µs"},
                                                                  {"socket_wait_mean_ns", "µs"},
                                                                  {"latency_p50_ns", "µs"},
                                                                  {"latency_p90_ns", "µs"},
                                                                  {"latency_p99_ns", "µs"},
                                                                  {"latency_p999_ns", "µs"},
                                                                  {"latency_max_ns", "µs"},
                                                                  {"delivered", ""},
                                                                  {"dropped", ""},
                                                                  {"throughput_pps", "kpps"},
                                                                  {"time_squeeze", ""},
                                                                  {"interrupts_per_s", ""},
                                                                  {"cpu_hardirq_share", "%"},
                                                                  {"cpu_softirq_share", "%"},
                                                                  {"cpu_ksoftirqd_share", "%"},
                                                                  {"cpu_process_share", "%"}};
  return m;
}

nlohmann::json run_result(const StatsResult& s, const nlohmann::json& end) {
  nlohmann::json r;
  r["latency_mean_ns"] = s.latency.mean;
  r["socket_wait_mean_ns"] = s.parts[static_cast<size_t>(Part::SocketWait)].mean;
  r["latency_p50_ns"] = s.latency.p50;
  r["latency_p90_ns"] = s.latency.p90;
  r["latency_p99_ns"] = s.latency.p99;
  r["latency_p999_ns"] = s.latency.p999;
  r["latency_max_ns"] = s.latency.max;
  r["arrived"] = s.arrived;
  r["delivered"] = s.delivered;
  r["dropped"] = s.arrived - s.delivered;
  r["throughput_pps"] = s.throughput_pps();
  nlohmann::json drops = nlohmann::json::object();
  for (size_t i = 1; i < s.dropped.size(); ++i)
    if (s.dropped[i]) drops[std::string(trace::to_string(static_cast<trace::DropReason>(i)))] = s.dropped[i];
  r["drops"] = drops;
  r["latency_cdf_ns"] = s.latency_cdf;
  int64_t squeeze = 0;
  for (const auto& row : end["softnet_stat"]) squeeze += row["time_squeeze"].get<int64_t>();
  r["time_squeeze"] = squeeze;
  const double seconds = static_cast<double>(end["t"].get<int64_t>()) / 1e9;
  r["interrupts_per_s"] =
      seconds > 0 ? static_cast<double>(end["nic"]["interrupts"].get<int64_t>()) / seconds : 0.0;
  // Each context's share of all CPUs' time.
  const double total =
      static_cast<double>(end["t"].get<int64_t>()) * static_cast<double>(end["cpu_time_ns"].size());
  for (const char* ctx : {"hardirq", "softirq", "ksoftirqd", "process"}) {
    double busy = 0;
    for (const auto& row : end["cpu_time_ns"]) busy += static_cast<double>(row[ctx].get<int64_t>());
    r[std::string("cpu_") + ctx + "_share"] = total > 0 ? 100.0 * busy / total : 0.0;
  }
  return r;
}

namespace {
// Two-sided 95% quantile of Student's t with `df` >= 1 degrees of freedom (Boost.Math, instead of
// a table that jumped to the normal's 1.96 at df 31 where t is 2.04).
double t95(size_t df) {
  return boost::math::quantile(boost::math::students_t(static_cast<double>(df)), 0.975);
}
} // namespace

nlohmann::json aggregate(const std::vector<nlohmann::json>& runs) {
  nlohmann::json out = nlohmann::json::object();
  std::vector<std::string> keys;
  for (const auto& [k, _] : sweep_metrics()) keys.push_back(k);
  std::map<std::string, bool> reasons;
  for (const auto& r : runs)
    for (const auto& [reason, _] : r["drops"].items()) reasons[reason] = true;
  for (const auto& [reason, _] : reasons) keys.push_back("drops." + reason);
  for (const auto& key : keys) {
    std::vector<double> v;
    for (const auto& r : runs) {
      if (key.rfind("drops.", 0) == 0)
        v.push_back(r["drops"].value(key.substr(6), 0.0));
      else
        v.push_back(r[key].get<double>());
    }
    double mean = 0;
    for (double x : v) mean += x;
    mean /= static_cast<double>(v.size());
    double var = 0;
    for (double x : v) var += (x - mean) * (x - mean);
    const size_t n = v.size();
    const double ci =
        n > 1 ? t95(n - 1) * std::sqrt(var / static_cast<double>(n - 1)) / std::sqrt(static_cast<double>(n))
              : 0.0;
    out[key] = {{"mean", mean}, {"ci95", ci}};
  }
  out["seeds"] = runs.size();
  return out;
}

nlohmann::json mean_cdf(const std::vector<nlohmann::json>& runs) {
  const auto& p = cdf_probabilities();
  std::vector<double> ns(p.size(), 0.0);
  size_t n = 0;
  for (const auto& r : runs) {
    const auto it = r.find("latency_cdf_ns");
    if (it == r.end() || it->size() != p.size()) continue; // no delivered datagram
    for (size_t i = 0; i < p.size(); ++i) ns[i] += (*it)[i].get<double>();
    ++n;
  }
  if (n == 0) return nullptr;
  for (double& x : ns) x /= static_cast<double>(n);
  return {{"p", p}, {"ns", ns}};
}

} // namespace rxpath::model

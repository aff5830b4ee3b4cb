#include "Sweep.hpp"

#include <boost/math/distributions/students_t.hpp>

#include "config/Schema.hpp"

#include <cmath>
#include <map>
#include <set>

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

nlohmann::json run_result(const StatsResult& s, const trace::RunSummary& end) {
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
  r["time_squeeze"] = end.time_squeeze();
  const double seconds = static_cast<double>(end.t_ns) / 1e9;
  r["interrupts_per_s"] = seconds > 0 ? static_cast<double>(end.nic.interrupts) / seconds : 0.0;
  // Each context's share of all CPUs' time.
  const double total = static_cast<double>(end.t_ns) * static_cast<double>(end.cpu_time.size());
  auto share = [&](int64_t trace::CpuTime::*ctx) {
    double busy = 0;
    for (const auto& row : end.cpu_time) busy += static_cast<double>(row.*ctx);
    return total > 0 ? 100.0 * busy / total : 0.0;
  };
  r["cpu_hardirq_share"] = share(&trace::CpuTime::hardirq);
  r["cpu_softirq_share"] = share(&trace::CpuTime::softirq);
  r["cpu_ksoftirqd_share"] = share(&trace::CpuTime::ksoftirqd);
  r["cpu_process_share"] = share(&trace::CpuTime::process);
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

namespace {

// Results files are a few levels deep (points[].runs[].result.drops); a limit keeps a hostile
// file from recursing through copies, comparisons and dump() until the stack overflows.
constexpr int kMaxResultsDepth = 16;

std::string at(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}
std::string at(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

const nlohmann::json& member(const nlohmann::json& j, const std::string& key, const std::string& file,
                             const std::string& path, bool (nlohmann::json::*is)() const noexcept,
                             const char* expected) {
  const auto it = j.find(key);
  if (it == j.end())
    throw ScenarioError(file, at(path, key), std::string("missing (expected ") + expected + ")");
  if (!((*it).*is)())
    throw ScenarioError(file, at(path, key),
                        std::string("expected ") + expected + ", found " + shorten(it->dump(), 60));
  return *it;
}

} // namespace

void check_run_result(const nlohmann::json& r, const std::string& file, const std::string& path) {
  if (!r.is_object()) throw ScenarioError(file, path, "expected an object of run metrics");
  // aggregate() averages every metric of the table and each drop reason; mean_cdf() the CDF.
  for (const auto& [m, _] : sweep_metrics()) member(r, m, file, path, &nlohmann::json::is_number, "a number");
  const auto& drops = member(r, "drops", file, path, &nlohmann::json::is_object, "an object of drop counts");
  for (const auto& [reason, n] : drops.items())
    if (!n.is_number())
      throw ScenarioError(file, at(at(path, "drops"), reason),
                          "expected a number, found " + shorten(n.dump(), 60));
  if (const auto it = r.find("latency_cdf_ns"); it != r.end()) {
    if (!it->is_array())
      throw ScenarioError(file, at(path, "latency_cdf_ns"), "expected an array of numbers");
    for (size_t i = 0; i < it->size(); ++i)
      if (!(*it)[i].is_number())
        throw ScenarioError(file, at(at(path, "latency_cdf_ns"), i), "expected a number");
  }
}

nlohmann::json parse_results(const std::string& text, const std::string& file) {
  nlohmann::json r;
  try {
    r = nlohmann::json::parse(text, [&](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
      if (depth > kMaxResultsDepth)
        throw ScenarioError(file, "",
                            "nested deeper than " + std::to_string(kMaxResultsDepth) +
                                " levels (not a sweep results file)");
      return true;
    });
  } catch (const nlohmann::json::exception&) {
    throw ScenarioError(file, "", "not a sweep results file (malformed JSON)");
  }
  if (!r.is_object()) throw ScenarioError(file, "", "not a sweep results file (expected a JSON object)");
  member(r, "scenario", file, "", &nlohmann::json::is_string, "the scenario's file name");
  const auto& seeds = member(r, "seeds", file, "", &nlohmann::json::is_number_integer, "an integer");
  if (seeds.get<int64_t>() < 1 || seeds.get<int64_t>() > 1000)
    throw ScenarioError(file, "seeds", "expected 1 to 1000 seeds per point, found " + seeds.dump());

  const auto& axes = member(r, "axes", file, "", &nlohmann::json::is_array, "an array of swept keys");
  if (axes.empty()) throw ScenarioError(file, "axes", "expected at least one swept key");
  std::set<std::string> keys;
  for (size_t i = 0; i < axes.size(); ++i) {
    const std::string path = at("axes", i);
    const auto& a = axes[i];
    if (!a.is_object())
      throw ScenarioError(file, path, "expected an object {\"key\": ..., \"values\": [...]}");
    const auto& key = member(a, "key", file, path, &nlohmann::json::is_string, "a parameter name");
    if (!keys.insert(key.get<std::string>()).second)
      throw ScenarioError(file, at(path, "key"),
                          "the key " + in_quotes(key.get<std::string>()) + " is swept twice");
    const auto& values = member(a, "values", file, path, &nlohmann::json::is_array, "an array of strings");
    for (size_t v = 0; v < values.size(); ++v)
      if (!values[v].is_string()) throw ScenarioError(file, at(at(path, "values"), v), "expected a string");
  }

  const auto& points = member(r, "points", file, "", &nlohmann::json::is_array, "an array of points");
  for (size_t i = 0; i < points.size(); ++i) {
    const std::string path = at("points", i);
    const auto& p = points[i];
    if (!p.is_object()) throw ScenarioError(file, path, "expected an object");
    const auto& settings =
        member(p, "settings", file, path, &nlohmann::json::is_object, "an object of the swept values");
    for (const auto& [k, v] : settings.items()) {
      if (!keys.count(k)) throw ScenarioError(file, at(at(path, "settings"), k), "not one of the axes' keys");
      if (!v.is_string()) throw ScenarioError(file, at(at(path, "settings"), k), "expected a string");
    }
    if (settings.size() != keys.size())
      throw ScenarioError(file, at(path, "settings"), "expected a value for each of the axes' keys");
    const auto& runs = member(p, "runs", file, path, &nlohmann::json::is_array, "an array of runs");
    for (size_t j = 0; j < runs.size(); ++j) {
      const std::string rpath = at(at(path, "runs"), j);
      if (!runs[j].is_object())
        throw ScenarioError(file, rpath, "expected an object {\"seed\": ..., \"result\": {...}}");
      member(runs[j], "seed", file, rpath, &nlohmann::json::is_number_integer, "an integer");
      check_run_result(member(runs[j], "result", file, rpath, &nlohmann::json::is_object, "an object"), file,
                       at(rpath, "result"));
    }
  }
  return r;
}

} // namespace rxpath::model

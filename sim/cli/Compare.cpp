#include "Compare.hpp"

#include "trace/EndObject.hpp"

#include "model/analysis/Stats.hpp"
#include "model/config/Schema.hpp"
#include "trace/TraceReader.hpp"

#include <cstdio>
#include <functional>
#include <map>

namespace rxpath::cli {
namespace {

struct Loaded {
  nlohmann::json header, end;
  model::Stats stats{/*keep_outcomes=*/true};
};

void load(const std::string& path, Loaded& l) {
  trace::TraceReader r(path);
  trace::Event e;
  while (r.next(e)) l.stats.emit(e);
  if (!r.has_end())
    throw trace::TraceError(path + ": the trace is truncated at line " + std::to_string(r.line()) +
                            " (no end object)");
  trace::check_end(r.end(), path, r.cpus()); // before copying: a copy of a deep object recurses
  l.header = r.header();
  l.end = r.end();
}

std::string fmt(const char* f, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, f, args...);
  return buf;
}

std::string fate(const model::PacketOutcome& o) {
  return o.delivered ? "delivered" : std::string(trace::to_string(o.reason));
}

// Counters as "path = value" for every number in the end object.
void flatten(const nlohmann::json& j, const std::string& prefix, std::map<std::string, double>& out) {
  if (j.is_number())
    out[prefix] = j.get<double>();
  else if (j.is_object())
    for (const auto& [k, v] : j.items()) flatten(v, prefix.empty() ? k : prefix + "." + k, out);
  else if (j.is_array())
    for (size_t i = 0; i < j.size(); ++i) flatten(j[i], prefix + "[" + std::to_string(i) + "]", out);
}

} // namespace

int compare(std::ostream& os, const std::string& a_path, const std::string& b_path) {
  Loaded a, b;
  load(a_path, a);
  load(b_path, b);
  if (a.header["scenario"]["traffic"] != b.header["scenario"]["traffic"] ||
      a.header["seed"] != b.header["seed"])
    throw model::ScenarioError(b_path, "scenario.traffic",
                               "not the same traffic as " + a_path +
                                   " (traffic sources and seed must match)");
  const auto& pa = a.stats.outcomes();
  const auto& pb = b.stats.outcomes();
  const size_t n = std::min(pa.size(), pb.size());

  os << "A: " << a_path << "\nB: " << b_path << "\n\n";
  // Latency by stage, for the packets both runs delivered.
  std::vector<int64_t> la, lb, diff;
  std::array<std::vector<int64_t>, static_cast<size_t>(model::Part::Count_)> part_a, part_b, part_diff;
  size_t both = 0;
  std::map<std::string, int64_t> changes;
  std::vector<std::string> examples;
  for (size_t i = 0; i < n; ++i) {
    const auto &x = pa[i], &y = pb[i];
    if (!x.seen || !y.seen) continue;
    if (x.delivered && y.delivered) {
      ++both;
      la.push_back(x.latency);
      lb.push_back(y.latency);
      diff.push_back(y.latency - x.latency);
      for (size_t p = 0; p < x.parts.size(); ++p)
        if (x.parts[p] >= 0 && y.parts[p] >= 0) {
          part_a[p].push_back(x.parts[p]);
          part_b[p].push_back(y.parts[p]);
          part_diff[p].push_back(y.parts[p] - x.parts[p]);
        }
    } else if (x.delivered != y.delivered || x.reason != y.reason) {
      const std::string key = fate(x) + " -> " + fate(y);
      if (changes[key]++ < 3)
        examples.push_back(fmt("packet %zu: A %s, B %s", i, fate(x).c_str(), fate(y).c_str()));
    }
  }
  os << "Latency of the " << both << " datagrams both runs delivered, µs (B − A per packet):\n";
  os << fmt("  %-18s %10s %10s %10s %10s %12s %12s\n", "", "A p50", "B p50", "A p99", "B p99", "diff p50",
            "diff p99");
  auto row = [&](const char* name, std::vector<int64_t>& x, std::vector<int64_t>& y,
                 std::vector<int64_t>& d) {
    if (x.empty()) return;
    auto px = model::percentiles(x), py = model::percentiles(y), pd = model::percentiles(d);
    os << fmt("  %-18s %10.2f %10.2f %10.2f %10.2f %+12.2f %+12.2f\n", name, px.p50 / 1e3, py.p50 / 1e3,
              px.p99 / 1e3, py.p99 / 1e3, pd.p50 / 1e3, pd.p99 / 1e3);
  };
  row("total", la, lb, diff);
  for (size_t p = 0; p < part_a.size(); ++p)
    row(model::part_name(static_cast<model::Part>(p)), part_a[p], part_b[p], part_diff[p]);

  os << "\nPackets whose fate differs:";
  if (changes.empty())
    os << " none\n";
  else {
    os << "\n";
    for (const auto& [k, c] : changes) os << fmt("  %-45s %10lld\n", k.c_str(), static_cast<long long>(c));
    for (const auto& e : examples) os << "    e.g. " << e << "\n";
  }

  std::map<std::string, double> ca, cb;
  flatten(a.end, "", ca);
  flatten(b.end, "", cb);
  os << "\nCounters that differ (A, B, B − A):\n";
  int shown = 0;
  for (const auto& [k, v] : ca) {
    if (k == "t" || k.rfind("cpu_time_ns", 0) == 0) continue;
    const double w = cb.count(k) ? cb[k] : 0;
    if (v == w) continue;
    os << fmt("  %-40s %14.0f %14.0f %+14.0f\n", k.c_str(), v, w, w - v);
    ++shown;
  }
  for (const auto& [k, w] : cb)
    if (!ca.count(k) && k != "t") {
      os << fmt("  %-40s %14.0f %14.0f %+14.0f\n", k.c_str(), 0.0, w, w);
      ++shown;
    }
  if (!shown) os << "  none\n";
  return 0;
}

} // namespace rxpath::cli

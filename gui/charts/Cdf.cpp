#include "Cdf.hpp"

#include "trace/TraceReader.hpp"

#include <algorithm>
#include <filesystem>

namespace rxpath::charts {

Cdf make_cdf(QString name, std::vector<double> ns, int64_t dropped) {
  Cdf c;
  c.name = std::move(name);
  c.ns = std::move(ns);
  c.dropped = dropped;
  std::sort(c.ns.begin(), c.ns.end());
  const auto n = static_cast<double>(c.ns.size());
  for (size_t i = 0; i < c.ns.size(); ++i) c.p.push_back(static_cast<double>(i + 1) / n);
  return c;
}

Cdf read_trace_cdf(const std::string& path) {
  std::vector<double> ns;
  int64_t dropped = 0;
  try {
    trace::TraceReader r(path);
    trace::Event e;
    while (r.next(e)) {
      if (e.kind == trace::Kind::Deliver && e.latency >= 0) ns.push_back(static_cast<double>(e.latency));
      if (e.kind == trace::Kind::Drop) ++dropped;
    }
  } catch (const trace::TraceError& e) {
    throw ChartError(e.what());
  }
  return make_cdf(QString::fromStdString(std::filesystem::path(path).filename().string()), std::move(ns),
                  dropped);
}

double quantile(const Cdf& c, double p) {
  // p[i] is computed as (i+1)/n: allow for its rounding.
  const auto it = std::lower_bound(c.p.begin(), c.p.end(), p - 1e-12);
  if (c.ns.empty()) return 0;
  return it == c.p.end() ? c.ns.back() : c.ns[static_cast<size_t>(it - c.p.begin())];
}

} // namespace rxpath::charts

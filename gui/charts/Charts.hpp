// Charts of run results, shared by rxpath-plot (headless PNG/SVG) and the viewer: latency CDFs
// (of traces or of sweep points) and latency / drops against a swept parameter.
#pragma once

#include <nlohmann/json.hpp>

#include <QSize>
#include <QString>

#include <stdexcept>
#include <string>
#include <vector>

class QChart;

namespace rxpath::charts {

// Input that cannot be charted: the message names the file and the JSON key.
struct ChartError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A latency distribution: latency (ns) at each cumulative probability, ascending.
struct Cdf {
  QString name;
  std::vector<double> p, ns;
  int64_t dropped = -1; // datagrams dropped, when read from a trace
};

struct SweepPoint {
  std::vector<std::string> values; // one per axis, as given on the command line
  bool ok = false;
  nlohmann::json metrics; // {"latency_p99_ns": {"mean": m, "ci95": h}, "drops.REASON": ..., ...}
  Cdf cdf;                // empty when the results carry none
  QString label() const;  // "k1=v1 k2=v2", without the keys in `fixed`, each by its last component
  std::vector<std::string> keys;
  std::vector<bool> fixed; // set by a caller that shows only points with that key's value
};

struct Sweep {
  std::string file;
  std::vector<std::string> keys; // the swept keys, first = the x axis
  std::vector<SweepPoint> points;
};

// The CDF of these latencies (ns, any order).
Cdf make_cdf(QString name, std::vector<double> ns, int64_t dropped = -1);

// `rxpath sweep -o OUT` / `rxpath merge` results (OUT.json).
Sweep read_sweep(const std::string& path);
// The delivered datagrams' latencies of an rxpath trace.
Cdf read_trace_cdf(const std::string& path);

// p50, p90, p99 and p99.9 (± their 95% CI) against the first swept key; one chart per value of the
// other keys.
std::vector<QChart*> latency_charts(const Sweep& s);
// Drops by reason against the first swept key; one chart per value of the other keys.
std::vector<QChart*> drop_charts(const Sweep& s);
// Delivered rate and RX interrupt rate against the first swept key, one line per value of the
// other keys (receive livelock: offered load on x, NAPI on and off as two lines).
std::vector<QChart*> rate_charts(const Sweep& s);
// Overlaid CDFs; the latency axis is logarithmic when it spans more than two decades.
QChart* cdf_chart(const std::vector<Cdf>& cdfs, const QString& title);

// Renders the charts one below the other, each `each` pixels, to FILE.png or FILE.svg (written
// to FILE.tmp and renamed). Throws ChartError on an unknown extension or a failed write.
void render(const std::vector<QChart*>& charts, const std::string& path, QSize each);

} // namespace rxpath::charts

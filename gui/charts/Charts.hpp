// Charts of run results, shared by rxpath-plot (headless PNG/SVG) and the viewer: latency CDFs
// (of traces or of sweep points) and latency / drops / rates against a swept parameter.
// The caller owns the returned charts.
#pragma once

#include "Cdf.hpp"
#include "ChartError.hpp"
#include "Render.hpp"
#include "SweepResults.hpp"

#include <QString>

#include <vector>

class QChart;

namespace rxpath::charts {

// p50, p90, p99 and p99.9 (means over the seeds, a band for their 95% CI) against the sweep's x
// key; one chart per combination of the values of the other keys that vary.
std::vector<QChart*> latency_charts(const Sweep& s);
// Delivered and dropped by reason against the x key; one chart per value of the other keys.
std::vector<QChart*> drop_charts(const Sweep& s);
// Delivered rate and RX interrupt rate against the x key, one line per value of the other keys
// (receive livelock: offered load on x, NAPI on and off as two lines).
std::vector<QChart*> rate_charts(const Sweep& s);
// Overlaid CDFs: latency in µs on x (logarithmic when it spans more than two decades), the
// fraction of delivered datagrams on y.
QChart* cdf_chart(const std::vector<Cdf>& cdfs, const QString& title);

} // namespace rxpath::charts

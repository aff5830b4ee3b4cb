// rxpath-view --benchmark TRACE: the viewer's performance figures (docs/performance.md, "Viewer").
// Loads the trace as the window does (without the window), then renders the timeline offscreen into
// a QImage, zoomed out (fit all) and zoomed in (a 10 µs window), and prints the times.
#pragma once

#include <QSize>
#include <QString>

namespace rxpath::view {

struct BenchmarkOptions {
  QString trace;
  QSize size{1600, 1000}; // of the timeline (its height grows to fit every row)
  int redraws = 20;       // per zoom level, after one that is not counted
  bool reference = true;  // time python3's json.loads of the same file, for the ratio
};

// Prints the figures on stdout; returns the process exit code (2 when the trace does not load).
int run_benchmark(const BenchmarkOptions& opt);

} // namespace rxpath::view

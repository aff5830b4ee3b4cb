// rxpath-plot: latency CDFs and latency-vs-parameter charts as PNG or SVG, rendered headless with
// Qt Charts (`rxpath plot ...` runs it). docs/plots.md.
//
//   rxpath-plot RESULTS.json -o FILE.png|svg [--kind params|drops|rate|cdf]
//   rxpath-plot TRACE.jsonl... -o FILE.png|svg
#include "charts/Charts.hpp"

#include <QApplication>
#include <QChart>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

int usage_error(const std::string& msg) {
  std::fprintf(stderr,
               "rxpath-plot: error: %s\nUsage: rxpath plot RESULTS.json|TRACE.jsonl... -o FILE.png|FILE.svg "
               "[--kind params|drops|rate|cdf] [--where KEY=VALUE] [--title T] [--width W] [--height H]\n",
               msg.c_str());
  return 2;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

int main(int argc, char** argv) {
  // Headless unless a display was asked for.
  if (!std::getenv("QT_QPA_PLATFORM")) setenv("QT_QPA_PLATFORM", "offscreen", 1);
  std::vector<std::string> inputs;
  std::string out, kind, title;
  std::vector<std::pair<std::string, std::string>> where; // --where KEY=VALUE: only those points
  int width = 900, height = 420;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* what) -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + ": expected " + what);
      return argv[++i];
    };
    try {
      if (a == "-o" || a == "--output") {
        out = value("an output file");
      } else if (a == "--kind") {
        kind = value("params, drops, rate or cdf");
        if (kind != "params" && kind != "drops" && kind != "rate" && kind != "cdf")
          return usage_error("--kind " + kind + ": expected params, drops, rate or cdf");
      } else if (a == "--where") {
        const std::string w = value("KEY=VALUE");
        const auto eq = w.find('=');
        if (eq == std::string::npos || eq == 0) return usage_error("--where " + w + ": expected KEY=VALUE");
        where.emplace_back(w.substr(0, eq), w.substr(eq + 1));
      } else if (a == "--title") {
        title = value("a title");
      } else if (a == "--width" || a == "--height") {
        const std::string v = value("a size in pixels");
        char* end = nullptr;
        const long n = std::strtol(v.c_str(), &end, 10);
        if (*end || n < 100 || n > 10000) return usage_error(a + " " + v + ": expected 100 to 10000 pixels");
        (a == "--width" ? width : height) = static_cast<int>(n);
      } else if (a == "-h" || a == "--help") {
        std::printf(
            "rxpath plot RESULTS.json|TRACE.jsonl... -o FILE.png|FILE.svg [--kind params|drops|rate|cdf]\n"
            "  RESULTS.json (rxpath sweep -o): latency against the first swept key (params, the default),\n"
            "  delivered and drops against it (drops), delivered and interrupt rates with a line per value\n"
            "  of the second key (rate), or the points' latency CDFs (cdf).\n"
            "  TRACE.jsonl...: the delivered datagrams' latency CDFs, one line per trace.\n");
        return 0;
      } else if (!a.empty() && a[0] == '-') {
        return usage_error("unknown option " + a);
      } else {
        inputs.push_back(a);
      }
    } catch (const std::invalid_argument& e) {
      return usage_error(e.what());
    }
  }
  if (out.empty()) return usage_error("-o FILE.png|FILE.svg is required");
  if (!ends_with(out, ".png") && !ends_with(out, ".svg"))
    return usage_error("-o " + out + ": expected a file name ending in .png or .svg");
  if (inputs.empty()) return usage_error("expected a sweep's RESULTS.json or one or more traces");

  QApplication app(argc, argv);
  using namespace rxpath::charts;
  try {
    std::vector<QChart*> charts;
    const bool sweep = ends_with(inputs[0], ".json") && !ends_with(inputs[0], ".jsonl");
    if (sweep) {
      if (inputs.size() > 1) return usage_error("one sweep results file at a time");
      Sweep s = read_sweep(inputs[0]);
      for (const auto& [k, v] : where) {
        const auto key = std::find(s.keys.begin(), s.keys.end(), k);
        if (key == s.keys.end()) throw ChartError(inputs[0] + ": axes: --where " + k + ": not a swept key");
        const auto i = static_cast<size_t>(key - s.keys.begin());
        std::erase_if(s.points, [&](const SweepPoint& p) { return p.values[i] != v; });
        for (auto& p : s.points) {
          p.fixed.resize(s.keys.size());
          p.fixed[i] = true;
          p.cdf.name = p.label(); // without the fixed key
        }
      }
      if (kind == "cdf") {
        std::vector<Cdf> cdfs;
        for (const auto& p : s.points)
          if (p.ok && !p.cdf.ns.empty()) cdfs.push_back(p.cdf);
        if (cdfs.empty())
          throw ChartError(inputs[0] +
                           ": points[].latency_cdf: no point has one (re-run the sweep with this rxpath)");
        charts.push_back(
            cdf_chart(cdfs, title.empty() ? QStringLiteral("Latency CDF") : QString::fromStdString(title)));
      } else {
        charts = kind == "drops" ? drop_charts(s) : kind == "rate" ? rate_charts(s) : latency_charts(s);
        if (charts.empty()) throw ChartError(inputs[0] + ": points: no point finished (status \"ok\")");
        if (!title.empty()) charts.front()->setTitle(QString::fromStdString(title));
      }
    } else {
      if (!kind.empty() && kind != "cdf")
        return usage_error("--kind " + kind + " needs a sweep's RESULTS.json");
      std::vector<Cdf> cdfs;
      for (const auto& t : inputs) cdfs.push_back(read_trace_cdf(t));
      charts.push_back(
          cdf_chart(cdfs, title.empty() ? QStringLiteral("Latency CDF") : QString::fromStdString(title)));
    }
    render(charts, out, QSize(width, height));
    for (auto* c : charts) delete c;
    std::printf("%s: %zu chart%s\n", out.c_str(), charts.size(), charts.size() == 1 ? "" : "s");
  } catch (const ChartError& e) {
    std::fprintf(stderr, "rxpath-plot: error: %s\n", e.what());
    return 2;
  }
  return 0;
}

// rxpath-plot: latency CDFs and latency-vs-parameter charts as PNG or SVG, rendered headless with
// Qt Charts (`rxpath plot ...` runs it). docs/plots.md.
//
//   rxpath-plot RESULTS.json -o FILE.png|svg [--kind params|drops|rate|cdf]
//   rxpath-plot TRACE.jsonl... -o FILE.png|svg
#include "charts/Charts.hpp"

#include <CLI/CLI.hpp>

#include <QApplication>
#include <QChart>

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
  std::vector<std::string> inputs, wheres;
  std::string out, kind, title;
  int width = 900, height = 420;
  CLI::App cli{"rxpath plot: latency CDFs and latency-vs-parameter charts as PNG or SVG (docs/plots.md)"};
  cli.add_option("INPUT", inputs,
                 "A sweep's RESULTS.json (rxpath sweep -o), or traces (.jsonl): their latency CDFs")
      ->required();
  cli.add_option("-o,--output", out, "FILE.png or FILE.svg")->required();
  cli.add_option("--kind", kind,
                 "RESULTS.json: params (latency against the first swept key, the default), drops, rate "
                 "(delivered and interrupt rates, a line per value of the other keys) or cdf")
      ->check(CLI::IsMember({"params", "drops", "rate", "cdf"}));
  cli.add_option("--where", wheres, "KEY=VALUE: only the points with this value of a swept key");
  cli.add_option("--title", title, "Title of the (first) chart");
  cli.add_option("--width", width, "Pixels of each chart")->check(CLI::Range(100, 10000));
  cli.add_option("--height", height, "Pixels of each chart")->check(CLI::Range(100, 10000));
  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    return usage_error(e.what());
  }
  std::vector<std::pair<std::string, std::string>> where;
  for (const auto& w : wheres) {
    const auto eq = w.find('=');
    if (eq == std::string::npos || eq == 0) return usage_error("--where " + w + ": expected KEY=VALUE");
    where.emplace_back(w.substr(0, eq), w.substr(eq + 1));
  }
  if (!ends_with(out, ".png") && !ends_with(out, ".svg"))
    return usage_error("-o " + out + ": expected a file name ending in .png or .svg");

  QApplication app(argc, argv);
  using namespace rxpath::charts;
  try {
    std::vector<QChart*> charts;
    const bool sweep = ends_with(inputs[0], ".json") && !ends_with(inputs[0], ".jsonl");
    if (sweep) {
      if (inputs.size() > 1) return usage_error("one sweep results file at a time");
      Sweep s = read_sweep(inputs[0]);
      for (const auto& [k, v] : where) s.where(k, v);
      if (kind == "cdf") {
        std::vector<Cdf> cdfs;
        for (const auto& p : s.points)
          if (p.ok && !p.cdf.ns.empty()) cdfs.push_back(p.cdf);
        if (cdfs.empty())
          throw ChartError(inputs[0] + ": points[].latency_cdf: no finished point has a latency CDF (results "
                                       "of an rxpath older than the key, or nothing delivered)");
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

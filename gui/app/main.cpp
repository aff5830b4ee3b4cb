// rxpath-view [TRACE | RESULTS.json] [--compare TRACE2]
// rxpath-view --screenshot OUT.png TRACE [--packet N] [--stage K] [--tab packets|events|stats]
// rxpath-view --benchmark TRACE
#include "Benchmark.hpp"
#include "MainWindow.hpp"
#include "Screenshot.hpp"
#include "rxpath/Version.hpp"

#include <QApplication>
#include <QCommandLineParser>

#include <cstdio>
#include <memory>
#include <string_view>

namespace {

// --help and --version need no display: answered by a QCoreApplication before the QApplication,
// which aborts when there is no display to connect to.
bool asks_for_help(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "-h" || a == "--help" || a == "--help-all" || a == "-v" || a == "--version") return true;
  }
  return false;
}

} // namespace

int main(int argc, char** argv) {
  std::unique_ptr<QCoreApplication> app_owner;
  if (asks_for_help(argc, argv))
    app_owner = std::make_unique<QCoreApplication>(argc, argv);
  else
    app_owner = std::make_unique<QApplication>(argc, argv);
  QCoreApplication& app = *app_owner;
  QCoreApplication::setOrganizationName(QStringLiteral("rxpath"));
  QCoreApplication::setApplicationName(QStringLiteral("rxpath-view"));
  QCoreApplication::setApplicationVersion(QString::fromLatin1(rxpath::kVersion));
  qRegisterMetaType<rxpath::view::LoadResult>("rxpath::view::LoadResult");

  QCommandLineParser cli;
  cli.setApplicationDescription(QStringLiteral("Viewer of rxpath traces (docs/viewer.md)."));
  cli.addHelpOption();
  cli.addVersionOption();
  cli.addPositionalArgument(QStringLiteral("TRACE"), QStringLiteral("rxpath trace (.jsonl) to open"));
  QCommandLineOption shot(QStringLiteral("screenshot"),
                          QStringLiteral("Render the window to OUT.png and exit."),
                          QStringLiteral("OUT.png"));
  QCommandLineOption packet(QStringLiteral("packet"),
                            QStringLiteral("Follow packet N (its id in the trace)."), QStringLiteral("N"));
  QCommandLineOption stage(QStringLiteral("stage"), QStringLiteral("Show stage K of the packet (0 = first)."),
                           QStringLiteral("K"), QStringLiteral("0"));
  QCommandLineOption tab(QStringLiteral("tab"), QStringLiteral("Lower tab: packets, events or stats."),
                         QStringLiteral("TAB"), QStringLiteral("packets"));
  QCommandLineOption size(QStringLiteral("size"), QStringLiteral("Window size for --screenshot, WxH."),
                          QStringLiteral("WxH"), QStringLiteral("1600x1000"));
  QCommandLineOption whole(QStringLiteral("whole"),
                           QStringLiteral("With --packet: keep the whole trace in view."));
  QCommandLineOption bench(QStringLiteral("benchmark"),
                           QStringLiteral("Print the load time, memory and redraw times of TRACE and exit."));
  QCommandLineOption no_ref(
      QStringLiteral("no-reference"),
      QStringLiteral("With --benchmark: skip python3's json.loads reference (profiling)."));
  QCommandLineOption redraws(
      QStringLiteral("redraws"),
      QStringLiteral("With --benchmark: redraws per zoom level (20; more to profile the redraw)."),
      QStringLiteral("N"), QStringLiteral("20"));
  QCommandLineOption compare(QStringLiteral("compare"),
                             QStringLiteral("Open TRACE2 beside TRACE (same traffic, other settings)."),
                             QStringLiteral("TRACE2"));
  QCommandLineOption whatif(
      QStringLiteral("what-if"),
      QStringLiteral("With --screenshot: run the what-if panel with KEY=VALUE (repeatable)."),
      QStringLiteral("KEY=VALUE"));
  QCommandLineOption tick(
      QStringLiteral("tick"),
      QStringLiteral("With --screenshot of sweep results: overlay the CDFs of these points."),
      QStringLiteral("N,M,..."));
  cli.addOptions({shot, packet, stage, tab, size, whole, bench, no_ref, redraws, compare, whatif, tick});
  cli.process(app);
  const QStringList args = cli.positionalArguments();
  if (const QString t = cli.value(tab);
      t != QLatin1String("packets") && t != QLatin1String("events") && t != QLatin1String("stats")) {
    std::fprintf(stderr, "rxpath-view: --tab %s: expected packets, events or stats\n", qPrintable(t));
    return 2;
  }

  if (cli.isSet(bench)) {
    if (args.size() != 1) {
      std::fprintf(stderr, "rxpath-view: --benchmark needs exactly one TRACE\n");
      return 2;
    }
    rxpath::view::BenchmarkOptions opt;
    opt.trace = args[0];
    opt.reference = !cli.isSet(no_ref);
    bool ok = false;
    opt.redraws = cli.value(redraws).toInt(&ok);
    if (!ok || opt.redraws < 1) {
      std::fprintf(stderr, "rxpath-view: --redraws %s: expected a positive integer\n",
                   qPrintable(cli.value(redraws)));
      return 2;
    }
    return rxpath::view::run_benchmark(opt);
  }

  if (cli.isSet(shot)) {
    if (args.size() != 1) {
      std::fprintf(stderr, "rxpath-view: --screenshot needs exactly one TRACE\n");
      return 2;
    }
    rxpath::view::ScreenshotOptions opt;
    opt.trace = args[0];
    opt.out = cli.value(shot);
    bool ok = true;
    if (cli.isSet(packet)) opt.packet = cli.value(packet).toInt(&ok);
    if (ok) opt.stage = cli.value(stage).toInt(&ok);
    const QStringList wh = cli.value(size).split(QLatin1Char('x'));
    if (ok && wh.size() == 2) opt.size = QSize(wh[0].toInt(), wh[1].toInt());
    if (!ok || opt.size.isEmpty()) {
      std::fprintf(stderr, "rxpath-view: --packet, --stage and --size need numbers\n");
      return 2;
    }
    opt.tab = cli.value(tab);
    opt.compare = cli.value(compare);
    opt.what_if = cli.values(whatif);
    if (cli.isSet(tick))
      for (const QString& n : cli.value(tick).split(QLatin1Char(','))) opt.ticks << n.toInt();
    opt.zoom_packet = !cli.isSet(whole);
    return rxpath::view::take_screenshot(opt);
  }

  rxpath::view::MainWindow w;
  if (!args.isEmpty() && args[0].endsWith(QLatin1String(".json"))) {
    // Sweep results open in their own window; the main window stays for traces.
    if (!w.open_sweep(args[0])) {
      std::fprintf(stderr, "rxpath-view: %s\n", qPrintable(w.last_error()));
      return 2;
    }
    return app.exec();
  }
  w.show();
  if (!args.isEmpty() && cli.isSet(compare)) {
    if (!w.open_trace_now(args[0])) return app.exec(); // the error dialog is shown
    w.compare_with(cli.value(compare));
  } else if (!args.isEmpty()) {
    w.open_trace(args[0]);
  }
  return app.exec();
}

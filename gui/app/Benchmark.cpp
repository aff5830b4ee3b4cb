#include "Benchmark.hpp"

#include "MainWindow.hpp"
#include "Selection.hpp"
#include "TraceLoadJob.hpp"
#include "models/PacketModel.hpp"
#include "timeline/TimelineWidget.hpp"
#include "trace/TraceReader.hpp"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QProcess>

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace rxpath::view {
namespace {

double peak_rss_bytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) * 1024.0; // Linux: KiB
}

// CPU time of this process (every thread), user + system: what the open costs, whatever else the
// shared cores are doing.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct RedrawTimes {
  double mean_ms = 0, max_ms = 0;
  double cpu_mean_ms = 0; // this thread's CPU time: what a redraw costs, whatever else runs
};

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// Renders the whole timeline into an image `n` times (after one uncounted warm-up), calling
// `place(k)` before the k-th render to set the visible range.
template <typename F>
RedrawTimes time_redraws(TimelineWidget& w, int n, F place) {
  QImage img(w.size(), QImage::Format_ARGB32_Premultiplied);
  place(0);
  w.render(&img);
  RedrawTimes r;
  QElapsedTimer clock;
  for (int k = 0; k < n; ++k) {
    place(k);
    const double cpu0 = thread_cpu_ms();
    clock.start();
    w.render(&img);
    const double ms = static_cast<double>(clock.nsecsElapsed()) / 1e6;
    r.cpu_mean_ms += (thread_cpu_ms() - cpu0) / n;
    r.mean_ms += ms / n;
    r.max_ms = std::max(r.max_ms, ms);
  }
  return r;
}

// Reads the file once so that neither the reference nor the viewer pays for a cold page cache.
void warm_page_cache(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return;
  while (!f.read(1 << 20).isEmpty()) {
  }
}

// The reference the load time is judged against, measured on the same machine in the same run
// (machines differ 3x): Python's json.loads of every line, timed inside Python (no start-up).
// Wall and CPU seconds; negative when python3 cannot be run.
struct Reference {
  double wall_s = -1, cpu_s = -1;
};
Reference python_reference(const QString& path) {
  static const char* script = "import json, sys, time\n"
                              "t = time.perf_counter(); c = time.process_time()\n"
                              "with open(sys.argv[1], 'rb') as f:\n"
                              "    for line in f:\n"
                              "        if line.strip(): json.loads(line)\n"
                              "print(time.perf_counter() - t, time.process_time() - c)\n";
  QProcess py;
  py.start(QStringLiteral("python3"), {QStringLiteral("-c"), QString::fromLatin1(script), path});
  if (!py.waitForFinished(-1) || py.exitStatus() != QProcess::NormalExit || py.exitCode() != 0) return {};
  const QStringList out = QString::fromLatin1(py.readAllStandardOutput()).trimmed().split(QLatin1Char(' '));
  bool ok1 = false, ok2 = false;
  Reference r{out.value(0).toDouble(&ok1), out.value(1).toDouble(&ok2)};
  return ok1 && ok2 ? r : Reference{};
}

} // namespace

int run_benchmark(const BenchmarkOptions& opt) {
  warm_page_cache(opt.trace);
  const Reference ref = opt.reference ? python_reference(opt.trace) : Reference{};
  const double python_s = ref.wall_s;
  const double rss0 = peak_rss_bytes();
  const double cpu0 = cpu_seconds();
  // After reading, the loader reports 0.88, then 0.93 after sorting, 0.97 after the rows and 1
  // after the packets: the time of each mark splits the load into phases.
  QElapsedTimer clock;
  std::vector<std::pair<double, double>> marks; // (fraction, seconds)
  clock.start();
  LoadResult r = TraceLoadJob::load_now(opt.trace, [&](double f) {
    if (f >= 0.88 && (marks.empty() || marks.back().first < f))
      marks.emplace_back(f, static_cast<double>(clock.nsecsElapsed()) / 1e9);
    return true;
  });
  const double load_s = static_cast<double>(clock.nsecsElapsed()) / 1e9;
  if (!r.store) {
    std::fprintf(stderr, "rxpath-view: %s\n", qPrintable(r.error));
    return 2;
  }
  const double rss1 = peak_rss_bytes();
  const TraceStore& s = *r.store;
  const double n = static_cast<double>(s.events.size());
  auto time_at = [&](double mark) {
    for (const auto& [f, t] : marks)
      if (f >= mark - 1e-9) return t;
    return load_s;
  };
  auto phase = [&](double from, double to) { return time_at(to) - (from > 0 ? time_at(from) : 0.0); };

  // Handing the store to the window's views (models, statistics) and their first paint.
  MainWindow win;
  win.resize(opt.size);
  win.show();
  QApplication::processEvents();
  clock.restart();
  win.selection()->set_store(r.store);
  win.packet_model()->set_store(r.store);
  QApplication::processEvents();
  const double views_s = static_cast<double>(clock.nsecsElapsed()) / 1e9;
  const double open_cpu_s = cpu_seconds() - cpu0;

  Selection sel;
  sel.set_store(r.store);
  TimelineWidget w(&sel);
  w.resize(opt.size.width(), std::max(opt.size.height(), w.minimumHeight()));
  w.show();
  QApplication::processEvents();
  const RedrawTimes out = time_redraws(w, opt.redraws, [&](int) { w.fit_all(); });
  // 10 µs windows spread over the whole run.
  const double t0 = static_cast<double>(s.t_min), span = static_cast<double>(s.t_max - s.t_min);
  const RedrawTimes in = time_redraws(w, opt.redraws, [&](int k) {
    const double t = t0 + span * (k + 0.5) / opt.redraws;
    w.set_range(t - 5000, t + 5000);
  });

  // The window's path: a load in a worker thread that hands over what it has read so far. The
  // first paint is when the timeline of the first snapshot has been rendered.
  double first_paint_s = -1, done_s = 0;
  size_t first_events = 0, snapshots = 0;
  {
    Selection psel;
    TimelineWidget pw(&psel);
    pw.resize(opt.size.width(), std::max(opt.size.height(), pw.minimumHeight()));
    QImage img(pw.size(), QImage::Format_ARGB32_Premultiplied);
    TraceLoadJob job;
    bool finished = false;
    QObject::connect(&job, &TraceLoadJob::partial, [&](const QString&, std::shared_ptr<const TraceStore> st) {
      ++snapshots;
      if (first_paint_s >= 0) return;
      psel.set_store(st);
      pw.fit_all();
      pw.render(&img);
      first_paint_s = static_cast<double>(clock.nsecsElapsed()) / 1e9;
      first_events = st->events.size();
    });
    QObject::connect(&job, &TraceLoadJob::finished,
                     [&](const QString&, const LoadResult&) { finished = true; });
    clock.restart();
    job.start(opt.trace);
    while (!finished) QApplication::processEvents(QEventLoop::WaitForMoreEvents);
    done_s = static_cast<double>(clock.nsecsElapsed()) / 1e9;
  }

  std::printf("trace            %s\n", qPrintable(opt.trace));
  std::printf("events           %zu (%zu packets, %zu timeline rows)\n", s.events.size(), s.packets.size(),
              s.rows.size());
  std::printf(
      "parser           scanner %s, simdjson on-demand %s (haswell: AVX2; portable: its fallback code)\n",
      trace::parse_scanner() ? "on" : "off", std::string(trace::parse_implementation()).c_str());
  std::printf("load             %.3f s  (read+parse %.3f, sort %.3f, rows %.3f, packets %.3f)\n", load_s,
              phase(0, 0.88), phase(0.88, 0.93), phase(0.93, 0.97), phase(0.97, 1.0));
  std::printf("views            %.3f s  (models, statistics, first paint)\n", views_s);
  std::printf("open total       %.3f s\n", load_s + views_s);
  if (python_s > 0)
    std::printf("reference        %.3f s  (python3 json.loads of every line, same run): open = %.3fx of it\n",
                python_s, (load_s + views_s) / python_s);
  else if (opt.reference)
    std::printf("reference        python3 could not be run: no ratio\n");
  if (ref.cpu_s > 0)
    std::printf("CPU time         %.3f s open (every thread), %.3f s python3: %.3fx of it\n", open_cpu_s,
                ref.cpu_s, open_cpu_s / ref.cpu_s);
  if (first_paint_s >= 0)
    std::printf("first paint      %.3f s  (window path: timeline of the first %zu events; %zu snapshots; all "
                "read in %.3f s)\n",
                first_paint_s, first_events, snapshots, done_s);
  else
    std::printf("first paint      with the whole trace (loaded in %.3f s, before the first snapshot)\n",
                done_s);
  std::printf("peak RSS         %.1f MiB after load (%.1f MiB before)\n", rss1 / 1048576, rss0 / 1048576);
  std::printf("bytes per event  %.0f (peak RSS growth during load), %.0f (kept in the store)\n",
              n > 0 ? (rss1 - rss0) / n : 0.0, s.bytes_per_event());
  std::printf("redraw, fit all  %.2f ms mean, %.2f ms max, %.2f ms CPU mean (%d redraws, %dx%d px)\n",
              out.mean_ms, out.max_ms, out.cpu_mean_ms, opt.redraws, w.width(), w.height());
  std::printf("redraw, 10 us    %.2f ms mean, %.2f ms max, %.2f ms CPU mean (%d windows across the run)\n",
              in.mean_ms, in.max_ms, in.cpu_mean_ms, opt.redraws);
  return 0;
}

} // namespace rxpath::view

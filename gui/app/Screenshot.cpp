#include "Screenshot.hpp"

#include "MainWindow.hpp"
#include "Selection.hpp"
#include "compare/CompareWindow.hpp"
#include "sweep/SweepWindow.hpp"
#include "timeline/TimelineWidget.hpp"
#include "whatif/WhatIfPanel.hpp"

#include <QApplication>
#include <QEventLoop>
#include <QLayout>
#include <QPixmap>

#include <cstdio>

namespace rxpath::view {

namespace {

// The window at exactly the size asked for: below its layout's minimum (about 850 px wide for the
// main window, which fits a 1024 px screen) the widgets are squeezed rather than the size ignored.
void set_size(QWidget& w, QSize size) {
  if (QLayout* l = w.layout();
      l && (size.width() < w.minimumSizeHint().width() || size.height() < w.minimumSizeHint().height()))
    l->setSizeConstraint(QLayout::SetNoConstraint);
  w.setMinimumSize(0, 0);
  w.resize(size);
}

int save(QWidget& w, const QString& out) {
  for (int i = 0; i < 3; ++i) QApplication::processEvents();
  if (!w.grab().save(out)) {
    std::fprintf(stderr, "rxpath-view: cannot write %s\n", qPrintable(out));
    return 2;
  }
  return 0;
}

int sweep_screenshot(const ScreenshotOptions& opt) {
  try {
    SweepWindow w(opt.trace);
    set_size(w, opt.size);
    w.show();
    for (int i : opt.ticks) {
      if (i < 0 || i >= static_cast<int>(w.sweep().points.size())) {
        std::fprintf(stderr, "rxpath-view: --tick %d: the results have %zu points\n", i,
                     w.sweep().points.size());
        return 2;
      }
      w.tick(i, true);
    }
    return save(w, opt.out);
  } catch (const charts::ChartError& e) {
    std::fprintf(stderr, "rxpath-view: %s\n", e.what());
    return 2;
  }
}

} // namespace

int take_screenshot(const ScreenshotOptions& opt) {
  if (opt.trace.endsWith(QLatin1String(".json"))) return sweep_screenshot(opt);
  MainWindow w;
  set_size(w, opt.size);
  w.show();
  QApplication::processEvents(); // lay the window out at its size before the trace arrives
  if (!w.open_trace_now(opt.trace)) {
    std::fprintf(stderr, "rxpath-view: %s\n", qPrintable(w.last_error()));
    return 2;
  }
  if (opt.tab == QLatin1String("events"))
    w.show_tab(MainWindow::Tab::Events);
  else if (opt.tab == QLatin1String("stats"))
    w.show_tab(MainWindow::Tab::Statistics);
  QApplication::processEvents();
  if (opt.packet >= 0) {
    auto p = w.selection()->store()->packet_index(opt.packet);
    if (!p) {
      std::fprintf(stderr, "rxpath-view: the trace has no packet %d\n", opt.packet);
      return 2;
    }
    const uint32_t stages = w.selection()->store()->packets[*p].stage_count;
    if (opt.stage < 0 || static_cast<uint32_t>(opt.stage) >= stages) {
      std::fprintf(stderr, "rxpath-view: --stage %d: packet %d has stages 0 to %u\n", opt.stage, opt.packet,
                   stages - 1);
      return 2;
    }
    w.selection()->select_packet(static_cast<int>(*p), opt.stage);
    if (opt.zoom_packet) w.timeline()->fit_packet();
  }
  if (!opt.compare.isEmpty()) {
    CompareWindow* c = w.compare_with(opt.compare);
    if (!c) {
      std::fprintf(stderr, "rxpath-view: %s\n", qPrintable(w.last_error()));
      return 2;
    }
    set_size(*c, opt.size);
    QApplication::processEvents();
    if (opt.packet >= 0) {
      if (auto p = c->selection(0)->store()->packet_index(opt.packet)) {
        c->selection(0)->select_packet(static_cast<int>(*p), opt.stage);
        if (opt.zoom_packet) c->timeline(0)->fit_packet();
      }
    }
    return save(*c, opt.out);
  }
  if (!opt.what_if.isEmpty()) {
    WhatIfPanel* panel = w.what_if();
    set_size(*panel, opt.size);
    for (const QString& kv : opt.what_if) {
      const auto eq = kv.indexOf(QLatin1Char('='));
      bool ok = eq > 0;
      const double v = ok ? kv.mid(eq + 1).toDouble(&ok) : 0;
      if (!ok || !panel->set_field(kv.left(eq), v)) {
        std::fprintf(stderr, "rxpath-view: --what-if %s: expected KEY=NUMBER with a key of the panel\n",
                     qPrintable(kv));
        return 2;
      }
    }
    QEventLoop loop;
    bool ran = false;
    QObject::connect(panel, &WhatIfPanel::finished, &loop, [&](bool ok) {
      ran = ok;
      loop.quit();
    });
    panel->run();
    loop.exec();
    if (!ran) {
      std::fprintf(stderr, "rxpath-view: the what-if run failed: %s\n", qPrintable(panel->status()));
      return 2;
    }
    return save(*panel, opt.out);
  }
  return save(w, opt.out);
}

} // namespace rxpath::view

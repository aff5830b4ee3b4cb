#include "Screenshot.hpp"

#include "MainWindow.hpp"
#include "Selection.hpp"
#include "timeline/TimelineWidget.hpp"

#include <QApplication>
#include <QPixmap>

#include <cstdio>

namespace rxpath::view {

int take_screenshot(const ScreenshotOptions& opt) {
  MainWindow w;
  w.resize(opt.size);
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
    w.selection()->select_packet(static_cast<int>(*p), opt.stage);
    if (opt.zoom_packet) w.timeline()->fit_packet();
  }
  for (int i = 0; i < 3; ++i) QApplication::processEvents();
  if (!w.grab().save(opt.out)) {
    std::fprintf(stderr, "rxpath-view: cannot write %s\n", qPrintable(opt.out));
    return 2;
  }
  return 0;
}

} // namespace rxpath::view

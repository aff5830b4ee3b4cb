// rxpath-view --screenshot: opens a trace in a window, optionally follows a packet to a stage,
// and saves the window (QWidget::grab) as a PNG. Works offscreen (QT_QPA_PLATFORM=offscreen).
#pragma once

#include <QList>
#include <QSize>
#include <QString>
#include <QStringList>

namespace rxpath::view {

struct ScreenshotOptions {
  QString trace, out;
  int packet = -1;                         // packet id to follow
  int stage = 0;                           // its stage to show (0 = first)
  QString tab = QStringLiteral("packets"); // packets | events | stats
  QSize size{1600, 1000};
  bool zoom_packet = true; // fit the timeline to the followed packet
  QString compare;         // a second trace: screenshot of the two side by side
  QStringList what_if;     // KEY=VALUE: screenshot of the what-if panel after running them
  QList<int> ticks;        // sweep results (trace ends in .json): the points whose CDFs to overlay
};

// Returns the process exit code: 0, or 2 with a message on stderr.
int take_screenshot(const ScreenshotOptions& opt);

} // namespace rxpath::view

// rxpath-view --screenshot: opens a trace in a window, optionally follows a packet to a stage,
// and saves the window (QWidget::grab) as a PNG. Works offscreen (QT_QPA_PLATFORM=offscreen).
#pragma once

#include <QSize>
#include <QString>

namespace rxpath::view {

struct ScreenshotOptions {
  QString trace, out;
  int packet = -1;                         // packet id to follow
  int stage = 0;                           // its stage to show (0 = first)
  QString tab = QStringLiteral("packets"); // packets | events | stats
  QSize size{1600, 1000};
  bool zoom_packet = true; // fit the timeline to the followed packet
};

// Returns the process exit code: 0, or 2 with a message on stderr.
int take_screenshot(const ScreenshotOptions& opt);

} // namespace rxpath::view

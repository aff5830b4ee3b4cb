// Colours shared by the timeline, the waterfall and the charts, so a context or a function looks
// the same everywhere.
#pragma once

#include "trace/Event.hpp"

#include <QColor>

namespace rxpath::view {

QColor context_color(rxpath::trace::Ctx c);
QColor span_color(rxpath::trace::Fn f);
// A task's own colour on its row's state strip (running), as KernelShark colours each pid: hues
// spread by the golden angle, so neighbouring ids differ.
QColor task_color(int task);
// Runnable but waiting for the CPU: the task's colour, pale.
QColor task_waiting_color(int task);
inline QColor drop_color() {
  return QColor(0xd6, 0x27, 0x28);
}
inline QColor deliver_color() {
  return QColor(0x2c, 0xa0, 0x2c);
}
inline QColor follow_color() {
  return QColor(0xe0, 0x1e, 0x8c);
}
inline QColor marker_color(int which) {
  return which == 0 ? QColor(0x1f, 0x4e, 0xc8) : QColor(0x10, 0x8a, 0x5a);
}

} // namespace rxpath::view

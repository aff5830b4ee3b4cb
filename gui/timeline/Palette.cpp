#include "Palette.hpp"

#include <algorithm>
#include <cmath>

namespace rxpath::view {

using rxpath::trace::Ctx;
using rxpath::trace::Fn;

QColor context_color(Ctx c) {
  switch (c) {
  case Ctx::Nic:
    return QColor(0x7f, 0x7f, 0x7f);
  case Ctx::Hardirq:
    return QColor(0xd6, 0x4b, 0x3c);
  case Ctx::Softirq:
    return QColor(0x2f, 0x7e, 0xc1);
  case Ctx::Ksoftirqd:
    return QColor(0xe8, 0x8a, 0x1a);
  case Ctx::Process:
    return QColor(0x3a, 0xa0, 0x4a);
  }
  return Qt::gray;
}

QColor task_color(int task) {
  const int hue = static_cast<int>(std::fmod(200.0 + 137.508 * std::max(0, task), 360.0));
  return QColor::fromHsv(hue, 160, 185);
}

QColor task_waiting_color(int task) {
  const QColor c = task_color(task);
  return QColor::fromHsv(c.hsvHue(), 55, 250);
}

QColor span_color(Fn f) {
  switch (f) {
  case Fn::Rtl8139Interrupt:
  case Fn::Mlx5eCompletionEvent:
    return QColor(0xe5, 0x6b, 0x5d);
  case Fn::SmpCallFunction:
    return QColor(0xe3, 0x77, 0xc2);
  case Fn::DoSoftirq:
    return QColor(0xb9, 0xd3, 0xee);
  case Fn::NetRxAction:
    return QColor(0x73, 0xa6, 0xd9);
  case Fn::Rtl8139Poll:
  case Fn::Mlx5eNapiPoll:
    return QColor(0x2f, 0x6f, 0xb0);
  case Fn::ProcessBacklog:
    return QColor(0x8c, 0x6b, 0xb8);
  case Fn::RunKsoftirqd:
    return QColor(0xf7, 0xc0, 0x7e);
  case Fn::UdpRecvmsg:
    return QColor(0x9c, 0xd8, 0x8e);
  case Fn::AppWork:
    return QColor(0xc8, 0xc8, 0xc8);
  default:
    return QColor(0xbb, 0xbb, 0xbb);
  }
}

} // namespace rxpath::view

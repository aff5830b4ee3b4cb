// The NIC and socket lanes: each counter (ring fill; rmem and qlen) as a step plot with its
// envelope per pixel column, read from its bins zoomed out (CounterBins) and from the events
// zoomed in, with the lane's drops as a density and a note of its scale.
#include "TimelinePainter.hpp"

#include "Palette.hpp"

#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace rxpath::view {
namespace {

// First position at or after `from` in `points` (sorted by time) whose event is at or after t.
// Galloping from `from`: the next pixel column's answer is usually close, so this touches a few
// nearby events instead of binary-searching the whole row (a cache miss per step).
size_t first_at_or_after(const TraceStore& s, const std::vector<uint32_t>& points, size_t from, double t) {
  auto before = [&](uint32_t i, double v) { return static_cast<double>(s.events[i].t) < v; };
  size_t lo = from, step = 1;
  while (lo + step < points.size() && before(points[lo + step], t)) lo += step, step *= 2;
  const size_t hi = std::min(points.size(), lo + step + 1);
  return static_cast<size_t>(std::lower_bound(points.begin() + static_cast<std::ptrdiff_t>(lo),
                                              points.begin() + static_cast<std::ptrdiff_t>(hi), t, before) -
                             points.begin());
}

} // namespace

void CounterBins::build(const TraceStore& s, const std::vector<uint32_t>& series, Field f) {
  lo.assign(kBins, 0), hi.assign(kBins, 0), last.assign(kBins, -1);
  max = 0;
  t0 = static_cast<double>(s.t_min);
  bin_ns = std::max(1.0, static_cast<double>(s.t_max - s.t_min) / kBins);
  for (uint32_t i : series) {
    const int64_t v = s.value(s.events[i], f);
    if (v < 0) continue;
    const auto b = static_cast<size_t>(
        std::clamp(static_cast<int>((static_cast<double>(s.events[i].t) - t0) / bin_ns), 0, kBins - 1));
    const auto x = static_cast<float>(v);
    max = std::max(max, static_cast<double>(v));
    if (last[b] < 0)
      lo[b] = hi[b] = x;
    else
      lo[b] = std::min(lo[b], x), hi[b] = std::max(hi[b], x);
    last[b] = x;
  }
}

template <typename F>
void TimelinePainter::paint_counter(const std::vector<uint32_t>& series, const CounterBins& bins, int y,
                                    int h, double vmax, QColor fill, QColor line, F value) {
  if (series.empty() || vmax <= 0) return;
  const int w = static_cast<int>(geo_.width());
  // Each column's lowest and highest value, and the value carried into the next column.
  std::vector<std::pair<double, double>> range(static_cast<size_t>(std::max(0, w)));
  if (!bins.last.empty() && geo_.ns_per_pixel() >= 4 * bins.bin_ns) {
    // Zoomed out: from the bins under each column. Searching the events per column (a gallop and
    // 32 samples, each a read somewhere in the whole event array) was most of a fitted redraw.
    const int n = static_cast<int>(bins.last.size());
    auto bin_at = [&](double t) {
      return std::clamp(static_cast<int>(std::floor((t - bins.t0) / bins.bin_ns)), 0, n);
    };
    int b = bin_at(geo_.map_x_to_time(0));
    double v = 0;
    for (int j = b; j-- > 0;)
      if (bins.last[j] >= 0) {
        v = bins.last[j];
        break;
      }
    for (int col = 0; col < w; ++col) {
      const int end = bin_at(geo_.map_x_to_time(col + 1));
      double lo = v, hi = v;
      for (; b < end; ++b)
        if (bins.last[b] >= 0)
          lo = std::min<double>(lo, bins.lo[b]), hi = std::max<double>(hi, bins.hi[b]), v = bins.last[b];
      range[col] = {std::min(lo, v), std::max(hi, v)};
    }
  } else {
    size_t k = first_at_or_after(s_, series, 0, geo_.start());
    double v = 0; // the value carried into the first column: the last sample before it
    for (size_t j = k; j-- > 0;)
      if (double x = value(s_.events[series[j]]); x >= 0) {
        v = x;
        break;
      }
    for (int col = 0; col < w; ++col) {
      const size_t end = first_at_or_after(s_, series, k, geo_.map_x_to_time(col + 1));
      double lo = v, hi = v;
      // At most 32 samples per column: enough to show the envelope of a busy stretch.
      const size_t n = end - k, stride = std::max<size_t>(1, n / 32);
      for (size_t j = k; j < end; j += stride)
        if (double x = value(s_.events[series[j]]); x >= 0) lo = std::min(lo, x), hi = std::max(hi, x), v = x;
      if (end > k)
        for (size_t j = end; j-- > k;)
          if (double x = value(s_.events[series[j]]); x >= 0) {
            v = x;
            break;
          }
      range[col] = {std::min(lo, v), std::max(hi, v)};
      k = end;
    }
  }
  auto to_y = [&](double x) { return y + h - std::min(1.0, x / vmax) * (h - 2); };
  // The area as one polygon (one fill, not one per column), its upper edge as one path.
  QPolygonF area;
  area.reserve(2 * w + 2);
  QPainterPath top;
  for (int col = 0; col < w; ++col) {
    const auto [lo, hi] = range[col];
    area << QPointF(x0_ + col, to_y(hi)) << QPointF(x0_ + col + 1, to_y(hi));
    if (col == 0) top.moveTo(x0_ + col, to_y(hi));
    top.lineTo(x0_ + col, to_y(hi));
    if (lo != hi) top.lineTo(x0_ + col, to_y(lo)), top.lineTo(x0_ + col, to_y(hi));
  }
  area << QPointF(x0_ + w, y + h) << QPointF(x0_, y + h);
  if (fill.alpha() > 0) {
    p_.setPen(Qt::NoPen);
    p_.setBrush(fill);
    p_.drawPolygon(area);
    p_.setBrush(Qt::NoBrush);
  }
  p_.setPen(QPen(line, 1));
  p_.drawPath(top);
}

void TimelinePainter::paint_nic(const Row& row, const RowLayout::Band& b, const RowScale& sc) {
  paint_counter(row.counter, sc.bins[0], b.top + 10, b.height - 12, sc.value_max, QColor(0xcf, 0xd8, 0xe6),
                QColor(0x4a, 0x5f, 0x80),
                [this](const StoredEvent& e) { return static_cast<double>(s_.value(e, field("ring"))); });
  // IRQ ticks (irq_raise) along the top, ring-full drops as a density in the same strip.
  paint_points(row.points, row.point_marks, row.point_bins, b.top + 1, 8);
  paint_drops(row.drops, row.drop_marks, row.drop_bins, b.top + 1, 8);
  corner_note(b,
              QStringLiteral("ring descriptors in use, scale 0–%1 · ticks: IRQ raised · red: drops (density)")
                  .arg(static_cast<qint64>(sc.value_max)));
}

void TimelinePainter::paint_queue(const Row& row, const RowLayout::Band& b, const RowScale& sc, bool note) {
  // As the NIC lane, for one queue: its ring fill (from its frames' DMA and the driver's per-frame
  // stage), its interrupt vector's raises as ticks (not its frames: at a Mpps those would be a
  // solid bar) and its ring-full drops.
  paint_counter(row.counter, sc.bins[0], b.top + 10, b.height - 12, sc.value_max, QColor(0xcf, 0xd8, 0xe6),
                QColor(0x4a, 0x5f, 0x80),
                [this](const StoredEvent& e) { return static_cast<double>(s_.value(e, field("ring"))); });
  paint_points(row.irqs, row.irq_marks, row.irq_bins, b.top + 1, 8);
  paint_drops(row.drops, row.drop_marks, row.drop_bins, b.top + 1, 8);
  if (note)
    corner_note(
        b, QStringLiteral("each queue: ring descriptors in use, scale 0–%1 · ticks: its IRQ · red: drops")
               .arg(static_cast<qint64>(sc.value_max)));
}

void TimelinePainter::corner_note(const RowLayout::Band& b, const QString& text) {
  QFont f = p_.font();
  f.setPointSizeF(f.pointSizeF() * 0.85);
  p_.setFont(f);
  const double w = QFontMetricsF(f).horizontalAdvance(text) + 8;
  const QRectF r(x0_ + geo_.width() - w - 4, b.top + b.height - 15, w, 13);
  p_.fillRect(r, QColor(255, 255, 255, 210));
  p_.setPen(QColor(0x60, 0x60, 0x60));
  p_.drawText(r, Qt::AlignCenter, text);
  f.setPointSizeF(f.pointSizeF() / 0.85);
  p_.setFont(f);
}

void TimelinePainter::paint_socket(const Row& row, const RowLayout::Band& b, const RowScale& sc) {
  const int y = b.top + 4, h = b.height - 6;
  paint_counter(row.counter, sc.bins[0], y, h, sc.value_max * 1.08, QColor(0xd5, 0xe8, 0xd0),
                QColor(0x3a, 0x80, 0x3a),
                [this](const StoredEvent& e) { return static_cast<double>(s_.value(e, field("rmem"))); });
  paint_counter(row.counter, sc.bins[1], y, h, sc.qlen_max * 1.08, QColor(0, 0, 0, 0),
                QColor(0x8e, 0x44, 0xad),
                [this](const StoredEvent& e) { return static_cast<double>(s_.value(e, field("qlen"))); });
  // rcvbuf: the limit rmem runs into.
  const double limit = sc.limit > 0 ? sc.limit : sc.value_max;
  const double ry = y + h - std::min(1.0, limit / (sc.value_max * 1.08)) * (h - 2);
  p_.setPen(QPen(drop_color(), 1, Qt::DashLine));
  p_.drawLine(QPointF(x0_, ry), QPointF(x0_ + geo_.width(), ry));
  paint_drops(row.drops, row.drop_marks, row.drop_bins, b.top + 1, 8);
  corner_note(b, QStringLiteral("green: rmem of rcvbuf %1 (dashed) · purple: qlen, scale 0–%2 · red: drops")
                     .arg(static_cast<qint64>(sc.limit > 0 ? sc.limit : sc.value_max))
                     .arg(static_cast<qint64>(sc.qlen_max)));
}

} // namespace rxpath::view

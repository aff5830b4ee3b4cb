#include "TimelinePainter.hpp"

#include "Palette.hpp"
#include "app/Selection.hpp"
#include "data/TimeFormat.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace rxpath::view {
namespace {

QColor point_color(const StoredEvent& e) {
  switch (e.kind) {
  case trace::Kind::Drop:
    return drop_color();
  case trace::Kind::Deliver:
    return deliver_color();
  case trace::Kind::Stage: {
    // darker() converts to HSV and back: once per context, not once per tick.
    static const auto stage_colors = [] {
      std::array<QColor, 8> c;
      for (size_t i = 0; i < c.size(); ++i) c[i] = context_color(static_cast<trace::Ctx>(i)).darker(130);
      return c;
    }();
    return stage_colors[static_cast<size_t>(e.ctx) % stage_colors.size()];
  }
  default:
    return QColor(0x99, 0x99, 0x99);
  }
}

} // namespace

void TimelinePainter::paint_rows(const std::vector<RowScale>& scales, int width, int y_from, int y_to) {
  p_.save();
  p_.setClipRect(x0_, RowLayout::kAxisHeight, width - x0_, layout_.height(), Qt::IntersectClip);
  if (layout_.pinned_bottom() > RowLayout::kAxisHeight && y_from < layout_.pinned_bottom())
    p_.fillRect(0, layout_.pinned_bottom() - RowLayout::kPinnedGap, width, RowLayout::kPinnedGap,
                QColor(0x9a, 0xa4, 0xb8));
  bool queue_note = true; // the first queue lane's legend says what all of them show
  for (const auto& b : layout_.bands()) {
    if (b.top >= y_to || b.top + b.height <= y_from) continue;
    if (b.row < 0) {
      p_.fillRect(x0_, b.top, width - x0_, b.height, QColor(0xee, 0xf0, 0xf4));
      continue;
    }
    const Row& row = s_.rows[b.row];
    p_.fillRect(x0_, b.top, width - x0_, b.height, (b.row % 2) ? QColor(0xfb, 0xfb, 0xfb) : Qt::white);
    p_.setPen(QColor(0xe4, 0xe4, 0xe4));
    p_.drawLine(x0_, b.top + b.height - 1, width, b.top + b.height - 1);
    if (row.kind == RowKind::Nic)
      paint_nic(row, b, scales[b.row]);
    else if (row.kind == RowKind::NicQueue)
      paint_queue(row, b, scales[b.row], std::exchange(queue_note, false));
    else if (row.kind == RowKind::Socket)
      paint_socket(row, b, scales[b.row]);
    else {
      const int sh = layout_.span_height();
      if (b.state_height > 0) paint_task_states(row, b.top + 2, b.state_height);
      for (int d = 0; d < b.depths; ++d) paint_spans(row.spans[d], b.spans_top() + d * sh, sh);
      const int ty = b.top + b.height - RowLayout::kTickBand - 1;
      paint_points(row.points, row.point_marks, row.point_bins, ty, RowLayout::kTickBand);
      paint_drops(row.drops, row.drop_marks, row.drop_bins, ty, RowLayout::kTickBand);
    }
  }
  p_.restore();
}

void TimelinePainter::paint_span_box(const StoredEvent& e, double xa, double xb, int y, int h) {
  const int w = static_cast<int>(geo_.width());
  const QColor c = span_color(e.fn);
  const QRectF r(x0_ + std::max(xa, -1.0), y, std::min(xb, w + 1.0) - std::max(xa, -1.0), h - 1);
  p_.fillRect(r, c);
  p_.setPen(c.darker(140));
  p_.drawRect(r.adjusted(0, 0, -0.5, -0.5));
  // The function's name inside a span wide enough for it (KernelShark, Perfetto).
  if (h >= 10 && r.width() > 40) {
    const QString name = QFontMetricsF(p_.font()).elidedText(QString::fromStdString(s_.function(e.fn).name),
                                                             Qt::ElideRight, r.width() - 6);
    if (name.size() > 3) {
      p_.setPen(c.lightness() > 140 ? QColor(0x20, 0x20, 0x20) : Qt::white);
      p_.drawText(r.adjusted(3, 0, -3, 0), Qt::AlignVCenter | Qt::AlignLeft, name);
    }
  }
}

void TimelinePainter::paint_spans(const SpanList& list, int y, int h) {
  const int w = static_cast<int>(geo_.width());
  if (list.events.empty() || w <= 0) return;
  // Each pixel column is filled to the share of its time the row's spans cover (the union of the
  // spans, from SpanList::covered): painting every span that touched a column solid made a softirq
  // row that was 47% busy look 100% busy when zoomed out. Heights are whole pixels, so neighbouring
  // columns of equal height and function become one rectangle. Spans two pixels wide or more are
  // drawn as boxes on top, labelled when there is room.
  int run_start = 0;
  double run_h = 0;
  trace::Fn run_fn = trace::Fn::Count_;
  auto column = [&](int col, double share, trace::Fn fn) {
    const double bh = std::round(std::clamp(share, 0.0, 1.0) * (h - 1));
    if (bh == run_h && fn == run_fn) return;
    if (run_h > 0 && col > run_start)
      p_.fillRect(QRectF(x0_ + run_start, y + (h - 1) - run_h, col - run_start, run_h), span_color(run_fn));
    run_start = col, run_h = bh, run_fn = fn;
  };
  auto width_px = [&](const StoredEvent& e, double& xa, double& xb) {
    xa = geo_.map_time_to_x(static_cast<double>(e.t));
    xb = geo_.map_time_to_x(static_cast<double>(s_.end_or_t(e)));
    return xb - xa;
  };
  std::vector<std::pair<uint32_t, std::pair<double, double>>> wide;
  if (!list.bins.empty() && s_.bins.covers_columns_of(geo_.ns_per_pixel())) {
    // Zoomed out: a column's share is that of the bins that begin in it, exact for their time.
    const BinGrid& g = s_.bins;
    const SpanBins& bins = list.bins;
    int b0 = g.first_at_or_after(geo_.map_x_to_time(0));
    for (int col = 0; col < w; ++col) {
      const int b1 = g.first_at_or_after(geo_.map_x_to_time(col + 1));
      if (b1 > b0)
        column(col,
               static_cast<double>(bins.covered[b1] - bins.covered[b0]) /
                   static_cast<double>(g.edge(b1) - g.edge(b0)),
               bins.last_fn[b1 - 1]);
      else
        column(col, 0, trace::Fn::Count_);
      b0 = b1;
    }
    // The boxes: only spans that can be two pixels wide here are in long_spans.
    auto it = std::partition_point(bins.long_spans.begin(), bins.long_spans.end(), [&](uint32_t j) {
      return static_cast<double>(s_.events[list.events[j]].t) < geo_.start();
    });
    if (it != bins.long_spans.begin()) --it; // it may reach into the view
    for (; it != bins.long_spans.end(); ++it) {
      const StoredEvent& e = s_.events[list.events[*it]];
      if (static_cast<double>(e.t) > geo_.end()) break;
      double xa = 0, xb = 0;
      if (width_px(e, xa, xb) >= 2 && xb > 0) wide.push_back({list.events[*it], {xa, xb}});
    }
  } else {
    auto time_at = [&](int col) { return static_cast<int64_t>(std::floor(geo_.map_x_to_time(col))); };
    // Spans beginning before t: a gallop from the previous column's answer, over the list's marks.
    auto begun_before = [&](size_t from, int64_t t) {
      return list.begins.first_at_or_after(list.events, from, t, [&](uint32_t i) { return s_.events[i].t; });
    };
    int64_t t0 = time_at(0);
    size_t k0 = begun_before(0, t0);
    int64_t c0 = list.covered_before(t0, k0);
    if (k0 > 0) { // a span begun before the view may reach into it
      double xa = 0, xb = 0;
      const StoredEvent& e = s_.events[list.events[k0 - 1]];
      if (width_px(e, xa, xb) >= 2 && xb > 0) wide.push_back({list.events[k0 - 1], {xa, xb}});
    }
    for (int col = 0; col < w; ++col) {
      const int64_t t1 = time_at(col + 1);
      const size_t k1 = begun_before(k0, t1);
      const int64_t c1 = list.covered_before(t1, k1);
      if (k1 > k0) {
        double xa = 0, xb = 0;
        const StoredEvent& e = s_.events[list.events[k1 - 1]];
        if (width_px(e, xa, xb) >= 2) wide.push_back({list.events[k1 - 1], {xa, xb}});
      }
      column(col, t1 > t0 ? static_cast<double>(c1 - c0) / static_cast<double>(t1 - t0) : 0,
             k1 > 0 ? s_.events[list.events[k1 - 1]].fn : trace::Fn::Count_);
      t0 = t1, k0 = k1, c0 = c1;
    }
  }
  column(w, 0, trace::Fn::Count_); // flushes the last run
  for (const auto& [i, x] : wide) paint_span_box(s_.events[i], x.first, x.second, y, h);
}

void TimelinePainter::paint_task_states(const Row& row, int y, int h) {
  const int w = static_cast<int>(geo_.width());
  const TaskStates& st = row.states;
  if (st.empty() || w <= 0 || h < 3) return;
  // Each pixel column shows the share of its time the task ran (solid, from the bottom) and was
  // runnable but waiting for the CPU (pale and hatched, above it); the rest of the column, empty,
  // is the time it slept. Zoomed in these are whole columns, KernelShark's and Perfetto's thread
  // states; zoomed out the heights are the shares, as the spans' are.
  const double hh = h - 1;
  const QColor run = task_color(row.task), wait = task_waiting_color(row.task);
  const QBrush hatch(run.darker(115), Qt::BDiagPattern);
  int run_start = 0;
  double run_h = 0, wait_h = 0;
  auto flush = [&](int col) {
    if (col <= run_start) return;
    const double x = x0_ + run_start, cw = col - run_start;
    if (run_h > 0) p_.fillRect(QRectF(x, y + hh - run_h, cw, run_h), run);
    if (wait_h > 0) {
      const QRectF r(x, y + hh - run_h - wait_h, cw, wait_h);
      p_.fillRect(r, wait);
      if (wait_h >= 3) p_.fillRect(r, hatch);
    }
  };
  auto column = [&](int col, double running, double waiting) {
    const double rh = std::round(std::clamp(running, 0.0, 1.0) * hh);
    const double wh = std::min(hh - rh, std::round(std::clamp(waiting, 0.0, 1.0) * hh));
    if (rh == run_h && wh == wait_h) return;
    flush(col);
    run_start = col, run_h = rh, wait_h = wh;
  };
  if (st.has_bins() && s_.bins.covers_columns_of(geo_.ns_per_pixel())) {
    const BinGrid& g = s_.bins;
    int b0 = g.first_at_or_after(geo_.map_x_to_time(0));
    for (int col = 0; col < w; ++col) {
      const int b1 = g.first_at_or_after(geo_.map_x_to_time(col + 1));
      if (b1 > b0) {
        const auto [r0, w0] = st.time_before_edge(b0);
        const auto [r1, w1] = st.time_before_edge(b1);
        const auto span = static_cast<double>(g.edge(b1) - g.edge(b0));
        column(col, static_cast<double>(r1 - r0) / span, static_cast<double>(w1 - w0) / span);
      } else {
        column(col, 0, 0);
      }
      b0 = b1;
    }
  } else {
    auto time_at = [&](int col) { return static_cast<int64_t>(std::floor(geo_.map_x_to_time(col))); };
    size_t hint = 0;
    int64_t t0 = time_at(0);
    auto [r0, w0] = st.time_before(t0, hint);
    for (int col = 0; col < w; ++col) {
      const int64_t t1 = time_at(col + 1);
      const auto [r1, w1] = st.time_before(t1, hint);
      const auto span = static_cast<double>(std::max<int64_t>(1, t1 - t0));
      column(col, static_cast<double>(r1 - r0) / span, static_cast<double>(w1 - w0) / span);
      t0 = t1, r0 = r1, w0 = w1;
    }
  }
  flush(w);
}

void TimelinePainter::paint_drops(const std::vector<uint32_t>& drops, const TimeMarks& marks,
                                  const PointBins& bins, int y, int h) {
  // Drops as a density: a red bar per pixel column, its height the share of the busiest column's
  // count (at least 2 px, so a single drop shows), drawn in a strip that hides no lane.
  const int w = static_cast<int>(geo_.width());
  if (drops.empty() || w <= 0) return;
  std::vector<uint32_t> count(static_cast<size_t>(w), 0);
  uint32_t most = 0;
  if (!bins.before.empty() && s_.bins.covers_columns_of(geo_.ns_per_pixel())) {
    // Zoomed out: the drops in the bins that begin in the column.
    const BinGrid& g = s_.bins;
    int b0 = g.first_at_or_after(geo_.map_x_to_time(0));
    for (int c = 0; c < w; ++c) {
      const int b1 = g.first_at_or_after(geo_.map_x_to_time(c + 1));
      count[static_cast<size_t>(c)] = bins.before[b1] - bins.before[b0];
      most = std::max(most, count[static_cast<size_t>(c)]);
      b0 = b1;
    }
  } else {
    // Each column's count is the difference of two searches (a gallop from the previous column's),
    // not a walk over every drop: the flood's 5 million ring drops made each fitted redraw read
    // 160 MB of events.
    auto time_of = [&](uint32_t i) { return s_.events[i].t; };
    size_t k = marks.first_at_or_after(drops, 0, geo_.map_x_to_time(0), time_of);
    for (int c = 0; c < w && k < drops.size(); ++c) {
      const size_t next = marks.first_at_or_after(drops, k, geo_.map_x_to_time(c + 1), time_of);
      count[static_cast<size_t>(c)] = static_cast<uint32_t>(next - k);
      most = std::max(most, count[static_cast<size_t>(c)]);
      k = next;
    }
  }
  for (int c = 0; c < w; ++c) {
    if (!count[c]) continue;
    const double bh = std::max(2.0, h * static_cast<double>(count[c]) / most);
    p_.fillRect(QRectF(x0_ + c, y + h - bh, 1, bh), drop_color());
  }
}

void TimelinePainter::paint_points(const std::vector<uint32_t>& points, const TimeMarks& marks,
                                   const PointBins& bins, int y, int h) {
  // One tick per pixel column at most, gathered by colour and drawn with one drawLines per colour:
  // a setPen and a drawLine per column of every row were most of a fitted redraw.
  std::vector<std::pair<QRgb, std::vector<QLineF>>> by_color;
  auto tick = [&](const StoredEvent& e, double px) {
    const QRgb c = point_color(e).rgb();
    auto it = std::find_if(by_color.begin(), by_color.end(), [c](const auto& b) { return b.first == c; });
    if (it == by_color.end()) it = by_color.insert(by_color.end(), {c, {}});
    it->second.emplace_back(QPointF(px + 0.5, y), QPointF(px + 0.5, y + h - 1));
    return px;
  };
  if (!bins.first.empty() && s_.bins.covers_columns_of(geo_.ns_per_pixel())) {
    // Zoomed out: the first point of the bins that begin in the column.
    const BinGrid& g = s_.bins;
    const int w = static_cast<int>(geo_.width());
    int b = g.first_at_or_after(geo_.map_x_to_time(0));
    for (int c = 0; c < w && b < BinGrid::kBins; ++c) {
      const int b1 = g.first_at_or_after(geo_.map_x_to_time(c + 1));
      for (; b < b1; ++b)
        if (bins.first[b] != PointBins::kNone) { // at the column its bins begin in
          tick(s_.events[bins.first[b]], x0_ + c);
          break;
        }
      b = b1;
    }
  } else {
    const double t1 = geo_.end();
    auto time_of = [&](uint32_t i) { return s_.events[i].t; };
    size_t k = marks.first_at_or_after(points, 0, geo_.start(), time_of);
    while (k < points.size()) {
      const StoredEvent& e = s_.events[points[k]];
      if (static_cast<double>(e.t) > t1) break;
      const double px = tick(e, std::floor(x_of(static_cast<double>(e.t))));
      k = marks.first_at_or_after(points, k + 1, geo_.map_x_to_time(px + 1 - x0_), time_of);
    }
  }
  for (const auto& [c, lines] : by_color) {
    p_.setPen(QPen(QColor::fromRgb(c), 1));
    p_.drawLines(lines.data(), static_cast<int>(lines.size()));
  }
}

void TimelinePainter::paint_axis(int width) {
  p_.fillRect(0, 0, width, RowLayout::kAxisHeight, QColor(0xf4, 0xf5, 0xf7));
  p_.setPen(QColor(0xc0, 0xc0, 0xc0));
  p_.drawLine(0, RowLayout::kAxisHeight - 1, width, RowLayout::kAxisHeight - 1);
  const double step = geo_.tick_step(90);
  const double scale = std::max(std::abs(geo_.start()), std::abs(geo_.end()));
  QFontMetrics fm(p_.font());
  for (double t : geo_.ticks(90)) {
    const double x = x_of(t);
    p_.setPen(QColor(0x80, 0x80, 0x80));
    p_.drawLine(QPointF(x, RowLayout::kAxisHeight - 6), QPointF(x, RowLayout::kAxisHeight - 1));
    p_.setPen(QColor(0x30, 0x30, 0x30));
    p_.drawText(QPointF(x + 3, RowLayout::kAxisHeight - 9), format_tick(t, step, scale));
    p_.setPen(QColor(0xf0, 0xf0, 0xf0));
    p_.drawLine(QPointF(x, RowLayout::kAxisHeight), QPointF(x, layout_.height()));
  }
  p_.fillRect(0, 0, x0_, RowLayout::kAxisHeight, QColor(0xf4, 0xf5, 0xf7));
  p_.setPen(QColor(0x50, 0x50, 0x50));
  p_.drawText(QRect(6, 0, x0_ - 8, RowLayout::kAxisHeight), Qt::AlignVCenter,
              QStringLiteral("%1 / px").arg(format_ns(geo_.ns_per_pixel())));
}

void TimelinePainter::paint_labels(int width, int y_from, int y_to) {
  Q_UNUSED(width);
  for (const auto& b : layout_.bands()) {
    if (b.top >= y_to || b.top + b.height <= y_from) continue;
    const bool heading = b.row < 0;
    p_.fillRect(0, b.top, x0_, b.height,
                heading    ? QColor(0xe2, 0xe6, 0xee)
                : b.pinned ? QColor(0xe8, 0xee, 0xf8)
                           : QColor(0xf7, 0xf7, 0xf9));
    QFont f = p_.font();
    f.setBold(heading);
    p_.setFont(f);
    p_.setPen(QColor(0x20, 0x20, 0x20));
    p_.drawText(QRect(heading ? 6 : 16, b.top, x0_ - 20, b.height), Qt::AlignVCenter, b.label);
    f.setBold(false);
    p_.setFont(f);
  }
  p_.setPen(QColor(0xb0, 0xb0, 0xb0));
  p_.drawLine(x0_ - 1, std::max(0, y_from), x0_ - 1, std::min(layout_.height(), y_to));
}

void TimelinePainter::paint_packet(const Selection& sel) {
  const PacketRecord* p = sel.packet_record();
  if (!p) return;
  p_.setRenderHint(QPainter::Antialiasing, true);
  const uint32_t* st = s_.stages_begin(*p);
  const QColor c = follow_color();
  QPointF prev;
  bool first = true;
  for (uint32_t k = 0; k < p->stage_count; ++k) {
    const StoredEvent& e = s_.events[st[k]];
    const int y = layout_.tick_y(static_cast<int>(s_.row_of_event[st[k]]));
    if (y < 0) continue; // on a hidden row
    const QPointF pt(x_of(static_cast<double>(e.t)), y);
    if (!first && QLineF(prev, pt).length() > 8) {
      QLineF l(prev, pt);
      p_.setPen(QPen(c, 1.6));
      p_.drawLine(l);
      // Arrow head at the later stage.
      QLineF u = l.unitVector();
      QPointF d = (u.p2() - u.p1()) * 7, n(-d.y() * 0.5, d.x() * 0.5);
      QPointF tip = pt - (u.p2() - u.p1()) * 4;
      p_.setBrush(c);
      p_.drawPolygon(QPolygonF({tip, tip - d + n, tip - d - n}));
    }
    p_.setPen(QPen(Qt::white, 1));
    p_.setBrush(e.kind == trace::Kind::Drop ? drop_color() : c);
    p_.drawEllipse(pt, 3.5, 3.5);
    prev = pt;
    first = false;
  }
  if (int64_t cur = sel.stage_event(); cur >= 0) {
    const StoredEvent& e = s_.events[cur];
    const double x = x_of(static_cast<double>(e.t));
    p_.setPen(QPen(c, 1, Qt::DashLine));
    p_.drawLine(QPointF(x, RowLayout::kAxisHeight), QPointF(x, layout_.height()));
    p_.setPen(QPen(c, 2.5));
    p_.setBrush(Qt::NoBrush);
    if (const int y = layout_.tick_y(static_cast<int>(s_.row_of_event[cur])); y >= 0)
      p_.drawEllipse(QPointF(x, y), 7, 7);
  }
  p_.setRenderHint(QPainter::Antialiasing, false);
}

void TimelinePainter::paint_markers(const Selection& sel, int height) {
  auto a = sel.marker(0), b = sel.marker(1);
  if (a && b) {
    const double xa = x_of(*a), xb = x_of(*b);
    p_.fillRect(QRectF(std::min(xa, xb), RowLayout::kAxisHeight, std::abs(xb - xa), height),
                QColor(60, 120, 220, 28));
  }
  for (int w = 0; w < 2; ++w) {
    if (!sel.marker(w)) continue;
    const double x = x_of(*sel.marker(w));
    p_.setPen(QPen(marker_color(w), 1.5));
    p_.drawLine(QPointF(x, 0), QPointF(x, height));
    p_.fillRect(QRectF(x - 7, 0, 14, 14), marker_color(w));
    p_.setPen(Qt::white);
    p_.drawText(QRectF(x - 7, 0, 14, 14), Qt::AlignCenter,
                w == 0 ? QStringLiteral("A") : QStringLiteral("B"));
  }
  if (a && b) {
    const QString text = QStringLiteral("Δ %1").arg(format_ns(std::abs(*b - *a)));
    const double xm = (x_of(*a) + x_of(*b)) / 2;
    QFontMetrics fm(p_.font());
    QRectF r(xm - fm.horizontalAdvance(text) / 2.0 - 5, 14, fm.horizontalAdvance(text) + 10, 16);
    p_.fillRect(r, QColor(255, 255, 255, 230));
    p_.setPen(marker_color(0));
    p_.drawText(r, Qt::AlignCenter, text);
  }
}

void TimelinePainter::paint_selected_event(int64_t event, int64_t stage_event) {
  if (event < 0 || event == stage_event || static_cast<size_t>(event) >= s_.events.size()) return;
  const StoredEvent& e = s_.events[event];
  const RowLayout::Band* band = layout_.find_band_of_row(static_cast<int>(s_.row_of_event[event]));
  if (!band) return; // on a hidden row
  const RowLayout::Band& b = *band;
  const double xa = x_of(static_cast<double>(e.t)),
               xb = std::max(xa + 1, x_of(static_cast<double>(s_.end_or_t(e))));
  p_.setPen(QPen(Qt::black, 1.5));
  p_.setBrush(Qt::NoBrush);
  p_.drawRect(QRectF(xa - 2, b.top + 1, xb - xa + 4, b.height - 3));
}

} // namespace rxpath::view

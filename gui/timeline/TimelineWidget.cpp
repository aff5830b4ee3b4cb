#include "TimelineWidget.hpp"

#include "app/Selection.hpp"
#include "data/EventText.hpp"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMenu>
#include <QMouseEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace rxpath::view {

TimelineWidget::TimelineWidget(Selection* selection, QWidget* parent) : QWidget(parent), sel_(selection) {
  setFocusPolicy(Qt::StrongFocus);
  setMouseTracking(true);
  setAttribute(Qt::WA_OpaquePaintEvent);
  connect(sel_, &Selection::store_changed, this, &TimelineWidget::on_store_changed);
  connect(sel_, &Selection::stage_changed, this, &TimelineWidget::on_stage_changed);
  connect(sel_, &Selection::event_changed, this, &TimelineWidget::on_event_changed);
  connect(sel_, &Selection::markers_changed, this, qOverload<>(&QWidget::update));
  on_store_changed();
}

void TimelineWidget::set_span_height(int px) {
  span_height_ = std::clamp(px, RowLayout::kMinSpanHeight, RowLayout::kMaxSpanHeight);
  relayout();
}

void TimelineWidget::relayout() {
  if (const TraceStore* s = sel_->store()) layout_.build(*s, span_height_, lanes_);
  setMinimumHeight(layout_.height());
  updateGeometry();
  update();
}

void TimelineWidget::set_lane(int row, LaneState state) {
  const TraceStore* s = sel_->store();
  if (!s || row < 0 || static_cast<size_t>(row) >= lanes_.size() || lanes_[row] == state) return;
  lanes_[row] = state;
  const LaneKey key = LaneKey::of(s->rows[row]);
  if (state == LaneState::Shown)
    lane_choices_.erase(key);
  else
    lane_choices_[key] = state;
  relayout();
}

void TimelineWidget::forget_lane_choices() {
  lane_choices_.clear();
  lanes_.assign(lanes_.size(), LaneState::Shown);
  relayout();
}

LaneState TimelineWidget::lane(int row) const {
  return row >= 0 && static_cast<size_t>(row) < lanes_.size() ? lanes_[row] : LaneState::Shown;
}

void TimelineWidget::show_all_lanes() {
  for (LaneState& l : lanes_)
    if (l == LaneState::Hidden) l = LaneState::Shown;
  std::erase_if(lane_choices_, [](const auto& c) { return c.second == LaneState::Hidden; });
  relayout();
}

std::vector<int> TimelineWidget::hidden_lanes() const {
  std::vector<int> out;
  for (size_t r = 0; r < lanes_.size(); ++r)
    if (lanes_[r] == LaneState::Hidden) out.push_back(static_cast<int>(r));
  return out;
}

int TimelineWidget::view_top() const {
  return std::max(0, visibleRegion().boundingRect().top());
}

int TimelineWidget::layout_y(int y) const {
  const int top = view_top();
  return top > 0 && y >= top && y < top + layout_.pinned_bottom() ? y - top : y;
}

void TimelineWidget::moveEvent(QMoveEvent*) {
  update(); // scrolled: the axis and the pinned rows are painted again at the new top
}

void TimelineWidget::on_store_changed() {
  const TraceStore* s = sel_->store();
  layout_ = RowLayout();
  scales_.clear();
  lanes_.assign(s ? s->rows.size() : 0, LaneState::Shown);
  for (size_t r = 0; r < lanes_.size(); ++r)
    if (auto c = lane_choices_.find(LaneKey::of(s->rows[r])); c != lane_choices_.end()) lanes_[r] = c->second;
  if (s) {
    layout_.build(*s, span_height_, lanes_);
    scales_.resize(s->rows.size());
    int64_t ring_size = -1;
    if (auto sc = s->header.find("scenario"); sc != s->header.end() && sc->is_object())
      if (auto nic = sc->find("nic"); nic != sc->end() && nic->is_object())
        if (auto r = nic->find("ring_size"); r != nic->end() && r->is_number_integer())
          ring_size = r->get<int64_t>();
    // One pass per counter field, which also gives the scale: opening a trace read every counter
    // event's fields several times over.
    for (size_t r = 0; r < s->rows.size(); ++r) {
      RowScale& sc = scales_[r];
      const Row& row = s->rows[r];
      if (row.kind == RowKind::Nic || row.kind == RowKind::NicQueue) {
        // An idle queue has nothing to bin (its bins would be 200 KB of nothing).
        if (row.kind == RowKind::Nic || !row.counter.empty())
          sc.bins[0].build(*s, row.counter, field("ring"));
        sc.value_max = ring_size > 0 ? double(ring_size) : std::max(1.0, sc.bins[0].max);
      } else if (row.kind == RowKind::Socket) {
        sc.bins[0].build(*s, row.counter, field("rmem"));
        sc.bins[1].build(*s, row.counter, field("qlen"));
        if (static_cast<size_t>(row.index) < s->sockets.size())
          sc.limit = double(s->sockets[row.index].rcvbuf);
        sc.value_max = std::max({1.0, sc.bins[0].max, sc.limit});
        sc.qlen_max = std::max(1.0, sc.bins[1].max);
      }
    }
    geo_.set_limits(double(s->t_min), double(s->t_max));
  }
  setMinimumHeight(layout_.height());
  updateGeometry();
  fit_all();
}

void TimelineWidget::on_stage_changed() {
  if (int64_t e = sel_->stage_event(); e >= 0) {
    const double t = double(sel_->store()->events[e].t);
    // Keep the cursor away from the edges so the arrows from the previous stage stay visible.
    if (geo_.map_time_to_x(t) < geo_.width() * 0.1 || geo_.map_time_to_x(t) > geo_.width() * 0.9) {
      geo_.set_range(t - geo_.duration() / 2, t + geo_.duration() / 2);
      changed();
    }
  }
  update();
}

void TimelineWidget::on_event_changed() {
  if (int64_t e = sel_->event(); e >= 0) {
    const StoredEvent& ev = sel_->store()->events[e];
    if (double(sel_->store()->end_or_t(ev)) < geo_.start() || double(ev.t) > geo_.end()) {
      geo_.set_range(double(ev.t) - geo_.duration() / 2, double(ev.t) + geo_.duration() / 2);
      changed();
    }
  }
  update();
}

void TimelineWidget::changed() {
  emit range_changed(geo_.start(), geo_.end());
  update();
}

void TimelineWidget::pan_by(double px) {
  geo_.pan_pixels(px);
  changed();
}

void TimelineWidget::go_to(double t) {
  const double half = geo_.duration() / 2;
  geo_.set_range(t - half, t + half);
  changed();
}

void TimelineWidget::fit_all() {
  geo_.fit();
  changed();
}

void TimelineWidget::fit_packet() {
  const PacketRecord* p = sel_->packet_record();
  if (!p) return;
  const StoredEvent& last = sel_->store()->events[sel_->store()->stages_begin(*p)[p->stage_count - 1]];
  geo_.fit_range(double(p->arrival), double(std::max(sel_->store()->end_or_t(last), p->finish)), 0.08);
  changed();
}

void TimelineWidget::set_range(double t0, double t1) {
  geo_.set_range(t0, t1);
  changed();
}

void TimelineWidget::zoom_by(double factor, double x) {
  geo_.zoom(factor, x);
  changed();
}

void TimelineWidget::resizeEvent(QResizeEvent*) {
  const double t0 = geo_.start(), t1 = geo_.end();
  geo_.set_width(std::max(10, width() - kLabelWidth));
  geo_.set_range(t0, t1);
}

void TimelineWidget::paintEvent(QPaintEvent* ev) {
  QPainter p(this);
  p.fillRect(rect(), Qt::white);
  const TraceStore* s = sel_->store();
  if (!s) {
    p.setPen(Qt::darkGray);
    p.drawText(rect(), Qt::AlignCenter, tr("Open a trace (File → Open, or drop rxpath-view TRACE)"));
    return;
  }
  TimelinePainter tp(p, *s, layout_, geo_, kLabelWidth);
  tp.paint_axis(width());
  // Only the bands in the exposed rectangle: in a scroll area that is what is in view.
  const int y_from = ev->rect().top(), y_to = ev->rect().bottom() + 1;
  tp.paint_rows(scales_, width(), y_from, y_to);
  p.setClipRect(kLabelWidth, 0, width() - kLabelWidth, height());
  tp.paint_selected_event(sel_->event(), sel_->stage_event());
  tp.paint_packet(*sel_);
  tp.paint_markers(*sel_, height());
  p.setClipping(false);
  tp.paint_labels(width(), y_from, y_to);
  // Scrolled down: the axis and the pinned rows again, at the top of the view.
  if (const int top = view_top(); top > 0) {
    p.save();
    p.setClipRect(0, top, width(), layout_.pinned_bottom());
    p.translate(0, top);
    p.fillRect(0, 0, width(), layout_.pinned_bottom(), Qt::white);
    tp.paint_axis(width());
    tp.paint_rows(scales_, width(), 0, layout_.pinned_bottom());
    tp.paint_labels(width(), 0, layout_.pinned_bottom());
    p.setClipRect(kLabelWidth, 0, width() - kLabelWidth, layout_.pinned_bottom());
    tp.paint_markers(*sel_, layout_.pinned_bottom());
    p.restore();
  }
  if (drag_ == Drag::Band && moved_) {
    QRect r(QPoint(std::min(press_pos_.x(), last_pos_.x()), RowLayout::kAxisHeight),
            QPoint(std::max(press_pos_.x(), last_pos_.x()), height()));
    p.fillRect(r, QColor(40, 110, 220, 40));
    p.setPen(QColor(40, 110, 220));
    p.drawRect(r);
  }
}

void TimelineWidget::wheelEvent(QWheelEvent* ev) {
  if (ev->modifiers() & Qt::ShiftModifier) return ev->ignore(); // let the scroll area scroll
  const double steps = ev->angleDelta().y() / 120.0;
  if (steps == 0) return ev->ignore();
  zoom_by(std::pow(1.25, steps), std::max(0.0, plot_x(ev->position().toPoint())));
  ev->accept();
}

void TimelineWidget::keyPressEvent(QKeyEvent* ev) {
  switch (ev->key()) {
  case Qt::Key_Plus:
  case Qt::Key_Equal:
    zoom_in();
    break;
  case Qt::Key_Minus:
    zoom_out();
    break;
  case Qt::Key_Left:
    pan_left();
    break;
  case Qt::Key_Right:
    pan_right();
    break;
  case Qt::Key_F:
    fit_all();
    break;
  case Qt::Key_Escape:
    sel_->set_marker(0, std::nullopt), sel_->set_marker(1, std::nullopt);
    break;
  default:
    QWidget::keyPressEvent(ev);
  }
}

void TimelineWidget::mousePressEvent(QMouseEvent* ev) {
  press_pos_ = last_pos_ = ev->pos();
  moved_ = false;
  if (ev->modifiers() & Qt::ControlModifier) { // markers
    sel_->set_marker(ev->button() == Qt::RightButton ? 1 : 0, geo_.map_x_to_time(plot_x(ev->pos())));
    drag_ = Drag::None;
    return;
  }
  const bool band = ev->button() == Qt::RightButton ||
                    (ev->button() == Qt::LeftButton && (ev->modifiers() & Qt::ShiftModifier));
  drag_ = band ? Drag::Band : (ev->button() == Qt::LeftButton ? Drag::Pan : Drag::None);
  if (drag_ == Drag::Pan) setCursor(Qt::ClosedHandCursor);
}

void TimelineWidget::mouseMoveEvent(QMouseEvent* ev) {
  if (drag_ == Drag::None) return;
  if ((ev->pos() - press_pos_).manhattanLength() > 3) moved_ = true;
  if (drag_ == Drag::Pan && moved_) {
    geo_.pan_pixels(last_pos_.x() - ev->pos().x());
    changed();
  }
  last_pos_ = ev->pos();
  if (drag_ == Drag::Band) update();
}

void TimelineWidget::mouseReleaseEvent(QMouseEvent* ev) {
  unsetCursor();
  if (drag_ == Drag::Band && moved_ && std::abs(ev->pos().x() - press_pos_.x()) > 4) {
    const double a = geo_.map_x_to_time(plot_x(press_pos_)), b = geo_.map_x_to_time(plot_x(ev->pos()));
    geo_.set_range(std::min(a, b), std::max(a, b));
    changed();
  } else if (drag_ == Drag::Pan && !moved_) {
    if (int64_t e = event_at(ev->pos()); e >= 0) sel_->select_event(e);
  } else if (drag_ == Drag::Band && !moved_ && ev->button() == Qt::RightButton) {
    QMenu* menu = context_menu(ev->pos());
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->popup(ev->globalPosition().toPoint());
  }
  drag_ = Drag::None;
  update();
}

QMenu* TimelineWidget::context_menu(QPoint pos) {
  auto* menu = new QMenu(this);
  const TraceStore* s = sel_->store();
  const int64_t i = event_at(pos);
  if (s && i >= 0) {
    const StoredEvent& e = s->events[i];
    const QString fn = QString::fromStdString(s->function(e.fn).name);
    if (e.is_span())
      menu->addAction(tr("Zoom to %1").arg(fn), this, [this, t0 = double(e.t), t1 = double(s->span_end(e))] {
        const double margin = std::max(1.0, (t1 - t0) * 0.05);
        set_range(t0 - margin, t1 + margin);
      });
    menu->addAction(tr("Select %1").arg(fn), this, [this, i] { sel_->select_event(i); });
    if (e.pkt >= 0) {
      menu->addAction(tr("Follow packet %1").arg(e.pkt), this, [this, i] {
        sel_->select_event(i);
        fit_packet();
      });
      menu->addAction(tr("List packet %1's events").arg(e.pkt), this,
                      [this, pkt = int64_t(e.pkt)] { emit list_packet_events(pkt); });
    }
    // Filter events by this: its function, and for a drop its reason.
    EventFilter by_fn;
    by_fn.fn = e.fn;
    menu->addAction(tr("Filter events by %1").arg(fn), this, [this, by_fn] { emit filter_events(by_fn); });
    if (e.kind == trace::Kind::Drop) {
      EventFilter by_reason;
      by_reason.reason = e.reason;
      menu->addAction(tr("Filter events by drop reason %1").arg(qstr(trace::to_string(e.reason))), this,
                      [this, by_reason] { emit filter_events(by_reason); });
    }
    menu->addSeparator();
  }
  // The lane under the pointer: hide or pin it; hidden lanes come back from here.
  if (const RowLayout::Band* b = s ? layout_.band_at(layout_y(pos.y())) : nullptr; b && b->row >= 0) {
    const int r = b->row;
    const QString name = b->label;
    menu->addAction(tr("Hide lane %1").arg(name), this, [this, r] { set_lane(r, LaneState::Hidden); });
    if (lane(r) == LaneState::Pinned)
      menu->addAction(tr("Unpin lane %1").arg(name), this, [this, r] { set_lane(r, LaneState::Shown); });
    else
      menu->addAction(tr("Pin lane %1 to the top").arg(name), this,
                      [this, r] { set_lane(r, LaneState::Pinned); });
  }
  if (const std::vector<int> hidden = hidden_lanes(); s && !hidden.empty()) {
    QMenu* sub = menu->addMenu(tr("Show hidden lanes (%1)").arg(hidden.size()));
    sub->setObjectName(QStringLiteral("hidden_lanes"));
    for (int r : hidden) {
      const Row& row = s->rows[r];
      const QString name = row.kind == RowKind::Nic        ? tr("NIC ring")
                           : row.kind == RowKind::NicQueue ? tr("NIC queue %1").arg(row.index)
                           : row.kind == RowKind::Socket
                               ? QString::fromStdString(row.name)
                               : tr("CPU %1 %2").arg(row.cpu).arg(QString::fromStdString(row.name));
      sub->addAction(name, this, [this, r] { set_lane(r, LaneState::Shown); });
    }
    sub->addSeparator();
    sub->addAction(tr("Show all lanes"), this, &TimelineWidget::show_all_lanes);
  }
  menu->addSeparator();
  const double t = geo_.map_x_to_time(plot_x(pos));
  menu->addAction(tr("Marker A here"), this, [this, t] { sel_->set_marker(0, t); });
  menu->addAction(tr("Marker B here"), this, [this, t] { sel_->set_marker(1, t); });
  menu->addAction(tr("Fit all"), this, &TimelineWidget::fit_all);
  return menu;
}

bool TimelineWidget::event(QEvent* ev) {
  if (ev->type() == QEvent::ToolTip) {
    auto* he = static_cast<QHelpEvent*>(ev);
    if (int64_t e = event_at(he->pos()); e >= 0)
      QToolTip::showText(he->globalPos(), event_tooltip(*sel_->store(), e), this);
    else
      QToolTip::hideText();
    return true;
  }
  return QWidget::event(ev);
}

int64_t TimelineWidget::event_at(QPoint pos) const {
  const TraceStore* s = sel_->store();
  pos.setY(layout_y(pos.y()));
  const RowLayout::Band* b = s ? layout_.band_at(pos.y()) : nullptr;
  if (!b || b->row < 0 || pos.x() < kLabelWidth) return -1;
  const Row& row = s->rows[b->row];
  const double t = geo_.map_x_to_time(plot_x(pos)), tol = 4 * geo_.ns_per_pixel();
  const bool cpu_row =
      row.kind != RowKind::Nic && row.kind != RowKind::Socket && row.kind != RowKind::NicQueue;
  // A task's state strip: the switch (or wake-up) nearest the pointer, where the state changes.
  if (cpu_row && b->state_height > 0 && pos.y() < b->spans_top()) {
    auto it = std::lower_bound(row.switches.begin(), row.switches.end(), t - tol,
                               [&](uint32_t i, double v) { return double(s->events[i].t) < v; });
    int64_t best = -1;
    for (double best_d = tol; it != row.switches.end() && double(s->events[*it].t) <= t + tol; ++it)
      if (double d = std::abs(double(s->events[*it].t) - t); d <= best_d) best = *it, best_d = d;
    return best;
  }
  const int depth = (pos.y() - b->spans_top()) / layout_.span_height();
  if (cpu_row && depth >= 0 && depth < b->depths && pos.y() < b->top + b->height - RowLayout::kTickBand - 1) {
    const SpanList& l = row.spans[depth];
    for (size_t k = l.first_ending_after(int64_t(t - tol)); k < l.events.size(); ++k) {
      const StoredEvent& e = s->events[l.events[k]];
      if (double(e.t) > t + tol) break;
      if (double(s->end_or_t(e)) >= t - tol) return l.events[k];
    }
    return -1;
  }
  // The nearest point (drops first, they matter most) within a few pixels.
  for (const auto* pts : {&row.drops, &row.points}) {
    auto it = std::lower_bound(pts->begin(), pts->end(), t - tol,
                               [&](uint32_t i, double v) { return double(s->events[i].t) < v; });
    int64_t best = -1;
    double best_d = tol;
    for (; it != pts->end() && double(s->events[*it].t) <= t + tol; ++it)
      if (double d = std::abs(double(s->events[*it].t) - t); d <= best_d) best = *it, best_d = d;
    if (best >= 0) return best;
  }
  if (!cpu_row) { // the counter sample in force at t
    auto it = std::upper_bound(row.counter.begin(), row.counter.end(), t,
                               [&](double v, uint32_t i) { return v < double(s->events[i].t); });
    if (it != row.counter.begin()) return *(it - 1);
  }
  return -1;
}

} // namespace rxpath::view

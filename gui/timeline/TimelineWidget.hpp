// The timeline: NIC ring, each CPU's hardirq/softirq/ksoftirqd/thread rows, and the sockets,
// painted in paintEvent by TimelinePainter. Wheel/+/- zoom, arrows and drag pan, Shift+drag (or
// right-drag) zooms to a rubber band, F fits, Ctrl+click / Ctrl+right-click set markers A / B.
#pragma once

#include "RowLayout.hpp"
#include "TimelineGeometry.hpp"
#include "TimelinePainter.hpp"
#include "models/EventFilter.hpp"

#include <QWidget>

#include <map>
#include <optional>

class QMenu;

namespace rxpath::view {

class Selection;

class TimelineWidget : public QWidget {
  Q_OBJECT
public:
  static constexpr int kLabelWidth = 150;

  explicit TimelineWidget(Selection* selection, QWidget* parent = nullptr);
  const TimelineGeometry& geometry_model() const { return geo_; }
  QSize sizeHint() const override { return {1200, layout_.height()}; }

  // The event under a widget position, or -1 (used by the tooltip and by clicks).
  int64_t event_at(QPoint pos) const;
  const RowLayout& row_layout() const { return layout_; }
  // The right-click menu for a widget position (zoom to the span, follow its packet, list the
  // packet's events, markers); the caller owns it. A right-click without a drag pops it up.
  QMenu* context_menu(QPoint pos);
  // Height of one nesting depth of spans (View > Row height); the rows grow with it.
  void set_span_height(int px);
  int span_height() const { return layout_.span_height(); }
  // Hide, show or pin a row (index into the store's rows); pinned rows stay at the top while the
  // timeline scrolls. The right-click menu offers the same. The choice is kept by the lane's
  // identity (LaneKey), so a store with the same lanes (the trace reloaded) gets it again.
  void set_lane(int row, LaneState state);
  // Every lane shown, and no choice kept for the next store (another file is opened).
  void forget_lane_choices();
  LaneState lane(int row) const;
  void show_all_lanes();
  std::vector<int> hidden_lanes() const;
  // The widget's y of the top of what is in view (non-zero when scrolled in a QScrollArea).
  int view_top() const;

public slots:
  void fit_all();
  void zoom_in() { zoom_by(1.6, geo_.width() / 2); }
  void zoom_out() { zoom_by(1 / 1.6, geo_.width() / 2); }
  void fit_packet();
  void pan_left() { pan_by(-geo_.width() / 8); }
  void pan_right() { pan_by(geo_.width() / 8); }
  // Centres the view on t, keeping the zoom.
  void go_to(double t);
  void set_range(double t0, double t1);

signals:
  void range_changed(double t0, double t1);
  // The context menu's "List this packet's events".
  void list_packet_events(int64_t pkt);
  // The context menu's "Filter events by this": the event list keeps only these.
  void filter_events(const EventFilter& filter);

protected:
  void paintEvent(QPaintEvent*) override;
  void resizeEvent(QResizeEvent*) override;
  void wheelEvent(QWheelEvent*) override;
  void keyPressEvent(QKeyEvent*) override;
  void mousePressEvent(QMouseEvent*) override;
  void mouseMoveEvent(QMouseEvent*) override;
  void mouseReleaseEvent(QMouseEvent*) override;
  void moveEvent(QMoveEvent*) override;
  bool event(QEvent*) override;

private:
  void on_store_changed();
  void on_stage_changed();
  void on_event_changed();
  void zoom_by(double factor, double x);
  void pan_by(double px);
  void changed();
  double plot_x(QPoint pos) const { return pos.x() - kLabelWidth; }
  // A widget y as a layout y: the axis and pinned rows are drawn at the top of the view.
  int layout_y(int y) const;
  void relayout();

  Selection* sel_;
  TimelineGeometry geo_;
  RowLayout layout_;
  int span_height_ = RowLayout::kSpanHeight;
  std::vector<LaneState> lanes_;              // per row of the store, from lane_choices_
  std::map<LaneKey, LaneState> lane_choices_; // the hidden and pinned lanes, by identity
  std::vector<RowScale> scales_;
  enum class Drag { None, Pan, Band } drag_ = Drag::None;
  QPoint press_pos_, last_pos_;
  bool moved_ = false;
};

} // namespace rxpath::view

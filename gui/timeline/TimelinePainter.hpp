// Paints the timeline's rows with level-of-detail binning (as KernelShark's kshark_trace_histo):
// spans narrower than two pixels are summed per pixel column and drawn to the height of the
// fraction of the column they cover; points within one pixel collapse into one tick; drops are a
// per-column density.
#pragma once

#include "RowLayout.hpp"
#include "TimelineGeometry.hpp"

#include <QPainter>

#include <climits>
#include <optional>

namespace rxpath::view {

class Selection;

// A counter's samples summed up per time bin, the run cut into kBins: zoomed out, a pixel column
// reads the bins under it instead of searching the events.
struct CounterBins {
  static constexpr int kBins = 16384;
  double t0 = 0, bin_ns = 0;
  double max = 0;                  // the largest sample
  std::vector<float> lo, hi, last; // per bin; last < 0: no sample in it
  void build(const TraceStore& s, const std::vector<uint32_t>& series, Field f);
};

struct RowScale {
  double value_max = 1; // NIC: ring size; socket: rcvbuf (or the largest rmem)
  double qlen_max = 1;  // socket: longest queue
  double limit = -1;    // socket: sk_rcvbuf (rmem can pass it by one skb)
  CounterBins bins[2];  // NIC: ring; socket: rmem, qlen
};

class TimelinePainter {
public:
  TimelinePainter(QPainter& p, const TraceStore& s, const RowLayout& layout, const TimelineGeometry& geo,
                  int label_width)
      : p_(p), s_(s), layout_(layout), geo_(geo), x0_(label_width) {}

  // Rows and labels of the bands that overlap [y_from, y_to) (all of them by default).
  void paint_rows(const std::vector<RowScale>& scales, int width, int y_from = 0, int y_to = INT_MAX);
  void paint_axis(int width);
  void paint_labels(int width, int y_from = 0, int y_to = INT_MAX);
  void paint_packet(const Selection& sel);
  void paint_markers(const Selection& sel, int height);
  // A box around the selected event, unless it is the followed packet's current stage.
  void paint_selected_event(int64_t event, int64_t stage_event);

private:
  double x_of(double t) const { return x0_ + geo_.map_time_to_x(t); }
  // Zoomed out past BinGrid::kMinBinsPerPixel bins per pixel, these read the row's bins; zoomed in,
  // they search its events.
  void paint_spans(const SpanList& list, int y, int h);
  // A task's row: running, runnable and sleeping over time, in a strip of height h at y.
  void paint_task_states(const Row& row, int y, int h);
  void paint_span_box(const StoredEvent& e, double xa, double xb, int y, int h);
  void paint_points(const std::vector<uint32_t>& points, const TimeMarks& marks, const PointBins& bins, int y,
                    int h);
  void paint_drops(const std::vector<uint32_t>& drops, const TimeMarks& marks, const PointBins& bins, int y,
                   int h);
  // Step plot of value(e) (>= 0 where the event carries it) over the row's counter events.
  template <typename F>
  void paint_counter(const std::vector<uint32_t>& series, const CounterBins& bins, int y, int h, double vmax,
                     QColor fill, QColor line, F value);
  void paint_nic(const Row& row, const RowLayout::Band& b, const RowScale& sc);
  // An RX queue of a multi-queue NIC; `note`: with the lanes' legend.
  void paint_queue(const Row& row, const RowLayout::Band& b, const RowScale& sc, bool note);
  void paint_socket(const Row& row, const RowLayout::Band& b, const RowScale& sc);
  void corner_note(const RowLayout::Band& b, const QString& text);

  QPainter& p_;
  const TraceStore& s_;
  const RowLayout& layout_;
  const TimelineGeometry& geo_;
  int x0_;
};

} // namespace rxpath::view

// Vertical layout of the timeline: the axis, then one band per row (NIC, each CPU's rows,
// sockets) with a group heading before each CPU. Pure, like TimelineGeometry.
#pragma once

#include "data/TraceStore.hpp"

#include <QString>

#include <vector>

namespace rxpath::view {

class RowLayout {
public:
  static constexpr int kAxisHeight = 26;
  static constexpr int kHeadingHeight = 18;
  static constexpr int kCounterRowHeight = 46;
  static constexpr int kSpanHeight = 14; // one nesting depth of spans, by default (room for a label)
  static constexpr int kMinSpanHeight = 6, kMaxSpanHeight = 40;
  static constexpr int kTickBand = 10; // stage ticks under the spans

  struct Band {
    int row = -1; // index into TraceStore::rows, -1 for a heading
    int top = 0, height = 0;
    QString label;
  };

  // span_height: of one nesting depth (the View menu's row height), clamped to the limits above.
  void build(const TraceStore& store, int span_height = kSpanHeight);
  int span_height() const { return span_height_; }
  int cpu_row_height() const { return 2 + kSpanDepths * span_height_ + kTickBand + 2; }
  const std::vector<Band>& bands() const { return bands_; }
  int height() const { return height_; }
  // The band of row r (rows are laid out once each).
  const Band& band_of_row(int r) const { return bands_[band_of_row_[r]]; }
  // The band under y, or nullptr.
  const Band* band_at(int y) const;
  // Vertical centre of the tick band of row r: where a packet's stage is drawn.
  int tick_y(int r) const;

private:
  std::vector<Band> bands_;
  std::vector<int> band_of_row_;
  int height_ = kAxisHeight;
  int span_height_ = kSpanHeight;
};

} // namespace rxpath::view

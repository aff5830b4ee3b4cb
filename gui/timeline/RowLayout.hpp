// Vertical layout of the timeline: the axis, then the pinned rows, then one band per shown row
// (NIC, each CPU's rows, sockets) with a group heading before each CPU. Pure, like
// TimelineGeometry.
#pragma once

#include "data/TraceStore.hpp"

#include <QString>

#include <compare>
#include <string>
#include <vector>

namespace rxpath::view {

// What the user chose for a row (right-click on the timeline): hidden rows take no room; pinned
// rows are laid out first, under the axis, and the widget keeps them at the top while scrolling.
enum class LaneState : uint8_t { Shown, Hidden, Pinned };

// What a lane is, whatever its position among the rows: the same file opened again, or another
// run of the scenario, has the same lanes under the same keys, so a choice outlives the store.
struct LaneKey {
  RowKind kind = RowKind::Nic;
  int cpu = -1, index = -1;
  std::string name;
  auto operator<=>(const LaneKey&) const = default;
  static LaneKey of(const Row& r) { return {r.kind, r.cpu, r.index, r.name}; }
};

class RowLayout {
public:
  static constexpr int kAxisHeight = 26;
  static constexpr int kHeadingHeight = 18;
  static constexpr int kCounterRowHeight = 46;
  static constexpr int kQueueRowHeight = 34; // an RX queue of a multi-queue NIC: one of many
  static constexpr int kSpanHeight = 14;     // one nesting depth of spans, by default (room for a label)
  static constexpr int kMinSpanHeight = 6, kMaxSpanHeight = 40;
  static constexpr int kTickBand = 10; // stage ticks under the spans
  static constexpr int kPinnedGap = 3; // the line under the pinned rows

  struct Band {
    int row = -1; // index into TraceStore::rows, -1 for a heading
    int top = 0, height = 0;
    QString label;
    bool pinned = false;
    int state_height = 0;     // a task's row: its state strip, at the top (running, runnable, sleeping)
    int depths = kSpanDepths; // span depths under the strip (none on a sender's or background task's row)
    int spans_top() const { return top + 2 + state_height; }
  };

  // span_height: of one nesting depth (the View menu's row height), clamped to the limits above.
  // lanes: one state per row of the store (missing ones are shown).
  void build(const TraceStore& store, int span_height = kSpanHeight,
             const std::vector<LaneState>& lanes = {});
  int span_height() const { return span_height_; }
  int cpu_row_height() const { return 2 + kSpanDepths * span_height_ + kTickBand + 2; }
  const std::vector<Band>& bands() const { return bands_; }
  int height() const { return height_; }
  // The bottom of the axis and the pinned rows: what stays in view while scrolling.
  int pinned_bottom() const { return pinned_bottom_; }
  // The band of a shown row r; nullptr for a hidden one.
  const Band* find_band_of_row(int r) const;
  // The band of row r, which must be shown.
  const Band& band_of_row(int r) const { return *find_band_of_row(r); }
  // The band under y, or nullptr.
  const Band* band_at(int y) const;
  // Vertical centre of the tick band of row r: where a packet's stage is drawn; -1 if r is hidden.
  int tick_y(int r) const;

private:
  std::vector<Band> bands_;
  std::vector<int> band_of_row_; // -1: hidden
  int height_ = kAxisHeight;
  int pinned_bottom_ = kAxisHeight;
  int span_height_ = kSpanHeight;
};

} // namespace rxpath::view

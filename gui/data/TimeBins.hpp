// A row's events summed up per time bin, the run cut into BinGrid::kBins bins (the counter lanes'
// CounterBins do the same for ring, rmem and qlen): zoomed out past kMinBinsPerPixel bins per
// pixel, a pixel column reads the bins under it instead of searching the row's events, whose reads
// somewhere in hundreds of MB were most of a fitted redraw (docs/performance.md, "Viewer").
#pragma once

#include "StoredEvent.hpp"

#include <cstdint>
#include <vector>

namespace rxpath::view {

// The bins' edges, in whole ns: bin b is [edge(b), edge(b + 1)), so every time is in one bin and
// the busy time of a run of bins is exact, not interpolated.
class BinGrid {
public:
  static constexpr int kBins = 16384;
  // Bins per pixel from which a column reads bins: a column's bins then cover its time to within
  // a bin at each end, a quarter of the column at most and 1/11 at fit-all on 1450 px.
  static constexpr double kMinBinsPerPixel = 4;

  BinGrid() = default;
  // Bins over [t0, t1].
  BinGrid(int64_t t0, int64_t t1);

  int64_t edge(int b) const { return edges_[static_cast<size_t>(b)]; }
  // The first bin that begins at or after t: 0 … kBins.
  int first_at_or_after(double t) const;
  double bin_ns() const { return static_cast<double>(span_) / kBins; }
  // Whether a column of this many ns reads bins.
  bool covers_columns_of(double ns_per_pixel) const {
    return span_ > 0 && ns_per_pixel >= kMinBinsPerPixel * bin_ns();
  }

private:
  int64_t t0_ = 0, span_ = 0;
  std::vector<int64_t> edges_; // kBins + 1: t0 + ceil(b * span / kBins), the last one t1 + 1
};

// Lists shorter than this get no bins: searching them is cheap.
inline constexpr size_t kMinEventsForBins = 1024;

struct SpanList;

// Of one list of spans that do not overlap (a nesting depth of a row).
struct SpanBins {
  std::vector<int64_t> covered;     // kBins + 1: time the spans cover before each edge
  std::vector<trace::Fn> last_fn;   // kBins: function of the last span begun before the bin's end
                                    // (Count_: none yet), the colour of a column ending there
  std::vector<uint32_t> long_spans; // positions in SpanList::events of the spans long enough to be
                                    // 2 px wide where bins are read: drawn as boxes on top
  bool empty() const { return covered.empty(); }
  // `ends`: of the list's spans, in its order.
  void build(const BinGrid& grid, const SpanList& list, const std::vector<StoredEvent>& events,
             const std::vector<int64_t>& ends);
};

// Of a list of points (stages, instants, drops), sorted by time.
struct PointBins {
  static constexpr uint32_t kNone = UINT32_MAX;
  std::vector<uint32_t> first;  // kBins: event index of the bin's first point, kNone if it has none
  std::vector<uint32_t> before; // kBins + 1: points before each edge (a column's count: a difference)
  void build_first(const BinGrid& grid, const std::vector<uint32_t>& points,
                   const std::vector<StoredEvent>& events);
  void build_before(const BinGrid& grid, const std::vector<uint32_t>& points,
                    const std::vector<StoredEvent>& events);
};

} // namespace rxpath::view

#include "TimeBins.hpp"

#include "Row.hpp"

#include <algorithm>
#include <cmath>

namespace rxpath::view {

BinGrid::BinGrid(int64_t t0, int64_t t1) : t0_(t0), span_(t1 >= t0 ? t1 - t0 + 1 : 0) {
  edges_.resize(kBins + 1);
  for (int b = 0; b <= kBins; ++b)
    edges_[static_cast<size_t>(b)] =
        t0_ + static_cast<int64_t>((static_cast<__int128>(b) * span_ + kBins - 1) / kBins);
}

int BinGrid::first_at_or_after(double t) const {
  if (span_ <= 0) return 0;
  // A guess from the bins' width, then a step or two to the exact edge.
  const double guess = std::ceil((t - static_cast<double>(t0_)) / bin_ns());
  int b = static_cast<int>(std::clamp(guess, 0.0, static_cast<double>(kBins)));
  while (b > 0 && static_cast<double>(edges_[static_cast<size_t>(b) - 1]) >= t) --b;
  while (b < kBins && static_cast<double>(edges_[static_cast<size_t>(b)]) < t) ++b;
  return b;
}

void SpanBins::build(const BinGrid& grid, const SpanList& list, const std::vector<StoredEvent>& events,
                     const std::vector<int64_t>& ends) {
  covered.assign(BinGrid::kBins + 1, 0);
  last_fn.assign(BinGrid::kBins, trace::Fn::Count_);
  long_spans.clear();
  const size_t n = list.events.size();
  size_t k = 0; // spans begun before the current edge
  for (int b = 0; b <= BinGrid::kBins; ++b) {
    const int64_t edge = grid.edge(b);
    while (k < n && events[list.events[k]].t < edge) ++k;
    covered[b] = list.covered_before(edge, k);
    if (b > 0) last_fn[b - 1] = k > 0 ? events[list.events[k - 1]].fn : trace::Fn::Count_;
  }
  // Where bins are read a pixel is kMinBinsPerPixel bins or more, so a span shorter than twice
  // that is never a box there.
  const double long_ns = 2 * BinGrid::kMinBinsPerPixel * grid.bin_ns();
  for (size_t j = 0; j < n; ++j)
    if (static_cast<double>(ends[j] - events[list.events[j]].t) >= long_ns)
      long_spans.push_back(static_cast<uint32_t>(j));
  long_spans.shrink_to_fit();
}

void PointBins::build_first(const BinGrid& grid, const std::vector<uint32_t>& points,
                            const std::vector<StoredEvent>& events) {
  first.assign(BinGrid::kBins, kNone);
  size_t k = 0;
  for (int b = 0; b < BinGrid::kBins; ++b) {
    const int64_t end = grid.edge(b + 1);
    while (k < points.size() && events[points[k]].t < grid.edge(b)) ++k; // before the run: none
    if (k < points.size() && events[points[k]].t < end) first[b] = points[k];
    while (k < points.size() && events[points[k]].t < end) ++k;
  }
}

void PointBins::build_before(const BinGrid& grid, const std::vector<uint32_t>& points,
                             const std::vector<StoredEvent>& events) {
  before.assign(BinGrid::kBins + 1, 0);
  size_t k = 0;
  for (int b = 0; b <= BinGrid::kBins; ++b) {
    const int64_t edge = grid.edge(b);
    while (k < points.size() && events[points[k]].t < edge) ++k;
    before[b] = static_cast<uint32_t>(k);
  }
}

} // namespace rxpath::view

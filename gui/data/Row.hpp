// One horizontal row of the timeline and the events that belong to it, sorted by time.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace rxpath::view {

enum class RowKind : uint8_t { Nic, Hardirq, Softirq, Ksoftirqd, Thread, Process, Socket };

// Spans nest on a CPU (__do_softirq > net_rx_action > poll): each nesting depth is a separate list,
// so within one list spans do not overlap and a binary search finds the visible ones.
inline constexpr int kSpanDepths = 3;

struct SpanList {
  std::vector<uint32_t> events; // event indices, sorted by begin
  std::vector<int64_t> max_end; // running maximum of the ends: monotonic, so searchable
  std::vector<int64_t> covered; // time covered by the union of spans 0..k: a column's busy time
                                // is a difference of two look-ups, however many spans it holds

  // First position whose span may still be running at t.
  size_t first_ending_after(int64_t t) const;
  // Time covered by the spans that begin before t (k of them), up to t.
  int64_t covered_before(int64_t t, size_t k) const {
    if (k == 0) return 0;
    return covered[k - 1] - std::max<int64_t>(0, max_end[k - 1] - t);
  }
};

struct Row {
  RowKind kind = RowKind::Nic;
  int cpu = -1;   // CPU rows
  int index = -1; // receiver (Thread) or socket (Socket) index
  std::string name;
  std::array<SpanList, kSpanDepths> spans;
  std::vector<uint32_t> points;  // stages, instants, drops, deliveries; sorted by t
  std::vector<uint32_t> drops;   // the drops among the points, drawn on top so none hides
  std::vector<uint32_t> counter; // Nic: events with `ring`; Socket: events with rmem/qlen
};

} // namespace rxpath::view

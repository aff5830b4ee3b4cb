// One horizontal row of the timeline and the events that belong to it, sorted by time.
#pragma once

#include "TaskStates.hpp"
#include "TimeBins.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace rxpath::view {

// Task: a task of the header's `tasks` that is neither a receiver nor ksoftirqd (a sender, a
// background task): its scheduler states and switches, no spans. NicQueue: an RX queue of a
// multi-queue NIC (index = the queue); a trace of more than one queue has these instead of Nic.
enum class RowKind : uint8_t { Nic, Hardirq, Softirq, Ksoftirqd, Thread, Task, Process, Socket, NicQueue };

// The time of every kStride-th event of a time-sorted list of event indices. A search for a time
// gallops over these few contiguous values, then reads at most kStride events; searching the list
// itself read an event somewhere in the whole array at every step, which was most of a fitted
// redraw (1600 columns, a search per column and list).
struct TimeMarks {
  static constexpr size_t kStride = 16;
  std::vector<int64_t> t;

  template <typename Events>
  void build(const std::vector<uint32_t>& list, const Events& events) {
    t.clear();
    t.reserve((list.size() + kStride - 1) / kStride);
    for (size_t k = 0; k < list.size(); k += kStride) t.push_back(events[list[k]].t);
  }
  // First position at or after `from` in `list` (which these marks are of) whose event is at or
  // after time v (`time_of(event index)` its time). A gallop from `from`: the next column's answer
  // is usually near.
  template <typename V, typename TimeOf>
  size_t first_at_or_after(const std::vector<uint32_t>& list, size_t from, V v, TimeOf time_of) const {
    const size_t n = list.size();
    if (from >= n) return n;
    auto before = [&](int64_t x) { return static_cast<V>(x) < v; };
    size_t j0 = from / kStride, lo = j0, step = 1;
    if (!before(t[j0])) return from; // list[j0 * kStride] is at or after v, so is list[from]
    while (lo + step < t.size() && before(t[lo + step])) lo += step, step *= 2;
    size_t hi = std::min(t.size(), lo + step + 1);
    const size_t j =
        static_cast<size_t>(std::partition_point(t.begin() + static_cast<std::ptrdiff_t>(lo),
                                                 t.begin() + static_cast<std::ptrdiff_t>(hi), before) -
                            t.begin());
    // list[(j - 1) * kStride] is before v (j > j0 here), list[j * kStride] (or the end) is not.
    const size_t a = std::max(from, (j - 1) * kStride + 1), b = std::min(n, j * kStride);
    return static_cast<size_t>(std::partition_point(list.begin() + static_cast<std::ptrdiff_t>(a),
                                                    list.begin() + static_cast<std::ptrdiff_t>(b),
                                                    [&](uint32_t i) { return before(time_of(i)); }) -
                               list.begin());
  }
};

// Spans nest on a CPU (__do_softirq > net_rx_action > poll): each nesting depth is a separate list,
// so within one list spans do not overlap and a binary search finds the visible ones.
inline constexpr int kSpanDepths = 3;

struct SpanList {
  std::vector<uint32_t> events; // event indices, sorted by begin
  std::vector<int64_t> max_end; // running maximum of the ends: monotonic, so searchable
  std::vector<int64_t> covered; // time covered by the union of spans 0..k: a column's busy time
                                // is a difference of two look-ups, however many spans it holds
  TimeMarks begins;             // of `events`
  SpanBins bins;                // empty for a short list

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
  int index = -1; // receiver (Thread), socket (Socket) or task (Task) index
  int task = -1;  // the header's task this row shows (a receiver, ksoftirqd/N, ...), else -1
  std::string name;
  std::array<SpanList, kSpanDepths> spans;
  std::vector<uint32_t> points; // stages, instants, drops, deliveries; sorted by t
  std::vector<uint32_t> drops;  // the drops among the points, drawn on top so none hides
  TimeMarks point_marks, drop_marks;
  PointBins point_bins, drop_bins; // the first point of each bin; the drops before each edge
  std::vector<uint32_t> counter;   // Nic: events with `ring`; NicQueue: those of its queue;
                                   // Socket: events with rmem/qlen
  std::vector<uint32_t> irqs;      // NicQueue: its irq_raise instants (also in points)
  TimeMarks irq_marks;
  PointBins irq_bins;
  int irq_cpu = -1;               // NicQueue: the CPU its vector's first interrupt went to
  TaskStates states;              // of `task`: running, runnable, sleeping
  std::vector<uint32_t> switches; // the context switches to and from `task`, its wake-ups; by t
};

} // namespace rxpath::view

// One horizontal row of the timeline and the events that belong to it, sorted by time.
#pragma once

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

  // First position whose span may still be running at t.
  size_t first_ending_after(int64_t t) const;
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

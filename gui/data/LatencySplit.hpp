// Where delivered datagrams spent their time: total latency and its parts (ring wait, backlog
// wait, softirq, socket queue wait, copy), from the same milestones as `rxpath summary`
// (model/Stats.cpp, Stats::emit), computed from the loaded trace; the viewer links no model/.
#pragma once

#include "TraceStore.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace rxpath::view {

struct SplitRow {
  const char* name; // as the CLI prints it: "total", "ring wait", ...
  const char* help; // "rx_ring_dma -> rtl8139_rx"
  int64_t count = 0;
  double mean = 0;
  int64_t p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0; // nearest rank, ns
};

// Nearest-rank percentile of sorted values (the CLI's rank: the ceil(q·n)-th value).
int64_t nearest_rank(const std::vector<int64_t>& sorted, double q);

// Row 0 is the total; rows without a value (e.g. backlog wait without RPS) have count 0.
std::vector<SplitRow> latency_split(const TraceStore& s);

} // namespace rxpath::view

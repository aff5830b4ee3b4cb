// What the viewer knows about one datagram: where its stages are and how it ended.
#pragma once

#include "trace/Event.hpp"

#include <cstdint>

namespace rxpath::view {

enum class Fate : uint8_t { InFlight, Delivered, Dropped };

struct PacketRecord {
  int64_t id = -1;          // pkt in the trace
  int64_t arrival = 0;      // t of its first stage (rx_ring_dma of the first frame)
  int64_t finish = 0;       // t of its deliver or drop (or last stage when in flight)
  int64_t latency = -1;     // deliver: the trace's latency; otherwise finish - arrival
  uint32_t first_stage = 0; // index into TraceStore::packet_stages()
  uint32_t stage_count = 0;
  Fate fate = Fate::InFlight;
  rxpath::trace::DropReason reason = rxpath::trace::DropReason::None;
  int16_t sock = -1;
  int16_t queue = -1; // the RX queue (RSS) of its rx_ring_dma, on a multi-queue NIC
};

} // namespace rxpath::view

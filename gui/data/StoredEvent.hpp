// One trace event as the viewer keeps it in memory: the fields of rxpath::trace::Event narrowed to
// 32 bits where the values fit (80 bytes instead of 136), so a trace of ten million events fits.
#pragma once

#include "model/trace/Event.hpp"

#include <cstdint>

namespace rxpath::view {

namespace tr = rxpath::trace;

struct StoredEvent {
  int64_t t = 0;
  int64_t end = -1;     // span end (ns); -1 for other kinds
  int64_t latency = -1; // deliver: ns since rx_ring_dma
  int32_t pkt = -1;
  int32_t ring = -1, backlog = -1, rmem = -1, rcvbuf = -1, qlen = -1, budget = -1, work = -1, bytes = -1;
  int32_t line = 0; // line in the trace file, for error messages and the event list
  int16_t cpu = -1, sock = -1, thread = -1, frag = -1;
  tr::Fn fn = tr::Fn::RxRingDma;
  tr::Kind kind = tr::Kind::Instant;
  tr::Ctx ctx = tr::Ctx::Nic;
  tr::DropReason reason = tr::DropReason::None;
  tr::Hook hook = tr::Hook::None;
  bool trunc = false;

  bool is_span() const { return kind == tr::Kind::Span; }
  int64_t end_or_t() const { return end > t ? end : t; }

  static StoredEvent from(const tr::Event& e, int64_t line);
};

} // namespace rxpath::view

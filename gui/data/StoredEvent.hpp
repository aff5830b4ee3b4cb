// One trace event as the viewer keeps it in memory: 32 bytes. The fields every event has are kept
// inline; the optional ones (a span's end, socket, ring fill, rmem, latency, ...) out of line in the
// store's `extras`, since most events carry none or two of them (1.2 values on average in the
// default trace): 136 bytes per trace::Event, 80 in the first version of this struct, ~37 now.
#pragma once

#include "trace/Event.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace rxpath::view {

namespace tr = rxpath::trace;

// The optional fields, in the order their values follow each other in `extras`.
enum class Field : uint8_t {
  Sock,
  Thread,
  Frag,
  Flow,
  Ring,
  Backlog,
  Rmem,
  Rcvbuf,
  Qlen,
  Budget,
  Work,
  Bytes,
  Latency, // int64: two slots, low then high 32 bits
  End,     // span end (ns), int64 likewise
  Count_
};

struct StoredEvent {
  int64_t t = 0;
  uint32_t extra = 0; // index of this event's first optional value in TraceStore::extras
  int32_t pkt = -1;
  int32_t line = 0; // line in the trace file, for error messages and the event list
  int16_t cpu = -1;
  uint16_t fields = 0; // a bit per Field this event carries
  tr::Fn fn = tr::Fn::RxRingDma;
  tr::Kind kind = tr::Kind::Instant;
  tr::Ctx ctx = tr::Ctx::Nic;
  tr::DropReason reason = tr::DropReason::None;
  tr::Hook hook = tr::Hook::None;
  bool trunc = false;

  bool is_span() const { return kind == tr::Kind::Span; }
  bool has(Field f) const { return fields & (1u << static_cast<unsigned>(f)); }

  // The value of an optional field, -1 when the event does not carry it.
  int64_t get(Field f, const std::vector<int32_t>& extras) const {
    const unsigned bit = 1u << static_cast<unsigned>(f);
    if (!(fields & bit)) return -1;
    // Latency, the only two-slot field below End, takes one more slot than its bit counts.
    const int skip = __builtin_popcount(fields & (bit - 1)) + (f == Field::End && has(Field::Latency));
    const int32_t* v = extras.data() + extra + skip;
    if (f == Field::Latency || f == Field::End)
      return static_cast<int64_t>(static_cast<uint32_t>(v[0])) | (int64_t(v[1]) << 32);
    return v[0];
  }

  // A span's end, else t.
  int64_t end_or_t(const std::vector<int32_t>& extras) const {
    return is_span() ? std::max(t, get(Field::End, extras)) : t;
  }

  // Copies `e` (read from `line`), appending its optional values to `extras`.
  static StoredEvent from(const tr::Event& e, int64_t line, std::vector<int32_t>& extras);
};
static_assert(sizeof(StoredEvent) == 32);

// All the optional fields of one event, decoded (for the details panel, tooltips, state).
struct EventFields {
  int64_t sock = -1, thread = -1, frag = -1, flow = -1, ring = -1, backlog = -1, rmem = -1, rcvbuf = -1,
          qlen = -1, budget = -1, work = -1, bytes = -1, latency = -1, end = -1;
};

} // namespace rxpath::view

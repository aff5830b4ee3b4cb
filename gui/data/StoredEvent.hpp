// One trace event as the viewer keeps it in memory: 32 bytes. The fields every event has are kept
// inline; the optional ones (a span's end, socket, ring fill, rmem, latency, ...) out of line in the
// store's `extras`, since most events carry none or two of them (1.2 values on average in the
// default trace): 136 bytes per trace::Event, 80 in the first version of this struct, ~37 now.
#pragma once

#include "trace/Event.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace rxpath::view {

namespace tr = rxpath::trace;

// An optional field: the index of an integer field in trace::kFields (the trace library's one
// table of them), or kSpanEnd for a span's end. A Time field (the latency) and the span's end take
// two int32 slots of `extras`, low half first.
struct Field {
  uint8_t index = 0;
  friend bool operator==(Field, Field) = default;
};
inline constexpr Field kSpanEnd{static_cast<uint8_t>(tr::kFields.size())};
inline constexpr unsigned kFieldCount = tr::kFields.size() + 1;

// The field of trace::kFields with this key, checked when compiled: field("ring").
consteval Field field(std::string_view key) {
  for (size_t i = 0; i < tr::kFields.size(); ++i)
    if (tr::kFields[i].key == key) return Field{static_cast<uint8_t>(i)};
  throw std::invalid_argument("not a key of trace::kFields");
}
// Its entry in trace::kFields (not for kSpanEnd).
inline const tr::FieldInfo& info(Field f) {
  return tr::kFields[f.index];
}

// The bits of the fields that take two slots.
inline constexpr unsigned kWideFields = [] {
  unsigned m = 1u << kSpanEnd.index;
  for (size_t i = 0; i < tr::kFields.size(); ++i)
    if (tr::kFields[i].range == tr::FieldRange::Time) m |= 1u << i;
  return m;
}();

struct StoredEvent {
  int64_t t = 0;
  uint32_t extra = 0; // index of this event's first optional value in TraceStore::extras
  int32_t pkt = -1;
  int32_t line = 0;    // line in the trace file, for error messages and the event list
  uint32_t fields = 0; // a bit per Field this event carries (pkt, kept above, has none)
  int16_t cpu = -1;
  tr::Fn fn = tr::Fn::RxRingDma;
  tr::Kind kind = tr::Kind::Instant;
  tr::Ctx ctx = tr::Ctx::Nic;
  tr::DropReason reason = tr::DropReason::None;
  tr::Hook hook : 2 = tr::Hook::None; // -1 … 1
  tr::SwitchWhy why : 3 = tr::SwitchWhy::None;
  bool trunc : 1 = false;

  bool is_span() const { return kind == tr::Kind::Span; }
  bool has(Field f) const { return fields & (1u << f.index); }

  // The value of an optional field, -1 when the event does not carry it.
  int64_t get(Field f, const std::vector<int32_t>& extras) const {
    const unsigned bit = 1u << f.index;
    if (!(fields & bit)) return -1;
    const unsigned below = fields & (bit - 1);
    const int32_t* v =
        extras.data() + extra + __builtin_popcount(below) + __builtin_popcount(below & kWideFields);
    if (bit & kWideFields) return static_cast<int64_t>(static_cast<uint32_t>(v[0])) | (int64_t(v[1]) << 32);
    return v[0];
  }

  // A span's end, else t.
  int64_t end_or_t(const std::vector<int32_t>& extras) const {
    return is_span() ? std::max(t, get(kSpanEnd, extras)) : t;
  }

  // Copies `e` (read from `line`), appending its optional values to `extras`.
  static StoredEvent from(const tr::Event& e, int64_t line, std::vector<int32_t>& extras);
  // The event as the trace library has it (every field back in its place).
  tr::Event to_event(const std::vector<int32_t>& extras) const;
};
static_assert(sizeof(StoredEvent) == 32);
static_assert(kFieldCount <= 32, "StoredEvent::fields has a bit per field");

} // namespace rxpath::view

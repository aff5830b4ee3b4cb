#include "StoredEvent.hpp"

namespace rxpath::view {

StoredEvent StoredEvent::from(const tr::Event& e, int64_t line, std::vector<int32_t>& extras) {
  StoredEvent s;
  s.t = e.t;
  s.pkt = static_cast<int32_t>(e.pkt); // the reader bounds pkt to int32
  s.line = static_cast<int32_t>(line);
  s.cpu = static_cast<int16_t>(e.cpu);
  s.fn = e.fn;
  s.kind = e.kind;
  s.ctx = e.ctx;
  s.reason = e.reason;
  s.hook = e.hook;
  s.trunc = e.trunc;
  s.why = e.why;
  s.extra = static_cast<uint32_t>(extras.size());
  // The reader bounds every field to int32 except the Time ones (the latency) and the span's end.
  auto add = [&](unsigned f, int64_t v) {
    if (v == tr::kUnset) return;
    s.fields |= 1u << f;
    extras.push_back(static_cast<int32_t>(static_cast<uint32_t>(v & 0xffffffff)));
    if ((1u << f) & kWideFields) extras.push_back(static_cast<int32_t>(v >> 32));
  };
  for (unsigned f = 0; f < tr::kFields.size(); ++f)
    if (tr::kFields[f].member != &tr::Event::pkt) add(f, e.*tr::kFields[f].member);
  add(kSpanEnd.index, e.end);
  return s;
}

tr::Event StoredEvent::to_event(const std::vector<int32_t>& extras) const {
  tr::Event e;
  e.t = t;
  e.pkt = pkt < 0 ? tr::kUnset : pkt;
  e.cpu = cpu;
  e.fn = fn;
  e.kind = kind;
  e.ctx = ctx;
  e.reason = reason;
  e.hook = hook;
  e.trunc = trunc;
  e.why = why;
  for (unsigned f = 0; f < tr::kFields.size(); ++f)
    if (has(Field{static_cast<uint8_t>(f)}))
      e.*tr::kFields[f].member = get(Field{static_cast<uint8_t>(f)}, extras);
  if (has(kSpanEnd)) e.end = get(kSpanEnd, extras);
  return e;
}

} // namespace rxpath::view

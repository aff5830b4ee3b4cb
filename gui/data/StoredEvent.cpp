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
  s.extra = static_cast<uint32_t>(extras.size());
  // The reader bounds every one of these to int32 except the latency.
  const int64_t values[] = {e.sock,   e.thread, e.frag,   e.flow, e.ring,  e.backlog, e.rmem,
                            e.rcvbuf, e.qlen,   e.budget, e.work, e.bytes, e.latency, e.end};
  for (unsigned f = 0; f < static_cast<unsigned>(Field::Count_); ++f) {
    const int64_t v = values[f];
    if (v == tr::kUnset) continue;
    s.fields |= static_cast<uint16_t>(1u << f);
    if (f == static_cast<unsigned>(Field::Latency) || f == static_cast<unsigned>(Field::End)) {
      extras.push_back(static_cast<int32_t>(static_cast<uint32_t>(v & 0xffffffff)));
      extras.push_back(static_cast<int32_t>(v >> 32));
    } else {
      extras.push_back(static_cast<int32_t>(v));
    }
  }
  return s;
}

} // namespace rxpath::view

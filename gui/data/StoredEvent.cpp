#include "StoredEvent.hpp"

#include <algorithm>
#include <limits>

namespace rxpath::view {
namespace {

// Unset (-1) stays -1; values outside the narrow type saturate rather than wrap.
template <typename T>
T narrow(int64_t v) {
  if (v == tr::kUnset) return T(-1);
  return static_cast<T>(std::clamp<int64_t>(v, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
}

} // namespace

StoredEvent StoredEvent::from(const tr::Event& e, int64_t line) {
  StoredEvent s;
  s.t = e.t;
  s.end = e.end;
  s.latency = e.latency;
  s.pkt = narrow<int32_t>(e.pkt);
  s.ring = narrow<int32_t>(e.ring);
  s.backlog = narrow<int32_t>(e.backlog);
  s.rmem = narrow<int32_t>(e.rmem);
  s.rcvbuf = narrow<int32_t>(e.rcvbuf);
  s.qlen = narrow<int32_t>(e.qlen);
  s.budget = narrow<int32_t>(e.budget);
  s.work = narrow<int32_t>(e.work);
  s.bytes = narrow<int32_t>(e.bytes);
  s.line = narrow<int32_t>(line);
  s.cpu = narrow<int16_t>(e.cpu);
  s.sock = narrow<int16_t>(e.sock);
  s.thread = narrow<int16_t>(e.thread);
  s.frag = narrow<int16_t>(e.frag);
  s.fn = e.fn;
  s.kind = e.kind;
  s.ctx = e.ctx;
  s.reason = e.reason;
  s.hook = e.hook;
  s.trunc = e.trunc;
  return s;
}

} // namespace rxpath::view

// Which events the event list shows. Every criterion is optional; an event must match them all.
#pragma once

#include "data/TraceStore.hpp"

#include <optional>

namespace rxpath::view {

struct EventFilter {
  std::optional<int64_t> packet;
  std::optional<trace::Fn> fn;
  std::optional<int> cpu;
  std::optional<trace::Ctx> ctx;
  std::optional<trace::DropReason> reason; // only drops with this reason
  bool drops_only = false;
  std::optional<double> t_from, t_to; // events overlapping [t_from, t_to]

  bool matches(const TraceStore& s, const StoredEvent& e) const {
    if (packet && e.pkt != *packet) return false;
    if (fn && e.fn != *fn) return false;
    if (cpu && e.cpu != *cpu) return false;
    if (ctx && e.ctx != *ctx) return false;
    if ((drops_only || reason) && e.kind != trace::Kind::Drop) return false;
    if (reason && e.reason != *reason) return false;
    if (t_from && static_cast<double>(s.end_or_t(e)) < *t_from) return false;
    if (t_to && static_cast<double>(e.t) > *t_to) return false;
    return true;
  }
};

} // namespace rxpath::view

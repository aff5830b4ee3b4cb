#include "Path.hpp"

namespace rxpath::model {

using trace::Event;
using trace::Kind;

Event make_event(Kind kind, trace::Fn fn, int cpu, trace::Ctx ctx, int64_t t, const Skb* skb) {
  Event e;
  e.kind = kind;
  e.fn = fn;
  e.cpu = cpu;
  e.ctx = ctx;
  e.t = t;
  if (skb) {
    e.pkt = skb->pkt;
    if (skb->frag >= 0) e.frag = skb->frag;
  }
  return e;
}

void Path::begin(const Skb& s, int on_cpu, trace::Ctx in_ctx, bool full_trace) {
  events.clear();
  cost = 0;
  outcome = Outcome::Dropped;
  target = -1;
  skb = s;
  cpu = on_cpu;
  ctx = in_ctx;
  traced = full_trace;
}

Event& Path::stage(trace::Fn fn, int64_t stage_cost) {
  events.push_back(make_event(Kind::Stage, fn, cpu, ctx, cost, &skb));
  cost += stage_cost;
  return events.back();
}

Event* Path::traced_stage(trace::Fn fn, int64_t stage_cost) {
  if (traced) return &stage(fn, stage_cost);
  cost += stage_cost;
  return nullptr;
}

Event& Path::drop(trace::Fn fn, trace::DropReason r) {
  events.push_back(make_event(Kind::Drop, fn, cpu, ctx, cost, &skb));
  events.back().reason = r;
  outcome = Outcome::Dropped;
  return events.back();
}

} // namespace rxpath::model

#include "NicDriver.hpp"

#include "Dev.hpp"

namespace rxpath::model {

using trace::Ctx;
using trace::Event;
using trace::Fn;
using trace::Kind;

void NicDriver::handler_span(Fn fn, int cpu, int q, int64_t t0, int64_t t1) {
  Event s = make_event(Kind::Span, fn, cpu, Ctx::Hardirq, t0);
  s.end = t1;
  s.ring = hw_.queue(q).fill();
  if (hw_.names_queues()) s.queue = q;
  cx_.emit(s);
}

void NicDriver::schedule_napi(int cpu, int q, int64_t t1) {
  dev_.napi_schedule(cpu, nic_napi(q));
  cx_.emit(make_event(Kind::Instant, Fn::NapiSchedule, cpu, Ctx::Hardirq, t1));
}

void NicDriver::receive(Path& p, int q, Fn fn, int64_t cost, Fn entry) {
  Event& rx = p.stage(fn, cost);
  rx.ring = hw_.queue(q).fill();
  if (hw_.names_queues()) rx.queue = q;
  if (p.skb.alloc_fails) {
    ++cx_.c.nic.rx_dropped;
    p.drop(fn, trace::DropReason::SkbAllocFail);
    return;
  }
  ++cx_.c.nic.rx_packets;
  dev_.receive_skb(p, entry);
}

void NicDriver::napi_complete(int cpu, int q, Ctx ctx, int64_t now) {
  Event e = make_event(Kind::Instant, Fn::NapiCompleteDone, cpu, ctx, now);
  if (hw_.names_queues()) e.queue = q;
  cx_.emit(e);
  hw_.enable_irq(q, now);
}

} // namespace rxpath::model

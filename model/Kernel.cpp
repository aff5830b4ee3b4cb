#include "Kernel.hpp"

#include "Mlx5.hpp"
#include "Rtl8139.hpp"

namespace rxpath::model {

using trace::Event;
using trace::Kind;

Kernel::Kernel(const Scenario& sc, EventSink& sink, bool full_trace)
    : cx_(sc, sink, full_trace), sock_(cx_), udp_(cx_, sock_), frag_(cx_), ip_(cx_, frag_, udp_),
      dev_(cx_, ip_), hw_(cx_), lo_(cx_, dev_) {
  if (sc.nic.driver == "mlx5")
    driver_ = std::make_unique<Mlx5>(cx_, hw_, dev_);
  else
    driver_ = std::make_unique<Rtl8139>(cx_, hw_, dev_);
}

void Kernel::span(trace::Fn fn, int cpu, trace::Ctx ctx, int64_t t0, int64_t t1, int64_t work, int64_t budget,
                  int64_t thread, int64_t queue) {
  if (!cx_.traced) return;
  Event e = make_event(Kind::Span, fn, cpu, ctx, t0);
  e.end = t1;
  e.work = work;
  e.budget = budget;
  e.thread = thread;
  e.queue = queue;
  cx_.emit(e);
}

void Kernel::instant(trace::Fn fn, int cpu, trace::Ctx ctx, int64_t t) {
  if (cx_.traced) cx_.emit(make_event(Kind::Instant, fn, cpu, ctx, t));
}

void Kernel::sched_wakeup(int cpu, int64_t t, int task) {
  if (!cx_.traced) return;
  Event e = make_event(Kind::Instant, trace::Fn::TryToWakeUp, cpu, trace::Ctx::Process, t);
  e.task = task;
  cx_.emit(e);
}

void Kernel::sched_switch(int cpu, int64_t t, int prev, int next, trace::SwitchWhy why) {
  if (!cx_.traced) return;
  Event e = make_event(Kind::Instant, trace::Fn::Schedule, cpu, trace::Ctx::Process, t);
  e.prev = prev;
  e.next = next;
  e.why = why;
  cx_.emit(e);
}

int Kernel::settle(Path& p, int64_t now) {
  cx_.fates.put_down();
  switch (p.outcome) {
  case Outcome::Backlog:
    dev_.enqueue_to_backlog(p, now);
    return -1;
  case Outcome::Dropped:
  case Outcome::Held:
    cx_.emit_path(p);
    return -1;
  case Outcome::Socket:
    cx_.emit_path(p);
    if (Socket& s = sock_.socket(p.target); udp_.queue_rcv_skb(s, p.skb, p.cpu, p.ctx, now))
      return sock_.sk_data_ready(s, p.cpu, p.ctx, now);
    return -1;
  }
  return -1;
}

} // namespace rxpath::model

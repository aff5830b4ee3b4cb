// drivers/net/ethernet/realtek/8139too.c (3.19).
#include "Rtl8139.hpp"

#include "Dev.hpp"

#include <cmath>

namespace rxpath::model {

using trace::Ctx;
using trace::DropReason;
using trace::Event;
using trace::Fn;
using trace::Kind;

// rtl8139_interrupt: if napi_schedule_prep succeeds, mask RX interrupts
// (RTL_W16_F(IntrMask, rtl8139_norx_intr_mask)) and __napi_schedule.
bool Rtl8139::receives_in_handler() const {
  return !cx_.sc.nic.napi;
}

bool Rtl8139::interrupt(int cpu, int q, int64_t t0, int64_t t1) {
  Event s = make_event(Kind::Span, Fn::Rtl8139Interrupt, cpu, Ctx::Hardirq, t0);
  s.end = t1;
  s.ring = hw_.queue(q).fill();
  cx_.emit(s);
  if (receives_in_handler()) return false;
  dev_.napi_schedule(cpu, nic_napi(q));
  cx_.emit(make_event(Kind::Instant, Fn::NapiSchedule, cpu, Ctx::Hardirq, t1));
  return true;
}

// rtl8139_rx: netdev_alloc_skb_ip_align, copy from the ring, eth_type_trans, netif_receive_skb.
bool Rtl8139::rx(int cpu, int q, Ctx ctx, int64_t now, Path& p) {
  if (!hw_.take(q, cpu, ctx, now, p)) return false;
  const Costs& k = cx_.costs;
  const Skb& skb = p.skb;
  int64_t rx_cost = cx_.draw(k.driver_rx_ns);
  rx_cost += cx_.draw(k.skb_alloc_ns);
  Event& rx = p.stage(Fn::Rtl8139Rx, rx_cost + std::llround(k.driver_copy_ns_per_byte * skb.frame_bytes));
  rx.ring = hw_.queue(q).fill();
  if (skb.alloc_fails) {
    ++cx_.c.nic.rx_dropped;
    p.drop(Fn::Rtl8139Rx, DropReason::SkbAllocFail);
    return true;
  }
  ++cx_.c.nic.rx_packets;
  dev_.receive_skb(p, Fn::NetifReceiveSkb);
  return true;
}

void Rtl8139::napi_complete(int cpu, int q, Ctx ctx, int64_t now) {
  cx_.emit(make_event(Kind::Instant, Fn::NapiCompleteDone, cpu, ctx, now));
  hw_.enable_irq(q, now);
}

} // namespace rxpath::model

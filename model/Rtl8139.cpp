// drivers/net/ethernet/realtek/8139too.c (3.19).
#include "Rtl8139.hpp"

#include <cmath>

namespace rxpath::model {

using trace::Ctx;
using trace::Fn;

// rtl8139_interrupt: if napi_schedule_prep succeeds, mask RX interrupts
// (RTL_W16_F(IntrMask, rtl8139_norx_intr_mask)) and __napi_schedule.
bool Rtl8139::receives_in_handler() const {
  return !cx_.sc.nic.napi;
}

bool Rtl8139::interrupt(int cpu, int q, int64_t t0, int64_t t1) {
  handler_span(Fn::Rtl8139Interrupt, cpu, q, t0, t1);
  if (receives_in_handler()) return false;
  schedule_napi(cpu, q, t1);
  return true;
}

// rtl8139_rx: netdev_alloc_skb_ip_align, copy from the ring, eth_type_trans, netif_receive_skb.
bool Rtl8139::rx(int cpu, int q, Ctx ctx, int64_t now, Path& p) {
  if (!hw_.take(q, cpu, ctx, now, p)) return false;
  const Costs& k = cx_.costs;
  int64_t cost = cx_.draw(k.driver_rx_ns);
  cost += cx_.draw(k.skb_alloc_ns);
  receive(p, q, Fn::Rtl8139Rx, cost + std::llround(k.driver_copy_ns_per_byte * p.skb.frame_bytes),
          Fn::NetifReceiveSkb);
  return true;
}

} // namespace rxpath::model

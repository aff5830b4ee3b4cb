// drivers/net/ethernet/realtek/8139too.c (3.19) and the hardware's ring and interrupt.
#include "Rtl8139.hpp"

#include "Dev.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace rxpath::model {

using trace::Ctx;
using trace::DropReason;
using trace::Event;
using trace::Fn;
using trace::Kind;

Rtl8139::Rtl8139(Context& cx, Dev& dev) : cx_(cx), dev_(dev), traffic_(cx.sc) {}

void Rtl8139::ring_advance(int64_t now, bool inclusive) {
  const auto& nic = cx_.sc.nic;
  Skb f;
  while (traffic_.peek(f) && (f.arrival_ns < now || (inclusive && f.arrival_ns == now))) {
    traffic_.pop(f);
    if (f.frag <= 0) {
      [[maybe_unused]] const int64_t id = cx_.fates.arrive();
      assert(id == f.pkt);
    }
    Event e = make_event(Kind::Stage, Fn::RxRingDma, -1, Ctx::Nic, f.arrival_ns, &f);
    e.bytes = f.frame_bytes;
    e.flow = f.source;
    if (ring_fill() >= nic.ring_size) {
      ++cx_.c.nic.rx_missed_errors;
      e.ring = ring_fill();
      cx_.fates.drop(e, DropReason::NicRingFull);
      continue;
    }
    ring_.push_back(f);
    e.ring = ring_fill();
    cx_.emit(e);
    if (irq_enabled_) {
      if (pending_irq_frames_++ == 0) first_pending_ns_ = f.arrival_ns;
      if (static_cast<int64_t>(pending_arrivals_.size()) < std::max<int64_t>(nic.rx_frames, 1))
        pending_arrivals_.push_back(f.arrival_ns);
    }
  }
}

std::optional<int64_t> Rtl8139::next_arrival() {
  Skb f;
  if (!traffic_.peek(f)) return std::nullopt;
  return f.arrival_ns;
}

// Interrupt moderation: the IRQ fires rx_usecs after the first pending frame, or as soon as
// rx_frames frames are pending, whichever comes first; rx_usecs 0 = at once.
std::optional<int64_t> Rtl8139::irq_due() const {
  const auto& nic = cx_.sc.nic;
  if (!irq_enabled_ || pending_irq_frames_ == 0) return std::nullopt;
  if (nic.rx_usecs == 0) return first_pending_ns_;
  int64_t due = first_pending_ns_ + nic.rx_usecs * 1000;
  if (nic.rx_frames > 0 && pending_irq_frames_ >= nic.rx_frames)
    due = std::min(due, pending_arrivals_[static_cast<size_t>(nic.rx_frames - 1)]);
  return due;
}

void Rtl8139::raise_irq(int64_t now) {
  irq_enabled_ = false;
  pending_irq_frames_ = 0;
  pending_arrivals_.clear();
  ++cx_.c.nic.interrupts;
  Event e = make_event(Kind::Instant, Fn::IrqRaise, static_cast<int>(cx_.sc.nic.irq_cpu), Ctx::Nic, now);
  e.ring = ring_fill();
  cx_.emit(e);
}

void Rtl8139::enable_irq(int64_t now) {
  irq_enabled_ = true;
  // Frames already in the ring keep the RX status bit set: the interrupt is pending at once.
  pending_irq_frames_ = ring_fill();
  pending_arrivals_.assign(
      static_cast<size_t>(std::min<int64_t>(pending_irq_frames_, std::max<int64_t>(cx_.sc.nic.rx_frames, 1))),
      now);
  first_pending_ns_ = now;
}

// rtl8139_interrupt: if napi_schedule_prep succeeds, mask RX interrupts
// (RTL_W16_F(IntrMask, rtl8139_norx_intr_mask)) and __napi_schedule.
bool Rtl8139::receives_in_handler() const {
  return !cx_.sc.nic.napi;
}

bool Rtl8139::interrupt(int cpu, int64_t t0, int64_t t1) {
  Event s = make_event(Kind::Span, Fn::Rtl8139Interrupt, cpu, Ctx::Hardirq, t0);
  s.end = t1;
  s.ring = ring_fill();
  cx_.emit(s);
  if (receives_in_handler()) return false;
  dev_.napi_schedule(cpu, kNicNapi);
  cx_.emit(make_event(Kind::Instant, Fn::NapiSchedule, cpu, Ctx::Hardirq, t1));
  return true;
}

// rtl8139_rx: netdev_alloc_skb_ip_align, copy from the ring, eth_type_trans, netif_receive_skb.
// netif_receive_skb_internal (net/core/dev.c): with RPS, get_rps_cpu picks a CPU and
// enqueue_to_backlog queues there (even when it is this CPU).
bool Rtl8139::rx(int cpu, Ctx ctx, int64_t now, Path& p) {
  ring_advance(now, true);
  if (ring_.empty()) return false;
  p.begin(ring_.front(), cpu, ctx, cx_.traced);
  ring_.pop_front();
  cx_.fates.take();
  const Costs& k = cx_.costs;
  const Skb& skb = p.skb;
  int64_t rx_cost = cx_.draw(k.driver_rx_ns);
  rx_cost += cx_.draw(k.skb_alloc_ns);
  Event& rx = p.stage(Fn::Rtl8139Rx, rx_cost + std::llround(k.driver_copy_ns_per_byte * skb.frame_bytes));
  rx.ring = ring_fill();
  if (skb.alloc_fails) {
    ++cx_.c.nic.rx_dropped;
    p.drop(Fn::Rtl8139Rx, DropReason::SkbAllocFail);
    return true;
  }
  ++cx_.c.nic.rx_packets;
  p.traced_stage(Fn::NetifReceiveSkb, cx_.draw(k.netif_receive_skb_ns));
  if (const int target = dev_.rps_cpu(skb); target >= 0) {
    dev_.to_backlog(p, target);
    return true;
  }
  dev_.netif_receive_skb_core(p);
  return true;
}

void Rtl8139::napi_complete(int cpu, Ctx ctx, int64_t now) {
  cx_.emit(make_event(Kind::Instant, Fn::NapiCompleteDone, cpu, ctx, now));
  enable_irq(now);
}

} // namespace rxpath::model

// drivers/net/ethernet/realtek/8139too.c and the hardware: the RX ring, interrupt moderation
// (ethtool -C), rtl8139_interrupt, rtl8139_rx and the NAPI completion.
#pragma once

#include "Context.hpp"
#include "Traffic.hpp"

#include <deque>
#include <optional>
#include <vector>

namespace rxpath::model {

class Dev;

class Rtl8139 {
public:
  Rtl8139(Context& cx, Dev& dev);

  // Settles the frames that have reached the NIC by `now` (inclusive or not): each takes a free
  // RX descriptor or is missed.
  void ring_advance(int64_t now, bool inclusive = true);
  int64_t ring_fill() const { return static_cast<int64_t>(ring_.size()); }
  std::optional<int64_t> next_arrival();
  bool irq_enabled() const { return irq_enabled_; }
  // When the moderated RX interrupt is due, if frames are pending.
  std::optional<int64_t> irq_due() const;
  // The NIC raises its interrupt line (and masks itself until the handler re-enables it).
  void raise_irq(int64_t now);
  // The RX interrupt is unmasked; frames already in the ring make it pending at once.
  void enable_irq(int64_t now);

  // With NAPI the handler schedules the poll; the interrupt-driven driver (pre-NAPI 8139too's
  // rtl8139_rx_interrupt) takes every frame in the ring up to the socket inside the handler, then
  // re-enables the interrupt.
  bool receives_in_handler() const;
  // rtl8139_interrupt on `cpu` from t0 to t1: with NAPI, napi_schedule. Returns true if NET_RX
  // was raised.
  bool interrupt(int cpu, int64_t t0, int64_t t1);
  // rtl8139_rx: takes the next frame from the ring and builds its path up the stack; false when
  // the ring is empty.
  bool rx(int cpu, trace::Ctx ctx, int64_t now, Path& p);
  // rtl8139_poll used less than its weight: __napi_complete, and the RX interrupt re-enabled.
  void napi_complete(int cpu, trace::Ctx ctx, int64_t now);
  // rtl8139_poll: whether it polls the ring again after `work` frames, and whether it completes.
  static bool poll_more(int64_t work, int64_t weight) { return work < weight; }

private:
  Context& cx_;
  Dev& dev_;
  Traffic traffic_; // the frames that reach the NIC
  std::deque<Skb> ring_;
  bool irq_enabled_ = true;
  int64_t pending_irq_frames_ = 0; // frames since the interrupt was last raised/enabled
  int64_t first_pending_ns_ = 0;
  std::vector<int64_t> pending_arrivals_; // arrival times of those frames (for rx_frames)
};

} // namespace rxpath::model

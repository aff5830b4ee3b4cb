// drivers/net/ethernet/realtek/8139too.c (3.19): rtl8139_interrupt, rtl8139_rx and the NAPI
// completion, over the NIC's one RX queue.
#pragma once

#include "NicDriver.hpp"

namespace rxpath::model {

class Rtl8139 final : public NicDriver {
public:
  using NicDriver::NicDriver;

  // With NAPI the handler schedules the poll; the interrupt-driven driver (pre-NAPI 8139too's
  // rtl8139_rx_interrupt) takes every frame in the ring up to the socket inside the handler, then
  // re-enables the interrupt.
  bool receives_in_handler() const override;
  // rtl8139_interrupt: with NAPI, napi_schedule.
  bool interrupt(int cpu, int q, int64_t t0, int64_t t1) override;
  // rtl8139_rx: takes the next frame from the ring and builds its path up the stack.
  bool rx(int cpu, int q, trace::Ctx ctx, int64_t now, Path& p) override;
  trace::Fn poll_fn() const override { return trace::Fn::Rtl8139Poll; }
};

} // namespace rxpath::model

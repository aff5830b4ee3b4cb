// A NIC driver's receive side, as the rest of the model sees it: the interrupt handler of an RX
// queue's vector, the per-frame receive that builds a frame's path up the stack, and the NAPI
// completion that re-enables the queue's interrupt. One per scenario (nic.driver): Rtl8139
// (drivers/net/ethernet/realtek/8139too.c, the seeds' one-queue NIC) or Mlx5
// (drivers/net/ethernet/mellanox/mlx5/core/, a multi-queue NIC with page-based buffers). What
// every driver does the same way (the handler's span, napi_schedule, handing a built skb to the
// stack, the completion) is here once; a driver says only what is its own.
#pragma once

#include "Context.hpp"
#include "NicHardware.hpp"
#include "Path.hpp"
#include "trace/Event.hpp"

#include <cstdint>

namespace rxpath::model {

class Dev;

class NicDriver {
public:
  NicDriver(Context& cx, NicHardware& hw, Dev& dev) : cx_(cx), hw_(hw), dev_(dev) {}
  virtual ~NicDriver() = default;
  // Without NAPI the handler itself takes every frame up to the socket (pre-NAPI 8139too).
  virtual bool receives_in_handler() const { return false; }
  // The handler of queue `q`'s interrupt on `cpu`, from t0 to t1. Returns true if it scheduled
  // the queue's NAPI (NET_RX raised).
  virtual bool interrupt(int cpu, int q, int64_t t0, int64_t t1) = 0;
  // The next frame of queue `q`'s ring and its path up the stack; false when the ring is empty.
  virtual bool rx(int cpu, int q, trace::Ctx ctx, int64_t now, Path& p) = 0;
  // The function names of its poll (the span around a NAPI poll of one queue).
  virtual trace::Fn poll_fn() const = 0;
  // The poll used less than its budget: napi_complete_done, and the queue's interrupt re-enabled
  // (8139too: RX unmasked; mlx5: the CQ re-armed).
  void napi_complete(int cpu, int q, trace::Ctx ctx, int64_t now);

protected:
  // The handler's span `fn` on `cpu`, then napi_schedule of queue `q`'s NAPI there.
  void handler_span(trace::Fn fn, int cpu, int q, int64_t t0, int64_t t1);
  void schedule_napi(int cpu, int q, int64_t t1);
  // The driver's per-frame stage `fn` (its cost `cost`) for a frame just taken from queue `q`, and
  // the skb built: its allocation fails (rx_dropped) or it goes up the stack through `entry`.
  void receive(Path& p, int q, trace::Fn fn, int64_t cost, trace::Fn entry);

  Context& cx_;
  NicHardware& hw_;
  Dev& dev_;
};

} // namespace rxpath::model

// The mlx5 driver's receive side (drivers/net/ethernet/mellanox/mlx5/core/, 6.18): one channel per
// RX queue, each with its completion queue, MSI-X vector and NAPI instance. The completion
// interrupt schedules the channel's NAPI (mlx5e_completion_event); mlx5e_napi_poll takes
// completions up to the budget; each frame's skb is built around its stride of a receive page
// (mlx5e_skb_from_cqe_mpwrq_linear: no copy, truesize from the buffer, not the payload); fewer
// than the budget: napi_complete_done and the CQ re-armed (mlx5e_cq_arm), which is when the
// queue's interrupt can fire again.
#pragma once

#include "NicDriver.hpp"

namespace rxpath::model {

class Mlx5 final : public NicDriver {
public:
  using NicDriver::NicDriver;

  bool interrupt(int cpu, int q, int64_t t0, int64_t t1) override;
  bool rx(int cpu, int q, trace::Ctx ctx, int64_t now, Path& p) override;
  trace::Fn poll_fn() const override { return trace::Fn::Mlx5eNapiPoll; }
};

// truesize of the skb mlx5 builds around a received frame of `frame_bytes` (Ethernet header to the
// end of the payload, no FCS).
int64_t mlx5_truesize(int64_t frame_bytes);

} // namespace rxpath::model

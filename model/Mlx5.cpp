// drivers/net/ethernet/mellanox/mlx5/core/en_txrx.c and en_rx.c (6.18).
#include "Mlx5.hpp"

namespace rxpath::model {

using trace::Ctx;
using trace::Fn;

// mlx5_eq_comp_int (eq.c) -> mlx5e_completion_event (en_txrx.c): napi_schedule(cq->napi). The CQ
// stays disarmed (no further event) until mlx5e_napi_poll re-arms it.
bool Mlx5::interrupt(int cpu, int q, int64_t t0, int64_t t1) {
  handler_span(Fn::Mlx5eCompletionEvent, cpu, q, t0, t1);
  schedule_napi(cpu, q, t1);
  return true;
}

// mlx5e_poll_rx_cq -> mlx5e_handle_rx_cqe_mpwrq -> mlx5e_skb_from_cqe_mpwrq_linear: the skb is
// built around the frame where the NIC wrote it (napi_build_skb), so no per-byte copy;
// mlx5e_complete_rx_cqe sets the checksum and RSS hash; then napi_gro_receive. Without GRO merging
// the frame passes on to netif_receive_skb (GRO_NORMAL). mlx5e_napi_poll completing (work < budget)
// re-arms the RX CQ with mlx5e_cq_arm: NicDriver::napi_complete.
bool Mlx5::rx(int cpu, int q, Ctx ctx, int64_t now, Path& p) {
  if (!hw_.take(q, cpu, ctx, now, p)) return false;
  p.skb.truesize = mlx5_truesize(p.skb.frame_bytes);
  const Costs& k = cx_.costs;
  int64_t cost = cx_.draw(k.driver_rx_ns); // one draw per statement: their order is the seed's
  cost += cx_.draw(k.skb_alloc_ns);
  receive(p, q, Fn::Mlx5eHandleRxCqe, cost, Fn::NapiGroReceive);
  return true;
}

// mlx5e_skb_from_cqe_mpwrq_linear (en_rx.c, 6.18; mlx5e_skb_from_cqe_linear alike): frag_size =
// MLX5_SKB_FRAG_SZ(rx_headroom + cqe_bcnt), the headroom (NET_SKB_PAD 64 + NET_IP_ALIGN 0 on x86-64,
// mlx5e_get_linear_rq_headroom) and the frame SKB_DATA_ALIGNed plus the aligned skb_shared_info
// (320); napi_build_skb -> __finalize_skb_around makes truesize the data part plus the aligned
// struct sk_buff (256) and skb_shared_info: 768 bytes for a 64-byte UDP payload, 2176 for 1472,
// from the frame's length and not the 2048-byte stride it occupies (docs/modern-path-sources.md 1.4).
int64_t mlx5_truesize(int64_t frame_bytes) {
  auto align = [](int64_t n) { return (n + 63) / 64 * 64; };
  constexpr int64_t kHeadroom = 64, kSharedInfo = 320, kSkBuff = 256;
  return align(kHeadroom + frame_bytes) + kSharedInfo + kSkBuff;
}

} // namespace rxpath::model

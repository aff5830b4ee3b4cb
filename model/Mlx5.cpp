// drivers/net/ethernet/mellanox/mlx5/core/en_txrx.c and en_rx.c (6.18).
#include "Mlx5.hpp"

#include "Dev.hpp"

namespace rxpath::model {

using trace::Ctx;
using trace::DropReason;
using trace::Event;
using trace::Fn;
using trace::Kind;

// mlx5_eq_comp_int (eq.c) -> mlx5e_completion_event (en_txrx.c): napi_schedule(cq->napi). The CQ
// stays disarmed (no further event) until mlx5e_napi_poll re-arms it.
bool Mlx5::interrupt(int cpu, int q, int64_t t0, int64_t t1) {
  Event s = make_event(Kind::Span, Fn::Mlx5eCompletionEvent, cpu, Ctx::Hardirq, t0);
  s.end = t1;
  s.ring = hw_.queue(q).fill();
  s.queue = q;
  cx_.emit(s);
  dev_.napi_schedule(cpu, nic_napi(q));
  cx_.emit(make_event(Kind::Instant, Fn::NapiSchedule, cpu, Ctx::Hardirq, t1));
  return true;
}

// mlx5e_poll_rx_cq -> mlx5e_handle_rx_cqe_mpwrq -> mlx5e_skb_from_cqe_mpwrq_linear: the skb is
// built around the frame where the NIC wrote it (napi_build_skb), so no per-byte copy;
// mlx5e_complete_rx_cqe sets the checksum and RSS hash; then napi_gro_receive. Without GRO merging
// the frame passes on to netif_receive_skb (GRO_NORMAL).
bool Mlx5::rx(int cpu, int q, Ctx ctx, int64_t now, Path& p) {
  if (!hw_.take(q, cpu, ctx, now, p)) return false;
  const Costs& k = cx_.costs;
  p.skb.truesize = mlx5_truesize(p.skb.frame_bytes);
  Event& rx = p.stage(Fn::Mlx5eHandleRxCqe, cx_.draw(k.driver_rx_ns) + cx_.draw(k.skb_alloc_ns));
  rx.ring = hw_.queue(q).fill();
  rx.queue = q;
  if (p.skb.alloc_fails) {
    ++cx_.c.nic.rx_dropped;
    p.drop(Fn::Mlx5eHandleRxCqe, DropReason::SkbAllocFail);
    return true;
  }
  ++cx_.c.nic.rx_packets;
  dev_.receive_skb(p, Fn::NapiGroReceive);
  return true;
}

// mlx5e_napi_poll: work < budget -> napi_complete_done, then mlx5e_cq_arm re-arms the RX CQ.
void Mlx5::napi_complete(int cpu, int q, Ctx ctx, int64_t now) {
  Event e = make_event(Kind::Instant, Fn::NapiCompleteDone, cpu, ctx, now);
  e.queue = q;
  cx_.emit(e);
  hw_.enable_irq(q, now);
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

// udp_sendmsg (net/ipv4/udp.c) -> ip_make_skb -> ip_send_skb -> ip_local_out -> ip_output ->
// ip_finish_output2 -> dev_queue_xmit (net/core/dev.c) -> loopback_xmit (drivers/net/loopback.c:
// skb_orphan, eth_type_trans, netif_rx) -> netif_rx_internal -> enqueue_to_backlog, 3.19.
#include "Loopback.hpp"

#include "Dev.hpp"

#include <cmath>

namespace rxpath::model {

using trace::Ctx;
using trace::Fn;

Loopback::Loopback(Context& cx, Dev& dev) : cx_(cx), dev_(dev) {
  traffic_.resize(cx.sc.traffic.size());
  for (size_t i = 0; i < cx.sc.traffic.size(); ++i)
    if (cx.sc.traffic[i].loopback()) traffic_[i].emplace(cx.sc, static_cast<int>(i));
}

std::optional<int64_t> Loopback::next_send(int source) {
  Skb f;
  if (!traffic_[static_cast<size_t>(source)]->peek(f)) return std::nullopt;
  return f.arrival_ns;
}

// The NET_RX softirq that netif_rx raises runs on this CPU when dev_queue_xmit's
// rcu_read_unlock_bh re-enables bottom halves, before sendto() returns.
void Loopback::xmit(int source, int64_t now, Path& p) {
  const auto& cfg = cx_.sc.traffic[static_cast<size_t>(source)];
  Skb skb;
  traffic_[static_cast<size_t>(source)]->pop(skb);
  skb.pkt = cx_.fates.arrive(); // ids in send order across all senders
  skb.arrival_ns = skb.first_arrival_ns = now;
  p.begin(skb, static_cast<int>(cfg.sender_cpu), Ctx::Process, cx_.traced);
  cx_.fates.take();
  ++cx_.c[UdpMib::OutDatagrams]; // udp_send_skb
  ++cx_.c[IpMib::OutRequests];   // ip_local_out
  const Costs& k = cx_.costs;
  auto& send = p.stage(Fn::UdpSendmsg, cx_.draw(k.udp_sendmsg_ns) +
                                           std::llround(k.copy_to_user_ns_per_byte * cfg.payload_bytes));
  send.bytes = p.skb.frame_bytes;
  send.flow = source;
  p.traced_stage(Fn::LoopbackXmit, cx_.draw(k.loopback_xmit_ns));
  p.traced_stage(Fn::NetifRx, 0);
  const int rps = dev_.rps_cpu(p.skb);
  dev_.to_backlog(p, rps >= 0 ? rps : p.cpu);
}

} // namespace rxpath::model

// net/ipv4/ip_input.c (3.19; the same checks in 6.18).
#include "IpInput.hpp"

#include "IpFragment.hpp"
#include "Netfilter.hpp"
#include "Udp.hpp"

namespace rxpath::model {

using trace::DropReason;
using trace::Fn;
using trace::Hook;

void IpInput::rcv(Path& p) {
  const Costs& k = cx_.costs;
  const Skb& skb = p.skb;
  // ip_rcv: InReceives, header checks, NF_HOOK(PRE_ROUTING, ip_rcv_finish).
  ++cx_.c[IpMib::InReceives];
  p.traced_stage(Fn::IpRcv, cx_.draw(k.ip_rcv_ns));
  if (skb.bad_ip_csum) {
    // ip_fast_csum fails: csum_error (IPSTATS_MIB_CSUMERRORS, IpExt InCsumErrors in
    // /proc/net/netstat), then inhdr_error (IPSTATS_MIB_INHDRERRORS).
    ++cx_.c.ip_in_csum_errors;
    ++cx_.c[IpMib::InHdrErrors];
    p.drop(Fn::IpRcv, DropReason::IpCsum);
    return;
  }
  if (!nf_hook(cx_, p, Hook::PreRouting, cx_.sc.netfilter.prerouting)) return;
  // ip_rcv_finish: early demux (udp_v4_early_demux finds a connected socket; its cached
  // sk_rx_dst spares the route lookup), else ip_route_input_noref.
  p.traced_stage(Fn::IpRcvFinish, cx_.draw(k.ip_rcv_finish_ns));
  EarlyDemux demux;
  if (cx_.sc.sysctl.ip_early_demux && skb.protocol == 17 && skb.frag < 0) demux = udp_.early_demux(p);
  if (!demux.have_dst) {
    p.traced_stage(Fn::IpRouteInputNoref, cx_.draw(k.route_lookup_ns));
    if (skb.daddr != cx_.sc.nic.addr) {
      // Not ours and not forwarding: the route's input is ip_error (EHOSTUNREACH -> InAddrErrors).
      ++cx_.c[IpMib::InAddrErrors];
      p.drop(Fn::IpRouteInputNoref, DropReason::IpNoroute);
      return;
    }
  }
  // ip_local_deliver: ip_defrag, then NF_HOOK(LOCAL_IN, ip_local_deliver_finish).
  p.traced_stage(Fn::IpLocalDeliver, cx_.draw(k.ip_local_deliver_ns));
  if (skb.frag >= 0) {
    p.traced_stage(Fn::IpDefrag, cx_.draw(k.ip_defrag_ns));
    if (!frag_.defrag(p)) return;
  }
  if (!nf_hook(cx_, p, Hook::LocalIn, cx_.sc.netfilter.local_in)) return;
  // ip_local_deliver_finish: inet_protos[protocol]->handler; none: InUnknownProtos.
  p.traced_stage(Fn::IpLocalDeliverFinish, cx_.draw(k.ip_local_deliver_finish_ns));
  if (skb.protocol != 17) {
    ++cx_.c[IpMib::InUnknownProtos];
    p.drop(Fn::IpLocalDeliverFinish, DropReason::IpNoproto);
    return;
  }
  ++cx_.c[IpMib::InDelivers];
  udp_.rcv(p, demux.sock);
}

} // namespace rxpath::model

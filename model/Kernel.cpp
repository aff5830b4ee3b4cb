#include "Kernel.hpp"

#include "Netfilter.hpp"
#include "ScenarioLoader.hpp"

#include <algorithm>
#include <cassert>

namespace rxpath::model {

using trace::Hook;
using trace::Kind;

Kernel::Kernel(const Scenario& sc, EventSink& sink, bool detailed)
    : sc_(sc), sink_(sink), detailed_(detailed),
      c_(static_cast<int>(sc.cpus), static_cast<int>(sc.sockets.size())), traffic_(sc), sd_(sc.cpus) {
  for (size_t i = 0; i < sc.sockets.size(); ++i) {
    Socket s;
    s.index = static_cast<int>(i);
    s.cfg = &sc.sockets[i];
    s.rcvbuf = effective_rcvbuf(sc.sockets[i].so_rcvbuf_bytes, sc.sysctl);
    sockets_.push_back(std::move(s));
  }
  // A Traffic per loopback source (its sender's datagrams); NIC sources share traffic_.
  lo_traffic_.resize(sc.traffic.size());
  for (size_t i = 0; i < sc.traffic.size(); ++i)
    if (sc.traffic[i].loopback()) lo_traffic_[i].emplace(sc, static_cast<int>(i));
  // udp_table by port, each chain most recently bound first: udp_lib_get_port adds a socket at
  // the head of its slot (net/ipv4/udp.c, 3.19 and 6.18 alike for IPv4), and __udp4_lib_lookup
  // keeps the first of the best scores, so with SO_REUSEADDR the latest bind() wins a tie.
  for (size_t i = sc.sockets.size(); i-- > 0;)
    udp_table_[sc.sockets[i].bind.port].push_back(static_cast<int>(i));
  for (const auto& r : sc.receivers) {
    thread_socket_.push_back(r.socket_index);
    thread_cpu_.push_back(static_cast<int>(r.cpu));
    sockets_[r.socket_index].has_reader = true;
  }
}

Event Kernel::ev(Kind k, Fn fn, int cpu, Ctx ctx, int64_t t, const Skb* skb) const {
  Event e;
  e.kind = k;
  e.fn = fn;
  e.cpu = cpu;
  e.ctx = ctx;
  e.t = t;
  if (skb) {
    e.pkt = skb->pkt;
    if (skb->frag >= 0) e.frag = skb->frag;
  }
  return e;
}

// A stage at the current work offset of the path, then its cost. Stages that only the trace
// needs are not built when nobody records them.
Event& Kernel::stage_ev(Path& p, Fn fn, int64_t cost) {
  p.events.push_back(ev(Kind::Stage, fn, p.cpu, p.ctx, p.cost, &p.skb));
  p.cost += cost;
  return p.events.back();
}

Event* Kernel::stage(Path& p, Fn fn, int64_t cost) {
  if (detailed_) return &stage_ev(p, fn, cost);
  p.cost += cost;
  return nullptr;
}

void Kernel::fate_drop(Event e, DropReason r) {
  e.reason = r;
  const int64_t pkt = e.pkt;
  if (pkt >= 0 && !fated_[pkt]) {
    fated_[pkt] = true;
    --in_flight_;
    ++c_.dropped[static_cast<size_t>(r)];
    e.kind = Kind::Drop;
  } else {
    e.kind = Kind::Instant; // a fragment of a datagram that already has its fate
  }
  sink_.emit(e);
}

// A drop decided while building the path, in `fn`, at the current work offset.
Event& Kernel::drop_at(Path& p, Fn fn, DropReason r) {
  p.events.push_back(ev(Kind::Drop, fn, p.cpu, p.ctx, p.cost, &p.skb));
  p.events.back().reason = r;
  p.outcome = Outcome::Done;
  return p.events.back();
}

void Kernel::span(Fn fn, int cpu, Ctx ctx, int64_t t0, int64_t t1, int64_t work, int64_t budget,
                  int64_t thread) {
  if (!detailed_) return;
  Event e = ev(Kind::Span, fn, cpu, ctx, t0);
  e.end = t1;
  e.work = work;
  e.budget = budget;
  e.thread = thread;
  sink_.emit(e);
}

void Kernel::instant(Fn fn, int cpu, Ctx ctx, int64_t t) {
  if (detailed_) sink_.emit(ev(Kind::Instant, fn, cpu, ctx, t));
}

void Kernel::setup_sockets() {
  for (auto& s : sockets_) {
    Event e = ev(Kind::Instant, Fn::InetCreate, -1, Ctx::Process, 0);
    e.sock = s.index;
    e.rcvbuf = s.rcvbuf;
    sink_.emit(e);
    e.fn = Fn::InetBind;
    sink_.emit(e);
  }
}

// ---------------------------------------------------------------------------------------- NIC

void Kernel::ring_advance(int64_t now, bool inclusive) {
  Skb f;
  while (traffic_.peek(f) && (f.arrival_ns < now || (inclusive && f.arrival_ns == now))) {
    traffic_.pop(f);
    if (f.frag <= 0) {
      ++c_.arrived;
      ++in_flight_;
      fated_.push_back(false);
      assert(static_cast<int64_t>(fated_.size()) == f.pkt + 1);
    }
    Event e = ev(Kind::Stage, Fn::RxRingDma, -1, Ctx::Nic, f.arrival_ns, &f);
    e.bytes = f.frame_bytes;
    e.flow = f.source;
    if (static_cast<int64_t>(ring_.size()) >= sc_.nic.ring_size) {
      ++c_.nic.rx_missed_errors;
      e.ring = static_cast<int64_t>(ring_.size());
      fate_drop(e, DropReason::NicRingFull);
      continue;
    }
    ring_.push_back(f);
    e.ring = static_cast<int64_t>(ring_.size());
    sink_.emit(e);
    if (irq_enabled_) {
      if (pending_irq_frames_++ == 0) first_pending_ns_ = f.arrival_ns;
      if (static_cast<int64_t>(pending_arrivals_.size()) < std::max<int64_t>(sc_.nic.rx_frames, 1))
        pending_arrivals_.push_back(f.arrival_ns);
    }
  }
}

std::optional<int64_t> Kernel::next_arrival() {
  Skb f;
  if (!traffic_.peek(f)) return std::nullopt;
  return f.arrival_ns;
}

// Interrupt moderation (ethtool -C): the IRQ fires rx_usecs after the first pending frame, or
// as soon as rx_frames frames are pending, whichever comes first; rx_usecs 0 = at once.
std::optional<int64_t> Kernel::irq_due() const {
  if (!irq_enabled_ || pending_irq_frames_ == 0) return std::nullopt;
  if (sc_.nic.rx_usecs == 0) return first_pending_ns_;
  int64_t due = first_pending_ns_ + sc_.nic.rx_usecs * 1000;
  if (sc_.nic.rx_frames > 0 && pending_irq_frames_ >= sc_.nic.rx_frames)
    due = std::min(due, pending_arrivals_[sc_.nic.rx_frames - 1]);
  return due;
}

void Kernel::raise_irq(int64_t now) {
  irq_enabled_ = false;
  pending_irq_frames_ = 0;
  pending_arrivals_.clear();
  ++c_.nic.interrupts;
  Event e = ev(Kind::Instant, Fn::IrqRaise, static_cast<int>(sc_.nic.irq_cpu), Ctx::Nic, now);
  e.ring = ring_fill();
  sink_.emit(e);
}

void Kernel::enable_irq(int64_t now) {
  irq_enabled_ = true;
  // Frames already in the ring keep the RX status bit set: the interrupt is pending at once.
  pending_irq_frames_ = static_cast<int64_t>(ring_.size());
  pending_arrivals_.assign(
      static_cast<size_t>(std::min<int64_t>(pending_irq_frames_, std::max<int64_t>(sc_.nic.rx_frames, 1))),
      now);
  first_pending_ns_ = now;
}

// ----------------------------------------------------------------------------- hardirq, IPI

// rtl8139_interrupt (8139too.c): if napi_schedule_prep succeeds, mask RX interrupts
// (RTL_W16_F(IntrMask, rtl8139_norx_intr_mask)) and __napi_schedule: the NAPI instance joins this
// CPU's poll_list and NET_RX_SOFTIRQ is raised (net/core/dev.c ____napi_schedule).
bool Kernel::nic_interrupt(int cpu, int64_t t0, int64_t t1) {
  Event s = ev(Kind::Span, Fn::Rtl8139Interrupt, cpu, Ctx::Hardirq, t0);
  s.end = t1;
  s.ring = ring_fill();
  sink_.emit(s);
  if (!sc_.nic.napi) return false;
  auto& sd = sd_[cpu];
  sd.poll_list.push_back(kNicNapi);
  sd.net_rx_pending = true;
  sink_.emit(ev(Kind::Instant, Fn::NapiSchedule, cpu, Ctx::Hardirq, t1));
  return true;
}

// rps_trigger_softirq (net/core/dev.c), run by the IPI: ____napi_schedule(sd, &sd->backlog),
// sd->received_rps++.
void Kernel::rps_ipi(int cpu, int64_t t0, int64_t t1) {
  Event s = ev(Kind::Span, Fn::SmpCallFunction, cpu, Ctx::Hardirq, t0);
  s.end = t1;
  sink_.emit(s);
  auto& sd = sd_[cpu];
  sd.poll_list.push_back(cpu);
  sd.net_rx_pending = true;
  ++c_.softnet[cpu].received_rps;
  Event n = ev(Kind::Instant, Fn::NapiSchedule, cpu, Ctx::Hardirq, t1);
  n.backlog = static_cast<int64_t>(sd.input_pkt_queue.size());
  sink_.emit(n);
}

std::vector<int> Kernel::take_rps_ipis(int cpu) {
  std::vector<int> out;
  out.swap(sd_[cpu].rps_ipi_list);
  return out;
}

// ------------------------------------------------------------------------------ NAPI polls

// rtl8139_rx (8139too.c): netdev_alloc_skb_ip_align, copy from the ring, eth_type_trans,
// netif_receive_skb. netif_receive_skb_internal (net/core/dev.c): with RPS, get_rps_cpu picks a
// CPU and enqueue_to_backlog queues there (even when it is this CPU).
bool Kernel::driver_rx(int cpu, Ctx ctx, int64_t now, Path& p) {
  ring_advance(now, true);
  if (ring_.empty()) return false;
  p.clear();
  p.skb = ring_.front();
  ring_.pop_front();
  ++in_hand_;
  p.cpu = cpu;
  p.ctx = ctx;
  const Costs& k = sc_.costs;
  Skb& skb = p.skb;
  Event& rx =
      stage_ev(p, Fn::Rtl8139Rx,
               k.driver_rx_ns + k.skb_alloc_ns + std::llround(k.driver_copy_ns_per_byte * skb.frame_bytes));
  rx.ring = ring_fill();
  if (skb.alloc_fails) {
    ++c_.nic.rx_dropped;
    drop_at(p, Fn::Rtl8139Rx, DropReason::SkbAllocFail);
    return true;
  }
  ++c_.nic.rx_packets;
  stage(p, Fn::NetifReceiveSkb, k.netif_receive_skb_ns);
  if (!sc_.nic.rps_cpus.empty()) {
    to_backlog(p, rps_cpu(skb));
    return true;
  }
  build_stack_path(p);
  return true;
}

// get_rps_cpu (net/core/dev.c): skb_get_hash (flow dissector: no ports for IP fragments), then
// map->cpus[reciprocal_scale(hash, map->len)].
int Kernel::rps_cpu(const Skb& skb) const {
  uint64_t h = (uint64_t{skb.saddr} << 32) ^ skb.daddr;
  if (skb.frag < 0) h ^= (uint64_t{skb.sport} << 48) ^ (uint64_t{skb.dport} << 16);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  const auto hash32 = static_cast<uint32_t>(h);
  const auto n = sc_.nic.rps_cpus.size();
  return static_cast<int>(sc_.nic.rps_cpus[(uint64_t{hash32} * n) >> 32]);
}

// The path ends at enqueue_to_backlog of `target` (decided in finish()).
void Kernel::to_backlog(Path& p, int target) {
  if (!sc_.nic.rps_cpus.empty()) stage(p, Fn::GetRpsCpu, sc_.costs.get_rps_cpu_ns);
  stage_ev(p, Fn::EnqueueToBacklog, sc_.costs.enqueue_to_backlog_ns);
  p.target = target;
  p.outcome = Outcome::Backlog;
}

// ---------------------------------------------------------------------------------- loopback

std::optional<int64_t> Kernel::lo_next_send(int source) {
  Skb f;
  if (!lo_traffic_[static_cast<size_t>(source)]->peek(f)) return std::nullopt;
  return f.arrival_ns;
}

// udp_sendmsg (net/ipv4/udp.c) -> ip_make_skb -> ip_send_skb -> ip_local_out -> ip_output ->
// ip_finish_output2 -> dev_queue_xmit (net/core/dev.c) -> loopback_xmit (drivers/net/loopback.c:
// skb_orphan, eth_type_trans, netif_rx) -> netif_rx_internal -> enqueue_to_backlog on this CPU
// (or the RPS CPU). The NET_RX softirq it raises runs on this CPU when dev_queue_xmit's
// rcu_read_unlock_bh re-enables bottom halves, before sendto() returns.
void Kernel::lo_xmit(int source, int64_t now, Path& p) {
  const auto& cfg = sc_.traffic[static_cast<size_t>(source)];
  p.clear();
  lo_traffic_[static_cast<size_t>(source)]->pop(p.skb);
  ++in_hand_;
  Skb& skb = p.skb;
  skb.pkt = static_cast<int64_t>(fated_.size()); // ids in send order across all senders
  skb.arrival_ns = skb.first_arrival_ns = now;
  ++c_.arrived;
  ++in_flight_;
  fated_.push_back(false);
  ++c_[UdpMib::OutDatagrams]; // udp_send_skb
  ++c_[IpMib::OutRequests];   // ip_local_out
  p.cpu = static_cast<int>(cfg.sender_cpu);
  p.ctx = Ctx::Process;
  const Costs& k = sc_.costs;
  Event& send = stage_ev(p, Fn::UdpSendmsg,
                         k.udp_sendmsg_ns + std::llround(k.copy_to_user_ns_per_byte * cfg.payload_bytes));
  send.bytes = skb.frame_bytes;
  send.flow = source;
  stage(p, Fn::LoopbackXmit, k.loopback_xmit_ns);
  stage(p, Fn::NetifRx, 0);
  to_backlog(p, sc_.nic.rps_cpus.empty() ? p.cpu : rps_cpu(skb));
}

// process_backlog (net/core/dev.c): dequeue from process_queue; when it is empty, splice
// input_pkt_queue into it; when both are empty the backlog NAPI completes.
bool Kernel::backlog_rx(int cpu, Ctx ctx, Path& p) {
  auto& sd = sd_[cpu];
  if (sd.process_queue.empty()) {
    if (sd.input_pkt_queue.empty()) {
      sd.backlog_scheduled = false; // napi->state = 0, inline __napi_complete
      return false;
    }
    sd.process_queue.swap(sd.input_pkt_queue); // skb_queue_splice_tail_init onto an empty queue
  }
  p.clear();
  p.skb = sd.process_queue.front();
  sd.process_queue.pop_front();
  ++in_hand_;
  p.cpu = cpu;
  p.ctx = ctx;
  Event& e = stage_ev(p, Fn::ProcessBacklog, sc_.costs.process_backlog_ns);
  e.backlog = static_cast<int64_t>(sd.input_pkt_queue.size() + sd.process_queue.size());
  build_stack_path(p);
  return true;
}

// From __netif_receive_skb_core to the point where udp_queue_rcv_skb checks the socket.
void Kernel::build_stack_path(Path& p) {
  const Costs& k = sc_.costs;
  Skb& skb = p.skb;
  // __netif_receive_skb_core (net/core/dev.c): softnet processed++, ptype_all taps, then the
  // ptype_base entry for the ethertype; none: dev->rx_dropped, kfree_skb.
  ++c_.softnet[p.cpu].processed;
  stage(p, Fn::NetifReceiveSkbCore, k.netif_receive_skb_core_ns);
  if (sc_.ptype_all_tap) stage(p, Fn::DeliverSkbTap, k.ptype_all_tap_ns);
  if (skb.ethertype != 0x0800) {
    ++c_.nic.rx_dropped;
    drop_at(p, Fn::NetifReceiveSkbCore, DropReason::UnhandledProto);
    return;
  }
  // ip_rcv (net/ipv4/ip_input.c): InReceives, header checks, NF_HOOK(PRE_ROUTING, ip_rcv_finish).
  ++c_[IpMib::InReceives];
  stage(p, Fn::IpRcv, k.ip_rcv_ns);
  if (skb.bad_ip_csum) {
    // ip_fast_csum fails: csum_error (IPSTATS_MIB_CSUMERRORS, IpExt InCsumErrors in
    // /proc/net/netstat), then inhdr_error (IPSTATS_MIB_INHDRERRORS).
    ++c_.ip_in_csum_errors;
    ++c_[IpMib::InHdrErrors];
    drop_at(p, Fn::IpRcv, DropReason::IpCsum);
    return;
  }
  if (!sc_.netfilter.prerouting.empty()) {
    NfResult nf = nf_hook(sc_.netfilter.prerouting, skb);
    if (Event* e = stage(p, Fn::NfHookSlow, k.nf_hook_ns + nf.cost_ns)) e->hook = Hook::PreRouting;
    if (nf.verdict == Verdict::Drop) {
      ++c_.netfilter_drops;
      drop_at(p, Fn::NfHookSlow, DropReason::NetfilterDrop).hook = Hook::PreRouting;
      return;
    }
  }
  // ip_rcv_finish: early demux (udp_v4_early_demux finds a connected socket; its cached
  // sk_rx_dst spares the route lookup), else ip_route_input_noref.
  stage(p, Fn::IpRcvFinish, k.ip_rcv_finish_ns);
  int early_sock = -1;
  bool have_dst = false;
  if (sc_.sysctl.ip_early_demux && skb.protocol == 17 && skb.frag < 0) {
    stage(p, Fn::UdpV4EarlyDemux, k.early_demux_ns);
    for (const auto& s : sockets_) {
      const auto& c = *s.cfg;
      if (c.connect && c.connect->addr == skb.saddr && c.connect->port == skb.sport &&
          c.bind.port == skb.dport && skb.daddr == sc_.nic.addr) {
        early_sock = s.index;
        have_dst = s.rx_dst_cached;
        break;
      }
    }
  }
  if (!have_dst) {
    stage(p, Fn::IpRouteInputNoref, k.route_lookup_ns);
    if (skb.daddr != sc_.nic.addr) {
      // Not ours and not forwarding: the route's input is ip_error (EHOSTUNREACH -> InAddrErrors).
      ++c_[IpMib::InAddrErrors];
      drop_at(p, Fn::IpRouteInputNoref, DropReason::IpNoroute);
      return;
    }
  }
  // ip_local_deliver: ip_defrag, then NF_HOOK(LOCAL_IN, ip_local_deliver_finish).
  stage(p, Fn::IpLocalDeliver, k.ip_local_deliver_ns);
  if (skb.frag >= 0) {
    stage(p, Fn::IpDefrag, k.ip_defrag_ns);
    ++c_[IpMib::ReasmReqds];
    auto [it, fresh] = frag_queues_.try_emplace(skb.pkt);
    FragQueue& q = it->second;
    if (fresh) {
      q.created_ns = skb.arrival_ns;
      q.expected = skb.nfrags;
      q.cpu = p.cpu;
    }
    ++q.received;
    q.truesize += skb.truesize;
    if (q.received < q.expected) {
      p.outcome = Outcome::Held;
      return;
    }
    // ip_frag_reasm: the head skb carries the others; truesize is their sum.
    ++c_[IpMib::ReasmOKs];
    skb.truesize = q.truesize;
    skb.frag = -1;
    frag_queues_.erase(it);
  }
  if (!sc_.netfilter.local_in.empty()) {
    NfResult nf = nf_hook(sc_.netfilter.local_in, skb);
    if (Event* e = stage(p, Fn::NfHookSlow, k.nf_hook_ns + nf.cost_ns)) e->hook = Hook::LocalIn;
    if (nf.verdict == Verdict::Drop) {
      ++c_.netfilter_drops;
      drop_at(p, Fn::NfHookSlow, DropReason::NetfilterDrop).hook = Hook::LocalIn;
      return;
    }
  }
  // ip_local_deliver_finish: inet_protos[protocol]->handler; none: InUnknownProtos.
  stage(p, Fn::IpLocalDeliverFinish, k.ip_local_deliver_finish_ns);
  if (skb.protocol != 17) {
    ++c_[IpMib::InUnknownProtos];
    drop_at(p, Fn::IpLocalDeliverFinish, DropReason::IpNoproto);
    return;
  }
  ++c_[IpMib::InDelivers];
  // udp_rcv -> __udp4_lib_rcv (net/ipv4/udp.c).
  stage(p, Fn::UdpRcv, k.udp_rcv_ns + std::llround(k.udp_csum_ns_per_byte * (skb.udp_payload + 8)));
  if (skb.bad_udp_len) {
    // __udp4_lib_rcv: ulen > skb->len -> short_packet (UDP_MIB_INERRORS).
    ++c_[UdpMib::InErrors];
    drop_at(p, Fn::UdpRcv, DropReason::PktTooSmall);
    return;
  }
  // udp4_csum_init -> __skb_checksum_validate (include/linux/skbuff.h, 3.19 and 6.18): without
  // checksum offload a datagram of skb->len <= CHECKSUM_BREAK (76 bytes: a payload of 68 or less)
  // is verified here, before the socket lookup; a longer one only when it is copied to the user.
  constexpr int64_t kChecksumBreak = 76;
  if (skb.bad_udp_csum && skb.udp_payload + 8 <= kChecksumBreak) {
    ++c_[UdpMib::InCsumErrors];
    ++c_[UdpMib::InErrors];
    drop_at(p, Fn::UdpRcv, DropReason::UdpCsum);
    return;
  }
  int sock = early_sock; // skb_steal_sock
  if (sock >= 0) {
    sockets_[sock].rx_dst_cached = true; // udp_sk_rx_dst_set
  } else {
    stage(p, Fn::Udp4LibLookup, k.udp_lookup_ns);
    sock = udp_lookup(skb);
  }
  if (sock < 0) {
    // No socket: the checksum is verified first (udp_lib_checksum_complete -> csum_error).
    if (skb.bad_udp_csum) {
      ++c_[UdpMib::InCsumErrors];
      ++c_[UdpMib::InErrors];
      drop_at(p, Fn::UdpRcv, DropReason::UdpCsum);
      return;
    }
    ++c_[UdpMib::NoPorts];
    drop_at(p, Fn::UdpRcv, DropReason::NoSocket);
    return;
  }
  if (Event* q = stage(p, Fn::UdpQueueRcvSkb, k.udp_queue_rcv_skb_ns)) q->sock = sock;
  Socket& s = sockets_[sock];
  // udp_queue_rcv_skb: with a socket filter the checksum is verified here, before sk_filter.
  if (s.cfg->has_filter && skb.bad_udp_csum) {
    ++c_[UdpMib::InCsumErrors];
    ++c_[UdpMib::InErrors];
    ++c_.sockets[sock].drops;
    drop_at(p, Fn::UdpQueueRcvSkb, DropReason::UdpCsum).sock = sock;
    return;
  }
  // The queueing itself (sock_queue_rcv_skb, sk_data_ready) is decided when the execution ends.
  p.cost += k.sock_queue_rcv_skb_ns + (s.cfg->has_filter ? k.socket_filter_ns : 0) + k.sk_data_ready_ns;
  p.outcome = Outcome::Socket;
  p.target = sock;
}

// __udp4_lib_lookup (net/ipv4/udp.c) with compute_score: a bound address must equal the
// destination (+4), a connected peer must equal the source (+4 address, +4 port); best wins.
int Kernel::udp_lookup(const Skb& skb) const {
  int best = -1, best_score = -1;
  const auto chain = udp_table_.find(skb.dport);
  if (chain == udp_table_.end()) return -1;
  for (int i : chain->second) {
    const Socket& s = sockets_[static_cast<size_t>(i)];
    const auto& c = *s.cfg;
    int score = 2;
    if (c.bind.addr) {
      if (c.bind.addr != skb.daddr) continue;
      score += 4;
    }
    if (c.connect) {
      if (c.connect->addr != skb.saddr || c.connect->port != skb.sport) continue;
      score += 8;
    }
    if (score > best_score) best = s.index, best_score = score;
  }
  return best;
}

int Kernel::finish(Path& p, int64_t now) {
  --in_hand_;
  Skb& skb = p.skb;
  int wake = -1;
  if (p.outcome == Outcome::Backlog) {
    // enqueue_to_backlog (net/core/dev.c): accept while qlen <= netdev_max_backlog. The first
    // skb schedules the backlog NAPI: locally, or by an IPI sent when net_rx_action ends
    // (rps_ipi_queued).
    auto& sd = sd_[p.target];
    const auto qlen = static_cast<int64_t>(sd.input_pkt_queue.size());
    if (qlen <= sc_.sysctl.netdev_max_backlog) {
      if (qlen == 0 && !sd.backlog_scheduled) {
        sd.backlog_scheduled = true;
        if (p.target != p.cpu) {
          sd_[p.cpu].rps_ipi_list.push_back(p.target);
        } else {
          sd.poll_list.push_back(p.cpu);
        }
        sd_[p.cpu].net_rx_pending = true;
      }
      sd.input_pkt_queue.push_back(skb);
      if (!p.events.empty()) p.events.back().backlog = qlen + 1;
      for (auto& e : p.events) sink_.emit(e);
      return -1;
    }
    // enqueue_to_backlog's drop: sd->dropped, and the device's rx_dropped (3.19
    // atomic_long_inc(&skb->dev->rx_dropped); 6.18 dev_core_stats_rx_dropped_inc).
    ++c_.softnet[p.target].dropped;
    ++c_.nic.rx_dropped;
    for (auto& e : p.events) sink_.emit(e);
    Event d = ev(Kind::Drop, Fn::EnqueueToBacklog, p.cpu, p.ctx, now, &skb);
    d.backlog = qlen;
    fate_drop(d, DropReason::CpuBacklog);
    return -1;
  }
  // Events up to the decision; a drop decided on the way is the path's last event.
  for (auto& e : p.events) {
    if (e.kind == Kind::Drop) {
      fate_drop(e, e.reason);
    } else {
      sink_.emit(e);
    }
  }
  if (p.outcome == Outcome::Socket) {
    if (socket_enqueue(sockets_[p.target], skb, p.cpu, p.ctx, now, Fn::UdpQueueRcvSkb))
      wake = sk_data_ready(sockets_[p.target], p.cpu, p.ctx, now);
  }
  return wake;
}

// udp_queue_rcv_skb / __udp_queue_rcv_skb / sock_queue_rcv_skb (3.19). Returns true if queued
// on sk_receive_queue.
bool Kernel::socket_enqueue(Socket& s, Skb& skb, int cpu, Ctx ctx, int64_t t, Fn fn) {
  auto drop = [&](DropReason r, Fn where) {
    Event d = ev(Kind::Drop, where, cpu, ctx, t, &skb);
    d.sock = s.index;
    d.rmem = s.rmem_alloc;
    d.rcvbuf = s.rcvbuf;
    d.qlen = static_cast<int64_t>(s.queue.size());
    fate_drop(d, r);
    return false;
  };
  auto& ss = c_.sockets[s.index];
  if (sc_.linux6()) {
    // 6.18 udp_queue_rcv_one_skb (net/ipv4/udp.c): sk_filter first (InErrors, sk_drops); then
    // __udp_enqueue_schedule_skb: rmem + truesize > sk_rcvbuf drops (RcvbufErrors, InErrors) unless
    // the queue holds nothing yet, so a lone datagram larger than the buffer still gets in.
    if (s.cfg->has_filter && !matches(s.cfg->filter_accept, skb)) {
      ++c_[UdpMib::InErrors];
      ++ss.drops;
      return drop(DropReason::SocketFilter, Fn::UdpQueueRcvSkb);
    }
    if (s.rmem_alloc + skb.truesize > s.rcvbuf && s.rmem_alloc != 0) {
      ++c_[UdpMib::RcvbufErrors];
      ++c_[UdpMib::InErrors];
      ++ss.drops;
      return drop(DropReason::SocketRcvbuff, Fn::SockQueueRcvSkb);
    }
  } else {
    // 3.19 udp_queue_rcv_skb, then sock_queue_rcv_skb (net/core/sock.c).
    if (fn == Fn::UdpQueueRcvSkb) {
      // sk_rcvqueues_full (include/net/sock.h): backlog.len + rmem_alloc > rcvbuf; this skb's own
      // truesize is not counted, so one datagram may overshoot.
      if (s.backlog_len + s.rmem_alloc > s.rcvbuf) {
        ++c_[UdpMib::RcvbufErrors];
        ++c_[UdpMib::InErrors];
        ++ss.drops;
        return drop(DropReason::SocketRcvbuff, Fn::UdpQueueRcvSkb);
      }
      if (s.owned_by_user) {
        // sk_add_backlog: the thread owning the socket processes it in release_sock.
        s.backlog.push_back(skb);
        s.backlog_len += skb.truesize;
        ++ss.backlog;
        Event e = ev(Kind::Stage, Fn::SkAddBacklog, cpu, ctx, t, &skb);
        e.sock = s.index;
        e.rmem = s.rmem_alloc;
        e.rcvbuf = s.rcvbuf;
        sink_.emit(e);
        return false;
      }
    }
    // sock_queue_rcv_skb: rmem_alloc >= rcvbuf -> -ENOMEM (RcvbufErrors and InErrors in
    // __udp_queue_rcv_skb); sk_filter; then skb_set_owner_r and __skb_queue_tail below.
    if (s.rmem_alloc >= s.rcvbuf) {
      ++c_[UdpMib::RcvbufErrors];
      ++c_[UdpMib::InErrors];
      ++ss.drops;
      return drop(DropReason::SocketRcvbuff, Fn::SockQueueRcvSkb);
    }
    if (s.cfg->has_filter && !matches(s.cfg->filter_accept, skb)) {
      ++c_[UdpMib::InErrors];
      return drop(DropReason::SocketFilter, Fn::SockQueueRcvSkb);
    }
  }
  s.rmem_alloc += skb.truesize;
  s.queue.push_back(skb);
  ++ss.queued;
  Event e = ev(Kind::Stage, Fn::SockQueueRcvSkb, cpu, ctx, t, &skb);
  e.sock = s.index;
  e.rmem = s.rmem_alloc;
  e.rcvbuf = s.rcvbuf;
  e.qlen = static_cast<int64_t>(s.queue.size());
  sink_.emit(e);
  return true;
}

// sock_def_readable: wake_up_interruptible_sync_poll wakes one exclusive waiter.
int Kernel::sk_data_ready(Socket& s, int cpu, Ctx ctx, int64_t t) {
  Event e = ev(Kind::Instant, Fn::SkDataReady, cpu, ctx, t);
  e.sock = s.index;
  int wake = -1;
  if (!s.waiters.empty()) {
    wake = s.waiters.front();
    s.waiters.pop_front();
    e.thread = wake;
    sd_[thread_cpu_[wake]].need_resched = true;
  }
  if (detailed_ || wake >= 0) sink_.emit(e);
  return wake;
}

void Kernel::napi_complete(int cpu, Ctx ctx, int64_t now) {
  sink_.emit(ev(Kind::Instant, Fn::NapiCompleteDone, cpu, ctx, now));
  enable_irq(now);
}

// -------------------------------------------------------------------------------- receivers

RecvResult Kernel::recv_dequeue(int thread, int64_t now) {
  Socket& s = sockets_[thread_socket_[thread]];
  const int cpu = thread_cpu_[thread];
  RecvResult r;
  if (s.queue.empty()) {
    s.waiters.push_back(thread);
    Event e = ev(Kind::Instant, Fn::WaitForMorePackets, cpu, Ctx::Process, now);
    e.sock = s.index;
    e.thread = thread;
    sink_.emit(e);
    return r;
  }
  r.got = true;
  r.skb = s.queue.front();
  s.queue.pop_front();
  ++in_hand_;
  // 6.18 __skb_recv_udp: the reader_queue, refilled by splicing sk_receive_queue when empty.
  if (s.reader_len == 0) s.reader_len = s.queue.size() + 1;
  --s.reader_len;
  const auto& cfg = sc_.receivers[thread];
  const int64_t copied = std::min<int64_t>(r.skb.udp_payload, cfg.user_buffer_bytes);
  r.copy_cost = std::llround(sc_.costs.copy_to_user_ns_per_byte * copied);
  Event e = ev(Kind::Stage, Fn::SkbRecvDatagram, cpu, Ctx::Process, now, &r.skb);
  e.sock = s.index;
  e.thread = thread;
  e.qlen = static_cast<int64_t>(s.queue.size());
  e.rmem = s.rmem_alloc;
  e.rcvbuf = s.rcvbuf;
  sink_.emit(e);
  return r;
}

void Kernel::cancel_wait(int thread) {
  auto& w = sockets_[thread_socket_[thread]].waiters;
  w.erase(std::remove(w.begin(), w.end(), thread), w.end());
}

// udp_recvmsg (net/ipv4/udp.c): skb_copy_and_csum_datagram_msg verifies the checksum while
// copying (the 8139 has no RX checksum offload); a bad one is counted and the datagram discarded
// (csum_copy_err). skb_free_datagram_locked then uncharges sk_rmem_alloc.
bool Kernel::recv_complete(int thread, const Skb& skb, int64_t t_copy, int64_t t_end) {
  Socket& s = sockets_[thread_socket_[thread]];
  const int cpu = thread_cpu_[thread];
  const auto& cfg = sc_.receivers[thread];
  --in_hand_;
  uncharge(s, skb.truesize);
  Event e = ev(Kind::Deliver, Fn::SkbCopyDatagramMsg, cpu, Ctx::Process, t_copy, &skb);
  e.sock = s.index;
  e.thread = thread;
  bool ok = true;
  if (skb.bad_udp_csum) {
    // csum_copy_err: skb_kill_datagram (3.19) / __sk_queue_drop_skb (6.18) count sk_drops.
    ++c_[UdpMib::InCsumErrors];
    ++c_[UdpMib::InErrors];
    ++c_.sockets[s.index].drops;
    fate_drop(e, DropReason::UdpCsum);
    ok = false;
  } else {
    ++c_[UdpMib::InDatagrams];
    ++c_.delivered;
    --in_flight_;
    fated_[skb.pkt] = true;
    auto& ss = c_.sockets[s.index];
    ++ss.delivered;
    e.bytes = std::min<int64_t>(skb.udp_payload, cfg.user_buffer_bytes);
    e.trunc = skb.udp_payload > cfg.user_buffer_bytes;
    if (e.trunc) ++ss.truncated;
    e.latency = t_copy - skb.first_arrival_ns;
    sink_.emit(e);
  }
  Event f = ev(Kind::Stage, Fn::SkbFreeDatagram, cpu, Ctx::Process, t_end, &skb);
  f.sock = s.index;
  f.thread = thread;
  f.rmem = s.rmem_alloc;
  f.rcvbuf = s.rcvbuf;
  if (detailed_) sink_.emit(f);
  return ok;
}

// Frees a dequeued datagram's memory. 3.19 skb_free_datagram_locked: at once. 6.18
// __skb_recv_udp -> udp_skb_destructor -> udp_rmem_release (net/ipv4/udp.c): the freed truesize
// accumulates in forward_deficit and leaves sk_rmem_alloc only once it reaches forward_threshold
// (sk_rcvbuf / 4) or the reader_queue is empty; a release also splices sk_receive_queue into the
// reader_queue.
void Kernel::uncharge(Socket& s, int64_t truesize) {
  if (!sc_.linux6()) {
    s.rmem_alloc -= truesize;
    return;
  }
  s.forward_deficit += truesize;
  if (s.forward_deficit < (s.rcvbuf >> 2) && s.reader_len > 0) return;
  s.rmem_alloc -= s.forward_deficit;
  s.forward_deficit = 0;
  s.reader_len = s.queue.size();
}

// release_sock / __release_sock (net/core/sock.c): sk_backlog_rcv = __udp_queue_rcv_skb for each
// skb of the backlog, then the lock is released.
int64_t Kernel::release_sock(int sock, int thread, int64_t now, int* wake) {
  Socket& s = sockets_[sock];
  const int cpu = thread_cpu_[thread];
  int64_t cost = sc_.costs.release_sock_ns;
  *wake = -1;
  while (!s.backlog.empty()) {
    Skb skb = s.backlog.front();
    s.backlog.pop_front();
    cost += sc_.costs.sock_queue_rcv_skb_ns;
    if (socket_enqueue(s, skb, cpu, Ctx::Process, now, Fn::ReleaseSock) && *wake < 0)
      *wake = sk_data_ready(s, cpu, Ctx::Process, now);
  }
  s.backlog_len = 0;
  s.owned_by_user = false;
  return cost;
}

// ------------------------------------------------------------------------------ end of run

int64_t Kernel::stranded() const {
  int64_t n = 0;
  for (const auto& s : sockets_)
    if (!s.has_reader) n += static_cast<int64_t>(s.queue.size() + s.backlog.size());
  for (const auto& [pkt, q] : frag_queues_)
    if (!fated_[pkt]) ++n;
  return n;
}

bool Kernel::sockets_drained() const {
  for (const auto& s : sockets_)
    if (s.has_reader && (!s.queue.empty() || !s.backlog.empty())) return false;
  return true;
}

bool Kernel::quiescent() const {
  if (!ring_.empty() || in_hand_ > 0) return false;
  for (const auto& sd : sd_)
    if (!sd.poll_list.empty() || !sd.input_pkt_queue.empty() || !sd.process_queue.empty() ||
        sd.net_rx_pending || sd.backlog_scheduled || !sd.rps_ipi_list.empty())
      return false;
  return true;
}

std::optional<int64_t> Kernel::next_reassembly_expiry() const {
  std::optional<int64_t> t;
  for (const auto& [pkt, q] : frag_queues_) {
    const int64_t e = q.created_ns + sc_.sysctl.ipfrag_time * 1'000'000'000;
    if (!t || e < *t) t = e;
  }
  return t;
}

// ip_expire (net/ipv4/ip_fragment.c): ReasmFails, ReasmTimeout, the queue freed.
void Kernel::expire_reassembly(int64_t now) {
  for (auto it = frag_queues_.begin(); it != frag_queues_.end();) {
    const FragQueue& q = it->second;
    if (q.created_ns + sc_.sysctl.ipfrag_time * 1'000'000'000 > now) {
      ++it;
      continue;
    }
    ++c_[IpMib::ReasmFails];
    ++c_[IpMib::ReasmTimeout];
    Skb head;
    head.pkt = it->first;
    head.frag = -1;
    fate_drop(ev(Kind::Drop, Fn::IpDefrag, q.cpu, Ctx::Softirq, now, &head), DropReason::FragReasmTimeout);
    it = frag_queues_.erase(it);
  }
}

void Kernel::close_all(int64_t now) {
  for (auto& s : sockets_) {
    for (auto* q : {&s.queue, &s.backlog}) {
      while (!q->empty()) {
        Skb skb = q->front();
        q->pop_front();
        if (q == &s.queue) s.rmem_alloc -= skb.truesize;
        Event e = ev(Kind::Drop, Fn::InetRelease, -1, Ctx::Process, now, &skb);
        e.sock = s.index;
        fate_drop(e, DropReason::SocketClose);
      }
    }
    s.backlog_len = 0;
  }
}

} // namespace rxpath::model

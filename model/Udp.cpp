// net/ipv4/udp.c, 3.19 and 6.18 (where they differ the KernelVersion row decides).
#include "Udp.hpp"

#include "Netfilter.hpp"
#include "Sock.hpp"

#include <algorithm>
#include <cmath>

namespace rxpath::model {

using trace::Ctx;
using trace::DropReason;
using trace::Event;
using trace::Fn;
using trace::Kind;

Udp::Udp(Context& cx, Sock& sock) : cx_(cx), sock_(sock) {
  // udp_table by port, each chain most recently bound first: udp_lib_get_port adds a socket at
  // the head of its slot (3.19 and 6.18 alike for IPv4), and __udp4_lib_lookup keeps the first of
  // the best scores, so with SO_REUSEADDR the latest bind() wins a tie.
  const auto& cfg = cx.sc.sockets;
  for (size_t i = cfg.size(); i-- > 0;) table_[cfg[i].bind.port].push_back(static_cast<int>(i));
  sock.backlog_rcv = [this](Socket& s, const Skb& skb, int cpu, int64_t t) {
    return queue_rcv_skb_locked(s, skb, cpu, Ctx::Process, t);
  };
}

void Udp::count_drop(std::optional<UdpMib> cause, int sock) {
  if (cause) ++cx_.c[*cause];
  ++cx_.c[UdpMib::InErrors];
  if (sock >= 0) ++cx_.c.sockets[static_cast<size_t>(sock)].drops;
}

EarlyDemux Udp::early_demux(Path& p) {
  const Skb& skb = p.skb;
  p.traced_stage(Fn::UdpV4EarlyDemux, cx_.draw(cx_.costs.early_demux_ns));
  for (const auto& s : sock_.sockets()) {
    const auto& c = *s.cfg;
    if (c.connect && c.connect->addr == skb.saddr && c.connect->port == skb.sport &&
        c.bind.port == skb.dport && skb.daddr == cx_.sc.nic.addr)
      return {s.index, s.rx_dst_cached};
  }
  return {};
}

void Udp::rcv(Path& p, int early_sock) {
  const Costs& k = cx_.costs;
  const Skb& skb = p.skb;
  p.traced_stage(Fn::UdpRcv,
                 cx_.draw(k.udp_rcv_ns) + std::llround(k.udp_csum_ns_per_byte * (skb.udp_payload + 8)));
  if (skb.bad_udp_len) {
    // __udp4_lib_rcv: ulen > skb->len -> short_packet (UDP_MIB_INERRORS).
    count_drop(std::nullopt, -1);
    p.drop(Fn::UdpRcv, DropReason::PktTooSmall);
    return;
  }
  // udp4_csum_init -> __skb_checksum_validate (include/linux/skbuff.h, 3.19 and 6.18): without
  // checksum offload a datagram of skb->len <= CHECKSUM_BREAK (76 bytes: a payload of 68 or less)
  // is verified here, before the socket lookup; a longer one only when it is copied to the user.
  constexpr int64_t kChecksumBreak = 76;
  if (skb.bad_udp_csum && skb.udp_payload + 8 <= kChecksumBreak) {
    count_drop(UdpMib::InCsumErrors, -1);
    p.drop(Fn::UdpRcv, DropReason::UdpCsum);
    return;
  }
  int sock = early_sock; // skb_steal_sock
  if (sock >= 0) {
    sock_.socket(sock).rx_dst_cached = true; // udp_sk_rx_dst_set
  } else {
    p.traced_stage(Fn::Udp4LibLookup, cx_.draw(k.udp_lookup_ns));
    sock = lookup(skb);
  }
  if (sock < 0) {
    // No socket: the checksum is verified first (udp_lib_checksum_complete -> csum_error).
    if (skb.bad_udp_csum) {
      count_drop(UdpMib::InCsumErrors, -1);
      p.drop(Fn::UdpRcv, DropReason::UdpCsum);
      return;
    }
    ++cx_.c[UdpMib::NoPorts];
    p.drop(Fn::UdpRcv, DropReason::NoSocket);
    return;
  }
  if (Event* q = p.traced_stage(Fn::UdpQueueRcvSkb, cx_.draw(k.udp_queue_rcv_skb_ns))) q->sock = sock;
  const Socket& s = sock_.socket(sock);
  // udp_queue_rcv_skb: with a socket filter the checksum is verified here, before sk_filter.
  if (s.cfg->has_filter && skb.bad_udp_csum) {
    count_drop(UdpMib::InCsumErrors, sock);
    p.drop(Fn::UdpQueueRcvSkb, DropReason::UdpCsum).sock = sock;
    return;
  }
  // The queueing itself (queue_rcv_skb, sk_data_ready) is decided when the execution ends.
  // (One draw per statement: the order of the cost draws is the seed's, not the compiler's.)
  p.cost += cx_.draw(k.sock_queue_rcv_skb_ns);
  if (s.cfg->has_filter) p.cost += cx_.draw(k.socket_filter_ns);
  p.cost += cx_.draw(k.sk_data_ready_ns);
  p.outcome = Outcome::Socket;
  p.target = sock;
}

// compute_score: a bound address must equal the destination (+4), a connected peer must equal
// the source (+4 address, +4 port); best wins.
int Udp::lookup(const Skb& skb) const {
  int best = -1, best_score = -1;
  const auto chain = table_.find(skb.dport);
  if (chain == table_.end()) return -1;
  for (int i : chain->second) {
    const auto& c = *sock_.sockets()[static_cast<size_t>(i)].cfg;
    int score = 2;
    if (c.bind.addr) {
      if (c.bind.addr != skb.daddr) continue;
      score += 4;
    }
    if (c.connect) {
      if (c.connect->addr != skb.saddr || c.connect->port != skb.sport) continue;
      score += 8;
    }
    if (score > best_score) best = i, best_score = score;
  }
  return best;
}

bool Udp::queue_rcv_skb(Socket& s, const Skb& skb, int cpu, Ctx ctx, int64_t t) {
  if (cx_.kv.udp_own_accounting) return enqueue_schedule_skb(s, skb, cpu, ctx, t);
  // 3.19 udp_queue_rcv_skb: sk_rcvqueues_full (include/net/sock.h) is backlog.len + rmem_alloc >
  // rcvbuf; this skb's own truesize is not counted, so one datagram may overshoot.
  if (s.backlog_len + s.rmem_alloc > s.rcvbuf) {
    count_drop(UdpMib::RcvbufErrors, s.index);
    sock_.drop(s, skb, DropReason::SocketRcvbuff, Fn::UdpQueueRcvSkb, cpu, ctx, t);
    return false;
  }
  if (s.owned_by_user) {
    sock_.add_backlog(s, skb, cpu, ctx, t);
    return false;
  }
  return queue_rcv_skb_locked(s, skb, cpu, ctx, t);
}

// 3.19 __udp_queue_rcv_skb: sock_queue_rcv_skb; -ENOMEM counts RcvbufErrors, any error InErrors.
bool Udp::queue_rcv_skb_locked(Socket& s, const Skb& skb, int cpu, Ctx ctx, int64_t t) {
  switch (sock_.sock_queue_rcv_skb(s, skb, cpu, ctx, t)) {
  case Sock::QueueResult::Queued:
    return true;
  case Sock::QueueResult::NoMem:
    count_drop(UdpMib::RcvbufErrors, -1); // sock_queue_rcv_skb counted sk_drops
    sock_.drop(s, skb, DropReason::SocketRcvbuff, Fn::SockQueueRcvSkb, cpu, ctx, t);
    return false;
  case Sock::QueueResult::Filtered:
    count_drop(std::nullopt, -1);
    sock_.drop(s, skb, DropReason::SocketFilter, Fn::SockQueueRcvSkb, cpu, ctx, t);
    return false;
  }
  return false;
}

// udp_queue_rcv_one_skb (4.10+: udp_queue_rcv_skb): sk_filter first (InErrors, sk_drops); then
// __udp_enqueue_schedule_skb (net/ipv4/udp.c). 6.15+: rmem + truesize > sk_rcvbuf drops
// (RcvbufErrors, InErrors) unless the queue holds nothing yet, so a lone datagram larger than the
// buffer still gets in. 4.10-6.14: it drops only once rmem > sk_rcvbuf before charging, so the
// datagram that crosses the limit is queued.
bool Udp::enqueue_schedule_skb(Socket& s, const Skb& skb, int cpu, Ctx ctx, int64_t t) {
  if (s.cfg->has_filter && !matches(s.cfg->filter_accept, skb)) {
    count_drop(std::nullopt, s.index);
    sock_.drop(s, skb, DropReason::SocketFilter, Fn::UdpQueueRcvSkb, cpu, ctx, t);
    return false;
  }
  const bool full = cx_.kv.udp_rcvbuf_before_charge
                        ? s.rmem_alloc + skb.truesize > s.rcvbuf && s.rmem_alloc != 0
                        : s.rmem_alloc > s.rcvbuf;
  if (full) {
    count_drop(UdpMib::RcvbufErrors, s.index);
    sock_.drop(s, skb, DropReason::SocketRcvbuff, Fn::SockQueueRcvSkb, cpu, ctx, t);
    return false;
  }
  sock_.queue_tail(s, skb, cpu, ctx, t);
  return true;
}

// __skb_recv_datagram (net/core/datagram.c) / 6.18 __skb_recv_udp: dequeue, or
// wait_for_more_packets.
RecvResult Udp::recv_dequeue(int thread, int64_t now) {
  Socket& s = sock_.of_thread(thread);
  const int cpu = sock_.cpu_of(thread);
  RecvResult r;
  if (s.queue.empty()) {
    s.waiters.push_back(thread);
    Event e = make_event(Kind::Instant, Fn::WaitForMorePackets, cpu, Ctx::Process, now);
    e.sock = s.index;
    e.thread = thread;
    cx_.emit(e);
    return r;
  }
  r.got = true;
  r.skb = s.queue.front();
  s.queue.pop_front();
  cx_.fates.take();
  // The reader_queue, refilled by splicing sk_receive_queue when empty.
  if (s.reader_len == 0) s.reader_len = s.queue.size() + 1;
  --s.reader_len;
  const auto& cfg = cx_.sc.receivers[static_cast<size_t>(thread)];
  const int64_t copied = std::min<int64_t>(r.skb.udp_payload, cfg.user_buffer_bytes);
  r.copy_cost = std::llround(cx_.costs.copy_to_user_ns_per_byte * copied);
  Event e = make_event(Kind::Stage, Fn::SkbRecvDatagram, cpu, Ctx::Process, now, &r.skb);
  e.sock = s.index;
  e.thread = thread;
  e.qlen = static_cast<int64_t>(s.queue.size());
  e.rmem = s.rmem_alloc;
  e.rcvbuf = s.rcvbuf;
  cx_.emit(e);
  return r;
}

void Udp::cancel_wait(int thread) {
  auto& w = sock_.of_thread(thread).waiters;
  w.erase(std::remove(w.begin(), w.end(), thread), w.end());
}

// udp_recvmsg: skb_copy_and_csum_datagram_msg verifies the checksum while copying (the 8139 has no
// RX checksum offload); a bad one is counted and the datagram discarded (csum_copy_err:
// skb_kill_datagram in 3.19, __sk_queue_drop_skb in 6.18, both count sk_drops).
// skb_free_datagram_locked then uncharges sk_rmem_alloc.
bool Udp::recv_complete(int thread, const Skb& skb, int64_t t_copy, int64_t t_end) {
  Socket& s = sock_.of_thread(thread);
  const int cpu = sock_.cpu_of(thread);
  const auto& cfg = cx_.sc.receivers[static_cast<size_t>(thread)];
  cx_.fates.put_down();
  rmem_release(s, skb.truesize);
  Event e = make_event(Kind::Deliver, Fn::SkbCopyDatagramMsg, cpu, Ctx::Process, t_copy, &skb);
  e.sock = s.index;
  e.thread = thread;
  bool ok = true;
  if (skb.bad_udp_csum) {
    count_drop(UdpMib::InCsumErrors, s.index);
    cx_.fates.drop(e, DropReason::UdpCsum);
    ok = false;
  } else {
    ++cx_.c[UdpMib::InDatagrams];
    cx_.fates.deliver(skb.pkt);
    auto& ss = cx_.c.sockets[static_cast<size_t>(s.index)];
    ++ss.delivered;
    e.bytes = std::min<int64_t>(skb.udp_payload, cfg.user_buffer_bytes);
    e.trunc = skb.udp_payload > cfg.user_buffer_bytes;
    if (e.trunc) ++ss.truncated;
    e.latency = t_copy - skb.first_arrival_ns;
    cx_.emit(e);
  }
  if (cx_.traced) {
    Event f = make_event(Kind::Stage, Fn::SkbFreeDatagram, cpu, Ctx::Process, t_end, &skb);
    f.sock = s.index;
    f.thread = thread;
    f.rmem = s.rmem_alloc;
    f.rcvbuf = s.rcvbuf;
    cx_.emit(f);
  }
  return ok;
}

// Without batching (3.19 skb_free_datagram_locked): at once. With it (udp_rmem_release via
// udp_skb_destructor): the freed truesize accumulates in forward_deficit and leaves sk_rmem_alloc
// only once it reaches forward_threshold (sk_rcvbuf / 4) or the reader_queue is empty; a release
// also splices sk_receive_queue into the reader_queue.
void Udp::rmem_release(Socket& s, int64_t truesize) {
  if (!cx_.kv.udp_batched_uncharge) {
    s.rmem_alloc -= truesize;
    return;
  }
  s.forward_deficit += truesize;
  if (s.forward_deficit < (s.rcvbuf >> 2) && s.reader_len > 0) return;
  s.rmem_alloc -= s.forward_deficit;
  s.forward_deficit = 0;
  s.reader_len = s.queue.size();
}

} // namespace rxpath::model

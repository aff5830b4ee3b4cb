// net/ipv4/udp.c: udp_rcv up to the socket (lookup, checksum, udp_queue_rcv_skb and its
// version's memory accounting), udp_v4_early_demux, and udp_recvmsg's dequeue and copy.
#pragma once

#include "Context.hpp"

#include <optional>
#include <unordered_map>
#include <vector>

namespace rxpath::model {

class Sock;
struct Socket;

struct EarlyDemux {
  int sock = -1;         // a connected socket found by udp_v4_early_demux
  bool have_dst = false; // its cached sk_rx_dst spares the route lookup
};

// Result of one recvfrom's dequeue.
struct RecvResult {
  bool got = false;
  Skb skb;
  int64_t copy_cost = 0;
};

class Udp {
public:
  Udp(Context& cx, Sock& sock);

  // udp_v4_early_demux, called from ip_rcv_finish.
  EarlyDemux early_demux(Path& p);
  // udp_rcv -> __udp4_lib_rcv: length and checksum checks, the socket lookup (unless early demux
  // found one); the path ends in a drop or with udp_queue_rcv_skb's queueing (Outcome::Socket).
  void rcv(Path& p, int early_sock);
  // __udp4_lib_lookup with compute_score.
  int lookup(const Skb& skb) const;
  // udp_queue_rcv_skb's queueing once the softirq's execution has ended: true if the datagram is
  // on sk_receive_queue (sk_data_ready is then due).
  bool queue_rcv_skb(Socket& s, const Skb& skb, int cpu, trace::Ctx ctx, int64_t t);

  // udp_recvmsg: __skb_recv_datagram (__skb_recv_udp with the reader_queue) dequeues, or
  // registers the thread as an exclusive waiter.
  RecvResult recv_dequeue(int thread, int64_t now);
  // The wait ended without a datagram (SO_RCVTIMEO): the thread leaves the wait queue.
  void cancel_wait(int thread);
  // skb_copy_and_csum_datagram_msg + skb_free_datagram_locked: true if delivered (false: the
  // checksum failed on copy and the datagram was discarded).
  bool recv_complete(int thread, const Skb& skb, int64_t t_copy, int64_t t_end);

private:
  // __udp_queue_rcv_skb (3.19), also the socket's sk_backlog_rcv.
  bool queue_rcv_skb_locked(Socket& s, const Skb& skb, int cpu, trace::Ctx ctx, int64_t t);
  // __udp_enqueue_schedule_skb (UDP's own accounting).
  bool enqueue_schedule_skb(Socket& s, const Skb& skb, int cpu, trace::Ctx ctx, int64_t t);
  // Frees a dequeued datagram's charge (skb_free_datagram_locked, or udp_rmem_release).
  void rmem_release(Socket& s, int64_t truesize);
  // A drop's SNMP counters: `cause` (if any), then InErrors; and sk_drops when `sock` >= 0.
  void count_drop(std::optional<UdpMib> cause, int sock);

  Context& cx_;
  Sock& sock_;
  std::unordered_map<uint16_t, std::vector<int>> table_; // port -> sockets, latest bind first
};

} // namespace rxpath::model

// net/core/sock.c and net/ipv4/af_inet.c: the socket, its receive queue and memory charge, the
// socket lock with its backlog, sk_data_ready, and socket()/bind()/close().
#pragma once

#include "Context.hpp"

#include <deque>
#include <functional>
#include <vector>

namespace rxpath::model {

struct Socket {
  int index = 0;
  const SocketConfig* cfg = nullptr;
  int64_t rcvbuf = 0;    // sk_rcvbuf
  std::deque<Skb> queue; // sk_receive_queue
  int64_t rmem_alloc = 0;
  int64_t forward_deficit = 0; // batched uncharge: freed but not yet uncharged (udp_rmem_release)
  size_t reader_len = 0;       // the front of `queue` already spliced to the UDP reader_queue
  std::deque<Skb> backlog;     // sk_backlog
  int64_t backlog_len = 0;
  bool owned_by_user = false;
  std::deque<int> waiters;    // receiver threads in wait_for_more_packets, exclusive, FIFO
  bool rx_dst_cached = false; // sk->sk_rx_dst, set by the first datagram
  bool has_reader = false;
};

class Sock {
public:
  explicit Sock(Context& cx);

  Socket& socket(int i) { return sockets_[static_cast<size_t>(i)]; }
  const std::vector<Socket>& sockets() const { return sockets_; }
  // The socket a receiver thread reads, and the CPU it runs on.
  Socket& of_thread(int thread) { return socket(thread_socket_[static_cast<size_t>(thread)]); }
  int cpu_of(int thread) const { return thread_cpu_[static_cast<size_t>(thread)]; }

  // socket() -> inet_create, bind() -> inet_bind (af_inet.c), at t = 0.
  void create_and_bind();

  // The datagram dropped at `where`, with the socket's state in the event.
  void drop(const Socket& s, const Skb& skb, trace::DropReason r, trace::Fn where, int cpu, trace::Ctx ctx,
            int64_t t);
  // skb_set_owner_r and __skb_queue_tail onto sk_receive_queue.
  void queue_tail(Socket& s, const Skb& skb, int cpu, trace::Ctx ctx, int64_t t);
  // sock_queue_rcv_skb (3.19): the rmem check (sk_drops on failure), sk_filter, then queue_tail.
  enum class QueueResult { Queued, NoMem, Filtered };
  QueueResult sock_queue_rcv_skb(Socket& s, const Skb& skb, int cpu, trace::Ctx ctx, int64_t t);
  // sk_add_backlog: the thread owning the socket processes it in release_sock.
  void add_backlog(Socket& s, const Skb& skb, int cpu, trace::Ctx ctx, int64_t t);

  // sock_def_readable: wakes one exclusive waiter; returns the thread woken, or -1.
  int sk_data_ready(Socket& s, int cpu, trace::Ctx ctx, int64_t t);
  // The receiving protocol's sk_backlog_rcv (UDP: __udp_queue_rcv_skb): true if queued.
  std::function<bool(Socket&, const Skb&, int cpu, int64_t t)> backlog_rcv;
  // lock_sock / release_sock around a receiver's work: release_sock runs sk_backlog_rcv for each
  // skb of the backlog; returns that work's cost and the thread to wake (or -1) in `wake`.
  void lock_sock(int sock) { socket(sock).owned_by_user = true; }
  int64_t release_sock(int sock, int thread, int64_t now, int* wake);

  // close() of every socket (inet_release): its queues purged (SOCKET_CLOSE).
  void close_all(int64_t now);
  // Datagrams queued on sockets nobody reads.
  int64_t stranded() const;
  // Every socket that has a reader has an empty queue and backlog.
  bool drained() const;

private:
  Context& cx_;
  std::vector<Socket> sockets_;
  std::vector<int> thread_socket_;
  std::vector<int> thread_cpu_;
};

} // namespace rxpath::model

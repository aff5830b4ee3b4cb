// The kernel's receive path as plain state and decisions, with no notion of how time passes.
// The SimGrid actors (sim/) ask it what to do next and what that costs, execute the cost, then
// tell it when the work ended; the Kernel decides accept/drop, which queue, which CPU, and
// reports every step as a trace event through an EventSink.
//
// Work inside one execution (e.g. one frame from rtl8139_rx up to the socket) is described by a
// Path: its events carry a work offset in `t`, which the actor maps to simulated time once the
// execution has run (it may have been preempted), then hands back with emit_path().
#pragma once

#include "Counters.hpp"
#include "EventSink.hpp"
#include "Scenario.hpp"
#include "Skb.hpp"
#include "Traffic.hpp"

#include <deque>
#include <map>
#include <optional>
#include <random>
#include <unordered_map>
#include <vector>

namespace rxpath::model {

using trace::Ctx;
using trace::DropReason;
using trace::Event;
using trace::Fn;

inline constexpr int kNicNapi = -1;           // poll_list entry of the NIC; a CPU number = that CPU's backlog
inline constexpr int kMaxSoftirqRestart = 10; // kernel/softirq.c MAX_SOFTIRQ_RESTART
inline constexpr int64_t kMaxSoftirqTimeNs = 2'000'000; // MAX_SOFTIRQ_TIME, msecs_to_jiffies(2)

// What must happen when a Path's execution ends.
enum class Outcome { Done, Socket, Backlog, Held };

struct Path {
  std::vector<Event> events; // t = work offset (ns) from the start of the execution
  int64_t cost = 0;
  Outcome outcome = Outcome::Done;
  int target = -1; // socket index (Socket) or CPU (Backlog)
  Skb skb;
  int cpu = 0;
  Ctx ctx = Ctx::Softirq;
  void clear() {
    events.clear();
    cost = 0;
    outcome = Outcome::Done;
    target = -1;
  }
};

// struct softnet_data, one per CPU (include/linux/netdevice.h).
struct Softnet {
  std::deque<int> poll_list; // NAPI instances scheduled here (kNicNapi or a backlog)
  std::deque<Skb> input_pkt_queue;
  std::deque<Skb> process_queue;
  bool backlog_scheduled = false; // NAPI_STATE_SCHED of sd->backlog
  bool net_rx_pending = false;    // NET_RX_SOFTIRQ raised
  std::vector<int> rps_ipi_list;  // CPUs to IPI when this CPU's net_rx_action ends
  bool need_resched = false;      // a thread on this CPU was woken
};

struct Socket {
  int index = 0;
  const SocketConfig* cfg = nullptr;
  int64_t rcvbuf = 0;    // sk_rcvbuf
  std::deque<Skb> queue; // sk_receive_queue
  int64_t rmem_alloc = 0;
  int64_t forward_deficit = 0; // 6.18: freed but not yet uncharged (udp_rmem_release)
  size_t reader_len = 0;       // 6.18: the front of `queue` already spliced to the reader_queue
  std::deque<Skb> backlog;     // sk_backlog
  int64_t backlog_len = 0;
  bool owned_by_user = false;
  std::deque<int> waiters;    // receiver threads in wait_for_more_packets, exclusive, FIFO
  bool rx_dst_cached = false; // sk->sk_rx_dst, set by the first datagram
  bool has_reader = false;
};

// Result of one recvfrom's dequeue.
struct RecvResult {
  bool got = false;
  Skb skb;
  int64_t copy_cost = 0;
};

class Kernel {
public:
  Kernel(const Scenario& sc, EventSink& sink, bool detailed);

  const Scenario& scenario() const { return sc_; }
  Counters& counters() { return c_; }
  const Counters& counters() const { return c_; }
  Softnet& sd(int cpu) { return sd_[cpu]; }
  Socket& socket(int i) { return sockets_[i]; }
  int cpus() const { return static_cast<int>(sd_.size()); }
  // CPU activity with a begin and an end, and things that happen at an instant (trace only).
  void span(Fn fn, int cpu, Ctx ctx, int64_t t0, int64_t t1, int64_t work = trace::kUnset,
            int64_t budget = trace::kUnset, int64_t thread = trace::kUnset);
  void instant(Fn fn, int cpu, Ctx ctx, int64_t t);

  // ---- socket setup: socket() -> inet_create, bind() -> inet_bind, at t = 0
  void setup_sockets();

  // ---- NIC (drivers/net/ethernet/realtek/8139too.c and the hardware)
  // Settles the frames that have reached the NIC by `now` (inclusive or not): each takes a free
  // RX descriptor or is missed.
  void ring_advance(int64_t now, bool inclusive = true);
  int64_t ring_fill() const { return static_cast<int64_t>(ring_.size()); }
  std::optional<int64_t> next_arrival();
  bool irq_enabled() const { return irq_enabled_; }
  // When the moderated RX interrupt is due, if frames are pending.
  std::optional<int64_t> irq_due() const;
  // The NIC raises its interrupt line (and masks itself until the handler re-enables it).
  void raise_irq(int64_t now);

  // ---- loopback senders (traffic[].device "lo"), in process context on their sender_cpu
  // Nominal time of the source's next datagram.
  std::optional<int64_t> lo_next_send(int source);
  // sendto() of the source's next datagram at `now`: udp_sendmsg ... loopback_xmit, netif_rx, up
  // to enqueue_to_backlog (the path's outcome); NET_RX then runs on the sender's CPU.
  void lo_xmit(int source, int64_t now, Path& p);

  // ---- hardirq (rtl8139_interrupt) and IPI, on `cpu`
  int64_t hardirq_cost() const { return sc_.costs.hardirq_ns; }
  // NAPI: napi_schedule_prep + __napi_schedule. Returns true if NET_RX was raised.
  bool nic_interrupt(int cpu, int64_t t0, int64_t t1);
  // RPS IPI: rps_trigger_softirq schedules this CPU's backlog.
  void rps_ipi(int cpu, int64_t t0, int64_t t1);
  // Pre-NAPI (nic.napi=false): the handler re-enables the interrupt when the ring is empty.
  void enable_irq(int64_t now);

  // ---- NAPI polls (softirq or ksoftirqd context)
  // rtl8139_rx: takes the next frame from the ring and builds its path up the stack.
  bool driver_rx(int cpu, Ctx ctx, int64_t now, Path& p);
  // process_backlog: the next skb of this CPU's backlog; false when it is empty (NAPI done).
  bool backlog_rx(int cpu, Ctx ctx, Path& p);
  // Applies the end of a path at `now`: backlog enqueue, socket enqueue, fates, and emits its
  // events (whose `t` the caller has mapped to simulated time). Returns the receiver thread to
  // wake (sk_data_ready), or -1.
  int finish(Path& p, int64_t now);
  // The poll used less than its weight: __napi_complete, and the RX interrupt re-enabled.
  void napi_complete(int cpu, Ctx ctx, int64_t now);
  // After net_rx_action: the CPUs to send RPS IPIs to (net_rps_action_and_irq_enable).
  std::vector<int> take_rps_ipis(int cpu);

  // ---- receivers (process context)
  // __skb_recv_datagram: dequeue, or register as an exclusive waiter.
  RecvResult recv_dequeue(int thread, int64_t now);
  void cancel_wait(int thread);
  // skb_copy_datagram_msg + skb_free_datagram_locked; returns true if delivered (false: the
  // checksum failed on copy and the datagram was discarded).
  bool recv_complete(int thread, const Skb& skb, int64_t t_copy, int64_t t_end);
  // lock_sock / release_sock around a receiver's work; release returns its backlog work and the
  // thread to wake.
  void lock_sock(int sock) { sockets_[sock].owned_by_user = true; }
  int64_t release_sock(int sock, int thread, int64_t now, int* wake);

  // ---- end of the run
  int64_t in_flight() const { return in_flight_; }
  // Skbs an execution has taken (a path being run, a datagram being copied to user space): they
  // are in no queue, so quiescent() must wait for them.
  int64_t in_hand() const { return in_hand_; }
  // Datagrams that can never leave: queued on sockets nobody reads, or fragments waiting for
  // reassembly.
  int64_t stranded() const;
  std::optional<int64_t> next_reassembly_expiry() const;
  void expire_reassembly(int64_t now);
  // close(): purge every socket queue (SOCKET_CLOSE).
  void close_all(int64_t now);
  // Every socket that has a reader has an empty queue and backlog.
  bool sockets_drained() const;
  // Nothing left to do: ring, backlogs and poll lists empty, no softirq pending, no skb in hand.
  bool quiescent() const;

private:
  struct FragQueue {
    int64_t created_ns = 0;
    int received = 0;
    int expected = 0;
    int64_t truesize = 0;
    int cpu = 0;
  };

  Event ev(trace::Kind k, Fn fn, int cpu, Ctx ctx, int64_t t, const Skb* skb = nullptr) const;
  Event* stage(Path& p, Fn fn, int64_t cost); // nullptr when the trace does not need the stage
  Event& stage_ev(Path& p, Fn fn, int64_t cost);
  Event& drop_at(Path& p, Fn fn, DropReason r);
  // The packet's fate: exactly once per datagram.
  void fate_drop(Event e, DropReason r);
  void build_stack_path(Path& p); // from __netif_receive_skb_core up to the socket
  int rps_cpu(const Skb& skb) const;
  void to_backlog(Path& p, int target);
  int udp_lookup(const Skb& skb) const;
  int sk_data_ready(Socket& s, int cpu, Ctx ctx, int64_t t);
  bool socket_enqueue(Socket& s, Skb& skb, int cpu, Ctx ctx, int64_t t, Fn fn);
  void uncharge(Socket& s, int64_t truesize);

  const Scenario& sc_;
  EventSink& sink_;
  bool detailed_;
  Counters c_;
  Traffic traffic_;
  std::vector<std::optional<Traffic>> lo_traffic_;           // per traffic source (none for NIC sources)
  std::unordered_map<uint16_t, std::vector<int>> udp_table_; // port -> sockets, latest bind first
  std::deque<Skb> ring_;
  bool irq_enabled_ = true;
  int64_t pending_irq_frames_ = 0; // frames since the interrupt was last raised/enabled
  int64_t first_pending_ns_ = 0;
  std::vector<int64_t> pending_arrivals_; // arrival times of those frames (for rx_frames)
  std::vector<Softnet> sd_;
  std::vector<Socket> sockets_;
  std::vector<int> thread_socket_;
  std::vector<int> thread_cpu_;
  std::map<int64_t, FragQueue> frag_queues_; // by datagram id
  std::vector<bool> fated_;                  // datagram already delivered or dropped
  int64_t in_flight_ = 0;                    // datagrams arrived without a fate yet
  int64_t in_hand_ = 0;                      // skbs taken by an execution that has not ended
  std::mt19937_64 rps_hash_salt_;
};

} // namespace rxpath::model

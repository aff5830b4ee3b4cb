// net/core/dev.c: the per-CPU softnet_data, NAPI scheduling, RPS (get_rps_cpu and its IPIs),
// enqueue_to_backlog and process_backlog, and __netif_receive_skb_core handing frames to IP.
#pragma once

#include "Context.hpp"

#include <deque>
#include <vector>

namespace rxpath::model {

class IpInput;

// A poll_list entry: a CPU number is that CPU's backlog; a negative one is an RX queue's NAPI
// (kNicNapi = queue 0).
inline constexpr int kNicNapi = -1;
constexpr int nic_napi(int queue) {
  return -1 - queue;
}
constexpr bool is_nic_napi(int napi) {
  return napi < 0;
}
constexpr int queue_of_napi(int napi) {
  return -1 - napi;
}

// struct softnet_data, one per CPU (include/linux/netdevice.h), and the CPU's softirq state.
struct Softnet {
  std::deque<int> poll_list; // NAPI instances scheduled here (an RX queue's, or a backlog)
  std::deque<Skb> input_pkt_queue;
  std::deque<Skb> process_queue;
  bool backlog_scheduled = false; // NAPI_STATE_SCHED of sd->backlog
  bool net_rx_pending = false;    // NET_RX_SOFTIRQ raised
  std::vector<int> rps_ipi_list;  // CPUs to IPI when this CPU's net_rx_action ends
  bool ksoftirqd_running = false; // ksoftirqd woken and not yet back to sleep
  bool in_net_rx_action = false;  // 6.4+: sd->in_net_rx_action
  bool in_softirq = false;        // ksoftirqd is inside __do_softirq (softirqs run there, not on irq exit)
};

class Dev {
public:
  Dev(Context& cx, IpInput& ip);

  Softnet& sd(int cpu) { return sd_[static_cast<size_t>(cpu)]; }
  const Softnet& sd(int cpu) const { return sd_[static_cast<size_t>(cpu)]; }

  // ____napi_schedule: the NAPI instance joins this CPU's poll_list, NET_RX_SOFTIRQ is raised.
  void napi_schedule(int cpu, int napi);
  // __raise_softirq_irqoff(NET_RX_SOFTIRQ), unless inside net_rx_action (6.4+).
  void raise_net_rx(int cpu);
  // rps_trigger_softirq, run by the RPS IPI: schedules this CPU's backlog (sd->received_rps++).
  void rps_ipi(int cpu, int64_t t0, int64_t t1);
  // The CPUs whose backlogs this CPU fed, to IPI when its net_rx_action ends
  // (net_rps_action_and_irq_enable).
  std::vector<int> take_rps_ipis(int cpu);

  // get_rps_cpu: the CPU of rps_cpus that the flow hash picks, or -1 without RPS.
  int rps_cpu(const Skb& skb) const;
  // A driver hands a frame to the stack (`entry`: netif_receive_skb, or napi_gro_receive passing it
  // through): netif_receive_skb_internal sends it to the backlog RPS picks, or on up at once.
  void receive_skb(Path& p, trace::Fn entry);
  // netif_receive_skb_internal / netif_rx_internal: the path ends at enqueue_to_backlog of `cpu`.
  void to_backlog(Path& p, int cpu);
  // enqueue_to_backlog, when the path's execution has ended.
  void enqueue_to_backlog(Path& p, int64_t now);
  // process_backlog: the next skb of this CPU's backlog and its path up the stack; false when the
  // backlog is empty (its NAPI completes).
  bool process_backlog(int cpu, trace::Ctx ctx, Path& p);
  // __netif_receive_skb_core: taps, then the ethertype's handler (ip_rcv).
  void netif_receive_skb_core(Path& p);

  // No skb in a backlog, no NAPI scheduled, no softirq pending, no IPI owed.
  bool idle() const;

private:
  Context& cx_;
  IpInput& ip_;
  std::vector<Softnet> sd_;
};

} // namespace rxpath::model

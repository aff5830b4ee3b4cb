// The kernel's behaviours as data: one row per kernel version the model follows, each field a
// behaviour that changed between versions, with the release and commit that changed it
// (docs/kernel-profiles.md is this table, with how each row was checked). The model asks the row,
// never the version.
#pragma once

#include "trace/Event.hpp"

#include <span>
#include <string>
#include <string_view>

namespace rxpath::model {

// Which scheduler class runs SCHED_OTHER tasks.
enum class FairSched : uint8_t {
  Cfs,  // kernel/sched/fair.c up to 6.5: vruntime, sched_latency / min_granularity slices
  Eevdf // 6.6 (147f3efaa241 "sched/fair: Implement an EEVDF-like scheduling policy"): lag, deadlines
};

struct KernelVersion {
  std::string_view name; // the scenario's "kernel"
  // Which names the trace gives the functions (trace::names_of_kernel of the name).
  trace::Profile names;
  // UDP's own memory accounting, 4.10 (850cbaddb52d "udp: use it's own memory accounting
  // schema"): __udp_enqueue_schedule_skb charges the skb itself, sk_filter runs before it, and the
  // socket has no sk_backlog (no lock_sock in recvmsg). Before: sock_queue_rcv_skb's
  // rmem >= sk_rcvbuf, after sk_rcvqueues_full and sk_add_backlog.
  bool udp_own_accounting;
  // udp_rmem_release batches the uncharge (4.10, 6b229cf77d68 "udp: add batching to
  // udp_rmem_release()") and recvmsg reads from a reader_queue spliced from sk_receive_queue
  // (4.13, 2276f58ac589 "udp: use a separate rx queue for packet reception").
  bool udp_batched_uncharge;
  // __udp_enqueue_schedule_skb drops when rmem + truesize > sk_rcvbuf unless the queue is empty
  // (6.15, 5a465a0da13e "udp: Fix multiple wraparounds of sk->sk_rmem_alloc"); before, only once rmem already
  // exceeded sk_rcvbuf, so the queue could overshoot by one datagram.
  bool udp_rcvbuf_before_charge;
  // skb heads up to SKB_SMALL_HEAD_CACHE_SIZE come from their own kmem_cache (6.3, bf9f1baa279f
  // "net: add dedicated kmem_cache for typical/small skb->head").
  bool small_head_cache;
  // invoke_softirq (irq exit) and do_softirq (local_bh_enable) leave pending softirqs to an awake
  // ksoftirqd: 4.9 (4cd13c21b207 "softirq: Let ksoftirqd do its job") to 6.4; 6.5 reverted it
  // (d15121be7485 "Revert "softirq: Let ksoftirqd do its job"").
  bool ksoftirqd_defers;
  // net_rx_action's time limit is net.core.netdev_budget_usecs (4.12, 7acf8a1e8a28 "Replace 2
  // jiffies with sysctl netdev_budget_usecs to enable softirq tuning"); before, 2 jiffies.
  bool netdev_budget_usecs;
  // sd->in_net_rx_action: ____napi_schedule from inside net_rx_action does not raise NET_RX again,
  // and net_rx_action re-splices a refilled poll_list (goto start) within the same budget (6.4,
  // 8b43fd3d1d7d "net: optimize ____napi_schedule() to avoid extra NET_RX_SOFTIRQ" and
  // c59647c0dc67 "net: add softnet_data.in_net_rx_action").
  bool in_net_rx_action;
  FairSched fair;
  // EEVDF's DELAY_DEQUEUE and DELAY_ZERO (6.12, 152e11f6df29 "sched/fair: Implement delayed
  // dequeue", 54a58a787791 "sched/fair: Implement DELAY_ZERO"): a task that sleeps while not
  // eligible stays queued until it is picked (then leaves with its lag clipped to 0) or woken.
  bool delay_dequeue;
  // sysctl_sched_base_slice before scaling (EEVDF): 0.75 ms; 0.70 ms since 6.15 (2ae891b82695
  // "sched: Reduce the default slice to avoid tasks getting an extra tick"; backported to late
  // 6.6.y and 6.12.y, not to the 6.6.87 and 6.12.0 this table follows).
  int64_t base_slice_ns;
};

// Every version the model knows, oldest first.
std::span<const KernelVersion> kernel_versions();
// The row for a scenario's "kernel", or nullptr.
const KernelVersion* find_kernel_version(std::string_view name);
// "3.19, 4.9, ...": for messages.
std::string known_kernel_versions();

} // namespace rxpath::model

// The kernel's behaviours as data: one row per kernel version the model follows, each field a
// behaviour that changed between versions, with the release and commit that changed it
// (docs/kernel-profiles.md is this table in prose). The model asks the row, never the version.
#pragma once

#include "trace/Event.hpp"

#include <span>
#include <string>
#include <string_view>

namespace rxpath::model {

struct KernelVersion {
  std::string_view name; // the scenario's "kernel"
  // Which names the trace gives the functions (e.g. __skb_recv_udp in 6.18).
  trace::Profile names;
  // UDP's own memory accounting, 4.10 (850cbaddb52d "udp: use it's own memory accounting
  // schema"): __udp_enqueue_schedule_skb checks rmem + truesize > sk_rcvbuf unless the queue is
  // empty, sk_filter runs before it, and the socket has no sk_backlog (no lock_sock in recvmsg).
  // Before: sock_queue_rcv_skb's rmem >= sk_rcvbuf, after sk_rcvqueues_full and sk_add_backlog.
  bool udp_own_accounting;
  // udp_rmem_release batches the uncharge (4.11, 6b229cf77d68 "udp: add batching to
  // udp_rmem_release()") and recvmsg reads from a reader_queue spliced from sk_receive_queue
  // (4.13, 2276f58ac589 "udp: use a separate rx queue for packet reception").
  bool udp_batched_uncharge;
  // skb heads up to SKB_SMALL_HEAD_CACHE_SIZE come from their own kmem_cache (6.3, bf9f1baa279f
  // "net: add dedicated kmem_cache for typical/small skb->head").
  bool small_head_cache;
};

// Every version the model knows, oldest first.
std::span<const KernelVersion> kernel_versions();
// The row for a scenario's "kernel", or nullptr.
const KernelVersion* find_kernel_version(std::string_view name);
// "3.19, 6.18": for messages.
std::string known_kernel_versions();

} // namespace rxpath::model

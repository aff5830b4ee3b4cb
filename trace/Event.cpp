#include "Event.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cassert>

namespace rxpath::trace {
namespace {

constexpr std::array<FnInfo, static_cast<size_t>(Fn::Count_)> kFunctions{{
    {"rx_ring_dma", "",
     "NIC hardware: the frame is DMAed into a free RX ring slot; with no free slot it is missed."},
    {"irq_raise", "",
     "NIC hardware: after interrupt moderation (rx-usecs, rx-frames) the RX interrupt is raised."},
    {"rtl8139_interrupt", "drivers/net/ethernet/realtek/8139too.c",
     "Hardirq handler: acknowledges the RX status and, if napi_schedule_prep succeeds, masks RX "
     "interrupts and schedules NAPI."},
    {"__napi_schedule", "net/core/dev.c",
     "Puts the NAPI instance on this CPU's softnet_data poll_list and raises NET_RX_SOFTIRQ."},
    {"generic_smp_call_function_single_interrupt", "kernel/smp.c",
     "IPI from another CPU's RPS: rps_trigger_softirq schedules this CPU's backlog NAPI."},
    {"__do_softirq", "kernel/softirq.c",
     "Runs pending softirqs on irq exit, restarting up to MAX_SOFTIRQ_RESTART times within "
     "MAX_SOFTIRQ_TIME, then leaves the rest to ksoftirqd."},
    {"wakeup_softirqd", "kernel/softirq.c",
     "Too much softirq work: wakes this CPU's ksoftirqd thread to finish it in process context."},
    {"run_ksoftirqd", "kernel/softirq.c",
     "ksoftirqd, an ordinary thread competing with others on its CPU, runs the pending softirqs."},
    {"net_rx_action", "net/core/dev.c",
     "NET_RX softirq: polls the NAPI instances on the poll_list until netdev_budget packets or "
     "netdev_budget_usecs are spent; then time_squeeze and re-raise."},
    {"rtl8139_poll", "drivers/net/ethernet/realtek/8139too.c",
     "The driver's NAPI poll, passed a budget (the NAPI weight): receives up to that many frames."},
    {"rtl8139_rx", "drivers/net/ethernet/realtek/8139too.c",
     "Allocates an skb, copies the frame out of the receive buffer, eth_type_trans, then "
     "netif_receive_skb."},
    {"__napi_complete", "net/core/dev.c",
     "The poll used less than its budget: NAPI leaves the poll_list and the driver unmasks RX "
     "interrupts (8139too in 3.19 calls __napi_complete; drivers later use napi_complete_done)."},
    {"netif_receive_skb", "net/core/dev.c",
     "Entry to the protocol stack: with RPS, steers the skb to another CPU's backlog; otherwise "
     "processes it here."},
    {"get_rps_cpu", "net/core/dev.c", "RPS: hashes the flow and picks the target CPU from rps_cpus."},
    {"enqueue_to_backlog", "net/core/dev.c",
     "Queues the skb on the target CPU's input_pkt_queue (softnet_data) if it holds no more than "
     "netdev_max_backlog; else dropped."},
    {"process_backlog", "net/core/dev.c",
     "The backlog's NAPI poll: dequeues up to dev_weight skbs and hands each to "
     "__netif_receive_skb."},
    {"__netif_receive_skb_core", "net/core/dev.c",
     "Delivers to ptype_all taps, then looks up the packet_type for the ethertype (ETH_P_IP -> "
     "ip_rcv) and calls deliver_skb."},
    {"deliver_skb", "net/core/dev.c",
     "Hands a reference to the skb to a ptype_all tap (e.g. a packet socket)."},
    {"ip_rcv", "net/ipv4/ip_input.c",
     "Parses the IP header, checks version, length and checksum, counts InReceives, then the "
     "PRE_ROUTING netfilter hook."},
    {"nf_hook_slow", "net/netfilter/core.c",
     "Runs the hook's rules in order; the first that matches decides ACCEPT or DROP."},
    {"ip_rcv_finish", "net/ipv4/ip_input.c",
     "Finds a dst_entry: early demux (cached on the socket) or a route lookup, then dst_input."},
    {"udp_v4_early_demux", "net/ipv4/udp.c",
     "Early demux: finds the connected/bound socket and takes the dst cached on it, skipping the "
     "route lookup."},
    {"ip_route_input_noref", "net/ipv4/route.c",
     "Routing lookup; for a local destination sets dst->input to ip_local_deliver."},
    {"ip_local_deliver", "net/ipv4/ip_input.c",
     "Reassembles IP fragments (ip_defrag), then the LOCAL_IN netfilter hook."},
    {"ip_defrag", "net/ipv4/ip_fragment.c",
     "Queues a fragment until the datagram is complete; the last fragment continues up the "
     "stack."},
    {"ip_local_deliver_finish", "net/ipv4/ip_input.c",
     "Looks up inet_protos[protocol] and calls its handler (udp_rcv for UDP)."},
    {"udp_rcv", "net/ipv4/udp.c",
     "udp_rcv -> __udp4_lib_rcv: checks the UDP length and checksum, looks up the socket, "
     "queues to it."},
    {"__udp4_lib_lookup", "net/ipv4/udp.c",
     "Socket lookup: hash by port, hash2 by address+port; an exact address beats the wildcard."},
    {"udp_queue_rcv_skb", "net/ipv4/udp.c",
     "sk_rcvqueues_full (backlog + rmem_alloc > rcvbuf) drops; if the socket is owned by user, "
     "sk_add_backlog; else __udp_queue_rcv_skb."},
    {"sk_add_backlog", "include/net/sock.h",
     "The socket is locked by a process: queue on sk_backlog, processed at release_sock."},
    {"sock_queue_rcv_skb", "net/core/sock.c",
     "sk_filter, rmem check, skb_set_owner_r (rmem_alloc += truesize), __skb_queue_tail onto "
     "sk_receive_queue."},
    {"sock_def_readable", "net/core/sock.c",
     "sk_data_ready: wakes one exclusive waiter sleeping in wait_for_more_packets."},
    {"inet_create", "net/ipv4/af_inet.c",
     "socket(AF_INET, SOCK_DGRAM): __sock_create -> inet_create allocates struct sock with an "
     "empty receive queue."},
    {"inet_bind", "net/ipv4/af_inet.c",
     "bind(): sets the socket's local address and port and hashes it into udp_table."},
    {"udp_recvmsg", "net/ipv4/udp.c",
     "recvfrom -> sock_recvmsg -> inet_recvmsg -> udp_recvmsg: one datagram to the user."},
    {"__skb_recv_datagram", "net/core/datagram.c",
     "Takes the first skb off sk_receive_queue, or waits for one."},
    {"wait_for_more_packets", "net/core/datagram.c",
     "prepare_to_wait_exclusive on sk_sleep(sk) and schedule_timeout until data (or the timeout)."},
    {"skb_copy_datagram_msg", "net/core/datagram.c",
     "Copies the datagram to the user buffer (__copy_to_user); a short buffer truncates (MSG_TRUNC)."},
    {"skb_free_datagram_locked", "net/core/datagram.c",
     "Frees the skb: sk_rmem_alloc -= truesize, making room in the receive buffer."},
    {"release_sock", "net/core/sock.c",
     "Unlocks the socket, first feeding sk_backlog to __udp_queue_rcv_skb."},
    {"app_work", "", "The application's own work on the datagram between two recvfrom calls."},
    {"inet_release", "net/ipv4/af_inet.c", "close(): datagrams still queued on the socket are freed."},
    {"udp_sendmsg", "net/ipv4/udp.c",
     "A loopback sender's sendto(): builds the skb (ip_make_skb) and sends it through ip_output and "
     "dev_queue_xmit."},
    {"loopback_xmit", "drivers/net/loopback.c",
     "The loopback device's transmit: skb_orphan, eth_type_trans, then netif_rx hands the skb to the "
     "receive path."},
    {"netif_rx", "net/core/dev.c",
     "Queues a received skb on this CPU's backlog (enqueue_to_backlog), or the RPS CPU's; NET_RX runs "
     "when bottom halves are re-enabled."},
    {"__schedule", "kernel/sched/core.c",
     "A context switch: the running task blocks, or is preempted at a preemption point once need_resched "
     "is set, and pick_next_task chooses who runs (the sched_switch tracepoint)."},
    {"try_to_wake_up", "kernel/sched/core.c",
     "Makes a sleeping task runnable on its CPU's run queue and checks whether it should preempt the "
     "running one (check_preempt_curr)."},
    // The mlx5 driver (6.18's files: ConnectX-4 and later; there is no mlx5 in 3.19's tree).
    {"mlx5e_completion_event", "drivers/net/ethernet/mellanox/mlx5/core/en_txrx.c",
     "An RX queue's completion-queue interrupt (mlx5_eq_comp_int): napi_schedule of its channel."},
    {"mlx5e_napi_poll", "drivers/net/ethernet/mellanox/mlx5/core/en_txrx.c",
     "Polls the channel's RX completion queue up to the budget; fewer: napi_complete_done and the CQ "
     "re-armed (mlx5e_cq_arm)."},
    {"mlx5e_handle_rx_cqe_mpwrq", "drivers/net/ethernet/mellanox/mlx5/core/en_rx.c",
     "One RX completion of a striding receive queue: an skb built around the frame's stride of the "
     "page (no copy), checksum and hash from the CQE."},
    {"napi_gro_receive", "net/core/dev.c",
     "GRO: merges the frame into a held flow, or passes it on to netif_receive_skb (GRO_NORMAL)."},
}};

// Linux 6.18 (net/ipv4/udp.c): since 4.10 UDP queues through __udp_enqueue_schedule_skb and frees
// through skb_consume_udp; udp_queue_rcv_skb splits GSO skbs and calls udp_queue_rcv_one_skb.
const std::pair<Fn, FnInfo> k618Functions[] = {
    {Fn::UdpQueueRcvSkb,
     {"udp_queue_rcv_one_skb", "net/ipv4/udp.c",
      "Socket filter and checks, then __udp_queue_rcv_skb -> __udp_enqueue_schedule_skb (no socket "
      "backlog for UDP)."}},
    {Fn::SockQueueRcvSkb,
     {"__udp_enqueue_schedule_skb", "net/ipv4/udp.c",
      "Drops when sk_rmem_alloc + truesize would exceed sk_rcvbuf (unless the queue is empty), charges "
      "the skb and queues it on sk_receive_queue."}},
    {Fn::SkbRecvDatagram,
     {"__skb_recv_udp", "net/ipv4/udp.c",
      "Dequeues from the reader_queue, splicing sk_receive_queue into it when it is empty."}},
    {Fn::SkbFreeDatagram,
     {"skb_consume_udp", "net/ipv4/udp.c",
      "Frees the datagram; udp_rmem_release uncharges sk_rmem_alloc in batches of sk_rcvbuf/4 (or when "
      "the reader queue runs empty)."}},
    {Fn::NapiGroReceive,
     {"napi_gro_receive", "net/core/gro.c",
      "GRO (net/core/gro.c since 5.19): merges the frame into a held flow, or passes it on to the stack "
      "(GRO_NORMAL: gro_normal_one)."}},
};

constexpr std::array<std::string_view, static_cast<size_t>(DropReason::Count_)> kReasons{
    "NONE",     "NIC_RING_FULL",  "NOMEM",          "CPU_BACKLOG",        "UNHANDLED_PROTO", "IP_INHDR",
    "IP_CSUM",  "NETFILTER_DROP", "IP_NOROUTE",     "FRAG_REASM_TIMEOUT", "IP_NOPROTO",      "PKT_TOO_SMALL",
    "UDP_CSUM", "NO_SOCKET",      "SOCKET_RCVBUFF", "SOCKET_BACKLOG",     "SOCKET_FILTER",   "SOCKET_CLOSE"};

constexpr std::array<std::string_view, static_cast<size_t>(SwitchWhy::Exit) + 1> kWhy{"", "sleep", "wakeup",
                                                                                      "tick", "exit"};
constexpr std::array<std::string_view, 5> kCtx{"nic", "hardirq", "softirq", "ksoftirqd", "process"};
constexpr std::array<std::string_view, 5> kKinds{"span", "stage", "drop", "deliver", "instant"};

template <typename E, size_t N>
std::optional<E> lookup(const std::array<std::string_view, N>& names, std::string_view s) {
  for (size_t i = 0; i < N; ++i)
    if (names[i] == s) return static_cast<E>(i);
  return std::nullopt;
}

} // namespace

Profile names_of_header(const nlohmann::json& header) {
  // The first function whose name differs between the sets tells them apart.
  const auto probe = static_cast<size_t>(k618Functions[0].first);
  const auto fns = header.find("functions");
  if (fns == header.end() || !fns->is_array() || fns->size() <= probe) return Profile::Linux3_19;
  const auto name = (*fns)[probe].find("name");
  const bool current = name != (*fns)[probe].end() && name->is_string() &&
                       name->get<std::string>() == k618Functions[0].second.name;
  return current ? Profile::Linux6_18 : Profile::Linux3_19;
}

const FnInfo& info(Fn f, Profile p) {
  assert(f < Fn::Count_);
  if (p == Profile::Linux6_18)
    for (const auto& [fn, fi] : k618Functions)
      if (fn == f) return fi;
  return kFunctions[static_cast<size_t>(f)];
}

std::optional<Fn> fn_from_name(std::string_view name) {
  for (size_t i = 0; i < kFunctions.size(); ++i)
    if (kFunctions[i].name == name) return static_cast<Fn>(i);
  for (const auto& [fn, fi] : k618Functions)
    if (fi.name == name) return fn;
  return std::nullopt;
}

std::string_view to_string(DropReason r) {
  return kReasons[static_cast<size_t>(r)];
}
std::optional<DropReason> drop_reason_from_string(std::string_view s) {
  return lookup<DropReason>(kReasons, s);
}
std::string_view to_string(SwitchWhy w) {
  return kWhy[static_cast<size_t>(w)];
}
std::optional<SwitchWhy> switch_why_from_string(std::string_view s) {
  auto w = lookup<SwitchWhy>(kWhy, s);
  if (w == SwitchWhy::None) return std::nullopt;
  return w;
}
std::string_view to_string(Ctx c) {
  return kCtx[static_cast<size_t>(c)];
}
std::optional<Ctx> ctx_from_string(std::string_view s) {
  return lookup<Ctx>(kCtx, s);
}
std::string_view to_string(Kind k) {
  return kKinds[static_cast<size_t>(k)];
}
std::optional<Kind> kind_from_string(std::string_view s) {
  return lookup<Kind>(kKinds, s);
}

std::string_view to_string(Hook h) {
  switch (h) {
  case Hook::PreRouting:
    return "PRE_ROUTING";
  case Hook::LocalIn:
    return "LOCAL_IN";
  case Hook::None:
    break;
  }
  return "";
}

const FieldInfo* find_field(std::string_view key) {
  for (const auto& f : kFields)
    if (f.key == key) return &f;
  return nullptr;
}

} // namespace rxpath::trace

// The vocabulary of an rxpath trace: contexts, kernel functions, drop reasons and the event record.
// This library is the lowest layer: the model emits these events, the trace writer and reader
// serialise them, and the viewer reads them without the rest of rxpath.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace rxpath::trace {

inline constexpr std::string_view kFormatName = "rxpath-trace";
inline constexpr int kSchemaVersion = 4;       // what TraceWriter writes
inline constexpr int kOldestSchemaVersion = 1; // the oldest TraceReader reads (see docs/trace-format.md)

// Where the CPU (or the NIC) was when the event happened.
enum class Ctx : uint8_t { Nic, Hardirq, Softirq, Ksoftirqd, Process };
std::string_view to_string(Ctx c);
std::optional<Ctx> ctx_from_string(std::string_view s);

// The kernel functions the model names. The catalogue (name, 3.19 source file, one-line
// explanation taken from the seeds) is in Event.cpp and is also written in the trace header.
enum class Fn : uint16_t {
  RxRingDma,           // NIC hardware: DMA of a frame into the RX ring
  IrqRaise,            // NIC hardware: interrupt line raised (after moderation)
  Rtl8139Interrupt,    // hardirq handler
  NapiSchedule,        // napi_schedule_prep + __napi_schedule: raise NET_RX_SOFTIRQ
  SmpCallFunction,     // IPI handler (RPS): generic_smp_call_function_single_interrupt
  DoSoftirq,           // __do_softirq
  WakeupSoftirqd,      // hand NET_RX over to ksoftirqd
  RunKsoftirqd,        // ksoftirqd's loop
  NetRxAction,         // NET_RX softirq handler
  Rtl8139Poll,         // driver NAPI poll
  Rtl8139Rx,           // driver: one frame from the ring into an skb
  NapiCompleteDone,    // NAPI done: re-enable the RX interrupt
  NetifReceiveSkb,     // entry to the stack
  GetRpsCpu,           // RPS steering decision
  EnqueueToBacklog,    // per-CPU input_pkt_queue
  ProcessBacklog,      // backlog NAPI poll
  NetifReceiveSkbCore, // __netif_receive_skb_core: ptype dispatch
  DeliverSkbTap,       // deliver_skb to a ptype_all tap
  IpRcv,
  NfHookSlow, // netfilter hook traversal (hook named in the event)
  IpRcvFinish,
  UdpV4EarlyDemux,
  IpRouteInputNoref,
  IpLocalDeliver,
  IpDefrag,
  IpLocalDeliverFinish,
  UdpRcv,        // udp_rcv -> __udp4_lib_rcv
  Udp4LibLookup, // __udp4_lib_lookup
  UdpQueueRcvSkb,
  SkAddBacklog,
  SockQueueRcvSkb,      // sk_filter, skb_set_owner_r, __skb_queue_tail
  SkDataReady,          // sock_def_readable: wake one exclusive waiter
  InetCreate,           // socket() -> __sock_create -> inet_create
  InetBind,             // bind() -> inet_bind
  UdpRecvmsg,           // recvfrom -> sock_recvmsg -> inet_recvmsg -> udp_recvmsg (span)
  SkbRecvDatagram,      // __skb_recv_datagram: dequeue from sk_receive_queue
  WaitForMorePackets,   // block on sk_wq (exclusive)
  SkbCopyDatagramMsg,   // copy to user
  SkbFreeDatagram,      // skb_free_datagram_locked: uncharge rmem
  ReleaseSock,          // release_sock: process the socket backlog
  AppWork,              // the application's own work per datagram
  InetRelease,          // close(): queued datagrams purged
  UdpSendmsg,           // loopback sender: sendto() -> udp_sendmsg ... dev_queue_xmit
  LoopbackXmit,         // loopback_xmit: the sent skb becomes a received one
  NetifRx,              // netif_rx -> netif_rx_internal: to enqueue_to_backlog of this CPU (or RPS)
  Schedule,             // __schedule: a context switch in process context (prev -> next, why)
  TryToWakeUp,          // try_to_wake_up: a task became runnable
  Mlx5eCompletionEvent, // mlx5 hardirq: an RX queue's completion event (its MSI-X vector)
  Mlx5eNapiPoll,        // mlx5 NAPI poll of one channel
  Mlx5eHandleRxCqe,     // mlx5: one completion -> an skb built around its receive buffer
  NapiGroReceive,       // napi_gro_receive: GRO, or the frame passes on to the stack
  Count_
};

struct FnInfo {
  std::string_view name;
  std::string_view
      file; // path in the Linux 3.19 tree, 6.18's for a driver 3.19 lacks ("" for hardware / application)
  std::string_view summary; // one line: what the function does
};
// The set of function names a trace uses: 3.19's, or the current ones (4.10+ renamed the UDP
// enqueue and dequeue functions; each kernel version's row names its set, docs/kernel-profiles.md).
enum class Profile : uint8_t { Linux3_19, Linux6_18 };
// The set a trace header's "functions" table uses (3.19's when the table is missing).
Profile names_of_header(const nlohmann::json& header);

// A function's name, file and summary in that version (a few were renamed or replaced since 3.19).
const FnInfo& info(Fn f, Profile p = Profile::Linux3_19);
// Any version's name of a function.
std::optional<Fn> fn_from_name(std::string_view name);
inline std::string_view to_string(Fn f, Profile p = Profile::Linux3_19) {
  return info(f, p).name;
}

// Why a packet was dropped; named after the kernel's enum skb_drop_reason where one exists.
enum class DropReason : uint8_t {
  None,
  NicRingFull,      // no skb exists yet: the NIC counts it as rx_missed
  SkbAllocFail,     // SKB_DROP_REASON_NOMEM in the driver: rx_dropped
  CpuBacklog,       // SKB_DROP_REASON_CPU_BACKLOG: softnet_stat dropped
  UnhandledProto,   // SKB_DROP_REASON_UNHANDLED_PROTO: no ptype for the ethertype
  IpInhdr,          // SKB_DROP_REASON_IP_INHDR: bad header/length
  IpCsum,           // SKB_DROP_REASON_IP_CSUM
  NetfilterDrop,    // SKB_DROP_REASON_NETFILTER_DROP
  IpNoroute,        // SKB_DROP_REASON_IP_NOROUTE
  FragReasmTimeout, // SKB_DROP_REASON_FRAG_REASM_TIMEOUT
  IpNoproto,        // SKB_DROP_REASON_IP_NOPROTO
  PktTooSmall,      // SKB_DROP_REASON_PKT_TOO_SMALL: UDP length check
  UdpCsum,          // SKB_DROP_REASON_UDP_CSUM
  NoSocket,         // SKB_DROP_REASON_NO_SOCKET: UDP NoPorts
  SocketRcvbuff,    // SKB_DROP_REASON_SOCKET_RCVBUFF: RcvbufErrors
  SocketBacklog,    // SKB_DROP_REASON_SOCKET_BACKLOG: sk_add_backlog over limit
  SocketFilter,     // SKB_DROP_REASON_SOCKET_FILTER
  SocketClose,      // SKB_DROP_REASON_SOCKET_CLOSE: still queued when the run ended
  Count_
};
std::string_view to_string(DropReason r);
std::optional<DropReason> drop_reason_from_string(std::string_view s);

enum class Kind : uint8_t {
  Span,    // CPU activity with a begin (t) and an end
  Stage,   // a packet passed a kernel function at t
  Drop,    // the packet's end: dropped, with a reason (exactly once per packet)
  Deliver, // the packet's end: copied to user space (exactly once per packet)
  Instant, // anything else that happened at t (an IRQ raised, a wake-up, a block)
};
std::string_view to_string(Kind k);
std::optional<Kind> kind_from_string(std::string_view s);

// Why a context switch happened (a Schedule event): prev blocked, was preempted by a woken task
// (or the CPU was idle), used its slice up at the tick, or ended.
enum class SwitchWhy : uint8_t { None, Sleep, Wakeup, Tick, Exit };
std::string_view to_string(SwitchWhy w);
std::optional<SwitchWhy> switch_why_from_string(std::string_view s);

// Netfilter hook of an NfHookSlow event.
enum class Hook : int8_t { None = -1, PreRouting = 0, LocalIn = 1 };
std::string_view to_string(Hook h);

inline constexpr int64_t kUnset = -1;

// One trace line. State fields hold kUnset when the event does not concern them.
struct Event {
  Kind kind = Kind::Instant;
  Ctx ctx = Ctx::Nic;
  Fn fn = Fn::RxRingDma;
  DropReason reason = DropReason::None;
  Hook hook = Hook::None;
  SwitchWhy why = SwitchWhy::None; // Schedule: why the switch happened
  bool trunc = false;              // Deliver: the user buffer was shorter than the datagram (MSG_TRUNC)
  int32_t cpu = -1;                // -1 for the NIC
  int64_t t = 0;                   // ns since the start of the run
  int64_t end = kUnset;            // Span: end time in ns
  int64_t pkt = kUnset;            // packet (datagram) id
  int64_t frag = kUnset;           // fragment index, for fragmented datagrams
  int64_t flow = kUnset;           // RxRingDma: index of the traffic source that sent the frame
  int64_t ring = kUnset;           // RX descriptors in use after this step
  int64_t backlog = kUnset;        // input_pkt_queue length of the target CPU after this step
  int64_t rmem = kUnset;           // sk_rmem_alloc after this step (bytes)
  int64_t rcvbuf = kUnset;         // sk_rcvbuf (bytes)
  int64_t qlen = kUnset;           // sk_receive_queue length after this step
  int64_t budget = kUnset;         // net_rx_action budget left
  int64_t work = kUnset;           // packets handled by a poll / a net_rx_action
  int64_t sock = kUnset;           // socket index (as in the scenario's "sockets")
  int64_t thread = kUnset;         // receiver index (as in the scenario's "receivers")
  int64_t bytes = kUnset;          // frame length (RxRingDma) or bytes copied (Deliver)
  int64_t latency = kUnset;        // Deliver: ns from RxRingDma to the end of the copy
  int64_t task = kUnset;           // TryToWakeUp: the woken task (index into the header's "tasks")
  int64_t prev = kUnset;           // Schedule: the task that gave the CPU up (a CPU's idle task: swapper/N)
  int64_t next = kUnset;           // Schedule: the task that runs from now on
  int64_t queue = kUnset;          // a multi-queue NIC's RX queue (RSS) of the frame or the interrupt
};

// The integer fields of an event beyond t, end and cpu: the one table of the format. The writer
// writes them in this order (the packet's identity after "fn", the state a step left after
// "reason"), the reader checks each against its range, the viewer names them from it
// (docs/trace-format.md lists the same).
enum class FieldRange : uint8_t {
  Count,    // 0 … kMaxValue
  Index,    // 0 … kMaxIndex
  Time,     // 0 … a long time in ns
  Signed,   // -kMaxValue … kMaxValue
  Socket,   // a socket of the header's scenario
  Receiver, // a receiver of the header's scenario
  Task,     // a task of the header's "tasks" (the first `cpus` are the idle tasks, swapper/N)
};
struct FieldInfo {
  std::string_view key;
  int64_t Event::*member;
  bool state; // the kernel state a step left (ring, queues, memory), not the packet's identity
  FieldRange range;
  std::string_view meaning;
};
inline constexpr std::array<FieldInfo, 18> kFields{{
    {"pkt", &Event::pkt, false, FieldRange::Count, "packet (datagram) id"},
    {"frag", &Event::frag, false, FieldRange::Index, "fragment index"},
    {"flow", &Event::flow, false, FieldRange::Count, "traffic source of the frame"},
    {"ring", &Event::ring, true, FieldRange::Count, "RX descriptors in use"},
    {"backlog", &Event::backlog, true, FieldRange::Count, "input_pkt_queue length of the target CPU"},
    {"rmem", &Event::rmem, true, FieldRange::Count, "sk_rmem_alloc, bytes"},
    {"rcvbuf", &Event::rcvbuf, true, FieldRange::Count, "sk_rcvbuf, bytes"},
    {"qlen", &Event::qlen, true, FieldRange::Count, "sk_receive_queue length"},
    {"budget", &Event::budget, true, FieldRange::Signed, "net_rx_action budget left"},
    {"work", &Event::work, true, FieldRange::Count, "packets handled by the poll"},
    {"sock", &Event::sock, true, FieldRange::Socket, "socket index"},
    {"thread", &Event::thread, true, FieldRange::Receiver, "receiver index"},
    {"bytes", &Event::bytes, true, FieldRange::Count, "frame length, or bytes copied"},
    {"latency", &Event::latency, true, FieldRange::Time, "ns from the first frame's DMA to the copy"},
    {"task", &Event::task, false, FieldRange::Task, "the woken task"},
    {"prev", &Event::prev, false, FieldRange::Task, "the task switched out"},
    {"next", &Event::next, false, FieldRange::Task, "the task switched in"},
    {"queue", &Event::queue, false, FieldRange::Index, "RX queue of a multi-queue NIC"},
}};
// The table's entry for a key, or nullptr.
const FieldInfo* find_field(std::string_view key);

} // namespace rxpath::trace

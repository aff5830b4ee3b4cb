// The scenario format, field by field. docs/scenarios.md is generated from this file
// (`rxpath params --markdown`).
#include "ScenarioLoader.hpp"

#include "trace/Wire.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include <sys/stat.h>

namespace rxpath::model {
namespace {

constexpr int64_t kMaxI = std::numeric_limits<int32_t>::max();
constexpr int64_t kMaxNs = int64_t{3600} * 1000 * 1000 * 1000;
constexpr int64_t kMaxCount = int64_t{1} << 40; // datagrams per source

// Digits only, no sign, no spaces (trace/Wire.cpp): sscanf and stoi accept "+9000", " 0" and
// "10. 0.0.1", which nobody means as an address.
Endpoint parse_endpoint(const Schema& s, const char* key, const std::string& text) {
  if (text.rfind(':') == std::string::npos)
    s.fail(key, "expected \"ADDRESS:PORT\", found " + in_quotes(text));
  const auto ep = trace::parse_endpoint(text);
  if (!ep)
    s.fail(key,
           "expected \"ADDRESS:PORT\" with an IPv4 address and a port 0…65535, found " + in_quotes(text));
  return {ep->addr, ep->port};
}

void visit_sysctl(Schema& s, Sysctl& c) {
  s.integer("net.core.netdev_budget", c.netdev_budget, 1, kMaxI,
            "Packets one net_rx_action may process before yielding (time_squeeze).");
  s.integer("net.core.netdev_budget_usecs", c.netdev_budget_usecs, 0, kMaxI,
            "Time one net_rx_action may run, µs, rounded up to jiffies; 0: the default, 2 jiffies "
            "(2·USEC_PER_SEC/HZ). Before 4.12 there is no such sysctl: always 2 jiffies.");
  s.integer("net.core.dev_weight", c.dev_weight, 1, kMaxI, "process_backlog's quota per poll (RPS backlog).");
  s.integer("net.core.netdev_max_backlog", c.netdev_max_backlog, 0, kMaxI,
            "Per-CPU input_pkt_queue limit: enqueue_to_backlog accepts while qlen <= this.");
  s.integer("net.core.rmem_default", c.rmem_default, 256, kMaxI,
            "sk_rcvbuf of a socket that never sets SO_RCVBUF, bytes.");
  s.integer("net.core.rmem_max", c.rmem_max, 256, kMaxI, "Cap on SO_RCVBUF requests, bytes.");
  s.boolean("net.ipv4.ip_early_demux", c.ip_early_demux,
            "Try the protocol's early demux (a dst cached on a connected socket) before the route lookup.");
  s.integer("net.ipv4.ipfrag_time", c.ipfrag_time, 1, 3600,
            "Seconds a fragment queue waits for its missing fragments.");
}

void visit_rss(Schema& s, RssConfig& c) {
  s.choice("hash_fields", c.hash_fields, {"l4", "l3"},
           "What the Toeplitz hash covers for UDP over IPv4 (ethtool -N DEV rx-flow-hash udp4): \"l4\" the "
           "addresses and ports (sdfn, mlx5's default), \"l3\" the addresses only (sd).");
  s.boolean(
      "symmetric", c.symmetric,
      "Hash (saddr|daddr, saddr^daddr, sport|dport, sport^dport) so that both directions of a flow take "
      "one queue (ethtool -x: input transform symmetric-or-xor; mlx5 sets it by default).");
  s.string("key", c.key,
           "The 40-byte hash key as ethtool -x prints it (\"6d:5a:...\"); \"\" = the RSS specification's key "
           "(a real driver draws a random one at boot: netdev_rss_key_fill).");
  s.int_list(
      "indirection", c.indirection, 0, 1023,
      "The queue of each indirection table entry as ethtool -x lists them (mlx5: 256 entries up to 128 "
      "queues, mlx5e_rqt_size); [] = entry i -> queue i % queues (ethtool_rxfh_indir_default).");
}

void visit_nic(Schema& s, Nic& c) {
  s.choice("driver", c.driver, {"8139too", "mlx5"},
           "The driver: \"8139too\" (the seeds' one-queue NIC, a copy per frame) or \"mlx5\" (a multi-queue "
           "NIC: RSS, a vector and a NAPI per queue, skbs built around page buffers).");
  s.integer("queues", c.queues, 1, 256, "RX queues (ethtool -L combined); more than one needs driver mlx5.");
  s.int_list(
      "irq_cpus", c.irq_cpus, 0, 1023,
      "The CPU of each RX queue's interrupt (/proc/irq/N/smp_affinity_list); [] = queue i on CPU i % cpus "
      "(one queue: irq_cpu).");
  s.object("rss", c.rss, "Receive-side scaling: which queue a frame lands on.", visit_rss);
  s.string("address", c.address, "The host's IPv4 address on this interface (local deliveries go here).");
  s.integer("link_mbps", c.link_mbps, 1, 1000000,
            "Link speed: frames cannot arrive closer than their wire time.");
  s.integer("ring_size", c.ring_size, 1, 65536,
            "RX descriptors (ethtool -G rx); a frame with no free one is rx_missed.");
  s.integer(
      "rx_usecs", c.rx_usecs, 0, 100000,
      "Interrupt moderation (ethtool -C rx-usecs): µs from the first pending frame to the IRQ; 0 = at once.");
  s.integer("rx_frames", c.rx_frames, 0, 65536,
            "Interrupt moderation (ethtool -C rx-frames): raise the IRQ once this many frames are pending; 0 "
            "= unused.");
  s.integer("irq_cpu", c.irq_cpu, 0, 1023, "CPU the RX IRQ is routed to (/proc/irq/N/smp_affinity).");
  s.boolean(
      "napi", c.napi,
      "true: NAPI (IRQ masked while polling). false: pre-NAPI, each interrupt processes frames up to the "
      "socket in hardirq context.");
  s.integer("napi_weight", c.napi_weight, 1, 65536,
            "The driver's NAPI weight (netif_napi_add; 8139too: 64).");
  s.int_list("rps_cpus", c.rps_cpus, 0, 1023,
             "RPS: CPUs that receive the stack work (rps_cpus); [] = RPS off.");
  s.number("skb_alloc_fail_ratio", c.skb_alloc_fail_ratio, 0, 1,
           "Share of frames whose skb allocation fails (rx_dropped).");
  s.integer("skb_headroom_bytes", c.skb_headroom_bytes, 0, 4096,
            "NET_SKB_PAD headroom in the skb's data buffer.");
  s.integer("skb_overhead_bytes", c.skb_overhead_bytes, 0, 65536,
            "truesize beyond the data buffer: SKB_DATA_ALIGN(sizeof sk_buff) + SKB_DATA_ALIGN(sizeof "
            "skb_shared_info).");
}

void visit_match(Schema& s, Match& m) {
  s.choice("protocol", m.protocol_text, {"", "udp", "tcp", "icmp"}, "IP protocol to match (\"\" = any).");
  s.string("src", m.src_text, "Source IPv4 address to match (\"\" = any).");
  s.integer("sport", m.sport_v, -1, 65535, "Source port to match (-1 = any).");
  s.integer("dport", m.dport_v, -1, 65535, "Destination port to match (-1 = any).");
  if (!s.reading()) return;
  m.protocol.reset();
  if (m.protocol_text == "udp") m.protocol = 17;
  if (m.protocol_text == "tcp") m.protocol = 6;
  if (m.protocol_text == "icmp") m.protocol = 1;
  m.src_addr.reset();
  if (!m.src_text.empty()) {
    auto ip = trace::parse_ipv4(m.src_text);
    if (!ip) s.fail("src", "expected an IPv4 address, found " + in_quotes(m.src_text));
    m.src_addr = *ip;
  }
  m.sport = m.sport_v >= 0 ? std::optional<int64_t>(m.sport_v) : std::nullopt;
  m.dport = m.dport_v >= 0 ? std::optional<int64_t>(m.dport_v) : std::nullopt;
}

void visit_rule(Schema& s, NfRule& r) {
  visit_match(s, r.match);
  s.choice("verdict", r.verdict_name, {"ACCEPT", "DROP"}, "What a matching packet gets.");
  s.integer("cost_ns", r.cost_ns, 0, kMaxNs,
            "CPU cost of evaluating this rule, ns (guess: ~40 ns per iptables rule).");
  r.verdict = r.verdict_name == "DROP" ? Verdict::Drop : Verdict::Accept;
}

void visit_netfilter(Schema& s, Netfilter& n) {
  s.array("prerouting", n.prerouting, "NF_INET_PRE_ROUTING rules, in order; the first match decides.",
          visit_rule);
  s.array("local_in", n.local_in, "NF_INET_LOCAL_IN rules, in order; the first match decides.", visit_rule);
}

void visit_source(Schema& s, TrafficSource& t) {
  s.string("name", t.name, "Name of the flow (for the summary).");
  s.choice("pattern", t.pattern_name, {"constant", "poisson", "burst", "list", "pcap"},
           "Arrival process: constant rate, Poisson, bursts of burst_frames back-to-back, the explicit "
           "times_ns, or the UDP/IPv4 datagrams of a capture (file).");
  s.number("rate_pps", t.rate_pps, 0.001, 1e9, "Mean datagrams per second (constant, poisson, burst).");
  s.integer("count", t.count, 0, kMaxCount, "Datagrams to send (ignored for pattern list).");
  s.integer("duration_ns", t.duration_ns, 0, kMaxNs,
            "If > 0, send for this long instead of `count` datagrams (count = rate_pps x duration).");
  s.integer("start_ns", t.start_ns, 0, kMaxNs, "Time of the first datagram, ns.");
  s.integer("burst_frames", t.burst_frames, 1, 1 << 20,
            "Datagrams per burst (pattern burst), sent at line rate.");
  s.int_list("times_ns", t.times_ns, 0, kMaxNs, "Arrival times for pattern list, ns (non-decreasing).");
  // Declared only where it applies, so that other sources' resolved form (and the traces of
  // every existing scenario) stay as they were.
  if (!s.reading() || t.pattern_name == "pcap" || s.has("file"))
    s.string(
        "file", t.file,
        "Pattern pcap: a capture (pcap or pcapng; relative to the scenario file) whose UDP/IPv4 datagrams "
        "are replayed with their spacing, sizes, addresses and ports; the first starts at start_ns.");
  s.integer("payload_bytes", t.payload_bytes, 0, 65507, "UDP payload per datagram, bytes.");
  s.string("src", t.src_text, "Source \"ADDRESS:PORT\".");
  s.string("dst", t.dst_text, "Destination \"ADDRESS:PORT\".");
  s.integer("ip_protocol", t.ip_protocol, 0, 255, "IP protocol number in the header (17 = UDP).");
  s.integer("ethertype", t.ethertype, 0, 0xffff, "Ethertype of the frames (0x0800 = 2048 = IPv4).");
  s.number("bad_checksum_ratio", t.bad_checksum_ratio, 0, 1, "Share of datagrams with a bad UDP checksum.");
  s.number("bad_ip_checksum_ratio", t.bad_ip_checksum_ratio, 0, 1,
           "Share of datagrams with a bad IP header checksum.");
  s.number("bad_udp_length_ratio", t.bad_udp_length_ratio, 0, 1,
           "Share of datagrams whose UDP length field exceeds the packet (dropped as too short).");
  s.integer("mtu_bytes", t.mtu_bytes, 68, 65535, "Path MTU: larger datagrams arrive as IP fragments.");
  s.choice("device", t.device, {"nic", "lo"},
           "nic: frames arrive at the NIC's RX ring. lo: a thread on sender_cpu sends them over the loopback "
           "device (udp_sendmsg ... loopback_xmit -> netif_rx -> enqueue_to_backlog), paced by the pattern.");
  s.integer("sender_cpu", t.sender_cpu, 0, 1023, "CPU of the sending thread (device lo).");
  s.choice("pacing", t.pacing, {"sleep", "spin"},
           "How the sending thread (device lo) waits for each send: sleeps (off the CPU), or spins on the "
           "clock as a user-space pacer does (CPU-bound, competing with whatever shares its CPU).");
  s.integer("nice", t.nice, -20, 19, "Nice level of the sending thread (device lo).");
  if (!s.reading()) return;
  t.src = parse_endpoint(s, "src", t.src_text);
  t.dst = parse_endpoint(s, "dst", t.dst_text);
  t.pattern = t.pattern_name == "poisson" ? Pattern::Poisson
              : t.pattern_name == "burst" ? Pattern::Burst
              : t.pattern_name == "list"  ? Pattern::List
              : t.pattern_name == "pcap"  ? Pattern::Pcap
                                          : Pattern::Constant;
  if (t.pattern == Pattern::Pcap && t.file.empty())
    s.fail("file", "pattern \"pcap\" needs the capture to replay");
  if (t.pattern != Pattern::Pcap && !t.file.empty()) s.fail("file", "only used with pattern \"pcap\"");
  if (t.pattern == Pattern::List) {
    if (t.times_ns.empty()) s.fail("times_ns", "pattern \"list\" needs at least one time");
    if (!std::is_sorted(t.times_ns.begin(), t.times_ns.end()))
      s.fail("times_ns", "expected non-decreasing times");
    t.count = static_cast<int64_t>(t.times_ns.size());
  } else if (!t.times_ns.empty()) {
    s.fail("times_ns", "only used with pattern \"list\"");
  } else if (t.duration_ns > 0) {
    t.count = std::llround(t.rate_pps * static_cast<double>(t.duration_ns) * 1e-9);
    if (t.count > kMaxCount)
      s.fail("duration_ns", "rate_pps x duration_ns is " + std::to_string(t.count) +
                                " datagrams (expected at most " + std::to_string(kMaxCount) +
                                ", the limit of count)");
  }
}

void visit_socket(Schema& s, SocketConfig& c) {
  s.string("name", c.name, "Name the receivers refer to.");
  s.string("bind", c.bind_text, "bind() address \"ADDRESS:PORT\" (0.0.0.0 = INADDR_ANY).");
  s.string("connect", c.connect_text,
           "connect() peer \"ADDRESS:PORT\" (\"\" = unconnected); enables early demux.");
  s.integer("so_rcvbuf_bytes", c.so_rcvbuf_bytes, -1, kMaxI,
            "setsockopt(SO_RCVBUF) value; the kernel stores twice it, capped by rmem_max, at least "
            "SOCK_MIN_RCVBUF (so 0 gives the minimum); -1 = not set (net.core.rmem_default).");
  s.boolean("reuseaddr", c.reuseaddr,
            "SO_REUSEADDR: sockets that all set it may bind the same port (e.g. one to nic.address, one to "
            "0.0.0.0); between two bound alike, the one bound last receives.");
  if (s.reading()) c.has_filter = s.has("filter_accept");
  if (!s.reading() || c.has_filter)
    s.object("filter_accept", c.filter_accept,
             "sk_filter: datagrams not matching this are dropped (absent = no filter).", visit_match);
  if (!s.reading()) return;
  c.bind = parse_endpoint(s, "bind", c.bind_text);
  if (!c.connect_text.empty()) c.connect = parse_endpoint(s, "connect", c.connect_text);
}

void visit_receiver(Schema& s, ReceiverConfig& r) {
  s.string("name", r.name, "Thread name.");
  s.string("socket", r.socket, "Name of the socket it reads.");
  s.integer("cpu", r.cpu, 0, 1023, "CPU the thread is pinned to.");
  s.integer("user_buffer_bytes", r.user_buffer_bytes, 0, 1 << 30,
            "recvfrom() buffer; a longer datagram is truncated (MSG_TRUNC).");
  s.integer("rcvtimeo_us", r.rcvtimeo_us, 0, kMaxI,
            "SO_RCVTIMEO, µs (0 = block forever); the kernel rounds it up to jiffies and the wait ends on a "
            "timer tick.");
  s.integer("app_work_ns", r.app_work_ns, 0, kMaxNs, "The application's CPU work per datagram, ns.");
  s.choice("app_work_dist", r.app_work_dist, {"constant", "exponential"},
           "Distribution of the work per datagram: always app_work_ns, or exponential with that mean "
           "(drawn from the scenario's seed).");
  s.integer("lock_hold_ns", r.lock_hold_ns, 0, kMaxNs,
            "Time per datagram the thread owns the socket (lock_sock); softirq then uses the socket backlog. "
            "3.19's udp_recvmsg takes no lock_sock: 0.");
  s.integer("sched_fifo_priority", r.sched_fifo_priority, 0, 99,
            "0: SCHED_OTHER at nice 0 (CFS or EEVDF, per kernel); 1-99: SCHED_FIFO at that priority "
            "(chrt -f N), ahead of every SCHED_OTHER task on its CPU.");
  s.integer(
      "nice", r.nice, -20, 19,
      "Nice level (SCHED_OTHER): its load weight, sched_prio_to_weight[nice + 20] (1024 at 0), sets its "
      "share of the CPU against the other tasks there.");
}

void visit_background(Schema& s, BackgroundTask& b) {
  s.string("name", b.name, "Process name (default busyN).");
  s.integer("cpu", b.cpu, 0, 1023, "CPU it is pinned to (taskset).");
  s.integer("nice", b.nice, -20, 19, "Nice level.");
}

void visit_costs(Schema& s, Costs& c) {
  // A cost is a number (constant) or a lognormal given by its median and 99th percentile.
  auto ns = [&](const char* key, Cost& v, const char* desc) {
    s.spread(key, v.ns, v.p99, 0, kMaxNs, desc);
    constexpr double kZ99 = 2.3263478740408408; // the standard normal's 99th percentile
    v.sigma = v.p99 > v.ns ? std::log(static_cast<double>(v.p99) / static_cast<double>(v.ns)) / kZ99 : 0.0;
  };
  auto per_byte = [&](const char* key, double& v, const char* desc) { s.number(key, v, 0, 1000, desc); };
  ns("hardirq_ns", c.hardirq_ns, "Interrupt entry, rtl8139_interrupt, irq_exit.");
  ns("ipi_ns", c.ipi_ns, "RPS IPI on the target CPU (entry, rps_trigger_softirq, exit).");
  ns("softirq_entry_ns", c.softirq_entry_ns, "__do_softirq entry/exit.");
  ns("net_rx_action_ns", c.net_rx_action_ns, "net_rx_action per call (excluding polls).");
  ns("napi_poll_ns", c.napi_poll_ns, "Per NAPI poll call (rtl8139_poll, process_backlog).");
  ns("napi_complete_ns", c.napi_complete_ns,
     "__napi_complete and unmasking the RX interrupt (an MMIO write).");
  ns("driver_rx_ns", c.driver_rx_ns,
     "rtl8139_rx per frame, excluding skb allocation and copy (eth_type_trans, stats).");
  ns("skb_alloc_ns", c.skb_alloc_ns, "netdev_alloc_skb per frame.");
  per_byte("driver_copy_ns_per_byte", c.driver_copy_ns_per_byte,
           "rtl8139_rx copies the frame out of the ring, ns/byte.");
  ns("netif_receive_skb_ns", c.netif_receive_skb_ns, "netif_receive_skb entry.");
  ns("get_rps_cpu_ns", c.get_rps_cpu_ns, "get_rps_cpu (flow hash, map lookup).");
  ns("enqueue_to_backlog_ns", c.enqueue_to_backlog_ns, "enqueue_to_backlog (remote spinlock, queue).");
  ns("process_backlog_ns", c.process_backlog_ns, "process_backlog per skb dequeued.");
  ns("netif_receive_skb_core_ns", c.netif_receive_skb_core_ns, "__netif_receive_skb_core: ptype dispatch.");
  ns("ptype_all_tap_ns", c.ptype_all_tap_ns, "deliver_skb to a ptype_all tap (skb clone and packet socket).");
  ns("ip_rcv_ns", c.ip_rcv_ns, "ip_rcv header checks.");
  ns("nf_hook_ns", c.nf_hook_ns, "Entering a netfilter hook (before the rules' own costs).");
  ns("ip_rcv_finish_ns", c.ip_rcv_finish_ns, "ip_rcv_finish excluding demux/route lookup.");
  ns("early_demux_ns", c.early_demux_ns, "udp_v4_early_demux socket lookup.");
  ns("route_lookup_ns", c.route_lookup_ns, "ip_route_input_noref (FIB lookup).");
  ns("ip_local_deliver_ns", c.ip_local_deliver_ns, "ip_local_deliver.");
  ns("ip_defrag_ns", c.ip_defrag_ns, "ip_defrag per fragment.");
  ns("ip_local_deliver_finish_ns", c.ip_local_deliver_finish_ns,
     "ip_local_deliver_finish (inet_protos dispatch).");
  ns("udp_rcv_ns", c.udp_rcv_ns, "udp_rcv / __udp4_lib_rcv checks.");
  per_byte("udp_csum_ns_per_byte", c.udp_csum_ns_per_byte,
           "UDP checksum in software, ns/byte (0 = offloaded).");
  ns("udp_lookup_ns", c.udp_lookup_ns, "__udp4_lib_lookup.");
  ns("udp_queue_rcv_skb_ns", c.udp_queue_rcv_skb_ns, "udp_queue_rcv_skb (rcvbuf check, bh_lock_sock).");
  ns("sock_queue_rcv_skb_ns", c.sock_queue_rcv_skb_ns,
     "sock_queue_rcv_skb: skb_set_owner_r, __skb_queue_tail.");
  ns("socket_filter_ns", c.socket_filter_ns, "sk_filter when the socket has a filter.");
  ns("sk_data_ready_ns", c.sk_data_ready_ns, "sock_def_readable (wake-up of a waiter).");
  ns("wakeup_latency_ns", c.wakeup_latency_ns,
     "From the wake-up to the woken thread running (scheduler, context switch).");
  ns("idle_wakeup_ns", c.idle_wakeup_ns,
     "Added to wakeup_latency_ns when the woken thread's CPU was idle: leaving the idle state (on a VM, the "
     "vCPU's halt exit).");
  ns("recvmsg_ns", c.recvmsg_ns, "recvfrom syscall through udp_recvmsg and __skb_recv_datagram, per call.");
  per_byte("copy_to_user_ns_per_byte", c.copy_to_user_ns_per_byte,
           "skb_copy_datagram_msg, ns/byte (also the loopback sender's copy from user).");
  ns("udp_sendmsg_ns", c.udp_sendmsg_ns,
     "Loopback sender: sendto() -> udp_sendmsg -> ip_make_skb -> ip_output -> dev_queue_xmit, without the "
     "copy "
     "(estimate; docs/calibration.md).");
  ns("loopback_xmit_ns", c.loopback_xmit_ns,
     "loopback_xmit: skb_orphan, eth_type_trans, netif_rx (estimate).");
  ns("skb_free_ns", c.skb_free_ns, "skb_free_datagram_locked (uncharge, free).");
  ns("release_sock_ns", c.release_sock_ns, "release_sock, plus per backlog skb processed.");
}

void visit_scenario(Schema& s, Scenario& sc) {
  s.string("name", sc.name, "Scenario name (shown in the summary).");
  s.string("description", sc.description, "What the scenario shows.");
  std::vector<std::string> versions;
  for (const auto& v : kernel_versions()) versions.emplace_back(v.name);
  s.choice("kernel", sc.kernel, versions,
           "Kernel profile whose functions and checks the model follows (docs/kernel-profiles.md).");
  s.integer("seed", sc.seed, 0, std::numeric_limits<int64_t>::max(),
            "Random seed (arrivals, bad checksums, alloc failures).");
  s.integer("cpus", sc.cpus, 1, 64, "Number of CPUs.");
  s.integer("hz", sc.hz, 100, 1000,
            "CONFIG_HZ, timer ticks per second: 100, 250 (Debian, Ubuntu), 300 or 1000. Timeouts in jiffies "
            "(SO_RCVTIMEO) fire on these ticks.");
  s.boolean("ptype_all_tap", sc.ptype_all_tap,
            "A ptype_all tap (e.g. tcpdump) sees every frame in __netif_receive_skb_core.");
  s.object("sysctl", sc.sysctl, "Linux sysctls, by their Linux names.", visit_sysctl);
  s.object("nic", sc.nic, "The NIC and its driver (8139too in the seeds).", visit_nic);
  s.array("traffic", sc.traffic, "Traffic sources, merged by arrival time at the NIC.", visit_source);
  s.object("netfilter", sc.netfilter, "iptables-style rules.", visit_netfilter);
  s.array("sockets", sc.sockets, "UDP sockets: socket() then bind() (and connect()).", visit_socket);
  s.array("receivers", sc.receivers, "Threads looping on recvfrom().", visit_receiver);
  s.array("background", sc.background,
          "CPU-bound processes (SCHED_OTHER, user-mode work for the whole run), each pinned to a CPU.",
          visit_background);
  s.object("costs", sc.costs, "CPU cost of each stage (docs/calibration.md).", visit_costs);
}

// Pattern pcap: reads the capture, relative to the scenario's directory.
void load_capture(const Scenario& sc, TrafficSource& t, const std::string& p) {
  if (t.loopback())
    throw ScenarioError(sc.file, p + ".pattern",
                        "pattern \"pcap\" replays frames arriving at the NIC: expected device \"nic\"");
  std::filesystem::path f(t.file);
  if (f.is_relative() && std::filesystem::exists(sc.file))
    f = std::filesystem::path(sc.file).parent_path() / f;
  try {
    auto cap = std::make_shared<Capture>(read_capture(f.string()));
    const int64_t span = cap->datagrams.back().t_ns - cap->datagrams.front().t_ns;
    if (span < 0 || span > kMaxNs)
      throw CaptureError(f.string() + ": its datagrams span " + std::to_string(span) +
                         " ns (expected 0 to an hour, in capture order)");
    t.count = static_cast<int64_t>(cap->datagrams.size());
    t.capture = std::move(cap);
  } catch (const CaptureError& e) {
    throw ScenarioError(sc.file, p + ".file", e.what());
  }
}

// The NIC's queues: the driver allows them, each has an IRQ CPU, RSS has its key and table.
template <typename At>
void resolve_queues(Scenario& sc, At at) {
  auto& nic = sc.nic;
  if (nic.driver == "8139too" && nic.queues != 1)
    at("nic.queues", "expected 1 with driver \"8139too\" (one RX queue), found " +
                         std::to_string(nic.queues) + ": a multi-queue NIC needs driver \"mlx5\"");
  if (nic.driver == "mlx5" && !nic.napi) at("nic.napi", "expected true with driver \"mlx5\" (a NAPI driver)");
  if (nic.irq_cpus.empty()) {
    for (int64_t q = 0; q < nic.queues; ++q)
      nic.irq_cpus.push_back(nic.queues == 1 ? nic.irq_cpu : q % sc.cpus);
  } else if (static_cast<int64_t>(nic.irq_cpus.size()) != nic.queues) {
    at("nic.irq_cpus", "expected one CPU per RX queue (" + std::to_string(nic.queues) + "), found " +
                           std::to_string(nic.irq_cpus.size()));
  }
  for (size_t i = 0; i < nic.irq_cpus.size(); ++i)
    if (nic.irq_cpus[i] >= sc.cpus)
      at("nic.irq_cpus[" + std::to_string(i) + "]", "CPU " + std::to_string(nic.irq_cpus[i]) +
                                                        " does not exist (cpus is " +
                                                        std::to_string(sc.cpus) + ")");
  nic.rss_l4 = nic.rss.hash_fields == "l4";
  if (!nic.rss.key.empty()) {
    const auto key = parse_rss_key(nic.rss.key);
    if (!key)
      at("nic.rss.key", "expected 40 bytes as two hex digits each, separated by ':' (as ethtool -x prints "
                        "them), found " +
                            in_quotes(nic.rss.key));
    nic.rss_key = *key;
  }
  if (nic.rss.indirection.empty()) {
    nic.rss_table = rss_default_table(nic.queues, mlx5_rqt_size(nic.queues));
  } else {
    const size_t n = nic.rss.indirection.size();
    if ((n & (n - 1)) != 0 || n < static_cast<size_t>(nic.queues))
      at("nic.rss.indirection", "expected a power of two of entries, at least one per queue (mlx5: " +
                                    std::to_string(mlx5_rqt_size(nic.queues)) + " for " +
                                    std::to_string(nic.queues) +
                                    " queues, as ethtool -x lists them), found " + std::to_string(n));
    for (size_t i = 0; i < nic.rss.indirection.size(); ++i)
      if (nic.rss.indirection[i] >= nic.queues)
        at("nic.rss.indirection[" + std::to_string(i) + "]",
           "queue " + std::to_string(nic.rss.indirection[i]) + " does not exist (queues is " +
               std::to_string(nic.queues) + ")");
    nic.rss_table = nic.rss.indirection;
  }
}

// Checks that involve several parts of the scenario.
void cross_check(const Schema& root, Scenario& sc) {
  auto at = [&](const std::string& path, const std::string& what) -> void {
    throw ScenarioError(sc.file, path, what);
  };
  sc.version = find_kernel_version(sc.kernel); // the schema's choice() allows only known ones
  if (sc.hz != 100 && sc.hz != 250 && sc.hz != 300 && sc.hz != 1000)
    at("hz", "expected 100, 250, 300 or 1000 (the CONFIG_HZ choices), found " + std::to_string(sc.hz));
  auto ip = trace::parse_ipv4(sc.nic.address);
  if (!ip) at("nic.address", "expected an IPv4 address, found " + in_quotes(sc.nic.address));
  sc.nic.addr = *ip;
  if (sc.nic.irq_cpu >= sc.cpus)
    at("nic.irq_cpu",
       "CPU " + std::to_string(sc.nic.irq_cpu) + " does not exist (cpus is " + std::to_string(sc.cpus) + ")");
  resolve_queues(sc, at);
  for (size_t i = 0; i < sc.nic.rps_cpus.size(); ++i)
    if (sc.nic.rps_cpus[i] >= sc.cpus)
      at("nic.rps_cpus[" + std::to_string(i) + "]", "CPU " + std::to_string(sc.nic.rps_cpus[i]) +
                                                        " does not exist (cpus is " +
                                                        std::to_string(sc.cpus) + ")");
  if (sc.traffic.empty()) at("traffic", "expected at least one traffic source");
  for (size_t i = 0; i < sc.traffic.size(); ++i) {
    const auto& t = sc.traffic[i];
    const std::string p = "traffic[" + std::to_string(i) + "]";
    if (t.device != sc.traffic[0].device)
      at(p + ".device",
         "expected \"" + sc.traffic[0].device +
             "\" like traffic[0]: a scenario's datagrams come either from the NIC or over loopback");
    if (t.loopback() && t.bad_checksum_ratio + t.bad_ip_checksum_ratio + t.bad_udp_length_ratio > 0)
      at(p + ".device", "a loopback datagram cannot be corrupted (lo marks it CHECKSUM_UNNECESSARY): set the "
                        "bad_*_ratio keys to 0");
    if (t.loopback() && t.sender_cpu >= sc.cpus)
      at(p + ".sender_cpu",
         "CPU " + std::to_string(t.sender_cpu) + " does not exist (cpus is " + std::to_string(sc.cpus) + ")");
  }
  for (size_t i = 0; i < sc.traffic.size(); ++i) {
    auto& t = sc.traffic[i];
    if (t.pattern == Pattern::Pcap) load_capture(sc, t, "traffic[" + std::to_string(i) + "]");
  }
  for (size_t i = 0; i < sc.traffic.size(); ++i)
    if (sc.traffic[i].name.empty()) sc.traffic[i].name = "flow" + std::to_string(i);
  std::set<std::string> names;
  for (size_t i = 0; i < sc.sockets.size(); ++i) {
    auto& so = sc.sockets[i];
    const std::string p = "sockets[" + std::to_string(i) + "]";
    if (so.name.empty()) so.name = "s" + std::to_string(i);
    if (!names.insert(so.name).second) at(p + ".name", "duplicate socket name \"" + so.name + "\"");
    if (so.bind.addr != 0 && so.bind.addr != sc.nic.addr)
      at(p + ".bind", "nobody can reach this socket: " + so.bind_text +
                          " is neither 0.0.0.0 nor nic.address " + sc.nic.address);
    if (so.bind.port == 0)
      at(p + ".bind", "expected a port other than 0 (the model does not pick ephemeral ports)");
    for (size_t j = 0; j < i; ++j) {
      const auto& o = sc.sockets[j];
      // udp_lib_lport_inuse: same port, overlapping addresses, and not both SO_REUSEADDR.
      if (o.bind.port == so.bind.port &&
          (o.bind.addr == so.bind.addr || o.bind.addr == 0 || so.bind.addr == 0) &&
          !(o.reuseaddr && so.reuseaddr))
        at(p + ".bind", "bind() would fail with EADDRINUSE: " + so.bind_text + " overlaps sockets[" +
                            std::to_string(j) + "] (" + o.bind_text + ")");
    }
  }
  for (size_t i = 0; i < sc.receivers.size(); ++i) {
    auto& r = sc.receivers[i];
    const std::string p = "receivers[" + std::to_string(i) + "]";
    if (sc.version->udp_own_accounting && r.lock_hold_ns > 0)
      at(p + ".lock_hold_ns", "expected 0 with kernel " + sc.kernel +
                                  ": its UDP receive path takes no socket lock, so nothing ever goes to the "
                                  "socket backlog");
    if (r.name.empty()) r.name = "app" + std::to_string(i);
    auto it = std::find_if(sc.sockets.begin(), sc.sockets.end(),
                           [&](const auto& so) { return so.name == r.socket; });
    if (it == sc.sockets.end()) at(p + ".socket", "no socket named \"" + r.socket + "\"");
    r.socket_index = static_cast<int>(it - sc.sockets.begin());
    if (r.cpu >= sc.cpus)
      at(p + ".cpu",
         "CPU " + std::to_string(r.cpu) + " does not exist (cpus is " + std::to_string(sc.cpus) + ")");
    if (r.nice != 0 && r.sched_fifo_priority > 0)
      at(p + ".nice", "a SCHED_FIFO thread has no nice level: set nice 0 or sched_fifo_priority 0");
  }
  for (size_t i = 0; i < sc.background.size(); ++i) {
    auto& b = sc.background[i];
    if (b.name.empty()) b.name = "busy" + std::to_string(i);
    if (b.cpu >= sc.cpus)
      at("background[" + std::to_string(i) + "].cpu",
         "CPU " + std::to_string(b.cpu) + " does not exist (cpus is " + std::to_string(sc.cpus) + ")");
  }
  (void)root;
}

// One path component as a JSON pointer token (RFC 6901: '~' is "~0", '/' is "~1"). Unescaped, a
// component such as "a/999999999" would reach past the checks below: the pointer would create
// an array of 10^9 elements.
std::string pointer_token(const std::string& part) {
  std::string t;
  for (char c : part) t += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
  return t;
}

std::string override_path_to_pointer(const nlohmann::json& doc, const std::string& key,
                                     const std::string& where) {
  if (key.rfind("net.", 0) == 0) return "/sysctl/" + pointer_token(key);
  std::string ptr;
  const nlohmann::json* cur = &doc;
  std::stringstream ss(key);
  std::string part;
  auto no_element = [&](const std::string& why) {
    throw ScenarioError(where, "",
                        "--set " + key + ": no element " + in_quotes(part) + " in " +
                            (ptr.empty() ? "/" : ptr) + why);
  };
  while (std::getline(ss, part, '.')) {
    if (part.empty()) throw ScenarioError(where, "", "--set " + key + ": empty path component");
    const bool number = std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (cur && cur->is_array()) {
      // An index, or the "name" of an element.
      size_t idx = cur->size();
      if (number) {
        idx = part.size() <= 9 ? std::stoul(part) : cur->size();
      } else {
        for (size_t i = 0; i < cur->size(); ++i)
          if ((*cur)[i].is_object() && (*cur)[i].value("name", "") == part) idx = i;
      }
      if (idx >= cur->size()) no_element(" (it has " + std::to_string(cur->size()) + ")");
      ptr += "/" + std::to_string(idx);
      cur = &(*cur)[idx];
    } else {
      // An index into an array the file does not have would make one that long.
      if (number && !(cur && cur->is_object() && cur->contains(part)))
        no_element(": that array is not in the file (set the whole array, e.g. KEY='[{...}]')");
      ptr += "/" + pointer_token(part);
      cur = (cur && cur->is_object() && cur->contains(part)) ? &(*cur)[part] : nullptr;
    }
  }
  return ptr;
}

// The reference path of a JSON pointer (/traffic/0/pattern -> traffic[].pattern), to find the
// type of the key it sets.
std::string reference_path(const std::string& ptr) {
  std::string out;
  size_t i = 1;
  while (i <= ptr.size()) {
    size_t j = ptr.find('/', i);
    if (j == std::string::npos) j = ptr.size();
    std::string tok;
    for (size_t k = i; k < j; ++k) { // unescaped: ~1 is '/', ~0 is '~'
      const bool esc = ptr[k] == '~' && k + 1 < j;
      tok += esc ? (ptr[k + 1] == '1' ? '/' : '~') : ptr[k];
      k += esc ? 1 : 0;
    }
    if (!tok.empty() && std::all_of(tok.begin(), tok.end(), [](char c) { return c >= '0' && c <= '9'; }))
      out += "[]";
    else
      out += (out.empty() ? "" : ".") + (tok.find('.') != std::string::npos ? "\"" + tok + "\"" : tok);
    i = j + 1;
  }
  return out;
}

// JSON's parser checks what a file says; this pass adds what it lets through: a key given twice
// in one object (the parser keeps the last silently) and nesting deeper than any scenario needs
// (which would exhaust the stack of recursive code later).
class StrictJson : public nlohmann::json_sax<nlohmann::json> {
public:
  explicit StrictJson(std::string file) : file_(std::move(file)) {}
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return open(true); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(false); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    auto& top = stack_.back();
    if (!top.keys.insert(k).second)
      throw ScenarioError(file_, path(), "the key " + in_quotes(k) + " is given twice in this object");
    top.last = k;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false; // the DOM parse that follows reports it with its position
  }

private:
  static constexpr size_t kMaxDepth = 32;
  struct Level {
    bool object;
    std::set<std::string> keys;
    std::string last;
    size_t index = 0;
  };
  bool open(bool object) {
    if (!stack_.empty() && !stack_.back().object) ++stack_.back().index;
    if (stack_.size() >= kMaxDepth)
      throw ScenarioError(file_, path(), "nested deeper than " + std::to_string(kMaxDepth) + " levels");
    stack_.push_back({object, {}, {}, 0});
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }
  std::string path() const {
    std::string p;
    for (size_t i = 0; i + 1 < stack_.size() + 1 && i < stack_.size(); ++i) {
      const auto& l = stack_[i];
      if (i + 1 == stack_.size() && l.object) break; // the object the key is in
      if (l.object)
        p += (p.empty() ? "" : ".") + l.last;
      else
        p += "[" + std::to_string(l.index == 0 ? 0 : l.index - 1) + "]";
    }
    return p;
  }
  std::string file_;
  std::vector<Level> stack_;
};

bool valid_utf8(const std::string& s) {
  try {
    (void)nlohmann::json(s).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

} // namespace

std::string ip_to_string(uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
         std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255);
}
std::string to_string(const Endpoint& e) {
  return ip_to_string(e.addr) + ":" + std::to_string(e.port);
}

int64_t effective_rcvbuf(int64_t so_rcvbuf_bytes, const Sysctl& s) {
  if (so_rcvbuf_bytes < 0) return s.rmem_default;
  // sock_setsockopt SO_RCVBUF: val = min_t(u32, val, sysctl_rmem_max); sk_rcvbuf = max_t(u32, val * 2,
  // SOCK_MIN_RCVBUF)
  return std::max<int64_t>(std::min(so_rcvbuf_bytes, s.rmem_max) * 2, kSockMinRcvbuf);
}

Override parse_override(const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ScenarioError("command line", "", "--set " + text + ": expected KEY=VALUE");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

LoadedScenario load_scenario_text(const std::string& text, const std::string& file,
                                  const std::vector<Override>& overrides, std::optional<int64_t> seed) {
  nlohmann::json doc;
  try {
    StrictJson strict(file);
    nlohmann::json::sax_parse(text, &strict, nlohmann::json::input_format_t::json, true,
                              /*ignore_comments=*/true);
    doc = nlohmann::json::parse(text, nullptr, true, /*ignore_comments=*/true);
  } catch (const nlohmann::json::exception& e) {
    // parse_error, and out_of_range for a number beyond a double (1e400).
    std::string msg = e.what();
    auto p = msg.find("] ");
    throw ScenarioError(file, "", "malformed JSON: " + (p == std::string::npos ? msg : msg.substr(p + 2)));
  }
  if (!doc.is_object()) throw ScenarioError(file, "", "expected a JSON object at the top level");
  std::map<std::string, std::string> types;
  for (const auto& d : scenario_reference()) types[d.path] = d.type;
  for (const auto& o : overrides) {
    if (!valid_utf8(o.key) || !valid_utf8(o.value))
      throw ScenarioError("command line", "", "--set " + in_quotes(o.key) + ": not valid UTF-8");
    std::string ptr = override_path_to_pointer(doc, o.key, file);
    nlohmann::json value;
    try {
      StrictJson strict("--set " + o.key);
      nlohmann::json::sax_parse(o.value, &strict, nlohmann::json::input_format_t::json, true, false);
      value = nlohmann::json::parse(o.value);
    } catch (const nlohmann::json::exception&) {
      value = o.value; // a bare word: a string
    }
    // A string key takes the text as written: kernel=6.18 is "6.18", not the number 6.18.
    if (types[reference_path(ptr)] == "string" && !value.is_string()) value = o.value;
    try {
      doc[nlohmann::json::json_pointer(ptr)] = value;
    } catch (const nlohmann::json::exception&) {
      throw ScenarioError(file, "", "--set " + o.key + ": cannot set this path");
    }
  }
  if (seed) doc["seed"] = *seed;
  LoadedScenario out;
  out.scenario.file = file;
  Schema root(&doc, "", file);
  visit_scenario(root, out.scenario);
  root.finish();
  cross_check(root, out.scenario);
  out.resolved = root.resolved();
  return out;
}

LoadedScenario load_scenario(const std::string& file, const std::vector<Override>& overrides,
                             std::optional<int64_t> seed) {
  // Only a regular file: a FIFO with no writer would block forever, /dev/zero never ends.
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0)
    throw ScenarioError(file, "", std::string("cannot open the file: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode))
    throw ScenarioError(file, "",
                        S_ISDIR(st.st_mode) ? "is a directory (expected a scenario file)"
                                            : "is not a regular file (expected a scenario file)");
  constexpr off_t kMaxBytes = 64 << 20;
  if (st.st_size > kMaxBytes)
    throw ScenarioError(file, "",
                        "is " + std::to_string(st.st_size) + " bytes; a scenario is at most 64 MiB");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ScenarioError(file, "", std::string("cannot open the file: ") + std::strerror(errno));
  std::stringstream ss;
  ss << in.rdbuf();
  return load_scenario_text(ss.str(), file, overrides, seed);
}

std::vector<ParamDoc> scenario_reference() {
  std::vector<ParamDoc> docs;
  Scenario defaults;
  Schema s(&docs);
  visit_scenario(s, defaults);
  return docs;
}

} // namespace rxpath::model

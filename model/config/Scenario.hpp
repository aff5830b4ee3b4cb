// The validated configuration of one run. A scenario file loads into this struct before anything
// runs (ScenarioLoader); every field has a default, and the schema in ScenarioSchema.cpp gives each
// its unit, range and description. Times are integer nanoseconds unless the name says otherwise.
#pragma once

#include "CaptureReader.hpp"

#include "KernelVersion.hpp"
#include "Rss.hpp"
#include "trace/Event.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rxpath::model {

struct Endpoint {
  uint32_t addr = 0; // IPv4, host byte order; 0 = INADDR_ANY
  uint16_t port = 0;
  bool operator==(const Endpoint&) const = default;
};
std::string to_string(const Endpoint& e);
std::string ip_to_string(uint32_t addr);

// The Linux sysctls of the receive path, with their Linux names in the scenario file.
struct Sysctl {
  int64_t netdev_budget = 300;       // net.core.netdev_budget
  int64_t netdev_budget_usecs = 0;   // net.core.netdev_budget_usecs; 0: the default, 2 jiffies (4.12+ only)
  int64_t dev_weight = 64;           // net.core.dev_weight
  int64_t netdev_max_backlog = 1000; // net.core.netdev_max_backlog
  int64_t rmem_default = 212992;     // net.core.rmem_default
  int64_t rmem_max = 212992;         // net.core.rmem_max
  bool ip_early_demux = true;        // net.ipv4.ip_early_demux
  int64_t ipfrag_time = 30;          // net.ipv4.ipfrag_time, seconds
};

// RSS as `ethtool -x` shows it and `ethtool -X` / `ethtool -N rx-flow-hash` set it.
struct RssConfig {
  std::string hash_fields = "l4"; // "l4": addresses and ports (mlx5's default for UDP); "l3": addresses
  bool symmetric = true;          // the Symmetric-OR-XOR input transform (mlx5's default)
  std::string key;                // 40 bytes as ethtool -x prints them ("6d:5a:..."); "": the specification's
  std::vector<int64_t> indirection; // the queue of each table entry; []: ethtool_rxfh_indir_default
};

struct Nic {
  std::string driver = "8139too"; // "8139too" (one queue) or "mlx5" (multi-queue, page buffers)
  int64_t queues = 1;             // RX queues (ethtool -L combined)
  std::vector<int64_t> irq_cpus;  // each queue's IRQ CPU; []: queue i on CPU i % cpus (one queue: irq_cpu)
  RssConfig rss;
  // Resolved by the loader.
  bool rss_l4 = true;
  RssKey rss_key = kRssDefaultKey;
  std::vector<int64_t> rss_table;
  std::string address = "10.0.0.1";
  uint32_t addr = 0; // parsed `address`
  int64_t link_mbps = 10000;
  int64_t ring_size = 256;
  int64_t rx_usecs = 0;
  int64_t rx_frames = 1;
  int64_t irq_cpu = 0;
  bool napi = true;
  int64_t napi_weight = 64;
  std::vector<int64_t> rps_cpus;
  double skb_alloc_fail_ratio = 0;
  int64_t skb_headroom_bytes = 64; // NET_SKB_PAD on x86-64
  int64_t skb_overhead_bytes =
      576; // SKB_DATA_ALIGN(sizeof(sk_buff)) + SKB_DATA_ALIGN(sizeof(skb_shared_info))
};

enum class Pattern { Constant, Poisson, Burst, List, Pcap };

struct TrafficSource {
  std::string name;
  std::string pattern_name = "constant";
  Pattern pattern = Pattern::Constant;
  double rate_pps = 10000;
  int64_t count = 1000;
  int64_t duration_ns = 0; // > 0: count = rate_pps x duration
  int64_t start_ns = 0;
  int64_t burst_frames = 8;
  std::vector<int64_t> times_ns;
  // Pattern pcap: the capture replayed (read when the scenario loads; shared, as it can be large).
  std::string file;
  std::shared_ptr<const Capture> capture;
  int64_t payload_bytes = 1472;
  std::string src_text = "10.0.0.2:5000";
  std::string dst_text = "10.0.0.1:9000";
  Endpoint src, dst;
  int64_t ip_protocol = 17;
  int64_t ethertype = 0x0800;
  double bad_checksum_ratio = 0;
  double bad_ip_checksum_ratio = 0;
  double bad_udp_length_ratio = 0;
  int64_t mtu_bytes = 1500;
  // "nic": frames arrive at the NIC's ring. "lo": a thread on sender_cpu sends them with
  // sendto() over the loopback device (udp_sendmsg ... loopback_xmit -> netif_rx).
  std::string device = "nic";
  int64_t sender_cpu = 0;
  std::string pacing = "sleep"; // lo: "sleep" (clock_nanosleep) or "spin" (busy-wait) until each send
  int64_t nice = 0;             // lo: the sending thread's nice level
  bool loopback() const { return device == "lo"; }
};

enum class Verdict { Accept, Drop };

// A match for netfilter rules and socket filters; unset fields match anything.
struct Match {
  std::optional<int64_t> protocol;
  std::optional<uint32_t> src_addr;
  std::optional<int64_t> sport;
  std::optional<int64_t> dport;
  std::string protocol_text, src_text; // as written, for the resolved scenario
  int64_t sport_v = -1, dport_v = -1;
};

struct NfRule {
  Match match;
  std::string verdict_name = "ACCEPT";
  Verdict verdict = Verdict::Accept;
  int64_t cost_ns = 40;
};

struct Netfilter {
  std::vector<NfRule> prerouting;
  std::vector<NfRule> local_in;
};

struct SocketConfig {
  std::string name;
  std::string bind_text = "0.0.0.0:9000";
  Endpoint bind;
  std::string connect_text; // empty: unconnected
  std::optional<Endpoint> connect;
  int64_t so_rcvbuf_bytes = -1; // -1: not set, sk_rcvbuf = rmem_default
  bool reuseaddr = false;       // SO_REUSEADDR
  bool has_filter = false;
  Match filter_accept; // sk_filter: datagrams that do not match are dropped
};

struct ReceiverConfig {
  std::string name;
  std::string socket;
  int socket_index = -1;
  int64_t cpu = 1;
  int64_t user_buffer_bytes = 65536;
  int64_t rcvtimeo_us = 0; // 0: block forever; rounded up to jiffies as the kernel does
  int64_t app_work_ns = 0;
  std::string app_work_dist = "constant"; // "exponential": app_work_ns is the mean
  int64_t lock_hold_ns = 0;
  int64_t sched_fifo_priority = 0; // 0: SCHED_OTHER; 1-99: SCHED_FIFO (chrt -f)
  int64_t nice = 0;                // SCHED_OTHER: -20 … 19
};

// A CPU-bound process pinned to a CPU ("my receiver shares its CPU with a busy process"): it runs
// user-mode work for the whole run, whenever the scheduler gives it the CPU.
struct BackgroundTask {
  std::string name;
  int64_t cpu = 0;
  int64_t nice = 0;
};

// A stage's CPU cost: its median in ns and the spread of a lognormal around it (the sigma of its
// logarithm; 0: always the median). A scenario gives a number, or {"median": ns, "p99": ns}.
struct Cost {
  int64_t ns = 0;                          // the median
  int64_t p99 = 0;                         // the 99th percentile; 0: a constant cost
  double sigma = 0;                        // ln(p99 / median) / z(0.99), set by the loader
  Cost(int64_t median = 0) : ns(median) {} // NOLINT: a plain number is a constant cost
};

// CPU cost of each stage, in ns. Defaults and their sources: docs/calibration.md.
struct Costs {
  Cost hardirq_ns = 1000;
  Cost ipi_ns = 600;
  Cost softirq_entry_ns = 100;
  Cost net_rx_action_ns = 100;
  Cost napi_poll_ns = 80;
  Cost napi_complete_ns = 300;
  Cost driver_rx_ns = 150;
  Cost skb_alloc_ns = 70;
  double driver_copy_ns_per_byte = 0.03;
  Cost netif_receive_skb_ns = 40;
  Cost get_rps_cpu_ns = 60;
  Cost enqueue_to_backlog_ns = 60;
  Cost process_backlog_ns = 60;
  Cost netif_receive_skb_core_ns = 80;
  Cost ptype_all_tap_ns = 300;
  Cost ip_rcv_ns = 120;
  Cost nf_hook_ns = 40;
  Cost ip_rcv_finish_ns = 50;
  Cost early_demux_ns = 60;
  Cost route_lookup_ns = 150;
  Cost ip_local_deliver_ns = 40;
  Cost ip_defrag_ns = 300;
  Cost ip_local_deliver_finish_ns = 50;
  Cost udp_rcv_ns = 100;
  double udp_csum_ns_per_byte = 0;
  Cost udp_lookup_ns = 60;
  Cost udp_queue_rcv_skb_ns = 60;
  Cost sock_queue_rcv_skb_ns = 100;
  Cost socket_filter_ns = 100;
  Cost sk_data_ready_ns = 150;
  Cost wakeup_latency_ns = 2000;
  Cost idle_wakeup_ns = 0; // more when the woken thread's CPU was idle (leaving the idle state)
  Cost recvmsg_ns = 500;
  double copy_to_user_ns_per_byte = 0.03;
  Cost skb_free_ns = 200;
  Cost release_sock_ns = 50;
  Cost udp_sendmsg_ns = 1500;  // loopback sender: sendto() through ip_output to dev_queue_xmit
  Cost loopback_xmit_ns = 200; // loopback_xmit: skb_orphan, eth_type_trans, netif_rx
};

struct Scenario {
  std::string file; // where it was loaded from (for messages)
  std::string name = "unnamed";
  std::string description;
  std::string kernel = "3.19"; // a row of kernel_versions() (docs/kernel-profiles.md)
  const KernelVersion* version = &kernel_versions()[0]; // that row, set by the loader
  int64_t seed = 1;
  int64_t cpus = 2;
  int64_t hz = 250; // CONFIG_HZ: timer ticks per second
  bool ptype_all_tap = false;
  Sysctl sysctl;
  Nic nic;
  std::vector<TrafficSource> traffic;
  Netfilter netfilter;
  std::vector<SocketConfig> sockets;
  std::vector<ReceiverConfig> receivers;
  std::vector<BackgroundTask> background;
  Costs costs;
};

} // namespace rxpath::model

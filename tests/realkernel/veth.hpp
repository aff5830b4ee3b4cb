// The real kernel's side of the veth experiments (docs/validation.md, "veth between two namespaces"):
// two fresh network namespaces joined by a veth pair, the knobs of the receiving device (GRO, threaded
// NAPI, RPS), the counters that say where datagrams went (the devices' drops, the veth's NAPI ring,
// /proc/net/softnet_stat per CPU), and the two global sysctls a run may change (saved and restored).
// Plain Linux calls (rtnetlink, ethtool ioctls, sysfs): no iproute2, no ethtool binary.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rxpath::realkernel {

// The pair's names and addresses (a /30 of its own, never routed anywhere: both namespaces are new).
inline constexpr const char* kVethSender = "vsnd";   // in the sender's namespace
inline constexpr const char* kVethReceiver = "vrcv"; // in the receiver's namespace
inline constexpr const char* kVethSenderAddr = "10.199.0.1";
inline constexpr const char* kVethReceiverAddr = "10.199.0.2";
inline constexpr int kVethPrefix = 30;

// Two network namespaces made by this process (unshare(CLONE_NEWNET) twice), held by file
// descriptors; the calling thread is moved between them with enter(). They, the veth pair and the
// private sysfs mount go away with the process, whatever way it ends: nothing in the host namespace
// is touched (the global sysctls aside, GlobalSysctls).
class VethNamespaces {
public:
  VethNamespaces() = default;
  VethNamespaces(const VethNamespaces&) = delete;
  VethNamespaces& operator=(const VethNamespaces&) = delete;
  ~VethNamespaces();

  // Makes a private mount namespace (so that sysfs can be mounted for the receiver's network
  // namespace without the host seeing it), the two network namespaces with their loopback up and
  // IPv6 off, the veth pair (receiver's end created in the receiver's namespace, its peer put in the
  // sender's: RTM_NEWLINK with VETH_INFO_PEER and IFLA_NET_NS_FD), both ends' addresses, both ends up,
  // and a permanent ARP entry for the receiver on the sender's side (so that no datagram waits for
  // neighbour resolution). Call it before starting threads (unshare(CLONE_NEWNS) needs a single
  // thread). Leaves the calling thread in the receiver's namespace. Returns why not (empty when done);
  // `skip` says whether the reason is that namespaces cannot be made here at all (exit 77).
  std::string create(bool& skip);

  // Moves the calling thread into the sender's or the receiver's namespace (setns).
  std::string enter_sender();
  std::string enter_receiver();

private:
  int sender_ns_ = -1, receiver_ns_ = -1;
};

// Knobs of the receiving end (call in the receiver's namespace; sysfs is the namespace's own after
// create()). Each returns why not (empty when done).
std::string set_gro(const char* dev, bool on);                      // ETHTOOL_SGRO (NETIF_F_GRO)
std::optional<bool> get_gro(const char* dev);                       // ETHTOOL_GGRO
std::string set_tso(const char* dev, bool on);                      // ETHTOOL_STSO (NETIF_F_ALL_TSO)
std::string set_threaded(const char* dev, bool on);                 // /sys/class/net/DEV/threaded
std::string set_rps_cpus(const char* dev, const std::string& mask); // queues/rx-0/rps_cpus

// The threaded NAPI kthreads of `dev` (net/core/dev.c napi_kthread_create names them
// "napi/DEV-NAPI_ID"): their pids, found by /proc/PID/comm (kthreads are in the initial pid namespace,
// which this process shares).
std::vector<int> napi_threads(const char* dev);
// Pins a task (sched_setaffinity); returns why not.
std::string pin_task(int pid, int cpu);

// A device's counters from /proc/thread-self/net/dev (the calling thread's namespace): rx and tx
// packets and drops (the "drop" columns: rx_dropped + rx_missed_errors, tx_dropped).
struct DevCounters {
  int64_t rx_packets = 0, rx_dropped = 0, tx_packets = 0, tx_dropped = 0;
};
std::optional<DevCounters> dev_counters(const char* dev);

// The device's ethtool statistics (ETHTOOL_GSTATS with the ETH_SS_STATS names): for veth,
// rx_queue_0_xdp_packets counts the packets its NAPI poll took from the ring (veth_xdp_rcv).
std::map<std::string, int64_t> device_stats(const char* dev);

// One CPU's row of /proc/net/softnet_stat (net/core/net-procfs.c softnet_seq_show, 6.18: processed,
// dropped, time_squeeze, five zeros, cpu_collision (0), received_rps, flow_limit_count, backlog
// length, the CPU's id, input_qlen, process_qlen; all hex). Per CPU, not per namespace: on a shared
// machine other traffic counts too.
struct SoftnetRow {
  int cpu = 0;
  int64_t processed = 0, dropped = 0, time_squeeze = 0, received_rps = 0;
};
std::vector<SoftnetRow> softnet_rows();

// The global net.core sysctls a veth run may change: netdev_budget and netdev_budget_usecs live in
// net_hotdata, not in struct net (net/core/sysctl_net_core.c net_core_table, not netns_core_table), so
// a write changes them for the whole machine. set() saves the old values in a state file (under an
// exclusive lock, so two probes never interleave), writes the new ones, and installs handlers for
// SIGINT, SIGTERM, SIGHUP and SIGQUIT that write the old values back before the signal takes its
// course (through files opened in the initial namespace: the process moves into others later); restore() (and
// the destructor) write them back and remove the state file. A state file left by a probe that was killed
// outright (SIGKILL) is found and restored by the next probe before anything else.
class GlobalSysctls {
public:
  GlobalSysctls() = default;
  GlobalSysctls(const GlobalSysctls&) = delete;
  GlobalSysctls& operator=(const GlobalSysctls&) = delete;
  ~GlobalSysctls() { restore(); }

  // values: sysctl path under /proc/sys (e.g. "net/core/netdev_budget") -> the value to write.
  // Returns why not (empty when done); on failure nothing stays changed. `restored_stale` is set to
  // what a previous probe's state file restored, if anything.
  std::string set(const std::map<std::string, int64_t>& values, std::string& restored_stale);
  void restore();
  const std::map<std::string, int64_t>& saved() const { return saved_; }

private:
  void restore_files();
  std::map<std::string, int64_t> saved_;
  int lock_fd_ = -1;
};

} // namespace rxpath::realkernel

// rxpath-udpprobe: one UDP experiment through the real kernel, in a fresh network namespace (its
// loopback device only), printed as one JSON object: the setup as the kernel took it, the datagrams
// sent and received, the namespace's Udp MIB deltas (/proc/net/snmp) and the timings.
//
//   rxpath-udpprobe fill     --rcvbuf B --payload N --count C
//   rxpath-udpprobe slow     --rcvbuf B --payload N --count C --rate R --work-ns W
//   rxpath-udpprobe saturate --rcvbuf B --payload N --count C
//   rxpath-udpprobe overload --rcvbuf B --payload N --count C [--rate R] [--work-ns W]
//                            --sender-cpu S --receiver-cpu C [--nice N]
//   rxpath-udpprobe veth     --rcvbuf B --payload N --count C [--rate R] --sender-cpu S --receiver-cpu C
//                            [--gro on|off] [--sender-tso on|off] [--threaded on|off] [--busy-poll US]
//                            [--rps-cpus MASK] [--netdev-budget N] [--netdev-budget-usecs U]
//
// fill: nobody reads while the sender sends back to back; then the receiver drains the queue.
// slow: the sender keeps R datagrams/s; the receiver busy-works W ns after each datagram.
// saturate: the sender sends back to back; the receiver reads as fast as it can.
// overload: the sender spins on CLOCK_MONOTONIC between datagrams (as a user-space pacer does, never
// sleeping) or, without --rate, sends back to back; the receiver busy-works W ns after each one; the
// two may share a CPU.
// veth: as overload, but the sender and the receiver are in two fresh network namespaces joined by a
// veth pair (10.199.0.1/30 -> 10.199.0.2/30, veth.hpp), with the receiving end's knobs: GRO (with it
// the device has a NAPI ring; TSO on the sending end keeps locally generated UDP off it, veth_xmit's
// veth_skb_is_eligible_for_gro), threaded NAPI, SO_BUSY_POLL on the receiver's socket (what
// net.core.busy_read gives every new socket, per socket: that sysctl is global), RPS on rx-0, and the
// global net.core.netdev_budget and netdev_budget_usecs (saved, set, restored: GlobalSysctls). The
// output adds the devices' counters, the veth's NAPI ring count and /proc/net/softnet_stat per CPU.
// Where a receiver reads (slow, saturate, overload) and datagrams hold 8 bytes, each carries its
// CLOCK_MONOTONIC send time, taken as sendto() is entered; latency_ns is that to recv() returning.
// --nice N: the probe runs at nice N against every other task (an autogroup of its own), so that a
// shared machine's other tenants keep out of the experiment (netns.hpp, set_group_nice).
// Exit codes: 0 done, 1 the experiment failed (socket calls), 2 bad command line, 77 no network
// namespace can be made here (the reason on stderr).
#include "host_load.hpp"
#include "netns.hpp"
#include "veth.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

using rxpath::realkernel::host_load;
using rxpath::realkernel::HostLoad;
using rxpath::realkernel::socket_memory;
using rxpath::realkernel::SocketMemory;
using rxpath::realkernel::thread_usage;
using rxpath::realkernel::udp_snmp;

constexpr int kSkipped = 77;
constexpr uint16_t kSenderPort = 40000; // as in scenarios/loopback.json

struct ProbeConfig {
  std::string mode;
  int rcvbuf_bytes = 0; // setsockopt(SO_RCVBUF); 0 = not set (net.core.rmem_default)
  int payload_bytes = 1472;
  int64_t count = 1000;
  double rate_pps = 0; // slow, overload: the sender's pace (overload: 0 = back to back)
  int64_t work_ns = 0; // slow, overload: the receiver's busy work per datagram
  int sender_cpu = 0, receiver_cpu = 1;
  uint16_t port = 9000;
  int64_t timeout_ms = 2000; // the receiver gives up after this long without a datagram
  int nice = 0;              // the probe's group nice against other tasks (set_group_nice); 0 = as is
  // veth: the receiving end's knobs and the global sysctls (0 = unchanged)
  bool gro = false, sender_tso = true, threaded = false;
  int busy_poll_us = 0;
  int napi_thread_cpu = -1; // threaded: pin the NAPI kthread there; -1: leave it to the scheduler
  std::string rps_cpus;     // empty: not written (RPS off)
  int64_t netdev_budget = 0, netdev_budget_usecs = 0;
};

// A failed socket call: exit 1 with its message.
struct ProbeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

int64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1'000'000'000 + ts.tv_nsec;
}

// Time a thread lost while it should have been running, seen as gaps between two clock reads in a
// busy loop (and, for stalls, as sendto calls that long). On a VM there are two kinds: regular
// interruptions of tens of µs (the guest's timer ticks, ~1000/s: a steady tax on both CPUs that a
// calibration absorbs), and stalls of a millisecond or more while the host runs something else
// (which need not show as steal time in /proc/stat) and that make a timing run meaningless.
constexpr int64_t kInterruptionNs = 2'000, kStallNs = 100'000;

struct Stalls {
  int64_t stalled_ns = 0, max_ns = 0, count = 0, interrupted_ns = 0, interruptions = 0;
  void gap(int64_t ns) {
    if (ns > kStallNs) {
      stalled_ns += ns;
      max_ns = std::max(max_ns, ns);
      ++count;
    } else if (ns > kInterruptionNs) {
      interrupted_ns += ns;
      ++interruptions;
    }
  }
  void call(int64_t ns) {
    if (ns > kStallNs) gap(ns);
  }
  nlohmann::ordered_json to_json(int64_t span_ns) const {
    auto share = [&](int64_t ns) {
      return span_ns > 0 ? static_cast<double>(ns) / static_cast<double>(span_ns) : 0.0;
    };
    return {{"stalled_ns", stalled_ns},
            {"max_ns", max_ns},
            {"count", count},
            {"fraction", share(stalled_ns)},
            {"interruptions", interruptions},
            {"interrupted_fraction", share(interrupted_ns)}};
  }
};

void spin_until(int64_t t, Stalls& st) {
  for (int64_t prev = now_ns(); prev < t;) {
    const int64_t cur = now_ns();
    st.gap(cur - prev);
    prev = cur;
  }
}

// Sleeps while the deadline is far (so an idle sender leaves its CPU alone) and busy-waits the last
// stretch, where a timer wake-up would be late by tens of µs.
void wait_until(int64_t t, Stalls& st) {
  constexpr int64_t kSpinNs = 100'000;
  if (t - now_ns() > kSpinNs) {
    const int64_t wake = t - kSpinNs;
    const timespec ts{static_cast<time_t>(wake / 1'000'000'000), static_cast<long>(wake % 1'000'000'000)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
    }
  }
  spin_until(t, st);
}

// Pins the calling thread; the JSON says whether it could and where the thread ran.
nlohmann::ordered_json pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(static_cast<unsigned>(cpu), &set);
  const bool pinned = sched_setaffinity(0, sizeof set, &set) == 0;
  nlohmann::ordered_json j = {{"asked", cpu}, {"pinned", pinned}};
  if (!pinned) j["error"] = std::strerror(errno);
  return j;
}

sockaddr_in loopback(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  return a;
}

int checked(int rc, const std::string& what) {
  if (rc < 0) throw ProbeError(what + ": " + std::strerror(errno));
  return rc;
}

int int_sockopt(int fd, int name) {
  int v = 0;
  socklen_t len = sizeof v;
  checked(getsockopt(fd, SOL_SOCKET, name, &v, &len), "getsockopt");
  return v;
}

struct Sockets {
  int rx = -1, tx = -1;
  sockaddr_in dst{};
  ~Sockets() {
    if (rx >= 0) close(rx);
    if (tx >= 0) close(tx);
  }
};

sockaddr_in inet_address(const char* addr, uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  inet_pton(AF_INET, addr, &a.sin_addr);
  a.sin_port = htons(port);
  return a;
}

void receiver_options(const ProbeConfig& c, int fd) {
  if (c.rcvbuf_bytes > 0)
    checked(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &c.rcvbuf_bytes, sizeof c.rcvbuf_bytes),
            "setsockopt(SO_RCVBUF)");
  // The receiver stops waiting now and then to see whether the sender is done.
  const timeval tv{0, 20'000};
  checked(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), "setsockopt(SO_RCVTIMEO)");
}

// veth: each socket made in its own namespace (a socket keeps the namespace it was made in, whichever
// thread uses it later); the calling thread ends in the receiver's.
void open_veth_sockets(const ProbeConfig& c, Sockets& s, rxpath::realkernel::VethNamespaces& ns) {
  using namespace rxpath::realkernel;
  if (auto why = ns.enter_sender(); !why.empty()) throw ProbeError(why);
  s.tx = checked(socket(AF_INET, SOCK_DGRAM, 0), "socket (sender)");
  const sockaddr_in src = inet_address(kVethSenderAddr, kSenderPort);
  checked(bind(s.tx, reinterpret_cast<const sockaddr*>(&src), sizeof src),
          std::string("bind(") + kVethSenderAddr + ":" + std::to_string(kSenderPort) + ")");
  if (auto why = ns.enter_receiver(); !why.empty()) throw ProbeError(why);
  s.rx = checked(socket(AF_INET, SOCK_DGRAM, 0), "socket (receiver)");
  receiver_options(c, s.rx);
  // sk_ll_usec: what net.core.busy_read would give the socket at creation (sock_init_data_uid).
  if (c.busy_poll_us > 0)
    checked(setsockopt(s.rx, SOL_SOCKET, SO_BUSY_POLL, &c.busy_poll_us, sizeof c.busy_poll_us),
            "setsockopt(SO_BUSY_POLL)");
  s.dst = inet_address(kVethReceiverAddr, c.port);
  checked(bind(s.rx, reinterpret_cast<const sockaddr*>(&s.dst), sizeof s.dst),
          std::string("bind(") + kVethReceiverAddr + ":" + std::to_string(c.port) + ")");
}

void open_sockets(const ProbeConfig& c, Sockets& s) {
  s.rx = checked(socket(AF_INET, SOCK_DGRAM, 0), "socket (receiver)");
  s.tx = checked(socket(AF_INET, SOCK_DGRAM, 0), "socket (sender)");
  receiver_options(c, s.rx);
  s.dst = loopback(c.port);
  checked(bind(s.rx, reinterpret_cast<const sockaddr*>(&s.dst), sizeof s.dst),
          "bind(127.0.0.1:" + std::to_string(c.port) + ")");
  const sockaddr_in src = loopback(kSenderPort);
  checked(bind(s.tx, reinterpret_cast<const sockaddr*>(&src), sizeof src),
          "bind(127.0.0.1:" + std::to_string(kSenderPort) + ")");
}

struct SendResult {
  int64_t sent = 0, t_first = 0, t_last = 0; // t_last: after the last sendto returned
  int64_t lateness_max_ns = 0, lateness_sum_ns = 0;
  int64_t call_max_ns = 0; // the longest sendto (with the NET_RX work it ran on the way out)
  Stalls stalls;
  std::map<std::string, int64_t> errors; // by errno name
};

// Back to back, or paced on an absolute schedule (t0 + i/R) so that the mean rate is R even when
// one sendto is late. The send time goes into the payload's first 8 bytes (when it has them).
SendResult send_all(const ProbeConfig& c, const Sockets& s) {
  SendResult r;
  std::vector<char> buf(static_cast<size_t>(std::max(c.payload_bytes, 1)), 'x');
  const bool stamped = c.payload_bytes >= static_cast<int>(sizeof(int64_t));
  const double period_ns = c.rate_pps > 0 ? 1e9 / c.rate_pps : 0;
  r.t_first = now_ns();
  for (int64_t i = 0; i < c.count; ++i) {
    if (period_ns > 0) {
      const int64_t due = r.t_first + static_cast<int64_t>(static_cast<double>(i) * period_ns);
      if (c.mode == "overload" || c.mode == "veth")
        spin_until(due, r.stalls);
      else
        wait_until(due, r.stalls);
      const int64_t late = now_ns() - due;
      r.lateness_max_ns = std::max(r.lateness_max_ns, late);
      r.lateness_sum_ns += late;
    }
    const int64_t t = now_ns();
    if (stamped) std::memcpy(buf.data(), &t, sizeof t);
    const ssize_t n = sendto(s.tx, buf.data(), static_cast<size_t>(c.payload_bytes), 0,
                             reinterpret_cast<const sockaddr*>(&s.dst), sizeof s.dst);
    r.call_max_ns = std::max(r.call_max_ns, now_ns() - t);
    r.stalls.call(now_ns() - t);
    if (n == c.payload_bytes)
      ++r.sent;
    else
      ++r.errors[strerrorname_np(errno) ? strerrorname_np(errno) : std::to_string(errno)];
  }
  r.t_last = now_ns();
  return r;
}

struct ReceiveResult {
  int64_t received = 0, bytes = 0, t_first = 0, t_last = 0; // t_last: after the last datagram's work
  int64_t recv_ns_sum = 0, recv_ns_max = 0;                 // recv() calls that returned a datagram
  Stalls stalls;                                            // seen in the work loop
  bool timed_out = false;
  std::vector<int64_t> latency_ns; // per stamped datagram: sendto() entered -> recv() returned
};

// Nearest-rank percentiles of the latencies (sorts them), as the model's summary gives them.
nlohmann::ordered_json latency_json(std::vector<int64_t>& v) {
  if (v.empty()) return nullptr;
  std::sort(v.begin(), v.end());
  const auto rank = [&](double q) {
    const auto i = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
    return v[std::clamp<size_t>(i, 1, v.size()) - 1];
  };
  double sum = 0;
  for (int64_t x : v) sum += static_cast<double>(x);
  return {{"count", v.size()},   {"mean", sum / static_cast<double>(v.size())},
          {"min", v.front()},    {"p50", rank(0.5)},
          {"p90", rank(0.9)},    {"p99", rank(0.99)},
          {"p999", rank(0.999)}, {"max", v.back()}};
}

// Blocking reads until the sender is done and the queue is empty (a 20 ms SO_RCVTIMEO finds no
// datagram), or until nothing arrived for timeout_ms.
void receive_loop(const ProbeConfig& c, int fd, const std::atomic<bool>& sender_done, ReceiveResult& r) {
  std::vector<char> buf(65536);
  r.latency_ns.reserve(static_cast<size_t>(c.count));
  int64_t last_activity = now_ns();
  for (;;) {
    const int64_t t_call = now_ns();
    const ssize_t n = recv(fd, buf.data(), buf.size(), 0);
    if (n >= 0) {
      const int64_t t = now_ns();
      if (n >= static_cast<ssize_t>(sizeof(int64_t))) {
        int64_t sent_at = 0;
        std::memcpy(&sent_at, buf.data(), sizeof sent_at);
        r.latency_ns.push_back(t - sent_at);
      }
      r.recv_ns_sum += t - t_call;
      r.recv_ns_max = std::max(r.recv_ns_max, t - t_call);
      if (r.received++ == 0) r.t_first = t;
      r.bytes += n;
      if (c.work_ns > 0) spin_until(t + c.work_ns, r.stalls);
      r.t_last = last_activity = now_ns();
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (sender_done.load()) return;
      if (now_ns() - last_activity > c.timeout_ms * 1'000'000) {
        r.timed_out = true;
        return;
      }
    } else if (errno != EINTR) {
      throw ProbeError(std::string("recv: ") + std::strerror(errno));
    }
  }
}

// Waits until the socket's charge and drops stop changing: the datagrams the sender handed to
// loopback_xmit may still sit in the CPU's backlog until NET_RX runs.
SocketMemory settled_memory(int fd) {
  SocketMemory prev = socket_memory(fd).value_or(SocketMemory{});
  int stable = 0;
  for (int i = 0; i < 500 && stable < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const SocketMemory m = socket_memory(fd).value_or(SocketMemory{});
    stable = m.rmem_alloc == prev.rmem_alloc && m.drops == prev.drops ? stable + 1 : 0;
    prev = m;
  }
  return prev;
}

double ratio(int64_t a, int64_t b) {
  return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0;
}

nlohmann::ordered_json snmp_delta(const std::map<std::string, int64_t>& before,
                                  const std::map<std::string, int64_t>& after) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [name, v] : after) j[name] = v - (before.count(name) ? before.at(name) : 0);
  return j;
}

// The namespace's own sysctls where it has them (rmem_*, wmem_*), else the host's (read before unshare:
// netdev_max_backlog and netdev_budget exist only in the initial namespace and hold for all).
nlohmann::ordered_json sysctls(nlohmann::ordered_json j = nlohmann::ordered_json::object()) {
  for (const char* name : {"net.core.rmem_max", "net.core.rmem_default", "net.core.wmem_default",
                           "net.core.netdev_max_backlog", "net.core.netdev_budget"}) {
    std::string path = name;
    std::replace(path.begin(), path.end(), '.', '/');
    if (auto v = rxpath::realkernel::read_sysctl(path)) j[name] = *v;
  }
  return j;
}

// The receiving end's NAPI kthreads (threaded), found once they are made (run_veth).
std::vector<int> g_napi_threads;

// veth: the devices' counters (the receiver's end in its namespace, the sender's in its own), the
// receiving end's NAPI ring count, and softnet_stat per CPU.
struct VethSnapshot {
  rxpath::realkernel::DevCounters rcv, snd;
  std::map<std::string, int64_t> rcv_ethtool;
  std::vector<rxpath::realkernel::SoftnetRow> softnet;
  int64_t napi_thread_ns = 0; // CPU time of the receiving end's NAPI kthreads (/proc/PID/schedstat)
};

VethSnapshot veth_snapshot(rxpath::realkernel::VethNamespaces& ns) {
  using namespace rxpath::realkernel;
  VethSnapshot v;
  v.softnet = softnet_rows();
  for (int pid : g_napi_threads) {
    int64_t ns = 0;
    if (std::ifstream("/proc/" + std::to_string(pid) + "/schedstat") >> ns) v.napi_thread_ns += ns;
  }
  v.rcv = dev_counters(kVethReceiver).value_or(DevCounters{});
  v.rcv_ethtool = device_stats(kVethReceiver);
  if (auto why = ns.enter_sender(); !why.empty()) throw ProbeError(why);
  v.snd = dev_counters(kVethSender).value_or(DevCounters{});
  if (auto why = ns.enter_receiver(); !why.empty()) throw ProbeError(why);
  return v;
}

nlohmann::ordered_json veth_delta(const VethSnapshot& a, const VethSnapshot& b) {
  using rxpath::realkernel::DevCounters;
  const auto dev = [](const DevCounters& x, const DevCounters& y) {
    return nlohmann::ordered_json{{"rx_packets", y.rx_packets - x.rx_packets},
                                  {"rx_dropped", y.rx_dropped - x.rx_dropped},
                                  {"tx_packets", y.tx_packets - x.tx_packets},
                                  {"tx_dropped", y.tx_dropped - x.tx_dropped}};
  };
  nlohmann::ordered_json j;
  j[rxpath::realkernel::kVethReceiver] = dev(a.rcv, b.rcv);
  j[rxpath::realkernel::kVethSender] = dev(a.snd, b.snd);
  const auto napi = [](const std::map<std::string, int64_t>& m) {
    const auto it = m.find("rx_queue_0_xdp_packets");
    return it == m.end() ? int64_t{0} : it->second;
  };
  j["napi_ring_packets"] = napi(b.rcv_ethtool) - napi(a.rcv_ethtool);
  j["napi_thread_ns"] = b.napi_thread_ns - a.napi_thread_ns;
  nlohmann::ordered_json cpus = nlohmann::ordered_json::array();
  for (const auto& after : b.softnet)
    for (const auto& before : a.softnet)
      if (before.cpu == after.cpu)
        cpus.push_back({{"cpu", after.cpu},
                        {"processed", after.processed - before.processed},
                        {"dropped", after.dropped - before.dropped},
                        {"time_squeeze", after.time_squeeze - before.time_squeeze},
                        {"received_rps", after.received_rps - before.received_rps}});
  j["softnet"] = cpus;
  return j;
}

nlohmann::ordered_json run(const ProbeConfig& c, const nlohmann::ordered_json& host_sysctls,
                           rxpath::realkernel::VethNamespaces* veth = nullptr,
                           nlohmann::ordered_json veth_setup = nullptr) {
  Sockets s;
  if (veth)
    open_veth_sockets(c, s, *veth);
  else
    open_sockets(c, s);
  nlohmann::ordered_json out;
  out["probe"] = "rxpath-udpprobe";
  out["kernel"] = rxpath::realkernel::kernel_release();
  out["mode"] = c.mode;
  out["setup"] = {{"so_rcvbuf_asked", c.rcvbuf_bytes},
                  {"so_rcvbuf_got", int_sockopt(s.rx, SO_RCVBUF)},
                  {"so_sndbuf_got", int_sockopt(s.tx, SO_SNDBUF)},
                  {"payload_bytes", c.payload_bytes},
                  {"count", c.count},
                  {"rate_pps", c.rate_pps},
                  {"work_ns", c.work_ns},
                  {"dst", (veth ? rxpath::realkernel::kVethReceiverAddr : "127.0.0.1") + std::string(":") +
                              std::to_string(c.port)},
                  {"sysctl", sysctls(host_sysctls)}};
  if (veth) out["setup"]["veth"] = veth_setup;

  const auto snmp_before = udp_snmp();
  const int64_t softnet_before = rxpath::realkernel::softnet_dropped();
  const HostLoad load_before = host_load();
  const VethSnapshot veth_before = veth ? veth_snapshot(*veth) : VethSnapshot{};
  std::atomic<bool> receiver_ready{false}, sender_done{false};
  ReceiveResult rr;
  std::string receiver_error;
  nlohmann::ordered_json receiver_cpu;
  std::thread receiver;
  if (c.mode != "fill") {
    receiver = std::thread([&] {
      receiver_cpu = pin(c.receiver_cpu);
      const rusage start = thread_usage();
      receiver_ready = true;
      try {
        receive_loop(c, s.rx, sender_done, rr);
      } catch (const ProbeError& e) {
        receiver_error = e.what();
      }
      receiver_cpu["ran_on"] = sched_getcpu();
      receiver_cpu["context_switches"] = rxpath::realkernel::switches(start, thread_usage());
    });
    while (!receiver_ready) std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds(5)); // let it block in recv()
  }
  nlohmann::ordered_json sender_cpu = pin(c.sender_cpu);
  const rusage sender_start = thread_usage();
  const SendResult sr = send_all(c, s);
  sender_cpu["ran_on"] = sched_getcpu();
  sender_cpu["context_switches"] = rxpath::realkernel::switches(sender_start, thread_usage());
  sender_done = true;

  nlohmann::ordered_json socket;
  int64_t drain_ns = 0;
  if (c.mode == "fill") {
    const SocketMemory full = settled_memory(s.rx);
    std::vector<char> buf(65536);
    const int64_t t0 = now_ns();
    for (ssize_t n; (n = recv(s.rx, buf.data(), buf.size(), MSG_DONTWAIT)) >= 0;) {
      ++rr.received;
      rr.bytes += n;
    }
    drain_ns = now_ns() - t0;
    socket = {{"rmem_alloc_full", full.rmem_alloc},
              {"charged_per_datagram", ratio(full.rmem_alloc, rr.received)}};
  } else {
    receiver.join();
    if (!receiver_error.empty()) throw ProbeError(receiver_error);
  }
  const SocketMemory end = socket_memory(s.rx).value_or(SocketMemory{});
  socket["sk_drops"] = end.drops;
  socket["rmem_alloc_end"] = end.rmem_alloc;

  out["setup"]["sender_cpu"] = sender_cpu;
  if (!receiver_cpu.is_null()) out["setup"]["receiver_cpu"] = receiver_cpu;
  out["sent"] = sr.sent;
  out["send_errors"] = sr.errors;
  out["received"] = rr.received;
  out["received_bytes"] = rr.bytes;
  out["complete"] = !rr.timed_out;
  out["socket"] = socket;
  out["snmp_udp_delta"] = snmp_delta(snmp_before, udp_snmp());
  out["softnet_dropped_delta"] = rxpath::realkernel::softnet_dropped() - softnet_before;
  if (veth) out["veth"] = veth_delta(veth_before, veth_snapshot(*veth));

  const int64_t send_ns = sr.t_last - sr.t_first;
  nlohmann::ordered_json t = {
      {"send", send_ns}, {"send_per_datagram", ratio(send_ns, c.count)}, {"sendto_max", sr.call_max_ns}};
  nlohmann::ordered_json rates = {{"sent", ratio(c.count * 1'000'000'000, send_ns)}};
  if (c.rate_pps > 0) {
    t["send_lateness_max"] = sr.lateness_max_ns;
    t["send_lateness_mean"] = ratio(sr.lateness_sum_ns, c.count);
  }
  if (c.mode == "fill") {
    t["drain"] = drain_ns;
    t["drain_per_datagram"] = ratio(drain_ns, rr.received);
  } else if (rr.received > 0) {
    t["receive"] = rr.t_last - rr.t_first;
    t["recv_mean"] = ratio(rr.recv_ns_sum, rr.received);
    t["recv_max"] = rr.recv_ns_max;
    // As the model's throughput_pps: delivered over first send to last delivery.
    rates["delivered"] = ratio(rr.received * 1'000'000'000, rr.t_last - sr.t_first);
  }
  out["timing_ns"] = t;
  if (c.mode != "fill") out["latency_ns"] = latency_json(rr.latency_ns);
  out["rates_pps"] = rates;
  out["host"] = rxpath::realkernel::host_json(load_before, host_load());
  out["stalls"] = {{"sender", sr.stalls.to_json(send_ns)}};
  if (c.mode != "fill") out["stalls"]["receiver"] = rr.stalls.to_json(rr.t_last - rr.t_first);
  return out;
}

// The veth mode's setup around run(): the global sysctls (while still in the initial namespace), the
// two namespaces and the pair, the receiving end's knobs. Everything but the sysctls goes with the
// process; those are written back on every way out but SIGKILL (and then by the next probe).
int run_veth(const ProbeConfig& c, const nlohmann::ordered_json& host_sysctls) {
  using namespace rxpath::realkernel;
  std::map<std::string, int64_t> global;
  if (c.netdev_budget > 0) global["net/core/netdev_budget"] = c.netdev_budget;
  if (c.netdev_budget_usecs > 0) global["net/core/netdev_budget_usecs"] = c.netdev_budget_usecs;
  // Where they cannot be written (not root, a read-only /proc/sys) no namespace can be made either:
  // skip, as the other modes do, rather than fail.
  for (const auto& [path, _] : global)
    if (access(("/proc/sys/" + path).c_str(), W_OK) != 0) {
      std::cerr << "rxpath-udpprobe: skipped: cannot write /proc/sys/" << path << ": " << std::strerror(errno)
                << "\n";
      return kSkipped;
    }
  GlobalSysctls sysctl_guard;
  std::string stale;
  if (auto why = sysctl_guard.set(global, stale); !why.empty()) {
    std::cerr << "rxpath-udpprobe: error: global sysctls: " << why << "\n";
    return 1;
  }
  nlohmann::ordered_json setup = {
      {"sender",
       {{"namespace", "new"}, {"dev", kVethSender}, {"addr", std::string(kVethSenderAddr) + "/30"}}},
      {"receiver",
       {{"namespace", "new"}, {"dev", kVethReceiver}, {"addr", std::string(kVethReceiverAddr) + "/30"}}},
      {"global_sysctls_set", global},
      {"global_sysctls_saved", sysctl_guard.saved()}};
  if (!stale.empty()) setup["stale_sysctls_restored"] = stale;
  // What the kernel says the global values are now (set before the namespaces hide them).
  for (const char* path : {"net/core/netdev_budget", "net/core/netdev_budget_usecs", "net/core/busy_read",
                           "net/core/busy_poll", "net/core/dev_weight", "net/core/netdev_max_backlog"})
    if (auto v = read_sysctl(path)) setup["global_sysctls_during"][path] = *v;
  VethNamespaces ns;
  bool skip = false;
  if (auto why = ns.create(skip); !why.empty()) {
    std::cerr << "rxpath-udpprobe: " << (skip ? "skipped: cannot make the veth namespaces here: " : "error: ")
              << why << "\n";
    return skip ? kSkipped : 1;
  }
  // The receiving end's knobs, in the receiver's namespace (where create() left this thread). GRO and
  // TSO first: threaded NAPI needs the NAPI that GRO adds.
  const auto knob = [&](const char* name, const std::string& why) {
    setup["knobs"][name] = why.empty() ? nlohmann::ordered_json("set") : nlohmann::ordered_json(why);
    return why.empty();
  };
  bool ok = knob("gro", set_gro(kVethReceiver, c.gro));
  if (!c.sender_tso) {
    std::string why = ns.enter_sender();
    if (why.empty()) why = set_tso(kVethSender, false);
    if (auto back = ns.enter_receiver(); why.empty()) why = back;
    ok = knob("sender_tso_off", why) && ok;
  }
  // The kthread appears when threaded is set (netif_set_threaded creates it); one of the same name
  // may still exist for a namespace a previous probe left, which the kernel tears down later.
  const std::vector<int> old_threads = c.threaded ? napi_threads(kVethReceiver) : std::vector<int>{};
  if (c.threaded) ok = knob("threaded", set_threaded(kVethReceiver, true)) && ok;
  if (c.threaded) {
    nlohmann::ordered_json threads = nlohmann::ordered_json::array();
    for (int pid : napi_threads(kVethReceiver)) {
      if (std::find(old_threads.begin(), old_threads.end(), pid) != old_threads.end()) continue;
      g_napi_threads.push_back(pid);
      nlohmann::ordered_json t = {{"pid", pid}};
      if (c.napi_thread_cpu >= 0) {
        const std::string why = pin_task(pid, c.napi_thread_cpu);
        t["pinned"] = why.empty() ? nlohmann::ordered_json(c.napi_thread_cpu) : nlohmann::ordered_json(why);
        ok = why.empty() && ok;
      }
      // The kthread works for the probe: it gets the probe's nice (the probe's own threads get it
      // through their autogroup, which a kthread is not in), else on a shared machine it takes turns
      // with other tenants' tasks while the probe's threads do not.
      if (c.nice != 0) {
        const bool reniced = setpriority(PRIO_PROCESS, static_cast<id_t>(pid), c.nice) == 0;
        t["nice"] = reniced ? nlohmann::ordered_json(c.nice) : nlohmann::ordered_json(std::strerror(errno));
      }
      threads.push_back(t);
    }
    setup["napi_threads"] = threads;
    if (threads.empty() && c.napi_thread_cpu >= 0)
      ok = knob("napi_thread_cpu", "no napi/vrcv-* kthread found");
  }
  if (!c.rps_cpus.empty()) ok = knob("rps_cpus", set_rps_cpus(kVethReceiver, c.rps_cpus)) && ok;
  setup["gro_now"] = get_gro(kVethReceiver).value_or(false);
  setup["gro"] = c.gro;
  setup["sender_tso"] = c.sender_tso;
  setup["threaded"] = c.threaded;
  setup["busy_poll_us"] = c.busy_poll_us;
  setup["rps_cpus"] = c.rps_cpus;
  if (!ok) {
    std::cerr << "rxpath-udpprobe: error: veth knobs: " << setup["knobs"].dump() << "\n";
    return 1;
  }
  if (c.nice != 0) {
    const std::string why = set_group_nice(c.nice);
    setup["nice"] = {{"asked", c.nice}, {"set", why.empty()}};
    if (!why.empty()) setup["nice"]["error"] = why;
  }
  try {
    auto out = run(c, host_sysctls, &ns, setup);
    sysctl_guard.restore();
    std::cout << out.dump(2) << "\n";
  } catch (const ProbeError& e) {
    std::cerr << "rxpath-udpprobe: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  ProbeConfig c;
  CLI::App app{"One UDP experiment through the real kernel in a fresh network namespace (loopback); prints "
               "one JSON object. Needs root; exits 77 where no network namespace can be made."};
  app.add_option("MODE", c.mode,
                 "fill: nobody reads while the sender sends, then drain; slow: paced sender, receiver "
                 "with work per datagram; saturate: both as fast as they can; overload: sender paced by "
                 "spinning (or back to back), receiver with work per datagram, on any CPUs; veth: as "
                 "overload between two namespaces joined by a veth pair")
      ->required()
      ->check(CLI::IsMember({"fill", "slow", "saturate", "overload", "veth"}));
  app.add_option("--rcvbuf", c.rcvbuf_bytes, "setsockopt(SO_RCVBUF) on the receiver, bytes (0: not set)")
      ->check(CLI::Range(0, 1 << 30));
  app.add_option("--payload", c.payload_bytes, "UDP payload per datagram, bytes")
      ->check(CLI::Range(0, 65507));
  app.add_option("--count", c.count, "Datagrams to send")
      ->check(CLI::Range(int64_t{1}, int64_t{100'000'000}));
  auto* rate = app.add_option("--rate", c.rate_pps,
                              "slow, overload: the sender's rate, datagrams/s (overload without it: back "
                              "to back)")
                   ->check(CLI::Range(1.0, 1e8));
  auto* work =
      app.add_option("--work-ns", c.work_ns, "slow, overload: the receiver's busy work per datagram, ns")
          ->check(CLI::Range(int64_t{0}, int64_t{1'000'000'000}));
  app.add_option("--sender-cpu", c.sender_cpu, "CPU the sender thread is pinned to")
      ->check(CLI::Range(0, 1023));
  app.add_option("--receiver-cpu", c.receiver_cpu, "CPU the receiver thread is pinned to")
      ->check(CLI::Range(0, 1023));
  app.add_option("--port", c.port, "Receiver's port on 127.0.0.1")->check(CLI::Range(1, 65535));
  app.add_option("--nice", c.nice,
                 "Run at this nice against every other task on the machine (an autogroup of its own); "
                 "-20 keeps a shared machine's other tenants out of the experiment")
      ->check(CLI::Range(-20, 19));
  const auto on_off = [&](const char* name, bool& flag, const std::string& help) {
    return app
        .add_option_function<std::string>(
            name, [&flag](const std::string& v) { flag = v == "on"; }, help)
        ->check(CLI::IsMember({"on", "off"}));
  };
  std::vector<CLI::Option*> veth_only = {
      on_off("--gro", c.gro, "veth: GRO on the receiving end (ETHTOOL_SGRO; default off)"),
      on_off("--sender-tso", c.sender_tso,
             "veth: TSO on the sending end (ETHTOOL_STSO; default on, as veth comes up): with it, local UDP "
             "skips the receiver's NAPI ring"),
      on_off("--threaded", c.threaded, "veth: threaded NAPI on the receiving end (needs --gro on)"),
      app.add_option("--napi-thread-cpu", c.napi_thread_cpu,
                     "veth, --threaded on: pin the NAPI kthread to this CPU (default: the scheduler places "
                     "it)")
          ->check(CLI::Range(0, 1023)),
      app.add_option("--busy-poll", c.busy_poll_us,
                     "veth: SO_BUSY_POLL on the receiver's socket, µs (net.core.busy_read's per-socket "
                     "form; 0: off)")
          ->check(CLI::Range(0, 1'000'000)),
      app.add_option("--rps-cpus", c.rps_cpus, "veth: the receiving end's rx-0 rps_cpus mask (hex)")
          ->check([](const std::string& v) {
            return !v.empty() && v.find_first_not_of("0123456789abcdefABCDEF,") == std::string::npos
                       ? std::string()
                       : std::string("a hex CPU mask, e.g. 2");
          }),
      app.add_option("--netdev-budget", c.netdev_budget,
                     "veth: net.core.netdev_budget during the run (GLOBAL: saved and restored; 0: as is)")
          ->check(CLI::Range(int64_t{0}, int64_t{1'000'000})),
      app.add_option(
             "--netdev-budget-usecs", c.netdev_budget_usecs,
             "veth: net.core.netdev_budget_usecs during the run (GLOBAL: saved and restored; 0: as is; "
             "the kernel refuses less than 2 jiffies)")
          ->check(CLI::Range(int64_t{0}, int64_t{1'000'000'000}))};
  app.add_option("--timeout-ms", c.timeout_ms, "The receiver gives up after this long without a datagram")
      ->check(CLI::Range(int64_t{1}, int64_t{600'000}));
  try {
    app.parse(argc, argv);
    if (c.mode == "slow" && rate->count() == 0)
      throw CLI::ValidationError("--rate", "needed with MODE slow: the sender's rate, datagrams/s");
    const bool paced_mode = c.mode == "slow" || c.mode == "overload" || c.mode == "veth";
    if (!paced_mode && (rate->count() || work->count()))
      throw CLI::ValidationError(
          rate->count() ? "--rate" : "--work-ns",
          "only with MODE slow, overload or veth (fill and saturate send back to back)");
    if ((c.mode == "overload" || c.mode == "veth") && c.payload_bytes < static_cast<int>(sizeof(int64_t)))
      throw CLI::ValidationError("--payload",
                                 "at least 8 with MODE " + c.mode + ": the send time goes in it");
    if (c.mode != "veth")
      for (const CLI::Option* opt : veth_only)
        if (opt->count()) throw CLI::ValidationError(opt->get_name(), "only with MODE veth");
    if (c.napi_thread_cpu >= 0 && !c.threaded)
      throw CLI::ValidationError("--napi-thread-cpu", "needs --threaded on");
    if (c.threaded && !c.gro)
      throw CLI::ValidationError("--threaded", "needs --gro on (a veth has NAPI only with GRO or XDP)");
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "rxpath-udpprobe: error: " << e.what() << "\n";
    return 2;
  }
  const auto host_sysctls = sysctls();
  if (c.mode == "veth") return run_veth(c, host_sysctls);
  if (const std::string why = rxpath::realkernel::enter_fresh_netns(); !why.empty()) {
    std::cerr << "rxpath-udpprobe: skipped: cannot make a network namespace here: " << why << "\n";
    return kSkipped;
  }
  std::string nice_error;
  if (c.nice != 0) nice_error = rxpath::realkernel::set_group_nice(c.nice);
  try {
    auto out = run(c, host_sysctls);
    out["setup"]["nice"] = {{"asked", c.nice}, {"set", c.nice != 0 && nice_error.empty()}};
    if (!nice_error.empty()) out["setup"]["nice"]["error"] = nice_error;
    std::cout << out.dump(2) << "\n";
  } catch (const ProbeError& e) {
    std::cerr << "rxpath-udpprobe: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

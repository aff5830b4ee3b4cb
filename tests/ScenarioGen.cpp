#include "ScenarioGen.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace rxpath::test {

using nlohmann::json;

namespace {

struct Pick {
  std::mt19937_64& rng;
  int64_t in(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); }
  double real(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng); }
  template <typename T>
  const T& one(const std::vector<T>& v) {
    return v[static_cast<size_t>(in(0, v.size() - 1))];
  }
};

json match(Pick& p, const std::vector<int64_t>& ports) {
  json m = json::object();
  if (p.chance(0.5)) m["protocol"] = p.one<std::string>({"udp", "tcp", "icmp"});
  if (p.chance(0.3)) m["src"] = p.one<std::string>({"10.0.0.2", "10.0.0.3", "127.0.0.1"});
  if (p.chance(0.3)) m["sport"] = p.one<int64_t>({5000, 5001, 40000});
  if (p.chance(0.5)) m["dport"] = p.one(ports);
  return m;
}

} // namespace

json random_scenario(std::mt19937_64& rng) {
  Pick p{rng};
  json sc;
  const bool lo = p.chance(0.25);
  const std::string kernel =
      p.one<std::string>({"3.19", "4.9", "4.19", "5.4", "5.10", "5.15", "6.1", "6.6", "6.12", "6.18"});
  const bool linux6 = kernel != "3.19" && kernel != "4.9"; // UDP's own accounting: no lock_sock
  const int64_t cpus = p.in(1, 4);
  sc["name"] = "random";
  sc["kernel"] = kernel;
  sc["seed"] = p.in(0, int64_t{1} << 62);
  sc["cpus"] = cpus;
  sc["ptype_all_tap"] = p.chance(0.1);
  const std::string addr = lo ? "127.0.0.1" : "10.0.0.1";

  json& sys = sc["sysctl"] = json::object();
  if (p.chance(0.5)) sys["net.core.netdev_budget"] = p.in(1, 600);
  if (p.chance(0.3)) sys["net.core.netdev_budget_usecs"] = p.in(5, 4000);
  if (p.chance(0.5)) sys["net.core.dev_weight"] = p.in(1, 128);
  if (p.chance(0.4)) sys["net.core.netdev_max_backlog"] = p.in(0, 2000);
  if (p.chance(0.3)) sys["net.core.rmem_default"] = p.in(256, 400000);
  if (p.chance(0.3)) sys["net.core.rmem_max"] = p.in(256, 4 << 20);
  if (p.chance(0.2)) sys["net.ipv4.ip_early_demux"] = p.chance(0.5);
  sys["net.ipv4.ipfrag_time"] = p.in(1, 2);

  json& nic = sc["nic"] = {{"address", addr}};
  if (p.chance(0.5)) nic["ring_size"] = p.in(2, 512);
  if (p.chance(0.3)) nic["rx_usecs"] = p.in(0, 100);
  if (p.chance(0.3)) nic["rx_frames"] = p.in(0, 32);
  nic["irq_cpu"] = p.in(0, cpus - 1);
  nic["napi"] = p.chance(0.8);
  if (p.chance(0.3)) nic["napi_weight"] = p.in(1, 64);
  if (p.chance(0.3)) {
    json rps = json::array();
    for (int64_t c = 0; c < cpus; ++c)
      if (p.chance(0.6)) rps.push_back(c);
    nic["rps_cpus"] = rps;
  }
  if (p.chance(0.1)) nic["skb_alloc_fail_ratio"] = p.real(0, 0.05);
  if (p.chance(0.35)) { // a multi-queue NIC: RSS over queues, each with its own IRQ CPU
    const int64_t queues = p.in(1, cpus + 2);
    nic["driver"] = "mlx5";
    nic["napi"] = true;
    nic["queues"] = queues;
    if (p.chance(0.5)) {
      json irqs = json::array();
      for (int64_t q = 0; q < queues; ++q) irqs.push_back(p.in(0, cpus - 1));
      nic["irq_cpus"] = irqs;
    }
    json& rss = nic["rss"] = json::object();
    rss["hash_fields"] = p.one<std::string>({"l4", "l3"});
    rss["symmetric"] = p.chance(0.5);
    if (p.chance(0.3)) {
      std::string key;
      for (int i = 0; i < 40; ++i) {
        static const char* hex = "0123456789abcdef";
        const int64_t b = p.in(0, 255);
        key += std::string{hex[b >> 4], hex[b & 15]} + (i < 39 ? ":" : "");
      }
      rss["key"] = key;
    }
    if (p.chance(0.3)) {
      json table = json::array();
      for (int i = 0; i < 256; ++i) table.push_back(p.in(0, queues - 1));
      rss["indirection"] = table;
    }
  }

  // Sockets on distinct ports, or a SO_REUSEADDR pair on one port.
  std::vector<int64_t> ports;
  json& socks = sc["sockets"] = json::array();
  const int64_t nsock = p.in(1, 3);
  const bool reuse_pair = nsock >= 2 && p.chance(0.25);
  for (int64_t i = 0; i < nsock; ++i) {
    const int64_t port = reuse_pair && i == 1 ? ports[0] : 9000 + i;
    ports.push_back(port);
    json s = {{"name", "s" + std::to_string(i)}};
    const bool specific = reuse_pair ? i == 0 : p.chance(0.3);
    s["bind"] = (specific ? addr : std::string("0.0.0.0")) + ":" + std::to_string(port);
    if (reuse_pair && i < 2) s["reuseaddr"] = true;
    if (p.chance(0.2)) s["connect"] = (lo ? "127.0.0.1" : "10.0.0.2") + std::string(":5000");
    if (p.chance(0.5)) s["so_rcvbuf_bytes"] = p.chance(0.2) ? p.in(1, 3000) : p.in(1000, 300000);
    if (p.chance(0.15)) s["filter_accept"] = match(p, ports);
    socks.push_back(s);
  }

  // Traffic: about 50 to 2,500 datagrams in all.
  json& traffic = sc["traffic"] = json::array();
  const int64_t nsrc = p.in(1, 3);
  for (int64_t i = 0; i < nsrc; ++i) {
    json t;
    const std::string pattern = p.one<std::string>({"constant", "poisson", "burst", "list"});
    t["pattern"] = pattern;
    t["rate_pps"] = std::round(p.real(1000, 1.5e6));
    if (pattern == "list") {
      json times = json::array();
      int64_t at = 0;
      for (int64_t n = p.in(1, 200); n > 0; --n) times.push_back(at += p.in(0, 20000));
      t["times_ns"] = times;
    } else if (p.chance(0.2)) {
      t["duration_ns"] = p.in(10000, 1000000);
    } else {
      t["count"] = p.in(0, 800);
    }
    if (pattern == "burst") t["burst_frames"] = p.in(1, 64);
    if (p.chance(0.3)) t["start_ns"] = p.in(0, 50000);
    t["payload_bytes"] = p.chance(0.2) ? p.in(0, 4000) : p.one<int64_t>({0, 18, 64, 512, 1472});
    const int64_t dport = p.chance(0.85) ? p.one(ports) : 7777;
    if (lo) {
      t["device"] = "lo";
      t["sender_cpu"] = p.in(0, cpus - 1);
      if (p.chance(0.3)) t["pacing"] = "spin";
      if (p.chance(0.2)) t["nice"] = p.in(-20, 19);
      t["src"] = "127.0.0.1:" + std::to_string(40000 + i);
      t["dst"] = "127.0.0.1:" + std::to_string(dport);
    } else {
      t["src"] =
          p.one<std::string>({"10.0.0.2", "10.0.0.3"}) + ":" + std::to_string(p.one<int64_t>({5000, 5001}));
      t["dst"] = (p.chance(0.95) ? addr : std::string("10.0.0.9")) + ":" + std::to_string(dport);
      if (p.chance(0.2)) t["mtu_bytes"] = p.in(576, 1500);
      if (p.chance(0.1)) t["ip_protocol"] = p.one<int64_t>({6, 1});
      if (p.chance(0.05)) t["ethertype"] = 0x86dd;
      if (p.chance(0.15)) t["bad_checksum_ratio"] = p.real(0, 0.3);
      if (p.chance(0.1)) t["bad_ip_checksum_ratio"] = p.real(0, 0.2);
      if (p.chance(0.1)) t["bad_udp_length_ratio"] = p.real(0, 0.2);
    }
    traffic.push_back(t);
  }

  json& nf = sc["netfilter"] = json::object();
  for (const char* hook : {"prerouting", "local_in"}) {
    if (!p.chance(0.2)) continue;
    json rules = json::array();
    for (int64_t n = p.in(1, 3); n > 0; --n) {
      json r = match(p, ports);
      r["verdict"] = p.chance(0.4) ? "DROP" : "ACCEPT";
      rules.push_back(r);
    }
    nf[hook] = rules;
  }

  json& recv = sc["receivers"] = json::array();
  for (int64_t n = p.in(0, 3); n > 0; --n) {
    json r = {{"socket", "s" + std::to_string(p.in(0, nsock - 1))}, {"cpu", p.in(0, cpus - 1)}};
    if (p.chance(0.5)) r["app_work_ns"] = p.chance(0.5) ? 0 : p.in(0, 20000);
    if (p.chance(0.3)) r["app_work_dist"] = "exponential";
    if (p.chance(0.2)) r["rcvtimeo_us"] = p.in(1, 5000);
    if (p.chance(0.15)) r["user_buffer_bytes"] = p.in(0, 2000);
    if (!linux6 && p.chance(0.15)) r["lock_hold_ns"] = p.in(1, 5000);
    if (p.chance(0.1))
      r["sched_fifo_priority"] = p.in(1, 99);
    else if (p.chance(0.25))
      r["nice"] = p.in(-20, 19);
    recv.push_back(r);
  }
  // Some costs spread as lognormals.
  if (p.chance(0.3)) {
    json& costs = sc["costs"] = json::object();
    for (const char* key : {"ip_rcv_ns", "wakeup_latency_ns", "recvmsg_ns", "hardirq_ns", "udp_rcv_ns"})
      if (p.chance(0.5)) {
        const int64_t median = p.in(1, 3000);
        costs[key] = {{"median", median}, {"p99", median + p.in(0, 20000)}};
      }
  }
  // CPU-bound processes beside them.
  json& bg = sc["background"] = json::array();
  for (int64_t n = p.chance(0.3) ? p.in(1, 2) : 0; n > 0; --n)
    bg.push_back({{"cpu", p.in(0, cpus - 1)}, {"nice", p.chance(0.5) ? 0 : p.in(-20, 19)}});
  return sc;
}

} // namespace rxpath::test

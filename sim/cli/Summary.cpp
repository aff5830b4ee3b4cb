#include "Summary.hpp"

#include "model/Counters.hpp"

#include <cstdio>
#include <map>
#include <string>

namespace rxpath::cli {
namespace {

std::string fmt(const char* f, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, f, args...);
  return buf;
}

std::string us(int64_t ns) {
  return fmt("%.2f", static_cast<double>(ns) / 1e3);
}

void latency_row(std::ostream& os, const char* name, const model::Percentiles& p, const char* help) {
  if (p.count == 0) return;
  os << fmt("  %-18s %9lld %9.2f %9s %9s %9s %9s %9s  %s\n", name, static_cast<long long>(p.count),
            p.mean / 1e3, us(p.p50).c_str(), us(p.p90).c_str(), us(p.p99).c_str(), us(p.p999).c_str(),
            us(p.max).c_str(), help);
}

} // namespace

void print_summary(std::ostream& os, const nlohmann::json& header, const trace::RunSummary& end,
                   const model::StatsResult& s) {
  const auto& sc = header["scenario"];
  const int64_t end_ns = end.t_ns;
  os << fmt("rxpath: scenario \"%s\" (kernel %s, seed %lld, %lld CPUs), %.3f ms simulated\n",
            sc.value("name", "").c_str(), header.value("kernel", "").c_str(),
            static_cast<long long>(header.value("seed", int64_t{0})),
            static_cast<long long>(header.value("cpus", 0)), static_cast<double>(end_ns) / 1e6);

  const int64_t dropped = s.arrived - s.delivered;
  os << fmt("\nDatagrams: %lld arrived, %lld delivered (%.2f%%), %lld dropped\n",
            static_cast<long long>(s.arrived), static_cast<long long>(s.delivered),
            s.arrived ? 100.0 * static_cast<double>(s.delivered) / static_cast<double>(s.arrived) : 0.0,
            static_cast<long long>(dropped));
  for (size_t r = 1; r < s.dropped.size(); ++r)
    if (s.dropped[r])
      os << fmt("  dropped %-20s %10lld\n",
                std::string(trace::to_string(static_cast<trace::DropReason>(r))).c_str(),
                static_cast<long long>(s.dropped[r]));
  os << fmt("Throughput: %.1f kdatagram/s delivered (first arrival to last delivery)\n",
            s.throughput_pps() / 1e3);

  os << "\nLatency, µs (rx_ring_dma of the first frame -> copied to user):\n";
  os << fmt("  %-18s %9s %9s %9s %9s %9s %9s %9s\n", "", "count", "mean", "p50", "p90", "p99", "p99.9",
            "max");
  latency_row(os, "total", s.latency, "");
  for (size_t i = 0; i < s.parts.size(); ++i)
    latency_row(os, model::part_name(static_cast<model::Part>(i)), s.parts[i],
                model::part_help(static_cast<model::Part>(i)));

  os << "\nCPU time by context (% of the run):\n";
  os << fmt("  %-4s %9s %9s %9s %9s %9s\n", "cpu", "hardirq", "softirq", "ksoftirqd", "process", "idle");
  for (const auto& row : end.cpu_time) {
    auto pct = [&](int64_t ns) {
      return end_ns ? 100.0 * static_cast<double>(ns) / static_cast<double>(end_ns) : 0.0;
    };
    os << fmt("  %-4lld %8.2f%% %8.2f%% %8.2f%% %8.2f%% %8.2f%%\n", static_cast<long long>(row.cpu),
              pct(row.hardirq), pct(row.softirq), pct(row.ksoftirqd), pct(row.process), pct(row.idle));
  }

  // net/core/net-procfs.c softnet_seq_show, in %08x. 3.19: processed, dropped, time_squeeze, five
  // zeros, cpu_collision, received_rps, flow_limit_count. 6.18 adds the backlog length, the CPU's
  // index and its input and process queue lengths (all 0 at the end of a run: queues are empty).
  const bool linux6 = header.value("kernel", std::string("3.19")) != "3.19";
  os << "\n/proc/net/softnet_stat\n";
  for (const auto& row : end.softnet) {
    os << fmt("%08llx %08llx %08llx %08x %08x %08x %08x %08x %08x %08llx %08llx",
              static_cast<unsigned long long>(row.processed), static_cast<unsigned long long>(row.dropped),
              static_cast<unsigned long long>(row.time_squeeze), 0, 0, 0, 0, 0, 0,
              static_cast<unsigned long long>(row.received_rps),
              static_cast<unsigned long long>(row.flow_limit_count));
    if (linux6) os << fmt(" %08x %08llx %08x %08x", 0, static_cast<unsigned long long>(row.cpu), 0, 0);
    os << "\n";
  }

  // net/ipv4/proc.c. 6.3+ adds Ip OutTransmits (ip_finish_output2's packets: here every
  // datagram sent, as nothing is fragmented on output) and 4.x+ Udp MemErrors (never, here).
  os << "\n/proc/net/snmp\n";
  auto mib = [&](const char* name, std::vector<std::string> keys,
                 const std::map<std::string, std::string>& same_as = {}) {
    std::string h = std::string(name) + ":", v = std::string(name) + ":";
    for (const auto& k : keys) {
      const auto alias = same_as.find(k);
      const std::string& from = alias == same_as.end() ? k : alias->second;
      h += " " + k;
      v += " " + std::to_string(end.snmp_value(name, from));
    }
    os << h << "\n" << v << "\n";
  };
  auto ip = model::ip_mib_names();
  auto udp = model::udp_mib_names();
  if (linux6) {
    ip.push_back("OutTransmits");
    udp.push_back("MemErrors");
  }
  mib("Ip", ip, {{"OutTransmits", "OutRequests"}});
  mib("Udp", udp);
  if (!end.netstat.empty()) {
    os << "\n/proc/net/netstat (the receive path's part)\n";
    mib("IpExt", {"InCsumErrors"});
  }

  const auto& nic = end.nic;
  os << fmt("\nNIC: rx_packets %lld, rx_missed_errors %lld, rx_dropped %lld, RX interrupts %lld\n",
            static_cast<long long>(nic.rx_packets), static_cast<long long>(nic.rx_missed_errors),
            static_cast<long long>(nic.rx_dropped), static_cast<long long>(nic.interrupts));
  if (!end.sockets.empty()) {
    os << fmt("Sockets: %-12s %10s %10s %10s %10s %10s\n", "name", "queued", "delivered", "sk_drops",
              "truncated", "backlog");
    for (const auto& so : end.sockets)
      os << fmt("         %-12s %10lld %10lld %10lld %10lld %10lld\n", so.name.c_str(),
                static_cast<long long>(so.queued), static_cast<long long>(so.delivered),
                static_cast<long long>(so.drops), static_cast<long long>(so.truncated),
                static_cast<long long>(so.backlog));
  }
}

} // namespace rxpath::cli

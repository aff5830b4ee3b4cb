// A run's end object (docs/trace-format.md) as typed values: what the CLI summary, the sweeps'
// metrics and compare read, instead of indexing the JSON by string key each.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rxpath::trace {

struct CpuTime { // one CPU's time by context, ns
  int64_t cpu = 0, hardirq = 0, softirq = 0, ksoftirqd = 0, process = 0, idle = 0;
  int64_t busy() const { return hardirq + softirq + ksoftirqd + process; }
};
struct SoftnetRow { // /proc/net/softnet_stat of one CPU
  int64_t cpu = 0, processed = 0, dropped = 0, time_squeeze = 0, received_rps = 0, flow_limit_count = 0;
};
struct NicCounters {
  int64_t rx_packets = 0, rx_missed_errors = 0, rx_dropped = 0, interrupts = 0;
};
struct SocketCounters {
  std::string name;
  int64_t queued = 0, delivered = 0, drops = 0, truncated = 0, backlog = 0;
};
using Mib = std::map<std::string, int64_t>; // a /proc/net line: name -> value

struct RunSummary {
  int64_t t_ns = 0; // the end of the run
  int64_t arrived = 0, delivered = 0;
  std::map<std::string, int64_t> dropped; // by drop reason name
  std::vector<CpuTime> cpu_time;
  std::vector<SoftnetRow> softnet;
  std::map<std::string, Mib> snmp;    // "Ip", "Udp"
  std::map<std::string, Mib> netstat; // "IpExt" (trace schema 3 on)
  NicCounters nic;
  int64_t netfilter_drops = 0;
  std::vector<SocketCounters> sockets;

  int64_t time_squeeze() const;
  // A /proc/net value, 0 when the trace does not have it.
  int64_t snmp_value(const std::string& mib, const std::string& name) const;
};

// Checks the end object's shape (check_end: throws TraceError naming `where` and the key), then
// reads it.
RunSummary read_run_summary(const nlohmann::json& end, const std::string& where, int64_t cpus);

} // namespace rxpath::trace

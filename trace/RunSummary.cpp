#include "RunSummary.hpp"

#include "EndObject.hpp"

namespace rxpath::trace {
namespace {

int64_t get(const nlohmann::json& j, const char* key) {
  return j.contains(key) ? j[key].get<int64_t>() : 0;
}

std::map<std::string, Mib> mibs(const nlohmann::json& j) {
  std::map<std::string, Mib> out;
  for (const auto& [name, values] : j.items())
    for (const auto& [k, v] : values.items()) out[name][k] = v.get<int64_t>();
  return out;
}

} // namespace

int64_t RunSummary::time_squeeze() const {
  int64_t n = 0;
  for (const auto& s : softnet) n += s.time_squeeze;
  return n;
}

int64_t RunSummary::snmp_value(const std::string& mib, const std::string& name) const {
  for (const auto* table : {&snmp, &netstat})
    if (auto m = table->find(mib); m != table->end())
      if (auto v = m->second.find(name); v != m->second.end()) return v->second;
  return 0;
}

RunSummary read_run_summary(const nlohmann::json& end, const std::string& where, int64_t cpus) {
  check_end(end, where, cpus);
  RunSummary r;
  r.t_ns = get(end, "t");
  const auto& p = end["packets"];
  r.arrived = get(p, "arrived");
  r.delivered = get(p, "delivered");
  for (const auto& [k, v] : p["dropped"].items()) r.dropped[k] = v.get<int64_t>();
  for (const auto& row : end["cpu_time_ns"])
    r.cpu_time.push_back({get(row, "cpu"), get(row, "hardirq"), get(row, "softirq"), get(row, "ksoftirqd"),
                          get(row, "process"), get(row, "idle")});
  for (const auto& row : end["softnet_stat"])
    r.softnet.push_back({get(row, "cpu"), get(row, "processed"), get(row, "dropped"),
                         get(row, "time_squeeze"), get(row, "received_rps"), get(row, "flow_limit_count")});
  r.snmp = mibs(end["snmp"]);
  if (end.contains("netstat")) r.netstat = mibs(end["netstat"]);
  const auto& nic = end["nic"];
  r.nic = {get(nic, "rx_packets"), get(nic, "rx_missed_errors"), get(nic, "rx_dropped"),
           get(nic, "interrupts")};
  r.netfilter_drops = get(end, "netfilter_drops");
  for (const auto& so : end["sockets"])
    r.sockets.push_back({so.value("name", ""), get(so, "queued"), get(so, "delivered"), get(so, "drops"),
                         get(so, "truncated"), get(so, "backlog")});
  return r;
}

} // namespace rxpath::trace

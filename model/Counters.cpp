#include "Counters.hpp"

#include <nlohmann/json.hpp>

namespace rxpath::model {

const std::vector<std::string>& ip_mib_names() {
  static const std::vector<std::string> names{
      "Forwarding",    "DefaultTTL",      "InReceives",   "InHdrErrors", "InAddrErrors",
      "ForwDatagrams", "InUnknownProtos", "InDiscards",   "InDelivers",  "OutRequests",
      "OutDiscards",   "OutNoRoutes",     "ReasmTimeout", "ReasmReqds",  "ReasmOKs",
      "ReasmFails",    "FragOKs",         "FragFails",    "FragCreates"};
  return names;
}

const std::vector<std::string>& udp_mib_names() {
  static const std::vector<std::string> names{"InDatagrams",  "NoPorts",      "InErrors",     "OutDatagrams",
                                              "RcvbufErrors", "SndbufErrors", "InCsumErrors", "IgnoredMulti"};
  return names;
}

Counters::Counters(int cpus, int nsockets) : softnet(cpus), sockets(nsockets) {
  (*this)[IpMib::Forwarding] = 2; // not a router
  (*this)[IpMib::DefaultTTL] = 64;
}

int64_t Counters::total_dropped() const {
  int64_t n = 0;
  for (auto d : dropped) n += d;
  return n;
}

nlohmann::json to_json(const Counters& c, const std::vector<std::string>& socket_names) {
  nlohmann::json j;
  nlohmann::json drops = nlohmann::json::object();
  for (size_t r = 1; r < c.dropped.size(); ++r)
    if (c.dropped[r]) drops[std::string(trace::to_string(static_cast<trace::DropReason>(r)))] = c.dropped[r];
  j["packets"] = {{"arrived", c.arrived}, {"delivered", c.delivered}, {"dropped", drops}};
  j["softnet_stat"] = nlohmann::json::array();
  for (size_t i = 0; i < c.softnet.size(); ++i) {
    const auto& s = c.softnet[i];
    j["softnet_stat"].push_back({{"cpu", i},
                                 {"processed", s.processed},
                                 {"dropped", s.dropped},
                                 {"time_squeeze", s.time_squeeze},
                                 {"received_rps", s.received_rps},
                                 {"flow_limit_count", s.flow_limit_count}});
  }
  nlohmann::json ip = nlohmann::json::object(), udp = nlohmann::json::object();
  for (size_t i = 0; i < c.ip.size(); ++i) ip[ip_mib_names()[i]] = c.ip[i];
  for (size_t i = 0; i < c.udp.size(); ++i) udp[udp_mib_names()[i]] = c.udp[i];
  j["snmp"] = {{"Ip", ip}, {"Udp", udp}};
  j["netstat"] = {{"IpExt", {{"InCsumErrors", c.ip_in_csum_errors}}}};
  j["nic"] = {{"rx_packets", c.nic.rx_packets},
              {"rx_missed_errors", c.nic.rx_missed_errors},
              {"rx_dropped", c.nic.rx_dropped},
              {"interrupts", c.nic.interrupts}};
  j["netfilter_drops"] = c.netfilter_drops;
  j["sockets"] = nlohmann::json::array();
  for (size_t i = 0; i < c.sockets.size(); ++i) {
    const auto& s = c.sockets[i];
    j["sockets"].push_back({{"name", i < socket_names.size() ? socket_names[i] : std::to_string(i)},
                            {"drops", s.drops},
                            {"queued", s.queued},
                            {"delivered", s.delivered},
                            {"truncated", s.truncated},
                            {"backlog", s.backlog}});
  }
  return j;
}

} // namespace rxpath::model

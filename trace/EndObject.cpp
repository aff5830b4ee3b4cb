#include "EndObject.hpp"

#include "TraceReader.hpp"

namespace rxpath::trace {
namespace {

struct Checker {
  const std::string& where;
  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw TraceError(where + ": end object: " + key + ": expected " + what);
  }
  void count(const nlohmann::json& j, const std::string& key) const {
    if (!(j.is_number_unsigned() || (j.is_number_integer() && j.get<int64_t>() >= 0)))
      fail(key, "a non-negative integer");
  }
  // An object whose values are all counts ("name" may be a string).
  void counts(const nlohmann::json& j, const std::string& key) const {
    if (!j.is_object()) fail(key, "an object of counters");
    for (const auto& [k, v] : j.items()) {
      if (k == "name" && v.is_string()) continue;
      count(v, key + "." + k);
    }
  }
  void rows(const nlohmann::json& j, const std::string& key, size_t max) const {
    if (!j.is_array() || j.size() > max) fail(key, "an array of at most " + std::to_string(max) + " rows");
    for (size_t i = 0; i < j.size(); ++i) counts(j[i], key + "[" + std::to_string(i) + "]");
  }
  const nlohmann::json& need(const nlohmann::json& j, const char* key) const {
    if (!j.contains(key)) fail(key, "the key (a trace rxpath wrote has it)");
    return j[key];
  }
};

} // namespace

void check_end(const nlohmann::json& end, const std::string& where, int64_t cpus) {
  const Checker c{where};
  if (!end.is_object()) c.fail("", "an object");
  c.count(c.need(end, "t"), "t");
  const auto& p = c.need(end, "packets");
  if (!p.is_object()) c.fail("packets", "an object");
  c.count(c.need(p, "arrived"), "packets.arrived");
  c.count(c.need(p, "delivered"), "packets.delivered");
  c.counts(c.need(p, "dropped"), "packets.dropped");
  c.counts(c.need(end, "nic"), "nic");
  c.count(c.need(end, "netfilter_drops"), "netfilter_drops");
  const auto& snmp = c.need(end, "snmp");
  if (!snmp.is_object()) c.fail("snmp", "an object");
  for (const auto& [k, v] : snmp.items()) c.counts(v, "snmp." + k);
  if (end.contains("netstat")) { // since trace schema 3
    const auto& ns = end["netstat"];
    if (!ns.is_object()) c.fail("netstat", "an object");
    for (const auto& [k, v] : ns.items()) c.counts(v, "netstat." + k);
  }
  const auto n = static_cast<size_t>(std::max<int64_t>(cpus, 0));
  c.rows(c.need(end, "softnet_stat"), "softnet_stat", n);
  c.rows(c.need(end, "cpu_time_ns"), "cpu_time_ns", n);
  c.rows(c.need(end, "sockets"), "sockets", 1u << 20);
  for (const auto& [k, v] : end.items())
    if (v.is_structured() && k != "packets" && k != "nic" && k != "snmp" && k != "netstat" &&
        k != "softnet_stat" && k != "cpu_time_ns" && k != "sockets")
      c.fail(k, "no such object in an end object");
}

} // namespace rxpath::trace

// The counters Linux keeps on the receive path, where Linux keeps them: /proc/net/softnet_stat
// (per CPU), /proc/net/snmp (Ip, Udp), the NIC's statistics and each socket's drops.
#pragma once

#include "trace/Event.hpp"

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace rxpath::model {

struct SoftnetStat { // struct softnet_data (net/core/net-procfs.c softnet_seq_show)
  int64_t processed = 0, dropped = 0, time_squeeze = 0, received_rps = 0, flow_limit_count = 0;
};

// /proc/net/snmp "Ip:" in Linux's column order (include/uapi/linux/snmp.h, net/ipv4/proc.c).
enum class IpMib {
  Forwarding,
  DefaultTTL,
  InReceives,
  InHdrErrors,
  InAddrErrors,
  ForwDatagrams,
  InUnknownProtos,
  InDiscards,
  InDelivers,
  OutRequests,
  OutDiscards,
  OutNoRoutes,
  ReasmTimeout,
  ReasmReqds,
  ReasmOKs,
  ReasmFails,
  FragOKs,
  FragFails,
  FragCreates,
  Count_
};
// /proc/net/snmp "Udp:" in 3.19's column order.
enum class UdpMib {
  InDatagrams,
  NoPorts,
  InErrors,
  OutDatagrams,
  RcvbufErrors,
  SndbufErrors,
  InCsumErrors,
  IgnoredMulti,
  Count_
};

const std::vector<std::string>& ip_mib_names();
const std::vector<std::string>& udp_mib_names();

struct NicStats {
  int64_t rx_packets = 0;       // frames handed to the stack by the driver
  int64_t rx_missed_errors = 0; // frames lost for want of an RX descriptor
  int64_t rx_dropped = 0;       // dev->rx_dropped: skb allocation failures, unhandled ethertypes,
                                // CPU backlog drops
  int64_t interrupts = 0;       // RX interrupts raised
};

struct SocketStats {
  int64_t drops = 0;     // sk_drops
  int64_t queued = 0;    // datagrams queued to sk_receive_queue
  int64_t delivered = 0; // datagrams copied to user space
  int64_t truncated = 0; // of which MSG_TRUNC
  int64_t backlog = 0;   // datagrams that went through sk_backlog
};

struct Counters {
  explicit Counters(int cpus = 1, int sockets = 0);

  std::vector<SoftnetStat> softnet;
  std::array<int64_t, static_cast<size_t>(IpMib::Count_)> ip{};
  std::array<int64_t, static_cast<size_t>(UdpMib::Count_)> udp{};
  int64_t ip_in_csum_errors = 0; // /proc/net/netstat IpExt InCsumErrors (IPSTATS_MIB_CSUMERRORS)
  NicStats nic;
  std::vector<SocketStats> sockets;
  // The model's own ledger: every datagram's fate, by reason.
  int64_t arrived = 0;
  int64_t delivered = 0;
  std::array<int64_t, static_cast<size_t>(trace::DropReason::Count_)> dropped{};
  int64_t netfilter_drops = 0;

  int64_t& operator[](IpMib m) { return ip[static_cast<size_t>(m)]; }
  int64_t& operator[](UdpMib m) { return udp[static_cast<size_t>(m)]; }
  int64_t total_dropped() const;
};

// The end object's counter fields (docs/trace-format.md).
nlohmann::json to_json(const Counters& c, const std::vector<std::string>& socket_names);

} // namespace rxpath::model

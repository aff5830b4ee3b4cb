#include "Conservation.hpp"

#include <catch2/catch.hpp>

#include <map>

namespace rxpath::test {

using trace::Fn;
using trace::Kind;

void check_conservation(const Trace& t) {
  std::map<int64_t, int> fates;
  std::map<int64_t, bool> arrived;
  std::map<std::string, int64_t> by_reason;
  // Below IP reassembly the kernel counts frames: a fragment dropped after its datagram already
  // has a fate is an instant with the reason.
  std::map<std::string, int64_t> frames_by_reason;
  int64_t delivered = 0;
  for (const auto& e : t.events) {
    // A datagram starts at the NIC (its first frame) or, over loopback, in its sender's sendto().
    if ((e.fn == Fn::RxRingDma || e.fn == Fn::UdpSendmsg) && e.kind != Kind::Span && e.pkt >= 0) {
      if (e.frag <= 0) arrived[e.pkt] = true;
    }
    if (e.reason != trace::DropReason::None) ++frames_by_reason[std::string(trace::to_string(e.reason))];
    if (e.kind == Kind::Drop) {
      ++fates[e.pkt];
      ++by_reason[std::string(trace::to_string(e.reason))];
    }
    if (e.kind == Kind::Deliver) {
      ++fates[e.pkt];
      ++delivered;
    }
  }
  const auto& p = t.end["packets"];
  CHECK(static_cast<int64_t>(arrived.size()) == p["arrived"].get<int64_t>());
  int64_t wrong = 0;
  for (const auto& [pkt, _] : arrived)
    if (fates[pkt] != 1) {
      if (++wrong <= 5) FAIL_CHECK("packet " << pkt << " has " << fates[pkt] << " fates");
    }
  CHECK(wrong == 0);
  CHECK(fates.size() == arrived.size());
  CHECK(delivered == p["delivered"].get<int64_t>());
  int64_t dropped = 0;
  for (const auto& [reason, n] : p["dropped"].items()) {
    INFO(reason);
    CHECK(by_reason[reason] == n.get<int64_t>());
    dropped += n.get<int64_t>();
  }
  CHECK(delivered + dropped == p["arrived"].get<int64_t>());

  // The kernel's counters say the same: per datagram from UDP up, per frame below.
  const auto& e = t.end;
  const auto& udp = e["snmp"]["Udp"];
  CHECK(udp["InDatagrams"].get<int64_t>() == delivered);
  CHECK(udp["NoPorts"].get<int64_t>() == by_reason["NO_SOCKET"]);
  CHECK(udp["InCsumErrors"].get<int64_t>() == by_reason["UDP_CSUM"]);
  CHECK(udp["RcvbufErrors"].get<int64_t>() == by_reason["SOCKET_RCVBUFF"]);
  CHECK(e["netfilter_drops"].get<int64_t>() == frames_by_reason["NETFILTER_DROP"]);
  CHECK(e["snmp"]["Ip"]["InHdrErrors"].get<int64_t>() == frames_by_reason["IP_CSUM"]);
  // InErrors: every UDP-level error the kernel counts there.
  CHECK(udp["InErrors"].get<int64_t>() == by_reason["UDP_CSUM"] + by_reason["SOCKET_RCVBUFF"] +
                                              by_reason["PKT_TOO_SMALL"] + by_reason["SOCKET_FILTER"]);
  int64_t backlog_drops = 0;
  for (const auto& row : e["softnet_stat"]) backlog_drops += row["dropped"].get<int64_t>();
  CHECK(backlog_drops == frames_by_reason["CPU_BACKLOG"]);
  CHECK(e["nic"]["rx_missed_errors"].get<int64_t>() == frames_by_reason["NIC_RING_FULL"]);
  CHECK(e["nic"]["rx_dropped"].get<int64_t>() ==
        frames_by_reason["NOMEM"] + frames_by_reason["UNHANDLED_PROTO"] + frames_by_reason["CPU_BACKLOG"]);
  CHECK(e["netstat"]["IpExt"]["InCsumErrors"].get<int64_t>() == frames_by_reason["IP_CSUM"]);
}

void check_schedule(const Trace& t) {
  const auto& tasks = t.header.at("tasks");
  const int64_t cpus = t.header.at("cpus").get<int64_t>();
  REQUIRE(static_cast<int64_t>(tasks.size()) >= cpus);
  std::map<int64_t, int64_t> running; // CPU -> task switched in last
  std::map<int64_t, int64_t> last_t;
  std::map<int64_t, bool> asleep, exited;
  int64_t wrong = 0;
  auto cpu_of = [&](int64_t task) { return tasks.at(static_cast<size_t>(task)).at("cpu").get<int64_t>(); };
  for (const auto& e : t.events) {
    if (e.fn == Fn::TryToWakeUp) {
      CHECK(cpu_of(e.task) == e.cpu);
      asleep[e.task] = false;
      continue;
    }
    if (e.fn != Fn::Schedule) continue;
    const int64_t prev = running.count(e.cpu) ? running[e.cpu] : e.cpu; // swapper/N is task N
    if ((e.prev != prev || e.prev == e.next || cpu_of(e.next) != e.cpu || asleep[e.next] || exited[e.next] ||
         e.t < last_t[e.cpu]) &&
        ++wrong <= 5)
      FAIL_CHECK("CPU " << e.cpu << " at " << e.t << ": switch " << e.prev << " -> " << e.next << " (why "
                        << trace::to_string(e.why) << ") after task " << prev << " ran; asleep "
                        << asleep[e.next] << ", exited " << exited[e.next]);
    if (e.why == trace::SwitchWhy::Sleep) asleep[e.prev] = e.prev >= cpus;
    if (e.why == trace::SwitchWhy::Exit) exited[e.prev] = true;
    running[e.cpu] = e.next;
    last_t[e.cpu] = e.t;
  }
  CHECK(wrong == 0);
}

} // namespace rxpath::test

// Nothing is lost: on every shipped scenario, every datagram that reached the NIC ends delivered
// or dropped with a reason, exactly once, and the trace, the run's ledger and the kernel's own
// counters agree.
#include "RunRxpath.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace rxpath;
using trace::DropReason;
using trace::Fn;
using trace::Kind;

namespace {

void check_conservation(const std::string& name, const std::string& extra = "") {
  auto r = test::run_rxpath("run " + test::scenario(name) + " -o t.jsonl -q " + extra);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto t = test::load_trace(r.dir + "/t.jsonl");
  REQUIRE_FALSE(t.truncated);

  std::map<int64_t, int> fates;
  std::map<int64_t, bool> arrived;
  std::map<std::string, int64_t> by_reason;
  int64_t delivered = 0;
  for (const auto& e : t.events) {
    // A datagram starts at the NIC (its first frame) or, over loopback, in its sender's sendto().
    if ((e.fn == Fn::RxRingDma || e.fn == Fn::UdpSendmsg) && e.kind != Kind::Span && e.frag <= 0 &&
        e.pkt >= 0)
      arrived[e.pkt] = true;
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
  for (const auto& [pkt, _] : arrived) {
    INFO("packet " << pkt);
    CHECK(fates[pkt] == 1);
  }
  CHECK(fates.size() == arrived.size());
  CHECK(delivered == p["delivered"].get<int64_t>());
  int64_t dropped = 0;
  for (const auto& [reason, n] : p["dropped"].items()) {
    INFO(reason);
    CHECK(by_reason[reason] == n.get<int64_t>());
    dropped += n.get<int64_t>();
  }
  CHECK(delivered + dropped == p["arrived"].get<int64_t>());

  // The kernel's counters say the same (frames = datagrams when nothing is fragmented).
  const auto& e = t.end;
  CHECK(e["snmp"]["Udp"]["InDatagrams"].get<int64_t>() == delivered);
  CHECK(e["snmp"]["Udp"]["NoPorts"].get<int64_t>() == by_reason["NO_SOCKET"]);
  CHECK(e["snmp"]["Udp"]["InCsumErrors"].get<int64_t>() == by_reason["UDP_CSUM"]);
  CHECK(e["snmp"]["Udp"]["RcvbufErrors"].get<int64_t>() == by_reason["SOCKET_RCVBUFF"]);
  CHECK(e["netfilter_drops"].get<int64_t>() == by_reason["NETFILTER_DROP"]);
  CHECK(e["snmp"]["Ip"]["InHdrErrors"].get<int64_t>() == by_reason["IP_CSUM"]);
  // InErrors: every UDP-level error the kernel counts there.
  CHECK(e["snmp"]["Udp"]["InErrors"].get<int64_t>() == by_reason["UDP_CSUM"] + by_reason["SOCKET_RCVBUFF"] +
                                                           by_reason["PKT_TOO_SMALL"] +
                                                           by_reason["SOCKET_FILTER"]);
  int64_t backlog_drops = 0;
  for (const auto& row : e["softnet_stat"]) backlog_drops += row["dropped"].get<int64_t>();
  CHECK(backlog_drops == by_reason["CPU_BACKLOG"]);
  if (name != "fragments") CHECK(e["nic"]["rx_missed_errors"].get<int64_t>() == by_reason["NIC_RING_FULL"]);
}

} // namespace

TEST_CASE("conservation: walkthrough", "[conservation]") {
  check_conservation("walkthrough");
}
TEST_CASE("conservation: default", "[conservation]") {
  check_conservation("default", "--set traffic.0.count=30000");
}
TEST_CASE("conservation: rcvbuf-overflow", "[conservation]") {
  check_conservation("rcvbuf-overflow");
}
TEST_CASE("conservation: napi-budget-flood", "[conservation]") {
  check_conservation("napi-budget-flood");
}
TEST_CASE("conservation: rps-backlog", "[conservation]") {
  check_conservation("rps-backlog");
}
TEST_CASE("conservation: no-socket", "[conservation]") {
  check_conservation("no-socket");
}
TEST_CASE("conservation: bad-checksum", "[conservation]") {
  check_conservation("bad-checksum");
}
TEST_CASE("conservation: netfilter-drop", "[conservation]") {
  check_conservation("netfilter-drop");
}
TEST_CASE("conservation: two-receivers", "[conservation]") {
  check_conservation("two-receivers");
}
TEST_CASE("conservation: napi-off", "[conservation]") {
  check_conservation("napi-off");
}
TEST_CASE("conservation: flood-1m (first 50,000 datagrams)", "[conservation]") {
  check_conservation("flood-1m", "--set traffic.0.count=50000");
}
TEST_CASE("conservation: fragments", "[conservation]") {
  check_conservation("fragments");
}
TEST_CASE("conservation: study-budget-rcvbuf", "[conservation]") {
  check_conservation("study-budget-rcvbuf", "--set traffic.0.rate_pps=500000 --set net.core.dev_weight=8");
}

TEST_CASE("conservation: loopback", "[conservation]") {
  check_conservation("loopback", "--set receivers.app.app_work_ns=30000");
}

TEST_CASE("conservation: livelock", "[conservation]") {
  check_conservation("livelock", "--set traffic.0.rate_pps=800000");
}

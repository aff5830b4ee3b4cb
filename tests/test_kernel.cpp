// The kernel model's decisions, driven directly (no SimGrid): where each packet goes, where it
// is dropped and which counter says so.
#include "KernelBench.hpp"
#include "model/Kernel.hpp"
#include "model/config/ScenarioLoader.hpp"

#include <catch2/catch.hpp>

using namespace rxpath;
using namespace rxpath::model;
using test::Bench;
using trace::DropReason;
using trace::Fn;
using trace::Kind;

namespace {

std::string times(int n, int64_t gap = 1000) {
  std::string s;
  for (int i = 0; i < n; ++i) s += (i ? "," : "") + std::to_string(i * gap);
  return s;
}

} // namespace

TEST_CASE("a frame with no free RX descriptor is missed: NIC_RING_FULL, rx_missed", "[kernel][nic]") {
  Bench b(R"({"nic": {"ring_size": 2}, "traffic": [{"pattern": "list", "times_ns": [)" + times(5) +
          R"(]}], "sockets": [{"name": "s"}], "receivers": [{"socket": "s"}]})");
  b.k->nic().ring_advance(1'000'000);
  CHECK(b.k->nic().ring_fill() == 2);
  CHECK(b.k->counters().nic.rx_missed_errors == 3);
  CHECK(b.rec.count(Kind::Drop, DropReason::NicRingFull) == 3);
  CHECK(b.k->in_flight() == 2);
}

TEST_CASE("interrupt moderation: rx-usecs after the first frame, or rx-frames frames", "[kernel][nic]") {
  Bench b(
      R"({"nic": {"rx_usecs": 50, "rx_frames": 3}, "traffic": [{"pattern": "list", "times_ns": [0, 10000, 20000, 30000]}]})");
  b.k->nic().ring_advance(5000);
  REQUIRE(b.k->nic().queue(0).irq_due(b.k->scenario().nic).has_value());
  CHECK(*b.k->nic().queue(0).irq_due(b.k->scenario().nic) ==
        b.rec.events.front().t + 50000); // rx-usecs from the first frame
  b.k->nic().ring_advance(30000);
  CHECK(*b.k->nic().queue(0).irq_due(b.k->scenario().nic) ==
        b.rec.events[2].t); // the third frame reaches rx-frames
  b.k->nic().raise_irq(0, 30000);
  CHECK_FALSE(
      b.k->nic().queue(0).irq_due(b.k->scenario().nic).has_value()); // masked until the driver re-enables it
}

TEST_CASE("enqueue_to_backlog accepts while qlen <= netdev_max_backlog, then CPU_BACKLOG", "[kernel][rps]") {
  Bench b(
      R"({"cpus": 2, "sysctl": {"net.core.netdev_max_backlog": 2}, "nic": {"rps_cpus": [1], "ring_size": 16},
             "traffic": [{"pattern": "list", "times_ns": [)" +
      times(5) + R"(]}], "sockets": [{"name": "s"}], "receivers": [{"socket": "s"}]})");
  for (int i = 0; i < 5; ++i) b.receive_one(10'000'000);
  CHECK(b.k->sd(1).input_pkt_queue.size() == 3); // qlen 0, 1 and 2 were accepted
  CHECK(b.k->counters().softnet[1].dropped == 2);
  CHECK(b.rec.count(Kind::Drop, DropReason::CpuBacklog) == 2);
  // The first skb schedules CPU 1's backlog by an IPI sent when CPU 0's net_rx_action ends.
  CHECK(b.k->dev().take_rps_ipis(0) == std::vector<int>{1});
}

TEST_CASE("sk_rcvbuf: the check ignores the arriving skb, so one datagram overshoots", "[kernel][socket]") {
  // SO_RCVBUF 100 -> sk_rcvbuf = SOCK_MIN_RCVBUF (2304); truesize of a 1472-byte datagram: 2176.
  Bench b(R"({"traffic": [{"pattern": "list", "times_ns": [)" + times(5) +
          R"(]}], "sockets": [{"name": "s", "so_rcvbuf_bytes": 100}], "receivers": [{"socket": "s"}]})");
  REQUIRE(b.k->socket(0).rcvbuf == kSockMinRcvbuf);
  for (int i = 0; i < 5; ++i) b.receive_one(10'000'000);
  CHECK(b.k->socket(0).queue.size() == 2);
  CHECK(b.k->socket(0).rmem_alloc == 2 * 2176); // above sk_rcvbuf by one datagram
  CHECK(b.k->counters().udp[static_cast<size_t>(UdpMib::RcvbufErrors)] == 3);
  CHECK(b.k->counters().sockets[0].drops == 3);
  CHECK(b.rec.count(Kind::Drop, DropReason::SocketRcvbuff) == 3);
}

TEST_CASE("recvfrom frees the skb's truesize from sk_rmem_alloc", "[kernel][socket]") {
  Bench b(
      R"({"traffic": [{"pattern": "list", "times_ns": [0]}], "sockets": [{"name": "s"}], "receivers": [{"socket": "s"}]})");
  b.receive_one(10'000);
  auto r = b.k->udp().recv_dequeue(0, 20'000);
  REQUIRE(r.got);
  CHECK(b.k->socket(0).rmem_alloc == 2176); // still charged while copying
  CHECK(b.k->udp().recv_complete(0, r.skb, 20'050, 20'300));
  CHECK(b.k->socket(0).rmem_alloc == 0);
  CHECK(b.k->counters().udp[static_cast<size_t>(UdpMib::InDatagrams)] == 1);
  CHECK(b.k->in_flight() == 0);
}

TEST_CASE("sk_data_ready wakes one exclusive waiter, first come first served", "[kernel][socket]") {
  Bench b(R"({"cpus": 3, "traffic": [{"pattern": "list", "times_ns": [0, 1000]}], "sockets": [{"name": "s"}],
             "receivers": [{"socket": "s", "cpu": 1}, {"socket": "s", "cpu": 2}]})");
  CHECK_FALSE(b.k->udp().recv_dequeue(0, 0).got); // both block in wait_for_more_packets
  CHECK_FALSE(b.k->udp().recv_dequeue(1, 0).got);
  CHECK(b.receive_one(10'000) == 0);
  CHECK(b.receive_one(10'000) == 1);
}

TEST_CASE("no socket on the port: NoPorts, or with a bad checksum InCsumErrors instead", "[kernel][udp]") {
  Bench b(R"({"traffic": [{"pattern": "list", "times_ns": [0], "dst": "10.0.0.1:7"},
                          {"pattern": "list", "times_ns": [500], "dst": "10.0.0.1:7", "bad_checksum_ratio": 1}],
             "sockets": [{"name": "s", "bind": "0.0.0.0:9000"}], "receivers": [{"socket": "s"}]})");
  b.receive_one(10'000);
  b.receive_one(10'000);
  const auto& udp = b.k->counters().udp;
  CHECK(udp[static_cast<size_t>(UdpMib::NoPorts)] == 1);
  CHECK(udp[static_cast<size_t>(UdpMib::InCsumErrors)] == 1);
  CHECK(b.rec.count(Kind::Drop, DropReason::NoSocket) == 1);
  CHECK(b.rec.count(Kind::Drop, DropReason::UdpCsum) == 1);
}

TEST_CASE("a bad checksum to an open socket is caught when udp_recvmsg copies it", "[kernel][udp]") {
  Bench b(
      R"({"traffic": [{"pattern": "list", "times_ns": [0], "bad_checksum_ratio": 1}], "sockets": [{"name": "s"}],
             "receivers": [{"socket": "s"}]})");
  b.receive_one(10'000);
  CHECK(b.k->socket(0).queue.size() == 1); // queued: 3.19 does not verify it in softirq
  auto r = b.k->udp().recv_dequeue(0, 20'000);
  REQUIRE(r.got);
  CHECK_FALSE(b.k->udp().recv_complete(0, r.skb, 20'050, 20'300));
  CHECK(b.k->counters().udp[static_cast<size_t>(UdpMib::InCsumErrors)] == 1);
  CHECK(b.k->socket(0).rmem_alloc == 0);
  CHECK(b.rec.count(Kind::Drop, DropReason::UdpCsum) == 1);
}

TEST_CASE("early demux: a connected socket caches its dst after the first datagram", "[kernel][ip]") {
  Bench b(R"({"traffic": [{"pattern": "list", "times_ns": [0, 1000], "src": "10.0.0.2:5000"}],
             "sockets": [{"name": "s", "bind": "0.0.0.0:9000", "connect": "10.0.0.2:5000"}], "receivers": [{"socket": "s"}]})");
  b.receive_one(10'000);
  b.receive_one(10'000);
  CHECK(b.rec.has_stage(0, Fn::UdpV4EarlyDemux));
  CHECK(b.rec.has_stage(0, Fn::IpRouteInputNoref));
  CHECK(b.rec.has_stage(1, Fn::UdpV4EarlyDemux));
  CHECK_FALSE(b.rec.has_stage(1, Fn::IpRouteInputNoref));
  CHECK_FALSE(b.rec.has_stage(1, Fn::Udp4LibLookup)); // skb_steal_sock
}

TEST_CASE("netfilter: rules in order, the first match decides", "[kernel][netfilter]") {
  Bench b(R"({"traffic": [{"pattern": "list", "times_ns": [0], "src": "10.0.0.9:1"},
                          {"pattern": "list", "times_ns": [500], "src": "10.0.0.8:1"}],
             "netfilter": {"prerouting": [{"src": "10.0.0.8", "verdict": "ACCEPT"}, {"protocol": "udp", "verdict": "DROP"}]},
             "sockets": [{"name": "s"}], "receivers": [{"socket": "s"}]})");
  b.receive_one(10'000);
  b.receive_one(10'000);
  CHECK(b.rec.count(Kind::Drop, DropReason::NetfilterDrop) == 1);
  CHECK(b.k->socket(0).queue.size() == 1);
  CHECK(b.k->socket(0).queue.front().saddr == (10u << 24 | 8));
}

TEST_CASE("ip_defrag holds fragments until the datagram is whole, and truesizes add up", "[kernel][ip]") {
  Bench b(
      R"({"nic": {"ring_size": 8}, "traffic": [{"pattern": "list", "times_ns": [0], "payload_bytes": 4000}],
             "sockets": [{"name": "s"}], "receivers": [{"socket": "s"}]})");
  b.receive_one(100'000);
  b.receive_one(100'000);
  CHECK(b.k->socket(0).queue.empty());
  b.receive_one(100'000);
  REQUIRE(b.k->socket(0).queue.size() == 1);
  CHECK(b.k->counters().ip[static_cast<size_t>(IpMib::ReasmReqds)] == 3);
  CHECK(b.k->counters().ip[static_cast<size_t>(IpMib::ReasmOKs)] == 1);
  CHECK(b.k->socket(0).rmem_alloc == 2 * skb_truesize(1514, 64, 576) + skb_truesize(14 + 20 + 1048, 64, 576));
}

TEST_CASE("socket lookup: a socket bound to the address beats the wildcard one", "[kernel][udp]") {
  Bench b(R"({"traffic": [{"pattern": "list", "times_ns": [0], "dst": "10.0.0.1:9000"}],
             "sockets": [{"name": "any", "bind": "0.0.0.0:9000", "reuseaddr": true},
                         {"name": "exact", "bind": "10.0.0.1:9000", "reuseaddr": true}],
             "receivers": [{"socket": "any"}, {"socket": "exact"}]})");
  b.receive_one(10'000);
  CHECK(b.k->socket(0).queue.empty());
  CHECK(b.k->socket(1).queue.size() == 1);
}

// "pattern": "pcap": a capture replayed as traffic. Exported runs replayed in the same scenario
// arrive as they did; captures that cannot be replayed are refused before the run.
#include "RunRxpath.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

using namespace rxpath;

namespace {

// The frames of a trace as the NIC saw them, in arrival order.
std::vector<trace::Event> arrivals(const test::Trace& tr) {
  std::vector<trace::Event> out;
  for (const auto& ev : tr.events)
    if (ev.fn == trace::Fn::RxRingDma) out.push_back(ev);
  std::stable_sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.t < b.t; });
  return out;
}

} // namespace

TEST_CASE("pattern pcap replays an exported capture: the same frames arrive at the same times",
          "[cli][replay]") {
  for (const std::string format : {"pcap", "pcapng"}) {
    for (const std::string scen : {"rcvbuf-overflow", "fragments"}) {
      INFO(scen << " through --format " << format);
      auto a = test::run_rxpath("run " + test::scenario(scen) + " --set traffic.0.count=300 -o a.jsonl -q");
      REQUIRE(a.exit_code == 0);
      const std::string cap = a.dir + "/a." + format;
      REQUIRE(test::run_rxpath("export " + a.dir + "/a.jsonl --format " + format + " -o " + cap).exit_code ==
              0);
      // Rate and count no longer matter: the capture decides.
      auto b = test::run_rxpath(
          "run " + test::scenario(scen) +
          " --set 'traffic.0.times_ns=[]' --set traffic.0.pattern=pcap --set traffic.0.file=" + cap +
          " --set traffic.0.rate_pps=1 -o " + a.dir + "/b.jsonl -q");
      REQUIRE(b.exit_code == 0);
      const auto ta = test::load_trace(a.dir + "/a.jsonl"), tb = test::load_trace(a.dir + "/b.jsonl");
      const auto fa = arrivals(ta), fb = arrivals(tb);
      REQUIRE(fa.size() == fb.size());
      for (size_t i = 0; i < fa.size(); ++i) {
        INFO("frame " << i);
        CHECK(fb[i].t == fa[i].t);
        CHECK(fb[i].bytes == fa[i].bytes);
        CHECK(fb[i].pkt == fa[i].pkt);
        CHECK(fb[i].frag == fa[i].frag);
      }
      // Same arrivals, same kernel: the same fates.
      CHECK(tb.end["packets"] == ta.end["packets"]);
    }
  }

  // Two flows of different sizes, one to a closed port, interleaved by Poisson arrivals: one pcap
  // source replays both, their addresses and ports deciding the fates (NO_SOCKET for port 7777).
  const std::string two =
      " --set traffic.0.count=400 --set traffic.1.count=200 --set traffic.1.rate_pps=50000 "
      "--set traffic.1.payload_bytes=100 --set traffic.0.bad_checksum_ratio=0 "
      "--set traffic.0.bad_udp_length_ratio=0 --set traffic.1.bad_checksum_ratio=0 "
      "--set traffic.1.bad_ip_checksum_ratio=0";
  auto a = test::run_rxpath("run " + test::scenario("bad-checksum") + two + " -o a.jsonl -q");
  REQUIRE(a.exit_code == 0);
  REQUIRE(test::run_rxpath("export " + a.dir + "/a.jsonl --format pcap -o " + a.dir + "/a.pcap").exit_code ==
          0);
  auto b = test::run_rxpath("run " + test::scenario("bad-checksum") + two +
                            " --set traffic.0.pattern=pcap --set traffic.0.file=" + a.dir +
                            "/a.pcap --set traffic.1.count=0 -o " + a.dir + "/b.jsonl -q");
  REQUIRE(b.exit_code == 0);
  const auto ta = test::load_trace(a.dir + "/a.jsonl"), tb = test::load_trace(a.dir + "/b.jsonl");
  const auto fa = arrivals(ta), fb = arrivals(tb);
  REQUIRE(fa.size() == 600);
  REQUIRE(fb.size() == fa.size());
  std::set<int64_t> sizes;
  for (size_t i = 0; i < fa.size(); ++i) {
    INFO("frame " << i);
    CHECK(fb[i].t == fa[i].t);
    CHECK(fb[i].bytes == fa[i].bytes);
    sizes.insert(fa[i].bytes);
  }
  CHECK(sizes.size() == 2);
  CHECK(ta.end["packets"]["dropped"]["NO_SOCKET"] == 200);
  CHECK(tb.end["packets"] == ta.end["packets"]);
}

TEST_CASE("pattern pcap: a capture that cannot be replayed is refused, naming it and why", "[cli][replay]") {
  auto a = test::run_rxpath("run " + test::scenario("walkthrough") + " -o a.jsonl -q");
  REQUIRE(a.exit_code == 0);
  REQUIRE(test::run_rxpath("export " + a.dir + "/a.jsonl --format pcap -o " + a.dir + "/a.pcap").exit_code ==
          0);
  const std::string whole = test::read_file(a.dir + "/a.pcap");
  std::ofstream(a.dir + "/cut.pcap", std::ios::binary) << whole.substr(0, whole.size() - 10);
  std::ofstream(a.dir + "/text.pcap", std::ios::binary) << "hello, not a capture\n";
  std::string arp = whole.substr(0, 24 + 16 + 42);
  arp[24 + 16 + 12] = 0x08, arp[24 + 16 + 13] = 0x06; // ethertype ARP
  arp[24 + 8] = 42, arp[24 + 9] = 0, arp[24 + 12] = 42, arp[24 + 13] = 0;
  std::ofstream(a.dir + "/arp.pcap", std::ios::binary) << arp;

  const std::map<std::string, std::string> want = {{"missing.pcap", "cannot open"},
                                                   {"cut.pcap", "cut short in frame 1"},
                                                   {"text.pcap", "not a pcap or pcapng capture"},
                                                   {"arp.pcap", "no UDP/IPv4 datagram among its 1 frames"}};
  for (const auto& [file, what] : want) {
    auto r = test::run_rxpath(
        "run " + test::scenario("walkthrough") +
        " --set 'traffic.0.times_ns=[]' --set traffic.0.pattern=pcap --set traffic.0.file=" + a.dir + "/" +
        file + " -o t.jsonl -q");
    INFO(file << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("traffic[0].file") && Catch::Contains(file) && Catch::Contains(what));
    CHECK_FALSE(test::file_exists(r.dir + "/t.jsonl"));
  }
  // A capture is what arrived at a NIC: a loopback sender cannot replay it.
  auto lo = test::run_rxpath("run " + test::scenario("loopback") +
                             " --set traffic.0.pattern=pcap --set traffic.0.file=" + a.dir +
                             "/a.pcap -o t.jsonl -q");
  CHECK(lo.exit_code == 2);
  CHECK_THAT(lo.err, Catch::Contains("traffic[0].pattern") && Catch::Contains("device \"nic\""));

  // A relative "file" is found next to the scenario, wherever rxpath runs from.
  std::ofstream(a.dir + "/replay.json")
      << R"({"traffic":[{"pattern":"pcap","file":"a.pcap"}],"sockets":[{"name":"s","bind":"0.0.0.0:9000"}],)"
      << R"("receivers":[{"socket":"s","cpu":1}],"cpus":2})";
  auto rel = test::run_rxpath("run " + a.dir + "/replay.json -o t.jsonl -q");
  CHECK(rel.exit_code == 0);
  CHECK(test::load_trace(rel.dir + "/t.jsonl").end["packets"]["arrived"] == 1);

  // A trace of a replay does not hold the capture's addresses: exporting it again is refused.
  auto b = test::run_rxpath(
      "run " + test::scenario("walkthrough") +
      " --set 'traffic.0.times_ns=[]' --set traffic.0.pattern=pcap --set traffic.0.file=" + a.dir +
      "/a.pcap -o b.jsonl -q");
  REQUIRE(b.exit_code == 0);
  auto e = test::run_rxpath("export " + b.dir + "/b.jsonl --format pcap -o " + b.dir + "/b.pcap");
  CHECK(e.exit_code == 2);
  CHECK_THAT(e.err, Catch::Contains("traffic[0].pattern"));
}

// The frames reaching the NIC: arrival processes, the link's serialisation, IP fragmentation,
// and skb truesize.
#include "model/Traffic.hpp"
#include "model/config/ScenarioLoader.hpp"

#include <catch2/catch.hpp>

using namespace rxpath::model;

namespace {
std::vector<Skb> frames(const std::string& source_json) {
  auto ls = load_scenario_text(R"({"traffic": [)" + source_json + "]}", "t.json");
  static Scenario sc;
  sc = ls.scenario;
  Traffic t(sc);
  std::vector<Skb> out;
  Skb s;
  while (t.pop(s)) out.push_back(s);
  return out;
}
} // namespace

TEST_CASE("truesize is the aligned data buffer plus sk_buff and skb_shared_info", "[traffic]") {
  // A 1472-byte UDP payload: a 1514-byte frame; (1514 + 64) aligned to 64 = 1600, + 576.
  CHECK(skb_truesize(1514, 64, 576) == 2176);
  CHECK(skb_truesize(60, 64, 576) == 704); // (60 + 64) aligned to 128
}

TEST_CASE("a constant rate spaces datagrams evenly", "[traffic]") {
  auto f = frames(R"({"pattern": "constant", "rate_pps": 100000, "count": 5, "payload_bytes": 64})");
  REQUIRE(f.size() == 5);
  for (size_t i = 1; i < f.size(); ++i) CHECK(f[i].arrival_ns - f[i - 1].arrival_ns == 10000);
  CHECK(f[0].pkt == 0);
  CHECK(f[4].pkt == 4);
  CHECK(f[0].frame_bytes == 14 + 20 + 8 + 64);
}

TEST_CASE("the link serialises frames: a burst arrives at line rate", "[traffic]") {
  // 1514-byte frames on 10 GbE: (1514 + 24) * 8 bits = 1230.4 ns apart.
  auto f = frames(R"({"pattern": "burst", "burst_frames": 4, "rate_pps": 1000, "count": 4})");
  REQUIRE(f.size() == 4);
  for (size_t i = 1; i < f.size(); ++i) CHECK(f[i].arrival_ns - f[i - 1].arrival_ns == 1231);
}

TEST_CASE("Poisson arrivals have the asked mean rate", "[traffic]") {
  auto f = frames(R"({"pattern": "poisson", "rate_pps": 100000, "count": 20000, "payload_bytes": 64})");
  const double mean_gap = static_cast<double>(f.back().arrival_ns - f.front().arrival_ns) / 19999.0;
  CHECK(mean_gap == Approx(10000).epsilon(0.03));
}

TEST_CASE("datagrams larger than the MTU arrive as IP fragments", "[traffic]") {
  auto f =
      frames(R"({"pattern": "list", "times_ns": [0, 100000], "payload_bytes": 4000, "mtu_bytes": 1500})");
  // 4008 bytes of IP payload in chunks of 1480: 3 fragments per datagram.
  REQUIRE(f.size() == 6);
  CHECK(f[0].frag == 0);
  CHECK(f[2].frag == 2);
  CHECK(f[2].last_frag);
  CHECK(f[0].pkt == f[2].pkt);
  CHECK(f[3].pkt == 1);
  CHECK(f[0].frame_bytes == 14 + 20 + 1480);
  CHECK(f[2].frame_bytes == 14 + 20 + (4008 - 2 * 1480));
  CHECK(f[2].first_arrival_ns == f[0].arrival_ns);
}

TEST_CASE("sources are merged by arrival time", "[traffic]") {
  auto f = frames(R"({"pattern": "list", "times_ns": [0, 300000], "dst": "10.0.0.1:1"},
                     {"pattern": "list", "times_ns": [100000], "dst": "10.0.0.1:2"})");
  REQUIRE(f.size() == 3);
  CHECK(f[0].dport == 1);
  CHECK(f[1].dport == 2);
  CHECK(f[2].dport == 1);
}

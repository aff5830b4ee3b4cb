// RSS: the Toeplitz hash against the verification vectors of Microsoft's RSS specification, and
// the indirection table's spreading of flows over queues.
#include "model/Rss.hpp"

#include "trace/Wire.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <set>

using namespace rxpath::model;

namespace {

uint32_t ip(const char* s) {
  return *rxpath::trace::parse_ipv4(s);
}

} // namespace

TEST_CASE("rss: Toeplitz hash matches the RSS specification's IPv4 vectors") {
  // "Verifying the RSS Hash Calculation" (Microsoft, NDIS RSS): destination, source, and the hash
  // over the addresses alone and with the ports; the input is source then destination.
  struct Vector {
    const char* dst;
    uint16_t dport;
    const char* src;
    uint16_t sport;
    uint32_t ipv4, with_ports;
  };
  const Vector vectors[] = {
      {"161.142.100.80", 1766, "66.9.149.187", 2794, 0x323e8fc2, 0x51ccc178},
      {"65.69.140.83", 4739, "199.92.111.2", 14230, 0xd718262a, 0xc626b0ea},
      {"12.22.207.184", 38024, "24.19.198.95", 12898, 0xd2d0a5de, 0x5c2b394a},
      {"209.142.163.6", 2217, "38.27.205.30", 48228, 0x82989176, 0xafc7327f},
      {"202.188.127.2", 1303, "153.39.163.191", 44251, 0x5d1809c5, 0x10e828a2},
  };
  for (const auto& v : vectors) {
    CAPTURE(v.src, v.dst);
    CHECK(rss_hash(kRssDefaultKey, ip(v.src), ip(v.dst), v.sport, v.dport, false) == v.ipv4);
    CHECK(rss_hash(kRssDefaultKey, ip(v.src), ip(v.dst), v.sport, v.dport, true) == v.with_ports);
  }
}

TEST_CASE("rss: the hash is linear in its input under any key") {
  // Toeplitz is a matrix product over GF(2): h(a ^ b) = h(a) ^ h(b), whatever the key.
  std::mt19937_64 rng(Catch::rngSeed());
  for (int round = 0; round < 200; ++round) {
    RssKey key;
    for (auto& b : key) b = static_cast<uint8_t>(rng());
    std::array<uint8_t, 12> a, b, x;
    for (size_t i = 0; i < a.size(); ++i) {
      a[i] = static_cast<uint8_t>(rng());
      b[i] = static_cast<uint8_t>(rng());
      x[i] = a[i] ^ b[i];
    }
    REQUIRE(toeplitz(key, x) == (toeplitz(key, a) ^ toeplitz(key, b)));
  }
}

TEST_CASE("rss: the default table spreads random flows evenly and a flow keeps its queue") {
  std::mt19937_64 rng(Catch::rngSeed());
  for (const int64_t queues : {2, 3, 8}) {
    const auto table = rss_default_table(queues, mlx5_rqt_size(queues));
    REQUIRE(table.size() == 256);
    std::vector<int> per_queue(static_cast<size_t>(queues));
    constexpr int kFlows = 20000;
    for (int f = 0; f < kFlows; ++f) {
      const auto s = static_cast<uint32_t>(rng()), d = static_cast<uint32_t>(rng());
      const auto sp = static_cast<uint16_t>(rng()), dp = static_cast<uint16_t>(rng());
      const int q = rss_queue(rss_hash(kRssDefaultKey, s, d, sp, dp, true), table);
      REQUIRE(q == rss_queue(rss_hash(kRssDefaultKey, s, d, sp, dp, true), table));
      ++per_queue[static_cast<size_t>(q)];
    }
    // 256 entries over 3 queues is 86/85/85: shares within 15% of the table's own.
    for (int q = 0; q < queues; ++q) {
      const double table_share =
          static_cast<double>(std::count(table.begin(), table.end(), q)) / static_cast<double>(table.size());
      CAPTURE(queues, q);
      CHECK(per_queue[static_cast<size_t>(q)] / double(kFlows) == Approx(table_share).epsilon(0.15));
    }
  }
}

TEST_CASE("rss: without the ports every flow between two hosts takes one queue") {
  const auto table = rss_default_table(8, 256);
  const int q0 = rss_queue(rss_hash(kRssDefaultKey, ip("10.0.0.2"), ip("10.0.0.1"), 1, 9000, false), table);
  std::set<int> with_ports;
  for (uint16_t sport = 40000; sport < 40064; ++sport) {
    CHECK(rss_queue(rss_hash(kRssDefaultKey, ip("10.0.0.2"), ip("10.0.0.1"), sport, 9000, false), table) ==
          q0);
    with_ports.insert(
        rss_queue(rss_hash(kRssDefaultKey, ip("10.0.0.2"), ip("10.0.0.1"), sport, 9000, true), table));
  }
  CHECK(with_ports.size() >= 6); // 64 source ports over 8 queues
}

TEST_CASE("rss: the symmetric transform gives both directions of a flow one hash") {
  std::mt19937_64 rng(Catch::rngSeed());
  int differ = 0;
  for (int i = 0; i < 1000; ++i) {
    const auto s = static_cast<uint32_t>(rng()), d = static_cast<uint32_t>(rng());
    const auto sp = static_cast<uint16_t>(rng()), dp = static_cast<uint16_t>(rng());
    REQUIRE(rss_hash(kRssDefaultKey, s, d, sp, dp, true, true) ==
            rss_hash(kRssDefaultKey, d, s, dp, sp, true, true));
    differ += rss_hash(kRssDefaultKey, s, d, sp, dp, true) != rss_hash(kRssDefaultKey, d, s, dp, sp, true);
  }
  CHECK(differ > 990); // without it the two directions hash apart
}

TEST_CASE("rss: mlx5's table has 256 entries up to 128 queues and grows beyond") {
  CHECK(mlx5_rqt_size(1) == 256);
  CHECK(mlx5_rqt_size(8) == 256);
  CHECK(mlx5_rqt_size(128) == 256);
  CHECK(mlx5_rqt_size(129) == 512);
  CHECK(mlx5_rqt_size(200) == 512);
}

TEST_CASE("rss: a key parses as ethtool -x prints it and nothing else") {
  const std::string spec =
      "6d:5a:56:da:25:5b:0e:c2:41:67:25:3d:43:a3:8f:b0:d0:ca:2b:cb:ae:7b:30:b4:77:cb:2d:a3:80:30:"
      "f2:0c:6a:42:b7:3b:be:ac:01:fa";
  REQUIRE(parse_rss_key(spec) == kRssDefaultKey);
  CHECK(parse_rss_key(spec.substr(0, spec.size() - 3)) == std::nullopt);
  CHECK(parse_rss_key(spec + ":00") == std::nullopt);
  std::string bad = spec;
  bad[5] = '-';
  CHECK(parse_rss_key(bad) == std::nullopt);
  bad = spec;
  bad[0] = 'g';
  CHECK(parse_rss_key(bad) == std::nullopt);
}

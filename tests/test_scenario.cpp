// Scenario files: defaults, Linux's SO_RCVBUF arithmetic, and bad input rejected with a message
// that names the file, the JSON path and what was expected.
#include "model/config/ScenarioLoader.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace rxpath::model;

namespace {
const char* kMinimal = R"({"traffic": [{}], "sockets": [{"name": "s"}], "receivers": [{"socket": "s"}]})";

std::string error_of(const std::string& text, const std::vector<Override>& o = {}) {
  try {
    load_scenario_text(text, "x.json", o);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(accepted)";
}
} // namespace

TEST_CASE("a minimal scenario gets Linux's defaults", "[scenario]") {
  auto ls = load_scenario_text(kMinimal, "x.json");
  const auto& s = ls.scenario;
  CHECK(s.sysctl.netdev_budget == 300);
  CHECK(s.sysctl.netdev_max_backlog == 1000);
  CHECK(s.sysctl.dev_weight == 64);
  CHECK(s.sysctl.rmem_default == 212992);
  CHECK(s.nic.napi_weight == 64);
  CHECK(ls.resolved["sysctl"]["net.core.netdev_budget"] == 300);
  CHECK(ls.resolved["receivers"][0]["socket"] == "s");
}

TEST_CASE("comments are allowed in scenario files", "[scenario]") {
  auto ls = load_scenario_text(std::string("// a comment\n/* block */") + kMinimal, "x.json");
  CHECK(ls.scenario.sockets.size() == 1);
}

TEST_CASE("SO_RCVBUF is stored doubled, capped by rmem_max, at least SOCK_MIN_RCVBUF", "[scenario]") {
  Sysctl s;
  CHECK(effective_rcvbuf(-1, s) == 212992);          // not set: rmem_default
  CHECK(effective_rcvbuf(0, s) == kSockMinRcvbuf);   // setsockopt(0): the minimum
  CHECK(effective_rcvbuf(65536, s) == 131072);       // doubled
  CHECK(effective_rcvbuf(1 << 20, s) == 2 * 212992); // capped by rmem_max, then doubled
  CHECK(effective_rcvbuf(100, s) == kSockMinRcvbuf); // at least SOCK_MIN_RCVBUF
  s.rmem_max = 4 << 20;
  CHECK(effective_rcvbuf(1 << 20, s) == 2 << 20);
}

TEST_CASE("overrides from --set reach sysctls by their Linux names and array elements by name or index",
          "[scenario]") {
  auto ls = load_scenario_text(kMinimal, "x.json",
                               {{"net.core.netdev_budget", "64"},
                                {"receivers.0.app_work_ns", "2500"},
                                {"sockets.s.so_rcvbuf_bytes", "65536"},
                                {"nic.napi", "false"}});
  CHECK(ls.scenario.sysctl.netdev_budget == 64);
  CHECK(ls.scenario.receivers[0].app_work_ns == 2500);
  CHECK(ls.scenario.sockets[0].so_rcvbuf_bytes == 65536);
  CHECK_FALSE(ls.scenario.nic.napi);
}

TEST_CASE("bad scenarios are refused with the file, the JSON path and what was expected",
          "[scenario][errors]") {
  CHECK_THAT(error_of("{\"cpus\": 2,,}"), Catch::Contains("x.json: malformed JSON"));
  CHECK_THAT(error_of(R"({"traffic": [{}], "cpuz": 2})"),
             Catch::Contains("x.json: cpuz: unknown key") && Catch::Contains("cpus"));
  CHECK_THAT(error_of(R"({"traffic": [{"rate_pps": "fast"}]})"),
             Catch::Contains("x.json: traffic[0].rate_pps: expected a number, found a string (\"fast\")"));
  CHECK_THAT(error_of(R"({"traffic": [{}], "sysctl": {"net.core.netdev_budget": 0}})"),
             Catch::Contains("sysctl.\"net.core.netdev_budget\": value 0 is out of range (expected 1"));
  CHECK_THAT(error_of(R"({"traffic": [{}], "nic": {"ring_size": 1.5}})"),
             Catch::Contains("nic.ring_size: expected an integer"));
  CHECK_THAT(
      error_of(R"({"traffic": [{"pattern": "sometimes"}]})"),
      Catch::Contains("traffic[0].pattern: unknown value \"sometimes\" (expected one of constant | poisson"));
  CHECK_THAT(error_of(R"({"traffic": [{"dst": "10.0.0.1"}]})"),
             Catch::Contains("traffic[0].dst: expected \"ADDRESS:PORT\""));
  CHECK_THAT(error_of(R"({"traffic": []})"),
             Catch::Contains("traffic: expected at least one traffic source"));
}

TEST_CASE("a socket nobody can reach, or a receiver without a socket, is refused", "[scenario][errors]") {
  CHECK_THAT(error_of(R"({"traffic": [{}], "sockets": [{"bind": "192.168.1.1:9000"}]})"),
             Catch::Contains("sockets[0].bind: nobody can reach this socket"));
  CHECK_THAT(error_of(R"({"traffic": [{}], "sockets": [{"name": "a"}], "receivers": [{"socket": "b"}]})"),
             Catch::Contains("receivers[0].socket: no socket named \"b\""));
  CHECK_THAT(error_of(R"({"traffic": [{}], "sockets": [{"name": "a"}, {"name": "b"}]})"),
             Catch::Contains("sockets[1].bind: bind() would fail with EADDRINUSE"));
  CHECK_THAT(
      error_of(
          R"({"cpus": 2, "traffic": [{}], "sockets": [{"name": "a"}], "receivers": [{"socket": "a", "cpu": 2}]})"),
      Catch::Contains("receivers[0].cpu: CPU 2 does not exist (cpus is 2)"));
}

TEST_CASE("a bad --set names the key", "[scenario][errors]") {
  CHECK_THAT(error_of(kMinimal, {{"nic.ring_sze", "5"}}), Catch::Contains("nic.ring_sze: unknown key"));
  CHECK_THAT(error_of(kMinimal, {{"receivers.nobody.cpu", "1"}}),
             Catch::Contains("--set receivers.nobody.cpu: no element"));
  // A '/' in a component is part of the key's name, not a way into an array the file does not
  // have (found by fuzz_scenario_set: 1.8 GB and 20 s for an array of 932337204 nulls).
  CHECK_THAT(error_of(kMinimal, {{"nic.932337203/x", "1"}}), Catch::Contains("nic.932337203/x: unknown key"));
  CHECK_THAT(error_of(kMinimal, {{"net.core.x/932337203", "1"}}), Catch::Contains("unknown key"));
  CHECK_THAT(error_of(kMinimal, {{"nic.~1x", "1"}}), Catch::Contains("nic.~1x: unknown key"));
}

TEST_CASE("every shipped scenario is valid", "[scenario]") {
  for (const char* name : {"walkthrough", "default", "rcvbuf-overflow", "napi-budget-flood", "rps-backlog",
                           "no-socket", "bad-checksum", "netfilter-drop", "two-receivers", "napi-off",
                           "flood-1m", "fragments", "livelock", "study-budget-rcvbuf", "loopback"}) {
    INFO(name);
    CHECK_NOTHROW(load_scenario(std::string(RXPATH_SOURCE_DIR) + "/scenarios/" + name + ".json"));
  }
}

TEST_CASE("the scenario reference documents every key with a description", "[scenario]") {
  auto docs = scenario_reference();
  CHECK(docs.size() > 60);
  for (const auto& d : docs) {
    INFO(d.path);
    CHECK_FALSE(d.description.empty());
  }
}

TEST_CASE("a cost is a number or a lognormal given by its median and p99", "[scenario]") {
  const auto sc = load_scenario_text(
      R"({"traffic": [{}], "costs": {"ip_rcv_ns": 90, "wakeup_latency_ns": {"median": 4000, "p99": 20000}}})",
      "x.json", {});
  CHECK(sc.scenario.costs.ip_rcv_ns.ns == 90);
  CHECK(sc.scenario.costs.ip_rcv_ns.sigma == 0);
  CHECK(sc.scenario.costs.wakeup_latency_ns.ns == 4000);
  CHECK(sc.scenario.costs.wakeup_latency_ns.sigma == Approx(std::log(5.0) / 2.3263478740408408));
  // The resolved scenario (the trace header's) keeps the form it was given.
  CHECK(sc.resolved["costs"]["wakeup_latency_ns"] == nlohmann::json({{"median", 4000}, {"p99", 20000}}));
  CHECK(sc.resolved["costs"]["ip_rcv_ns"] == 90);

  CHECK_THAT(error_of(R"({"traffic": [{}], "costs": {"ip_rcv_ns": {"median": 100, "p99": 50}}})"),
             Catch::Contains("x.json: costs.ip_rcv_ns.p99: expected at least the median 100, found 50"));
  CHECK_THAT(error_of(R"({"traffic": [{}], "costs": {"ip_rcv_ns": {"median": 100, "p90": 150}}})"),
             Catch::Contains("costs.ip_rcv_ns.p90: unknown key"));
  CHECK_THAT(
      error_of(R"({"traffic": [{}], "costs": {"ip_rcv_ns": "fast"}})"),
      Catch::Contains("costs.ip_rcv_ns: expected an integer or {\"median\": integer, \"p99\": integer}"));
  CHECK_THAT(error_of(R"({"traffic": [{}], "costs": {"ip_rcv_ns": {"median": 0, "p99": 5}}})"),
             Catch::Contains("costs.ip_rcv_ns.median: expected more than 0"));
  CHECK_THAT(error_of(kMinimal, {{"costs.ip_rcv_ns", R"({"median": -1, "p99": 5})"}}),
             Catch::Contains("costs.ip_rcv_ns.median: value -1 is out of range"));
}

TEST_CASE("a multi-queue NIC resolves its IRQ CPUs and RSS table, and bad ones are refused",
          "[scenario][errors]") {
  const auto sc =
      load_scenario_text(R"({"cpus": 4, "nic": {"driver": "mlx5", "queues": 6}, "traffic": [{}]})", "x.json")
          .scenario;
  CHECK(sc.nic.irq_cpus == std::vector<int64_t>{0, 1, 2, 3, 0, 1}); // queue i on CPU i % cpus
  REQUIRE(sc.nic.rss_table.size() == 256);                          // mlx5e_rqt_size
  CHECK(sc.nic.rss_table[6] == 0);
  CHECK(sc.nic.rss_table[255] == 255 % 6);
  CHECK(sc.nic.rss_key == kRssDefaultKey);
  const auto one =
      load_scenario_text(R"({"cpus": 4, "nic": {"irq_cpu": 3}, "traffic": [{}]})", "x.json").scenario;
  CHECK(one.nic.irq_cpus == std::vector<int64_t>{3});

  CHECK_THAT(error_of(R"({"nic": {"queues": 4}, "traffic": [{}]})"),
             Catch::Contains("x.json: nic.queues: expected 1 with driver \"8139too\""));
  CHECK_THAT(error_of(R"({"nic": {"driver": "e1000"}, "traffic": [{}]})"),
             Catch::Contains("nic.driver: unknown value \"e1000\" (expected one of 8139too | mlx5"));
  CHECK_THAT(
      error_of(R"({"cpus": 2, "nic": {"driver": "mlx5", "queues": 2, "irq_cpus": [0]}, "traffic": [{}]})"),
      Catch::Contains("nic.irq_cpus: expected one CPU per RX queue (2), found 1"));
  CHECK_THAT(
      error_of(R"({"cpus": 2, "nic": {"driver": "mlx5", "queues": 2, "irq_cpus": [0, 2]}, "traffic": [{}]})"),
      Catch::Contains("nic.irq_cpus[1]: CPU 2 does not exist (cpus is 2)"));
  CHECK_THAT(error_of(R"({"nic": {"driver": "mlx5", "rss": {"key": "6d:5a"}}, "traffic": [{}]})"),
             Catch::Contains("nic.rss.key: expected 40 bytes as two hex digits each"));
  CHECK_THAT(
      error_of(
          R"({"nic": {"driver": "mlx5", "queues": 2, "rss": {"indirection": [0, 1, 0]}}, "traffic": [{}]})"),
      Catch::Contains("nic.rss.indirection: expected a power of two of entries"));
  CHECK_THAT(
      error_of(
          R"({"nic": {"driver": "mlx5", "queues": 2, "rss": {"indirection": [0, 2]}}, "traffic": [{}]})"),
      Catch::Contains("nic.rss.indirection[1]: queue 2 does not exist (queues is 2)"));
  CHECK_THAT(error_of(R"({"nic": {"driver": "mlx5", "rss": {"hash_fields": "l2"}}, "traffic": [{}]})"),
             Catch::Contains("nic.rss.hash_fields: unknown value \"l2\""));
  CHECK_THAT(error_of(R"({"nic": {"driver": "mlx5", "napi": false}, "traffic": [{}]})"),
             Catch::Contains("nic.napi: expected true with driver \"mlx5\""));
}

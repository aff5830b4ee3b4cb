// Nothing is lost: on every shipped scenario, every datagram that reached the NIC ends delivered
// or dropped with a reason, exactly once, and the trace, the run's ledger and the kernel's own
// counters agree.
#include "Conservation.hpp"
#include "ShippedScenarios.hpp"

#include <catch2/catch.hpp>

using namespace rxpath;

namespace {

void check_conservation(const std::string& name, const std::string& extra = "") {
  auto r = test::run_rxpath("run " + test::scenario(name) + " -o t.jsonl -q " + extra);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto t = test::load_trace(r.dir + "/t.jsonl");
  REQUIRE_FALSE(t.truncated);
  test::check_conservation(t);
  test::check_schedule(t);
}

} // namespace

// Hidden ([.]): ctest runs it once per file in scenarios/ (conservation.NAME, with --scenario
// NAME); heavy scenarios cut by the rule in ShippedScenarios.hpp.
TEST_CASE("conservation: a shipped scenario", "[conservation][shipped][.]") {
  for (const auto& name : test::shipped_scenarios()) {
    const std::string cut = test::affordable(name);
    INFO("scenario " << name << (cut.empty() ? " as shipped" : ", cut with" + cut));
    check_conservation(name, cut);
  }
}

// Shipped scenarios pushed where they drop: the drop paths must keep every datagram accounted for.
TEST_CASE("conservation: study-budget-rcvbuf at 500 kpps with dev_weight 8", "[conservation]") {
  check_conservation("study-budget-rcvbuf", "--set traffic.0.rate_pps=500000 --set net.core.dev_weight=8");
}

TEST_CASE("conservation: loopback with a slow receiver", "[conservation]") {
  check_conservation("loopback", "--set receivers.app.app_work_ns=30000");
}

TEST_CASE("conservation: livelock at 800 kpps", "[conservation]") {
  check_conservation("livelock", "--set traffic.0.rate_pps=800000");
}

// The end of the run waits for datagrams that an execution holds (being copied to user space, or
// on their way up the stack), instead of calling them lost. Seeds 1-8 each aborted before.
TEST_CASE("conservation: a datagram being copied when the run looks for its end", "[conservation]") {
  for (int seed = 1; seed <= 8; ++seed) {
    INFO("seed " << seed);
    auto r = test::run_rxpath("run " + std::string(RXPATH_SOURCE_DIR) + "/tests/scenarios/vanished.json" +
                              " -o t.jsonl -q --seed " + std::to_string(seed));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    test::check_conservation(test::load_trace(r.dir + "/t.jsonl"));
  }
  auto r = test::run_rxpath("run " + test::scenario("default") +
                            " --set traffic.0.count=20000 --seed 2 -q "
                            "--no-trace");
  INFO(r.err);
  CHECK(r.exit_code == 0);
}

// Two CPU hogs on one CPU whose executions end exactly at timer ticks, on every kernel: a
// preemption at the instant an execution ends once crashed SimGrid (use after free).
TEST_CASE("conservation: CPU hogs preempted at the instant their work ends", "[conservation]") {
  for (auto v : {"3.19", "5.15", "6.6", "6.18"}) {
    INFO("kernel " << v);
    auto r = test::run_rxpath("run " + std::string(RXPATH_SOURCE_DIR) + "/tests/scenarios/hogs-on-tick.json" +
                              " -o t.jsonl -q --set kernel=" + v);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto t = test::load_trace(r.dir + "/t.jsonl");
    test::check_conservation(t);
    test::check_schedule(t);
    // Both hogs ran: CPU 0 is never idle once they start.
    CHECK(t.end["cpu_time_ns"][0]["idle"].get<int64_t>() < t.end["t"].get<int64_t>() / 1000);
  }
}

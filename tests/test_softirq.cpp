// net_rx_action's and __do_softirq's decisions, driven without SimGrid: which NAPI is polled,
// when the budget or the time runs out, what stays pending, and when the work is handed to
// ksoftirqd.
#include "KernelBench.hpp"
#include "model/Kernel.hpp"
#include "model/NetRxAction.hpp"
#include "model/Softirq.hpp"
#include "model/config/ScenarioLoader.hpp"

#include <catch2/catch.hpp>

#include <memory>

using namespace rxpath;
using namespace rxpath::model;
using test::Bench;

namespace {

const char* kTwoNapis =
    R"({"cpus": 1, "sysctl": {"net.core.netdev_budget": %BUDGET%, "net.core.dev_weight": 64,
  "net.core.netdev_budget_usecs": 2000}, "nic": {"napi_weight": 64}, "traffic": [{"pattern": "list", "times_ns": [0]}]})";

std::string two_napis(int budget) {
  std::string s = kTwoNapis;
  s.replace(s.find("%BUDGET%"), 8, std::to_string(budget));
  return s;
}

std::deque<int> poll_list(Kernel& k) {
  return k.sd(0).poll_list;
}

} // namespace

TEST_CASE("net_rx_action polls each NAPI of the spliced list once and one scheduled meanwhile waits",
          "[kernel][softirq]") {
  Bench b(two_napis(300));
  b.k->dev().napi_schedule(0, kNicNapi);
  NetRxAction a(*b.k, 0, 0);
  CHECK_FALSE(b.k->sd(0).net_rx_pending); // cleared on entry
  auto p = a.next();
  REQUIRE(p);
  CHECK(p->napi == kNicNapi);
  CHECK(p->weight == 64);
  b.k->dev().napi_schedule(0, 0); // the backlog, scheduled during the NIC's poll
  a.polled(*p, 10, 1000);         // fewer than its weight: completed, not repolled
  CHECK_FALSE(a.next());          // not on the spliced list
  a.end();
  CHECK(poll_list(*b.k) == std::deque<int>{0});
  CHECK(b.k->sd(0).net_rx_pending); // re-raised for it
  CHECK(a.work() == 10);
  CHECK(a.budget() == 290);
  CHECK(b.k->counters().softnet[0].time_squeeze == 0);
}

TEST_CASE("net_rx_action: the budget is charged after the poll and a squeeze leaves the rest pending",
          "[kernel][softirq]") {
  Bench b(two_napis(50));
  b.k->dev().napi_schedule(0, kNicNapi);
  b.k->dev().napi_schedule(0, 0);
  NetRxAction a(*b.k, 0, 0);
  auto p = a.next();
  REQUIRE(p);
  a.polled(*p, 64, 1000); // its whole weight, over the budget of 50
  CHECK(a.budget() == -14);
  CHECK(b.k->counters().softnet[0].time_squeeze == 1);
  CHECK_FALSE(a.next()); // the backlog is not polled in this call
  a.end();
  // The unfinished backlog first, then the NIC that used its weight.
  CHECK(poll_list(*b.k) == std::deque<int>{0, kNicNapi});
  CHECK(b.k->sd(0).net_rx_pending);
}

TEST_CASE("net_rx_action: netdev_budget_usecs ends the call after the poll that crosses it",
          "[kernel][softirq]") {
  Bench b(two_napis(300));
  b.k->dev().napi_schedule(0, kNicNapi);
  b.k->dev().napi_schedule(0, 0);
  NetRxAction a(*b.k, 0, 5'000);
  auto p = a.next();
  a.polled(*p, 3, 5'000 + 1'999'999); // within 2 ms of the entry
  CHECK(b.k->counters().softnet[0].time_squeeze == 0);
  p = a.next();
  REQUIRE(p);
  CHECK(p->napi == 0);
  a.polled(*p, 3, 5'000 + 2'000'000);
  CHECK(b.k->counters().softnet[0].time_squeeze == 1);
  a.end();
  CHECK(poll_list(*b.k).empty()); // both completed under their weight
  CHECK_FALSE(b.k->sd(0).net_rx_pending);
}

TEST_CASE("__do_softirq restarts up to MAX_SOFTIRQ_RESTART rounds then wakes ksoftirqd",
          "[kernel][softirq]") {
  Bench b(two_napis(300));
  auto& sd = b.k->sd(0);
  sd.net_rx_pending = true;
  CHECK(softirq_on_irq_exit(sd));
  DoSoftirq run(*b.k, 0, 0);
  for (int round = 1; round < kMaxSoftirqRestart; ++round) {
    INFO("round " << round);
    CHECK(run.after_round(round) == DoSoftirq::Next::Restart);
  }
  CHECK(run.after_round(kMaxSoftirqRestart) == DoSoftirq::Next::WakeKsoftirqd);
  CHECK(sd.ksoftirqd_running);
  CHECK_FALSE(softirq_on_irq_exit(sd)); // ksoftirqd finishes the work
  CHECK(ksoftirqd_should_run(sd));
}

TEST_CASE("__do_softirq hands over after MAX_SOFTIRQ_TIME or when a woken task needs the CPU",
          "[kernel][softirq]") {
  SECTION("time") {
    Bench b(two_napis(300));
    b.k->sd(0).net_rx_pending = true;
    DoSoftirq run(*b.k, 0, 1'000);
    CHECK(run.after_round(1'000 + kMaxSoftirqTimeNs - 1) == DoSoftirq::Next::Restart);
    CHECK(run.after_round(1'000 + kMaxSoftirqTimeNs) == DoSoftirq::Next::WakeKsoftirqd);
  }
  SECTION("need_resched: sk_data_ready woke the receiver on this CPU") {
    Bench b(R"({"cpus": 1, "traffic": [{"pattern": "list", "times_ns": [0]}], "sockets": [{"name": "s"}],
               "receivers": [{"socket": "s", "cpu": 0}]})");
    REQUIRE_FALSE(b.k->udp().recv_dequeue(0, 0).got); // the receiver waits
    b.k->sd(0).net_rx_pending = true;
    DoSoftirq run(*b.k, 0, 0);
    Path p;
    REQUIRE(b.k->nic().rx(0, trace::Ctx::Softirq, 10'000, p));
    CHECK(b.k->settle(p, 10'000) == 0); // woken
    CHECK(run.after_round(11'000) == DoSoftirq::Next::WakeKsoftirqd);
  }
  SECTION("nothing pending") {
    Bench b(two_napis(300));
    DoSoftirq run(*b.k, 0, 0);
    CHECK(run.after_round(5) == DoSoftirq::Next::Done);
    CHECK_FALSE(b.k->sd(0).ksoftirqd_running);
  }
}

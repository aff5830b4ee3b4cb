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
    R"({"kernel": "%KERNEL%", "cpus": 1, "sysctl": {"net.core.netdev_budget": %BUDGET%, "net.core.dev_weight": 64,
  "net.core.netdev_budget_usecs": 2000}, "nic": {"napi_weight": 64}, "traffic": [{"pattern": "list", "times_ns": [0]}]})";

std::string two_napis(int budget, std::string_view kernel = "3.19") {
  std::string s = kTwoNapis;
  s.replace(s.find("%BUDGET%"), 8, std::to_string(budget));
  s.replace(s.find("%KERNEL%"), 8, kernel);
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

TEST_CASE("net_rx_action: netdev_budget_usecs, in jiffies, ends the call after the poll that crosses it",
          "[kernel][softirq]") {
  // HZ 250: 2000 µs round up to one jiffy; entered mid-jiffy, the call ends at the next tick.
  Bench b(two_napis(300, "6.18"));
  b.k->dev().napi_schedule(0, kNicNapi);
  b.k->dev().napi_schedule(0, 0);
  NetRxAction a(*b.k, 0, 5'000);
  auto p = a.next();
  a.polled(*p, 3, 4'000'000 - 1); // before the tick
  CHECK(b.k->counters().softnet[0].time_squeeze == 0);
  p = a.next();
  REQUIRE(p);
  CHECK(p->napi == 0);
  a.polled(*p, 3, 4'000'000);
  CHECK(b.k->counters().softnet[0].time_squeeze == 1);
  a.end();
  CHECK(poll_list(*b.k).empty()); // both completed under their weight
  CHECK_FALSE(b.k->sd(0).net_rx_pending);
}

TEST_CASE("net_rx_action's time limit is 2 jiffies before 4.12 and by default, whatever the phase",
          "[kernel][softirq]") {
  for (auto v : {"3.19", "6.18"}) {
    Bench b(R"({"kernel": ")" + std::string(v) +
            R"(", "cpus": 1, "sysctl": {"net.core.netdev_budget_usecs": 0},
               "traffic": [{"pattern": "list", "times_ns": [0]}]})");
    b.k->dev().napi_schedule(0, kNicNapi);
    NetRxAction a(*b.k, 0, 7'999'999); // the last ns of jiffy 1: the limit is jiffy 3, 4 ms + 1 ns later
    auto p = a.next();
    a.polled(*p, 1, 12'000'000 - 1);
    CHECK(b.k->counters().softnet[0].time_squeeze == 0);
    a.end();
    b.k->dev().napi_schedule(0, kNicNapi);
    NetRxAction c(*b.k, 0, 8'000'000); // entered on a tick: a full 8 ms
    p = c.next();
    c.polled(*p, 1, 16'000'000);
    CHECK(b.k->counters().softnet[0].time_squeeze == 1);
  }
}

TEST_CASE("__do_softirq restarts up to MAX_SOFTIRQ_RESTART rounds then wakes ksoftirqd",
          "[kernel][softirq]") {
  Bench b(two_napis(300));
  auto& sd = b.k->sd(0);
  sd.net_rx_pending = true;
  CHECK(softirq_runs_now(b.k->version(), sd));
  DoSoftirq run(*b.k, 0, 0);
  for (int round = 1; round < kMaxSoftirqRestart; ++round) {
    INFO("round " << round);
    CHECK(run.after_round(round) == DoSoftirq::Next::Restart);
  }
  CHECK(run.after_round(kMaxSoftirqRestart) == DoSoftirq::Next::WakeKsoftirqd);
  CHECK(sd.ksoftirqd_running);
  CHECK(ksoftirqd_should_run(sd));
}

TEST_CASE("softirqs run on irq exit while ksoftirqd is awake in 3.19 and 6.5+, not in 4.9 to 6.4",
          "[kernel][softirq]") {
  for (const auto& v : kernel_versions()) {
    Bench b(R"({"kernel": ")" + std::string(v.name) +
            R"(", "cpus": 1, "traffic": [{"pattern": "list", "times_ns": [0]}]})");
    auto& sd = b.k->sd(0);
    sd.net_rx_pending = true;
    sd.ksoftirqd_running = true;
    INFO("kernel " << v.name);
    const bool defers = v.name != "3.19" && v.name != "6.6" && v.name != "6.12" && v.name != "6.18";
    CHECK(softirq_runs_now(v, sd) == !defers);
    sd.in_softirq = true; // ksoftirqd inside __do_softirq: in_interrupt(), never on irq exit
    CHECK_FALSE(softirq_runs_now(v, sd));
  }
}

TEST_CASE("__do_softirq hands over after MAX_SOFTIRQ_TIME in jiffies or when a woken task needs the CPU",
          "[kernel][softirq]") {
  SECTION("time: msecs_to_jiffies(2) is one tick at HZ 250 and two at HZ 1000") {
    for (int64_t hz : {250, 1000}) {
      Bench b(R"({"hz": )" + std::to_string(hz) +
              R"(, "cpus": 1, "traffic": [{"pattern": "list", "times_ns": [0]}]})");
      b.k->sd(0).net_rx_pending = true;
      const int64_t tick = 1'000'000'000 / hz, start = 3 * tick + tick / 2; // mid-tick
      DoSoftirq run(*b.k, 0, start);
      const int64_t end = (3 + (hz == 1000 ? 2 : 1)) * tick; // the window ends on a tick
      INFO("HZ " << hz);
      CHECK(run.after_round(end - 1) == DoSoftirq::Next::Restart);
      CHECK(run.after_round(end) == DoSoftirq::Next::WakeKsoftirqd);
    }
  }
  SECTION("need_resched: a woken task needs the CPU") {
    Bench b(two_napis(300));
    b.k->sd(0).net_rx_pending = true;
    DoSoftirq run(*b.k, 0, 0);
    b.k->set_need_resched(0); // the scheduler's wake-up of a thread on this CPU
    CHECK(run.after_round(11'000) == DoSoftirq::Next::WakeKsoftirqd);
  }
  SECTION("nothing pending") {
    Bench b(two_napis(300));
    DoSoftirq run(*b.k, 0, 0);
    CHECK(run.after_round(5) == DoSoftirq::Next::Done);
    CHECK_FALSE(b.k->sd(0).ksoftirqd_running);
  }
}

TEST_CASE(
    "net_rx_action 6.4+ polls a NAPI scheduled during the call in the same call and 3.19 leaves it pending",
    "[kernel][softirq]") {
  for (auto v : {"3.19", "6.1", "6.6", "6.18"}) {
    Bench b(R"({"kernel": ")" + std::string(v) + R"(", "cpus": 1, "nic": {"napi_weight": 64},
               "traffic": [{"pattern": "list", "times_ns": [0]}]})");
    auto& sd = b.k->sd(0);
    b.k->dev().napi_schedule(0, 0); // the backlog
    NetRxAction a(*b.k, 0, 0);
    auto p = a.next();
    REQUIRE(p);
    b.k->dev().napi_schedule(0, kNicNapi); // e.g. from a hardirq nested in the softirq
    a.polled(*p, 1, 1000);
    const bool in_action = std::string_view(v) == "6.6" || std::string_view(v) == "6.18";
    INFO("kernel " << v);
    CHECK(sd.net_rx_pending == !in_action); // 6.4+: ____napi_schedule raised nothing
    auto q = a.next();
    CHECK(q.has_value() == in_action); // goto start
    if (q) a.polled(*q, 1, 2000);
    a.end();
    CHECK(sd.poll_list.empty() == in_action);
    CHECK(sd.net_rx_pending == !in_action);
  }
}

// The CPU's preemption rules, on SimGrid itself: hardirq preempts softirq, which preempts
// process context; in process context one task runs at a time, kernel code until its preemption
// point, user-mode work until the scheduler preempts it; a work offset maps to the time it was
// reached. Each test case runs in its own process (one SimGrid engine per process).
#include "sim/Clock.hpp"
#include "sim/Cpu.hpp"

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/NetZone.hpp>

#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <memory>

using namespace rxpath::sim;
using rxpath::trace::Ctx;
namespace sg4 = simgrid::s4u;

namespace {

struct Job {
  std::string name;
  int64_t start_ns;
  Level level;
  int64_t work_ns;
};

// A SimGrid engine with one CPU.
struct Machine {
  int argc = 2;
  char a0[5] = "test", a1[26] = "--log=root.thres:critical";
  char* argv[3] = {a0, a1, nullptr};
  sg4::Engine engine{&argc, argv};
  sg4::Host* host = nullptr;
  std::unique_ptr<Cpu> cpu;
  Machine() {
    auto* zone = sg4::create_full_zone("z");
    host = zone->create_host("cpu0", 1e9);
    zone->seal();
    cpu = std::make_unique<Cpu>(0, host, rxpath::model::SchedTunables{});
  }
};

// Runs the jobs on one CPU (a process-context job is a task: woken at its start, blocked at its
// end; `user` work is preemptible); the timer ticks every 4 ms while `ticks`. Returns each job's Run.
std::map<std::string, Run> run_jobs(const std::vector<Job>& jobs, bool user = false, bool ticks = false) {
  Machine m;
  std::map<std::string, Run> out;
  for (const auto& j : jobs) {
    const int task = j.level == Level::Process ? m.cpu->add_task({}, 0) : -1;
    sg4::Actor::create(j.name, m.host, [&m, &out, j, task, user] {
      sg4::this_actor::sleep_until(to_seconds(j.start_ns));
      if (task < 0) {
        out[j.name] = m.cpu->execute(j.level, Ctx::Hardirq, j.work_ns);
        return;
      }
      m.cpu->wake(task);
      m.cpu->await_turn(task);
      out[j.name] = user ? m.cpu->execute_user(Ctx::Process, j.work_ns)
                         : m.cpu->execute(j.level, Ctx::Process, j.work_ns);
      m.cpu->preempt_point();
      m.cpu->block();
    });
  }
  if (ticks)
    sg4::Actor::create("tick", m.host, [&m] {
      for (int64_t t = 4'000'000; t <= 100'000'000; t += 4'000'000) {
        sg4::this_actor::sleep_until(to_seconds(t));
        m.cpu->tick();
      }
    })->daemonize();
  m.engine.run();
  return out;
}

} // namespace

TEST_CASE("hardirq preempts a process-context execution, which resumes where it was", "[cpu]") {
  auto r = run_jobs({{"thread", 0, Level::Process, 10000}, {"irq", 3000, Level::Hardirq, 2000}});
  CHECK(r["irq"].start == 3000);
  CHECK(r["irq"].end == 5000);     // ran at once, at full speed
  CHECK(r["thread"].end == 12000); // 10 µs of work + 2 µs preempted
  CHECK(r["thread"].time_at(2000) == 2000);
  CHECK(r["thread"].time_at(4000) == 6000); // work done after the interrupt shifts by its length
}

TEST_CASE("softirq preempts process context and hardirq preempts softirq", "[cpu]") {
  auto r = run_jobs({{"thread", 0, Level::Process, 5000},
                     {"softirq", 1000, Level::Softirq, 4000},
                     {"irq", 2000, Level::Hardirq, 1000}});
  CHECK(r["irq"].end == 3000);
  CHECK(r["softirq"].end == 6000); // 4 µs + 1 µs of hardirq
  CHECK(r["thread"].end == 10000); // 5 µs + 4 µs softirq + 1 µs hardirq
}

TEST_CASE("process-context tasks run one at a time: kernel code runs to its preemption point", "[cpu]") {
  // Without a tick, the first task keeps the CPU until it blocks.
  auto r = run_jobs({{"a", 0, Level::Process, 10000}, {"b", 0, Level::Process, 10000}});
  CHECK(r["a"].end == 10000);
  CHECK(r["b"].start == 10000); // it waited for its turn
  CHECK(r["b"].end == 20000);
}

TEST_CASE("a tick's resched waits for the running task's preemption point in kernel code", "[cpu]") {
  // A 10 ms kernel execution is not cut by the ticks at 4 and 8 ms.
  auto k = run_jobs({{"a", 0, Level::Process, 10'000'000}, {"b", 1'000'000, Level::Process, 1'000'000}},
                    false, true);
  CHECK(k["a"].end == 10'000'000);
  CHECK(k["b"].end == 11'000'000);
}

TEST_CASE("user-mode work is preempted at the tick that ends its slice and resumes later", "[cpu]") {
  // CFS at 1 CPU: sched_latency 6 ms, two tasks get 3 ms slices; the tick at 4 ms preempts a.
  auto r = run_jobs({{"a", 0, Level::Process, 10'000'000}, {"b", 1'000'000, Level::Process, 1'000'000}}, true,
                    true);
  CHECK(r["b"].end == 5'000'000); // ran from the 4 ms tick to its block
  CHECK(r["a"].end == 11'000'000);
  CHECK(r["a"].time_at(4'000'000) == 4'000'000);
  CHECK(r["a"].time_at(5'000'000) == 6'000'000); // the work after the preemption shifts by b's 1 ms
}

TEST_CASE("a thread that starts while a hardirq runs waits for it", "[cpu]") {
  auto r = run_jobs({{"irq", 0, Level::Hardirq, 5000}, {"thread", 1000, Level::Process, 2000}});
  CHECK(r["irq"].end == 5000);
  CHECK(r["thread"].end == 7000);
  CHECK(r["thread"].time_at(1000) == 6000);
}

TEST_CASE("a thread starting between two back-to-back hardirq executions still waits", "[cpu]") {
  Machine m;
  Run thread;
  sg4::Actor::create("irq", m.host, [&m] {
    for (int i = 0; i < 10; ++i) m.cpu->execute(Level::Hardirq, Ctx::Hardirq, 1000);
  });
  sg4::Actor::create("thread", m.host, [&m, &thread] {
    sg4::this_actor::sleep_until(to_seconds(3000));
    thread = m.cpu->execute(Level::Process, Ctx::Process, 1000);
  });
  m.engine.run();
  CHECK(thread.end == 11000);
}

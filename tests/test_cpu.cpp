// The CPU's preemption rules, on SimGrid itself: hardirq preempts softirq, which preempts
// process context; process-context threads share the CPU; a work offset maps to the time it was
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
    cpu = std::make_unique<Cpu>(0, host);
  }
};

// Runs the jobs on one CPU; returns each job's Run.
std::map<std::string, Run> run_jobs(const std::vector<Job>& jobs) {
  Machine m;
  std::map<std::string, Run> out;
  for (const auto& j : jobs)
    sg4::Actor::create(j.name, m.host, [&m, &out, j] {
      sg4::this_actor::sleep_until(to_seconds(j.start_ns));
      out[j.name] = m.cpu->execute(j.level, Ctx::Process, j.work_ns);
    });
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

TEST_CASE("threads in process context share the CPU equally", "[cpu]") {
  auto r = run_jobs({{"a", 0, Level::Process, 10000}, {"b", 0, Level::Process, 10000}});
  CHECK(r["a"].end == 20000);
  CHECK(r["b"].end == 20000);
  CHECK(r["a"].time_at(5000) == 10000); // half speed while both run
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

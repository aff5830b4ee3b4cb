// The scheduler's rules (model/Sched), driven without SimGrid: slices, tick and wake-up
// preemption, sleeper credit, EEVDF's lag and run-to-parity, SCHED_FIFO over CFS.
#include "model/Sched.hpp"

#include <catch2/catch.hpp>

#include <random>

using namespace rxpath::model;

namespace {

constexpr int64_t kMs = 1'000'000;

const KernelVersion& kernel(std::string_view name) {
  return *find_kernel_version(name);
}

// Runs CPU-bound tasks (always runnable) on one run queue from `from` to `until`, a tick every
// tick_ns; returns each task's CPU time and the lengths of the runs between switches.
struct Hogs {
  RunQueue rq;
  std::vector<int64_t> cpu;
  std::vector<int64_t> runs;
  int64_t tick;
  Hogs(const SchedTunables& t, int n, const std::vector<int>& nice = {})
      : rq(t), cpu(static_cast<size_t>(n)), tick(t.tick_ns) {
    for (size_t i = 0; i < static_cast<size_t>(n); ++i)
      rq.add({Policy::Other, 0, i < nice.size() ? nice[i] : 0});
    for (int i = 0; i < n; ++i) rq.wake(i, 0);
  }
  void run(int64_t until) {
    int64_t now = 0, since = 0;
    int c = rq.pick_next(0);
    while (now < until) {
      now += tick;
      cpu[static_cast<size_t>(c)] += tick;
      if (rq.tick(now)) {
        rq.put_prev(now, true);
        const int next = rq.pick_next(now);
        if (next != c) runs.push_back(now - since), since = now;
        c = next;
      }
    }
  }
};

} // namespace

TEST_CASE("the scheduler's tunables scale with 1 + ilog2 of the CPUs, at most 8", "[sched]") {
  const auto two = SchedTunables::of(kernel("6.1"), 2, 250);
  CHECK(two.latency_ns == 12 * kMs);
  CHECK(two.min_granularity_ns == 1'500'000);
  CHECK(two.wakeup_granularity_ns == 2 * kMs);
  CHECK(two.tick_ns == 4 * kMs);
  CHECK(SchedTunables::of(kernel("6.6"), 1, 1000).base_slice_ns == 750'000);
  CHECK(SchedTunables::of(kernel("6.6"), 8, 1000).base_slice_ns == 3 * kMs);
  CHECK(SchedTunables::of(kernel("6.6"), 64, 1000).base_slice_ns == 3 * kMs);
  CHECK(SchedTunables::of(kernel("6.1"), 2, 250).fair == FairSched::Cfs);
  CHECK(SchedTunables::of(kernel("6.6"), 2, 250).fair == FairSched::Eevdf);
}

TEST_CASE("CFS: two CPU hogs share the CPU equally in slices of sched_latency / 2, rounded up to ticks",
          "[sched]") {
  for (int64_t hz : {100, 250, 1000}) {
    const auto t = SchedTunables::of(kernel("5.10"), 2, hz);
    Hogs h(t, 2);
    h.run(1000 * kMs);
    CHECK(std::abs(h.cpu[0] - h.cpu[1]) <= 2 * t.tick_ns + t.latency_ns);
    REQUIRE(h.runs.size() > 10);
    // check_preempt_tick: the slice (6 ms at 2 CPUs) is used up at the first tick past it.
    const int64_t slice = t.latency_ns / 2;
    for (size_t i = 1; i < h.runs.size(); ++i) {
      CHECK(h.runs[i] > slice - t.tick_ns);
      CHECK(h.runs[i] <= slice + t.tick_ns);
    }
  }
}

TEST_CASE("nice levels: CPU hogs share the CPU in the ratio of their load weights", "[sched]") {
  CHECK(nice_weight(0) == 1024);
  CHECK(nice_weight(-20) == 88761);
  CHECK(nice_weight(19) == 15);
  for (int n = -19; n <= 19; ++n) { // ~1.25x the share per level
    const double r = static_cast<double>(nice_weight(n - 1)) / static_cast<double>(nice_weight(n));
    CHECK(r >= 1.2);
    CHECK(r < 1.3);
  }
  std::mt19937_64 rng(std::random_device{}());
  for (const char* k : {"5.10", "6.1", "6.6", "6.18"})
    for (int trial = 0; trial < 4; ++trial) {
      const int a = std::uniform_int_distribution<int>(-10, 10)(rng);
      const int b = std::uniform_int_distribution<int>(-10, 10)(rng);
      INFO("kernel " << k << ", nice " << a << " and " << b);
      const auto t = SchedTunables::of(kernel(k), 2, 1000);
      Hogs h(t, 2, {a, b});
      h.run(20'000 * kMs);
      const double share = static_cast<double>(h.cpu[0]) / static_cast<double>(h.cpu[0] + h.cpu[1]);
      const double want =
          static_cast<double>(nice_weight(a)) / static_cast<double>(nice_weight(a) + nice_weight(b));
      // Whole ticks: the lighter task runs at least one tick at a time.
      CHECK(std::abs(share - want) <= 0.03 + std::min(want, 1 - want) * 0.1);
    }
}

TEST_CASE("EEVDF: two CPU hogs alternate when their slice's deadline passes, at the next tick", "[sched]") {
  const auto t = SchedTunables::of(kernel("6.6"), 2, 250);
  Hogs h(t, 2);
  h.run(1000 * kMs);
  CHECK(std::abs(h.cpu[0] - h.cpu[1]) <= 2 * t.tick_ns);
  REQUIRE(h.runs.size() > 10);
  // base_slice 1.5 ms at 2 CPUs is shorter than a 4 ms tick: every tick switches.
  for (size_t i = 1; i < h.runs.size(); ++i) CHECK(h.runs[i] == t.tick_ns);
}

TEST_CASE("CFS: a long sleeper preempts on wake-up, with at most half a sched_latency of credit", "[sched]") {
  const auto t = SchedTunables::of(kernel("4.19"), 2, 250);
  RunQueue rq(t);
  const int hog = rq.add(), sleeper = rq.add();
  rq.wake(sleeper, 0);
  REQUIRE(rq.pick_next(0) == sleeper);
  rq.put_prev(0, false); // the sleeper blocks at once
  rq.wake(hog, 0);
  REQUIRE(rq.pick_next(0) == hog);
  for (int64_t now = 4 * kMs; now <= 10'000 * kMs; now += 4 * kMs) CHECK_FALSE(rq.tick(now));
  // Woken 10 s later: placed at min_vruntime - sched_latency / 2, not at its old vruntime, and it
  // is behind the hog by more than wakeup_granularity.
  CHECK(rq.wake(sleeper, 10'000 * kMs));
  CHECK(rq.vruntime(hog) - rq.vruntime(sleeper) == t.latency_ns / 2);
}

TEST_CASE("CFS: a task that slept briefly does not preempt (within wakeup_granularity)", "[sched]") {
  const auto t = SchedTunables::of(kernel("6.1"), 2, 250);
  Hogs h(t, 2);
  h.run(100 * kMs); // they have shared the CPU for a while
  RunQueue& rq = h.rq;
  const int a = rq.current(), b = 1 - a;
  rq.put_prev(100 * kMs + 500'000, false); // a blocks in the middle of a tick
  REQUIRE(rq.pick_next(100 * kMs + 500'000) == b);
  CHECK_FALSE(rq.wake(a, 101 * kMs)); // 0.5 ms later: not behind b by more than 2 ms
}

TEST_CASE("EEVDF: a woken task with no lag waits for the running slice and one owed time preempts",
          "[sched]") {
  const auto t = SchedTunables::of(kernel("6.18"), 2, 250);
  RunQueue rq(t);
  const int hog = rq.add(), other = rq.add();
  rq.wake(hog, 0);
  REQUIRE(rq.pick_next(0) == hog);
  // A new task: zero lag, half a slice to its deadline; the hog is eligible and runs to parity.
  CHECK_FALSE(rq.wake(other, 100'000));
  // At the tick the hog's deadline has passed: resched, and the other task is picked.
  CHECK(rq.tick(4 * kMs));
  rq.put_prev(4 * kMs, true);
  REQUIRE(rq.pick_next(4 * kMs) == other);
  // It sleeps at once: it was owed time (positive lag) ...
  rq.put_prev(4 * kMs + 1000, false);
  REQUIRE(rq.pick_next(4 * kMs + 1000) == hog);
  // ... so on waking it is placed before the average, the hog is no longer eligible, and the
  // woken task preempts.
  CHECK(rq.wake(other, 5 * kMs));
  CHECK(rq.vruntime(other) < rq.vruntime(hog));
}

TEST_CASE("EEVDF 6.12+: a task that sleeps while not eligible stays queued until picked (DELAY_DEQUEUE)",
          "[sched]") {
  for (auto v : {"6.6", "6.12", "6.18"}) {
    INFO("kernel " << v);
    const bool delays = kernel(v).delay_dequeue;
    RunQueue rq(SchedTunables::of(kernel(v), 2, 250));
    const int sleeper = rq.add(), hog = rq.add();
    rq.wake(sleeper, 0);
    REQUIRE(rq.pick_next(0) == sleeper);
    CHECK_FALSE(rq.wake(hog, 0)); // run to parity
    CHECK(rq.tick(4 * kMs));      // the sleeper's slice is long over: it is 2 ms past the average
    rq.put_prev(4 * kMs, false);  // ... and blocks there, not eligible
    CHECK(rq.delayed(sleeper) == delays);
    CHECK_FALSE(rq.runnable(sleeper));
    CHECK(rq.tick_matters() == delays); // a delayed sleeper still competes
    REQUIRE(rq.pick_next(4 * kMs) == hog);
    for (int64_t now = 8 * kMs; now <= 100 * kMs; now += 4 * kMs) {
      if (rq.tick(now)) rq.put_prev(now, true);
      REQUIRE(rq.pick_next(now) == hog); // a delayed sleeper picked leaves the queue instead
    }
    CHECK_FALSE(rq.delayed(sleeper));
    CHECK_FALSE(rq.tick_matters());
    // Woken later: 6.12+ left the queue with its lag clipped to 0 (DELAY_ZERO) and comes back at the
    // average; 6.6 kept its negative lag through the sleep and comes back behind.
    rq.wake(sleeper, 101 * kMs);
    if (delays)
      CHECK(rq.vruntime(sleeper) == rq.vruntime(hog));
    else
      CHECK(rq.vruntime(sleeper) - rq.vruntime(hog) >= 3 * kMs);
  }
}

TEST_CASE("SCHED_FIFO: preempts a fair task on wake-up, is never sliced, and fair wake-ups wait", "[sched]") {
  for (auto v : {"3.19", "6.18"}) {
    RunQueue rq(SchedTunables::of(kernel(v), 2, 250));
    const int fair = rq.add(), rt = rq.add({Policy::Fifo, 50}), fair2 = rq.add();
    rq.wake(fair, 0);
    REQUIRE(rq.pick_next(0) == fair);
    CHECK(rq.wake(rt, kMs));
    rq.put_prev(kMs, true);
    REQUIRE(rq.pick_next(kMs) == rt);
    CHECK_FALSE(rq.wake(fair2, 2 * kMs));
    for (int64_t now = 4 * kMs; now < 1000 * kMs; now += 4 * kMs) CHECK_FALSE(rq.tick(now));
    rq.put_prev(1000 * kMs, false);
    CHECK(rq.pick_next(1000 * kMs) != rt);
  }
}

TEST_CASE("every runnable task runs within a bounded wait, for random wake-ups and blocks", "[sched]") {
  // Property: with random tasks waking and blocking at random times, the scheduler never picks a
  // task that is not runnable, never leaves the CPU idle while one is, and no runnable task waits
  // longer than (tasks + 1) slices plus a tick.
  const uint64_t base = std::random_device{}();
  for (auto v : {"4.9", "5.15", "6.6", "6.12", "6.18"}) {
    for (uint64_t seed = base; seed < base + 20; ++seed) {
      std::mt19937_64 rng(seed);
      const auto t = SchedTunables::of(kernel(v), 2, 250);
      RunQueue rq(t);
      const int n = 2 + static_cast<int>(rng() % 4);
      for (int i = 0; i < n; ++i) rq.add();
      std::vector<int64_t> waiting_since(static_cast<size_t>(n), -1);
      int64_t now = 0, next_tick = t.tick_ns;
      const int64_t bound = (n + 1) * std::max(t.latency_ns, t.base_slice_ns) + 2 * t.tick_ns;
      for (int step = 0; step < 4000; ++step) {
        now += static_cast<int64_t>(rng() % 2'000'000);
        while (next_tick <= now) {
          if (rq.tick(next_tick)) rq.put_prev(next_tick, true);
          if (rq.current() < 0) rq.pick_next(next_tick);
          next_tick += t.tick_ns;
        }
        const int task = static_cast<int>(rng() % static_cast<uint64_t>(n));
        if (!rq.runnable(task)) {
          if (rq.wake(task, now)) rq.put_prev(now, true);
        } else if (task == rq.current() && rng() % 3 == 0) {
          rq.put_prev(now, false);
        }
        if (rq.current() < 0) rq.pick_next(now);
        for (int i = 0; i < n; ++i) {
          auto& w = waiting_since[static_cast<size_t>(i)];
          if (!rq.runnable(i) || rq.current() == i) {
            w = -1;
            continue;
          }
          if (w < 0) w = now;
          INFO("kernel " << v << " seed " << seed << " task " << i);
          CHECK(now - w <= bound);
        }
        REQUIRE((rq.current() >= 0) == (rq.nr_running() > 0));
        if (rq.current() >= 0) REQUIRE(rq.runnable(rq.current()));
      }
    }
  }
}

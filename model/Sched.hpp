// kernel/sched/fair.c and rt.c as decisions: one CPU's run queue of the tasks pinned to it
// (receivers, loopback senders, ksoftirqd), which one runs, and when it must give the CPU up.
// SCHED_OTHER tasks at nice 0 are scheduled by CFS (up to 6.5) or EEVDF (6.6+), per the kernel
// version's row; SCHED_FIFO tasks always run before them. sim/ runs the chosen task and calls back
// at the moments the kernel decides: a wake-up, a block, a timer tick, a preemption point.
//
// Followed: CFS as in 6.1 (update_curr, place_entity with GENTLE_FAIR_SLEEPERS,
// check_preempt_wakeup / wakeup_preempt_entity, check_preempt_tick, pick_next_entity without the
// next/last/skip buddies); EEVDF as in 6.6 (avg_vruntime, entity_eligible, place_entity with
// PLACE_LAG and PLACE_DEADLINE_INITIAL, update_deadline, pick_eevdf with RUN_TO_PARITY,
// check_preempt_wakeup), with nice levels as load weights (sched_prio_to_weight). Not followed: task
// migration between CPUs,
// 6.12's DELAY_DEQUEUE and PREEMPT_SHORT, RT throttling (sched_rt_runtime_us), HRTICK.
#pragma once

#include "KernelVersion.hpp"

#include <cstdint>
#include <vector>

namespace rxpath::model {

// The scheduler's tunables as the kernel computes them at boot (update_sysctl): the base values
// scaled by 1 + ilog2(min(CPUs, 8)) (SCHED_TUNABLESCALING_LOG).
struct SchedTunables {
  FairSched fair = FairSched::Cfs;
  int64_t latency_ns = 6'000'000;            // sysctl_sched_latency (CFS)
  int64_t min_granularity_ns = 750'000;      // sysctl_sched_min_granularity (CFS)
  int64_t wakeup_granularity_ns = 1'000'000; // sysctl_sched_wakeup_granularity (CFS)
  int64_t base_slice_ns = 750'000;           // sysctl_sched_base_slice (EEVDF; 0.70 ms since 6.15)
  bool delay_dequeue = false;                // EEVDF's DELAY_DEQUEUE (6.12+)
  int64_t tick_ns = 4'000'000;               // TICK_NSEC at HZ

  static SchedTunables of(const KernelVersion& v, int cpus, int64_t hz);
};

enum class Policy : uint8_t { Other, Fifo };

// What a task is to the scheduler: SCHED_OTHER at a nice level, or SCHED_FIFO at a priority.
struct TaskParams {
  Policy policy = Policy::Other;
  int rt_priority = 0; // SCHED_FIFO: 1-99
  int nice = 0;        // SCHED_OTHER: -20 … 19
};
// sched_prio_to_weight (kernel/sched/core.c): the load weight of a nice level; nice 0 is 1024.
int64_t nice_weight(int nice);

class RunQueue {
public:
  explicit RunQueue(const SchedTunables& t) : t_(t) {}

  // A new task on this CPU, asleep until its first wake-up. Returns its index here.
  int add(const TaskParams& params = {});

  // try_to_wake_up -> enqueue_task at `now`. True if the running task should be preempted
  // (check_preempt_curr: resched_curr); false too when the CPU is idle (then pick_next).
  bool wake(int task, int64_t now);
  // The running task gives the CPU up at `now` (__schedule): it blocks, or stays runnable
  // (preempted). Nothing runs until pick_next.
  void put_prev(int64_t now, bool runnable);
  // pick_next_task: the task that runs from `now`, or -1 (idle).
  int pick_next(int64_t now);
  // scheduler_tick -> task_tick_fair at `now`: true if the running task must be rescheduled.
  bool tick(int64_t now);

  int current() const { return curr_; }
  // Queued and not asleep: a DELAY_DEQUEUE sleeper is still queued, but sleeps.
  bool runnable(int task) const {
    const Task& t = tasks_[static_cast<size_t>(task)];
    return t.on_rq && !t.delayed;
  }
  bool delayed(int task) const { return tasks_[static_cast<size_t>(task)].delayed; }
  int nr_running() const;
  // A tick can change who runs only when another task waits for the CPU.
  bool tick_matters() const { return nr_running() > 1; }
  int64_t vruntime(int task) const { return tasks_[static_cast<size_t>(task)].vruntime; }
  int64_t deadline(int task) const { return tasks_[static_cast<size_t>(task)].deadline; }
  int64_t avg_vruntime() const; // EEVDF: the load-weighted mean vruntime of the queued fair tasks

private:
  struct Task {
    Policy policy;
    int rt_priority;
    int64_t weight; // the nice level's load weight
    bool on_rq = false;
    bool delayed = false; // EEVDF DELAY_DEQUEUE: asleep, but queued until picked or woken
    bool started = false; // woken once: the first wake-up places it as a new task
    int64_t vruntime = 0;
    int64_t deadline = 0;    // EEVDF: vruntime + slice
    int64_t vlag = 0;        // EEVDF: avg_vruntime - vruntime when it slept
    int64_t slice_start = 0; // sum_exec_runtime when it was picked (prev_sum_exec_runtime)
    int64_t sum_exec = 0;
    bool run_to_parity = false; // EEVDF: picked, and its deadline not renewed since
    uint64_t seq = 0;           // enqueue order: ties go to the task queued first
  };
  bool fair(const Task& t) const { return t.policy == Policy::Other; }
  Task& at(int i) { return tasks_[static_cast<size_t>(i)]; }
  void update_curr(int64_t now);           // update_curr: charge the running task; EEVDF: update_deadline
  bool eligible(const Task& t) const;      // EEVDF: entity_eligible
  int64_t entity_lag(const Task& t) const; // EEVDF: avg_vruntime - vruntime, clamped
  int64_t min_vruntime() const;            // CFS: cfs_rq->min_vruntime
  int pick_fair() const;                   // CFS: leftmost; EEVDF: pick_eevdf
  int pick_rt() const;                     // the highest-priority runnable SCHED_FIFO task, or -1
  int64_t nr_fair() const;                 // queued SCHED_OTHER tasks, the running one included
  int64_t load() const;                    // their summed weight (cfs_rq->load.weight)
  int64_t cfs_slice(const Task& t) const;  // sched_slice of `t`, counting it if it is not queued yet

  SchedTunables t_;
  std::vector<Task> tasks_;
  int curr_ = -1;
  int64_t exec_start_ = 0;
  int64_t min_vruntime_ = 0; // CFS: monotonic
  bool resched_ = false;     // EEVDF: update_deadline asked for a resched
  uint64_t seq_ = 0;
};

} // namespace rxpath::model

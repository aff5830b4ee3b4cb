// One CPU: a SimGrid host whose executions obey the kernel's preemption rules. Hardirq preempts
// softirq, which preempts process context. In process context one task runs at a time, the one
// the CPU's run queue (model::RunQueue: CFS or EEVDF, and SCHED_FIFO) picks; it gives the CPU up
// when it blocks, or at a preemption point once a wake-up or the tick asked it to (kernel code runs
// to its next preemption point; user-mode work is preempted at once). Each execution's rate
// history is kept so that a work offset inside it maps to the simulated time it was reached.
#pragma once

#include "model/Sched.hpp"
#include "trace/Event.hpp"

#include <simgrid/s4u/Exec.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Semaphore.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

namespace rxpath::sim {

enum class Level { Process = 0, Softirq = 1, Hardirq = 2 };

// A finished execution: when it ran, and how fast at each moment.
struct Run {
  int64_t start = 0;
  int64_t end = 0;
  int64_t work = 0;
  std::vector<std::pair<int64_t, double>> rates; // (time, share of the CPU from then on)
  // Simulated time at which `offset` ns of this execution's work had been done.
  int64_t time_at(int64_t offset) const;
  // Work done between `from` and `to` (ns of CPU work), from the rate history.
  double work_between(int64_t from, int64_t to) const;
};

class Cpu {
public:
  Cpu(int index, simgrid::s4u::Host* host, const model::SchedTunables& sched);
  int index() const { return index_; }
  simgrid::s4u::Host* host() const { return host_; }

  // Runs `work_ns` of CPU work for the calling actor (which lives on this CPU's host): an
  // interrupt handler, a softirq, or kernel code of the running task (not preemptible).
  Run execute(Level level, trace::Ctx ctx, int64_t work_ns);
  // User-mode work of the running task: a preemption stops it at once, and it resumes when the
  // task runs again.
  Run execute_user(trace::Ctx ctx, int64_t work_ns);

  // The scheduler. A task is added before the run, asleep; `id` is its index in the trace's task
  // table (this CPU's idle task is `index`).
  int add_task(const model::TaskParams& params, int id);
  // try_to_wake_up, from any actor: the task becomes runnable; if it should run now, the running
  // task is asked to reschedule (and `on_resched` tells the kernel: TIF_NEED_RESCHED).
  void wake(int task);
  // The woken task, in its own actor: waits until it is the one running. True if its wake-up found
  // the CPU idle.
  bool await_turn(int task);
  // The running task sleeps (call it just before waiting).
  void block();
  // A preemption point of the running task (return to user mode, cond_resched).
  void preempt_point();
  // The running task ends (do_exit): it never runs again.
  void exit();
  // The timer tick's scheduler part (scheduler_tick).
  void tick();
  // Whether a tick can change who runs.
  bool tick_matters() const { return rq_.tick_matters(); }
  bool runnable(int task) const { return rq_.runnable(task); }
  std::function<void()> on_resched;  // a wake-up or the tick set need_resched
  std::function<void()> on_runnable; // a task became runnable (the tick may matter again)
  // The scheduler's trace events, with the tasks' trace ids: try_to_wake_up, and a switch.
  std::function<void(int task)> on_wakeup;
  std::function<void(int prev, int next, trace::SwitchWhy why)> on_switch;

  // The CPU time of the user-mode work running now, up to now (for the end of the run).
  void account_running();

  // CPU time consumed, by context (index = trace::Ctx).
  const std::array<int64_t, 5>& busy_ns() const { return busy_; }

private:
  struct Entry {
    simgrid::s4u::ExecPtr exec;
    Level level;
    Run* run;
    double rate = -1;
    int64_t start = 0; // when this execution started
    int64_t work = 0;  // its work
    // What is left of it now, from the rate history (asking SimGrid from another actor races with
    // the execution's own end at the same instant).
    double left_now() const;
  };
  void reschedule();
  // Starts an execution of `work` flops for `run` and waits for it; false if it was preempted
  // (then `left` is what remains).
  bool run_exec(Level level, Run& run, int64_t work, bool preemptible, int64_t& left);
  void request_resched(trace::SwitchWhy why);
  void switch_to(int prev, trace::SwitchWhy why);
  int id_of(int task) const { return task < 0 ? index_ : ids_[static_cast<size_t>(task)]; }
  void yield(); // the running task is preempted: back to the queue, someone else runs

  int index_;
  simgrid::s4u::Host* host_;
  std::vector<Entry*> active_;
  std::array<int64_t, 5> busy_{};
  model::RunQueue rq_;
  std::vector<simgrid::s4u::SemaphorePtr> turn_;            // released when the task is picked
  std::vector<bool> woke_idle_;                             // its last wake-up found the CPU idle
  bool resched_ = false;                                    // the running task must reschedule
  trace::SwitchWhy resched_why_ = trace::SwitchWhy::Wakeup; // what asked for it
  std::vector<int> ids_;                                    // each task's index in the trace's task table
  Entry* user_exec_ = nullptr;                              // the running task's preemptible execution
  int64_t user_left_ = 0;
  trace::Ctx user_ctx_ = trace::Ctx::Process;
};

} // namespace rxpath::sim

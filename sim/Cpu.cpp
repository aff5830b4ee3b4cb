#include "Cpu.hpp"

#include "Clock.hpp"

#include <simgrid/Exception.hpp>
#include <simgrid/s4u/Actor.hpp>

#include <algorithm>
#include <cassert>
#include <cmath>

namespace rxpath::sim {

namespace {
constexpr double kPriority[] = {1.0, 1e9, 1e18}; // Process, Softirq, Hardirq
} // namespace

int64_t Run::time_at(int64_t offset) const {
  if (offset <= 0) return start;
  if (offset >= work) return end;
  double done = 0;
  for (size_t i = 0; i < rates.size(); ++i) {
    const auto [t, rate] = rates[i];
    const int64_t next_t = i + 1 < rates.size() ? rates[i + 1].first : end;
    const double seg = rate * static_cast<double>(next_t - t);
    if (rate > 0 && done + seg >= static_cast<double>(offset))
      return std::min<int64_t>(end, t + std::llround((static_cast<double>(offset) - done) / rate));
    done += seg;
  }
  return end;
}

double Run::work_between(int64_t from, int64_t to) const {
  double done = 0;
  for (size_t i = 0; i < rates.size(); ++i) {
    const int64_t a = std::max(from, rates[i].first);
    const int64_t b = std::min(to, i + 1 < rates.size() ? rates[i + 1].first : to);
    if (b > a) done += rates[i].second * static_cast<double>(b - a);
  }
  return done;
}

double Cpu::Entry::left_now() const {
  return static_cast<double>(work) - run->work_between(start, now_ns());
}

Cpu::Cpu(int index, simgrid::s4u::Host* host, const model::SchedTunables& sched)
    : index_(index), host_(host), rq_(sched) {}

namespace {
void record_rate(Run& run, int64_t now, double rate) {
  if (!run.rates.empty() && run.rates.back().first == now)
    run.rates.back().second = rate;
  else
    run.rates.emplace_back(now, rate);
}
} // namespace

// Records who runs now: the highest level present (in process context only the running task
// executes). SimGrid enforces it through the executions' priorities (see run_exec); this keeps
// each one's rate history.
void Cpu::reschedule() {
  if (active_.empty()) return;
  Level top = Level::Process;
  for (auto* e : active_) top = std::max(top, e->level);
  const auto n = std::count_if(active_.begin(), active_.end(), [&](Entry* e) { return e->level == top; });
  const int64_t now = now_ns();
  for (auto* e : active_) {
    const double rate = e->level == top ? 1.0 / static_cast<double>(n) : 0.0;
    if (rate != e->rate) {
      record_rate(*e->run, now, rate);
      e->rate = rate;
    }
  }
}

bool Cpu::run_exec(Level level, Run& run, int64_t work, bool preemptible, int64_t& left) {
  assert(simgrid::s4u::this_actor::get_host() == host_);
  // Host speed is 1e9 flop/s: one flop is one nanosecond of CPU work. Strict priority between
  // levels comes from priorities 1e9 apart: a lower level gets at most 1e-9 of the CPU, less
  // than a nanosecond per second. (Exec::suspend/resume cannot be used: in SimGrid 3.32
  // Activity::resume leaves the activity flagged as suspended, so a second suspend is ignored.
  // A preempted user-mode execution is cancelled and its remainder started again.)
  Entry entry{
      simgrid::s4u::this_actor::exec_init(static_cast<double>(work)), level, &run, -1, now_ns(), work};
  // An execution's priority is 1 unless set (ExecImpl's sharing penalty 1): setting it is a simcall,
  // one of five per execution, so process context (priority 1) leaves it.
  if (level != Level::Process) entry.exec->set_priority(kPriority[static_cast<size_t>(level)]);
  entry.exec->start();
  active_.push_back(&entry);
  reschedule();
  if (preemptible) user_exec_ = &entry;
  bool done = true;
  try {
    entry.exec->wait();
  } catch (const simgrid::CancelException&) {
    done = false;
    left = user_left_;
  }
  if (preemptible) user_exec_ = nullptr;
  active_.erase(std::find(active_.begin(), active_.end(), &entry));
  if (!done) record_rate(run, now_ns(), 0.0);
  reschedule();
  return done;
}

Run Cpu::execute(Level level, trace::Ctx ctx, int64_t work_ns) {
  Run run;
  run.start = now_ns();
  run.work = work_ns;
  if (work_ns > 0) {
    int64_t left = 0;
    run_exec(level, run, work_ns, false, left);
    busy_[static_cast<size_t>(ctx)] += work_ns;
  }
  run.end = std::max(now_ns(), run.start);
  return run;
}

Run Cpu::execute_user(trace::Ctx ctx, int64_t work_ns) {
  Run run;
  run.start = now_ns();
  run.work = work_ns;
  int64_t left = work_ns;
  user_ctx_ = ctx;
  while (left > 0) {
    preempt_point();
    const int64_t before = left;
    const bool done = run_exec(Level::Process, run, left, true, left);
    busy_[static_cast<size_t>(ctx)] += done ? before : before - left; // as it runs: a task may never end
    if (done) break;
    yield();
  }
  run.end = std::max(now_ns(), run.start);
  return run;
}

void Cpu::account_running() {
  if (user_exec_)
    busy_[static_cast<size_t>(user_ctx_)] +=
        user_exec_->work - std::llround(std::max(0.0, user_exec_->left_now()));
}

int Cpu::add_task(const model::TaskParams& params, int id) {
  turn_.push_back(simgrid::s4u::Semaphore::create(0));
  woke_idle_.push_back(false);
  ids_.push_back(id);
  return rq_.add(params);
}

void Cpu::request_resched(trace::SwitchWhy why) {
  resched_ = true;
  resched_why_ = why;
  if (on_resched) on_resched();
  if (!user_exec_) return;
  // It ends now (within the share SimGrid gives a starved execution, 1e-9, that the rate history
  // counts as 0): its task reaches a preemption point next.
  const double left = user_exec_->left_now();
  if (left < 2 + 1e-8 * static_cast<double>(now_ns() - user_exec_->start)) return;
  user_left_ = std::llround(left);
  // A reference of our own: cancel is a simcall, during which the task's actor may run and drop
  // its reference. Cancelled once: another resched at this instant finds nothing to stop.
  const simgrid::s4u::ExecPtr exec = user_exec_->exec;
  user_exec_ = nullptr;
  exec->cancel();
}

// `prev` (the running task, or -1 for idle) has left the CPU; __schedule picks who runs next.
void Cpu::switch_to(int prev, trace::SwitchWhy why) {
  resched_ = false;
  const int next = rq_.pick_next(now_ns());
  // Recorded before the next task's actor can run (and record what it does next).
  if (on_switch && next != prev) on_switch(id_of(prev), id_of(next), why);
  if (next >= 0) turn_[static_cast<size_t>(next)]->release();
}

void Cpu::wake(int task) {
  if (rq_.runnable(task)) return;
  woke_idle_[static_cast<size_t>(task)] = rq_.current() < 0;
  const bool preempt = rq_.wake(task, now_ns());
  if (on_wakeup) on_wakeup(id_of(task));
  if (on_runnable) on_runnable();
  if (rq_.current() < 0) {
    // An idle CPU: the woken task runs once the interrupt or softirq returns (need_resched is
    // set on the idle task).
    switch_to(-1, trace::SwitchWhy::Wakeup);
    if (on_resched) on_resched();
  } else if (preempt) {
    request_resched(trace::SwitchWhy::Wakeup);
  }
}

bool Cpu::await_turn(int task) {
  while (rq_.current() != task) turn_[static_cast<size_t>(task)]->acquire();
  return woke_idle_[static_cast<size_t>(task)];
}

void Cpu::block() {
  const int self = rq_.current();
  rq_.put_prev(now_ns(), false);
  switch_to(self, trace::SwitchWhy::Sleep);
}

void Cpu::exit() {
  const int self = rq_.current();
  rq_.put_prev(now_ns(), false);
  switch_to(self, trace::SwitchWhy::Exit);
}

void Cpu::yield() {
  const int self = rq_.current();
  rq_.put_prev(now_ns(), true);
  switch_to(self, resched_why_);
  await_turn(self);
}

void Cpu::preempt_point() {
  if (resched_) yield();
}

void Cpu::tick() {
  if (rq_.tick(now_ns())) request_resched(trace::SwitchWhy::Tick);
}

} // namespace rxpath::sim

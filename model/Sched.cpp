// kernel/sched/fair.c (CFS as in 6.1, EEVDF as in 6.6) and kernel/sched/rt.c: one CPU's run
// queue. See Sched.hpp for what is and is not followed.
#include "Sched.hpp"

#include "Jiffies.hpp"

#include <algorithm>
#include <bit>

namespace rxpath::model {

SchedTunables SchedTunables::of(const KernelVersion& v, int cpus, int64_t hz) {
  SchedTunables t;
  // get_update_sysctl_factor: 1 + ilog2(min(num_online_cpus(), 8)).
  const int64_t factor = 1 + (std::bit_width(static_cast<unsigned>(std::clamp(cpus, 1, 8))) - 1);
  t.fair = v.fair;
  t.delay_dequeue = v.delay_dequeue;
  t.base_slice_ns = v.base_slice_ns;
  t.latency_ns *= factor;
  t.min_granularity_ns *= factor;
  t.wakeup_granularity_ns *= factor;
  t.base_slice_ns *= factor;
  t.tick_ns = model::tick_ns(hz);
  return t;
}

int64_t nice_weight(int nice) {
  // sched_prio_to_weight, kernel/sched/core.c (the same table from 2.6.23 to 6.18): each nice
  // level is ~1.25x the CPU share of the next.
  static constexpr int64_t kWeight[40] = {
      88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916, 9548, 7620, 6100, 4904,
      3906,  3121,  2501,  1991,  1586,  1277,  1024,  820,   655,   526,   423,  335,  272,  215,
      172,   137,   110,   87,    70,    56,    45,    36,    29,    23,    18,   15};
  return kWeight[std::clamp(nice, -20, 19) + 20];
}

namespace {
constexpr int64_t kNice0Load = 1024; // NICE_0_LOAD, in the units of sched_prio_to_weight

// calc_delta_fair: `delta` ns of runtime as vruntime of a task of weight `w` (__calc_delta
// computes delta * NICE_0_LOAD / w with a 32-bit inverse; exact division here).
int64_t calc_delta_fair(int64_t delta, int64_t w) {
  return w == kNice0Load ? delta : static_cast<int64_t>(static_cast<__int128>(delta) * kNice0Load / w);
}
} // namespace

int RunQueue::add(const TaskParams& p) {
  tasks_.push_back(Task{p.policy, p.rt_priority, nice_weight(p.nice)});
  return static_cast<int>(tasks_.size()) - 1;
}

int RunQueue::nr_running() const {
  return static_cast<int>(std::count_if(tasks_.begin(), tasks_.end(), [](const Task& t) { return t.on_rq; }));
}

int64_t RunQueue::nr_fair() const {
  return std::count_if(tasks_.begin(), tasks_.end(), [&](const Task& t) { return t.on_rq && fair(t); });
}

int64_t RunQueue::load() const {
  int64_t w = 0;
  for (const auto& t : tasks_)
    if (t.on_rq && fair(t)) w += t.weight;
  return w;
}

int64_t RunQueue::cfs_slice(const Task& t) const {
  // sched_slice -> __sched_period(nr_running + !se->on_rq): sched_latency for up to
  // sched_nr_latency tasks, then min_granularity each; the task's part of it is its weight's share
  // of the queue's load (its own weight added if it is not queued yet).
  const int64_t joining = t.on_rq ? 0 : 1;
  const int64_t nr = std::max<int64_t>(1, joining + nr_fair());
  const int64_t nr_latency = t_.latency_ns / t_.min_granularity_ns;
  const int64_t period = nr > nr_latency ? nr * t_.min_granularity_ns : t_.latency_ns;
  const int64_t w = load() + (t.on_rq ? 0 : t.weight);
  return static_cast<int64_t>(static_cast<__int128>(period) * t.weight / std::max<int64_t>(1, w));
}

int64_t RunQueue::min_vruntime() const {
  // update_min_vruntime: the smallest vruntime queued (the running task's included), never
  // moving backwards.
  int64_t v = INT64_MAX;
  for (const auto& t : tasks_)
    if (t.on_rq && fair(t)) v = std::min(v, t.vruntime);
  return v == INT64_MAX ? min_vruntime_ : std::max(min_vruntime_, v);
}

int64_t RunQueue::avg_vruntime() const {
  // avg_vruntime: the load-weighted mean of the queued vruntimes, relative to min_vruntime.
  int64_t sum = 0, w = 0;
  for (const auto& t : tasks_)
    if (t.on_rq && fair(t)) sum += (t.vruntime - min_vruntime_) * t.weight, w += t.weight;
  if (w == 0) return min_vruntime_;
  // div_s64 rounds towards zero; the kernel subtracts (load - 1) first for a negative sum.
  return min_vruntime_ + (sum < 0 ? (sum - (w - 1)) / w : sum / w);
}

void RunQueue::update_curr(int64_t now) {
  if (curr_ < 0) return;
  const int64_t delta = now - exec_start_;
  if (delta <= 0) return;
  exec_start_ = now;
  Task& c = at(curr_);
  c.sum_exec += delta;
  if (!fair(c)) return;
  c.vruntime += calc_delta_fair(delta, c.weight); // at nice 0, vruntime is runtime
  if (t_.fair == FairSched::Eevdf && c.vruntime >= c.deadline) {
    // update_deadline: a new slice; with another task waiting, resched.
    c.deadline = c.vruntime + calc_delta_fair(t_.base_slice_ns, c.weight);
    c.run_to_parity = false;
    if (nr_running() > 1) resched_ = true;
  }
  min_vruntime_ = min_vruntime();
}

bool RunQueue::eligible(const Task& e) const {
  // entity_eligible: vruntime <= avg_vruntime, compared exactly as
  // sum(w_i * (v_i - v0)) >= (v - v0) * sum(w_i).
  int64_t sum = 0, w = 0;
  for (const auto& t : tasks_)
    if (t.on_rq && fair(t)) sum += (t.vruntime - min_vruntime_) * t.weight, w += t.weight;
  return sum >= (e.vruntime - min_vruntime_) * w;
}

int64_t RunQueue::entity_lag(const Task& t) const {
  // entity_lag / update_entity_lag: limited to the larger of two slices and a tick (as vruntime of
  // the task).
  const int64_t limit = calc_delta_fair(std::max(2 * t_.base_slice_ns, t_.tick_ns), t.weight);
  return std::clamp(avg_vruntime() - t.vruntime, -limit, limit);
}

int RunQueue::pick_rt() const {
  int best = -1;
  for (int i = 0; i < static_cast<int>(tasks_.size()); ++i) {
    const Task& t = tasks_[static_cast<size_t>(i)];
    if (!t.on_rq || fair(t)) continue;
    const Task* b = best < 0 ? nullptr : &tasks_[static_cast<size_t>(best)];
    if (!b || t.rt_priority > b->rt_priority || (t.rt_priority == b->rt_priority && t.seq < b->seq)) best = i;
  }
  return best;
}

int RunQueue::pick_fair() const {
  const bool eevdf = t_.fair == FairSched::Eevdf;
  if (eevdf && curr_ >= 0) {
    const Task& c = tasks_[static_cast<size_t>(curr_)];
    // RUN_TO_PARITY: once picked, the task runs until it is no longer eligible or its slice ends.
    if (fair(c) && c.on_rq && c.run_to_parity && eligible(c)) return curr_;
  }
  int best = -1;
  for (int i = 0; i < static_cast<int>(tasks_.size()); ++i) {
    const Task& t = tasks_[static_cast<size_t>(i)];
    if (!t.on_rq || !fair(t) || (eevdf && !eligible(t))) continue;
    if (best < 0) {
      best = i;
      continue;
    }
    const Task& b = tasks_[static_cast<size_t>(best)];
    // CFS: the leftmost vruntime; EEVDF: the earliest deadline among the eligible.
    const int64_t key = eevdf ? t.deadline : t.vruntime, bkey = eevdf ? b.deadline : b.vruntime;
    if (key < bkey || (key == bkey && t.seq < b.seq)) best = i;
  }
  return best;
}

bool RunQueue::wake(int task, int64_t now) {
  Task& t = at(task);
  if (t.on_rq && !t.delayed) return false;
  update_curr(now);
  if (t.delayed) {
    // ttwu_runnable -> requeue_delayed_entity (DELAY_ZERO): a sleeper that became eligible while
    // it stayed queued is placed afresh at avg_vruntime with lag 0; otherwise it keeps its
    // vruntime and deadline.
    t.delayed = false;
    if (entity_lag(t) > 0) {
      t.on_rq = false;
      t.vlag = 0;
      t.vruntime = avg_vruntime();
      t.deadline = t.vruntime + calc_delta_fair(t_.base_slice_ns, t.weight);
      t.on_rq = true;
    }
  } else if (fair(t)) {
    if (t_.fair == FairSched::Cfs) {
      if (!t.started) {
        // place_entity(initial): START_DEBIT, one slice (sched_vslice, counting itself) behind.
        t.vruntime = min_vruntime_ + calc_delta_fair(cfs_slice(t), t.weight);
      } else {
        // place_entity: a sleeper is credited at most half a sched_latency (GENTLE_FAIR_SLEEPERS),
        // whatever its weight.
        t.vruntime = std::max(t.vruntime, min_vruntime_ - t_.latency_ns / 2);
      }
    } else {
      // place_entity (PLACE_LAG): back at avg_vruntime minus the lag it slept with, scaled by
      // (W + w) / W so that adding it does not move the average; a new task gets half a slice to
      // its deadline (PLACE_DEADLINE_INITIAL).
      const int64_t load_w = load();
      int64_t lag = t.started ? t.vlag : 0;
      if (load_w > 0) lag = static_cast<int64_t>(static_cast<__int128>(lag) * (load_w + t.weight) / load_w);
      t.vruntime = avg_vruntime() - lag;
      const int64_t vslice = calc_delta_fair(t_.base_slice_ns, t.weight);
      t.deadline = t.vruntime + (t.started ? vslice : vslice / 2);
    }
  }
  t.started = true;
  t.on_rq = true;
  t.seq = ++seq_;
  if (curr_ < 0) return false;
  const Task& c = at(curr_);
  // check_preempt_curr: a real-time task preempts a fair one or a lower real-time priority.
  if (!fair(t)) return fair(c) || t.rt_priority > c.rt_priority;
  if (!fair(c)) return false;
  if (t_.fair == FairSched::Cfs)
    // wakeup_preempt_entity: the woken task is behind by more than wakeup_granularity, as
    // vruntime of the woken task (wakeup_gran).
    return c.vruntime - t.vruntime > calc_delta_fair(t_.wakeup_granularity_ns, t.weight);
  // check_preempt_wakeup (EEVDF): preempt if pick_eevdf would now choose the woken task, or if
  // charging the running task just ended its slice (update_deadline's resched_curr).
  const bool r = resched_ || pick_fair() == task;
  resched_ = false;
  return r;
}

void RunQueue::put_prev(int64_t now, bool runnable) {
  if (curr_ < 0) return;
  update_curr(now);
  Task& c = at(curr_);
  if (!runnable && fair(c) && t_.fair == FairSched::Eevdf && t_.delay_dequeue && !eligible(c)) {
    // dequeue_entity (DELAY_DEQUEUE): a sleeper that is not eligible stays queued, to burn off its
    // negative lag, until it is picked or woken.
    c.delayed = true;
  } else if (!runnable) {
    if (fair(c) && t_.fair == FairSched::Eevdf) c.vlag = entity_lag(c); // update_entity_lag
    c.on_rq = false;
  } else {
    c.seq = ++seq_; // put_prev_entity: back into the tree behind its equals
  }
  c.run_to_parity = false;
  curr_ = -1;
  min_vruntime_ = min_vruntime();
}

int RunQueue::pick_next(int64_t now) {
  if (curr_ >= 0) return curr_;
  const int rt = pick_rt();
  curr_ = rt >= 0 ? rt : pick_fair();
  while (curr_ >= 0 && at(curr_).delayed) {
    // pick_next_entity: a delayed sleeper picked leaves the queue now (dequeue_entities with
    // DEQUEUE_DELAYED), its lag clipped to at most 0 (DELAY_ZERO); the pick starts again.
    Task& d = at(curr_);
    d.vlag = std::min<int64_t>(0, entity_lag(d));
    d.delayed = false;
    d.on_rq = false;
    min_vruntime_ = min_vruntime();
    curr_ = pick_fair();
  }
  resched_ = false;
  if (curr_ >= 0) {
    Task& c = at(curr_);
    exec_start_ = now;
    c.slice_start = c.sum_exec; // set_next_entity: prev_sum_exec_runtime
    c.run_to_parity = true;     // set_next_entity: "se->vlag = se->deadline"
  }
  return curr_;
}

bool RunQueue::tick(int64_t now) {
  if (curr_ < 0) return false;
  update_curr(now);
  const Task& c = at(curr_);
  if (!fair(c)) return false; // SCHED_FIFO: no time slice
  if (pick_rt() >= 0) return true;
  if (nr_running() < 2) return false;
  if (t_.fair == FairSched::Eevdf) {
    const bool r = resched_;
    resched_ = false;
    return r;
  }
  // check_preempt_tick: the slice is used up, or (after min_granularity) the leftmost waiting task
  // is behind by more than a slice.
  const int64_t ideal = cfs_slice(c);
  const int64_t ran = c.sum_exec - c.slice_start;
  if (ran > ideal) return true;
  if (ran < t_.min_granularity_ns) return false;
  int64_t left = INT64_MAX;
  for (int i = 0; i < static_cast<int>(tasks_.size()); ++i) {
    const Task& t = tasks_[static_cast<size_t>(i)];
    if (i != curr_ && t.on_rq && fair(t)) left = std::min(left, t.vruntime);
  }
  return left != INT64_MAX && c.vruntime - left > ideal;
}

} // namespace rxpath::model

#include "Cpu.hpp"

#include "Clock.hpp"

#include <simgrid/s4u/Actor.hpp>

#include <algorithm>
#include <cassert>

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

// Records who runs now: the highest level present, sharing the CPU equally. SimGrid enforces it
// through the executions' priorities (see execute); this keeps each one's rate history.
void Cpu::reschedule() {
  if (active_.empty()) return;
  Level top = Level::Process;
  for (auto* e : active_) top = std::max(top, e->level);
  const auto n = std::count_if(active_.begin(), active_.end(), [&](Entry* e) { return e->level == top; });
  const int64_t now = now_ns();
  for (auto* e : active_) {
    const bool run = e->level == top;
    const double rate = run ? 1.0 / static_cast<double>(n) : 0.0;
    if (rate != e->rate) {
      if (!e->run->rates.empty() && e->run->rates.back().first == now)
        e->run->rates.back().second = rate;
      else
        e->run->rates.emplace_back(now, rate);
      e->rate = rate;
    }
  }
}

Run Cpu::execute(Level level, trace::Ctx ctx, int64_t work_ns) {
  Run run;
  run.start = now_ns();
  run.work = work_ns;
  if (work_ns <= 0) {
    run.end = run.start;
    return run;
  }
  assert(simgrid::s4u::this_actor::get_host() == host_);
  // Host speed is 1e9 flop/s: one flop is one nanosecond of CPU work. Strict priority between
  // levels comes from priorities 1e9 apart: a lower level gets at most 1e-9 of the CPU, less
  // than a nanosecond per second. (Exec::suspend/resume cannot be used: in SimGrid 3.32
  // Activity::resume leaves the activity flagged as suspended, so a second suspend is ignored.)
  Entry entry{simgrid::s4u::this_actor::exec_init(static_cast<double>(work_ns)), level, &run};
  entry.exec->set_priority(kPriority[static_cast<size_t>(level)]);
  entry.exec->start();
  active_.push_back(&entry);
  reschedule();
  entry.exec->wait();
  active_.erase(std::find(active_.begin(), active_.end(), &entry));
  run.end = std::max(now_ns(), run.start);
  reschedule();
  busy_[static_cast<size_t>(ctx)] += work_ns;
  return run;
}

} // namespace rxpath::sim

// kernel/softirq.c (3.19 to 6.18): where pending softirqs run. invoke_softirq on irq exit, __do_softirq's
// restart rule and its hand-over to ksoftirqd, and what ksoftirqd runs.
#pragma once

#include "Kernel.hpp"

namespace rxpath::model {

inline constexpr int kMaxSoftirqRestart = 10;           // MAX_SOFTIRQ_RESTART
inline constexpr int64_t kMaxSoftirqTimeNs = 2'000'000; // MAX_SOFTIRQ_TIME, msecs_to_jiffies(2)

// invoke_softirq (irq_exit) and do_softirq (local_bh_enable): true if __do_softirq runs now, on
// this CPU. Not inside a softirq already (in_interrupt(): ksoftirqd's own __do_softirq); and in
// 4.9 to 6.4 not while ksoftirqd is awake (4cd13c21b207 "softirq: Let ksoftirqd do its job",
// reverted in 6.5 by d15121be7485): it finishes the work when the scheduler runs it.
bool softirq_runs_now(const KernelVersion& v, const Softnet& sd);
// run_ksoftirqd: ksoftirqd runs __do_softirq while a softirq is pending.
inline bool ksoftirqd_should_run(const Softnet& sd) {
  return sd.net_rx_pending;
}

// One __do_softirq on `cpu`, from its entry at `now`.
class DoSoftirq {
public:
  DoSoftirq(Kernel& k, int cpu, int64_t now);
  enum class Next { Done, Restart, WakeKsoftirqd };
  // After a round of handlers at `now`: done if nothing is pending; restart while within
  // MAX_SOFTIRQ_TIME and MAX_SOFTIRQ_RESTART and no task needs the CPU; else wakeup_softirqd.
  Next after_round(int64_t now);

private:
  Kernel& k_;
  int cpu_;
  int64_t end_; // when jiffies reaches the end of MAX_SOFTIRQ_TIME
  int restart_ = kMaxSoftirqRestart;
};

} // namespace rxpath::model

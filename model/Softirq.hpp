// kernel/softirq.c (3.19): where pending softirqs run. invoke_softirq on irq exit, __do_softirq's
// restart rule and its hand-over to ksoftirqd, and what ksoftirqd runs.
#pragma once

#include "Kernel.hpp"

namespace rxpath::model {

inline constexpr int kMaxSoftirqRestart = 10;           // MAX_SOFTIRQ_RESTART
inline constexpr int64_t kMaxSoftirqTimeNs = 2'000'000; // MAX_SOFTIRQ_TIME, msecs_to_jiffies(2)

// irq_exit -> invoke_softirq: true if __do_softirq runs now, on this interrupt's exit. While
// ksoftirqd is awake it finishes the work (the 4.9 rule of 4cd13c21b207 "softirq: Let ksoftirqd do
// its job", applied to every version for now: 3.19 would run it here too).
bool softirq_on_irq_exit(const Softnet& sd);
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
  int64_t start_;
  int restart_ = kMaxSoftirqRestart;
};

} // namespace rxpath::model

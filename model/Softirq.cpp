// kernel/softirq.c (3.19; the same rules in handle_softirqs, 6.9+): invoke_softirq, __do_softirq,
// wakeup_softirqd.
#include "Softirq.hpp"

#include "Jiffies.hpp"

namespace rxpath::model {

bool softirq_runs_now(const KernelVersion& v, const Softnet& sd) {
  return sd.net_rx_pending && !sd.in_softirq && !(v.ksoftirqd_defers && sd.ksoftirqd_running);
}

// end = jiffies + MAX_SOFTIRQ_TIME (msecs_to_jiffies(2): one tick at HZ <= 500, two at 1000);
// it restarts while time_before(jiffies, end).
DoSoftirq::DoSoftirq(Kernel& k, int cpu, int64_t now)
    : k_(k), cpu_(cpu), end_(jiffy_start_ns(jiffies_at(now, k.scenario().hz) +
                                                usecs_to_jiffies(kMaxSoftirqTimeNs / 1000, k.scenario().hz),
                                            k.scenario().hz)) {
  k.clear_need_resched(cpu); // set again if a thread on this CPU is woken meanwhile
}

DoSoftirq::Next DoSoftirq::after_round(int64_t now) {
  auto& sd = k_.sd(cpu_);
  if (!sd.net_rx_pending) return Next::Done;
  if (now < end_ && !k_.need_resched(cpu_) && --restart_) return Next::Restart;
  k_.instant(trace::Fn::WakeupSoftirqd, cpu_, trace::Ctx::Softirq, now);
  sd.ksoftirqd_running = true;
  return Next::WakeKsoftirqd;
}

} // namespace rxpath::model

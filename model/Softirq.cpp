// kernel/softirq.c, 3.19: invoke_softirq, __do_softirq, wakeup_softirqd.
#include "Softirq.hpp"

namespace rxpath::model {

bool softirq_on_irq_exit(const Softnet& sd) {
  return sd.net_rx_pending && !sd.ksoftirqd_running;
}

DoSoftirq::DoSoftirq(Kernel& k, int cpu, int64_t now) : k_(k), cpu_(cpu), start_(now) {
  k.clear_need_resched(cpu); // set again if a thread on this CPU is woken meanwhile
}

DoSoftirq::Next DoSoftirq::after_round(int64_t now) {
  auto& sd = k_.sd(cpu_);
  if (!sd.net_rx_pending) return Next::Done;
  if (now - start_ < kMaxSoftirqTimeNs && !k_.need_resched(cpu_) && --restart_) return Next::Restart;
  k_.instant(trace::Fn::WakeupSoftirqd, cpu_, trace::Ctx::Softirq, now);
  sd.ksoftirqd_running = true;
  return Next::WakeKsoftirqd;
}

} // namespace rxpath::model

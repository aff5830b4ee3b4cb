#include "Softirq.hpp"

#include "sim/Clock.hpp"
#include "sim/NetRxAction.hpp"

namespace rxpath::sim {

using trace::Ctx;
using trace::Fn;

void Softirq::operator()() {
  auto& k = sys_->kernel;
  auto& sd = k.sd(cpu_);
  for (;;) {
    sys_->softirq_sem[cpu_]->acquire();
    // While ksoftirqd owns the softirq work of this CPU it finishes it (simplification: 3.19
    // would also run it on the exit of other interrupts, e.g. the timer tick).
    if (!sd.net_rx_pending || sys_->ksoftirqd_awake[cpu_]) continue;
    const int64_t t0 = now_ns();
    sd.need_resched = false; // set again if a thread on this CPU is woken meanwhile
    int restart = model::kMaxSoftirqRestart;
    int64_t prefix = k.scenario().costs.softirq_entry_ns;
    for (;;) {
      net_rx_action(*sys_, cpu_, Ctx::Softirq, Level::Softirq, prefix);
      prefix = 0;
      if (!sd.net_rx_pending) break;
      if (now_ns() - t0 < model::kMaxSoftirqTimeNs && !sd.need_resched && --restart) continue;
      k.instant(Fn::WakeupSoftirqd, cpu_, Ctx::Softirq, now_ns());
      sys_->ksoftirqd_awake[cpu_] = true;
      sys_->wake_ksoftirqd(cpu_);
      break;
    }
    k.span(Fn::DoSoftirq, cpu_, Ctx::Softirq, t0, now_ns());
  }
}

} // namespace rxpath::sim

#include "Softirq.hpp"

#include "sim/Clock.hpp"
#include "sim/NetRxAction.hpp"

#include "model/Softirq.hpp"

namespace rxpath::sim {

using trace::Ctx;
using trace::Fn;

void Softirq::operator()() {
  auto& k = sys_->kernel;
  for (;;) {
    sys_->softirq_sem[cpu_]->acquire();
    if (!k.sd(cpu_).net_rx_pending) continue; // run by an earlier trigger already
    const int64_t t0 = now_ns();
    model::DoSoftirq run(k, cpu_, t0);
    int64_t prefix = k.draw(k.scenario().costs.softirq_entry_ns);
    model::DoSoftirq::Next next;
    do {
      net_rx_action(*sys_, cpu_, Ctx::Softirq, Level::Softirq, prefix);
      prefix = 0;
      next = run.after_round(now_ns());
    } while (next == model::DoSoftirq::Next::Restart);
    if (next == model::DoSoftirq::Next::WakeKsoftirqd) sys_->wake_ksoftirqd(cpu_);
    k.span(Fn::DoSoftirq, cpu_, Ctx::Softirq, t0, now_ns());
  }
}

} // namespace rxpath::sim

#include "Ksoftirqd.hpp"

#include "sim/Clock.hpp"
#include "sim/NetRxAction.hpp"

#include "model/Softirq.hpp"

namespace rxpath::sim {

using trace::Ctx;

void Ksoftirqd::operator()() {
  auto& k = sys_->kernel;
  auto& sd = k.sd(cpu_);
  for (;;) {
    sys_->ksoftirqd_sem[cpu_]->acquire();
    const int64_t t0 = now_ns();
    while (model::ksoftirqd_should_run(sd))
      net_rx_action(*sys_, cpu_, Ctx::Ksoftirqd, Level::Process, k.scenario().costs.softirq_entry_ns);
    sd.ksoftirqd_running = false;
    k.span(trace::Fn::RunKsoftirqd, cpu_, Ctx::Ksoftirqd, t0, now_ns());
  }
}

} // namespace rxpath::sim

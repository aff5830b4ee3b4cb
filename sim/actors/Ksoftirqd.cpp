#include "Ksoftirqd.hpp"

#include "sim/Clock.hpp"
#include "sim/NetRxAction.hpp"

#include "model/Softirq.hpp"

namespace rxpath::sim {

using trace::Ctx;

void Ksoftirqd::operator()() {
  auto& k = sys_->kernel;
  auto& sd = k.sd(cpu_);
  Cpu& c = *sys_->cpus[static_cast<size_t>(cpu_)];
  const int task = sys_->ksoftirqd_task[static_cast<size_t>(cpu_)];
  for (;;) {
    sys_->ksoftirqd_sem[cpu_]->acquire();
    if (!c.runnable(task) && !model::ksoftirqd_should_run(sd)) continue; // a wake-up it already served
    c.wake(task); // already runnable if wakeup_softirqd woke it
    c.await_turn(task);
    const int64_t t0 = now_ns();
    // run_ksoftirqd: one __do_softirq with bottom halves off (no softirq on irq exit meanwhile),
    // then cond_resched, while softirqs are pending.
    while (model::ksoftirqd_should_run(sd)) {
      sd.in_softirq = true;
      net_rx_action(*sys_, cpu_, Ctx::Ksoftirqd, Level::Process, k.draw(k.scenario().costs.softirq_entry_ns));
      sd.in_softirq = false;
      c.preempt_point();
    }
    sd.ksoftirqd_running = false;
    k.span(trace::Fn::RunKsoftirqd, cpu_, Ctx::Ksoftirqd, t0, now_ns());
    c.block();
  }
}

} // namespace rxpath::sim

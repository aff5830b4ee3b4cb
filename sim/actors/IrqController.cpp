#include "IrqController.hpp"

#include "sim/Clock.hpp"
#include "sim/NetRxAction.hpp"

namespace rxpath::sim {

using trace::Ctx;

void IrqController::nic_interrupt(int q) {
  auto& k = sys_->kernel;
  auto& drv = k.driver();
  Cpu& cpu = *sys_->cpus[cpu_];
  const int64_t t0 = now_ns();
  cpu.execute(Level::Hardirq, Ctx::Hardirq, k.draw(k.scenario().costs.hardirq_ns));
  if (!drv.receives_in_handler()) {
    drv.interrupt(cpu_, q, t0, now_ns());
    return;
  }
  model::Path& path = sys_->path(cpu_, Level::Hardirq);
  while (drv.rx(cpu_, q, Ctx::Hardirq, now_ns(), path)) run_path(*sys_, cpu_, Level::Hardirq, path, 0);
  drv.interrupt(cpu_, q, t0, now_ns());
  k.nic().enable_irq(q, now_ns());
  sys_->nic_irq_enabled();
}

void IrqController::operator()() {
  auto& k = sys_->kernel;
  for (;;) {
    sys_->irq_sem[cpu_]->acquire();
    const Irq irq = sys_->irq_queue[cpu_].front();
    sys_->irq_queue[cpu_].pop_front();
    if (irq.kind == IrqKind::Nic) {
      nic_interrupt(irq.queue);
    } else {
      const int64_t t0 = now_ns();
      sys_->cpus[cpu_]->execute(Level::Hardirq, Ctx::Hardirq, k.draw(k.scenario().costs.ipi_ns));
      k.dev().rps_ipi(cpu_, t0, now_ns());
    }
    sys_->softirq_point(cpu_); // irq_exit -> invoke_softirq
  }
}

} // namespace rxpath::sim

#include "Tick.hpp"

#include "sim/Clock.hpp"

#include "model/Jiffies.hpp"
#include "model/Softirq.hpp"

#include <simgrid/s4u/Actor.hpp>

namespace rxpath::sim {

void Tick::operator()() {
  auto& k = sys_->kernel;
  Cpu& cpu = *sys_->cpus[cpu_];
  const int64_t tick = model::tick_ns(k.scenario().hz);
  for (;;) {
    if (!cpu.tick_matters() && !model::softirq_runs_now(k.version(), k.sd(cpu_))) {
      sys_->tick_sem[cpu_]->acquire();
      continue;
    }
    simgrid::s4u::this_actor::sleep_until(to_seconds((now_ns() / tick + 1) * tick));
    cpu.tick();
    sys_->softirq_point(cpu_); // irq_exit -> invoke_softirq
  }
}

} // namespace rxpath::sim

#include "Nic.hpp"

#include "sim/Clock.hpp"

#include <simgrid/s4u/Actor.hpp>

#include <algorithm>

namespace rxpath::sim {

void Nic::operator()() {
  auto& k = sys_->kernel;
  const int irq_cpu = static_cast<int>(k.scenario().nic.irq_cpu);
  int64_t reported = 0;
  for (;;) {
    if (!k.nic().irq_enabled()) {
      sys_->nic_sem->acquire();
      continue;
    }
    const int64_t now = now_ns();
    k.nic().ring_advance(now, true);
    if (sys_->on_progress && k.counters().arrived - reported >= 4096) {
      reported = k.counters().arrived;
      sys_->on_progress(reported);
    }
    const auto due = k.nic().irq_due();
    if (due && *due <= now) {
      k.nic().raise_irq(now);
      sys_->post_irq(irq_cpu, Irq::Nic);
      continue;
    }
    const auto next = k.nic().next_arrival();
    if (!due && !next) break; // every frame has arrived and none waits for an interrupt
    int64_t wake = next ? *next : *due;
    if (due) wake = std::min(wake, *due);
    simgrid::s4u::this_actor::sleep_until(to_seconds(wake));
  }
  sys_->producer_done_sem->release();
}

} // namespace rxpath::sim

#include "Nic.hpp"

#include "sim/Clock.hpp"

#include <simgrid/s4u/Actor.hpp>

#include <algorithm>

namespace rxpath::sim {

void Nic::operator()() {
  auto& k = sys_->kernel;
  auto& hw = k.nic();
  const auto& cfg = k.scenario().nic;
  const int queues = hw.queues();
  auto any_enabled = [&] {
    for (int q = 0; q < queues; ++q)
      if (hw.queue(q).irq_enabled()) return true;
    return false;
  };
  int64_t reported = 0;
  for (;;) {
    if (!any_enabled()) {
      sys_->nic_sem->acquire(); // until a driver re-enables a queue's interrupt
      continue;
    }
    const int64_t now = now_ns();
    hw.ring_advance(now);
    if (sys_->on_progress && k.counters().arrived - reported >= 4096) {
      reported = k.counters().arrived;
      sys_->on_progress(reported);
    }
    // Each enabled queue whose moderated interrupt is due raises it; the earliest still to come.
    bool raised = false, all_enabled = true;
    std::optional<int64_t> next_due;
    for (int q = 0; q < queues; ++q) {
      const auto& rq = hw.queue(q);
      if (!rq.irq_enabled()) {
        all_enabled = false;
        continue;
      }
      const auto due = rq.irq_due(cfg);
      if (due && *due <= now) {
        hw.raise_irq(q, now);
        sys_->post_irq(rq.irq_cpu(), Irq{IrqKind::Nic, q});
        raised = true;
      } else if (due) {
        next_due = next_due ? std::min(*next_due, *due) : *due;
      }
    }
    if (raised) continue;
    const auto next = hw.next_arrival();
    if (!next_due && !next) {
      if (all_enabled) break;   // every frame has arrived and none waits for an interrupt
      sys_->nic_sem->acquire(); // a masked queue may still hold frames: wait for its re-enable
      continue;
    }
    int64_t wake = next ? *next : *next_due;
    if (next_due) wake = std::min(wake, *next_due);
    if (queues == 1)
      simgrid::s4u::this_actor::sleep_until(to_seconds(wake));
    else // another queue's re-enable may make its interrupt due sooner
      sys_->nic_sem->acquire_timeout(to_seconds(wake - now));
  }
  sys_->producer_done_sem->release();
}

} // namespace rxpath::sim

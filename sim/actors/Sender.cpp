#include "Sender.hpp"

#include "sim/Clock.hpp"
#include "sim/NetRxAction.hpp"

#include <simgrid/s4u/Actor.hpp>

namespace rxpath::sim {

void Sender::operator()() {
  auto& k = sys_->kernel;
  const int cpu = static_cast<int>(k.scenario().traffic[static_cast<size_t>(source_)].sender_cpu);
  model::Path path; // its own: the CPU's scratch paths belong to the kernel's contexts
  while (const auto due = k.lo().next_send(source_)) {
    if (*due > now_ns()) simgrid::s4u::this_actor::sleep_until(to_seconds(*due));
    const int64_t t0 = now_ns();
    k.lo().xmit(source_, t0, path);
    run_path(*sys_, cpu, Level::Process, path, 0);
    k.span(trace::Fn::UdpSendmsg, cpu, trace::Ctx::Process, t0, now_ns());
    if (k.sd(cpu).net_rx_pending) sys_->softirq_sem[cpu]->release();
    if (sys_->on_progress && k.counters().arrived % 4096 == 0) sys_->on_progress(k.counters().arrived);
  }
  sys_->producer_done_sem->release();
}

} // namespace rxpath::sim

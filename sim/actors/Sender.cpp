#include "Sender.hpp"

#include "sim/Clock.hpp"
#include "sim/NetRxAction.hpp"

#include <simgrid/s4u/Actor.hpp>

namespace rxpath::sim {

void Sender::operator()() {
  auto& k = sys_->kernel;
  const int cpu = static_cast<int>(k.scenario().traffic[static_cast<size_t>(source_)].sender_cpu);
  Cpu& c = *sys_->cpus[static_cast<size_t>(cpu)];
  const int task = sys_->sender_task[static_cast<size_t>(source_)];
  const bool spin = k.scenario().traffic[static_cast<size_t>(source_)].pacing == "spin";
  c.wake(task);
  c.await_turn(task);
  model::Path path; // its own: the CPU's scratch paths belong to the kernel's contexts
  while (const auto due = k.lo().next_send(source_)) {
    if (*due > now_ns() && spin) {
      // A user-space pacer spinning on the clock: user-mode work until the send is due.
      c.execute_user(trace::Ctx::Process, *due - now_ns());
    } else if (*due > now_ns()) {
      // The pacing sleep (clock_nanosleep): off the run queue until the timer wakes it.
      c.block();
      simgrid::s4u::this_actor::sleep_until(to_seconds(*due));
      c.wake(task);
      c.await_turn(task);
    }
    const int64_t t0 = now_ns();
    k.lo().xmit(source_, t0, path);
    run_path(*sys_, cpu, Level::Process, path, 0);
    k.span(trace::Fn::UdpSendmsg, cpu, trace::Ctx::Process, t0, now_ns());
    sys_->softirq_point(cpu); // __dev_queue_xmit's rcu_read_unlock_bh -> local_bh_enable
    c.preempt_point();        // the return to user mode
    if (sys_->on_progress && k.counters().arrived % 4096 == 0) sys_->on_progress(k.counters().arrived);
  }
  c.exit();
  sys_->producer_done_sem->release();
}

} // namespace rxpath::sim

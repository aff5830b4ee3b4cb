#include "System.hpp"

#include "model/Softirq.hpp"

namespace rxpath::sim {

using simgrid::s4u::Semaphore;

System::System(model::Kernel& k, std::vector<simgrid::s4u::Host*> cpu_hosts) : kernel(k) {
  const size_t n = cpu_hosts.size();
  const auto& sc = k.scenario();
  const auto sched = model::SchedTunables::of(*sc.version, static_cast<int>(sc.cpus), sc.hz);
  for (size_t i = 0; i < n; ++i) {
    auto& cpu = *cpus.emplace_back(std::make_unique<Cpu>(static_cast<int>(i), cpu_hosts[i], sched));
    irq_sem.push_back(Semaphore::create(0));
    softirq_sem.push_back(Semaphore::create(0));
    ksoftirqd_sem.push_back(Semaphore::create(0));
    tick_sem.push_back(Semaphore::create(0));
    // ksoftirqd is SCHED_OTHER at nice 0 (kernel/softirq.c softirq_threads, smpboot).
    ksoftirqd_task.push_back(cpu.add_task(model::Policy::Other, 0));
    cpu.on_resched = [&k, i] { k.set_need_resched(static_cast<int>(i)); };
    cpu.on_runnable = [this, i] {
      if (cpus[i]->tick_matters()) tick_sem[i]->release();
    };
  }
  for (const auto& r : sc.receivers)
    receiver_task.push_back(cpus[static_cast<size_t>(r.cpu)]->add_task(
        r.sched_fifo_priority > 0 ? model::Policy::Fifo : model::Policy::Other,
        static_cast<int>(r.sched_fifo_priority)));
  for (const auto& t : sc.traffic)
    sender_task.push_back(
        t.loopback() ? cpus[static_cast<size_t>(t.sender_cpu)]->add_task(model::Policy::Other, 0) : -1);
  irq_queue.resize(n);
  paths.resize(n * 3);
  for (size_t i = 0; i < k.scenario().receivers.size(); ++i) receiver_sem.push_back(Semaphore::create(0));
  nic_sem = Semaphore::create(0);
  producer_done_sem = Semaphore::create(0);
}

void System::post_irq(int cpu, Irq irq) {
  irq_queue[cpu].push_back(irq);
  irq_sem[cpu]->release();
}

void System::softirq_point(int cpu) {
  if (model::softirq_runs_now(kernel.version(), kernel.sd(cpu))) softirq_sem[cpu]->release();
}

void System::wake_ksoftirqd(int cpu) {
  cpus[cpu]->wake(ksoftirqd_task[cpu]);
  ksoftirqd_sem[cpu]->release();
  tick_sem[cpu]->release(); // the tick's irq exit may now run what ksoftirqd has not reached
}
void System::wake_receiver(int thread) {
  if (thread < 0) return;
  const auto t = static_cast<size_t>(thread);
  cpus[static_cast<size_t>(kernel.scenario().receivers[t].cpu)]->wake(receiver_task[t]);
  receiver_sem[t]->release();
}
void System::nic_irq_enabled() {
  nic_sem->release();
}

} // namespace rxpath::sim

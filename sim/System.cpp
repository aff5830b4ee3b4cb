#include "System.hpp"

namespace rxpath::sim {

using simgrid::s4u::Semaphore;

System::System(model::Kernel& k, std::vector<simgrid::s4u::Host*> cpu_hosts) : kernel(k) {
  const size_t n = cpu_hosts.size();
  for (size_t i = 0; i < n; ++i) {
    cpus.push_back(std::make_unique<Cpu>(static_cast<int>(i), cpu_hosts[i]));
    irq_sem.push_back(Semaphore::create(0));
    softirq_sem.push_back(Semaphore::create(0));
    ksoftirqd_sem.push_back(Semaphore::create(0));
  }
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

void System::wake_ksoftirqd(int cpu) {
  ksoftirqd_sem[cpu]->release();
}
void System::wake_receiver(int thread) {
  if (thread >= 0) receiver_sem[thread]->release();
}
void System::nic_irq_enabled() {
  nic_sem->release();
}

} // namespace rxpath::sim

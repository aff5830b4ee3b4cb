// What the actors share: the kernel model, the CPUs, and the wake-up channels between actors
// (an interrupt line, a raised softirq, a woken thread). Actors find each other only through here.
#pragma once

#include "Cpu.hpp"
#include "model/Kernel.hpp"

#include <simgrid/s4u/Semaphore.hpp>

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rxpath::sim {

enum class IrqKind { Nic, RpsIpi };
// An interrupt to deliver: a NIC RX queue's vector, or the RPS IPI.
struct Irq {
  IrqKind kind = IrqKind::Nic;
  int queue = 0; // the NIC's RX queue
};

// A task of the scheduler as the trace's header lists it ("tasks"; a task's index there is its id
// in the trace's __schedule and try_to_wake_up events). The first `cpus` are the CPUs' idle tasks
// (swapper/N), then ksoftirqd/N, the receivers, the loopback senders and the background tasks.
enum class TaskKind { Idle, Ksoftirqd, Receiver, Sender, Background };
std::string_view to_string(TaskKind k); // as the trace header writes it: "idle", "ksoftirqd", ...
struct TaskSpec {
  std::string name;
  int cpu = 0;
  TaskKind kind = TaskKind::Idle;
  model::TaskParams params;
  int index = -1; // of its receiver, traffic source or background task
};
std::vector<TaskSpec> tasks_of(const model::Scenario& sc);

struct System {
  System(model::Kernel& k, std::vector<simgrid::s4u::Host*> cpu_hosts);

  model::Kernel& kernel;
  std::vector<std::unique_ptr<Cpu>> cpus;
  // Scratch paths, one per CPU and level: actors interleave whenever one executes.
  model::Path& path(int cpu, Level level) {
    return paths[static_cast<size_t>(cpu) * 3 + static_cast<size_t>(level)];
  }
  std::vector<model::Path> paths;

  // Interrupt delivery to a CPU's IrqController.
  void post_irq(int cpu, Irq irq);
  std::vector<std::deque<Irq>> irq_queue;
  std::vector<simgrid::s4u::SemaphorePtr> irq_sem;
  // NET_RX_SOFTIRQ raised: irq_exit runs __do_softirq.
  std::vector<simgrid::s4u::SemaphorePtr> softirq_sem;
  // An interrupt's exit or a local_bh_enable on `cpu`: runs the pending softirqs there if the
  // kernel version does so now (model::softirq_runs_now).
  void softirq_point(int cpu);
  // The timer tick of each CPU, woken when it may matter again (see Tick).
  std::vector<simgrid::s4u::SemaphorePtr> tick_sem;
  // The scheduler's task of each ksoftirqd, receiver, loopback sender and background task on its CPU.
  std::vector<int> ksoftirqd_task;
  std::vector<int> receiver_task;
  std::vector<int> sender_task; // by traffic source; -1 for the NIC's
  std::vector<int> background_task;
  // wakeup_softirqd.
  void wake_ksoftirqd(int cpu);
  std::vector<simgrid::s4u::SemaphorePtr> ksoftirqd_sem;
  // sk_data_ready woke a receiver thread (-1: none).
  void wake_receiver(int thread);
  std::vector<simgrid::s4u::SemaphorePtr> receiver_sem;
  // An RX queue's interrupt was re-enabled (the NIC actor looks at its rings again).
  void nic_irq_enabled();
  simgrid::s4u::SemaphorePtr nic_sem;
  // Released by the NIC and by each loopback sender once every datagram is out.
  simgrid::s4u::SemaphorePtr producer_done_sem;
  int producers = 1;
  int64_t end_ns = 0;

  // Called by the NIC every few thousand frames (progress reporting).
  std::function<void(int64_t frames)> on_progress;
};

} // namespace rxpath::sim

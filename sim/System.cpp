#include "System.hpp"

#include "Clock.hpp"

#include "model/Softirq.hpp"

namespace rxpath::sim {

using simgrid::s4u::Semaphore;

std::string_view to_string(TaskKind k) {
  static constexpr std::string_view kNames[] = {"idle", "ksoftirqd", "receiver", "sender", "background"};
  return kNames[static_cast<size_t>(k)];
}

std::vector<TaskSpec> tasks_of(const model::Scenario& sc) {
  std::vector<TaskSpec> tasks;
  for (int i = 0; i < sc.cpus; ++i)
    tasks.push_back({"swapper/" + std::to_string(i), i, TaskKind::Idle, {}, i});
  // ksoftirqd is SCHED_OTHER at nice 0 (kernel/softirq.c softirq_threads, smpboot).
  for (int i = 0; i < sc.cpus; ++i)
    tasks.push_back({"ksoftirqd/" + std::to_string(i), i, TaskKind::Ksoftirqd, {}, i});
  for (size_t i = 0; i < sc.receivers.size(); ++i) {
    const auto& r = sc.receivers[i];
    const model::TaskParams p =
        r.sched_fifo_priority > 0
            ? model::TaskParams{model::Policy::Fifo, static_cast<int>(r.sched_fifo_priority)}
            : model::TaskParams{model::Policy::Other, 0, static_cast<int>(r.nice)};
    tasks.push_back({r.name, static_cast<int>(r.cpu), TaskKind::Receiver, p, static_cast<int>(i)});
  }
  for (size_t i = 0; i < sc.traffic.size(); ++i) {
    const auto& t = sc.traffic[i];
    if (t.loopback())
      tasks.push_back({"sender/" + t.name,
                       static_cast<int>(t.sender_cpu),
                       TaskKind::Sender,
                       {model::Policy::Other, 0, static_cast<int>(t.nice)},
                       static_cast<int>(i)});
  }
  for (size_t i = 0; i < sc.background.size(); ++i) {
    const auto& b = sc.background[i];
    tasks.push_back({b.name,
                     static_cast<int>(b.cpu),
                     TaskKind::Background,
                     {model::Policy::Other, 0, static_cast<int>(b.nice)},
                     static_cast<int>(i)});
  }
  return tasks;
}

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
    cpu.on_resched = [&k, i] { k.set_need_resched(static_cast<int>(i)); };
    cpu.on_runnable = [this, i] {
      if (cpus[i]->tick_matters()) tick_sem[i]->release();
    };
    cpu.on_wakeup = [&k, i](int task) { k.sched_wakeup(static_cast<int>(i), now_ns(), task); };
    cpu.on_switch = [&k, i](int prev, int next, trace::SwitchWhy why) {
      k.sched_switch(static_cast<int>(i), now_ns(), prev, next, why);
    };
  }
  ksoftirqd_task.resize(n);
  sender_task.assign(sc.traffic.size(), -1);
  receiver_task.resize(sc.receivers.size());
  background_task.resize(sc.background.size());
  const auto tasks = tasks_of(sc);
  for (size_t id = 0; id < tasks.size(); ++id) {
    const auto& t = tasks[id];
    if (t.kind == TaskKind::Idle) continue;
    const int local = cpus[static_cast<size_t>(t.cpu)]->add_task(t.params, static_cast<int>(id));
    std::vector<int>* tables[] = {nullptr, &ksoftirqd_task, &receiver_task, &sender_task, &background_task};
    (*tables[static_cast<size_t>(t.kind)])[static_cast<size_t>(t.index)] = local; // by TaskKind
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

// The timer tick of one CPU (kernel/time/tick-sched.c, tick_sched_timer -> update_process_times
// -> scheduler_tick; then irq_exit). Simulated only while it can change something — another task
// waits for the CPU, or NET_RX is pending for an awake ksoftirqd in a kernel that runs softirqs
// on irq exit anyway — as NO_HZ idles it; its own hardirq time is not charged.
#pragma once

#include "sim/System.hpp"

namespace rxpath::sim {

class Tick {
public:
  Tick(System& sys, int cpu) : sys_(&sys), cpu_(cpu) {}
  void operator()();

private:
  System* sys_;
  int cpu_;
};

} // namespace rxpath::sim

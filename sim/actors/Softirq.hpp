// NET_RX softirq on one CPU, run on irq exit (__do_softirq, kernel/softirq.c): net_rx_action
// again while it re-raises itself, up to MAX_SOFTIRQ_RESTART rounds within MAX_SOFTIRQ_TIME and
// while no thread on this CPU needs the CPU; what is left goes to ksoftirqd.
#pragma once

#include "sim/System.hpp"

namespace rxpath::sim {

class Softirq {
public:
  Softirq(System& sys, int cpu) : sys_(&sys), cpu_(cpu) {}
  void operator()();

private:
  System* sys_;
  int cpu_;
};

} // namespace rxpath::sim

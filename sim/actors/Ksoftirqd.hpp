// ksoftirqd/N (kernel/softirq.c run_ksoftirqd): an ordinary thread in process context that runs
// the pending softirqs while there are any, competing for the CPU with the other threads there.
#pragma once

#include "sim/System.hpp"

namespace rxpath::sim {

class Ksoftirqd {
public:
  Ksoftirqd(System& sys, int cpu) : sys_(&sys), cpu_(cpu) {}
  void operator()();

private:
  System* sys_;
  int cpu_;
};

} // namespace rxpath::sim

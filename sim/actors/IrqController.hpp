// Interrupt delivery on one CPU: runs the NIC's hardirq handler (rtl8139_interrupt) and RPS
// IPIs at hardirq level, then, as irq_exit does, lets the softirq run if one was raised.
#pragma once

#include "sim/System.hpp"

namespace rxpath::sim {

class IrqController {
public:
  IrqController(System& sys, int cpu) : sys_(&sys), cpu_(cpu) {}
  void operator()();

private:
  void nic_interrupt(int q);
  System* sys_;
  int cpu_;
};

} // namespace rxpath::sim

// Nothing is lost: every datagram that reached the NIC (or a loopback sendto) ends delivered or
// dropped with a reason, exactly once, and the trace, the run's ledger and the kernel's own
// counters agree. Shared by the shipped-scenario tests and the property tests.
#pragma once

#include "RunRxpath.hpp"

namespace rxpath::test {

// Checks `t` with Catch2 assertions (CHECK, so every disagreement is reported).
void check_conservation(const Trace& t);

// The scheduler's events tell one story per CPU: each __schedule switches out the task the one
// before switched in (from the CPU's idle task on), to a task of that CPU; a task that slept runs
// again only after a try_to_wake_up; no task runs on two CPUs or after it exited.
void check_schedule(const Trace& t);

} // namespace rxpath::test

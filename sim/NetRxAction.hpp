// Runs NET_RX's work on a CPU: the polls that model::NetRxAction picks, each poll's executions,
// and the settling of each path. Shared by the softirq actor (irq exit) and ksoftirqd.
#pragma once

#include "System.hpp"

namespace rxpath::sim {

// Executes a path's CPU work (after `prefix_ns` of other work) and settles it: backlog or socket
// enqueue, drops, wake-ups.
void run_path(System& sys, int cpu, Level level, model::Path& p, int64_t prefix_ns);

// net_rx_action on `cpu`. `prefix_ns` is CPU work owed by the caller (e.g. __do_softirq's entry),
// folded into the first execution.
void net_rx_action(System& sys, int cpu, trace::Ctx ctx, Level level, int64_t prefix_ns);

} // namespace rxpath::sim

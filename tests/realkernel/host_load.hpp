// What else happened on the machine while rxpath-udpprobe ran: on a shared VM other tenants' tasks
// (and the hypervisor's steal) take turns with the probe's threads and explain most of the spread
// between runs; each thread's context switches and each ksoftirqd's time tell how the sender and
// the receiver took turns and whether NET_RX was deferred.
#pragma once

#include "netns.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>

#include <sys/resource.h>

namespace rxpath::realkernel {

// The CPUs' counters at one instant.
struct HostLoad {
  int64_t t_ns = 0, own = 0; // CLOCK_MONOTONIC; this process's CPU time in clock ticks
  CpuTicks cpus;
  std::map<int, int64_t> ksoftirqd; // by CPU, ns
};
HostLoad host_load();

// Between two instants: the shares of all CPUs' time that other tasks, the hypervisor (steal) and
// this process used, and each ksoftirqd's CPU time.
nlohmann::ordered_json host_json(const HostLoad& a, const HostLoad& b);

// The calling thread's resource usage (getrusage RUSAGE_THREAD).
rusage thread_usage();

// A thread's context switches between two of its thread_usage(): it blocked (voluntary), or was
// preempted (involuntary) — on a shared CPU, by the other thread.
nlohmann::ordered_json switches(const rusage& a, const rusage& b);

} // namespace rxpath::realkernel

// The real kernel's side of the harness: a fresh network namespace and the counters the kernel keeps
// in it. Plain Linux calls, no iproute2.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace rxpath::realkernel {

// Moves the calling process into a new network namespace (unshare(CLONE_NEWNET)) and brings its
// loopback device up (SIOCSIFFLAGS). Call it before starting threads: they inherit the namespace.
// Returns why not (empty when done).
std::string enter_fresh_netns();

// The Udp: rows of this namespace's /proc/net/snmp, by column name (the MIBs are per namespace).
std::map<std::string, int64_t> udp_snmp();

// Dropped packets summed over the CPUs' rows of /proc/net/softnet_stat (its second column). These
// counters are per CPU, not per namespace: other traffic on the machine counts too.
int64_t softnet_dropped();

// A sysctl read from /proc/sys (e.g. "net/core/rmem_max"); nothing if it cannot be read.
std::optional<int64_t> read_sysctl(const std::string& path);

// /proc/sys/kernel/osrelease, e.g. "6.18.44".
std::string kernel_release();

// Time the CPUs spent, from /proc/stat's "cpu" row, in clock ticks (USER_HZ): in user, nice and
// system (not irq and softirq, which IRQ time accounting takes out of the tasks' own time), and
// stolen by the hypervisor.
struct CpuTicks {
  int64_t task = 0, steal = 0;
};
CpuTicks cpu_ticks();
// This process's CPU time (all its threads: utime + stime of /proc/self/stat), in clock ticks.
int64_t own_ticks();

// CPU time (ns, /proc/PID/schedstat) of each CPU's ksoftirqd/N so far, by CPU: how much NET_RX
// work the kernel deferred from softirq-on-return to the thread that competes with tasks.
std::map<int, int64_t> ksoftirqd_ns();

// Gives this process's threads `nice` against every other task on the machine: with autogroup
// scheduling (kernel.sched_autogroup_enabled) a nice value counts only inside the session's group,
// so the process starts a session of its own (setsid: a new autogroup) and sets that group's nice
// (/proc/self/autogroup); without autogroup, setpriority. Call it before starting threads. On a
// shared machine this keeps other tenants' tasks (nice 0, in their own groups) from taking turns
// with the experiment; the process's own threads still share among themselves as before. Returns
// why not (empty when done).
std::string set_group_nice(int nice);

// What SO_MEMINFO reports for a socket (net/core/sock.c sk_get_meminfo).
struct SocketMemory {
  int64_t rmem_alloc = 0; // sk_rmem_alloc: the truesize charged for queued datagrams
  int64_t rcvbuf = 0;     // sk_rcvbuf
  int64_t drops = 0;      // sk_drops
};
std::optional<SocketMemory> socket_memory(int fd);

} // namespace rxpath::realkernel

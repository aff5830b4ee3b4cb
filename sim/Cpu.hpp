// One CPU: a SimGrid host whose executions obey the kernel's preemption rules. Hardirq preempts
// softirq, which preempts process context; threads in process context (receivers, ksoftirqd)
// share the CPU fairly, as CFS would over short slices. Each execution's rate history is kept so
// that a work offset inside it maps to the simulated time it was reached.
#pragma once

#include "trace/Event.hpp"

#include <simgrid/s4u/Exec.hpp>
#include <simgrid/s4u/Host.hpp>

#include <array>
#include <cstdint>
#include <vector>

namespace rxpath::sim {

enum class Level { Process = 0, Softirq = 1, Hardirq = 2 };

// A finished execution: when it ran, and how fast at each moment.
struct Run {
  int64_t start = 0;
  int64_t end = 0;
  int64_t work = 0;
  std::vector<std::pair<int64_t, double>> rates; // (time, share of the CPU from then on)
  // Simulated time at which `offset` ns of this execution's work had been done.
  int64_t time_at(int64_t offset) const;
};

class Cpu {
public:
  Cpu(int index, simgrid::s4u::Host* host) : index_(index), host_(host) {}
  int index() const { return index_; }
  simgrid::s4u::Host* host() const { return host_; }

  // Runs `work_ns` of CPU work for the calling actor (which lives on this CPU's host).
  Run execute(Level level, trace::Ctx ctx, int64_t work_ns);

  // CPU time consumed, by context (index = trace::Ctx).
  const std::array<int64_t, 5>& busy_ns() const { return busy_; }

private:
  struct Entry {
    simgrid::s4u::ExecPtr exec;
    Level level;
    Run* run;
    double rate = -1;
  };
  void reschedule();

  int index_;
  simgrid::s4u::Host* host_;
  std::vector<Entry*> active_;
  std::array<int64_t, 5> busy_{};
};

} // namespace rxpath::sim

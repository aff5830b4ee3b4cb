// Ends the run once nothing is left to happen: every frame has arrived, the rings, backlogs and
// poll lists are empty and every datagram has a fate, except those that can only wait (queued on
// a socket nobody reads, fragments waiting for reassembly). Reassembly queues then expire at
// their ipfrag_time, and the sockets are closed (their queues purged).
#pragma once

#include "sim/System.hpp"

namespace rxpath::sim {

class EndOfRun {
public:
  explicit EndOfRun(System& sys) : sys_(&sys) {}
  void operator()();

private:
  System* sys_;
};

} // namespace rxpath::sim

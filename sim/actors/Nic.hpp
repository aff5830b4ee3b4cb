// The NIC: frames land in the RX ring as they arrive (settled lazily by the model), and the RX
// interrupt is raised after moderation (rx-usecs / rx-frames) whenever it is enabled. It stays
// masked from the moment it is raised until the driver re-enables it (__napi_complete, or
// the end of a pre-NAPI handler).
#pragma once

#include "sim/System.hpp"

namespace rxpath::sim {

class Nic {
public:
  explicit Nic(System& sys) : sys_(&sys) {}
  void operator()();

private:
  System* sys_;
};

} // namespace rxpath::sim

// The one place where SimGrid's double seconds become the model's integer nanoseconds.
#pragma once

#include <simgrid/s4u/Engine.hpp>

#include <cmath>
#include <cstdint>

namespace rxpath::sim {

inline int64_t now_ns() {
  return std::llround(simgrid::s4u::Engine::get_clock() * 1e9);
}
inline double to_seconds(int64_t ns) {
  return static_cast<double>(ns) * 1e-9;
}

} // namespace rxpath::sim

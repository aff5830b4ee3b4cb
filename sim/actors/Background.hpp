// A CPU-bound background process (scenario "background"): from t = 0 it runs user-mode work
// whenever the scheduler gives it its CPU, for the whole run ("my receiver shares its CPU with a
// busy process"). It never blocks, so it competes at its nice level's weight.
#pragma once

#include "sim/System.hpp"

namespace rxpath::sim {

class Background {
public:
  Background(System& sys, int index) : sys_(&sys), index_(index) {}
  void operator()();

private:
  System* sys_;
  int index_;
};

} // namespace rxpath::sim

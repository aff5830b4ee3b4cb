// What every part of the kernel model shares: the scenario and its kernel version, the counters,
// where events go, and the fate ledger that gives each datagram exactly one fate.
#pragma once

#include "Counters.hpp"
#include "EventSink.hpp"
#include "Path.hpp"
#include "config/Scenario.hpp"

#include <cmath>
#include <random>
#include <vector>

namespace rxpath::model {

// Every datagram's fate, exactly once, and the datagrams still without one.
class Fates {
public:
  Fates(Counters& c, EventSink& sink) : c_(c), sink_(sink) {}
  // A datagram enters the model (its first frame reaches the NIC, or a sender sends it); its id
  // is the next in order.
  int64_t arrive();
  // A drop at `e` (kind Drop): the datagram's fate if it has none yet; otherwise (a later fragment
  // of a datagram already dropped) an instant carrying the reason.
  void drop(trace::Event e, trace::DropReason r);
  // Copied to user space.
  void deliver(int64_t pkt);
  bool fated(int64_t pkt) const { return fated_[static_cast<size_t>(pkt)]; }
  int64_t in_flight() const { return in_flight_; }

  // Skbs an execution has taken (a path being run, a datagram being copied to user space): they
  // are in no queue, so the end of the run must wait for them.
  void take() { ++in_hand_; }
  void put_down() { --in_hand_; }
  int64_t in_hand() const { return in_hand_; }

private:
  Counters& c_;
  EventSink& sink_;
  std::vector<bool> fated_; // by datagram id
  int64_t in_flight_ = 0;   // arrived without a fate yet
  int64_t in_hand_ = 0;
};

struct Context {
  Context(const Scenario& scenario, EventSink& s, bool full_trace)
      : sc(scenario), kv(*scenario.version), costs(scenario.costs),
        c(static_cast<int>(scenario.cpus), static_cast<int>(scenario.sockets.size())), sink(s),
        traced(full_trace), fates(c, s), need_resched(static_cast<size_t>(scenario.cpus), false),
        cost_rng(static_cast<uint64_t>(scenario.seed) * 0xD1B54A32D192ED03ull + 11) {}
  Context(const Context&) = delete;

  const Scenario& sc;
  const KernelVersion& kv;
  const Costs& costs;
  Counters c;
  EventSink& sink;
  bool traced; // the trace records every stage and span; otherwise only what the statistics need
  Fates fates;
  // TIF_NEED_RESCHED of the task running on each CPU: set when a wake-up (or the tick) asks it to
  // give the CPU up, or wakes a thread on an idle CPU.
  std::vector<bool> need_resched;

  // A stage's cost this time: its median, or a lognormal draw around it (its own random stream, in
  // the order the simulation asks, so the same seed gives the same costs).
  int64_t draw(const Cost& cost) {
    if (cost.sigma == 0) return cost.ns;
    // Box-Muller from two uniforms in (0, 1].
    auto u = [&] { return (static_cast<double>(cost_rng() >> 11) + 1.0) * (1.0 / 9007199254740992.0); };
    const double z = std::sqrt(-2.0 * std::log(u())) * std::cos(6.283185307179586 * u());
    return std::llround(static_cast<double>(cost.ns) * std::exp(cost.sigma * z));
  }
  std::mt19937_64 cost_rng;

  void emit(const trace::Event& e) { sink.emit(e); }
  // Emits a settled path's events; a drop among them (the last) is the datagram's fate.
  void emit_path(const Path& p);
};

} // namespace rxpath::model

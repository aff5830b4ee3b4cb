// A kernel model over a scenario given as JSON, driven by hand without SimGrid, and a sink that
// records its events: shared by the model's unit tests.
#pragma once

#include "model/Kernel.hpp"
#include "model/config/ScenarioLoader.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

namespace rxpath::test {

using model::EventSink;
using model::Kernel;
using model::Path;
using model::Scenario;
using trace::DropReason;
using trace::Fn;
using trace::Kind;

struct Recorder : EventSink {
  std::vector<trace::Event> events;
  void emit(const trace::Event& e) override { events.push_back(e); }
  int count(Kind k, DropReason r = DropReason::None) const {
    int n = 0;
    for (const auto& e : events) n += e.kind == k && (r == DropReason::None || e.reason == r);
    return n;
  }
  bool has_stage(int64_t pkt, Fn fn) const {
    for (const auto& e : events)
      if (e.pkt == pkt && e.fn == fn && e.kind == Kind::Stage) return true;
    return false;
  }
};

// A kernel over a scenario given as JSON; frames are fed by hand.
struct Bench {
  Scenario sc;
  Recorder rec;
  std::unique_ptr<Kernel> k;
  explicit Bench(const std::string& json) : sc(model::load_scenario_text(json, "k.json").scenario) {
    k = std::make_unique<Kernel>(sc, rec, true);
  }
  // rtl8139_rx on CPU 0 for the next frame in the ring, settled at once; returns the thread woken.
  int receive_one(int64_t now, int cpu = 0) {
    Path p;
    REQUIRE(k->driver().rx(cpu, 0, trace::Ctx::Softirq, now, p));
    for (auto& e : p.events) e.t += now;
    return k->settle(p, now);
  }
};

} // namespace rxpath::test

// One run of a scenario: builds the SimGrid platform (a host per CPU), starts the actors, runs
// the engine and returns the counters and statistics. The trace, if asked for, is written
// streaming and renamed into place only when the run completes.
#pragma once

#include "model/Counters.hpp"
#include "model/analysis/Stats.hpp"
#include "model/config/ScenarioLoader.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace rxpath::sim {

struct RunOptions {
  std::optional<std::string> trace_path;       // no trace when empty
  enum class Progress { Off, Human, Machine }; // see Progress in Simulation.cpp
  Progress progress = Progress::Off;
};

struct RunOutput {
  model::StatsResult stats;
  nlohmann::json header; // as in the trace
  nlohmann::json end;    // the trace's end object: counters, CPU time
  uint64_t events = 0;   // trace lines written
};

// One SimGrid engine per process: call once.
RunOutput simulate(const model::LoadedScenario& ls, const RunOptions& opt);

// The trace header for a scenario (also used by tests).
nlohmann::json trace_header(const model::LoadedScenario& ls);

} // namespace rxpath::sim

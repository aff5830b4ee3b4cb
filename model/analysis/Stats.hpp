// The run's statistics as a sink of the model's events. The statistics themselves are trace
// analysis (trace/Stats.hpp, shared with `rxpath summary`, the sweeps and the viewer); this puts
// them behind the model's EventSink so a run feeds them live.
#pragma once

#include "model/EventSink.hpp"
#include "trace/Stats.hpp"

namespace rxpath::model {

using trace::cdf_probabilities;
using trace::Distribution;
using trace::PacketOutcome;
using trace::Part;
using trace::part_help;
using trace::part_name;
using trace::Percentiles;
using trace::percentiles;
using trace::StatsResult;

class Stats final : public EventSink, public trace::Stats {
public:
  using trace::Stats::Stats;
  void emit(const trace::Event& e) override { add(e); }
};

} // namespace rxpath::model

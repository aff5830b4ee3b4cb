// The run summary, printed after `rxpath run` and by `rxpath summary TRACE`: latency and its
// split by stage, fates, throughput, CPU time by context, and the counters in Linux's layout.
#pragma once

#include "model/analysis/Stats.hpp"
#include "trace/RunSummary.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

namespace rxpath::cli {

void print_summary(std::ostream& os, const nlohmann::json& header, const trace::RunSummary& end,
                   const model::StatsResult& stats);

} // namespace rxpath::cli

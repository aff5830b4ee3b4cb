// Sweeps: the grid of parameter values a `rxpath sweep` runs, and the statistics across seeds of
// each point (mean and the half-width of its 95% confidence interval).
#pragma once

#include "Stats.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace rxpath::model {

struct SweepAxis {
  std::string key;
  std::vector<std::string> values;
};
// "KEY=V1,V2,..."; commas inside [...] or {...} do not split (rps_cpus=[0,1],[1]).
SweepAxis parse_axis(const std::string& text);

struct SweepPoint {
  std::vector<std::pair<std::string, std::string>> settings; // one value per axis
  std::string label() const;                                 // "k1=v1 k2=v2"
};
// The cartesian product, the first axis varying slowest.
std::vector<SweepPoint> expand_grid(const std::vector<SweepAxis>& axes);

// What one run contributes to a sweep (`rxpath run --result-json`).
nlohmann::json run_result(const StatsResult& s, const nlohmann::json& end);

// The metrics of a point over its seeds: {"metric": {"mean": m, "ci95": h}, ...}.
nlohmann::json aggregate(const std::vector<nlohmann::json>& runs);

// The latency distribution of a point: each quantile of cdf_probabilities() averaged over the
// seeds that delivered anything, {"p": [...], "ns": [...]}; null if none did.
nlohmann::json mean_cdf(const std::vector<nlohmann::json>& runs);

// The metrics in table order, with the unit used for display.
const std::vector<std::pair<std::string, std::string>>& sweep_metrics();

} // namespace rxpath::model

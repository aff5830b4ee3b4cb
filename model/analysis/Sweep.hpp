// Sweeps: the grid of parameter values a `rxpath sweep` runs, and the statistics across seeds of
// each point (mean and the half-width of its 95% confidence interval).
#pragma once

#include "Stats.hpp"
#include "trace/RunSummary.hpp"

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
nlohmann::json run_result(const StatsResult& s, const trace::RunSummary& end);

// The metrics of a point over its seeds: {"metric": {"mean": m, "ci95": h}, ...}.
nlohmann::json aggregate(const std::vector<nlohmann::json>& runs);

// The latency distribution of a point: each quantile of cdf_probabilities() averaged over the
// seeds that delivered anything, {"p": [...], "ns": [...]}; null if none did.
nlohmann::json mean_cdf(const std::vector<nlohmann::json>& runs);

// A sweep's results (OUT.json of `rxpath sweep` or `rxpath merge`, docs/sweeps.md) parsed from
// `text` with its shape checked (axes, points, their settings and runs, each run's metrics), so
// that merging and tabulating never index what is not there. Throws ScenarioError naming `file`,
// the JSON path and what was expected.
nlohmann::json parse_results(const std::string& text, const std::string& file);
// Checks one run's metrics (`rxpath run --result-json`, or a run in a results file at `path`).
void check_run_result(const nlohmann::json& r, const std::string& file, const std::string& path);

// The metrics in table order, with the unit used for display.
const std::vector<std::pair<std::string, std::string>>& sweep_metrics();

} // namespace rxpath::model

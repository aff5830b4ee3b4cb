// `rxpath sweep` and `rxpath merge`: run a scenario over a grid of parameter values and seeds as
// parallel child processes (one SimGrid engine each), and tabulate latency, drops and CPU shares.
#pragma once

#include <string>
#include <vector>

namespace rxpath::cli {

struct SweepOptions {
  std::string self; // path of the rxpath executable, to run the points
  std::string scenario;
  std::vector<std::string> sets; // KEY=V1,V2,...
  int seeds = 1;
  int jobs = 1;
  std::string out = "sweep"; // writes OUT.csv, OUT.json and the per-run files in OUT.runs/
  int shard_index = 0, shard_count = 1;
  bool resume = false;
};

int sweep(const SweepOptions& o);
int merge(const std::string& out, const std::vector<std::string>& inputs);

} // namespace rxpath::cli

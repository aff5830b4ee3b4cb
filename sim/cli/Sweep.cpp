#include "Sweep.hpp"

#include "process/Spawn.hpp"

#include "model/analysis/Sweep.hpp"
#include "model/config/ScenarioLoader.hpp"
#include "trace/OutputFile.hpp"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

namespace fs = std::filesystem;

namespace rxpath::cli {
namespace {

struct Job {
  size_t point;
  int64_t seed;
  std::string result; // where the child writes its result
};

// A run's file is named after its settings and seed, not its place in the grid, so --resume
// never takes the result of other settings (values re-ordered, an axis added).
std::string run_file(const std::string& dir, const model::SweepPoint& p, int64_t seed) {
  nlohmann::json settings = nlohmann::json::object();
  for (const auto& [k, v] : p.settings) settings[k] = v;
  uint64_t h = 0xcbf29ce484222325ull; // FNV-1a
  for (unsigned char c : settings.dump()) h = (h ^ c) * 0x100000001b3ull;
  char name[64];
  std::snprintf(name, sizeof name, "/run-%016llx-seed%lld.json", static_cast<unsigned long long>(h),
                static_cast<long long>(seed));
  return dir + name;
}

// A run's metrics as `rxpath run --result-json` writes them (model::check_run_result).
bool valid_run(const nlohmann::json& r) {
  try {
    model::check_run_result(r, "", "");
    return true;
  } catch (const model::ScenarioError&) {
    return false;
  }
}

// A finished run's result, or null if the file is missing, cut short or not a result.
nlohmann::json read_run(const std::string& path) {
  std::ifstream in(path);
  if (!in) return nullptr;
  try {
    auto j = nlohmann::json::parse(in);
    if (valid_run(j)) return j;
  } catch (const nlohmann::json::exception&) {
  }
  return nullptr;
}

void write_atomically(const std::string& path, const std::string& text) {
  trace::OutputFile f(path);
  f.write(text);
  f.commit();
}

std::string csv_quote(const std::string& s) {
  if (s.find_first_of(",\"") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

// points: [{"settings": {k: v}, "runs": [{"seed": s, "result": {...}}], "status": ...}]
void write_results(const std::string& out, nlohmann::json& results) {
  std::vector<std::string> keys;
  for (const auto& a : results["axes"]) keys.push_back(a["key"]);
  std::map<std::string, bool> drop_cols;
  for (auto& p : results["points"]) {
    std::vector<nlohmann::json> runs;
    for (const auto& r : p["runs"]) runs.push_back(r["result"]);
    p["metrics"] = runs.empty() ? nlohmann::json::object() : model::aggregate(runs);
    p["latency_cdf"] = model::mean_cdf(runs);
    for (const auto& [k, _] : p["metrics"].items())
      if (k.rfind("drops.", 0) == 0) drop_cols[k] = true;
  }
  std::ostringstream csv;
  csv.precision(12);
  for (const auto& k : keys) csv << csv_quote(k) << ",";
  csv << "status,seeds";
  std::vector<std::string> metrics;
  for (const auto& [m, _] : model::sweep_metrics()) metrics.push_back(m);
  for (const auto& [m, _] : drop_cols) metrics.push_back(m);
  for (const auto& m : metrics) csv << "," << m << "," << m << "_ci95";
  csv << "\n";
  for (const auto& p : results["points"]) {
    for (const auto& k : keys) csv << csv_quote(p["settings"][k].get<std::string>()) << ",";
    csv << p["status"].get<std::string>() << "," << p["runs"].size();
    for (const auto& m : metrics) {
      if (p["metrics"].contains(m))
        csv << "," << p["metrics"][m]["mean"].get<double>() << "," << p["metrics"][m]["ci95"].get<double>();
      else
        csv << ",,";
    }
    csv << "\n";
  }
  write_atomically(out + ".json", results.dump(1) + "\n");
  write_atomically(out + ".csv", csv.str());
}

void print_table(const nlohmann::json& results) {
  std::vector<std::string> keys;
  for (const auto& a : results["axes"]) keys.push_back(a["key"]);
  for (const auto& k : keys) std::printf("%-26s ", k.c_str());
  std::printf("%8s %16s %16s %16s %10s %10s %12s %10s\n", "status", "p50 µs", "p99 µs", "p99.9 µs",
              "delivered", "dropped", "kpps", "squeeze");
  auto cell = [](const nlohmann::json& m, const char* key, double scale) {
    if (!m.contains(key)) return std::string("-");
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f±%.2f", m[key]["mean"].get<double>() / scale,
                  m[key]["ci95"].get<double>() / scale);
    return std::string(buf);
  };
  for (const auto& p : results["points"]) {
    for (const auto& k : keys) std::printf("%-26s ", p["settings"][k].get<std::string>().c_str());
    const auto& m = p["metrics"];
    auto num = [&](const char* key, double scale) {
      return m.contains(key) ? m[key]["mean"].get<double>() / scale : 0.0;
    };
    std::printf("%8s %16s %16s %16s %10.0f %10.0f %12.1f %10.0f\n", p["status"].get<std::string>().c_str(),
                cell(m, "latency_p50_ns", 1e3).c_str(), cell(m, "latency_p99_ns", 1e3).c_str(),
                cell(m, "latency_p999_ns", 1e3).c_str(), num("delivered", 1), num("dropped", 1),
                num("throughput_pps", 1e3), num("time_squeeze", 1));
  }
}

// A sweep results file (OUT.json): its shape checked by model::parse_results, then what merging
// needs on top (the grid's size, each point's place in it, the shard). Bad input names the file
// and the key.
nlohmann::json read_results(const std::string& path) {
  auto fail = [&](const std::string& key, const std::string& what) -> void {
    throw model::ScenarioError(path, key, what);
  };
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) fail("", "not a readable regular file");
  std::ifstream is(path, std::ios::binary);
  std::stringstream text;
  text << is.rdbuf();
  nlohmann::json r = model::parse_results(text.str(), path);
  auto is_count = [](const nlohmann::json& j) {
    return j.is_number_unsigned() || (j.is_number_integer() && j.get<int64_t>() >= 0);
  };
  if (!r.contains("grid_points") || !is_count(r["grid_points"]))
    fail("grid_points", "the number of grid points (results of an older rxpath: sweep again)");
  int64_t si = -1, sn = 0;
  char extra = 0;
  if (!r.contains("shard") || !r["shard"].is_string() ||
      std::sscanf(r["shard"].get<std::string>().c_str(), "%ld/%ld%c", &si, &sn, &extra) != 2 || sn < 1 ||
      si < 0 || si >= sn)
    fail("shard", "expected \"I/N\" with 0 <= I < N");
  const int64_t grid = r["grid_points"].get<int64_t>();
  for (size_t i = 0; i < r["points"].size(); ++i) {
    const auto& p = r["points"][i];
    const std::string at = "points[" + std::to_string(i) + "].index";
    if (!p.contains("index") || !is_count(p["index"]) || p["index"].get<int64_t>() >= grid)
      fail(at, "the point's index in the grid (below grid_points)");
  }
  return r;
}

} // namespace

int sweep(const SweepOptions& o) {
  std::vector<model::SweepAxis> axes;
  for (const auto& s : o.sets) axes.push_back(model::parse_axis(s));
  const auto points = model::expand_grid(axes);
  // Every point is validated before anything runs.
  const auto base = model::load_scenario(o.scenario);
  std::vector<int64_t> point_seed; // the seed of each point: the scenario's, or a swept one
  for (const auto& p : points) {
    std::vector<model::Override> ov;
    for (const auto& [k, v] : p.settings) ov.push_back({k, v});
    point_seed.push_back(model::load_scenario(o.scenario, ov).scenario.seed);
  }
  const bool seed_swept =
      std::any_of(axes.begin(), axes.end(), [](const auto& a) { return a.key == "seed"; });
  if (seed_swept && o.seeds > 1)
    throw model::ScenarioError("command line", "",
                               "--set seed=... sweeps the seed: use --seeds 1 (not " +
                                   std::to_string(o.seeds) + ")");
  for (const char* ext : {".json", ".csv"}) trace::check_output_path(o.out + ext, {o.scenario});
  const std::string runs_dir = o.out + ".runs";
  fs::create_directories(runs_dir);

  std::vector<Job> jobs;
  for (size_t i = 0; i < points.size(); ++i) {
    if (static_cast<int>(i % static_cast<size_t>(o.shard_count)) != o.shard_index) continue;
    for (int s = 0; s < o.seeds; ++s) {
      const int64_t seed = point_seed[i] + s;
      jobs.push_back({i, seed, run_file(runs_dir, points[i], seed)});
    }
  }
  size_t done = 0, skipped = 0;
  std::vector<std::string> failures;
  std::map<pid_t, size_t> running;
  size_t next = 0;
  auto report = [&] {
    std::fprintf(stderr, "\rrxpath sweep: %zu/%zu runs done (%zu resumed), %zu failed ", done, jobs.size(),
                 skipped, failures.size());
  };
  while (next < jobs.size() || !running.empty()) {
    while (next < jobs.size() && static_cast<int>(running.size()) < o.jobs) {
      const Job& j = jobs[next];
      if (o.resume && !read_run(j.result).is_null()) {
        ++next, ++done, ++skipped;
        continue;
      }
      if (o.resume && fs::exists(j.result))
        std::fprintf(stderr, "rxpath sweep: %s is not a complete result: running it again\n",
                     j.result.c_str());
      std::vector<std::string> args{o.self, "run", o.scenario, "--no-trace", "-q", "--result-json", j.result};
      if (!seed_swept) {
        args.push_back("--seed");
        args.push_back(std::to_string(j.seed));
      }
      for (const auto& [k, v] : points[j.point].settings) {
        args.push_back("--set");
        args.push_back(k + "=" + v);
      }
      running[process::spawn(std::move(args), process::SpawnOptions::in_own_session())] = next++;
    }
    int status = 0;
    const pid_t pid = wait(&status);
    if (pid < 0) break;
    process::reaped(pid);
    const Job& j = jobs[running[pid]];
    running.erase(pid);
    ++done;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      fs::remove(j.result);
      failures.push_back(points[j.point].label() + " seed " + std::to_string(j.seed) +
                         (WIFSIGNALED(status) ? " (killed by signal " + std::to_string(WTERMSIG(status)) + ")"
                                              : " (exit " + std::to_string(WEXITSTATUS(status)) + ")"));
    }
    report();
  }
  report();
  std::fprintf(stderr, "\n");

  nlohmann::json results;
  results["scenario"] = o.scenario;
  results["seeds"] = o.seeds;
  results["shard"] = std::to_string(o.shard_index) + "/" + std::to_string(o.shard_count);
  results["grid_points"] = points.size();
  results["axes"] = nlohmann::json::array();
  for (const auto& a : axes) results["axes"].push_back({{"key", a.key}, {"values", a.values}});
  results["points"] = nlohmann::json::array();
  for (size_t i = 0; i < points.size(); ++i) {
    if (static_cast<int>(i % static_cast<size_t>(o.shard_count)) != o.shard_index) continue;
    nlohmann::json p;
    p["index"] = i;
    for (const auto& [k, v] : points[i].settings) p["settings"][k] = v;
    p["runs"] = nlohmann::json::array();
    for (const auto& j : jobs)
      if (j.point == i)
        if (auto r = read_run(j.result); !r.is_null()) p["runs"].push_back({{"seed", j.seed}, {"result", r}});
    p["status"] = static_cast<int>(p["runs"].size()) == o.seeds ? "ok" : "failed";
    results["points"].push_back(p);
  }
  write_results(o.out, results);
  print_table(results);
  std::cout << "\nResults: " << o.out << ".csv, " << o.out << ".json\n";
  if (!failures.empty()) {
    std::cerr << "rxpath sweep: " << failures.size() << " run(s) failed:\n";
    for (const auto& f : failures) std::cerr << "  " << f << "\n";
    std::cerr << "Re-run the same command with --resume to redo only those.\n";
    return 1;
  }
  return 0;
}

int merge(const std::string& out, const std::vector<std::string>& inputs) {
  nlohmann::json merged;
  std::map<int64_t, nlohmann::json> points; // by index in the grid
  std::map<int64_t, std::string> shards;    // shard index -> the file that had it
  int64_t shard_count = 0;
  for (const char* ext : {".json", ".csv"}) trace::check_output_path(out + ext, inputs);
  for (const auto& in : inputs) {
    const nlohmann::json r = read_results(in);
    int64_t si = 0, sn = 0;
    std::sscanf(r["shard"].get<std::string>().c_str(), "%ld/%ld", &si, &sn);
    if (merged.is_null()) {
      merged = r;
      merged.erase("shard");
      shard_count = sn;
    } else if (r["axes"] != merged["axes"] || r["scenario"] != merged["scenario"] ||
               r["seeds"] != merged["seeds"] || sn != shard_count) {
      throw model::ScenarioError(in, "axes",
                                 "another sweep (different scenario, axes, seeds or shard count) than " +
                                     inputs.front());
    }
    if (auto [it, fresh] = shards.emplace(si, in); !fresh)
      throw model::ScenarioError(in, "shard",
                                 "shard " + std::to_string(si) + "/" + std::to_string(sn) + " is also in " +
                                     it->second);
    for (const auto& p : r["points"]) points[p["index"].get<int64_t>()] = p;
  }
  std::string missing;
  for (int64_t i = 0; i < shard_count; ++i)
    if (!shards.count(i)) missing += (missing.empty() ? "" : ", ") + std::to_string(i);
  if (!missing.empty())
    throw model::ScenarioError("command line", "",
                               "merge: shard(s) " + missing + " of " + std::to_string(shard_count) +
                                   " are missing");
  merged["points"] = nlohmann::json::array();
  for (auto& [_, p] : points) merged["points"].push_back(std::move(p)); // in grid order
  write_results(out, merged);
  print_table(merged);
  std::cout << "\nResults: " << out << ".csv, " << out << ".json\n";
  return 0;
}

} // namespace rxpath::cli

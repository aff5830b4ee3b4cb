#include "Sweep.hpp"

#include "Spawn.hpp"

#include "model/ScenarioLoader.hpp"
#include "model/Sweep.hpp"

#include <sys/wait.h>
#include <unistd.h>

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
  int seed;
  std::string result; // where the child writes its result
};

void write_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream os(tmp, std::ios::binary);
    os << text;
    if (!os) throw std::runtime_error(path + ": write failed");
  }
  fs::rename(tmp, path);
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

} // namespace

int sweep(const SweepOptions& o) {
  std::vector<model::SweepAxis> axes;
  for (const auto& s : o.sets) axes.push_back(model::parse_axis(s));
  const auto points = model::expand_grid(axes);
  // Every point is validated before anything runs.
  const auto base = model::load_scenario(o.scenario);
  for (const auto& p : points) {
    std::vector<model::Override> ov;
    for (const auto& [k, v] : p.settings) ov.push_back({k, v});
    model::load_scenario(o.scenario, ov);
  }
  const std::string runs_dir = o.out + ".runs";
  fs::create_directories(runs_dir);

  std::vector<Job> jobs;
  for (size_t i = 0; i < points.size(); ++i) {
    if (static_cast<int>(i % static_cast<size_t>(o.shard_count)) != o.shard_index) continue;
    for (int s = 0; s < o.seeds; ++s) {
      Job j{i, static_cast<int>(base.scenario.seed) + s,
            runs_dir + "/point" + std::to_string(i) + "-seed" + std::to_string(base.scenario.seed + s) +
                ".json"};
      jobs.push_back(j);
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
      if (o.resume && fs::exists(j.result)) {
        ++next, ++done, ++skipped;
        continue;
      }
      std::vector<std::string> args{
          o.self,          "run",   o.scenario, "--no-trace", "-q", "--seed", std::to_string(j.seed),
          "--result-json", j.result};
      for (const auto& [k, v] : points[j.point].settings) {
        args.push_back("--set");
        args.push_back(k + "=" + v);
      }
      running[spawn(std::move(args))] = next++;
    }
    int status = 0;
    const pid_t pid = wait(&status);
    if (pid < 0) break;
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
  std::fprintf(stderr, "\n");

  nlohmann::json results;
  results["scenario"] = o.scenario;
  results["seeds"] = o.seeds;
  results["shard"] = std::to_string(o.shard_index) + "/" + std::to_string(o.shard_count);
  results["axes"] = nlohmann::json::array();
  for (const auto& a : axes) results["axes"].push_back({{"key", a.key}, {"values", a.values}});
  results["points"] = nlohmann::json::array();
  for (size_t i = 0; i < points.size(); ++i) {
    if (static_cast<int>(i % static_cast<size_t>(o.shard_count)) != o.shard_index) continue;
    nlohmann::json p;
    for (const auto& [k, v] : points[i].settings) p["settings"][k] = v;
    p["runs"] = nlohmann::json::array();
    for (const auto& j : jobs)
      if (j.point == i && fs::exists(j.result)) {
        std::ifstream in(j.result);
        p["runs"].push_back({{"seed", j.seed}, {"result", nlohmann::json::parse(in)}});
      }
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
  std::map<std::string, size_t> index; // settings -> position in merged["points"]
  for (const auto& in : inputs) {
    std::ifstream is(in, std::ios::binary);
    if (!is) throw model::ScenarioError(in, "", "cannot open the file");
    std::stringstream text;
    text << is.rdbuf();
    // Checked whole before use: merging and tabulating index every key they need.
    nlohmann::json r = model::parse_results(text.str(), in);
    if (merged.is_null()) {
      merged = r;
      merged["points"] = nlohmann::json::array();
      merged.erase("shard");
    } else if (r["axes"] != merged["axes"] || r["scenario"] != merged["scenario"]) {
      throw model::ScenarioError(in, "axes",
                                 "another sweep (different scenario or axes) than " + inputs.front());
    }
    for (const auto& p : r["points"]) {
      const std::string key = p["settings"].dump();
      if (!index.count(key)) {
        index[key] = merged["points"].size();
        nlohmann::json q = p;
        q["runs"] = nlohmann::json::array();
        merged["points"].push_back(q);
      }
      auto& q = merged["points"][index[key]];
      for (const auto& run : p["runs"]) {
        bool dup = false;
        for (const auto& have : q["runs"]) dup |= have["seed"] == run["seed"];
        if (!dup) q["runs"].push_back(run);
      }
      q["status"] = static_cast<int>(q["runs"].size()) == merged["seeds"].get<int>() ? "ok" : "failed";
    }
  }
  write_results(out, merged);
  print_table(merged);
  std::cout << "\nResults: " << out << ".csv, " << out << ".json\n";
  return 0;
}

} // namespace rxpath::cli

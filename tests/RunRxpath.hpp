// Runs the rxpath command in a fresh temporary directory and reads back what it wrote.
#pragma once

#include "model/analysis/Stats.hpp"
#include "trace/TraceReader.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace rxpath::test {

// A temporary directory, removed with everything in it when the test is done.
struct TempDir {
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string path;
  operator const std::string&() const { return path; }
};

struct Result {
  int exit_code = -1;
  std::string out, err;
  std::unique_ptr<TempDir> tmp; // where it ran
  std::string dir;
};

// `args` are appended to the rxpath binary; SCEN(name) gives a shipped scenario's path.
Result run_rxpath(const std::string& args);
std::string scenario(const std::string& name);
std::string read_file(const std::string& path);
bool file_exists(const std::string& path);

// A whole trace in memory (tests only read small ones).
struct Trace {
  nlohmann::json header, end;
  std::vector<trace::Event> events;
  bool truncated = false;
};
Trace load_trace(const std::string& path);

} // namespace rxpath::test

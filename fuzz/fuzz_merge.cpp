// Fuzzes `rxpath merge`, the reader of sweep results (OUT.json): the input is split at lines
// "--shard--" into up to three shard files, which are merged into the scratch directory (OUT.json,
// OUT.csv) exactly as the command does, table printing included. Bad results must end in a
// ScenarioError (exit 2); any other exception, crash or sanitizer report is a bug.
#include "Scratch.hpp"

#include "cli/Sweep.hpp"
#include "model/config/Schema.hpp"

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace {

constexpr std::string_view kSeparator = "\n--shard--\n";
constexpr size_t kMaxShards = 3;

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // merge prints its table on stdout; libFuzzer reports on stderr.
  const int null = open("/dev/null", O_WRONLY);
  if (null >= 0) dup2(null, STDOUT_FILENO);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto& s = rxpath::fuzz::scratch();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> shards;
  size_t start = 0;
  while (shards.size() < kMaxShards) {
    const size_t sep =
        shards.size() + 1 < kMaxShards ? input.find(kSeparator, start) : std::string_view::npos;
    const std::string_view part = input.substr(start, sep == std::string_view::npos ? sep : sep - start);
    const std::string name = "shard" + std::to_string(shards.size()) + ".json";
    shards.push_back(s.write(name, reinterpret_cast<const uint8_t*>(part.data()), part.size()));
    if (sep == std::string_view::npos) break;
    start = sep + kSeparator.size();
  }
  try {
    (void)rxpath::cli::merge(s.path("merged"), shards);
  } catch (const rxpath::model::ScenarioError&) {
  }
  std::fflush(stdout);
  s.clear();
  return 0;
}

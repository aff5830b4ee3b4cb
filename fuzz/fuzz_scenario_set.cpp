// Fuzzes `--set KEY=VALUE` overrides: each line of the input is one override, applied to a small
// valid scenario (the minimal one of issue 9) through the loader `rxpath run --set` uses. Paths
// into arrays and objects, indices, bare words, UTF-8 and typing by the schema are exercised.
#include "model/config/ScenarioLoader.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace {

const char* const kBase = R"({"traffic": [{"pattern": "burst", "rate_pps": 300000}],
 "sockets": [{"name": "s"}], "receivers": [{"socket": "s", "cpu": 1}]})";

// A command line holds a few --set options; more would only make each input slower.
constexpr size_t kMaxOverrides = 4;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= input.size() && lines.size() < kMaxOverrides) {
    const size_t nl = input.find('\n', start);
    lines.push_back(input.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  try {
    std::vector<rxpath::model::Override> ov;
    for (const auto& l : lines) ov.push_back(rxpath::model::parse_override(l));
    const auto ls = rxpath::model::load_scenario_text(kBase, "base.json", ov);
    (void)ls.resolved.dump();
  } catch (const rxpath::model::ScenarioError&) {
  }
  return 0;
}

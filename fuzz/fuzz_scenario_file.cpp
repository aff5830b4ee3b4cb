// Fuzzes a scenario file's text through the loader `rxpath run` and `validate` use: strict JSON
// (comments, duplicate keys, depth, numbers beyond a double), the schema and the cross-checks.
// Bad input must end in a ScenarioError (exit 2); any other exception, crash or sanitizer report
// is a bug.
#include "model/config/ScenarioLoader.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto ls = rxpath::model::load_scenario_text(text, "fuzz.json");
    // The resolved scenario is what `rxpath run` writes into the trace header.
    (void)ls.resolved.dump();
  } catch (const rxpath::model::ScenarioError&) {
  }
  return 0;
}

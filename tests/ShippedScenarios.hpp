// The shipped scenarios (scenarios/*.json), found when the tests run, and the one rule that keeps
// the heavy ones affordable in the golden and conservation tests.
#pragma once

#include <string>
#include <vector>

namespace rxpath::test {

// --scenario NAME on the test command line (test_main.cpp); empty: every shipped scenario.
inline std::string& selected_scenario() {
  static std::string name;
  return name;
}

// Names (file names without .json), sorted; only the selected one if --scenario was given.
std::vector<std::string> shipped_scenarios();

// The rule: every traffic source is cut to its first kMaxCount datagrams and kMaxDurationNs of
// sending, by --set on its own `count` or `duration_ns` (only where the scenario sets more). Light
// scenarios run as shipped; flood-1m and the study run their first 20,000 datagrams or 10 ms.
constexpr long long kMaxCount = 20000;
constexpr long long kMaxDurationNs = 10'000'000;
// The --set arguments (with a leading space each) that apply the rule to scenarios/NAME.json.
std::string affordable(const std::string& name);

} // namespace rxpath::test

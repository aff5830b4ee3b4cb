// Property tests: random valid scenarios (tests/ScenarioGen.cpp) with random seeds, each run twice.
// Every run must exit 0, conserve every datagram (one fate each, drops by reason equal to the
// counters), summarise its own trace to the same summary it printed, and write the same bytes
// twice. The generator's seed is drawn afresh each time and printed with any failure;
// RXPATH_PROPERTY_SEED=S replays it, RXPATH_PROPERTY_CASES=N runs N cases per test (a soak).
#include "Conservation.hpp"
#include "ScenarioGen.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <random>

using namespace rxpath;

namespace {

int64_t env_or(const char* name, int64_t dflt) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoll(v, nullptr, 10) : dflt;
}

void check_case(const nlohmann::json& sc, const std::string& label) {
  test::TempDir dir;
  const std::string file = dir.path + "/scenario.json";
  std::ofstream(file) << sc.dump(1) << "\n";
  INFO(label << "\n" << sc.dump());
  auto a = test::run_rxpath("run " + file + " -o a.jsonl");
  INFO("stderr: " << a.err.substr(0, 2000));
  REQUIRE(a.exit_code == 0);
  auto b = test::run_rxpath("run " + file + " -q -o b.jsonl");
  REQUIRE(b.exit_code == 0);
  const std::string ta = test::read_file(a.dir + "/a.jsonl");
  CHECK((ta == test::read_file(b.dir + "/b.jsonl")));

  auto t = test::load_trace(a.dir + "/a.jsonl");
  REQUIRE_FALSE(t.truncated);
  test::check_conservation(t);
  test::check_schedule(t);

  // `rxpath summary` of the trace prints what the run printed (less the line naming the trace).
  auto s = test::run_rxpath("summary " + a.dir + "/a.jsonl");
  REQUIRE(s.exit_code == 0);
  std::string printed = a.out.substr(0, a.out.rfind("\nTrace: "));
  CHECK(s.out == printed);
}

void run_cases(uint64_t salt) {
  const int64_t cases = env_or("RXPATH_PROPERTY_CASES", 25);
  const uint64_t seed = static_cast<uint64_t>(env_or("RXPATH_PROPERTY_SEED", std::random_device{}())) ^ salt;
  for (int64_t i = 0; i < cases; ++i) {
    // Each case has its own generator seed, so one failing case replays alone.
    const uint64_t case_seed = seed + static_cast<uint64_t>(i);
    std::mt19937_64 rng(case_seed);
    check_case(test::random_scenario(rng), "generator seed " + std::to_string(case_seed) +
                                               " (RXPATH_PROPERTY_SEED=" + std::to_string(case_seed ^ salt) +
                                               " RXPATH_PROPERTY_CASES=1 replays it)");
  }
}

} // namespace

// Eight test processes, so ctest -j spreads them over the cores; 8 x 25 = 200 cases by default.
TEST_CASE("property: random scenarios part 1", "[property]") {
  run_cases(1);
}
TEST_CASE("property: random scenarios part 2", "[property]") {
  run_cases(2);
}
TEST_CASE("property: random scenarios part 3", "[property]") {
  run_cases(3);
}
TEST_CASE("property: random scenarios part 4", "[property]") {
  run_cases(4);
}
TEST_CASE("property: random scenarios part 5", "[property]") {
  run_cases(5);
}
TEST_CASE("property: random scenarios part 6", "[property]") {
  run_cases(6);
}
TEST_CASE("property: random scenarios part 7", "[property]") {
  run_cases(7);
}
TEST_CASE("property: random scenarios part 8", "[property]") {
  run_cases(8);
}

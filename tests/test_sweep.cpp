// rxpath sweep and merge: the grid, seeds, results files, shards, resuming, and bad points.
#include "RunRxpath.hpp"
#include "model/analysis/Sweep.hpp"
#include "model/config/Schema.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace rxpath;

TEST_CASE("sweep axes: commas inside brackets do not split values", "[sweep]") {
  auto a = model::parse_axis("nic.rps_cpus=[0,1],[1]");
  CHECK(a.key == "nic.rps_cpus");
  CHECK(a.values == std::vector<std::string>{"[0,1]", "[1]"});
  auto g = model::expand_grid({model::parse_axis("a=1,2"), model::parse_axis("b=x,y,z")});
  REQUIRE(g.size() == 6);
  CHECK(g[1].label() == "a=1 b=y");
  CHECK(g[3].label() == "a=2 b=x");
}

TEST_CASE("aggregate: mean and 95% confidence half-width across seeds", "[sweep]") {
  std::vector<nlohmann::json> runs;
  for (double x : {10.0, 12.0, 14.0}) {
    nlohmann::json r = {{"drops", nlohmann::json::object()}};
    for (const auto& [m, _] : model::sweep_metrics()) r[m] = x;
    runs.push_back(r);
  }
  auto a = model::aggregate(runs);
  CHECK(a["latency_p99_ns"]["mean"].get<double>() == Approx(12.0));
  // s = 2, n = 3, t(2) = 4.303: 4.303 * 2 / sqrt(3)
  CHECK(a["latency_p99_ns"]["ci95"].get<double>() == Approx(4.968).epsilon(0.001));
}

TEST_CASE("results files: the shape merge relies on is checked, naming the JSON path", "[sweep][errors]") {
  auto error_of = [](const std::string& text) {
    try {
      model::parse_results(text, "r.json");
    } catch (const model::ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  const std::string head = R"({"scenario":"s.json","seeds":1,"axes":[{"key":"a","values":["1"]}],"points":)";
  // Found by fuzz_merge's inputs (fuzz/regressions/fuzz_merge): before the check, a run without
  // its metrics hit an assertion in nlohmann::json, and a number where points go a type_error.
  CHECK(error_of(head + R"([{"settings":{"a":"1"},"runs":[{"seed":1,"result":{}}]}]})") ==
        "r.json: points[0].runs[0].result.latency_mean_ns: missing (expected a number)");
  CHECK(error_of(R"({"scenario":"s","seeds":1,"axes":5,"points":5})") ==
        "r.json: axes: expected an array of swept keys, found 5");
  CHECK(error_of(head + R"([{"settings":{"b":"1"},"runs":[]}]})") ==
        "r.json: points[0].settings.b: not one of the axes' keys");
  CHECK(error_of(head + R"([{"settings":{"a":1},"runs":[]}]})") ==
        "r.json: points[0].settings.a: expected a string");
  CHECK_THAT(error_of(std::string(100, '[') + std::string(100, ']')),
             Catch::Contains("nested deeper than 16"));
  CHECK(error_of(head + R"([{"settings":{"a":"1"},"runs":[]}]})") == "accepted");
}

TEST_CASE("sweep runs the grid times the seeds and writes CSV and JSON", "[sweep]") {
  const std::string common =
      "sweep " + test::scenario("rcvbuf-overflow") +
      " --set receivers.slow-app.app_work_ns=10000,30000 --set traffic.0.count=2000 --seeds 2 -j 2";
  auto r = test::run_rxpath(common + " -o res");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(test::read_file(r.dir + "/res.json"));
  REQUIRE(j["points"].size() == 2);
  for (const auto& p : j["points"]) {
    CHECK(p["status"] == "ok");
    CHECK(p["runs"].size() == 2);
  }
  // The slower application delivers fewer datagrams and drops more at the socket.
  const auto& fast = j["points"][0]["metrics"];
  const auto& slow = j["points"][1]["metrics"];
  CHECK(slow["delivered"]["mean"].get<double>() < fast["delivered"]["mean"].get<double>());
  CHECK(slow["drops.SOCKET_RCVBUFF"]["mean"].get<double>() >
        fast["drops.SOCKET_RCVBUFF"]["mean"].get<double>());
  const auto csv = test::read_file(r.dir + "/res.csv");
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 3);
  CHECK_THAT(
      csv, Catch::StartsWith("receivers.slow-app.app_work_ns,traffic.0.count,status,seeds,latency_mean_ns"));
  CHECK_THAT(r.out, Catch::Contains("p99 µs"));

  // Shards joined by merge give the same table.
  auto s0 = test::run_rxpath(common + " --shard 0/2 -o " + r.dir + "/s0");
  auto s1 = test::run_rxpath(common + " --shard 1/2 -o " + r.dir + "/s1");
  REQUIRE(s0.exit_code == 0);
  REQUIRE(s1.exit_code == 0);
  auto m = test::run_rxpath("merge " + r.dir + "/s0.json " + r.dir + "/s1.json -o " + r.dir + "/merged");
  REQUIRE(m.exit_code == 0);
  CHECK(test::read_file(r.dir + "/merged.csv") == csv);

  // --resume redoes only what is missing, and what is cut short.
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(r.dir + "/res.runs")) files.push_back(e.path());
  REQUIRE(files.size() == 4);
  std::filesystem::remove(files[0]);
  std::filesystem::resize_file(files[1], 10);
  auto again = test::run_rxpath(common + " -o " + r.dir + "/res --resume");
  REQUIRE(again.exit_code == 0);
  CHECK_THAT(again.err, Catch::Contains("4/4 runs done (2 resumed)"));
  CHECK_THAT(again.err, Catch::Contains("is not a complete result: running it again"));
  CHECK(test::read_file(r.dir + "/res.csv") == csv);

  // Re-ordered values keep their results: runs are found by settings, not by place in the grid.
  const std::string reordered =
      "sweep " + test::scenario("rcvbuf-overflow") +
      " --set receivers.slow-app.app_work_ns=30000,10000 --set traffic.0.count=2000 --seeds 2 -j 2";
  auto ro = test::run_rxpath(reordered + " -o " + r.dir + "/res --resume");
  REQUIRE(ro.exit_code == 0);
  CHECK_THAT(ro.err, Catch::Contains("4/4 runs done (4 resumed)"));
  auto jr = nlohmann::json::parse(test::read_file(r.dir + "/res.json"));
  CHECK(jr["points"][0]["settings"]["receivers.slow-app.app_work_ns"] == "30000");
  CHECK(jr["points"][0]["metrics"]["delivered"] == slow["delivered"]);
}

TEST_CASE("merge refuses missing or repeated shards and keeps grid order", "[sweep][errors]") {
  const std::string common = "sweep " + test::scenario("default") +
                             " --set traffic.0.count=200 --set net.core.netdev_budget=1,2,3 -o ";
  test::TempDir dir;
  const std::string d = dir.path + "/";
  for (int i = 0; i < 3; ++i)
    REQUIRE(test::run_rxpath(common + d + "s" + std::to_string(i) + " --shard " + std::to_string(i) + "/3")
                .exit_code == 0);
  auto some = test::run_rxpath("merge " + d + "s0.json " + d + "s2.json -o " + d + "m");
  CHECK(some.exit_code == 2);
  CHECK_THAT(some.err, Catch::Contains("merge: shard(s) 1 of 3 are missing"));
  CHECK_FALSE(test::file_exists(d + "m.json"));
  auto twice = test::run_rxpath("merge " + d + "s0.json " + d + "s0.json " + d + "s1.json -o " + d + "m");
  CHECK(twice.exit_code == 2);
  CHECK_THAT(twice.err, Catch::Contains("shard 0/3 is also in"));
  auto all = test::run_rxpath("merge " + d + "s2.json " + d + "s0.json " + d + "s1.json -o " + d + "m");
  REQUIRE(all.exit_code == 0);
  auto m = nlohmann::json::parse(test::read_file(d + "m.json"));
  REQUIRE(m["points"].size() == 3);
  for (int i = 0; i < 3; ++i)
    CHECK(m["points"][i]["settings"]["net.core.netdev_budget"] == std::to_string(i + 1));
  // A results file of the wrong shape is bad input naming the key, not a crash.
  std::ofstream(d + "bad.json") << R"({"scenario":"x","seeds":1,"grid_points":1,"shard":"0/1",
    "axes":[{"key":"k","values":["1"]}],
    "points":[{"index":0,"settings":{"k":"1"},"runs":[{"seed":1,"result":{"arrived":{"a":{"b":1}}}}]}]})";
  auto bad = test::run_rxpath("merge " + d + "bad.json -o " + d + "m2");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("bad.json: points[0].runs[0].result"));
  // Results without the grid's size (an older rxpath) cannot be checked for missing shards.
  auto old = nlohmann::json::parse(test::read_file(d + "s0.json"));
  old.erase("grid_points");
  std::ofstream(d + "old.json") << old.dump();
  auto o = test::run_rxpath("merge " + d + "old.json -o " + d + "m3");
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.err, Catch::Contains("old.json: grid_points: "));
  auto out_is_in =
      test::run_rxpath("merge " + d + "s0.json " + d + "s1.json " + d + "s2.json -o " + d + "s0");
  CHECK(out_is_in.exit_code == 2);
  CHECK_THAT(out_is_in.err, Catch::Contains("is also an input"));
}

TEST_CASE("sweeping the seed: 64-bit seeds kept whole, --seeds refused with it", "[sweep]") {
  const std::string big = "4294967301"; // 2^32 + 5: cut to 32 bits it would be seed 5
  auto r = test::run_rxpath("sweep " + test::scenario("default") +
                            " --set traffic.0.count=300 --set seed=5," + big + " -o res");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(test::read_file(r.dir + "/res.json"));
  REQUIRE(j["points"].size() == 2);
  CHECK(j["points"][1]["runs"][0]["seed"].get<int64_t>() == 4294967301LL);
  // Different seeds, different Poisson arrivals.
  CHECK(j["points"][0]["metrics"]["latency_mean_ns"] != j["points"][1]["metrics"]["latency_mean_ns"]);
  auto s = test::run_rxpath("run " + test::scenario("default") +
                            " --set traffic.0.count=30 --no-trace --seed " + big);
  CHECK_THAT(s.out, Catch::Contains("seed " + big));
  auto both = test::run_rxpath("sweep " + test::scenario("default") + " --set seed=5,6 --seeds 2 -o res2");
  CHECK(both.exit_code == 2);
  CHECK_THAT(both.err, Catch::Contains("use --seeds 1"));
}

TEST_CASE("a sweep with a bad value is refused before anything runs", "[sweep][errors]") {
  auto r = test::run_rxpath("sweep " + test::scenario("default") + " --set nic.ring_size=256,0 -o res");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("nic.ring_size: value 0 is out of range"));
  CHECK_FALSE(test::file_exists(r.dir + "/res.runs"));
  CHECK_FALSE(test::file_exists(r.dir + "/res.csv"));
}

// `rxpath import-host` as a user runs it: offline from saved outputs, live on this machine's
// loopback device, --merge onto a shipped scenario, and the bad command lines (exit 2, nothing
// written over).
#include "RunRxpath.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace rxpath;
using nlohmann::json;

namespace {

const std::string kFixtures = std::string(RXPATH_SOURCE_DIR) + "/tests/hostimport/";

} // namespace

TEST_CASE("import-host --from: the fragment on stdout, the notes on stderr", "[cli][importhost][quick]") {
  auto r = test::run_rxpath("import-host --from '" + kFixtures + "rtl8139'");
  REQUIRE(r.exit_code == 0);
  const auto f = json::parse(r.out);
  CHECK(f["nic"]["driver"] == "8139too");
  CHECK(f["kernel"] == "4.19");
  CHECK_THAT(r.err, Catch::Contains("ethtool-g.txt") && Catch::Contains("nic.ring_size not read"));
  CHECK_THAT(r.err, Catch::Contains("4.19.0-27-amd64 -> kernel \"4.19\""));
}

TEST_CASE("import-host --merge onto default.json: the result validates", "[cli][importhost][quick]") {
  for (const char* host : {"mlx5", "rtl8139"}) {
    INFO(host);
    auto r = test::run_rxpath("import-host --from '" + kFixtures + host + "' --merge '" +
                              test::scenario("default") + "' --out merged.json");
    REQUIRE(r.exit_code == 0);
    auto merged = json::parse(test::read_file(r.dir + "/merged.json"));
    CHECK(merged["traffic"][0]["name"] == "clients"); // the base's other keys kept
    CHECK(merged["nic"]["ring_size"] == (std::string(host) == "mlx5" ? 1024 : 256));
    auto v = test::run_rxpath("validate '" + r.dir + "/merged.json'");
    INFO(v.err);
    CHECK(v.exit_code == 0);
  }
}

TEST_CASE("import-host --dev lo reads this machine", "[cli][importhost][quick]") {
  auto r = test::run_rxpath("import-host --dev lo");
  REQUIRE(r.exit_code == 0);
  const auto f = json::parse(r.out);
  // Each value is there, or named on stderr with the file tried (a >64-CPU machine, a locked-down
  // /proc/sys).
  if (!f.contains(json::json_pointer("/sysctl/net.core.netdev_budget")))
    CHECK_THAT(r.err, Catch::Contains("/proc/sys/net/core/netdev_budget"));
  else
    CHECK(f["sysctl"]["net.core.netdev_budget"].is_number_integer());
  if (!f.contains("cpus"))
    CHECK_THAT(r.err, Catch::Contains("/sys/devices/system/cpu/online"));
  else
    CHECK(f["cpus"].get<int>() >= 1);
  CHECK(f.at(json::json_pointer("/nic/queues")) == 1); // lo has rx-0 only
  // Without ethtool each of its values is named as not read; with it, lo has no driver the model knows.
  CHECK_THAT(r.err, Catch::Contains("ethtool -i lo: ") && Catch::Contains("nic.driver"));
}

TEST_CASE("import-host: bad command lines exit 2 and write nothing", "[cli][importhost][errors][quick]") {
  test::TempDir dir;
  const std::string out = dir.path + "/keep.json";
  std::ofstream(out) << "{\"keep\": true}\n";
  const std::string bad_json = dir.path + "/bad.json";
  std::ofstream(bad_json) << "{\"name\": ";
  struct Case {
    std::string args, says;
  } cases[] = {
      {"import-host", "--dev DEV"},
      {"import-host --dev no-such-if0", "no such network interface"},
      {"import-host --dev ../etc", "not an interface name"},
      {"import-host --from '" + dir.path + "/missing'", "no such directory"},
      {"import-host --from '" + out + "'", "not a directory"},
      {"import-host --from '" + kFixtures + "mlx5' --merge '" + dir.path + "/none.json'",
       "cannot read the base scenario: no such file"},
      {"import-host --from '" + kFixtures + "mlx5' --merge '" + bad_json + "'", "not valid JSON"},
      {"import-host --from '" + kFixtures + "mlx5' --merge '" + out + "'", "input"},
      {"import-host --from '" + kFixtures + "mlx5' --bogus", "bogus"},
  };
  for (const auto& c : cases) {
    auto r = test::run_rxpath(c.args + " --out '" + out + "'");
    INFO(c.args << "\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains(c.says));
    CHECK(test::read_file(out) == "{\"keep\": true}\n");
  }
}

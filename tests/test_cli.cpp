// The rxpath command line: help, errors with exit code 2 and nothing left behind, summaries.
#include "RunRxpath.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace rxpath;

namespace {
size_t files_in(const std::string& dir) {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    n += e.path().filename() != "out.txt" && e.path().filename() != "err.txt";
  return n;
}
// Writes a file into a temporary directory that lives as long as the test process.
std::string write(const std::string& name, const std::string& text) {
  static test::TempDir dir;
  const std::string path = dir.path + "/" + name;
  std::ofstream(path) << text;
  return path;
}
} // namespace

TEST_CASE("rxpath --help describes the commands", "[cli][quick]") {
  auto r = test::run_rxpath("--help");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("run") && Catch::Contains("validate") && Catch::Contains("summary"));
  auto rr = test::run_rxpath("run --help");
  CHECK(rr.exit_code == 0);
  CHECK_THAT(rr.out, Catch::Contains("--set") && Catch::Contains("--no-trace") && Catch::Contains("--seed"));
}

TEST_CASE("rxpath --version prints the project's version", "[cli][quick]") {
  auto r = test::run_rxpath("--version");
  CHECK(r.exit_code == 0);
  CHECK(r.out == "rxpath " RXPATH_VERSION "\n");
}

TEST_CASE("a wrong scenario: exit 2, the file and the JSON path named, no trace left behind",
          "[cli][errors][quick]") {
  auto bad = write("bad.json", R"({"traffic": [{"rate_pps": -5}]})");
  auto r = test::run_rxpath("run " + bad + " -o t.jsonl");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("bad.json: traffic[0].rate_pps: value -5 is out of range"));
  CHECK(files_in(r.dir) == 0);

  auto malformed = write("m.json", "{\"cpus\": }");
  auto m = test::run_rxpath("run " + malformed + " -o t.jsonl");
  CHECK(m.exit_code == 2);
  CHECK_THAT(m.err, Catch::Contains("m.json: malformed JSON"));
  CHECK(files_in(m.dir) == 0);
}

TEST_CASE("bad command lines exit with 2", "[cli][errors][quick]") {
  auto a = test::run_rxpath("run " + test::scenario("walkthrough") + " --set nic.ring_size=zero -o t.jsonl");
  CHECK(a.exit_code == 2);
  CHECK_THAT(a.err, Catch::Contains("nic.ring_size: expected an integer"));
  CHECK(files_in(a.dir) == 0);
  auto b = test::run_rxpath("run " + test::scenario("walkthrough") + " --frobnicate");
  CHECK(b.exit_code == 2);
  CHECK_THAT(b.err, Catch::Contains("frobnicate"));
  auto c = test::run_rxpath("run " + test::scenario("walkthrough") + " -o no/such/dir/t.jsonl");
  CHECK(c.exit_code == 2);
  CHECK_THAT(c.err, Catch::Contains("no/such/dir"));
  auto d = test::run_rxpath("run /nonexistent.json");
  CHECK(d.exit_code == 2);
  CHECK_THAT(d.err, Catch::Contains("/nonexistent.json: cannot open the file"));
}

TEST_CASE("validate checks without running", "[cli]") {
  auto r = test::run_rxpath("validate " + test::scenario("default"));
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("valid"));
  CHECK(files_in(r.dir) == 0);
}

TEST_CASE("the summary shows latency, drops and Linux's counters, and `summary TRACE` repeats it", "[cli]") {
  auto r =
      test::run_rxpath("run " + test::scenario("rcvbuf-overflow") + " -o t.jsonl --set traffic.0.count=3000");
  REQUIRE(r.exit_code == 0);
  for (const char* s :
       {"p99.9", "ring wait", "socket queue wait", "SOCKET_RCVBUFF", "/proc/net/softnet_stat",
        "Udp: InDatagrams NoPorts InErrors", "Ip: Forwarding DefaultTTL InReceives", "ksoftirqd"}) {
    INFO(s);
    CHECK_THAT(r.out, Catch::Contains(s));
  }
  auto s = test::run_rxpath("summary " + r.dir + "/t.jsonl");
  CHECK(s.exit_code == 0);
  CHECK(r.out.substr(0, r.out.find("\nTrace:")) == s.out);
}

TEST_CASE("summary of a truncated trace says so and exits 2", "[cli][errors]") {
  auto r = test::run_rxpath("run " + test::scenario("walkthrough") + " -o t.jsonl -q");
  REQUIRE(r.exit_code == 0);
  auto text = test::read_file(r.dir + "/t.jsonl");
  auto cut = write("cut.jsonl", text.substr(0, text.size() - 300));
  auto s = test::run_rxpath("summary " + cut);
  CHECK(s.exit_code == 2);
  CHECK_THAT(s.err, Catch::Contains("cut.jsonl: the trace is truncated"));
  auto n = test::run_rxpath("summary " + test::scenario("walkthrough"));
  CHECK(n.exit_code == 2);
  CHECK_THAT(n.err, Catch::Contains("not an rxpath trace"));
}

TEST_CASE("docs/scenarios.md lists every parameter as the schema has it", "[cli][docs]") {
  auto r = test::run_rxpath("params --markdown");
  REQUIRE(r.exit_code == 0);
  const auto doc = test::read_file(std::string(RXPATH_SOURCE_DIR) + "/docs/scenarios.md");
  INFO("run tools/gen-docs.sh to regenerate the table");
  CHECK(doc.find("<!-- params:begin -->\n" + r.out + "<!-- params:end -->") != std::string::npos);
}

TEST_CASE("export --format chrome writes trace-event JSON with an arrow where the packet changes CPU",
          "[cli]") {
  auto r = test::run_rxpath("run " + test::scenario("walkthrough") + " -o t.jsonl -q");
  REQUIRE(r.exit_code == 0);
  auto e = test::run_rxpath("export " + r.dir + "/t.jsonl --format chrome -o " + r.dir + "/t.json");
  REQUIRE(e.exit_code == 0);
  auto j = nlohmann::json::parse(test::read_file(r.dir + "/t.json"));
  int spans = 0, flow_in = 0, flow_out = 0;
  for (const auto& ev : j["traceEvents"]) {
    spans += ev["ph"] == "X" && ev["dur"] != 0;
    flow_in += ev.contains("flow_in");
    flow_out += ev.contains("flow_out");
  }
  CHECK(spans >= 5);
  // The datagram goes NIC -> CPU 0 (softirq) -> CPU 1 (the receiver): two arrows.
  CHECK(flow_in == 2);
  CHECK(flow_out == 2);
  auto bad = test::run_rxpath("export " + r.dir + "/t.jsonl --format svg -o x");
  CHECK(bad.exit_code == 2);
}

TEST_CASE("compare: a larger rcvbuf turns drops into deliveries and adds socket queue wait", "[cli]") {
  const std::string base = "run " + test::scenario("rcvbuf-overflow") + " --set traffic.0.count=3000 -q ";
  auto a = test::run_rxpath(base + "-o a.jsonl");
  REQUIRE(a.exit_code == 0);
  auto b = test::run_rxpath(
      base + "-o " + a.dir +
      "/b.jsonl --set sockets.server.so_rcvbuf_bytes=400000 --set net.core.rmem_max=1000000");
  REQUIRE(b.exit_code == 0);
  auto c = test::run_rxpath("compare " + a.dir + "/a.jsonl " + a.dir + "/b.jsonl");
  REQUIRE(c.exit_code == 0);
  CHECK_THAT(c.out, Catch::Contains("SOCKET_RCVBUFF -> delivered"));
  CHECK_THAT(c.out, Catch::Contains("snmp.Udp.RcvbufErrors"));
  CHECK_THAT(c.out, Catch::Contains("socket queue wait"));
  // Another traffic is refused.
  auto d = test::run_rxpath("run " + test::scenario("rcvbuf-overflow") + " --set traffic.0.count=100 -q -o " +
                            a.dir + "/d.jsonl");
  REQUIRE(d.exit_code == 0);
  auto e = test::run_rxpath("compare " + a.dir + "/a.jsonl " + a.dir + "/d.jsonl");
  CHECK(e.exit_code == 2);
  CHECK_THAT(e.err, Catch::Contains("scenario.traffic: not the same traffic"));
}

TEST_CASE("calibrate: recovers a receive cost from the deliveries it caused", "[cli]") {
  const std::string setup = test::scenario("loopback") +
                            " --set traffic.0.count=4000 --set traffic.0.rate_pps=50000 "
                            "--set receivers.0.app_work_ns=40000 --set sockets.0.so_rcvbuf_bytes=65536";
  // The "measurement": the model itself with a known recvmsg cost.
  auto truth =
      test::run_rxpath("run " + setup + " --set costs.recvmsg_ns=3000 --no-trace -q --result-json t.json");
  REQUIRE(truth.exit_code == 0);
  const auto delivered =
      nlohmann::json::parse(test::read_file(truth.dir + "/t.json"))["delivered"].get<int64_t>();
  std::string sets = setup.substr(setup.find(' '));
  auto fit = test::run_rxpath("calibrate " + test::scenario("loopback") + sets +
                              " --fit costs.recvmsg_ns:delivered=" + std::to_string(delivered) +
                              " --max 10000 -o " + truth.dir + "/fragment.json");
  INFO(fit.err);
  REQUIRE(fit.exit_code == 0);
  const auto fragment = nlohmann::json::parse(test::read_file(truth.dir + "/fragment.json"));
  const int64_t fitted = fragment["costs"]["recvmsg_ns"];
  CHECK(std::abs(fitted - 3000) < 100); // deliveries change by one per ~10 ns of cost here

  auto bad = test::run_rxpath("calibrate " + test::scenario("loopback") + " --fit costs.recvmsg_ns=3");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("expected KEY:METRIC=VALUE"));
  auto unknown =
      test::run_rxpath("calibrate " + test::scenario("loopback") + " --fit costs.nope_ns:delivered=3");
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.err, Catch::Contains("costs.nope_ns"));
}

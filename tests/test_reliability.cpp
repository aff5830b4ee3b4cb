// Bad input from issue #9's reproducers: each is refused with exit 2 and a message naming the file
// (or command line), the key and what was expected; nothing is left behind and nothing that was
// there is destroyed.
#include "RunRxpath.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <csignal>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace rxpath;
namespace fs = std::filesystem;

namespace {

// Files in `dir` other than the test's own out.txt/err.txt and those named in `keep`.
std::vector<std::string> leftovers(const std::string& dir, const std::vector<std::string>& keep = {}) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string n = e.path().filename().string();
    if (n != "out.txt" && n != "err.txt" && std::find(keep.begin(), keep.end(), n) == keep.end())
      out.push_back(n);
  }
  return out;
}

std::string write(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string path = dir + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

struct BadInput {
  std::string file_text; // written to bad.json and given as the scenario when not empty
  std::string args;      // after "validate SCENARIO"
  std::string message;   // expected in stderr
};

} // namespace

TEST_CASE("reliability: bad scenarios and --set values are refused with exit 2", "[cli][errors]") {
  const std::string dflt = test::scenario("default");
  const std::vector<BadInput> cases{
      {R"({"cpus": 1e400})", "", "bad.json: malformed JSON: number overflow"},
      {"", "--set traffic.99999999999999999999.count=1", "no element \"99999999999999999999\" in /traffic"},
      {"", "--set netfilter.prerouting.10000000000.verdict=DROP", "that array is not in the file"},
      {"", "--set 'name=\xff\xfe'", "command line: --set \"name\": not valid UTF-8"},
      {R"({"traffic":[{"sport":1}], "cpus": 2, "cpus": 3})", "", "the key \"cpus\" is given twice"},
      {R"({"traffic":[{"count":1,"count":2}]})", "", "traffic[0]: the key \"count\" is given twice"},
      {R"({"kernel": 6.180, "traffic":[{}]})", "",
       "kernel: expected one of 3.19 | 4.9 | 4.19 | 5.4 | 5.10 | 5.15 | 6.1 | 6.6 | 6.12 | 6.18 (a string)"},
      {"", "--set kernel=6.180", "kernel: unknown value \"6.180\""},
      {R"({"sockets":[{"bind":"0.0.0.0:+9000"}], "traffic":[{}]})", "",
       "sockets[0].bind: expected \"ADDRESS:PORT\""},
      {R"({"traffic":[{"src":"10. 0.0.1:5"}]})", "", "traffic[0].src: expected \"ADDRESS:PORT\""},
      {R"({"nic":{"address":"10.0.0.01.1"}, "traffic":[{}]})", "", "nic.address: expected an IPv4 address"},
      {R"({"netfilter":{"prerouting":[{"sport":18446744073709551615}]}, "traffic":[{}]})", "",
       "netfilter.prerouting[0].sport: value 18446744073709551615 is out of range"},
      {std::string(100000, '[') + std::string(100000, ']'), "", "nested deeper than 32 levels"},
      {"{\"" + std::string(1 << 20, 'k') + "\": 1}", "", "… (1048576 bytes): unknown key"},
  };
  for (const auto& c : cases) {
    test::TempDir dir;
    const std::string scenario = c.file_text.empty() ? dflt : write(dir, "bad.json", c.file_text);
    INFO(c.args << " " << c.file_text.substr(0, 200));
    auto r = test::run_rxpath("run " + scenario + " " + c.args + " -o t.jsonl --result-json r.json");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains(c.message));
    CHECK(r.err.size() < 2000); // a bounded message, never the whole input echoed
    CHECK(leftovers(r.dir).empty());
  }
  // Only `kernel` given as a number is refused; --set types its value by the key.
  CHECK(test::run_rxpath("validate " + dflt + " --set kernel=6.18").exit_code == 0);
}

TEST_CASE("reliability: a scenario that is not a regular file is refused, not read forever",
          "[cli][errors]") {
  test::TempDir dir;
  const std::string fifo = dir.path + "/fifo.json";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  for (const std::string& input : {fifo, std::string("/dev/zero"), dir.path}) {
    INFO(input);
    auto r = test::run_rxpath("validate " + input);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains(input + ": is "));
  }
}

TEST_CASE("reliability: outputs never clobber what they name", "[cli][errors]") {
  test::TempDir dir;
  const std::string sc = write(dir, "s.json", R"({"traffic":[{"count":20}],"sockets":[{"name":"s"}],
    "receivers":[{"socket":"s"}]})");
  const std::string before = test::read_file(sc);
  const std::string run = "run " + sc + " -q ";

  SECTION("the scenario itself") {
    auto r = test::run_rxpath(run + "-o " + sc);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("is also an input"));
    CHECK(test::read_file(sc) == before);
  }
  SECTION("a directory, a missing directory, an unwritable place") {
    for (const std::string& out : {dir.path, dir.path + "/no/t.jsonl", std::string("/proc/x")}) {
      INFO(out);
      auto r = test::run_rxpath(run + "-o " + out);
      CHECK(r.exit_code == 2);
      CHECK_THAT(r.err, Catch::Contains(out + ": "));
    }
    auto r = test::run_rxpath(run + "--no-trace --result-json " + dir.path + "/no/r.json");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("the directory"));
  }
  SECTION("a symlink is written through, a device in place") {
    const std::string target = dir.path + "/target.jsonl", link = dir.path + "/link.jsonl";
    fs::create_symlink(target, link);
    REQUIRE(test::run_rxpath(run + "-o " + link).exit_code == 0);
    CHECK(fs::is_symlink(link));
    CHECK(fs::file_size(target) > 0);
    struct stat st {};
    REQUIRE(test::run_rxpath(run + "-o /dev/null").exit_code == 0);
    REQUIRE(::stat("/dev/null", &st) == 0);
    CHECK(S_ISCHR(st.st_mode));
    CHECK(leftovers(dir.path, {"s.json", "target.jsonl", "link.jsonl"}).empty());
  }
  SECTION("-o - streams the trace to standard output, the summary to standard error") {
    auto r = test::run_rxpath("run " + sc + " -o -");
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind("{\"cpus\"", 0) == 0);
    CHECK_THAT(r.out, Catch::Contains("\"k\":\"end\""));
    CHECK_THAT(r.err, Catch::Contains("Datagrams: 20 arrived"));
  }
}

TEST_CASE("reliability: an interrupted run leaves no partial trace", "[cli][errors]") {
  test::TempDir dir;
  for (int sig : {SIGINT, SIGTERM}) {
    INFO("signal " << sig);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::chdir(dir.path.c_str());
      const std::string sc = test::scenario("flood-1m");
      ::execl(RXPATH_BIN, RXPATH_BIN, "run", sc.c_str(), "-q", "-o", "t.jsonl", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    // Wait until the run has started writing (its temporary file exists), then interrupt it.
    bool writing = false;
    for (int i = 0; i < 200 && !writing; ++i) {
      ::usleep(20000);
      for (const auto& e : fs::directory_iterator(dir.path)) writing |= fs::file_size(e.path()) > 0;
    }
    CHECK(writing);
    ::kill(pid, sig);
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status));
    CHECK(leftovers(dir.path).empty());
  }
}

// SO_RCVTIMEO is kept in jiffies and the wait ends on a timer tick (sock_set_timeout,
// schedule_timeout): a 1 µs timeout wakes the reader once per tick, not every microsecond, so a
// sparse run ends.
TEST_CASE("reliability: SO_RCVTIMEO waits whole jiffies", "[cli]") {
  test::TempDir dir;
  const std::string sc = write(dir, "rt.json", R"({"traffic":[{"pattern":"list","times_ns":[0,1000000000]}],
    "sockets":[{"name":"s"}],"receivers":[{"socket":"s","rcvtimeo_us":1}]})");
  for (int hz : {100, 250, 1000}) {
    INFO("HZ " << hz);
    auto r = test::run_rxpath("run " + sc + " -q -o t.jsonl --set hz=" + std::to_string(hz));
    REQUIRE(r.exit_code == 0);
    int64_t waits = 0;
    for (const auto& e : test::load_trace(r.dir + "/t.jsonl").events)
      waits += e.fn == trace::Fn::WaitForMorePackets;
    // One wait per tick over the second between the datagrams (and a few around them).
    CHECK(waits >= hz);
    CHECK(waits <= hz + 4);
  }
  auto bad = test::run_rxpath("validate " + sc + " --set hz=200");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("hz: expected 100, 250, 300 or 1000"));
}

TEST_CASE("reliability: duration_ns x rate_pps is held to the limit of count", "[cli][errors]") {
  auto r = test::run_rxpath("validate " + test::scenario("default") +
                            " --set traffic.0.duration_ns=3600000000000 --set traffic.0.rate_pps=1e9");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err,
             Catch::Contains("traffic[0].duration_ns: rate_pps x duration_ns is 3600000000000 datagrams"));
}

namespace {
// Processes whose command line mentions `needle` (the children of a sweep name its runs dir).
int processes_mentioning(const std::string& needle) {
  int n = 0;
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmd = test::read_file(e.path().string() + "/cmdline");
    std::replace(cmd.begin(), cmd.end(), '\0', ' ');
    n += cmd.find(needle) != std::string::npos;
  }
  return n;
}
} // namespace

TEST_CASE("reliability: a killed sweep takes its runs with it", "[cli][sweep]") {
  for (int sig : {SIGTERM, SIGKILL}) {
    INFO("signal " << sig);
    test::TempDir dir;
    const std::string out = dir.path + "/sw";
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      const std::string sc = test::scenario("flood-1m");
      ::execl(RXPATH_BIN, RXPATH_BIN, "sweep", sc.c_str(), "--set", "net.core.netdev_budget=64,300", "-j",
              "2", "-o", out.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    int running = 0;
    for (int i = 0; i < 250 && running < 2; ++i) {
      ::usleep(20000);
      running = processes_mentioning(out + ".runs/");
    }
    CHECK(running == 2);
    ::kill(pid, sig);
    int status = 0;
    ::waitpid(pid, &status, 0);
    int left = 1;
    for (int i = 0; i < 100 && left > 0; ++i) {
      ::usleep(20000);
      left = processes_mentioning(out + ".runs/");
    }
    CHECK(left == 0);
  }
}

TEST_CASE("reliability: summary and compare check the end object's shape", "[cli][errors]") {
  test::TempDir dir;
  auto ok = test::run_rxpath("run " + test::scenario("walkthrough") + " -q -o " + dir.path + "/w.jsonl");
  REQUIRE(ok.exit_code == 0);
  std::string body = test::read_file(dir.path + "/w.jsonl");
  body.erase(body.rfind("{\"cpu_time_ns\""));
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const std::vector<std::pair<std::string, std::string>> ends{
      {R"({"k":"end"})", "end object: t: expected the key"},
      {R"({"k":"end","t":5,"packets":{"arrived":"x"}})",
       "end object: packets.arrived: expected a non-negative"},
      {R"({"k":"end","t":5,"packets":{"arrived":1,"delivered":1,"dropped":{}},"nic":{},"netfilter_drops":0,)"
       R"("snmp":{"Udp":{"InDatagrams":-1}},"softnet_stat":[],"cpu_time_ns":[],"sockets":[]})",
       "end object: snmp.Udp.InDatagrams: expected a non-negative integer"},
      {R"({"k":"end","t":1,"deep":)" + deep + "}", "end object: nested deeper than"},
  };
  for (const auto& [end, message] : ends) {
    INFO(end.substr(0, 100));
    std::ofstream(dir.path + "/bad.jsonl") << body << end << "\n";
    auto s = test::run_rxpath("summary " + dir.path + "/bad.jsonl");
    CHECK(s.exit_code == 2);
    CHECK_THAT(s.err, Catch::Contains("bad.jsonl") && Catch::Contains(message));
    auto c = test::run_rxpath("compare " + dir.path + "/w.jsonl " + dir.path + "/bad.jsonl");
    CHECK(c.exit_code == 2);
    CHECK_THAT(c.err, Catch::Contains("bad.jsonl") && Catch::Contains("end object"));
  }
}

// udp_lib_get_port puts a socket at the head of its hash slot and the lookup keeps the first best
// score: of two SO_REUSEADDR sockets bound alike, the one bound last gets the datagrams.
TEST_CASE("reliability: with SO_REUSEADDR the socket bound last wins a tie", "[cli]") {
  test::TempDir dir;
  const std::string sc = write(dir, "r.json", R"({"traffic":[{"count":50}],
    "sockets":[{"name":"first","bind":"0.0.0.0:9000","reuseaddr":true},
               {"name":"last","bind":"0.0.0.0:9000","reuseaddr":true}],
    "receivers":[{"socket":"first"},{"socket":"last"}]})");
  auto r = test::run_rxpath("run " + sc + " -q -o t.jsonl");
  REQUIRE(r.exit_code == 0);
  const auto t = test::load_trace(r.dir + "/t.jsonl");
  CHECK(t.end["sockets"][0]["delivered"] == 0);
  CHECK(t.end["sockets"][1]["delivered"] == 50);
}

// udp4_csum_init verifies a short datagram (skb->len <= CHECKSUM_BREAK, 76) before the socket
// lookup; a longer one is verified while it is copied to the user, where a bad one counts
// sk_drops and udp_recvmsg tries again in the same call.
TEST_CASE("reliability: where a bad UDP checksum is found depends on the datagram's length", "[cli]") {
  test::TempDir dir;
  for (int payload : {68, 69}) {
    INFO("payload " << payload);
    const std::string sc = write(dir, "c.json",
                                 R"({"traffic":[{"count":200,"bad_checksum_ratio":0.5,"payload_bytes":)" +
                                     std::to_string(payload) + R"(}],
      "sockets":[{"name":"s"}],"receivers":[{"socket":"s"}]})");
    auto r = test::run_rxpath("run " + sc + " -q -o t.jsonl");
    REQUIRE(r.exit_code == 0);
    const auto t = test::load_trace(r.dir + "/t.jsonl");
    int64_t at_rcv = 0, at_copy = 0;
    for (const auto& e : t.events)
      if (e.kind == trace::Kind::Drop && e.reason == trace::DropReason::UdpCsum)
        (e.fn == trace::Fn::UdpRcv ? at_rcv : at_copy) += 1;
    CHECK(at_rcv + at_copy > 50);
    CHECK((payload <= 68 ? at_copy : at_rcv) == 0);
    CHECK(t.end["sockets"][0]["drops"].get<int64_t>() == at_copy);
  }
}

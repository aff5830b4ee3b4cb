// `rxpath export --format chrome`: the trace-event JSON that Perfetto UI opens, checked against the
// trace it came from; and what every export does with a bad or truncated input.
#include "RunRxpath.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>

using namespace rxpath;

namespace {

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// The trace's lines, to cut or corrupt.
std::vector<std::string> lines_of(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}
std::string join(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

// Times a packet's (or fragment's) consecutive events are on different CPUs (the NIC counts as one).
int crossings(const test::Trace& tr) {
  std::map<std::pair<int64_t, int64_t>, int32_t> last;
  int n = 0;
  for (const auto& e : tr.events) {
    if (e.kind == trace::Kind::Span || e.pkt < 0) continue;
    auto [it, fresh] = last.try_emplace({e.pkt, e.frag}, e.cpu);
    if (!fresh && it->second != e.cpu) ++n;
    it->second = e.cpu;
  }
  return n;
}

} // namespace

TEST_CASE("export --format chrome: lanes, flows only across CPUs, counter tracks", "[cli][export]") {
  auto r = test::run_rxpath("run " + test::scenario("rcvbuf-overflow") +
                            " --set traffic.0.count=300 -o t.jsonl -q");
  REQUIRE(r.exit_code == 0);
  auto e = test::run_rxpath("export " + r.dir + "/t.jsonl --format chrome -o " + r.dir + "/t.json");
  REQUIRE(e.exit_code == 0);
  const auto tr = test::load_trace(r.dir + "/t.jsonl");
  const auto j = nlohmann::json::parse(test::read_file(r.dir + "/t.json"));
  // Same trace, same bytes.
  REQUIRE(
      test::run_rxpath("export " + r.dir + "/t.jsonl --format chrome -o " + r.dir + "/t2.json").exit_code ==
      0);
  CHECK(test::read_file(r.dir + "/t2.json") == test::read_file(r.dir + "/t.json"));

  std::map<int64_t, std::string> process;
  int flow_in = 0, flow_out = 0, packet_events = 0;
  std::set<int64_t> flow_ids;
  std::vector<int64_t> rmem;
  std::set<std::string> counters;
  for (const auto& ev : j["traceEvents"]) {
    if (ev["ph"] == "M" && ev["name"] == "process_name") process[ev["pid"]] = ev["args"]["name"];
    if (ev["ph"] == "X" && ev["dur"] == 0) ++packet_events;
    if (ev.contains("flow_in")) ++flow_in;
    if (ev.contains("flow_out")) ++flow_out;
    if (ev.contains("bind_id")) flow_ids.insert(ev["bind_id"].get<int64_t>());
    if (ev["ph"] == "C") {
      counters.insert(ev["name"]);
      if (ev["name"] == "sk_rmem_alloc") rmem.push_back(ev["args"]["bytes"]);
    }
  }
  // Spans that begin in the same nanosecond (a poll, its net_rx_action, __do_softirq) are written
  // parents first, so that viewers keeping file order for equal times nest them right.
  std::map<std::pair<int64_t, int64_t>, std::pair<double, double>> last_span; // (pid, tid) -> (ts, dur)
  int same_begin = 0;
  for (const auto& ev : j["traceEvents"]) {
    if (ev["ph"] != "X" || ev["dur"] == 0) continue;
    const auto key = std::make_pair(ev["pid"].get<int64_t>(), ev["tid"].get<int64_t>());
    const double ts = ev["ts"], dur = ev["dur"];
    if (auto it = last_span.find(key); it != last_span.end() && it->second.first == ts) {
      ++same_begin;
      CHECK(dur <= it->second.second);
    }
    last_span[key] = {ts, dur};
  }
  CHECK(same_begin > 0);

  // Lanes listed NIC, CPUs, sockets, whatever order the events used them in.
  std::map<std::string, int64_t> sort_index;
  for (const auto& ev : j["traceEvents"])
    if (ev["ph"] == "M" && ev["name"] == "process_sort_index")
      sort_index[process[ev["pid"].get<int64_t>()]] = ev["args"]["sort_index"];
  CHECK(sort_index.at("NIC") < sort_index.at("CPU 0"));
  CHECK(sort_index.at("CPU 0") < sort_index.at("CPU 1"));
  CHECK(sort_index.at("CPU 1") < sort_index.at("socket server"));

  // No lane on pid 0 (the idle task's pid, which viewers treat specially); the NIC has its own.
  CHECK(process.count(0) == 0);
  CHECK(std::count_if(process.begin(), process.end(), [](auto& p) { return p.second == "NIC"; }) == 1);
  CHECK(std::count_if(process.begin(), process.end(), [](auto& p) { return p.second == "socket server"; }) ==
        1);

  // One arrow per CPU crossing (NIC -> IRQ CPU -> the receiver's CPU), not one per stage.
  const int cross = crossings(tr);
  CHECK(cross > 0);
  CHECK(flow_in == cross);
  CHECK(flow_out == cross);
  CHECK(packet_events > 3 * cross);
  CHECK(!flow_ids.empty());

  CHECK(counters == std::set<std::string>{"ring fill", "sk_rmem_alloc", "sk_rcvbuf", "receive queue"});
  // sk_rmem_alloc as the trace has it, each change once.
  std::vector<int64_t> want;
  for (const auto& ev : tr.events)
    if (ev.sock == 0 && ev.rmem != trace::kUnset && (want.empty() || want.back() != ev.rmem))
      want.push_back(ev.rmem);
  CHECK(rmem == want);

  // With RPS the backlog length shows on the CPUs whose backlog the packets wait in.
  auto rps =
      test::run_rxpath("run " + test::scenario("rps-backlog") + " --set traffic.0.count=300 -o t.jsonl -q");
  REQUIRE(rps.exit_code == 0);
  auto re = test::run_rxpath("export " + rps.dir + "/t.jsonl --format chrome -o " + rps.dir + "/t.json");
  REQUIRE(re.exit_code == 0);
  const auto rj = nlohmann::json::parse(test::read_file(rps.dir + "/t.json"));
  std::set<std::string> backlog_lanes;
  std::map<int64_t, std::string> rps_process;
  for (const auto& ev : rj["traceEvents"])
    if (ev["ph"] == "M" && ev["name"] == "process_name") rps_process[ev["pid"]] = ev["args"]["name"];
  for (const auto& ev : rj["traceEvents"])
    if (ev["ph"] == "C" && ev["name"] == "backlog" && ev["args"]["count"].get<int64_t>() > 0)
      backlog_lanes.insert(rps_process[ev["pid"]]);
  const auto rtr = test::load_trace(rps.dir + "/t.jsonl");
  std::set<std::string> want_lanes;
  for (const auto& ev : rtr.events)
    if (ev.fn == trace::Fn::ProcessBacklog) want_lanes.insert("CPU " + std::to_string(ev.cpu));
  CHECK(!want_lanes.empty());
  CHECK(backlog_lanes == want_lanes);
}

TEST_CASE("export --format chrome: names from the scenario are escaped, negative times signed once",
          "[cli][export]") {
  auto r = test::run_rxpath("run " + test::scenario("walkthrough") +
                            " --set 'receivers.0.name=\"app \\\"1\\\" \\\\x\"' -o t.jsonl -q");
  REQUIRE(r.exit_code == 0);
  auto e = test::run_rxpath("export " + r.dir + "/t.jsonl --format chrome -o " + r.dir + "/t.json");
  REQUIRE(e.exit_code == 0);
  nlohmann::json j;
  REQUIRE_NOTHROW(j = nlohmann::json::parse(test::read_file(r.dir + "/t.json")));
  std::set<std::string> threads;
  for (const auto& ev : j["traceEvents"])
    if (ev["name"] == "thread_name") threads.insert(ev["args"]["name"]);
  CHECK(threads.count("app \"1\" \\x") == 1);

  // A span that begins 1.5 µs before the run's origin.
  auto lines = lines_of(r.dir + "/t.jsonl");
  lines.insert(lines.begin() + 1,
               R"({"t":-1500,"k":"span","cpu":0,"ctx":"hardirq","fn":"rtl8139_interrupt","end":0})");
  write_file(r.dir + "/neg.jsonl", join(lines));
  auto n = test::run_rxpath("export " + r.dir + "/neg.jsonl --format chrome -o " + r.dir + "/neg.json");
  if (n.exit_code == 2) { // a reader may refuse negative times; then it must say where
    CHECK_THAT(n.err, Catch::Contains("neg.jsonl:2"));
    return;
  }
  REQUIRE(n.exit_code == 0);
  REQUIRE_NOTHROW(j = nlohmann::json::parse(test::read_file(r.dir + "/neg.json")));
  bool found = false;
  for (const auto& ev : j["traceEvents"])
    if (ev["ph"] == "X" && ev["ts"].is_number() && ev["ts"].get<double>() < 0) {
      CHECK(ev["ts"].get<double>() == Approx(-1.5));
      CHECK(ev["dur"].get<double>() == Approx(1.5));
      found = true;
    }
  CHECK(found);
}

TEST_CASE("export --format chrome: a header claiming many CPUs does not blow up the output",
          "[cli][export]") {
  auto r = test::run_rxpath("run " + test::scenario("walkthrough") + " -o t.jsonl -q");
  REQUIRE(r.exit_code == 0);
  auto lines = lines_of(r.dir + "/t.jsonl");
  auto h = nlohmann::json::parse(lines[0]);
  // More CPUs than the trace reader accepts is bad input; the most it accepts costs nothing.
  h["cpus"] = 1000000;
  lines[0] = h.dump();
  write_file(r.dir + "/huge.jsonl", join(lines));
  auto huge = test::run_rxpath("export " + r.dir + "/huge.jsonl --format chrome -o " + r.dir + "/huge.json");
  CHECK(huge.exit_code == 2);
  CHECK_THAT(huge.err, Catch::Contains("cpus"));
  h["cpus"] = 1024;
  lines[0] = h.dump();
  write_file(r.dir + "/big.jsonl", join(lines));
  auto e = test::run_rxpath("export " + r.dir + "/big.jsonl --format chrome -o " + r.dir + "/big.json");
  REQUIRE(e.exit_code == 0);
  // Lanes only for what the events use: the output stays about the size of the input.
  CHECK(test::read_file(r.dir + "/big.json").size() < 2 * test::read_file(r.dir + "/t.jsonl").size());
}

TEST_CASE("exports refuse truncated and corrupt traces and leave nothing behind", "[cli][export]") {
  auto r = test::run_rxpath("run " + test::scenario("walkthrough") + " -o t.jsonl -q");
  REQUIRE(r.exit_code == 0);
  const auto lines = lines_of(r.dir + "/t.jsonl");
  REQUIRE(lines.size() > 10);
  auto cut = lines;
  cut.pop_back(); // no end object
  write_file(r.dir + "/cut.jsonl", join(cut));
  auto bad = lines;
  bad[5] = "{\"t\":";
  write_file(r.dir + "/bad.jsonl", join(bad));

  for (const std::string format : {"chrome", "perfetto", "pcap", "pcapng"}) {
    INFO("--format " << format);
    auto c = test::run_rxpath("export " + r.dir + "/cut.jsonl --format " + format + " -o " + r.dir + "/o");
    CHECK(c.exit_code == 2);
    CHECK_THAT(c.err, Catch::Contains("cut.jsonl:" + std::to_string(cut.size())));
    CHECK_THAT(c.err, Catch::Contains("truncated"));
    auto b = test::run_rxpath("export " + r.dir + "/bad.jsonl --format " + format + " -o " + r.dir + "/o");
    CHECK(b.exit_code == 2);
    CHECK_THAT(b.err, Catch::Contains("bad.jsonl:6"));
    CHECK_FALSE(test::file_exists(r.dir + "/o"));
    CHECK_FALSE(test::file_exists(r.dir + "/o.tmp"));
    // The output named as the input: refused, the trace untouched.
    auto same =
        test::run_rxpath("export " + r.dir + "/t.jsonl --format " + format + " -o " + r.dir + "/t.jsonl");
    CHECK(same.exit_code == 2);
    CHECK(lines_of(r.dir + "/t.jsonl") == lines);
  }
}

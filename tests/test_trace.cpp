// The trace library: what the writer writes the reader reads; bad and truncated files.
#include "RunRxpath.hpp"
#include "trace/TraceReader.hpp"
#include "trace/TraceWriter.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace rxpath;
using namespace rxpath::trace;

namespace {
std::string write_sample(const std::string& dir, int n) {
  const std::string path = dir + "/t.jsonl";
  TraceWriter w(path);
  w.write_header({{"cpus", 2}, {"scenario", {{"name", "x"}}}});
  for (int i = 0; i < n; ++i) {
    Event e;
    e.kind = i % 2 ? Kind::Stage : Kind::Span;
    e.fn = i % 2 ? Fn::IpRcv : Fn::NetRxAction;
    e.ctx = Ctx::Softirq;
    e.cpu = 1;
    e.t = 1000 * i;
    e.end = i % 2 ? kUnset : 1000 * i + 500;
    e.pkt = i;
    e.rmem = 2176;
    e.rcvbuf = 212992;
    w.write(e);
  }
  w.write_end({{"t", 99}});
  w.commit();
  return path;
}

std::string reader_error(const std::string& path) {
  try {
    TraceReader r(path);
    Event e;
    while (r.next(e)) {
    }
  } catch (const TraceError& e) {
    return e.what();
  }
  return "(read)";
}
} // namespace

TEST_CASE("events read back as written", "[trace]") {
  test::TempDir dir;
  auto path = write_sample(dir, 10);
  auto t = test::load_trace(path);
  CHECK(t.header["format"] == "rxpath-trace");
  CHECK(t.header["version"] == kSchemaVersion);
  REQUIRE(t.events.size() == 10);
  CHECK(t.events[3].fn == Fn::IpRcv);
  CHECK(t.events[3].t == 3000);
  CHECK(t.events[3].rmem == 2176);
  CHECK(t.events[2].kind == Kind::Span);
  CHECK(t.events[2].end == 2500);
  CHECK_FALSE(t.truncated);
  CHECK(t.end["t"] == 99);
}

TEST_CASE("an uncommitted writer leaves no file behind", "[trace]") {
  test::TempDir dir;
  {
    TraceWriter w(dir.path + "/t.jsonl");
    w.write_header({{"cpus", 1}});
  }
  CHECK_FALSE(test::file_exists(dir.path + "/t.jsonl"));
  CHECK_FALSE(test::file_exists(dir.path + "/t.jsonl.tmp"));
}

TEST_CASE("a truncated trace reads up to its last complete event", "[trace]") {
  test::TempDir dir;
  auto text = test::read_file(write_sample(dir, 10));
  text = text.substr(0, text.size() - 40); // cuts the end object and part of the last event
  const std::string cut = dir.path + "/cut.jsonl";
  std::ofstream(cut) << text.substr(0, text.rfind("\n{") + 30);
  auto t = test::load_trace(cut);
  CHECK(t.truncated);
  CHECK(t.events.size() == 9);
  CHECK(t.end.is_null());
}

TEST_CASE("files that are not traces are refused with a message naming them", "[trace][errors]") {
  test::TempDir tmp;
  const std::string& dir = tmp.path;
  std::ofstream(dir + "/a.jsonl") << "hello\n";
  CHECK_THAT(reader_error(dir + "/a.jsonl"), Catch::Contains("a.jsonl:1: not an rxpath trace"));
  std::ofstream(dir + "/b.jsonl") << R"({"format":"rxpath-trace","version":99,"cpus":1})"
                                  << "\n";
  CHECK_THAT(reader_error(dir + "/b.jsonl"),
             Catch::Contains("b.jsonl:1: schema version 99 is not supported"));
  std::ofstream(dir + "/c.jsonl")
      << R"({"format":"rxpath-trace","version":1,"cpus":1})"
      << "\n"
      << R"({"t":5,"k":"stage","cpu":0,"ctx":"softirq","fn":"no_such_function","pkt":1})"
      << "\n";
  CHECK_THAT(reader_error(dir + "/c.jsonl"),
             Catch::Contains("c.jsonl:2: key \"fn\": unknown value \"no_such_function\""));
  CHECK_THAT(reader_error(dir + "/missing.jsonl"), Catch::Contains("missing.jsonl: cannot open the file"));
}

TEST_CASE("events of the wrong shape are refused naming the line and the key", "[trace][errors]") {
  test::TempDir tmp;
  const std::string header = R"({"format":"rxpath-trace","version":2,"cpus":2,"sockets":[{"name":"s"}]})";
  auto error_for = [&](const std::string& event) {
    const std::string path = tmp.path + "/e.jsonl";
    std::ofstream(path) << header << "\n"
                        << event << "\n"
                        << R"({"k":"end","t":1})"
                        << "\n";
    return reader_error(path);
  };
  const std::string ok = R"({"t":5,"k":"stage","cpu":0,"ctx":"softirq","fn":"ip_rcv","pkt":1})";
  CHECK(error_for(ok) == "(read)");
  CHECK_THAT(error_for(R"({"t":5,"k":"stage","cpu":0,"ctx":"softirq","fn":"ip_rcv","pkt":1e15})"),
             Catch::Contains("e.jsonl:2: key \"pkt\": expected an integer 0..2147483647, found 1e15"));
  CHECK_THAT(error_for(R"({"t":5,"k":"stage","cpu":0,"ctx":"softirq","fn":"ip_rcv","pkt":1000000000000000})"),
             Catch::Contains("key \"pkt\": expected an integer"));
  CHECK_THAT(error_for(R"({"t":"5","k":"stage","cpu":0,"ctx":"softirq","fn":"ip_rcv","pkt":1})"),
             Catch::Contains("e.jsonl:2: key \"t\": expected an integer"));
  CHECK_THAT(error_for(R"({"t":5,"k":"stage","cpu":7,"ctx":"softirq","fn":"ip_rcv","pkt":1})"),
             Catch::Contains("key \"cpu\": expected an integer -1..1, found 7"));
  CHECK_THAT(error_for(R"({"t":5,"k":"stage","cpu":0,"ctx":"softirq","fn":"ip_rcv","pkt":1,"sock":3})"),
             Catch::Contains("key \"sock\": expected an integer 0..0, found 3"));
  CHECK_THAT(error_for(R"({"t":5,"t":6,"k":"stage","cpu":0,"ctx":"softirq","fn":"ip_rcv","pkt":1})"),
             Catch::Contains("key \"t\": given twice"));
  CHECK_THAT(error_for(R"({"t":9,"end":5,"k":"span","cpu":0,"ctx":"softirq","fn":"net_rx_action"})"),
             Catch::Contains("key \"end\": 5 is before the span's \"t\" 9"));
  CHECK_THAT(error_for(R"({"t":5,"k":"drop","cpu":0,"ctx":"softirq","fn":"ip_rcv","pkt":1,"reason":"OOPS"})"),
             Catch::Contains("key \"reason\": unknown value \"OOPS\""));
  CHECK_THAT(error_for(R"({"t":5,"k":"stage","cpu":0,"ctx":"softirq","fn":"ip_rcv"})"),
             Catch::Contains("missing key \"pkt\""));
  CHECK_THAT(error_for("[1,2,3]"), Catch::Contains("e.jsonl:2: not a JSON object"));
  // Deep nesting under a key an event does not have is skipped without recursion (no stack
  // overflow); in the end object, which nlohmann reads, it is refused.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  CHECK(error_for(R"({"t":5,"k":"stage","cpu":0,"ctx":"softirq","fn":"ip_rcv","pkt":1,"x":)" + deep + "}") ==
        "(read)");
  const std::string path = tmp.path + "/deep.jsonl";
  std::ofstream(path) << header << "\n"
                      << ok << "\n"
                      << R"({"k":"end","t":1,"x":)" << deep << "}\n";
  CHECK_THAT(reader_error(path),
             Catch::Contains("deep.jsonl:3: the end object: nested deeper than 64 levels"));
}

TEST_CASE("headers that would make readers allocate without bound are refused", "[trace][errors]") {
  test::TempDir tmp;
  const std::string path = tmp.path + "/h.jsonl";
  std::ofstream(path) << R"({"format":"rxpath-trace","version":2,"cpus":10000000})"
                      << "\n";
  CHECK_THAT(reader_error(path), Catch::Contains("h.jsonl:1: key \"cpus\": expected an integer 1..1024"));
  CHECK_THAT(reader_error(tmp.path), Catch::Contains("is a directory"));
}

TEST_CASE("a truncated trace says where its last complete event is", "[trace]") {
  test::TempDir dir;
  auto text = test::read_file(write_sample(dir, 10));
  const std::string cut = dir.path + "/cut.jsonl";
  std::ofstream(cut) << text.substr(0, text.rfind("\n{") + 8); // the end object cut short
  TraceReader r(cut);
  Event e;
  int n = 0;
  while (r.next(e)) ++n;
  CHECK(n == 10);
  CHECK(r.truncated());
  CHECK(r.last_event_line() == 11);
}

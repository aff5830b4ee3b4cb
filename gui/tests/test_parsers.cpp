// The trace reader's ways to parse an event line load the same traces into the same stores and
// refuse bad lines with the same messages: its two builds of the simdjson parse
// (trace/EventParse.cpp: simdjson's portable on-demand code, and its AVX2 code where the CPU has
// it), each with and without the scanner of the writer's own lines in front (trace/EventScan.cpp).
#include "TraceGenerator.hpp"
#include "data/TraceLoader.hpp"
#include "trace/TraceReader.hpp"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>

using namespace rxpath::view;
namespace tr = rxpath::trace;

namespace {

const QString kRxpath = QStringLiteral(RXPATH_BINARY_DIR "/rxpath");

std::shared_ptr<const TraceStore> load_with(const char* impl, bool scanner, const std::string& path) {
  if (!tr::set_parse_implementation(impl)) return nullptr;
  tr::set_parse_scanner(scanner);
  return TraceLoader::load(path);
}

bool same_event(const StoredEvent& a, const StoredEvent& b) {
  return a.t == b.t && a.extra == b.extra && a.pkt == b.pkt && a.line == b.line && a.cpu == b.cpu &&
         a.fields == b.fields && a.fn == b.fn && a.kind == b.kind && a.ctx == b.ctx && a.reason == b.reason &&
         a.hook == b.hook && a.trunc == b.trunc && a.why == b.why;
}

// The message a parser gives for a line, or "" when it reads it.
std::string error_of(const char* impl, bool scanner, const std::string& line) {
  tr::set_parse_implementation(impl);
  tr::set_parse_scanner(scanner);
  tr::EventParser p(tr::TraceLimits{2, 1, 1});
  std::string text = line + std::string(tr::EventParser::kParsePadding, ' ');
  tr::Event e;
  try {
    p.parse(std::string_view(text.data(), line.size()), e);
  } catch (const tr::TraceError& err) {
    return err.what();
  }
  return "";
}

} // namespace

class TestParsers : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::vector<std::string> traces_;

  // simdjson's portable parse alone against `impl` with or without the scanner.
  void compare(const std::string& path, const char* impl, bool scanner) {
    const auto a = load_with("portable", false, path);
    const auto b = load_with(impl, scanner, path);
    QVERIFY(a);
    if (!b) QSKIP("this CPU has no AVX2: only the portable parser runs");
    QCOMPARE(a->events.size(), b->events.size());
    for (size_t i = 0; i < a->events.size(); ++i)
      QVERIFY2(same_event(a->events[i], b->events[i]), qPrintable(QStringLiteral("event %1").arg(i)));
    QVERIFY(a->extras == b->extras);
    QCOMPARE(a->rows.size(), b->rows.size());
    for (size_t r = 0; r < a->rows.size(); ++r) {
      QVERIFY(a->rows[r].points == b->rows[r].points);
      for (int d = 0; d < kSpanDepths; ++d) QVERIFY(a->rows[r].spans[d].events == b->rows[r].spans[d].events);
    }
    QCOMPARE(a->packets.size(), b->packets.size());
    QVERIFY(a->packet_stages == b->packet_stages);
    QCOMPARE(a->truncated, b->truncated);
    QCOMPARE(a->last_line, b->last_line);
    QCOMPARE(a->summary.has_value(), b->summary.has_value());
    if (a->summary) {
      QCOMPARE(a->summary->t_ns, b->summary->t_ns);
      QCOMPARE(a->summary->arrived, b->summary->arrived);
      QCOMPARE(a->summary->delivered, b->summary->delivered);
    }
    QVERIFY(!a->events.empty());
  }

private slots:
  void initTestCase() {
    // Runs of the simulator that between them write every key and kind (spans, drops, fragments,
    // RPS backlogs, netfilter hooks, two receivers), and the generated traces.
    for (const char* scenario : {"default", "fragments", "rps-backlog", "netfilter-drop", "two-receivers"}) {
      const QString out = dir_.filePath(QStringLiteral("%1.jsonl").arg(QLatin1String(scenario)));
      QProcess p;
      p.start(kRxpath,
              {"run", QStringLiteral(RXPATH_SOURCE_DIR "/scenarios/%1.json").arg(QLatin1String(scenario)),
               "-q", "-o", out, "--set", "traffic.0.count=5000"});
      QVERIFY(p.waitForFinished(120000));
      QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
      traces_.push_back(out.toStdString());
    }
    traces_.push_back(dir_.filePath("flow.jsonl").toStdString());
    testgen::FlowOptions opt;
    opt.packets = 3000;
    testgen::write_flow(traces_.back(), opt);
    traces_.push_back(dir_.filePath("cut.jsonl").toStdString());
    opt.with_end = false;
    testgen::write_flow(traces_.back(), opt);
  }
  void cleanupTestCase() { tr::set_parse_scanner(true); }

  void the_cpu_picks_a_parser() {
    const std::string_view impl = tr::parse_implementation();
    QVERIFY(impl == "haswell" || impl == "portable");
    QVERIFY(tr::set_parse_implementation("portable"));
    QCOMPARE(tr::parse_implementation(), std::string_view("portable"));
    QVERIFY(!tr::set_parse_implementation("sparc"));
    QCOMPARE(tr::parse_implementation(), std::string_view("portable"));
  }

  void both_parsers_give_the_same_store() {
    for (const std::string& t : traces_) {
      qInfo("%s", t.c_str());
      compare(t, "portable", true);
      compare(t, "haswell", false);
      compare(t, "haswell", true);
    }
  }

  void lines_the_scanner_leaves_to_simdjson_read_alike() {
    // What the writer does not write: whitespace, escapes, other value types; and in a value the
    // reader skips, an unknown escape (simdjson skips it unread).
    std::vector<std::string> lines = {
        R"({"t":1,"k":"stage","cpu":0,"ctx":"softirq","fn":"ip_rcv","pkt":1,"x":"\xff"})",
        R"({ "t": 1, "k": "stage", "cpu": 0, "ctx": "softirq", "fn": "ip_rcv", "pkt": 1 })",
        R"({"t":1,"k":"stage","cpu":0,"ctx":"soft\u0069rq","fn":"ip_rcv","pkt":1})",
        R"({"t":1,"k":"stage","cpu":0,"ctx":"softirq","fn":"ip_rcv","pkt":1,"later":[1,{"a":2}]})",
        R"({"t":1,"k":"stage","cpu":0,"ctx":"softirq","fn":"ip_rcv","pkt":1,"later":null,"more":1.5})",
        R"({"t":5,"end":9,"k":"span","cpu":1,"ctx":"softirq","fn":"net_rx_action","budget":-3,"work":2})",
        R"({"t":1,"k":"deliver","cpu":1,"ctx":"process","fn":"skb_copy_datagram_msg","pkt":1,"trunc":true,"latency":1000000000000})",
    };
    for (const std::string& l : lines) {
      tr::Event want, got;
      for (bool scanner : {false, true}) {
        tr::set_parse_scanner(scanner);
        tr::EventParser p(tr::TraceLimits{2, 1, 1});
        const std::string text = l + std::string(tr::EventParser::kParsePadding, ' ');
        tr::Event& e = scanner ? got : want;
        QVERIFY2(p.parse(std::string_view(text.data(), l.size()), e) == tr::EventParser::Line::Event,
                 l.c_str());
      }
      QCOMPARE(got.t, want.t);
      QCOMPARE(got.end, want.end);
      QCOMPARE(got.kind, want.kind);
      QCOMPARE(got.ctx, want.ctx);
      QCOMPARE(got.fn, want.fn);
      QCOMPARE(got.trunc, want.trunc);
      for (const auto& f : tr::kFields) QCOMPARE(got.*f.member, want.*f.member);
    }
    tr::set_parse_scanner(true);
  }

  void both_parsers_refuse_bad_lines_alike() {
    const bool avx2 = tr::set_parse_implementation("haswell");
    std::vector<std::string> lines = {
        R"({"t":1,"k":"stage","cpu":0,"ctx":"softirq","fn":"ip_rcv","pkt":1e15})",
        R"({"t":1,"k":"stage","cpu":5,"ctx":"softirq","fn":"ip_rcv","pkt":1})",
        R"({"t":1,"k":"stage","cpu":0,"ctx":"softirq","fn":"ip_rcv_nope","pkt":1})",
        R"({"t":1,"k":"bogus","cpu":0,"ctx":"softirq","fn":"ip_rcv","pkt":1})",
        R"({"t":1,"k":"stage","cpu":0,"ctx":"softirq","fn":"nf_hook_slow","pkt":1,"hook":"FORWARD"})",
        R"({"t":1,"k":"drop","cpu":0,"ctx":"softirq","fn":"ip_rcv","pkt":1,"reason":[1]})",
        R"({"t":1,"k":"deliver","cpu":0,"ctx":"process","fn":"skb_copy_datagram_msg","pkt":1,"trunc":3})",
        R"({"t":9,"end":2,"k":"span","cpu":0,"ctx":"softirq","fn":"net_rx_action"})",
        R"({"t":1,"k":"stage","cpu":0,"ctx":"softirq","fn":"ip_rcv","pkt":1,"pkt":2})",
        R"({"t":1,"k":"stage","cpu":0,"ctx":"softirq","fn":"ip_rcv"})",
        R"({"t":1,"k":"stage","cpu":0,"fn":"ip_rcv","pkt":1})",
        R"({"t":1,"k":"stage","cpu":0,"ctx":"softirq","fn":"ip_rcv","pkt":1} x)",
        R"([1,2])",
        R"({"t":1,"k":"stage","cpu":0,"ctx":"softirq","fn":"ip_rcv","pkt":1,"sock":4})",
        R"({"t":1,"k":"stage","cpu":0,"ctx":"softirq","fn":"ip_rcv","pkt":01})",
        R"({"t":1,"k":"stage","cpu":0,"ctx":"softirq","fn":"ip_rcv","pkt":1.5})",
        R"({"t":1,"k":"stage","cpu":0,"ctx":"softirq","fn":"ip_rcv","pkt":-1})",
        R"({"t":1,"k":"stage","cpu":0,"ctx":"soft\u0069rq","fn":"ip_rcv","pkt":1,"x":[})",
        R"({"t":1,"k":"stage","cpu":0,"ctx":"softirq","fn":"ip_rcv","pkt":1,})",
        R"({"t":1,"k":"stage","cpu":0,"ctx":"softirq","fn":"ip_rcv","pkt":1)",
    };
    // Not UTF-8: simdjson refuses the line, so the scanner must leave it.
    lines.push_back(
        "{\"t\":1,\"k\":\"stage\",\"cpu\":0,\"ctx\":\"softirq\",\"fn\":\"ip_rcv\",\"pkt\":1,\"x\":\"\xff\"}");
    for (const std::string& l : lines) {
      const std::string a = error_of("portable", false, l);
      QVERIFY2(!a.empty(), l.c_str());
      QCOMPARE(QString::fromStdString(error_of("portable", true, l)), QString::fromStdString(a));
      if (!avx2) continue;
      QCOMPARE(QString::fromStdString(error_of("haswell", false, l)), QString::fromStdString(a));
      QCOMPARE(QString::fromStdString(error_of("haswell", true, l)), QString::fromStdString(a));
    }
  }
};

QTEST_GUILESS_MAIN(TestParsers)
#include "test_parsers.moc"

// Golden outputs. Every shipped scenario: its printed summary and the first lines of its trace
// equal the approved copies in traces/golden/ (heavy scenarios cut by one rule, ShippedScenarios.hpp).
// The seeds' walkthrough: one datagram through every stage, in the seeds' order, and the whole
// trace equal to the reviewed golden copy in traces/. tools/approve-golden.sh approves new outputs.
#include "Golden.hpp"
#include "RunRxpath.hpp"
#include "ShippedScenarios.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <set>

using namespace rxpath;
using trace::Kind;

TEST_CASE("walkthrough: the datagram passes the seeds' functions in order", "[golden][quick]") {
  auto r = test::run_rxpath("run " + test::scenario("walkthrough") + " -o w.jsonl -q");
  REQUIRE(r.exit_code == 0);
  auto t = test::load_trace(r.dir + "/w.jsonl");
  std::vector<std::string> path;
  for (const auto& e : t.events)
    if (e.pkt == 0 && (e.kind == Kind::Stage || e.kind == Kind::Deliver)) {
      std::string name(trace::to_string(e.fn));
      if (e.hook != trace::Hook::None) name += "(" + std::string(trace::to_string(e.hook)) + ")";
      path.push_back(name);
    }
  const std::vector<std::string> seeds{"rx_ring_dma",
                                       "rtl8139_rx",
                                       "netif_receive_skb",
                                       "__netif_receive_skb_core",
                                       "ip_rcv",
                                       "nf_hook_slow(PRE_ROUTING)",
                                       "ip_rcv_finish",
                                       "udp_v4_early_demux",
                                       "ip_route_input_noref",
                                       "ip_local_deliver",
                                       "nf_hook_slow(LOCAL_IN)",
                                       "ip_local_deliver_finish",
                                       "udp_rcv",
                                       "__udp4_lib_lookup",
                                       "udp_queue_rcv_skb",
                                       "sock_queue_rcv_skb",
                                       "__skb_recv_datagram",
                                       "skb_copy_datagram_msg",
                                       "skb_free_datagram_locked"};
  CHECK(path == seeds);

  // Around it: the socket set up, the interrupt, NAPI, and the receiver waking.
  std::vector<std::string> instants;
  for (const auto& e : t.events)
    if (e.kind == Kind::Instant || e.kind == Kind::Span) instants.emplace_back(trace::to_string(e.fn));
  for (const char* f : {"inet_create", "inet_bind", "wait_for_more_packets", "irq_raise", "rtl8139_interrupt",
                        "__napi_schedule", "sock_def_readable", "__napi_complete", "rtl8139_poll",
                        "net_rx_action", "__do_softirq", "udp_recvmsg"}) {
    INFO(f);
    CHECK(std::find(instants.begin(), instants.end(), f) != instants.end());
  }
  // Each stage no earlier than the one before it.
  int64_t last = 0;
  for (const auto& e : t.events)
    if (e.pkt == 0 && e.kind != Kind::Span) {
      CHECK(e.t >= last);
      last = e.t;
    }
}

TEST_CASE("walkthrough: the trace equals the reviewed golden trace", "[golden][quick]") {
  auto r = test::run_rxpath("run " + test::scenario("walkthrough") + " -o w.jsonl -q");
  REQUIRE(r.exit_code == 0);
  // The header records the scenario as resolved, not its path: the bytes do not depend on where
  // the tree lives.
  test::check_golden(std::string(RXPATH_SOURCE_DIR) + "/traces/walkthrough.trace.jsonl",
                     test::read_file(r.dir + "/w.jsonl"));
}

namespace {
// The header (the scenario as resolved, every default filled in) and the first events.
constexpr int kTraceHeadLines = 40;
std::string summary_file(const std::string& name) {
  return name + ".summary.txt";
}
std::string trace_head_file(const std::string& name) {
  return name + ".trace-head.jsonl";
}
} // namespace

// Hidden ([.]): ctest runs it once per file in scenarios/ (golden.NAME, with --scenario NAME).
TEST_CASE("golden: a shipped scenario's summary and trace head", "[golden][shipped][.]") {
  for (const auto& name : test::shipped_scenarios()) {
    const std::string cut = test::affordable(name);
    INFO("scenario " << name << (cut.empty() ? " as shipped" : ", cut with" + cut));
    auto r = test::run_rxpath("run " + test::scenario(name) + cut + " -o t.jsonl");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    test::check_golden(test::golden_path(summary_file(name)), r.out);
    test::check_golden(test::golden_path(trace_head_file(name)),
                       test::head_lines(r.dir + "/t.jsonl", kTraceHeadLines));
  }
}

// A scenario dropped into scenarios/ fails here until its outputs are approved, even before
// cmake has registered its golden.NAME test; an approved file whose scenario is gone fails too.
TEST_CASE("golden: every shipped scenario has approved outputs, and only those", "[golden][quick]") {
  std::set<std::string> expected;
  for (const auto& name : test::shipped_scenarios()) {
    INFO("scenario " << name << ": run tools/approve-golden.sh and review its outputs");
    for (const auto& f : {summary_file(name), trace_head_file(name)}) {
      CHECK(test::file_exists(test::golden_path(f)));
      expected.insert(f);
    }
  }
  for (const auto& f : std::filesystem::directory_iterator(test::golden_path(""))) {
    const std::string file = f.path().filename().string();
    if (f.path().extension() == ".unapproved") continue;
    INFO(file << " in traces/golden/ belongs to no scenario in scenarios/");
    CHECK(expected.count(file) == 1);
  }
}

// Behaviour a user of the simulator would notice, run end to end.
#include "RunRxpath.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <map>
#include <random>
#include <set>

using namespace rxpath;
using trace::Ctx;
using trace::DropReason;
using trace::Fn;
using trace::Kind;

namespace {
test::Trace run_trace(const std::string& scenario_path, const std::string& extra = "") {
  auto r = test::run_rxpath("run " + scenario_path + " -o t.jsonl -q " + extra);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return test::load_trace(r.dir + "/t.jsonl");
}
std::string test_scenario(const std::string& name) {
  return std::string(RXPATH_SOURCE_DIR) + "/tests/scenarios/" + name + ".json";
}
int64_t cpu_time(const test::Trace& t, int cpu, const char* ctx) {
  return t.end["cpu_time_ns"][cpu][ctx].get<int64_t>();
}
} // namespace

TEST_CASE("preemption: under a flood a receiver on the IRQ's CPU is starved, one elsewhere is not",
          "[behaviour]") {
  auto t = run_trace(test_scenario("preemption"));
  int64_t flood_end = 0;
  for (const auto& e : t.events)
    if (e.fn == Fn::RxRingDma) flood_end = std::max(flood_end, e.t);
  int64_t during[2] = {0, 0};
  for (const auto& e : t.events)
    if (e.kind == Kind::Deliver && e.t < flood_end) ++during[e.thread];
  INFO("deliveries during the flood: CPU 0 " << during[0] << ", CPU 1 " << during[1]);
  CHECK(during[0] < 20);   // only before the handler saturated CPU 0
  CHECK(during[1] > 1000); // CPU 1 is free: its receiver gets all the handler delivers to it
  CHECK(cpu_time(t, 0, "hardirq") > 2'000'000);
}

TEST_CASE(
    "ksoftirqd deferral: in 4.9-6.4 ksoftirqd and the receiver share the CPU and elsewhere NET_RX starves it",
    "[behaviour]") {
  // One NAPI instance (no RPS) flooded, the receiver on the IRQ's CPU. 4.9 to 6.4 leave NET_RX to
  // an awake ksoftirqd, a task the scheduler shares with the receiver (4cd13c21b207). 3.19 and
  // 6.5+ run it on every irq exit (the tick's too) and local_bh_enable, in softirq context, which
  // preempts the receiver.
  std::map<std::string, std::map<std::string, double>> share;
  std::map<std::string, size_t> delivered;
  for (auto v : {"3.19", "5.15", "6.18"}) {
    auto t = run_trace(test::scenario("napi-budget-flood"),
                       std::string("--set nic.rps_cpus=[] --set kernel=") + v);
    for (auto ctx : {"ksoftirqd", "process", "softirq"})
      share[v][ctx] = static_cast<double>(cpu_time(t, 0, ctx));
    for (const auto& e : t.events) delivered[v] += e.kind == Kind::Deliver;
  }
  for (auto v : {"3.19", "5.15", "6.18"})
    INFO(v << ": ksoftirqd " << share[v]["ksoftirqd"] << " process " << share[v]["process"] << " softirq "
           << share[v]["softirq"] << " ns, " << delivered[v] << " delivered");
  CHECK(share["5.15"]["ksoftirqd"] > 2 * share["5.15"]["softirq"]);
  CHECK(share["5.15"]["process"] > 0.4 * share["5.15"]["ksoftirqd"]);
  for (auto v : {"3.19", "6.18"}) {
    CHECK(share[v]["softirq"] > share[v]["ksoftirqd"]);
    CHECK(share[v]["process"] < 0.2 * share["5.15"]["process"]);
    CHECK(delivered[v] * 5 < delivered["5.15"]);
  }
}

TEST_CASE("NAPI budget: a poll overshoots a small budget and the next NAPI is squeezed", "[behaviour]") {
  auto t = run_trace(test::scenario("napi-budget-flood"), "--set traffic.0.count=20000");
  bool woke = false;
  int64_t max_work = 0;
  for (const auto& e : t.events) {
    woke |= e.fn == Fn::WakeupSoftirqd;
    if (e.fn == Fn::NetRxAction) max_work = std::max(max_work, e.work);
  }
  CHECK(woke);           // __do_softirq handed over to ksoftirqd
  CHECK(max_work == 64); // a whole poll's weight despite netdev_budget = 16
  CHECK(t.end["softnet_stat"][0]["time_squeeze"].get<int64_t>() > 10);
}

TEST_CASE("NAPI budget in 3.19: a lone NAPI is polled once per net_rx_action whatever the budget",
          "[behaviour]") {
  // net_rx_action polls each NAPI on its spliced list once; a full poll waits on `repoll`. A
  // budget below the weight is exhausted by every full poll (time_squeeze), and changes nothing else.
  const std::string args =
      "--set traffic.0.count=20000 --set nic.rps_cpus=[] --no-trace --result-json r.json";
  auto small = test::run_rxpath("run " + test::scenario("napi-budget-flood") + " " + args);
  auto large = test::run_rxpath("run " + test::scenario("napi-budget-flood") + " " + args +
                                " --set net.core.netdev_budget=300");
  REQUIRE(small.exit_code == 0);
  REQUIRE(large.exit_code == 0);
  auto a = nlohmann::json::parse(test::read_file(small.dir + "/r.json"));
  auto b = nlohmann::json::parse(test::read_file(large.dir + "/r.json"));
  CHECK(a["time_squeeze"].get<int64_t>() > 10);
  CHECK(b["time_squeeze"].get<int64_t>() == 0);
  CHECK(a["delivered"] == b["delivered"]);
  CHECK(a["latency_p99_ns"] == b["latency_p99_ns"]);
}

TEST_CASE(
    "SO_RCVBUF: sk_rmem_alloc never exceeds sk_rcvbuf by more than one datagram, and drops only when full",
    "[behaviour]") {
  auto t = run_trace(test::scenario("rcvbuf-overflow"), "--set sockets.server.so_rcvbuf_bytes=30000");
  const int64_t rcvbuf = t.header["sockets"][0]["rcvbuf"].get<int64_t>();
  CHECK(rcvbuf == 60000);
  int64_t max_rmem = 0, drops = 0;
  for (const auto& e : t.events) {
    if (e.fn == Fn::SockQueueRcvSkb && e.kind == Kind::Stage) max_rmem = std::max(max_rmem, e.rmem);
    if (e.kind == Kind::Drop && e.reason == DropReason::SocketRcvbuff) {
      ++drops;
      CHECK(e.rmem >= rcvbuf);
    }
  }
  CHECK(drops > 1000);
  CHECK(max_rmem > rcvbuf);
  CHECK(max_rmem <= rcvbuf + 2176);
}

TEST_CASE("RPS: the stack work moves to the backlog of another CPU, which overflows", "[behaviour]") {
  auto t = run_trace(test::scenario("rps-backlog"), "--set traffic.0.count=10000");
  int64_t stack_on[3] = {0, 0, 0};
  for (const auto& e : t.events)
    if (e.fn == Fn::IpRcv) ++stack_on[e.cpu];
  CHECK(stack_on[0] == 0);
  CHECK(stack_on[1] > 0);
  const auto& sn = t.end["softnet_stat"];
  CHECK(sn[1]["received_rps"].get<int64_t>() > 0);
  CHECK(sn[1]["dropped"].get<int64_t>() > 0);
  CHECK(t.end["packets"]["dropped"]["CPU_BACKLOG"].get<int64_t>() == sn[1]["dropped"].get<int64_t>());
}

TEST_CASE("two receivers on one socket share the datagrams", "[behaviour]") {
  auto t = run_trace(test::scenario("two-receivers"), "--set traffic.0.count=10000");
  int64_t got[2] = {0, 0};
  for (const auto& e : t.events)
    if (e.kind == Kind::Deliver) ++got[e.thread];
  CHECK(got[0] + got[1] == 10000);
  CHECK(got[0] > 3500);
  CHECK(got[1] > 3500);
}

TEST_CASE("receive livelock without NAPI: deliveries collapse as the load rises, with NAPI they do not",
          "[behaviour]") {
  // Datagrams delivered during each 20 ms load step (100k, 200k, 400k, 800k, 1.6M pps); what the
  // receiver drains after the traffic stops (t >= 100 ms) is not counted.
  auto per_step = [](const test::Trace& t) {
    std::vector<int64_t> n(5, 0);
    for (const auto& e : t.events)
      if (e.kind == Kind::Deliver && e.t < 100'000'000) n[static_cast<size_t>(e.t / 20'000'000)]++;
    return n;
  };
  auto off = per_step(run_trace(test::scenario("napi-off")));
  auto on = per_step(run_trace(test::scenario("napi-off"), "--set nic.napi=true"));
  INFO("no NAPI: " << off[0] << " " << off[1] << " " << off[2] << " " << off[3] << " " << off[4]);
  INFO("NAPI:    " << on[0] << " " << on[1] << " " << on[2] << " " << on[3] << " " << on[4]);
  CHECK(off[1] > off[0]);     // rises with the load
  CHECK(off[4] < off[2] / 4); // then collapses
  CHECK(on[4] > 2 * off[4]);  // NAPI keeps delivering under overload
}

TEST_CASE("a short user buffer truncates the datagram (MSG_TRUNC)", "[behaviour]") {
  auto t = run_trace(test::scenario("walkthrough"), "--set receivers.app.user_buffer_bytes=100");
  int n = 0;
  for (const auto& e : t.events)
    if (e.kind == Kind::Deliver) {
      ++n;
      CHECK(e.trunc);
      CHECK(e.bytes == 100);
    }
  CHECK(n == 1);
  CHECK(t.end["sockets"][0]["truncated"] == 1);
}

TEST_CASE("a receiver that owns the socket makes softirq use the socket backlog", "[behaviour]") {
  auto t = run_trace(
      test::scenario("default"),
      "--set traffic.0.count=5000 --set traffic.0.rate_pps=100000 --set receivers.app.lock_hold_ns=3000");
  CHECK(t.end["sockets"][0]["backlog"].get<int64_t>() > 0);
  bool backlog_stage = false;
  for (const auto& e : t.events) backlog_stage |= e.fn == Fn::SkAddBacklog;
  CHECK(backlog_stage);
  CHECK(t.end["packets"]["delivered"].get<int64_t>() == 5000);
}

TEST_CASE("fragments: lost fragments make their datagrams expire in the reassembly queue", "[behaviour]") {
  auto t = run_trace(test::scenario("fragments"));
  const auto& ip = t.end["snmp"]["Ip"];
  CHECK(ip["ReasmOKs"].get<int64_t>() == t.end["packets"]["delivered"].get<int64_t>());
  CHECK(ip["ReasmFails"].get<int64_t>() > 0);
  CHECK(ip["ReasmTimeout"].get<int64_t>() == ip["ReasmFails"].get<int64_t>());
}

TEST_CASE("same scenario and seed give a byte-identical trace, another seed does not", "[behaviour]") {
  const std::string args = "run " + test::scenario("default") + " -o t.jsonl -q --set traffic.0.count=20000";
  auto a = test::run_rxpath(args);
  auto b = test::run_rxpath(args);
  auto c = test::run_rxpath(args + " --seed 2");
  REQUIRE(a.exit_code == 0);
  const auto ta = test::read_file(a.dir + "/t.jsonl");
  CHECK(ta.size() > 1000000);
  CHECK(ta == test::read_file(b.dir + "/t.jsonl"));
  CHECK(ta != test::read_file(c.dir + "/t.jsonl"));
}

TEST_CASE("loopback, nobody reading: 3.19 lets the last datagram overshoot sk_rcvbuf, 6.18 does not",
          "[behaviour]") {
  for (const std::string kernel : {"3.19", "6.18"}) {
    for (const int payload : {64, 1472, 8000}) {
      INFO("kernel " << kernel << ", payload " << payload);
      auto t = run_trace(test::scenario("loopback"),
                         "--set kernel=" + kernel + " --set receivers=[] --set traffic.0.count=300 " +
                             "--set sockets.server.so_rcvbuf_bytes=16384 --set traffic.0.payload_bytes=" +
                             std::to_string(payload));
      // The trace names this version's functions.
      CHECK(t.header["functions"][static_cast<size_t>(Fn::SockQueueRcvSkb)]["name"] ==
            (kernel == "3.19" ? "sock_queue_rcv_skb" : "__udp_enqueue_schedule_skb"));
      int64_t truesize = -1, rcvbuf = -1, queued = 0;
      for (const auto& e : t.events)
        if (e.fn == Fn::SockQueueRcvSkb && e.kind == Kind::Stage) {
          if (truesize < 0) truesize = e.rmem; // the first charge into an empty queue
          rcvbuf = e.rcvbuf;
          ++queued;
        }
      REQUIRE(truesize > 0);
      CHECK(rcvbuf == 32768);
      // 3.19 sock_queue_rcv_skb: refused once rmem >= rcvbuf. 6.18 __udp_enqueue_schedule_skb:
      // refused if rmem + truesize > rcvbuf, unless the queue is empty.
      const int64_t expect =
          kernel == "3.19" ? (rcvbuf + truesize - 1) / truesize : std::max<int64_t>(1, rcvbuf / truesize);
      CHECK(queued == expect);
      CHECK(t.end["snmp"]["Udp"]["RcvbufErrors"].get<int64_t>() == 300 - expect);
      CHECK(t.end["packets"]["dropped"]["SOCKET_CLOSE"].get<int64_t>() == expect);
    }
  }
}

TEST_CASE("6.18 releases a slow reader's memory in batches: fewer datagrams fit than in 3.19",
          "[behaviour]") {
  // udp_rmem_release keeps freed memory charged until sk_rcvbuf/4 of it has accumulated.
  auto run = [](const std::string& kernel) {
    auto r = test::run_rxpath("run " + test::scenario("loopback") + " --no-trace -q --result-json r.json " +
                              "--set kernel=" + kernel + " --set receivers.app.app_work_ns=40000 " +
                              "--set traffic.0.count=3000 --set sockets.server.so_rcvbuf_bytes=65536");
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(test::read_file(r.dir + "/r.json"));
  };
  const auto old_kernel = run("3.19"), new_kernel = run("6.18");
  INFO(old_kernel.dump() << "\n" << new_kernel.dump());
  CHECK(new_kernel["drops"]["SOCKET_RCVBUFF"].get<int64_t>() >
        old_kernel["drops"]["SOCKET_RCVBUFF"].get<int64_t>());
}

TEST_CASE("a busy process on the receiver's CPU takes the share its nice level gives it", "[behaviour]") {
  // The receiver needs ~85% of CPU 1 (7 µs of work per datagram at 100 kpps, plus the syscall and
  // the wake-ups); a CPU-bound process pinned there competes for it. At nice 19 (weight 15 against
  // 1024) it barely matters; at nice 0 the receiver keeps at least half the CPU (and its sleeper
  // credit), so it keeps up with over half of the traffic; at nice -10 (9548) it gets ~10%.
  const uint64_t seed = std::random_device{}() % 100000;
  for (auto v : {"5.10", "6.6", "6.18"}) {
    std::map<int, double> delivered;
    for (int nice : {19, 0, -10}) {
      INFO("kernel " << v << ", background nice " << nice << ", --seed " << seed);
      auto t = run_trace(test::scenario("default"),
                         std::string("--set kernel=") + v + " --seed " + std::to_string(seed) +
                             " --set traffic.0.rate_pps=100000 --set traffic.0.count=20000"
                             " --set receivers.app.app_work_ns=7000"
                             " --set 'background=[{\"cpu\":1,\"nice\":" +
                             std::to_string(nice) + "}]'");
      delivered[nice] = t.end["packets"]["delivered"].get<double>() / 20000.0;
      CHECK(cpu_time(t, 1, "idle") < t.end["t"].get<int64_t>() / 100); // CPU 1 is never idle
      int64_t switches = 0;
      for (const auto& e : t.events) switches += e.fn == Fn::Schedule && e.cpu == 1;
      CHECK(switches >= 4); // the two took turns (at nice -10 CFS gives the app one tick per ~40 ms)
    }
    INFO("kernel " << v << ": delivered " << delivered[19] << " / " << delivered[0] << " / " << delivered[-10]
                   << " at nice 19 / 0 / -10, --seed " << seed);
    CHECK(delivered[19] > 0.9);
    CHECK(delivered[0] > 0.5);
    CHECK(delivered[0] < 0.9);
    CHECK(delivered[-10] < 0.3);
  }
}

TEST_CASE("a cost given as a lognormal spreads the latency around the median's", "[behaviour]") {
  // At light load (one CPU each, nothing queues) the latency is the sum of the path's costs: with
  // constant costs every datagram takes the same time; a spread wake-up cost gives the
  // distribution a body and a tail, its median where the constant cost put every datagram.
  const std::string seed = std::to_string(std::random_device{}() % 100000);
  const std::string args =
      "--set traffic.0.rate_pps=10000 --set traffic.0.count=4000 --set traffic.0.pacing=spin "
      "--no-trace --result-json r.json --seed " +
      seed;
  auto flat =
      test::run_rxpath("run " + test::scenario("loopback") + " " + args + " --set costs.idle_wakeup_ns=8000");
  auto spread = test::run_rxpath("run " + test::scenario("loopback") + " " + args +
                                 " --set 'costs.idle_wakeup_ns={\"median\":8000,\"p99\":40000}'");
  REQUIRE(flat.exit_code == 0);
  REQUIRE(spread.exit_code == 0);
  auto a = nlohmann::json::parse(test::read_file(flat.dir + "/r.json"));
  auto b = nlohmann::json::parse(test::read_file(spread.dir + "/r.json"));
  INFO("--seed " << seed << ": constant " << a.dump() << "\nspread " << b.dump());
  CHECK(a["latency_p99_ns"].get<double>() - a["latency_p50_ns"].get<double>() < 100);
  CHECK(std::abs(b["latency_p50_ns"].get<double>() - a["latency_p50_ns"].get<double>()) < 1000);
  // 32 µs more at p99 for the wake-up (40 - 8), less what the rest of the path's constant part
  // changes nothing about.
  CHECK(b["latency_p99_ns"].get<double>() - b["latency_p50_ns"].get<double>() > 25000);
  CHECK(b["latency_p99_ns"].get<double>() - b["latency_p50_ns"].get<double>() < 40000);
}

TEST_CASE("rss: every flow stays on one RX queue, whose NAPI runs on that queue's IRQ CPU", "[behaviour]") {
  // A random seed and random IRQ placement: whatever the hash and the table give, a flow's frames
  // all land on one queue, and each queue is polled only on its own vector's CPU.
  std::mt19937_64 rng(Catch::rngSeed());
  std::string irqs = "[";
  std::vector<int> irq_cpu;
  for (int q = 0; q < 8; ++q) {
    irq_cpu.push_back(static_cast<int>(rng() % 8));
    irqs += std::to_string(irq_cpu.back()) + (q < 7 ? "," : "]");
  }
  auto t = run_trace(test::scenario("modern-default"),
                     "--seed " + std::to_string(rng() % 100000) + " --set nic.irq_cpus=" + irqs);
  std::map<int64_t, std::set<int64_t>> queues_of_flow;
  std::map<int64_t, std::set<int>> poll_cpus;
  for (const auto& e : t.events) {
    if (e.fn == Fn::RxRingDma) queues_of_flow[e.flow].insert(e.queue);
    if (e.fn == Fn::Mlx5eNapiPoll) poll_cpus[e.queue].insert(e.cpu);
  }
  REQUIRE(queues_of_flow.size() == 64);
  std::set<int64_t> used;
  for (const auto& [flow, qs] : queues_of_flow) {
    CAPTURE(flow);
    CHECK(qs.size() == 1);
    used.insert(*qs.begin());
  }
  CHECK(used.size() >= 6); // 64 flows over 8 queues
  for (const auto& [q, cpus] : poll_cpus) {
    CAPTURE(q);
    CHECK(cpus == std::set<int>{irq_cpu[static_cast<size_t>(q)]});
  }
}

TEST_CASE("rss: an elephant flow saturates its queue's CPU and drops at the ring while the others idle",
          "[behaviour]") {
  auto t = run_trace(test::scenario("rss-elephant"), "--seed " + std::to_string(Catch::rngSeed() % 100000));
  int64_t elephant_queue = -1;
  std::map<int64_t, int64_t> ring_drops; // by flow
  for (const auto& e : t.events) {
    if (e.fn == Fn::RxRingDma && e.flow == 0) elephant_queue = e.queue;
    if (e.kind == Kind::Drop && e.reason == DropReason::NicRingFull) ++ring_drops[e.flow];
  }
  REQUIRE(elephant_queue >= 0);
  const int busy_cpu = static_cast<int>(elephant_queue); // queue i's IRQ on CPU i
  INFO("elephant on queue " << elephant_queue);
  CHECK(ring_drops[0] > 10000); // 1 Mpps is more than one CPU's softirq takes
  const double busy =
      static_cast<double>(cpu_time(t, busy_cpu, "softirq") + cpu_time(t, busy_cpu, "ksoftirqd") +
                          cpu_time(t, busy_cpu, "hardirq"));
  const double run = static_cast<double>(t.end["t"].get<int64_t>());
  CHECK(busy / run > 0.8);
  for (int c = 0; c < 8; ++c) {
    if (c == busy_cpu) continue;
    CAPTURE(c);
    CHECK(cpu_time(t, c, "softirq") + cpu_time(t, c, "ksoftirqd") < run * 0.2); // the mice's queues
  }
}

// The trace is a view of the run, not part of it: with the trace off (as sweeps and the benchmark
// run) the results are those of the same run with the trace on, exactly. (Joining executions only
// when untraced would move SimGrid's end times by a nanosecond: docs/performance.md, session 7.)
TEST_CASE("trace off: the same run as with the trace on, exactly", "[behaviour]") {
  std::mt19937_64 rng(Catch::rngSeed());
  for (const char* name : {"default", "rcvbuf-overflow", "two-receivers", "modern-default"}) {
    const auto seed = std::to_string(rng() % 100000);
    INFO(name << " seed " << seed);
    const std::string run = "run " + test::scenario(name) + " --set traffic.0.count=4000 -q --seed " + seed +
                            " --result-json r.json ";
    auto on = test::run_rxpath(run + "-o t.jsonl");
    auto off = test::run_rxpath(run + "--no-trace");
    REQUIRE(on.exit_code == 0);
    REQUIRE(off.exit_code == 0);
    CHECK(nlohmann::json::parse(test::read_file(on.dir + "/r.json")) ==
          nlohmann::json::parse(test::read_file(off.dir + "/r.json")));
  }
}

#include "Simulation.hpp"

// GCC says __SANITIZE_ADDRESS__, clang __has_feature(address_sanitizer).
#if defined(__SANITIZE_ADDRESS__)
#define RXPATH_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RXPATH_ASAN 1
#endif
#endif

#include "Clock.hpp"
#include "System.hpp"
#include "actors/Background.hpp"
#include "actors/EndOfRun.hpp"
#include "actors/IrqController.hpp"
#include "actors/Ksoftirqd.hpp"
#include "actors/Nic.hpp"
#include "actors/Receiver.hpp"
#include "actors/Sender.hpp"
#include "actors/Softirq.hpp"
#include "actors/Tick.hpp"
#include "model/Kernel.hpp"
#include "rxpath/Version.hpp"
#include "trace/TraceWriter.hpp"

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/NetZone.hpp>

#include <chrono>
#include <cstdio>
#include <iterator>
#include <memory>

namespace rxpath::sim {
namespace sg4 = simgrid::s4u;

namespace {

class TraceSink final : public model::EventSink {
public:
  explicit TraceSink(trace::TraceWriter& w) : w_(w) {}
  void emit(const trace::Event& e) override { w_.write(e); }

private:
  trace::TraceWriter& w_;
};

// Progress on stderr: for a person, a line rewritten in place once the run has taken more than a
// second; for a program (the viewer's what-if panel), "progress F" lines, F the fraction of the
// datagrams that have arrived, ending with "progress 1".
class Progress {
public:
  Progress(int64_t total, RunOptions::Progress style)
      : total_(total), style_(style), start_(std::chrono::steady_clock::now()) {}
  void update(int64_t frames) {
    const auto now = std::chrono::steady_clock::now();
    if (style_ == RunOptions::Progress::Human) {
      if (now - start_ < std::chrono::seconds(1) || now - last_ < std::chrono::milliseconds(200)) return;
      shown_ = true;
      std::fprintf(stderr, "\rrxpath: %lld/%lld datagrams, %.3f ms simulated ",
                   static_cast<long long>(frames), static_cast<long long>(total_),
                   static_cast<double>(now_ns()) / 1e6);
    } else if (style_ == RunOptions::Progress::Machine) {
      if (now - last_ < std::chrono::milliseconds(100)) return;
      std::fprintf(stderr, "progress %.3f\n",
                   total_ > 0 ? std::min(1.0, double(frames) / double(total_)) : 1.0);
      std::fflush(stderr);
    }
    last_ = now;
  }
  ~Progress() {
    if (shown_) std::fprintf(stderr, "\n");
    if (style_ == RunOptions::Progress::Machine) std::fprintf(stderr, "progress 1\n");
  }

private:
  int64_t total_;
  RunOptions::Progress style_;
  std::chrono::steady_clock::time_point start_, last_{};
  bool shown_ = false;
};

} // namespace

nlohmann::json trace_header(const model::LoadedScenario& ls) {
  const auto& sc = ls.scenario;
  nlohmann::json h;
  h["generator"] = std::string("rxpath ") + kVersion;
  h["kernel"] = sc.kernel;
  h["seed"] = sc.seed;
  h["cpus"] = sc.cpus;
  h["scenario"] = ls.resolved;
  auto& fns = h["functions"] = nlohmann::json::array();
  for (int f = 0; f < static_cast<int>(trace::Fn::Count_); ++f) {
    const auto& i = trace::info(static_cast<trace::Fn>(f), sc.version->names);
    fns.push_back({{"name", i.name}, {"file", i.file}, {"summary", i.summary}});
  }
  auto& reasons = h["drop_reasons"] = nlohmann::json::array();
  for (int r = 1; r < static_cast<int>(trace::DropReason::Count_); ++r)
    reasons.push_back(trace::to_string(static_cast<trace::DropReason>(r)));
  auto& socks = h["sockets"] = nlohmann::json::array();
  for (const auto& s : sc.sockets)
    socks.push_back({{"name", s.name},
                     {"bind", s.bind_text},
                     {"rcvbuf", model::effective_rcvbuf(s.so_rcvbuf_bytes, sc.sysctl)}});
  auto& recv = h["receivers"] = nlohmann::json::array();
  for (const auto& r : sc.receivers)
    recv.push_back({{"name", r.name}, {"socket", r.socket_index}, {"cpu", r.cpu}});
  auto& tasks = h["tasks"] = nlohmann::json::array();
  for (const auto& t : tasks_of(sc)) {
    nlohmann::json j = {{"name", t.name},
                        {"cpu", t.cpu},
                        {"kind", to_string(t.kind)},
                        {"policy", t.params.policy == model::Policy::Fifo ? "fifo" : "other"},
                        {"nice", t.params.nice},
                        {"rt_priority", t.params.rt_priority}};
    if (t.kind == TaskKind::Receiver) j["thread"] = t.index;
    tasks.push_back(std::move(j));
  }
  return h;
}

RunOutput simulate(const model::LoadedScenario& ls, const RunOptions& opt) {
  const auto& sc = ls.scenario;
  RunOutput out;
  out.header = trace_header(ls);

  std::unique_ptr<trace::TraceWriter> writer;
  std::unique_ptr<TraceSink> trace_sink;
  model::Stats stats;
  model::FanOut sink;
  sink.add(&stats);
  if (opt.trace_path) {
    writer = std::make_unique<trace::TraceWriter>(*opt.trace_path);
    writer->write_header(out.header);
    trace_sink = std::make_unique<TraceSink>(*writer);
    sink.add(trace_sink.get());
  }

  char arg0[] = "rxpath";
  char arg1[] = "--log=root.thres:critical";
#if defined(RXPATH_ASAN)
  // SimGrid's default contexts switch stacks behind AddressSanitizer's back: an exception thrown
  // in an actor then reports a false stack-buffer-overflow (github.com/google/sanitizers/issues/189).
  // System threads are slower, but ASan follows them.
  char arg2[] = "--cfg=contexts/factory:thread";
  char* argv[] = {arg0, arg1, arg2, nullptr};
#else
  char* argv[] = {arg0, arg1, nullptr};
#endif
  int argc = static_cast<int>(std::size(argv)) - 1;
  sg4::Engine engine(&argc, argv);
  // SimGrid installs its own SIGINT handler (a status dump); ours removes partial outputs.
  trace::install_output_cleanup();
  auto* zone = sg4::create_full_zone("machine");
  std::vector<sg4::Host*> hosts;
  for (int i = 0; i < sc.cpus; ++i) hosts.push_back(zone->create_host("cpu" + std::to_string(i), 1e9));
  sg4::Host* nic_host = zone->create_host("nic", 1e9);
  zone->seal();

  model::Kernel kernel(sc, sink, opt.trace_path.has_value());
  System sys(kernel, hosts);
  int64_t total = 0;
  for (const auto& t : sc.traffic) total += t.count;
  Progress bar(total, opt.progress);
  if (opt.progress != RunOptions::Progress::Off) sys.on_progress = [&](int64_t n) { bar.update(n); };

  kernel.setup_sockets();
  for (int i = 0; i < sc.cpus; ++i) {
    const std::string n = std::to_string(i);
    sg4::Actor::create("irq/" + n, hosts[i], IrqController(sys, i))->daemonize();
    sg4::Actor::create("softirq/" + n, hosts[i], Softirq(sys, i))->daemonize();
    sg4::Actor::create("ksoftirqd/" + n, hosts[i], Ksoftirqd(sys, i))->daemonize();
    sg4::Actor::create("tick/" + n, hosts[i], Tick(sys, i))->daemonize();
  }
  for (size_t r = 0; r < sc.receivers.size(); ++r)
    sg4::Actor::create(sc.receivers[r].name, hosts[sc.receivers[r].cpu], Receiver(sys, static_cast<int>(r)))
        ->daemonize();
  sg4::Actor::create("nic", nic_host, Nic(sys));
  for (size_t i = 0; i < sc.traffic.size(); ++i) {
    const auto& t = sc.traffic[i];
    if (!t.loopback()) continue;
    ++sys.producers;
    sg4::Actor::create("sender/" + t.name, hosts[t.sender_cpu], Sender(sys, static_cast<int>(i)))
        ->daemonize();
  }
  for (size_t i = 0; i < sc.background.size(); ++i)
    sg4::Actor::create(sc.background[i].name, hosts[sc.background[i].cpu],
                       Background(sys, static_cast<int>(i)))
        ->daemonize();
  sg4::Actor::create("end-of-run", nic_host, EndOfRun(sys));
  engine.run();

  // The end object: every counter, and each CPU's time by context.
  std::vector<std::string> names;
  for (const auto& s : sc.sockets) names.push_back(s.name);
  out.end = model::to_json(kernel.counters(), names);
  out.end["t"] = sys.end_ns;
  auto& cpu_time = out.end["cpu_time_ns"] = nlohmann::json::array();
  for (int i = 0; i < sc.cpus; ++i) {
    const auto& b = sys.cpus[i]->busy_ns();
    int64_t busy = 0;
    nlohmann::json row = {{"cpu", i}};
    for (int c = 1; c < 5; ++c) {
      row[std::string(trace::to_string(static_cast<trace::Ctx>(c)))] = b[c];
      busy += b[c];
    }
    row["idle"] = std::max<int64_t>(0, sys.end_ns - busy);
    cpu_time.push_back(row);
  }
  out.stats = stats.result();
  if (writer) {
    writer->write_end(out.end);
    writer->commit();
    out.events = writer->events_written();
  }
  return out;
}

} // namespace rxpath::sim

#include "compare.hpp"

#include "process/Spawn.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using nlohmann::json;

namespace rxpath::realkernel {

namespace {

// The model's names for what the harness sets (--set) and reads (--result-json), in one place
// (docs/scenarios.md lists the scenario keys).
namespace model_key {
constexpr const char* kernel = "kernel";
constexpr const char* rmem_max = "net.core.rmem_max";
constexpr const char* so_rcvbuf = "sockets.0.so_rcvbuf_bytes";
constexpr int so_rcvbuf_not_set = -1;
constexpr const char* payload = "traffic.0.payload_bytes";
constexpr const char* count = "traffic.0.count";
constexpr const char* rate = "traffic.0.rate_pps";
constexpr const char* sender_cpu = "traffic.0.sender_cpu";
constexpr const char* receivers = "receivers";
constexpr const char* receiver_cpu = "receivers.0.cpu";
constexpr const char* pacing = "traffic.0.pacing";
constexpr const char* work = "receivers.0.app_work_ns";
constexpr double back_to_back_pps = 1e9; // the sender's own cost paces it
// --result-json
constexpr const char* arrived = "arrived";
constexpr const char* delivered = "delivered";
constexpr const char* drops = "drops";
constexpr const char* rcvbuf_drop = "SOCKET_RCVBUFF"; // RcvbufErrors
constexpr const char* still_queued = "SOCKET_CLOSE";  // queued when the run ended: what a drain reads
constexpr const char* throughput = "throughput_pps";
constexpr const char* p50 = "latency_p50_ns";
constexpr const char* p99 = "latency_p99_ns";
constexpr const char* p999 = "latency_p999_ns";
} // namespace model_key

// Runs argv with stdout and stderr into files; the exit code, or -1 if it did not exit normally
// (127: it could not be started).
int run_process(const std::vector<std::string>& argv, const fs::path& out, const fs::path& err) {
  return rxpath::process::run(argv, {.stdout_path = out.string(), .stderr_path = err.string()});
}

std::string first_line(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return line;
}

// The last line (or \r-separated progress segment) that says "error", else the first line.
std::string error_line(const fs::path& file) {
  std::ifstream in(file);
  std::string found;
  for (std::string line; std::getline(in, line);) {
    std::istringstream segments(line);
    for (std::string seg; std::getline(segments, seg, '\r');)
      if (seg.find("error") != std::string::npos) found = seg;
  }
  return found.empty() ? first_line(file) : found;
}

// A column of the Udp: rows of /proc/net/snmp as the summary prints them (the model's own MIB).
std::optional<int64_t> summary_udp(const fs::path& summary, const std::string& column) {
  std::ifstream in(summary);
  std::vector<std::string> names;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Udp:", 0) != 0) continue;
    std::istringstream ss(line.substr(4));
    std::vector<std::string> words;
    for (std::string w; ss >> w;) words.push_back(w);
    if (names.empty()) {
      names = words;
      continue;
    }
    const auto at = std::find(names.begin(), names.end(), column);
    if (at == names.end() || static_cast<size_t>(at - names.begin()) >= words.size()) return std::nullopt;
    return std::stoll(words[static_cast<size_t>(at - names.begin())]);
  }
  return std::nullopt;
}

} // namespace

std::string Case::name() const {
  char buf[96];
  if (kind == "overload") {
    const std::string rate = rate_pps > 0 ? std::to_string(std::lround(rate_pps / 1e3)) + "k" : "b2b";
    // The rate sweep's settings (64 bytes, the default buffer) go unsaid.
    std::snprintf(buf, sizeof buf, "%s %s %g µs", sender_cpu == receiver_cpu ? "same" : "diff", rate.c_str(),
                  static_cast<double>(work_ns) / 1e3);
    std::string name = buf;
    if (rcvbuf > 0) name += " rcvbuf " + std::to_string(rcvbuf);
    if (payload != 64) name += " " + std::to_string(payload) + " B";
    return name;
  }
  if (kind == "veth") {
    // The baseline (GRO off, TSO on, no RPS, default budget, default buffer, 64 bytes) goes unsaid.
    const std::string rate = rate_pps > 0 ? std::to_string(std::lround(rate_pps / 1e3)) + "k" : "b2b";
    std::string name = std::string(sender_cpu == receiver_cpu ? "same" : "diff") + " " + rate;
    if (veth.gro) name += veth.sender_tso ? " gro (tso on)" : " napi";
    if (veth.threaded)
      name += " threaded" +
              (veth.napi_thread_cpu >= 0 ? "@" + std::to_string(veth.napi_thread_cpu) : std::string());
    if (veth.busy_poll_us > 0) name += " busy " + std::to_string(veth.busy_poll_us);
    if (!veth.rps_cpus.empty()) name += " rps " + veth.rps_cpus;
    if (veth.netdev_budget > 0) name += " budget " + std::to_string(veth.netdev_budget);
    if (rcvbuf > 0) name += " rcvbuf " + std::to_string(rcvbuf);
    if (payload != 64) name += " " + std::to_string(payload) + " B";
    return name;
  }
  if (kind != "slow") return kind;
  std::snprintf(buf, sizeof buf, "slow %g µs @ %gk", static_cast<double>(work_ns) / 1e3, rate_pps / 1e3);
  return buf;
}

double stall_fraction(const json& probe) {
  double f = 0;
  if (!probe.is_object() || !probe.contains("stalls")) return f;
  for (const auto& [_, thread] : probe["stalls"].items()) f = std::max(f, thread.value("fraction", 0.0));
  return f;
}

Outcome run_kernel(const Options& o, const Case& c, const fs::path& dir, int& exit_code) {
  std::vector<std::string> argv{o.probe,     c.kind,
                                "--rcvbuf",  std::to_string(c.rcvbuf),
                                "--payload", std::to_string(c.payload),
                                "--count",   std::to_string(c.count)};
  const bool pinned = c.kind == "overload" || c.kind == "veth";
  if (c.kind == "slow" || (pinned && c.rate_pps > 0))
    argv.insert(argv.end(), {"--rate", std::to_string(c.rate_pps)});
  if (c.kind == "slow" || pinned) argv.insert(argv.end(), {"--work-ns", std::to_string(c.work_ns)});
  if (c.kind == "veth") {
    const VethKnobs& v = c.veth;
    argv.insert(argv.end(), {"--gro", v.gro ? "on" : "off", "--sender-tso", v.sender_tso ? "on" : "off"});
    if (v.threaded) argv.insert(argv.end(), {"--threaded", "on"});
    if (v.napi_thread_cpu >= 0)
      argv.insert(argv.end(), {"--napi-thread-cpu", std::to_string(v.napi_thread_cpu)});
    if (v.busy_poll_us > 0) argv.insert(argv.end(), {"--busy-poll", std::to_string(v.busy_poll_us)});
    if (!v.rps_cpus.empty()) argv.insert(argv.end(), {"--rps-cpus", v.rps_cpus});
    if (v.netdev_budget > 0) argv.insert(argv.end(), {"--netdev-budget", std::to_string(v.netdev_budget)});
  }
  if (pinned) {
    argv.insert(argv.end(), {"--sender-cpu", std::to_string(c.sender_cpu), "--receiver-cpu",
                             std::to_string(c.receiver_cpu)});
    if (o.nice != 0) argv.insert(argv.end(), {"--nice", std::to_string(o.nice)});
  }
  Outcome k;
  exit_code = run_process(argv, dir / "probe.json", dir / "probe.err");
  if (exit_code != 0) {
    k.error = first_line(dir / "probe.err");
    if (k.error.empty()) k.error = "rxpath-udpprobe exited " + std::to_string(exit_code);
    return k;
  }
  k.raw = json::parse(std::ifstream(dir / "probe.json"));
  k.sent = k.raw["sent"];
  k.received = k.raw["received"];
  k.rcvbuf_errors = k.raw["snmp_udp_delta"].value("RcvbufErrors", int64_t{0});
  k.in_errors = k.raw["snmp_udp_delta"].value("InErrors", int64_t{0});
  k.delivered_pps = k.raw["rates_pps"].value("delivered", 0.0);
  if (const json l = k.raw.value("latency_ns", json()); l.is_object())
    k.latency = Latency{l["p50"], l["p99"], l["p999"]};
  return k;
}

double others_share(const json& probe) {
  if (!probe.is_object() || !probe.contains("host")) return 0;
  return probe["host"].value("others_share", 0.0);
}

Outcome run_kernel_quietest(const Options& o, const Case& c, const fs::path& dir, int& exit_code,
                            const Quiet& quiet) {
  Outcome best;
  const int attempts = c.kind == "fill" ? 1 : o.attempts;
  for (int i = 0; i < attempts; ++i) {
    Outcome k = run_kernel(o, c, dir, exit_code);
    if (exit_code == kSkipped) return k;
    if (i == 0 || (k.ok() && quiet.noise(k.raw) < quiet.noise(best.raw))) best = std::move(k);
    if (!best.ok() || quiet.noise(best.raw) <= quiet.max) break;
  }
  return best;
}

Outcome run_model(const Options& o, const Case& c, const json& kernel_setup, const fs::path& dir) {
  Outcome m;
  if (o.rxpath.empty() || !fs::exists(o.rxpath)) {
    m.error = o.rxpath.empty() ? "no --rxpath" : o.rxpath + " does not exist";
    return m;
  }
  if (o.scenario.empty() || !fs::exists(o.scenario)) {
    m.error = o.scenario.empty() ? "no --scenario" : o.scenario + " does not exist";
    return m;
  }
  const fs::path result = dir / "model.json";
  fs::remove(result);
  // Not quiet: the summary (model.out) has the model's Udp MIB.
  std::vector<std::string> argv{o.rxpath, "run", o.scenario, "--no-trace", "--result-json", result.string()};
  auto set = [&](const std::string& key, const std::string& value) {
    argv.insert(argv.end(), {"--set", key + "=" + value});
  };
  auto number = [](double v) {
    std::ostringstream ss;
    ss << v;
    return ss.str();
  };
  set(model_key::kernel, o.kernel);
  // The kernel's own cap, so that SO_RCVBUF comes out the same on both sides.
  if (auto sysctl = kernel_setup.value("sysctl", json::object()); sysctl.contains("net.core.rmem_max"))
    set(model_key::rmem_max, std::to_string(sysctl["net.core.rmem_max"].get<int64_t>()));
  set(model_key::so_rcvbuf, std::to_string(c.rcvbuf > 0 ? c.rcvbuf : model_key::so_rcvbuf_not_set));
  set(model_key::payload, std::to_string(c.payload));
  set(model_key::count, std::to_string(c.count));
  if (c.kind == "fill") set(model_key::receivers, "[]");
  const bool paced = (c.kind == "slow" || c.kind == "overload") && c.rate_pps > 0;
  set(model_key::rate, number(paced ? c.rate_pps : model_key::back_to_back_pps));
  if (c.kind != "fill") set(model_key::work, std::to_string(c.work_ns));
  if (c.kind == "overload") {
    set(model_key::sender_cpu, std::to_string(c.sender_cpu));
    set(model_key::receiver_cpu, std::to_string(c.receiver_cpu));
    if (paced) set(model_key::pacing, "spin"); // the probe's sender spins on CLOCK_MONOTONIC
  }
  const int rc = run_process(argv, dir / "model.out", dir / "model.err");
  if (rc != 0 || !fs::exists(result)) {
    m.error = "rxpath run exited " + std::to_string(rc) + ": " + error_line(dir / "model.err");
    return m;
  }
  m.raw = json::parse(std::ifstream(result));
  m.raw.erase("latency_cdf_ns");
  const json drops = m.raw.value(model_key::drops, json::object());
  m.sent = m.raw.value(model_key::arrived, int64_t{0});
  m.received =
      m.raw.value(model_key::delivered, int64_t{0}) + drops.value(model_key::still_queued, int64_t{0});
  m.rcvbuf_errors = drops.value(model_key::rcvbuf_drop, int64_t{0});
  m.in_errors = summary_udp(dir / "model.out", "InErrors").value_or(-1);
  m.delivered_pps = m.raw.value(model_key::throughput, 0.0);
  if (m.raw.value(model_key::delivered, int64_t{0}) > 0)
    m.latency = Latency{m.raw.value(model_key::p50, int64_t{0}), m.raw.value(model_key::p99, int64_t{0}),
                        m.raw.value(model_key::p999, int64_t{0})};
  return m;
}

std::string kpps(double pps) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", pps / 1e3);
  return buf;
}

} // namespace rxpath::realkernel

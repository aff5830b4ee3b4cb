// rxpath-kernel-compare: runs a list of UDP setups through the real kernel (rxpath-udpprobe, each in
// a fresh network namespace) and through the model's loopback profile (rxpath run
// scenarios/loopback.json), and prints both side by side.
//
//   rxpath-kernel-compare --rxpath build/rxpath --scenario scenarios/loopback.json [--kernel 6.18]
//                         [--probe PATH] [--markdown FILE] [--json FILE] [--check] [--check-timing]
//                         [--overload [--check-overload] [--runs N] [--nice N]]
//                         [--veth [--runs N] [--nice N]]
//
// --check: the fill cases (no timing involved) must agree within --fill-tolerance datagrams; it
// applies only when the running kernel is the profile's version (another version's rules differ),
// otherwise the run is skipped.
// --check-timing: the slow-receiver cases must agree within --slow-tolerance too. They depend on the
// machine's speed (docs/calibration.md) and on its quiet: a kernel run whose threads lost more than
// --max-stall of their time (a VM's vCPU descheduled) is repeated, and not judged if all attempts were.
// --overload: instead, the rows of the real kernel under CPU load (overload.hpp): printed with their
// agreement; exit 1 only if the harness broke, or with --check-overload if a row is off target.
// --runs N runs each row's kernel side N times (medians and spread); --nice N runs the probe at that
// nice against every other task on the machine.
// --veth: instead, the rows of the real kernel between two namespaces joined by a veth pair
// (veth_rows.hpp): kernel columns only (the model has no veth device yet); exit 1 only if the harness
// broke. Some rows change the global net.core.netdev_budget for a moment (rxpath-udpprobe saves and
// restores it).
// Exit codes: 0 done (and the checks asked for hold), 1 the model disagrees, 2 bad command line,
// 77 skipped (no network namespace can be made here, or --check against another kernel version).
#include "compare.hpp"
#include "netns.hpp"
#include "overload.hpp"
#include "veth_rows.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

using namespace rxpath::realkernel;

std::vector<Case> cases() {
  std::vector<Case> v;
  for (int rcvbuf : {4096, 65536, 212992})
    for (int payload : {64, 512, 1472, 8000}) v.push_back({"fill", rcvbuf, payload, 1000, 0, 0});
  // A receiver slower than the sender (40 µs per datagram against 50 kpps), and one that keeps up.
  v.push_back({"slow", 65536, 1472, 20000, 50000, 40000});
  v.push_back({"slow", 212992, 512, 20000, 50000, 40000});
  v.push_back({"slow", 212992, 1472, 5000, 10000, 40000});
  // Both as fast as they can: the sender's cost per datagram and the receiver's throughput, for
  // calibration (docs/calibration.md); printed, never judged.
  v.push_back({"saturate", 212992, 64, 20000, 0, 0});
  v.push_back({"saturate", 212992, 1472, 20000, 0, 0});
  return v;
}

enum class Verdict { Agree, Disagree, NotJudged };

struct Row {
  Case c;
  Outcome k, m;
  Verdict verdict = Verdict::NotJudged;
  std::string note;
};

Row judge(const Options& o, Row r) {
  if (!r.k.ok() || !r.m.ok()) {
    r.note = !r.k.ok() ? "kernel: " + r.k.error : "model: n/a (" + r.m.error + ")";
    return r;
  }
  const auto off = [](int64_t a, int64_t b) { return std::abs(a - b); };
  if (r.c.kind == "fill") {
    const bool ok = off(r.k.received, r.m.received) <= o.fill_tolerance &&
                    off(r.k.rcvbuf_errors, r.m.rcvbuf_errors) <= o.fill_tolerance;
    r.verdict = ok ? Verdict::Agree : Verdict::Disagree;
    return r;
  }
  const double stalled = stall_fraction(r.k.raw);
  char buf[96];
  std::snprintf(buf, sizeof buf, "sender %.1f kpps, stalls %.1f%%",
                r.k.raw["rates_pps"].value("sent", 0.0) / 1e3, 100 * stalled);
  r.note = buf;
  if (r.c.kind == "saturate") return r; // calibration data
  if (stalled > o.max_stall) {
    r.note += ": too noisy to judge";
    return r;
  }
  const double tol = std::max(2.0, o.slow_tolerance * static_cast<double>(r.k.received));
  r.verdict =
      static_cast<double>(off(r.k.received, r.m.received)) <= tol ? Verdict::Agree : Verdict::Disagree;
  return r;
}

const char* verdict_text(Verdict v) {
  return v == Verdict::Agree ? "yes" : v == Verdict::Disagree ? "NO" : "-";
}

std::string pair(const Outcome& k, const Outcome& m, int64_t Outcome::*field) {
  return std::to_string(k.ok() ? k.*field : 0) + " / " + (m.ok() ? std::to_string(m.*field) : "n/a");
}

void print_rows(const std::vector<Row>& rows, std::ostream& os) {
  char line[256];
  std::snprintf(line, sizeof line, "%-17s %-17s %7s %6s %17s %19s %9s  %s\n", "case", "SO_RCVBUF->rcvbuf",
                "payload", "sent", "received k / m", "RcvbufErrors k / m", "truesize", "agree");
  os << line;
  for (const auto& r : rows) {
    const int64_t got = r.k.ok() ? r.k.raw["setup"].value("so_rcvbuf_got", int64_t{0}) : 0;
    const double truesize = r.k.ok() ? r.k.raw["socket"].value("charged_per_datagram", 0.0) : 0.0;
    std::snprintf(line, sizeof line, "%-17s %-17s %7d %6lld %17s %19s %9s  %s%s%s\n", r.c.name().c_str(),
                  (std::to_string(r.c.rcvbuf) + "->" + std::to_string(got)).c_str(), r.c.payload,
                  static_cast<long long>(r.k.sent), pair(r.k, r.m, &Outcome::received).c_str(),
                  pair(r.k, r.m, &Outcome::rcvbuf_errors).c_str(),
                  truesize > 0 ? std::to_string(std::lround(truesize)).c_str() : "", verdict_text(r.verdict),
                  r.note.empty() ? "" : "  ", r.note.c_str());
    os << line;
  }
}

std::string markdown(const std::vector<Row>& rows, const std::string& release, const Options& o) {
  std::ostringstream md;
  md << "Real kernel " << release << " (network namespace, loopback) against the model (kernel profile "
     << o.kernel << ", " << fs::path(o.scenario).filename().string() << ").\n\n"
     << "| case | SO_RCVBUF → sk_rcvbuf | payload | sent | received: kernel / model | RcvbufErrors: kernel / "
        "model | truesize charged (kernel) | agree |\n|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : rows) {
    if (r.c.kind == "saturate") continue;
    const double truesize = r.k.ok() ? r.k.raw["socket"].value("charged_per_datagram", 0.0) : 0.0;
    md << "| " << r.c.name() << " | " << r.c.rcvbuf << " → "
       << (r.k.ok() ? r.k.raw["setup"].value("so_rcvbuf_got", int64_t{0}) : 0) << " | " << r.c.payload
       << " | " << r.k.sent << " | " << pair(r.k, r.m, &Outcome::received) << " | "
       << pair(r.k, r.m, &Outcome::rcvbuf_errors) << " | "
       << (truesize > 0 ? std::to_string(std::lround(truesize)) : "") << " | " << verdict_text(r.verdict)
       << (r.note.empty() ? "" : " (" + r.note + ")") << " |\n";
  }
  md << "\n| timing case | payload | sender: kpps, ns per sendto | delivered kpps: kernel / model | recv() "
        "mean "
        "(µs) | stalls |\n|---|---|---|---|---|---|\n";
  for (const auto& r : rows) {
    if (r.c.kind == "fill" || !r.k.ok()) continue;
    const json& t = r.k.raw["timing_ns"];
    char buf[256];
    std::snprintf(buf, sizeof buf, "| %s | %d | %s, %.0f | %s / %s | %.1f | %.1f%% |\n", r.c.name().c_str(),
                  r.c.payload, kpps(r.k.raw["rates_pps"].value("sent", 0.0)).c_str(),
                  t.value("send_per_datagram", 0.0), kpps(r.k.delivered_pps).c_str(),
                  r.m.ok() ? kpps(r.m.delivered_pps).c_str() : "n/a", t.value("recv_mean", 0.0) / 1e3,
                  100 * stall_fraction(r.k.raw));
    md << buf;
  }
  return md.str();
}

} // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"Runs UDP setups through the real kernel (rxpath-udpprobe: a fresh network namespace, "
               "loopback) and through the model's loopback profile, and prints both side by side"};
  app.add_option("--probe", o.probe, "rxpath-udpprobe (default: the one next to this program)");
  app.add_option("--rxpath", o.rxpath, "The rxpath binary (without it the model's side is n/a)");
  app.add_option("--scenario", o.scenario, "The model's loopback scenario (scenarios/loopback.json)");
  app.add_option("--kernel", o.kernel, "The model's kernel profile to compare with")
      ->check(CLI::IsMember({"3.19", "6.18"}));
  app.add_option("--markdown", o.markdown, "Also write the tables as Markdown to this file");
  app.add_option("--json", o.json_out, "Also write every run's raw results (probe and model) to this file");
  app.add_flag("--check", o.check,
               "Exit 1 when a fill case disagrees (skip if the kernel is another version)");
  app.add_flag("--check-timing", o.check_timing, "Exit 1 when a slow-receiver case disagrees, too");
  app.add_option("--fill-tolerance", o.fill_tolerance, "Fill cases: datagrams the two may differ by")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--slow-tolerance", o.slow_tolerance, "Slow cases: share of the kernel's received count")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--max-stall", o.max_stall,
                 "Timing cases: a kernel run whose threads lost more than this share of their time to "
                 "stalls is repeated, and not judged")
      ->check(CLI::Range(0.0, 1.0));
  app.add_flag("--overload", o.overload,
               "Run the rows of the real kernel under CPU load instead (docs/validation.md)");
  app.add_flag("--veth", o.veth,
               "Run the rows of the real kernel between two namespaces joined by a veth pair instead "
               "(docs/validation.md; changes net.core.netdev_budget for some rows, restoring it)");
  app.add_flag(
      "--check-overload", o.check_overload,
      "With --overload: exit 1 when a row is off its targets (skip if the kernel is another version)");
  app.add_option("--runs", o.runs,
                 "Overload rows: kernel runs of each row, pass after pass (the table gives medians and the "
                 "spread)")
      ->check(CLI::Range(1, 50));
  app.add_option("--nice", o.nice,
                 "Overload rows: run the probe at this nice against every other task (rxpath-udpprobe "
                 "--nice; -20 keeps a shared machine's other tenants out)")
      ->check(CLI::Range(-20, 19));
  app.add_option("--max-others", o.max_others,
                 "Overload rows: a kernel run while other tasks used more than this share of the CPUs is "
                 "repeated (the quietest attempt is kept)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--attempts", o.attempts, "Timing cases: kernel runs at most, until one is quiet enough")
      ->check(CLI::Range(1, 20));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "rxpath-kernel-compare: error: " << e.what() << "\n";
    return 2;
  }
  if (o.probe.empty())
    o.probe = (fs::read_symlink("/proc/self/exe").parent_path() / "rxpath-udpprobe").string();
  if (!fs::exists(o.probe)) {
    std::cerr << "rxpath-kernel-compare: error: --probe: " << o.probe << " does not exist\n";
    return 2;
  }
  for (std::string* p : {&o.probe, &o.rxpath, &o.scenario})
    if (!p->empty()) *p = fs::absolute(*p).string();
  const std::string release = kernel_release();
  if ((o.check || o.check_overload) && release.rfind(o.kernel + ".", 0) != 0) {
    std::cout << "rxpath-kernel-compare: skipped: this machine runs Linux " << release << ", not the model's "
              << o.kernel << " profile; run without --check to see both side by side\n";
    return kSkipped;
  }
  if (o.overload && o.veth) {
    std::cerr << "rxpath-kernel-compare: error: --veth: not with --overload (one table at a time)\n";
    return 2;
  }
  if (o.overload) return run_overload(o);
  if (o.veth) return run_veth(o);
  const fs::path dir = fs::temp_directory_path() / ("rxpath-kernel-compare." + std::to_string(getpid()));
  fs::create_directories(dir);

  std::vector<Row> rows;
  json raw = json::array();
  for (const Case& c : cases()) {
    Row r{c, {}, {}, Verdict::NotJudged, ""};
    int exit_code = 0;
    r.k = run_kernel_quietest(o, c, dir, exit_code, {stall_fraction, o.max_stall});
    if (exit_code == kSkipped) {
      std::cout << "rxpath-kernel-compare: skipped: " << r.k.error << "\n";
      fs::remove_all(dir);
      return kSkipped;
    }
    r.m = r.k.ok() ? run_model(o, c, r.k.raw["setup"], dir) : Outcome{};
    if (!r.k.ok()) r.m.error = "not run";
    r = judge(o, std::move(r));
    raw.push_back({{"case", c.name()},
                   {"kernel", r.k.ok() ? r.k.raw : json{{"error", r.k.error}}},
                   {"model", r.m.ok() ? r.m.raw : json{{"n/a", r.m.error}}},
                   {"agree", verdict_text(r.verdict)}});
    rows.push_back(std::move(r));
  }
  fs::remove_all(dir);

  std::cout << "Real kernel " << release << " (network namespace, loopback) against the model (profile "
            << o.kernel << ", " << (o.scenario.empty() ? "no scenario" : o.scenario) << ")\n\n";
  print_rows(rows, std::cout);
  if (!o.markdown.empty()) std::ofstream(o.markdown) << markdown(rows, release, o);
  if (!o.json_out.empty()) std::ofstream(o.json_out) << raw.dump(2) << "\n";

  bool failed = false;
  for (const auto& r : rows) {
    const bool checked = (r.c.kind == "fill" && o.check) || (r.c.kind == "slow" && o.check_timing);
    if (!checked) continue;
    if (r.verdict == Verdict::Disagree) failed = true;
    if (r.c.kind == "fill" && (!r.k.ok() || !r.m.ok())) failed = true; // nothing to check against
  }
  if (failed) {
    std::cout << "\nrxpath-kernel-compare: the model disagrees with the kernel, or a side did not run (rows "
                 "marked NO or with a note)\n";
    return 1;
  }
  return 0;
}

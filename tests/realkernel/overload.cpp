#include "overload.hpp"

#include "netns.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;
using nlohmann::json;

namespace rxpath::realkernel {

namespace {

constexpr int kDefaultRcvbuf = 0;            // not set: net.core.rmem_default
constexpr int kSmallRcvbuf = 4096;           // sk_rcvbuf 8192: 9 small datagrams (docs/validation.md, fill)
constexpr double kRowSeconds = 0.25;         // of traffic per paced row
constexpr int64_t kBackToBackCount = 60'000; // ~0.2-0.3 s here
constexpr int64_t kMinCount = 5'000;

Case row(int sender_cpu, int receiver_cpu, double rate_pps, int64_t work_ns, int rcvbuf = kDefaultRcvbuf,
         int payload = 64) {
  Case c;
  c.kind = "overload";
  c.rcvbuf = rcvbuf;
  c.payload = payload;
  c.rate_pps = rate_pps;
  c.work_ns = work_ns;
  c.sender_cpu = sender_cpu;
  c.receiver_cpu = receiver_cpu;
  c.count = rate_pps > 0 ? std::max(kMinCount, static_cast<int64_t>(std::llround(rate_pps * kRowSeconds)))
                         : kBackToBackCount;
  return c;
}

// The representative set (not the full cross product, which would take too long for CI): the rate
// sweep with both placements at work 0, 64 bytes, the default buffer; then, at the rates around
// the knee, work per datagram, a small buffer and full-size datagrams, one change at a time.
std::vector<Case> overload_cases() {
  std::vector<Case> v;
  for (int same : {0, 1})
    for (double rate : {20e3, 50e3, 100e3, 200e3, 400e3, 0.0}) v.push_back(row(0, same ? 0 : 1, rate, 0));
  for (int same : {0, 1}) {
    const int rx = same ? 0 : 1;
    for (double rate : {50e3, 0.0}) v.push_back(row(0, rx, rate, 3000));
    for (double rate : {50e3, 0.0}) v.push_back(row(0, rx, rate, 0, kSmallRcvbuf));
    for (double rate : {50e3, 0.0}) v.push_back(row(0, rx, rate, 0, kDefaultRcvbuf, 1472));
  }
  return v;
}

// The agreement targets (issue 11): counts within ±10% of the kernel's or ±1% of sent; p50 and
// p99 within ±30%.
constexpr double kCountShare = 0.10, kSentShare = 0.01, kLatencyShare = 0.30;

struct Agreement {
  bool received = false, rcvbuf_errors = false, p50 = false, p99 = false;
  bool all() const { return received && rcvbuf_errors && p50 && p99; }
};

struct Row {
  Case c;
  std::vector<Outcome> runs; // the kernel's, one per pass
  Outcome k, m;              // k: the runs' medians, metric by metric
  Agreement agree;
  std::string harness_error; // why the kernel's side is unusable (the harness is broken)
  std::string note;
};

bool count_within(int64_t kernel, int64_t model, int64_t sent) {
  const double tol =
      std::max(kCountShare * static_cast<double>(kernel), kSentShare * static_cast<double>(sent));
  return std::abs(static_cast<double>(model - kernel)) <= tol;
}

bool latency_within(int64_t kernel, int64_t model) {
  return std::abs(static_cast<double>(model - kernel)) <= kLatencyShare * static_cast<double>(kernel);
}

// A kernel run that says nothing (nothing sent or received, no latency, the receiver gave up, the
// counts do not add up) is the harness's fault, whatever the model does.
std::string kernel_error(const Case& c, const Outcome& k) {
  if (!k.ok()) return "kernel: " + k.error;
  if (k.sent != c.count) return "kernel: sent " + std::to_string(k.sent) + " of " + std::to_string(c.count);
  if (k.received <= 0) return "kernel: nothing received";
  if (!k.latency) return "kernel: no latency";
  if (!k.raw.value("complete", false)) return "kernel: the receiver timed out";
  if (k.received + k.in_errors > k.sent) return "kernel: more received and dropped than sent";
  return "";
}

std::string harness_error(const Row& r) {
  for (const Outcome& k : r.runs)
    if (std::string why = kernel_error(r.c, k); !why.empty()) return why;
  if (!r.m.ok()) return "model: " + r.m.error;
  if (r.m.sent != r.c.count || !r.m.latency)
    return "model: sent " + std::to_string(r.m.sent) + ", no latency";
  return "";
}

// The value at the middle rank of the runs' values (the lower of the two middle ones).
template <typename Get>
int64_t median(const std::vector<Outcome>& runs, Get get) {
  std::vector<int64_t> v;
  for (const Outcome& k : runs) v.push_back(get(k));
  std::sort(v.begin(), v.end());
  return v[(v.size() - 1) / 2];
}

template <typename Get>
std::pair<int64_t, int64_t> range(const std::vector<Outcome>& runs, Get get) {
  std::pair<int64_t, int64_t> r{get(runs.front()), get(runs.front())};
  for (const Outcome& k : runs) r = {std::min(r.first, get(k)), std::max(r.second, get(k))};
  return r;
}

const auto kReceived = [](const Outcome& k) { return k.received; };
const auto kRcvbufErrors = [](const Outcome& k) { return k.rcvbuf_errors; };
const auto kInErrors = [](const Outcome& k) { return k.in_errors; };
const auto kP50 = [](const Outcome& k) { return k.latency->p50; };
const auto kP99 = [](const Outcome& k) { return k.latency->p99; };
const auto kP999 = [](const Outcome& k) { return k.latency->p999; };
const auto kOthers = [](const Outcome& k) {
  return static_cast<int64_t>(std::llround(1000 * others_share(k.raw)));
};

// The kernel's figures of a row: each metric's median over the runs; the rest (setup, rates) from
// the run whose received count is the median.
Outcome kernel_medians(const std::vector<Outcome>& runs) {
  Outcome k = runs.front();
  const int64_t received = median(runs, kReceived);
  for (const Outcome& run : runs)
    if (run.received == received) k = run;
  k.rcvbuf_errors = median(runs, kRcvbufErrors);
  k.in_errors = median(runs, kInErrors);
  k.latency = Latency{median(runs, kP50), median(runs, kP99), median(runs, kP999)};
  return k;
}

Row judge(Row r) {
  r.harness_error = harness_error(r);
  if (!r.harness_error.empty()) {
    r.k = r.runs.front();
    return r;
  }
  r.k = kernel_medians(r.runs);
  r.agree.received = count_within(r.k.received, r.m.received, r.k.sent);
  r.agree.rcvbuf_errors = count_within(r.k.rcvbuf_errors, r.m.rcvbuf_errors, r.k.sent);
  r.agree.p50 = latency_within(r.k.latency->p50, r.m.latency->p50);
  r.agree.p99 = latency_within(r.k.latency->p99, r.m.latency->p99);
  return r;
}

std::string verdict(const Row& r) {
  if (!r.harness_error.empty()) return "BROKEN: " + r.harness_error;
  if (r.agree.all()) return "yes";
  std::string off;
  auto add = [&](bool ok, const char* what) {
    if (!ok) off += std::string(off.empty() ? "" : ", ") + what;
  };
  add(r.agree.received, "received");
  add(r.agree.rcvbuf_errors, "RcvbufErrors");
  add(r.agree.p50, "p50");
  add(r.agree.p99, "p99");
  return "no: " + off;
}

std::string cpus(const Case& c) {
  return std::to_string(c.sender_cpu) + "/" + std::to_string(c.receiver_cpu);
}

std::string rate(const Case& c) {
  return c.rate_pps > 0 ? std::to_string(std::lround(c.rate_pps / 1e3)) + "k" : "b2b";
}

std::string rcvbuf(const Row& r) {
  const int64_t got = r.k.ok() ? r.k.raw["setup"].value("so_rcvbuf_got", int64_t{0}) : 0;
  return (r.c.rcvbuf > 0 ? std::to_string(r.c.rcvbuf) : std::string("default")) + "→" + std::to_string(got);
}

std::string count_pair(const Row& r, int64_t Outcome::*field) {
  return (r.k.ok() ? std::to_string(r.k.*field) : "n/a") + " / " +
         (r.m.ok() ? std::to_string(r.m.*field) : "n/a");
}

std::string us(const std::optional<Latency>& l, int64_t Latency::*q) {
  if (!l) return "n/a";
  char buf[32];
  const double v = static_cast<double>((*l).*q) / 1e3;
  std::snprintf(buf, sizeof buf, v < 100 ? "%.1f" : "%.0f", v);
  return buf;
}

std::string latency_pair(const Row& r, int64_t Latency::*q) {
  return us(r.k.latency, q) + " / " + us(r.m.latency, q);
}

int64_t within_target(const std::vector<Row>& rows) {
  return std::count_if(rows.begin(), rows.end(),
                       [](const Row& r) { return r.harness_error.empty() && r.agree.all(); });
}

std::string summary_line(const std::vector<Row>& rows) {
  return "rows within target: " + std::to_string(within_target(rows)) + " / " + std::to_string(rows.size());
}

void print_rows(const std::vector<Row>& rows, std::ostream& os) {
  char line[512];
  std::snprintf(line, sizeof line, "%-18s %4s %5s %6s %-14s %7s %6s %15s %15s %15s %15s %17s %17s  %s\n",
                "row", "s/r", "rate", "work", "SO_RCVBUF", "payload", "sent", "received k/m", "RcvbufErr k/m",
                "InErrors k/m", "p50 µs k/m", "p99 µs k/m", "p99.9 µs k/m", "within target");
  os << line;
  for (const auto& r : rows) {
    std::snprintf(
        line, sizeof line, "%-18s %4s %5s %6g %-14s %7d %6lld %15s %15s %15s %15s %17s %17s  %s%s%s\n",
        r.c.name().c_str(), cpus(r.c).c_str(), rate(r.c).c_str(), static_cast<double>(r.c.work_ns) / 1e3,
        rcvbuf(r).c_str(), r.c.payload, static_cast<long long>(r.c.count),
        count_pair(r, &Outcome::received).c_str(), count_pair(r, &Outcome::rcvbuf_errors).c_str(),
        count_pair(r, &Outcome::in_errors).c_str(), latency_pair(r, &Latency::p50).c_str(),
        latency_pair(r, &Latency::p99).c_str(), latency_pair(r, &Latency::p999).c_str(), verdict(r).c_str(),
        r.note.empty() ? "" : "  ", r.note.c_str());
    os << line;
  }
  os << "\n" << summary_line(rows) << "\n";
}

std::string markdown(const std::vector<Row>& rows, const std::string& release, const Options& o) {
  std::ostringstream md;
  md << "Real kernel " << release << " (network namespace, loopback) against the model (kernel profile "
     << o.kernel << ", " << fs::path(o.scenario).filename().string() << ")"
     << (o.nice != 0 ? ", the probe at nice " + std::to_string(o.nice) + " in an autogroup of its own" : "")
     << ", " << o.runs << (o.runs == 1 ? " kernel run" : " kernel runs") << " per row"
     << ". Cells are kernel / model; latency is sendto() entered → recvfrom() returned (kernel) and "
        "udp_sendmsg entered → copy to user done (model).\n\n"
     << "| row | CPUs s/r | rate | work (µs) | SO_RCVBUF → sk_rcvbuf | payload | sent | received | "
        "RcvbufErrors | InErrors | p50 (µs) | p99 (µs) | p99.9 (µs) | within target | kernel notes |\n"
     << "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : rows)
    md << "| " << r.c.name() << " | " << cpus(r.c) << " | " << rate(r.c) << " | "
       << static_cast<double>(r.c.work_ns) / 1e3 << " | " << rcvbuf(r) << " | " << r.c.payload << " | "
       << r.c.count << " | " << count_pair(r, &Outcome::received) << " | "
       << count_pair(r, &Outcome::rcvbuf_errors) << " | " << count_pair(r, &Outcome::in_errors) << " | "
       << latency_pair(r, &Latency::p50) << " | " << latency_pair(r, &Latency::p99) << " | "
       << latency_pair(r, &Latency::p999) << " | " << verdict(r) << " | " << r.note << " |\n";
  md << "\n" << summary_line(rows) << "\n";
  if (rows.empty() || rows.front().runs.size() < 2) return md.str();
  md << "\nThe kernel's spread over " << rows.front().runs.size()
     << " runs (min – max; the table above gives the medians), and the share of the CPUs other tasks used "
        "meanwhile:\n\n| row | received | RcvbufErrors | p50 (µs) | p99 (µs) | p99.9 (µs) | others |\n"
        "|---|---|---|---|---|---|---|\n";
  for (const auto& r : rows) {
    if (!r.harness_error.empty()) continue;
    const auto counts = [&](auto get) {
      const auto [lo, hi] = range(r.runs, get);
      return std::to_string(lo) + " – " + std::to_string(hi);
    };
    const auto lat = [&](auto get) {
      const auto [lo, hi] = range(r.runs, get);
      return us(Latency{lo, lo, lo}, &Latency::p50) + " – " + us(Latency{hi, hi, hi}, &Latency::p50);
    };
    const auto [olo, ohi] = range(r.runs, kOthers);
    md << "| " << r.c.name() << " | " << counts(kReceived) << " | " << counts(kRcvbufErrors) << " | "
       << lat(kP50) << " | " << lat(kP99) << " | " << lat(kP999) << " | "
       << std::lround(static_cast<double>(olo) / 10) << "% – " << std::lround(static_cast<double>(ohi) / 10)
       << "% |\n";
  }
  return md.str();
}

json latency_json(const std::optional<Latency>& l) {
  if (!l) return nullptr;
  return {{"p50", l->p50}, {"p99", l->p99}, {"p999", l->p999}};
}

json side_json(const Outcome& s) {
  if (!s.ok()) return {{"error", s.error}};
  return {{"sent", s.sent},
          {"received", s.received},
          {"RcvbufErrors", s.rcvbuf_errors},
          {"InErrors", s.in_errors},
          {"latency_ns", latency_json(s.latency)},
          {"raw", s.raw}};
}

json runs_json(const std::vector<Outcome>& runs) {
  json j = json::array();
  for (const Outcome& k : runs) j.push_back(side_json(k));
  return j;
}

json to_json(const std::vector<Row>& rows, const std::string& release, const Options& o) {
  json j = {{"kernel_release", release},
            {"model_profile", o.kernel},
            {"scenario", o.scenario},
            {"nice", o.nice},
            {"runs", o.runs}};
  j["rows"] = json::array();
  for (const auto& r : rows)
    j["rows"].push_back({{"row", r.c.name()},
                         {"setup",
                          {{"sender_cpu", r.c.sender_cpu},
                           {"receiver_cpu", r.c.receiver_cpu},
                           {"rate_pps", r.c.rate_pps},
                           {"work_ns", r.c.work_ns},
                           {"so_rcvbuf", r.c.rcvbuf},
                           {"payload_bytes", r.c.payload},
                           {"count", r.c.count}}},
                         {"kernel", side_json(r.k)},
                         {"kernel_runs", runs_json(r.runs)},
                         {"model", side_json(r.m)},
                         {"agree",
                          {{"received", r.agree.received},
                           {"RcvbufErrors", r.agree.rcvbuf_errors},
                           {"p50", r.agree.p50},
                           {"p99", r.agree.p99}}},
                         {"within_target", r.harness_error.empty() && r.agree.all()},
                         {"harness_error", r.harness_error},
                         {"note", r.note}});
  j["within_target"] = within_target(rows);
  j["rows_total"] = rows.size();
  return j;
}

// What the kernel run says about itself: the sender's real rate, and how much of the CPUs other
// tasks took meanwhile (the spread between runs on a shared machine follows it).
std::string kernel_note(const Row& r) {
  if (!r.k.ok()) return "";
  char buf[128];
  std::snprintf(buf, sizeof buf, "sender %.1f kpps, others %.0f%%",
                r.k.raw["rates_pps"].value("sent", 0.0) / 1e3, 100 * others_share(r.k.raw));
  std::string note = buf;
  // Datagrams that netif_rx refused (the CPU's backlog full): per CPU, not per namespace.
  if (const int64_t backlog = r.k.raw.value("softnet_dropped_delta", int64_t{0}); backlog > 0)
    note += ", softnet drops " + std::to_string(backlog);
  return note;
}

} // namespace

int run_overload(const Options& o) {
  const std::string release = kernel_release();
  const fs::path dir = fs::temp_directory_path() / ("rxpath-kernel-compare." + std::to_string(getpid()));
  fs::create_directories(dir);
  std::vector<Row> rows;
  for (const Case& c : overload_cases()) rows.push_back(Row{c, {}, {}, {}, {}, "", ""});
  // Pass after pass over all rows, so that a noisy minute of the machine spreads over the rows
  // rather than spoiling every run of one.
  for (int pass = 0; pass < o.runs; ++pass)
    for (Row& r : rows) {
      int exit_code = 0;
      r.runs.push_back(run_kernel_quietest(o, r.c, dir, exit_code, {others_share, o.max_others}));
      if (exit_code == kSkipped) {
        std::cout << "rxpath-kernel-compare: skipped: " << r.runs.back().error << "\n";
        fs::remove_all(dir);
        return kSkipped;
      }
    }
  for (Row& r : rows) {
    const auto run = std::find_if(r.runs.begin(), r.runs.end(), [](const Outcome& k) { return k.ok(); });
    r.m = run != r.runs.end() ? run_model(o, r.c, run->raw["setup"], dir) : Outcome{};
    if (run == r.runs.end()) r.m.error = "not run";
    r = judge(std::move(r));
    r.note = kernel_note(r);
  }
  fs::remove_all(dir);

  std::cout << "Real kernel " << release
            << " (network namespace, loopback) under CPU load against the model (profile " << o.kernel << ", "
            << (o.scenario.empty() ? "no scenario" : o.scenario) << ")\n\n";
  print_rows(rows, std::cout);
  if (!o.markdown.empty()) std::ofstream(o.markdown) << markdown(rows, release, o);
  if (!o.json_out.empty()) std::ofstream(o.json_out) << to_json(rows, release, o).dump(2) << "\n";

  const bool broken =
      std::any_of(rows.begin(), rows.end(), [](const Row& r) { return !r.harness_error.empty(); });
  if (broken) {
    std::cout << "\nrxpath-kernel-compare: the harness broke on the rows marked BROKEN\n";
    return 1;
  }
  if (o.check_overload && within_target(rows) != static_cast<int64_t>(rows.size())) {
    std::cout << "\nrxpath-kernel-compare: --check-overload: rows off target\n";
    return 1;
  }
  return 0;
}

} // namespace rxpath::realkernel

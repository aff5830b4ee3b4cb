#include "veth_rows.hpp"

#include "netns.hpp"
#include "veth.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;
using nlohmann::json;

namespace rxpath::realkernel {

namespace {

constexpr double kLightPps = 20e3;            // the overload table's lightest rate
constexpr double kRowSeconds = 0.25;          // of traffic per paced row
constexpr int64_t kBackToBackCount = 60'000;  // ~0.3-0.5 s through veth here
constexpr int kSmallRcvbuf = 4096;            // sk_rcvbuf 8192 (docs/validation.md, fill)
constexpr const char* kReceiverCpuMask = "2"; // RPS to CPU 1, the receiver's

Case row(int sender_cpu, int receiver_cpu, double rate_pps, VethKnobs knobs, int rcvbuf = 0,
         int payload = 64) {
  Case c;
  c.kind = "veth";
  c.rcvbuf = rcvbuf;
  c.payload = payload;
  c.rate_pps = rate_pps;
  c.sender_cpu = sender_cpu;
  c.receiver_cpu = receiver_cpu;
  c.count = rate_pps > 0 ? static_cast<int64_t>(rate_pps * kRowSeconds) : kBackToBackCount;
  c.veth = std::move(knobs);
  return c;
}

VethKnobs backlog() {
  return {};
}
// GRO on the receiving end: veth adds its NAPI ring, but with TSO on the sending end locally
// generated UDP is not "eligible for GRO" (veth_xmit, veth_skb_is_eligible_for_gro, drivers/net/
// veth.c 6.18) and still goes through __netif_rx to the backlog.
VethKnobs gro_tso_on() {
  VethKnobs k;
  k.gro = true;
  return k;
}
// GRO on and TSO off on the sender: the datagrams go through the ring (veth_xdp_rx) and veth_poll.
VethKnobs napi() {
  VethKnobs k = gro_tso_on();
  k.sender_tso = false;
  return k;
}
VethKnobs with(VethKnobs k, void (*change)(VethKnobs&)) {
  change(k);
  return k;
}

// The representative set (the cross product would take minutes): from the baseline (GRO off: the
// backlog) one change at a time, at a light load and back to back, the CPUs apart; the same CPU for
// the three paths; the budget where packets can pile up (a remote backlog through RPS, a NAPI
// thread); full-size datagrams.
std::vector<Case> veth_cases() {
  // The NAPI kthread pinned to the receiver's CPU: unpinned, where the scheduler puts it decides
  // everything (on the sender's CPU it slows the sender and keeps up; on the receiver's it competes
  // with the receiver and the 256-slot ring overflows), and rows flip between the two.
  const auto threaded = [](VethKnobs& k) {
    k.threaded = true;
    k.napi_thread_cpu = 1;
  };
  const auto threaded_same = [](VethKnobs& k) {
    k.threaded = true;
    k.napi_thread_cpu = 0;
  };
  const auto busy = [](VethKnobs& k) { k.busy_poll_us = 50; };
  const auto rps = [](VethKnobs& k) { k.rps_cpus = kReceiverCpuMask; };
  std::vector<Case> v;
  for (double rate : {kLightPps, 0.0}) {
    v.push_back(row(0, 1, rate, backlog()));
    v.push_back(row(0, 1, rate, gro_tso_on()));
    v.push_back(row(0, 1, rate, napi()));
    v.push_back(row(0, 1, rate, with(napi(), threaded)));
    v.push_back(row(0, 1, rate, with(napi(), busy)));
    v.push_back(row(0, 1, rate, with(backlog(), rps)));
    v.push_back(row(0, 1, rate, backlog(), kSmallRcvbuf));
    v.push_back(row(0, 0, rate, backlog()));
    v.push_back(row(0, 0, rate, napi()));
    v.push_back(row(0, 0, rate, with(napi(), threaded_same)));
  }
  v.push_back(row(0, 1, 0, with(napi(), threaded_same))); // the kthread with the sender
  v.push_back(row(0, 1, 0, with(backlog(), busy)));       // no NAPI id on the skb: nothing to poll
  for (int64_t budget : {2, 8, 64}) {
    VethKnobs a = with(backlog(), rps), b = with(napi(), threaded);
    a.netdev_budget = b.netdev_budget = budget;
    v.push_back(row(0, 1, 0, a));
    v.push_back(row(0, 1, 0, b));
  }
  v.push_back(row(0, 1, 0, backlog(), 0, 1472));
  v.push_back(row(0, 1, 0, napi(), 0, 1472));
  return v;
}

struct Row {
  Case c;
  std::vector<Outcome> runs; // the kernel's, one per pass
  Outcome k;                 // the run with the median received count
  Outcome m;                 // the model's (none yet: no veth device)
  std::string harness_error;
};

// The model's side of a row: nothing until the model has a veth device. When it does, this is
// run_model (compare.hpp) on a veth scenario with the row's knobs mapped to --set keys, as the
// overload rows do with scenarios/loopback.json; the table's model column then fills in.
Outcome model_side(const Options&, const Case&, const json& /*kernel_setup*/, const fs::path&) {
  Outcome m;
  m.error = "the model has no veth device yet";
  return m;
}

// A kernel run that says nothing is the harness's fault; figures never are.
std::string kernel_error(const Outcome& k) {
  if (!k.ok()) return "kernel: " + k.error;
  if (k.sent <= 0) return "kernel: nothing sent";
  if (k.received <= 0) return "kernel: nothing received";
  if (!k.raw.contains("veth")) return "kernel: no veth counters";
  return "";
}

Outcome median_run(const std::vector<Outcome>& runs) {
  std::vector<const Outcome*> v;
  for (const Outcome& k : runs) v.push_back(&k);
  std::sort(v.begin(), v.end(), [](const Outcome* a, const Outcome* b) { return a->received < b->received; });
  return *v[(v.size() - 1) / 2];
}

const json& softnet_of(const Outcome& k, int cpu) {
  static const json none;
  for (const json& r : k.raw["veth"]["softnet"])
    if (r.value("cpu", -1) == cpu) return r;
  return none;
}

// processed / dropped / time_squeeze of one CPU's softnet_stat delta.
std::string softnet_cell(const Outcome& k, int cpu) {
  const json& r = softnet_of(k, cpu);
  if (r.is_null()) return "n/a";
  return std::to_string(r.value("processed", int64_t{0})) + " / " +
         std::to_string(r.value("dropped", int64_t{0})) + " / " +
         std::to_string(r.value("time_squeeze", int64_t{0}));
}

int64_t dev_field(const Outcome& k, const char* dev, const char* field) {
  return k.raw["veth"][dev].value(field, int64_t{0});
}

std::string us(int64_t ns) {
  char buf[32];
  const double v = static_cast<double>(ns) / 1e3;
  std::snprintf(buf, sizeof buf, v < 100 ? "%.1f" : "%.0f", v);
  return buf;
}

std::string rate(const Case& c) {
  return c.rate_pps > 0 ? std::to_string(std::lround(c.rate_pps / 1e3)) + "k" : "b2b";
}

std::string path(const Row& r) {
  const int64_t ring = r.k.raw["veth"].value("napi_ring_packets", int64_t{0});
  std::string p = ring > 0 ? "NAPI ring " + std::to_string(ring) : "backlog";
  if (r.c.veth.threaded)
    p += ", threaded" +
         (r.c.veth.napi_thread_cpu >= 0 ? " on CPU " + std::to_string(r.c.veth.napi_thread_cpu) : "");
  return p;
}

std::string budget(const Case& c) {
  return c.veth.netdev_budget > 0 ? std::to_string(c.veth.netdev_budget) : "300";
}

std::string rcvbuf(const Row& r) {
  const int64_t got = r.k.raw["setup"].value("so_rcvbuf_got", int64_t{0});
  return (r.c.rcvbuf > 0 ? std::to_string(r.c.rcvbuf) : std::string("default")) + "→" + std::to_string(got);
}

std::string note(const Row& r) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "sender %.0f kpps, others %.0f%%",
                r.k.raw["rates_pps"].value("sent", 0.0) / 1e3, 100 * others_share(r.k.raw));
  std::string n = buf;
  if (const int64_t ns = r.k.raw["veth"].value("napi_thread_ns", int64_t{0}); ns > 0) {
    std::snprintf(buf, sizeof buf, " (NAPI kthread %.0f ms of it)", static_cast<double>(ns) / 1e6);
    n += buf;
  }
  if (const int64_t sndbuf = r.k.raw["snmp_udp_delta"].value("SndbufErrors", int64_t{0}); sndbuf > 0)
    n += ", SndbufErrors " + std::to_string(sndbuf);
  if (!r.k.raw.value("complete", true)) n += ", receiver timed out";
  return n;
}

struct Cells {
  std::vector<std::string> v;
};

const std::vector<std::string> kHeader = {"row",
                                          "CPUs s/r",
                                          "rate",
                                          "path",
                                          "budget",
                                          "SO_RCVBUF → sk_rcvbuf",
                                          "payload",
                                          "sent",
                                          "received",
                                          "RcvbufErrors",
                                          "InErrors",
                                          "vsnd tx_dropped",
                                          "vrcv rx_dropped",
                                          "softnet CPU0 proc/drop/squeeze",
                                          "softnet CPU1 proc/drop/squeeze",
                                          "p50 (µs)",
                                          "p99 (µs)",
                                          "p99.9 (µs)",
                                          "model",
                                          "kernel notes"};

std::vector<std::string> cells(const Row& r) {
  if (!r.harness_error.empty())
    return {r.c.name(),
            std::to_string(r.c.sender_cpu) + "/" + std::to_string(r.c.receiver_cpu),
            rate(r.c),
            "",
            budget(r.c),
            "",
            std::to_string(r.c.payload),
            std::to_string(r.c.count),
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "—",
            "BROKEN: " + r.harness_error};
  const Outcome& k = r.k;
  const auto lat = [&](int64_t Latency::*q) { return k.latency ? us((*k.latency).*q) : std::string("n/a"); };
  return {r.c.name(),
          std::to_string(r.c.sender_cpu) + "/" + std::to_string(r.c.receiver_cpu),
          rate(r.c),
          path(r),
          budget(r.c),
          rcvbuf(r),
          std::to_string(r.c.payload),
          std::to_string(k.sent),
          std::to_string(k.received),
          std::to_string(k.rcvbuf_errors),
          std::to_string(k.in_errors),
          std::to_string(dev_field(k, kVethSender, "tx_dropped")),
          std::to_string(dev_field(k, kVethReceiver, "rx_dropped")),
          softnet_cell(k, 0),
          softnet_cell(k, 1),
          lat(&Latency::p50),
          lat(&Latency::p99),
          lat(&Latency::p999),
          r.m.ok() ? "see JSON" : "—",
          note(r)};
}

void print_rows(const std::vector<Row>& rows, std::ostream& os) {
  std::vector<std::vector<std::string>> table{kHeader};
  for (const Row& r : rows) table.push_back(cells(r));
  std::vector<size_t> width(kHeader.size(), 0);
  for (const auto& line : table)
    for (size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
  for (const auto& line : table) {
    for (size_t i = 0; i < line.size(); ++i) {
      os << line[i];
      if (i + 1 < line.size()) os << std::string(width[i] - line[i].size() + 2, ' ');
    }
    os << "\n";
  }
}

std::string markdown(const std::vector<Row>& rows, const std::string& release, const Options& o) {
  std::ostringstream md;
  md << "Real kernel " << release << ", two network namespaces joined by a veth pair (" << kVethSender
     << " → " << kVethReceiver << ")"
     << (o.nice != 0 ? ", the probe at nice " + std::to_string(o.nice) + " in an autogroup of its own" : "")
     << ", " << o.runs << (o.runs == 1 ? " run" : " runs") << " per row"
     << (o.runs > 1 ? " (the run with the median received count)" : "")
     << ". softnet cells are /proc/net/softnet_stat deltas (machine-wide). Model: — (no veth device "
        "yet).\n\n|";
  for (const auto& h : kHeader) md << " " << h << " |";
  md << "\n|";
  for (size_t i = 0; i < kHeader.size(); ++i) md << "---|";
  md << "\n";
  for (const Row& r : rows) {
    md << "|";
    for (const auto& cell : cells(r)) md << " " << cell << " |";
    md << "\n";
  }
  if (o.runs < 2) return md.str();
  md << "\nThe spread over " << o.runs
     << " runs (min – max):\n\n| row | received | RcvbufErrors | p50 (µs) | p99 (µs) "
        "|\n|---|---|---|---|---|\n";
  for (const Row& r : rows) {
    if (!r.harness_error.empty()) continue;
    const auto span = [&](auto get, bool latency) {
      int64_t lo = get(r.runs.front()), hi = lo;
      for (const Outcome& k : r.runs) lo = std::min(lo, get(k)), hi = std::max(hi, get(k));
      return latency ? us(lo) + " – " + us(hi) : std::to_string(lo) + " – " + std::to_string(hi);
    };
    md << "| " << r.c.name() << " | " << span([](const Outcome& k) { return k.received; }, false) << " | "
       << span([](const Outcome& k) { return k.rcvbuf_errors; }, false) << " | "
       << span([](const Outcome& k) { return k.latency ? k.latency->p50 : 0; }, true) << " | "
       << span([](const Outcome& k) { return k.latency ? k.latency->p99 : 0; }, true) << " |\n";
  }
  return md.str();
}

json to_json(const std::vector<Row>& rows, const std::string& release, const Options& o) {
  json j = {{"kernel_release", release}, {"nice", o.nice}, {"runs", o.runs}, {"rows", json::array()}};
  for (const Row& r : rows) {
    json runs = json::array();
    for (const Outcome& k : r.runs) runs.push_back(k.ok() ? k.raw : json{{"error", k.error}});
    j["rows"].push_back({{"row", r.c.name()},
                         {"kernel_runs", runs},
                         {"model", r.m.ok() ? r.m.raw : json{{"n/a", r.m.error}}},
                         {"harness_error", r.harness_error}});
  }
  return j;
}

} // namespace

int run_veth(const Options& o) {
  const std::string release = kernel_release();
  const fs::path dir = fs::temp_directory_path() / ("rxpath-kernel-compare." + std::to_string(getpid()));
  fs::create_directories(dir);
  std::vector<Row> rows;
  for (const Case& c : veth_cases()) rows.push_back(Row{c, {}, {}, {}, ""});
  // Pass after pass over all rows, as the overload rows do: a noisy minute spreads over the rows.
  for (int pass = 0; pass < o.runs; ++pass)
    for (Row& r : rows) {
      int exit_code = 0;
      // Every run counts (no quietest-of-N): in the threaded rows the NAPI kthread's own time shows
      // as "others", and picking the run where it ran least would pick a figure.
      r.runs.push_back(run_kernel(o, r.c, dir, exit_code));
      if (exit_code == kSkipped) {
        std::cout << "rxpath-kernel-compare: skipped: " << r.runs.back().error << "\n";
        fs::remove_all(dir);
        return kSkipped;
      }
    }
  for (Row& r : rows) {
    for (const Outcome& k : r.runs)
      if (r.harness_error.empty()) r.harness_error = kernel_error(k);
    r.k = r.harness_error.empty() ? median_run(r.runs) : r.runs.front();
    r.m = model_side(o, r.c, r.k.ok() ? r.k.raw["setup"] : json(), dir);
  }
  fs::remove_all(dir);

  std::cout << "Real kernel " << release << ", two network namespaces joined by a veth pair\n\n";
  print_rows(rows, std::cout);
  if (!o.markdown.empty()) std::ofstream(o.markdown) << markdown(rows, release, o);
  if (!o.json_out.empty()) std::ofstream(o.json_out) << to_json(rows, release, o).dump(2) << "\n";
  if (std::any_of(rows.begin(), rows.end(), [](const Row& r) { return !r.harness_error.empty(); })) {
    std::cout << "\nrxpath-kernel-compare: the harness broke on the rows marked BROKEN\n";
    return 1;
  }
  return 0;
}

} // namespace rxpath::realkernel

// What rxpath-kernel-compare's tables share: a setup (Case), running it through the real kernel
// (rxpath-udpprobe, a fresh network namespace each time) and through the model (rxpath run
// scenarios/loopback.json --set ... --result-json), and each side's outcome.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace rxpath::realkernel {

constexpr int kSkipped = 77;

// veth rows (rxpath-udpprobe veth): the receiving end's knobs and the global budget.
struct VethKnobs {
  bool gro = false, sender_tso = true, threaded = false;
  int busy_poll_us = 0;      // SO_BUSY_POLL on the receiver's socket
  int napi_thread_cpu = -1;  // threaded: the NAPI kthread pinned there; -1: where the scheduler puts it
  std::string rps_cpus;      // rx-0 rps_cpus of the receiving end; empty: RPS off
  int64_t netdev_budget = 0; // net.core.netdev_budget during the row; 0: as is
};

struct Case {
  std::string kind;    // fill | slow | saturate | overload | veth (rxpath-udpprobe's modes)
  int rcvbuf = 212992; // setsockopt(SO_RCVBUF); 0 = not set (net.core.rmem_default on both sides)
  int payload = 1472;
  int64_t count = 1000;
  double rate_pps = 0; // slow, overload: the sender's pace (overload: 0 = back to back)
  int64_t work_ns = 0; // slow, overload: the receiver's busy work per datagram
  int sender_cpu = 0, receiver_cpu = 1;
  VethKnobs veth = {};

  std::string name() const;
};

struct Options {
  std::string probe, rxpath, scenario, kernel = "6.18", markdown, json_out;
  bool check = false, check_timing = false, overload = false, check_overload = false, veth = false;
  int64_t fill_tolerance = 1;   // datagrams, in received and in RcvbufErrors
  double slow_tolerance = 0.05; // share of the kernel's received count
  double max_stall = 0.02;      // share of a thread's time lost to stalls beyond which a timing run is noise
  double max_others = 0.05;     // overload: share of the CPUs other tasks may use in a quiet run
  int attempts = 3;             // kernel runs per timing case, until one is quiet enough
  int runs = 1;                 // overload: kernel runs of every row (medians and spread)
  int nice = 0;                 // overload: the probe's group nice (rxpath-udpprobe --nice)
};

struct Latency {
  int64_t p50 = 0, p99 = 0, p999 = 0;
};

// One side's outcome of a case; `error` says why there is none.
struct Outcome {
  int64_t sent = 0, received = 0, rcvbuf_errors = 0, in_errors = 0;
  double delivered_pps = 0;
  std::optional<Latency> latency; // sendto() entered -> the datagram in the application's buffer
  nlohmann::json raw;
  std::string error;
  bool ok() const { return error.empty(); }
};

// The largest share of its time one of the probe's threads lost to stalls.
double stall_fraction(const nlohmann::json& probe);

// One kernel run of `c` in `dir`. rxpath-udpprobe's exit code is kept so that 77 (no namespace)
// can skip the whole comparison.
Outcome run_kernel(const Options& o, const Case& c, const std::filesystem::path& dir, int& exit_code);

// The share of the CPUs that other tasks used during a probe run (its "host" block).
double others_share(const nlohmann::json& probe);

// How disturbed a kernel run was (stall_fraction, others_share), and the most that is still quiet.
struct Quiet {
  double (*noise)(const nlohmann::json& probe) = stall_fraction;
  double max = 0.02;
};

// The quietest of up to o.attempts kernel runs of a timing case (one for fill): runs stop at the
// first quiet enough.
Outcome run_kernel_quietest(const Options& o, const Case& c, const std::filesystem::path& dir, int& exit_code,
                            const Quiet& quiet);

// The model's run of `c`, with the kernel's own sysctls (`kernel_setup`, the probe's "setup") so
// that SO_RCVBUF comes out the same on both sides.
Outcome run_model(const Options& o, const Case& c, const nlohmann::json& kernel_setup,
                  const std::filesystem::path& dir);

std::string kpps(double pps);

} // namespace rxpath::realkernel

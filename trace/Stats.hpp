// Per-datagram latency and its split by stage, computed from the milestone events of a run
// (live, through model::Stats, the model's EventSink) or of a trace file (fed by TraceReader, or
// by the viewer from its store): the same numbers every way.
#pragma once

#include "Event.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace rxpath::trace {

struct Percentiles {
  int64_t count = 0;
  double mean = 0;
  int64_t p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;
};

// The probabilities at which a run's latency distribution is kept (sweep results, CDF plots):
// every 1% to 99%, then finer into the tail (99.1 … 99.9, 99.91 … 99.99) and 1 (the max).
const std::vector<double>& cdf_probabilities();

// Exact nearest-rank percentiles of any values (e.g. differences); sorts `v`.
Percentiles percentiles(std::vector<int64_t>& v);

// Non-negative values (ns) in memory that does not grow with the run: every value is kept up to
// kExactLimit of them, so percentiles are exact nearest ranks; past that they are folded into a
// log-linear histogram (values below 256 exact, then 128 buckets per power of two) and a
// percentile is its bucket's midpoint: relative error below 0.4%. Count, mean and max stay exact.
class Distribution {
public:
  static constexpr size_t kExactLimit = size_t{1} << 20;
  void add(int64_t v);
  int64_t count() const { return count_; }
  bool exact() const { return buckets_.empty(); }
  Percentiles percentiles() const;
  std::vector<int64_t> quantiles() const; // at cdf_probabilities(); empty if no value
  int64_t quantile(double q) const;       // nearest rank

private:
  void fold();
  std::vector<int64_t> values_; // while exact (sorted lazily)
  mutable bool sorted_ = true;
  std::vector<int64_t> buckets_; // counts, once folded
  int64_t count_ = 0, max_ = 0;
  double sum_ = 0;
};

// The parts of a delivered datagram's latency, in path order.
enum class Part { RingWait, Backlog, Softirq, SocketWait, Copy, Count_ };
const char* part_name(Part p);
const char* part_help(Part p);

struct StatsResult {
  Percentiles latency;
  std::vector<int64_t> latency_cdf; // at cdf_probabilities()
  std::array<Percentiles, static_cast<size_t>(Part::Count_)> parts;
  int64_t arrived = 0, delivered = 0;
  std::array<int64_t, static_cast<size_t>(DropReason::Count_)> dropped{};
  int64_t first_arrival_ns = -1, last_delivery_ns = -1;
  int64_t fate_errors = 0; // packets with no fate or more than one (must be 0)
  double throughput_pps() const;
};

// One datagram's fate and, if delivered, its latency and the parts of it.
struct PacketOutcome {
  bool seen = false; // arrived at the NIC
  bool delivered = false;
  DropReason reason = DropReason::None;
  int64_t latency = -1;
  std::array<int64_t, static_cast<size_t>(Part::Count_)> parts{-1, -1, -1, -1, -1};
};

// Feed it every event of a run in the order of the trace's lines (or in time order: a packet's
// own events are in time order either way).
class Stats {
public:
  // keep_outcomes: remember every packet's fate and latency split (for comparing two runs; ~56
  // bytes per datagram, which a plain run does not need).
  explicit Stats(bool keep_outcomes = false) : keep_outcomes_(keep_outcomes) {}
  void add(const Event& e); // not emit(): Qt, which the viewer links, defines emit as a macro
  StatsResult result() const;
  // By packet id (for comparing two runs of the same traffic); empty unless keep_outcomes.
  const std::vector<PacketOutcome>& outcomes() const { return outcomes_; }

private:
  // A datagram between its arrival and its fate; forgotten at its fate, so memory follows what
  // is in flight, not the length of the run.
  struct Times {
    int64_t arrival = -1, ring_deq = -1, bl_enq = -1, bl_deq = -1, queued = -1, recv_deq = -1;
  };
  Times& arrive(int64_t pkt, int64_t when);
  Times* find(int64_t pkt);
  // The datagram's fate: its Times (then forgotten by the caller), or nullptr with a fate error.
  std::optional<Times> take(int64_t pkt);
  std::unordered_map<int64_t, Times> pkts_;
  bool keep_outcomes_;
  std::vector<PacketOutcome> outcomes_;
  PacketOutcome scratch_; // where outcomes go when they are not kept
  PacketOutcome& outcome(int64_t pkt) {
    return keep_outcomes_ ? outcomes_[static_cast<size_t>(pkt)] : scratch_;
  }
  Distribution latency_;
  std::array<Distribution, static_cast<size_t>(Part::Count_)> parts_;
  StatsResult r_;
};

} // namespace rxpath::trace

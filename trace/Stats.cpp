#include "Stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace rxpath::trace {

const std::vector<double>& cdf_probabilities() {
  static const std::vector<double> p = [] {
    std::vector<double> v;
    for (int i = 1; i <= 99; ++i) v.push_back(i / 100.0);
    for (int i = 1; i <= 9; ++i) v.push_back((990 + i) / 1000.0);
    for (int i = 1; i <= 9; ++i) v.push_back((9990 + i) / 10000.0);
    v.push_back(1.0);
    return v;
  }();
  return p;
}

namespace {
// Histogram layout: values 0..255 have a bucket each; above, 128 buckets per power of two.
constexpr int kSubBits = 7;
size_t bucket_of(int64_t v) {
  if (v < 256) return static_cast<size_t>(v);
  const int e = 63 - __builtin_clzll(static_cast<uint64_t>(v)); // >= 8
  const int shift = e - kSubBits;
  const int64_t sub = (v >> shift) - (int64_t{1} << kSubBits); // 0..127
  return 256 + static_cast<size_t>(e - 8) * 128 + static_cast<size_t>(sub);
}
// The midpoint of a bucket.
int64_t bucket_value(size_t b) {
  if (b < 256) return static_cast<int64_t>(b);
  const int e = static_cast<int>((b - 256) / 128) + 8;
  const int shift = e - kSubBits;
  const int64_t lo = ((int64_t{1} << kSubBits) + static_cast<int64_t>((b - 256) % 128)) << shift;
  return lo + ((int64_t{1} << shift) - 1) / 2;
}
} // namespace

Percentiles percentiles(std::vector<int64_t>& v) {
  Percentiles p;
  p.count = static_cast<int64_t>(v.size());
  if (v.empty()) return p;
  std::sort(v.begin(), v.end());
  auto rank = [&](double q) {
    auto i = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
    return v[std::min(v.size() - 1, i == 0 ? 0 : i - 1)];
  };
  double sum = 0;
  for (auto x : v) sum += static_cast<double>(x);
  p.mean = sum / static_cast<double>(v.size());
  p.p50 = rank(0.5);
  p.p90 = rank(0.9);
  p.p99 = rank(0.99);
  p.p999 = rank(0.999);
  p.max = v.back();
  return p;
}

void Distribution::add(int64_t v) {
  ++count_;
  sum_ += static_cast<double>(v);
  max_ = std::max(max_, v);
  if (!buckets_.empty()) {
    ++buckets_[bucket_of(v)];
    return;
  }
  if (sorted_ && !values_.empty() && v < values_.back()) sorted_ = false;
  values_.push_back(v);
  if (values_.size() > kExactLimit) fold();
}

void Distribution::fold() {
  buckets_.assign(bucket_of(std::numeric_limits<int64_t>::max()) + 1, 0);
  for (int64_t v : values_) ++buckets_[bucket_of(v)];
  std::vector<int64_t>().swap(values_);
}

int64_t Distribution::quantile(double q) const {
  if (count_ == 0) return 0;
  // Nearest rank: the smallest value with at least a fraction q of all at or below it.
  auto k = static_cast<int64_t>(std::ceil(q * static_cast<double>(count_)));
  k = std::clamp<int64_t>(k, 1, count_);
  if (buckets_.empty()) {
    if (!sorted_) {
      auto& v = const_cast<std::vector<int64_t>&>(values_);
      std::sort(v.begin(), v.end());
      sorted_ = true;
    }
    return values_[static_cast<size_t>(k - 1)];
  }
  int64_t seen = 0;
  for (size_t b = 0; b < buckets_.size(); ++b)
    if ((seen += buckets_[b]) >= k) return std::min(bucket_value(b), max_);
  return max_;
}

Percentiles Distribution::percentiles() const {
  Percentiles p;
  p.count = count_;
  if (count_ == 0) return p;
  p.mean = sum_ / static_cast<double>(count_);
  p.p50 = quantile(0.5);
  p.p90 = quantile(0.9);
  p.p99 = quantile(0.99);
  p.p999 = quantile(0.999);
  p.max = max_;
  return p;
}

std::vector<int64_t> Distribution::quantiles() const {
  std::vector<int64_t> q;
  if (count_ == 0) return q;
  for (double p : cdf_probabilities()) q.push_back(p >= 1.0 ? max_ : quantile(p));
  return q;
}

const char* part_name(Part p) {
  switch (p) {
  case Part::RingWait:
    return "ring wait";
  case Part::Backlog:
    return "backlog wait";
  case Part::Softirq:
    return "softirq";
  case Part::SocketWait:
    return "socket queue wait";
  case Part::Copy:
    return "copy";
  case Part::Count_:
    break;
  }
  return "";
}

const char* part_help(Part p) {
  switch (p) {
  case Part::RingWait:
    return "rx_ring_dma -> the driver's rx";
  case Part::Backlog:
    return "enqueue_to_backlog -> process_backlog (RPS)";
  case Part::Softirq:
    return "stack work up to sock_queue_rcv_skb";
  case Part::SocketWait:
    return "sock_queue_rcv_skb -> __skb_recv_datagram";
  case Part::Copy:
    return "__skb_recv_datagram -> copied to user";
  case Part::Count_:
    break;
  }
  return "";
}

double StatsResult::throughput_pps() const {
  if (delivered < 2 || last_delivery_ns <= first_arrival_ns) return 0;
  return static_cast<double>(delivered) * 1e9 / static_cast<double>(last_delivery_ns - first_arrival_ns);
}

Stats::Times& Stats::arrive(int64_t pkt, int64_t when) {
  if (keep_outcomes_ && pkt >= static_cast<int64_t>(outcomes_.size()))
    outcomes_.resize(static_cast<size_t>(pkt) + 1);
  outcome(pkt).seen = true;
  ++r_.arrived;
  if (r_.first_arrival_ns < 0 || when < r_.first_arrival_ns) r_.first_arrival_ns = when;
  auto [it, fresh] = pkts_.try_emplace(pkt);
  if (!fresh) ++r_.fate_errors; // arrived twice
  it->second.arrival = when;
  return it->second;
}

Stats::Times* Stats::find(int64_t pkt) {
  auto it = pkts_.find(pkt);
  return it == pkts_.end() ? nullptr : &it->second;
}

std::optional<Stats::Times> Stats::take(int64_t pkt) {
  auto it = pkts_.find(pkt);
  if (it == pkts_.end()) {
    ++r_.fate_errors; // a second fate, or a fate without an arrival
    return std::nullopt;
  }
  Times t = it->second;
  pkts_.erase(it);
  return t;
}

void Stats::add(const Event& e) {
  if (e.pkt < 0) return;
  switch (e.kind) {
  case Kind::Stage: {
    if ((e.fn == Fn::RxRingDma && e.frag <= 0) || e.fn == Fn::UdpSendmsg) {
      arrive(e.pkt, e.t); // at the NIC (its first frame) or in a loopback sender's sendto()
      break;
    }
    Times* t = find(e.pkt); // none: a fragment of a datagram that already has its fate
    if (!t) break;
    switch (e.fn) {
    case Fn::Rtl8139Rx:
    case Fn::Mlx5eHandleRxCqe:
      t->ring_deq = e.t;
      break;
    case Fn::EnqueueToBacklog:
      t->bl_enq = e.t;
      break;
    case Fn::ProcessBacklog:
      t->bl_deq = e.t;
      break;
    case Fn::SockQueueRcvSkb:
      t->queued = e.t;
      break;
    case Fn::SkbRecvDatagram:
      t->recv_deq = e.t;
      break;
    default:
      break;
    }
    break;
  }
  case Kind::Drop: {
    if (e.fn == Fn::RxRingDma && e.frag <= 0)
      arrive(e.pkt, e.t); // missed at the ring: it arrived all the same
    if (!take(e.pkt)) break;
    ++r_.dropped[static_cast<size_t>(e.reason)];
    outcome(e.pkt).reason = e.reason;
    break;
  }
  case Kind::Deliver: {
    const auto taken = take(e.pkt);
    if (!taken) break;
    const Times& t = *taken;
    ++r_.delivered;
    r_.last_delivery_ns = std::max(r_.last_delivery_ns, e.t);
    PacketOutcome& o = outcome(e.pkt);
    o.delivered = true;
    o.latency = e.latency >= 0 ? e.latency : e.t - t.arrival;
    latency_.add(o.latency);
    const bool rps = t.bl_enq >= 0 && t.bl_deq >= 0;
    auto part = [&](Part p, int64_t a, int64_t b) {
      if (a >= 0 && b >= a) {
        parts_[static_cast<size_t>(p)].add(b - a);
        o.parts[static_cast<size_t>(p)] = b - a;
      }
    };
    part(Part::RingWait, t.arrival, t.ring_deq);
    if (rps) part(Part::Backlog, t.bl_enq, t.bl_deq);
    const int64_t backlog = rps ? t.bl_deq - t.bl_enq : 0;
    if (t.ring_deq >= 0 && t.queued >= t.ring_deq) part(Part::Softirq, t.ring_deq + backlog, t.queued);
    part(Part::SocketWait, t.queued, t.recv_deq);
    part(Part::Copy, t.recv_deq, e.t);
    break;
  }
  default:
    break;
  }
}

StatsResult Stats::result() const {
  StatsResult r = r_;
  r.latency = latency_.percentiles();
  r.latency_cdf = latency_.quantiles();
  for (size_t i = 0; i < parts_.size(); ++i) r.parts[i] = parts_[i].percentiles();
  r.fate_errors += static_cast<int64_t>(pkts_.size()); // arrived, never fated
  return r;
}

} // namespace rxpath::trace

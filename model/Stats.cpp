#include "Stats.hpp"

#include <algorithm>
#include <cmath>

namespace rxpath::model {

using trace::Fn;
using trace::Kind;

namespace {
// Nearest rank: the smallest value with at least a fraction q of `sorted` at or below it.
int64_t rank(const std::vector<int64_t>& sorted, double q) {
  auto i = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, i == 0 ? 0 : i - 1)];
}
} // namespace

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

std::vector<int64_t> quantiles(const std::vector<int64_t>& sorted) {
  std::vector<int64_t> q;
  if (sorted.empty()) return q;
  for (double p : cdf_probabilities()) q.push_back(rank(sorted, p));
  return q;
}

Percentiles percentiles(std::vector<int64_t>& v) {
  Percentiles p;
  p.count = static_cast<int64_t>(v.size());
  if (v.empty()) return p;
  std::sort(v.begin(), v.end());
  auto rank = [&](double q) { return model::rank(v, q); };
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
    return "rx_ring_dma -> rtl8139_rx";
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

Stats::Times& Stats::at(int64_t pkt) {
  if (pkt >= static_cast<int64_t>(pkts_.size())) {
    pkts_.resize(static_cast<size_t>(pkt) + 1);
    if (keep_outcomes_) outcomes_.resize(static_cast<size_t>(pkt) + 1);
  }
  outcome(pkt).seen = true;
  return pkts_[static_cast<size_t>(pkt)];
}

void Stats::note_arrival(Times& t, int64_t when) {
  t.arrival = when;
  ++r_.arrived;
  if (r_.first_arrival_ns < 0 || when < r_.first_arrival_ns) r_.first_arrival_ns = when;
}

void Stats::emit(const trace::Event& e) {
  if (e.pkt < 0) return;
  switch (e.kind) {
  case Kind::Stage: {
    Times& t = at(e.pkt);
    switch (e.fn) {
    case Fn::RxRingDma:
      if (e.frag <= 0) note_arrival(t, e.t);
      break;
    case Fn::UdpSendmsg: // a loopback sender's sendto(): the datagram's origin
      note_arrival(t, e.t);
      break;
    case Fn::Rtl8139Rx:
      t.ring_deq = e.t;
      break;
    case Fn::EnqueueToBacklog:
      t.bl_enq = e.t;
      break;
    case Fn::ProcessBacklog:
      t.bl_deq = e.t;
      break;
    case Fn::SockQueueRcvSkb:
      t.queued = e.t;
      break;
    case Fn::SkbRecvDatagram:
      t.recv_deq = e.t;
      break;
    default:
      break;
    }
    break;
  }
  case Kind::Drop: {
    Times& t = at(e.pkt);
    if (e.fn == Fn::RxRingDma && e.frag <= 0)
      note_arrival(t, e.t); // missed at the ring: it arrived all the same
    ++t.fates;
    ++r_.dropped[static_cast<size_t>(e.reason)];
    outcome(e.pkt).reason = e.reason;
    break;
  }
  case Kind::Deliver: {
    Times& t = at(e.pkt);
    ++t.fates;
    ++r_.delivered;
    r_.last_delivery_ns = std::max(r_.last_delivery_ns, e.t);
    PacketOutcome& o = outcome(e.pkt);
    o.delivered = true;
    o.latency = e.latency >= 0 ? e.latency : e.t - t.arrival;
    latency_.push_back(o.latency);
    const bool rps = t.bl_enq >= 0 && t.bl_deq >= 0;
    auto part = [&](Part p, int64_t a, int64_t b) {
      if (a >= 0 && b >= a) {
        parts_[static_cast<size_t>(p)].push_back(b - a);
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

StatsResult Stats::result() {
  r_.latency = percentiles(latency_);
  r_.latency_cdf = quantiles(latency_);
  for (size_t i = 0; i < parts_.size(); ++i) r_.parts[i] = percentiles(parts_[i]);
  r_.fate_errors = 0;
  for (const auto& t : pkts_)
    if (t.arrival >= 0 && t.fates != 1) ++r_.fate_errors;
  return r_;
}

} // namespace rxpath::model

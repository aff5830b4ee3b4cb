#include "LatencySplit.hpp"

#include <algorithm>
#include <cmath>

namespace rxpath::view {

using trace::Fn;
using trace::Kind;

int64_t nearest_rank(const std::vector<int64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  const auto i = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, i == 0 ? 0 : i - 1)];
}

std::vector<SplitRow> latency_split(const TraceStore& s) {
  enum { Total, Ring, Backlog, Softirq, Socket, Copy, N };
  static const std::array<std::pair<const char*, const char*>, N> names = {{
      {"total", "rx_ring_dma of the first frame -> copied to user"},
      {"ring wait", "rx_ring_dma -> rtl8139_rx"},
      {"backlog wait", "enqueue_to_backlog -> process_backlog (RPS)"},
      {"softirq", "stack work up to sock_queue_rcv_skb"},
      {"socket queue wait", "sock_queue_rcv_skb -> __skb_recv_datagram"},
      {"copy", "__skb_recv_datagram -> copied to user"},
  }};
  std::array<std::vector<int64_t>, N> values;
  for (const PacketRecord& p : s.packets) {
    if (p.fate != Fate::Delivered) continue;
    // The milestones, the latest of each before the delivery (as Stats::emit overwrites them).
    int64_t arrival = -1, ring_deq = -1, bl_enq = -1, bl_deq = -1, queued = -1, recv_deq = -1, done = -1,
            latency = -1;
    const uint32_t* st = s.stages_begin(p);
    for (uint32_t k = 0; k < p.stage_count && done < 0; ++k) {
      const StoredEvent& e = s.events[st[k]];
      if (e.kind == Kind::Deliver) {
        done = e.t;
        latency = s.value(e, Field::Latency);
        break;
      }
      if (e.kind != Kind::Stage) continue;
      if ((e.fn == Fn::RxRingDma && s.value(e, Field::Frag) <= 0) || e.fn == Fn::UdpSendmsg) {
        if (arrival < 0) arrival = e.t;
        continue;
      }
      switch (e.fn) {
      case Fn::Rtl8139Rx:
        ring_deq = e.t;
        break;
      case Fn::EnqueueToBacklog:
        bl_enq = e.t;
        break;
      case Fn::ProcessBacklog:
        bl_deq = e.t;
        break;
      case Fn::SockQueueRcvSkb:
        queued = e.t;
        break;
      case Fn::SkbRecvDatagram:
        recv_deq = e.t;
        break;
      default:
        break;
      }
    }
    if (done < 0 || arrival < 0) continue;
    values[Total].push_back(latency >= 0 ? latency : done - arrival);
    auto part = [&](int i, int64_t a, int64_t b) {
      if (a >= 0 && b >= a) values[i].push_back(b - a);
    };
    const bool rps = bl_enq >= 0 && bl_deq >= 0;
    part(Ring, arrival, ring_deq);
    if (rps) part(Backlog, bl_enq, bl_deq);
    const int64_t backlog = rps ? bl_deq - bl_enq : 0;
    if (ring_deq >= 0 && queued >= ring_deq) part(Softirq, ring_deq + backlog, queued);
    part(Socket, queued, recv_deq);
    part(Copy, recv_deq, done);
  }
  std::vector<SplitRow> out;
  for (int i = 0; i < N; ++i) {
    std::vector<int64_t>& v = values[i];
    std::sort(v.begin(), v.end());
    SplitRow r{names[i].first, names[i].second};
    r.count = static_cast<int64_t>(v.size());
    if (!v.empty()) {
      double sum = 0;
      for (int64_t x : v) sum += static_cast<double>(x);
      r.mean = sum / static_cast<double>(v.size());
      r.p50 = nearest_rank(v, 0.5), r.p90 = nearest_rank(v, 0.9), r.p99 = nearest_rank(v, 0.99);
      r.p999 = nearest_rank(v, 0.999), r.max = v.back();
    }
    out.push_back(r);
  }
  return out;
}

} // namespace rxpath::view

#include "Traffic.hpp"

#include "trace/Wire.hpp"

#include <algorithm>
#include <cmath>

namespace rxpath::model {
namespace {
using trace::kEthHeader;
using trace::kIpHeader;
using trace::kUdpHeader;
constexpr int64_t kWireOverhead = 4 + 8 + 12; // FCS, preamble + SFD, inter-frame gap
constexpr int64_t kMinFrame = 60;             // without FCS

int64_t first_frame_bytes(const TrafficSource& c, int64_t payload) {
  const int64_t ip_payload = payload + kUdpHeader;
  const auto l = trace::ip_fragment_layout(ip_payload, c.mtu_bytes);
  return std::max(kMinFrame, kEthHeader + kIpHeader + (l.nfrags == 1 ? ip_payload : l.per_frag));
}
} // namespace

Traffic::Traffic(const Scenario& sc, int source)
    : sc_(sc), alloc_rng_(static_cast<uint64_t>(sc.seed) * 0x9E3779B97F4A7C15ull + 7) {
  for (size_t i = 0; i < sc.traffic.size(); ++i) {
    const auto& t = sc.traffic[i];
    const bool mine = source < 0 ? !t.loopback() : static_cast<int>(i) == source && t.loopback();
    if (!mine || t.count == 0) continue;
    Source s{&t, static_cast<int>(i), 0, t.start_ns,
             std::mt19937_64(static_cast<uint64_t>(sc.seed) * 1000003ull + i)};
    if (t.pattern == Pattern::List) s.next_ns = t.times_ns.front();
    if (t.pattern == Pattern::Pcap) s.next_ns = replay_start(t, 0);
    sources_.push_back(std::move(s));
    due_.push_back(sources_.size() - 1);
  }
  std::make_heap(due_.begin(), due_.end(), Later{&sources_});
}

double Traffic::uniform(std::mt19937_64& rng) {
  // 53 random bits in (0, 1]: the same on every platform, unlike std::uniform_real_distribution.
  return (static_cast<double>(rng() >> 11) + 1.0) * (1.0 / 9007199254740992.0);
}

int64_t Traffic::wire_ns(int64_t frame_bytes) const {
  return ((frame_bytes + kWireOverhead) * 8 * 1000 + sc_.nic.link_mbps - 1) / sc_.nic.link_mbps;
}

// Pattern pcap: when datagram i starts on the wire. A capture stamps a frame when its last bit
// has arrived, as the model's rx_ring_dma does, so the replay keeps the spacing of the starts
// (stamp - wire time), the first at start_ns; a datagram cannot start before it.
int64_t Traffic::replay_start(const TrafficSource& c, int64_t i) const {
  const auto& d = c.capture->datagrams;
  auto start = [&](const CapturedDatagram& x) { return x.t_ns - wire_ns(first_frame_bytes(c, x.payload)); };
  return c.start_ns + std::max<int64_t>(0, start(d[static_cast<size_t>(i)]) - start(d.front()));
}

void Traffic::emit_datagram(Source& s, int64_t t) {
  const TrafficSource& c = *s.cfg;
  Skb base;
  base.pkt = next_pkt_++;
  base.source = s.index;
  int64_t payload = c.payload_bytes;
  base.saddr = c.src.addr;
  base.daddr = c.dst.addr;
  base.sport = c.src.port;
  base.dport = c.dst.port;
  if (c.pattern == Pattern::Pcap) { // the datagram as captured
    const auto& d = c.capture->datagrams[static_cast<size_t>(s.sent)];
    payload = d.payload;
    base.saddr = d.saddr;
    base.daddr = d.daddr;
    base.sport = d.sport;
    base.dport = d.dport;
  }
  base.udp_payload = static_cast<int32_t>(payload);
  base.protocol = static_cast<uint8_t>(c.ip_protocol);
  base.ethertype = static_cast<uint16_t>(c.ethertype);
  base.bad_udp_csum = c.bad_checksum_ratio > 0 && uniform(s.rng) <= c.bad_checksum_ratio;
  base.bad_ip_csum = c.bad_ip_checksum_ratio > 0 && uniform(s.rng) <= c.bad_ip_checksum_ratio;
  base.bad_udp_len = c.bad_udp_length_ratio > 0 && uniform(s.rng) <= c.bad_udp_length_ratio;

  if (c.loopback()) {
    // One skb per datagram (lo's MTU is 65536), handed to the sender at its nominal time.
    Skb k = base;
    k.frame_bytes = static_cast<int32_t>(kEthHeader + kIpHeader + kUdpHeader + payload);
    k.truesize = loopback_skb_truesize(c.payload_bytes, sc_.version->small_head_cache);
    k.arrival_ns = k.first_arrival_ns = t;
    pending_.push_back(k);
    return;
  }
  const int64_t ip_payload = payload + kUdpHeader;
  const auto [per_frag, nfrags] = trace::ip_fragment_layout(ip_payload, c.mtu_bytes);
  int64_t start = std::max(t, wire_free_ns_);
  for (int64_t f = 0; f < nfrags; ++f) {
    Skb k = base;
    const int64_t chunk = nfrags == 1 ? ip_payload : std::min(per_frag, ip_payload - f * per_frag);
    k.frag = nfrags == 1 ? -1 : static_cast<int32_t>(f);
    k.nfrags = static_cast<int32_t>(nfrags);
    k.last_frag = f == nfrags - 1;
    k.frame_bytes = static_cast<int32_t>(std::max(kMinFrame, kEthHeader + kIpHeader + chunk));
    k.truesize = skb_truesize(k.frame_bytes, sc_.nic.skb_headroom_bytes, sc_.nic.skb_overhead_bytes);
    // The frame is in the ring once its last bit has arrived.
    k.arrival_ns = start + wire_ns(k.frame_bytes);
    k.first_arrival_ns = f == 0 ? k.arrival_ns : pending_.back().first_arrival_ns;
    k.alloc_fails = sc_.nic.skb_alloc_fail_ratio > 0 && uniform(alloc_rng_) <= sc_.nic.skb_alloc_fail_ratio;
    start = k.arrival_ns;
    pending_.push_back(k);
  }
  wire_free_ns_ = start;
}

bool Traffic::fill() {
  if (!pending_.empty()) return true;
  if (due_.empty()) return false;
  // The source whose next datagram is due first (ties: the lower index).
  std::pop_heap(due_.begin(), due_.end(), Later{&sources_});
  Source& s = sources_[due_.back()];
  const TrafficSource& c = *s.cfg;
  emit_datagram(s, s.next_ns);
  ++s.sent;
  switch (c.pattern) {
  case Pattern::Constant:
    s.next_ns = c.start_ns + std::llround(static_cast<double>(s.sent) * 1e9 / c.rate_pps);
    break;
  case Pattern::Poisson:
    s.next_ns += std::llround(-std::log(uniform(s.rng)) * 1e9 / c.rate_pps);
    break;
  case Pattern::Burst:
    // Bursts of burst_frames back-to-back (the wire spaces them), at rate_pps on average.
    if (s.sent % c.burst_frames == 0)
      s.next_ns = c.start_ns + std::llround(static_cast<double>(s.sent) * 1e9 / c.rate_pps);
    break;
  case Pattern::List:
    if (s.sent < c.count) s.next_ns = c.times_ns[s.sent];
    break;
  case Pattern::Pcap:
    if (s.sent < c.count) s.next_ns = replay_start(c, s.sent);
    break;
  }
  if (s.sent < c.count)
    std::push_heap(due_.begin(), due_.end(), Later{&sources_});
  else
    due_.pop_back();
  return true;
}

bool Traffic::peek(Skb& out) {
  if (!fill()) return false;
  out = pending_.front();
  return true;
}

bool Traffic::pop(Skb& out) {
  if (!fill()) return false;
  out = pending_.front();
  pending_.pop_front();
  return true;
}

} // namespace rxpath::model

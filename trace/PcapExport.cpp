#include "PcapExport.hpp"
#include "Wire.hpp"

#include "CaptureWriter.hpp"
#include "ExportOutput.hpp"
#include "ExportWalk.hpp"
#include "TraceReader.hpp"

#include <algorithm>
#include <cstdio>
#include <unordered_map>
#include <vector>

namespace rxpath::trace {
namespace {

struct Flow {
  uint32_t saddr = 0, daddr = 0;
  uint16_t sport = 0, dport = 0, ethertype = 0x0800;
  uint8_t protocol = 17;
  int64_t payload = 0, per_frag = 0, nfrags = 1;
  bool loopback = false;
};

// One per frame of the capture, kept until all are sorted by arrival: 32 bytes.
struct Frame {
  int64_t t, pkt;
  int32_t frag, bytes, flow; // checked against the header's ranges before they are narrowed
  bool ring_missed;          // this frame found no free RX descriptor (its datagram's fate is this drop)
};

// What happened to a datagram, for the pcapng comments and the rebuilt checksums.
struct Fate {
  bool ip_csum = false, udp_csum = false, udp_len = false; // what the drop says about its headers
  bool delivered = false, dropped = false;
  DropReason reason = DropReason::None;
  Fn where = Fn::RxRingDma;
  int64_t latency = kUnset;
};

std::vector<Flow> flows_of(const std::string& file, const nlohmann::json& header) {
  std::vector<Flow> flows;
  const auto sc = header.find("scenario");
  if (sc == header.end() || !sc->contains("traffic") || !(*sc)["traffic"].is_array())
    throw TraceError(file + ":1: header key scenario.traffic: expected the array of traffic sources");
  const auto& traffic = (*sc)["traffic"];
  for (size_t i = 0; i < traffic.size(); ++i) {
    const auto& t = traffic[i];
    const std::string key = "scenario.traffic[" + std::to_string(i) + "]";
    Flow f;
    if (t.is_object() && t.value("pattern", "") == "pcap")
      throw TraceError(
          file + ":1: header key " + key +
          ".pattern: \"pcap\" replays a capture whose addresses and ports vary per datagram and are "
          "not in the trace; open the replayed capture (" +
          t.value("file", "?") + ") itself");
    try {
      const auto src = parse_endpoint(t.at("src").get<std::string>());
      const auto dst = parse_endpoint(t.at("dst").get<std::string>());
      if (!src) throw TraceError(file + ":1: header key " + key + ".src: expected \"ADDRESS:PORT\"");
      if (!dst) throw TraceError(file + ":1: header key " + key + ".dst: expected \"ADDRESS:PORT\"");
      f.saddr = src->addr, f.sport = src->port, f.daddr = dst->addr, f.dport = dst->port;
      // Ranges as the scenario schema has them: anything else would build frames that cannot
      // exist (an MTU below 68 leaves no room for a fragment's payload).
      auto field = [&](const char* name, int64_t lo, int64_t hi) {
        const auto& v = t.at(name);
        if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
          throw TraceError(file + ":1: header key " + key + "." + name + ": expected an integer " +
                           std::to_string(lo) + "…" + std::to_string(hi) + ", found " + v.dump());
        return v.get<int64_t>();
      };
      f.payload = field("payload_bytes", 0, 65507);
      f.protocol = static_cast<uint8_t>(field("ip_protocol", 0, 255));
      f.ethertype = static_cast<uint16_t>(field("ethertype", 0, 0xffff));
      const int64_t mtu = field("mtu_bytes", 68, 65535);
      f.loopback = t.value("device", "nic") == "lo";
      // As Traffic::emit_datagram (after ip_fragment): 8-byte multiples, all but the last full.
      // Loopback datagrams are one skb each (lo's MTU is 65536).
      const int64_t ip_payload = f.payload + kUdpHeader;
      const FragmentLayout layout = ip_fragment_layout(ip_payload, mtu);
      f.per_frag = layout.per_frag;
      f.nfrags = f.loopback ? 1 : layout.nfrags;
    } catch (const nlohmann::json::exception&) {
      throw TraceError(file + ":1: header key " + key +
                       ": expected src, dst, payload_bytes, ip_protocol, ethertype and mtu_bytes");
    }
    flows.push_back(f);
  }
  return flows;
}

// The Internet checksum (RFC 1071) of 16-bit words summed into `sum`.
uint16_t fold(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum & 0xffff);
}
uint32_t sum16(const uint8_t* p, size_t n, uint32_t sum = 0) {
  for (size_t i = 0; i + 1 < n; i += 2) sum += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  if (n % 2) sum += static_cast<uint32_t>(p[n - 1] << 8);
  return sum;
}

void put16(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
void put32(uint8_t* p, uint32_t v) {
  put16(p, v >> 16);
  put16(p + 2, v & 0xffff);
}

// The frame's bytes: Ethernet, IPv4 and (in the first fragment) UDP headers; the payload is zeros.
std::vector<uint8_t> build_frame(const Frame& fr, const Flow& f, const Fate& d) {
  std::vector<uint8_t> b(static_cast<size_t>(fr.bytes), 0);
  if (b.size() < kEthHeader + kIpHeader) b.resize(kEthHeader + kIpHeader);
  uint8_t* eth = b.data();
  // lo's frames carry zero MACs (loopback_xmit's eth_type_trans sees what ip_finish_output2 put).
  if (!f.loopback) {
    const uint8_t dst_mac[6] = {0x02, 0, 0, 0, 0, 0x01}, src_mac[6] = {0x02, 0, 0, 0, 0x01, 0};
    std::copy(dst_mac, dst_mac + 6, eth);
    std::copy(src_mac, src_mac + 6, eth + 6);
    eth[11] = static_cast<uint8_t>(fr.flow); // one source MAC per traffic source
  }
  put16(eth + 12, f.ethertype);

  const int64_t ip_payload = f.payload + kUdpHeader;
  const int64_t frag = fr.frag < 0 ? 0 : fr.frag;
  const int64_t chunk = f.nfrags == 1 ? ip_payload : std::min(f.per_frag, ip_payload - frag * f.per_frag);
  uint8_t* ip = eth + kEthHeader;
  ip[0] = 0x45;
  put16(ip + 2, static_cast<uint32_t>(kIpHeader + chunk));
  put16(ip + 4, static_cast<uint32_t>(fr.pkt & 0xffff));
  const bool more = f.nfrags > 1 && frag < f.nfrags - 1;
  put16(ip + 6, (more ? 0x2000u : 0u) | static_cast<uint32_t>(frag * f.per_frag / 8));
  ip[8] = 64;
  ip[9] = f.protocol;
  put32(ip + 12, f.saddr);
  put32(ip + 16, f.daddr);
  uint16_t ip_csum = fold(sum16(ip, kIpHeader));
  if (d.ip_csum) ip_csum = static_cast<uint16_t>(~ip_csum);
  put16(ip + 10, ip_csum);

  if (frag == 0 && b.size() >= static_cast<size_t>(kEthHeader + kIpHeader + kUdpHeader)) {
    uint8_t* udp = ip + kIpHeader;
    const auto ulen = static_cast<uint32_t>(ip_payload + (d.udp_len ? 1 : 0));
    put16(udp, f.sport);
    put16(udp + 2, f.dport);
    put16(udp + 4, ulen);
    // Pseudo-header + UDP header; the zero payload adds nothing.
    uint32_t sum = (f.saddr >> 16) + (f.saddr & 0xffff) + (f.daddr >> 16) + (f.daddr & 0xffff) + f.protocol +
                   static_cast<uint32_t>(ip_payload);
    uint16_t csum = fold(sum16(udp, kUdpHeader, sum));
    if (csum == 0) csum = 0xffff; // RFC 768: 0 means "no checksum"
    if (d.udp_csum) csum = static_cast<uint16_t>(csum == 0x1234 ? 0x4321 : 0x1234);
    put16(udp + 6, csum);
  }
  return b;
}

// The frame's fate in words, as a Wireshark user reads it in the packet comment.
std::string fate_comment(const Frame& fr, const Fate* f, Profile profile) {
  std::string s = "rxpath pkt " + std::to_string(fr.pkt);
  if (fr.frag >= 0) s += " frag " + std::to_string(fr.frag);
  if (fr.ring_missed) return s + ": dropped NIC_RING_FULL at rx_ring_dma (no free RX descriptor: rx_missed)";
  if (!f || (!f->delivered && !f->dropped)) return s + ": no fate in the trace";
  if (f->delivered)
    return s + ": delivered (skb_copy_datagram_msg), latency " + std::to_string(f->latency) + " ns";
  return s + ": dropped " + std::string(to_string(f->reason)) + " at " +
         std::string(to_string(f->where, profile));
}

} // namespace

long export_pcap(const std::string& in, const std::string& out, const PcapOptions& opt) {
  ExportOutput file(out, in);
  std::vector<Frame> frames;
  std::unordered_map<int64_t, Fate> fates;
  std::vector<Flow> flows;
  Profile profile = Profile::Linux3_19;
  std::string generator = "rxpath";
  {
    TraceReader r(in);
    require_end_object(in);
    flows = flows_of(in, r.header());
    profile = names_of_header(r.header());
    if (auto g = r.header().find("generator"); g != r.header().end() && g->is_string())
      generator = g->get<std::string>() + " (export --format pcapng)";
    std::unordered_map<int64_t, size_t> sent; // loopback: pkt -> its frame, until loopback_xmit
    auto where = [&] { return in + ":" + std::to_string(r.line()); };
    Event e;
    while (r.next(e)) {
      // A frame as the NIC's RX ring saw it, or as tcpdump -i lo sees a sent datagram.
      const bool nic_frame = e.fn == Fn::RxRingDma && (e.kind == Kind::Stage || e.kind == Kind::Drop);
      const bool lo_frame = e.fn == Fn::UdpSendmsg && e.kind == Kind::Stage;
      if (nic_frame || lo_frame) {
        if (e.flow == kUnset)
          throw TraceError(
              where() + ": " + std::string(to_string(e.fn, profile)) +
              " has no \"flow\" (schema version 1); re-run the scenario with this rxpath to export it");
        if (e.flow < 0 || e.flow >= static_cast<int64_t>(flows.size()))
          throw TraceError(where() + ": key \"flow\": expected 0 to " +
                           std::to_string(static_cast<int64_t>(flows.size()) - 1) +
                           " (the header's traffic sources), found " + std::to_string(e.flow));
        if (e.bytes < kEthHeader + kIpHeader || e.bytes > 65535 + kEthHeader)
          throw TraceError(where() + ": key \"bytes\": expected a frame length 34…65549, found " +
                           std::to_string(e.bytes));
        const Flow& f = flows[static_cast<size_t>(e.flow)];
        if (e.frag != kUnset && (e.frag < 0 || e.frag >= f.nfrags))
          throw TraceError(where() + ": key \"frag\": expected 0 to " + std::to_string(f.nfrags - 1) +
                           " (the fragments of traffic[" + std::to_string(e.flow) + "]'s datagrams), found " +
                           std::to_string(e.frag));
        if (e.t < 0) throw TraceError(where() + ": key \"t\": a capture cannot hold a time before 0");
        if (lo_frame) sent[e.pkt] = frames.size();
        frames.push_back({e.t, e.pkt, static_cast<int32_t>(e.frag), static_cast<int32_t>(e.bytes),
                          static_cast<int32_t>(e.flow), nic_frame && e.kind == Kind::Drop});
      }
      if (e.fn == Fn::LoopbackXmit && e.kind == Kind::Stage) {
        // dev_queue_xmit_nit hands the skb to the taps just before loopback_xmit.
        if (auto it = sent.find(e.pkt); it != sent.end()) {
          frames[it->second].t = e.t;
          sent.erase(it);
        }
      }
      // A pcap needs only the fates that change a frame's bytes; pcapng names every fate.
      const bool damage = e.reason == DropReason::IpCsum || e.reason == DropReason::UdpCsum ||
                          e.reason == DropReason::PktTooSmall;
      if (e.kind == Kind::Drop && (opt.pcapng || damage)) {
        Fate& f = fates[e.pkt];
        if (e.reason == DropReason::IpCsum) f.ip_csum = true;
        if (e.reason == DropReason::UdpCsum) f.udp_csum = true;
        if (e.reason == DropReason::PktTooSmall) f.udp_len = true;
        f.dropped = true;
        f.reason = e.reason;
        f.where = e.fn;
      }
      if (e.kind == Kind::Deliver && opt.pcapng) {
        Fate& f = fates[e.pkt];
        f.delivered = true;
        f.latency = e.latency;
      }
    }
  }
  // Trace lines are in settlement order; a capture is in arrival order.
  std::stable_sort(frames.begin(), frames.end(), [](const Frame& a, const Frame& b) { return a.t < b.t; });

  CaptureWriter w(file.open(), opt.pcapng, opt.snaplen, generator);
  const uint64_t epoch_ns = static_cast<uint64_t>(opt.epoch_s) * 1'000'000'000;
  for (const auto& fr : frames) {
    const auto it = fates.find(fr.pkt);
    const Fate* fate = it == fates.end() ? nullptr : &it->second;
    const auto bytes = build_frame(fr, flows[static_cast<size_t>(fr.flow)], fate ? *fate : Fate{});
    w.frame(epoch_ns + static_cast<uint64_t>(fr.t), bytes, opt.pcapng ? fate_comment(fr, fate, profile) : "");
  }
  file.commit();
  return static_cast<long>(frames.size());
}

} // namespace rxpath::trace

#include "PcapExport.hpp"

#include "ExportOutput.hpp"
#include "ExportWalk.hpp"
#include "TraceReader.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unordered_map>
#include <vector>

namespace rxpath::trace {
namespace {

// The pcap file format (https://www.tcpdump.org/manpages/pcap-savefile.5.html), nanosecond
// timestamps, LINKTYPE_ETHERNET.
constexpr uint32_t kPcapMagicNs = 0xa1b23c4d;
constexpr uint32_t kLinktypeEthernet = 1;
constexpr int kEthHeader = 14, kIpHeader = 20, kUdpHeader = 8;

struct Flow {
  uint32_t saddr = 0, daddr = 0;
  uint16_t sport = 0, dport = 0, ethertype = 0x0800;
  uint8_t protocol = 17;
  int64_t payload = 0, per_frag = 0, nfrags = 1;
};

struct Frame {
  int64_t t, pkt, frag, bytes, flow;
};

// "A.B.C.D:PORT" as the scenario's traffic writes it.
bool parse_endpoint(const std::string& s, uint32_t& addr, uint16_t& port) {
  unsigned a, b, c, d, p;
  char extra;
  if (std::sscanf(s.c_str(), "%u.%u.%u.%u:%u%c", &a, &b, &c, &d, &p, &extra) != 5 || a > 255 || b > 255 ||
      c > 255 || d > 255 || p > 65535)
    return false;
  addr = (a << 24) | (b << 16) | (c << 8) | d;
  port = static_cast<uint16_t>(p);
  return true;
}

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
    try {
      if (!parse_endpoint(t.at("src").get<std::string>(), f.saddr, f.sport))
        throw TraceError(file + ":1: header key " + key + ".src: expected \"ADDRESS:PORT\"");
      if (!parse_endpoint(t.at("dst").get<std::string>(), f.daddr, f.dport))
        throw TraceError(file + ":1: header key " + key + ".dst: expected \"ADDRESS:PORT\"");
      f.payload = t.at("payload_bytes").get<int64_t>();
      f.protocol = static_cast<uint8_t>(t.at("ip_protocol").get<int>());
      f.ethertype = static_cast<uint16_t>(t.at("ethertype").get<int>());
      const int64_t mtu = t.at("mtu_bytes").get<int64_t>();
      // As Traffic::emit_datagram (after ip_fragment): 8-byte multiples, all but the last full.
      const int64_t ip_payload = f.payload + kUdpHeader;
      f.per_frag = ((mtu - kIpHeader) / 8) * 8;
      f.nfrags = ip_payload + kIpHeader <= mtu ? 1 : (ip_payload + f.per_frag - 1) / f.per_frag;
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

// What the datagram's fate says about its headers (the model decides them when it sends it).
struct Damage {
  bool ip_csum = false, udp_csum = false, udp_len = false;
};

// The frame's bytes: Ethernet, IPv4 and (in the first fragment) UDP headers; the payload is zeros.
std::vector<uint8_t> build_frame(const Frame& fr, const Flow& f, Damage d) {
  std::vector<uint8_t> b(static_cast<size_t>(fr.bytes), 0);
  if (b.size() < kEthHeader + kIpHeader) b.resize(kEthHeader + kIpHeader);
  uint8_t* eth = b.data();
  const uint8_t dst_mac[6] = {0x02, 0, 0, 0, 0, 0x01}, src_mac[6] = {0x02, 0, 0, 0, 0x01, 0};
  std::copy(dst_mac, dst_mac + 6, eth);
  std::copy(src_mac, src_mac + 6, eth + 6);
  eth[11] = static_cast<uint8_t>(fr.flow); // one source MAC per traffic source
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

template <typename T>
void write_le(std::ostream& os, T v) {
  for (size_t i = 0; i < sizeof v; ++i)
    os.put(static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xff));
}

} // namespace

long export_pcap(const std::string& in, const std::string& out, const PcapOptions& opt) {
  ExportOutput file(out, in);
  std::vector<Frame> frames;
  std::unordered_map<int64_t, Damage> damage;
  std::vector<Flow> flows;
  {
    TraceReader r(in);
    require_end_object(in);
    flows = flows_of(in, r.header());
    Event e;
    while (r.next(e)) {
      if (e.fn == Fn::RxRingDma && (e.kind == Kind::Stage || e.kind == Kind::Drop)) {
        if (e.flow == kUnset)
          throw TraceError(in + ": rx_ring_dma has no \"flow\" (schema version 1); re-run the scenario "
                                "with this rxpath to export it");
        if (e.flow < 0 || e.flow >= static_cast<int64_t>(flows.size()) || e.bytes == kUnset)
          throw TraceError(in + ": rx_ring_dma of packet " + std::to_string(e.pkt) +
                           ": expected a \"flow\" among the header's traffic sources and \"bytes\"");
        frames.push_back({e.t, e.pkt, e.frag, e.bytes, e.flow});
      }
      if (e.kind == Kind::Drop) {
        if (e.reason == DropReason::IpCsum) damage[e.pkt].ip_csum = true;
        if (e.reason == DropReason::UdpCsum) damage[e.pkt].udp_csum = true;
        if (e.reason == DropReason::PktTooSmall) damage[e.pkt].udp_len = true;
      }
    }
  }
  // Trace lines are in settlement order; a capture is in arrival order.
  std::stable_sort(frames.begin(), frames.end(), [](const Frame& a, const Frame& b) { return a.t < b.t; });

  {
    std::ostream& os = file.open();
    write_le<uint32_t>(os, kPcapMagicNs);
    write_le<uint16_t>(os, 2);
    write_le<uint16_t>(os, 4);
    write_le<int32_t>(os, 0);
    write_le<uint32_t>(os, 0);
    write_le<uint32_t>(os, opt.snaplen);
    write_le<uint32_t>(os, kLinktypeEthernet);
    for (const auto& fr : frames) {
      const auto it = damage.find(fr.pkt);
      const auto bytes =
          build_frame(fr, flows[static_cast<size_t>(fr.flow)], it == damage.end() ? Damage{} : it->second);
      const auto incl = static_cast<uint32_t>(std::min<size_t>(bytes.size(), opt.snaplen));
      write_le<uint32_t>(os, static_cast<uint32_t>(opt.epoch_s + fr.t / 1'000'000'000));
      write_le<uint32_t>(os, static_cast<uint32_t>(fr.t % 1'000'000'000));
      write_le<uint32_t>(os, incl);
      write_le<uint32_t>(os, static_cast<uint32_t>(bytes.size()));
      os.write(reinterpret_cast<const char*>(bytes.data()), incl);
    }
  }
  file.commit();
  return static_cast<long>(frames.size());
}

} // namespace rxpath::trace

// What a frame on the wire looks like, as both the traffic generator (model/Traffic.cpp) and the
// pcap export (trace/PcapExport.cpp) build it: header sizes, ip_fragment's layout, and the
// "ADDRESS:PORT" text the scenario and the trace header write.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace rxpath::trace {

inline constexpr int64_t kEthHeader = 14, kIpHeader = 20, kUdpHeader = 8;

// ip_fragment (net/ipv4/ip_output.c): each fragment carries a multiple of 8 bytes of the IP
// payload, all but the last full; a datagram that fits the MTU is one frame.
struct FragmentLayout {
  int64_t per_frag = 0; // IP payload bytes in each fragment but the last
  int64_t nfrags = 1;
};
inline FragmentLayout ip_fragment_layout(int64_t ip_payload, int64_t mtu) {
  FragmentLayout l;
  l.per_frag = ((mtu - kIpHeader) / 8) * 8;
  l.nfrags = ip_payload + kIpHeader <= mtu ? 1 : (ip_payload + l.per_frag - 1) / l.per_frag;
  return l;
}

// A plain decimal of at most `max_digits` digits and at most `max` (no sign, no spaces).
std::optional<uint32_t> parse_decimal(std::string_view s, size_t max_digits, uint32_t max);
// A dotted quad, as inet_pton(AF_INET) takes it: four decimal parts 0-255.
std::optional<uint32_t> parse_ipv4(std::string_view s);
struct Endpoint {
  uint32_t addr = 0;
  uint16_t port = 0;
};
// "A.B.C.D:PORT", the port 0-65535.
std::optional<Endpoint> parse_endpoint(std::string_view s);

} // namespace rxpath::trace

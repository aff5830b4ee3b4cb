#include "Wire.hpp"

namespace rxpath::trace {

std::optional<uint32_t> parse_decimal(std::string_view s, size_t max_digits, uint32_t max) {
  if (s.empty() || s.size() > max_digits) return std::nullopt;
  uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  if (v > max) return std::nullopt;
  return v;
}

std::optional<uint32_t> parse_ipv4(std::string_view s) {
  uint32_t addr = 0;
  size_t start = 0;
  for (int part = 0; part < 4; ++part) {
    const size_t dot = part < 3 ? s.find('.', start) : s.size();
    if (dot == std::string_view::npos) return std::nullopt;
    auto v = parse_decimal(s.substr(start, dot - start), 3, 255);
    if (!v) return std::nullopt;
    addr = (addr << 8) | *v;
    start = dot + 1;
  }
  return addr;
}

std::optional<Endpoint> parse_endpoint(std::string_view s) {
  const auto colon = s.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const auto ip = parse_ipv4(s.substr(0, colon));
  const auto port = parse_decimal(s.substr(colon + 1), 5, 65535);
  if (!ip || !port) return std::nullopt;
  return Endpoint{*ip, static_cast<uint16_t>(*port)};
}

} // namespace rxpath::trace

#include "Rss.hpp"

#include <algorithm>

namespace rxpath::model {

const RssKey kRssDefaultKey = {0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
                               0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
                               0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
                               0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa};

uint32_t toeplitz(const RssKey& key, std::span<const uint8_t> input) {
  // `window` holds the 32 key bits starting at the current input bit; the next key bit enters on the
  // right as the window slides by one.
  uint32_t window =
      (uint32_t{key[0]} << 24) | (uint32_t{key[1]} << 16) | (uint32_t{key[2]} << 8) | uint32_t{key[3]};
  size_t next_bit = 32;
  uint32_t hash = 0;
  for (const uint8_t byte : input) {
    for (int b = 7; b >= 0; --b) {
      if ((byte >> b) & 1) hash ^= window;
      const size_t i = next_bit / 8;
      const uint32_t in = i < key.size() ? (key[i] >> (7 - next_bit % 8)) & 1 : 0;
      window = (window << 1) | in;
      ++next_bit;
    }
  }
  return hash;
}

uint32_t rss_hash(const RssKey& key, uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport, bool l4,
                  bool symmetric) {
  if (symmetric) {
    const uint32_t a = saddr | daddr, b = saddr ^ daddr;
    const auto p = static_cast<uint16_t>(sport | dport), q = static_cast<uint16_t>(sport ^ dport);
    saddr = a;
    daddr = b;
    sport = p;
    dport = q;
  }
  const std::array<uint8_t, 12> in = {
      static_cast<uint8_t>(saddr >> 24), static_cast<uint8_t>(saddr >> 16), static_cast<uint8_t>(saddr >> 8),
      static_cast<uint8_t>(saddr),       static_cast<uint8_t>(daddr >> 24), static_cast<uint8_t>(daddr >> 16),
      static_cast<uint8_t>(daddr >> 8),  static_cast<uint8_t>(daddr),       static_cast<uint8_t>(sport >> 8),
      static_cast<uint8_t>(sport),       static_cast<uint8_t>(dport >> 8),  static_cast<uint8_t>(dport)};
  return toeplitz(key, std::span<const uint8_t>(in.data(), l4 ? 12 : 8));
}

std::optional<RssKey> parse_rss_key(std::string_view text) {
  RssKey key{};
  if (text.size() != kRssKeyBytes * 3 - 1) return std::nullopt;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < kRssKeyBytes; ++i) {
    const int hi = hex(text[i * 3]), lo = hex(text[i * 3 + 1]);
    if (hi < 0 || lo < 0 || (i + 1 < kRssKeyBytes && text[i * 3 + 2] != ':')) return std::nullopt;
    key[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return key;
}

std::vector<int64_t> rss_default_table(int64_t queues, size_t size) {
  std::vector<int64_t> t(size);
  for (size_t i = 0; i < t.size(); ++i) t[i] = static_cast<int64_t>(i) % queues;
  return t;
}

size_t mlx5_rqt_size(int64_t channels) {
  size_t n = 1;
  while (n < static_cast<size_t>(2 * channels)) n *= 2;
  return std::max<size_t>(256, n);
}

} // namespace rxpath::model

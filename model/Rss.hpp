// Receive-side scaling: the NIC hashes each frame's addresses (and ports) with the Toeplitz hash
// and picks its RX queue from an indirection table, so that a flow always lands on one queue.
// The hash is Microsoft's RSS specification ("Verifying the RSS Hash Calculation"), computed by
// the NIC's hardware; tests/test_rss.cpp checks it against the specification's vectors. The table
// is set with `ethtool -X` and defaults to ethtool_rxfh_indir_default(i, n) = i % n
// (include/linux/ethtool.h). Drivers fill the key with netdev_rss_key_fill, a random key drawn
// once per boot (net_get_random_once), so a scenario names its key; the default is the
// specification's.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace rxpath::model {

struct Skb;

inline constexpr size_t kRssKeyBytes = 40;
using RssKey = std::array<uint8_t, kRssKeyBytes>;
// The key of Microsoft's RSS specification (its verification suite), the usual test key.
extern const RssKey kRssDefaultKey;

// The Toeplitz hash of `input` under `key`: for each set bit of the input, most significant first,
// the 32 bits of the key starting at that bit's position are XORed into the result.
uint32_t toeplitz(const RssKey& key, std::span<const uint8_t> input);

// The hash of an IPv4 frame as the NIC computes it: source and destination address, then (with
// `l4`) source and destination port, in network byte order. `symmetric`: the Symmetric-OR-XOR input
// transform (Documentation/networking/scaling.rst, 6.18: RXH_XFRM_SYM_OR_XOR) hashes
// (saddr | daddr, saddr ^ daddr, sport | dport, sport ^ dport) instead, so both directions of a
// flow take one queue; mlx5 sets it by default (en/tir.c rx_hash_symmetric).
uint32_t rss_hash(const RssKey& key, uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport, bool l4,
                  bool symmetric = false);

// The RX queue of a hash: the table entry its low bits select (the tables are powers of two).
inline int rss_queue(uint32_t hash, const std::vector<int64_t>& table) {
  return static_cast<int>(table[hash % table.size()]);
}

// A key as ethtool -x prints it: 40 bytes of two hex digits, separated by ':'.
std::optional<RssKey> parse_rss_key(std::string_view text);

// ethtool_rxfh_indir_default over `queues` queues, for a table of `size` entries.
std::vector<int64_t> rss_default_table(int64_t queues, size_t size);
// mlx5's indirection table size (mlx5e_rqt_size, en/rqt.c 6.18): at least 256 entries, and at least
// twice the channels rounded up to a power of two.
size_t mlx5_rqt_size(int64_t channels);

} // namespace rxpath::model

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
#include <span>
#include <vector>

namespace rxpath::model {

struct Skb;

inline constexpr size_t kRssKeyBytes = 40;
inline constexpr size_t kRssTableSize = 128; // mlx5: MLX5E_INDIR_RQT_SIZE at its minimum (ethtool -x)
using RssKey = std::array<uint8_t, kRssKeyBytes>;
// The key of Microsoft's RSS specification (its verification suite), the usual test key.
extern const RssKey kRssDefaultKey;

// The Toeplitz hash of `input` under `key`: for each set bit of the input, most significant first,
// the 32 bits of the key starting at that bit's position are XORed into the result.
uint32_t toeplitz(const RssKey& key, std::span<const uint8_t> input);

// The hash of an IPv4 frame as the NIC computes it: source and destination address, then (with
// `l4`) source and destination port, in network byte order.
uint32_t rss_hash(const RssKey& key, uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport, bool l4);

// The RX queue of a hash: the table entry its low bits select.
inline int rss_queue(uint32_t hash, const std::vector<int64_t>& table) {
  return static_cast<int>(table[hash % table.size()]);
}

// ethtool_rxfh_indir_default over `queues` queues.
std::vector<int64_t> rss_default_table(int64_t queues);

} // namespace rxpath::model

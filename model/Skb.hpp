// A frame on its way up the stack: what the model needs of struct sk_buff.
#pragma once

#include "trace/Event.hpp"

#include <cstdint>

namespace rxpath::model {

struct Skb {
  int64_t pkt = 0;              // datagram id, in NIC arrival order of first frames
  int32_t frag = -1;            // fragment index; -1 = not fragmented
  int32_t nfrags = 1;           // fragments of the datagram
  bool last_frag = true;        // the fragment with the highest offset (MF clear)
  int32_t source = 0;           // index of the traffic source
  int64_t arrival_ns = 0;       // rx_ring_dma of this frame
  int64_t first_arrival_ns = 0; // rx_ring_dma of the datagram's first frame (latency origin)
  int32_t frame_bytes = 0;      // Ethernet frame without FCS
  int32_t udp_payload = 0;      // UDP payload of the whole datagram
  int64_t truesize = 0;         // charged against sk_rcvbuf
  uint32_t saddr = 0, daddr = 0;
  uint16_t sport = 0, dport = 0;
  uint16_t ethertype = 0x0800;
  uint8_t protocol = 17;
  bool bad_udp_csum = false;
  bool bad_ip_csum = false;
  bool bad_udp_len = false;
  bool alloc_fails = false; // the driver's skb allocation fails for this frame
};

// truesize of an skb built around `frame_bytes` of data, as netdev_alloc_skb/build_skb compute it
// (include/linux/skbuff.h SKB_TRUESIZE, net/core/skbuff.c __netdev_alloc_skb): the data buffer
// (frame + NET_SKB_PAD headroom, SKB_DATA_ALIGNed to the 64-byte cache line) plus the aligned
// struct sk_buff and struct skb_shared_info.
inline int64_t skb_truesize(int64_t frame_bytes, int64_t headroom, int64_t overhead) {
  const int64_t data = frame_bytes + headroom;
  return ((data + 63) / 64) * 64 + overhead;
}

// What kmalloc really gives for `n` bytes (ksize): the SLUB size classes up to 8 KiB (powers of two
// and the 96- and 192-byte caches), whole pages (of a power-of-two order) above.
inline int64_t kmalloc_size(int64_t n) {
  if (n <= 96 && n > 64) return 96;
  if (n <= 192 && n > 128) return 192;
  int64_t s = 8;
  while (s < n) s *= 2;
  return s;
}

// truesize of the skb a loopback sender builds for a UDP datagram of `payload` bytes:
// udp_sendmsg -> ip_make_skb -> __ip_append_data (net/ipv4/ip_output.c) allocates the whole
// datagram linearly with sock_alloc_send_skb(alloclen + hh_len + 15), alloclen = IP + UDP headers +
// payload, hh_len = LL_RESERVED_SPACE(lo) = 16; __alloc_skb (net/core/skbuff.c) adds the aligned
// skb_shared_info (320) to the SKB_DATA_ALIGNed size, kmallocs it, and truesize is what kmalloc
// gave plus the aligned struct sk_buff (256). loopback_xmit keeps the skb (skb_orphan only drops the
// sender's charge). Since 6.3 a head of up to SKB_SMALL_HEAD_CACHE_SIZE (576 bytes on x86-64) comes
// from its own kmem_cache of that size instead of kmalloc-512 (net/core/skbuff.c kmalloc_reserve):
// a 64-byte datagram is charged 832 bytes in 6.18 (measured: docs/validation.md), 768 in 3.19.
inline int64_t loopback_skb_truesize(int64_t payload, bool small_head_cache) {
  const int64_t size = payload + 8 + 20 + 16 + 15;
  const int64_t head = ((size + 63) / 64) * 64 + 320;
  constexpr int64_t kSmallHeadCache = 576;
  if (small_head_cache && head <= kSmallHeadCache) return kSmallHeadCache + 256;
  return kmalloc_size(head) + 256;
}

} // namespace rxpath::model

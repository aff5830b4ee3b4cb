// A frame on its way up the stack: what the model needs of struct sk_buff.
#pragma once

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

} // namespace rxpath::model

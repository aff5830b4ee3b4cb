// Reads the UDP/IPv4 datagrams of a capture (pcap or pcapng, as tcpdump, Wireshark or
// `rxpath export --format pcap` write them) for the "pcap" traffic pattern.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace rxpath::model {

// A capture that cannot be replayed: the message names the file, the frame (from 1) or block and
// what was expected.
class CaptureError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct CapturedDatagram {
  int64_t t_ns = 0;        // capture time stamp, ns (the frame's arrival)
  int64_t frame_bytes = 0; // the frame's length on the wire (its first fragment's, if fragmented)
  int64_t payload = 0;     // UDP payload, bytes (from the UDP length field)
  uint32_t saddr = 0, daddr = 0;
  uint16_t sport = 0, dport = 0;
};

struct Capture {
  std::vector<CapturedDatagram> datagrams; // in capture order
  int64_t frames = 0;                      // every frame in the file
  int64_t skipped = 0; // frames that are not a UDP/IPv4 datagram's first fragment (ARP, IPv6, TCP, ...)
};

// Reads one record at a time: memory holds the datagrams' descriptions (~40 bytes each), not the
// file. Link types read: Ethernet (with 802.1Q tags), Linux cooked (SLL) and raw IPv4. Throws
// CaptureError for a file that is not a capture, is cut short, uses another link type, or holds
// a UDP/IPv4 frame whose headers the snapshot length cut.
Capture read_capture(const std::string& path);

} // namespace rxpath::model

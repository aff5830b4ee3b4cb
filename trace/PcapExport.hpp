// Converts an rxpath trace to a capture of the simulated frames, as the NIC received them: one
// record per rx_ring_dma (including the frames the ring missed), stamped with the arrival time,
// with the Ethernet, IPv4 and UDP headers rebuilt from the traffic source that sent it. A loopback
// trace is captured as tcpdump -i lo sees it: each datagram at its loopback_xmit. pcapng adds
// each frame's fate (delivered, or the drop reason and where) as a packet comment.
#pragma once

#include <cstdint>
#include <string>

namespace rxpath::trace {

struct PcapOptions {
  // Bytes of each frame stored (the headers need 42); the record keeps the frame's full length.
  // Whole frames by default, so that Wireshark can verify checksums and reassemble fragments.
  uint32_t snaplen = 65535;
  bool pcapng = false;
  // Seconds added to every timestamp (the simulation starts at 0).
  int64_t epoch_s = 0;
};

// Reads `in` once, keeping each frame's time, size and source and each packet's fate (a few tens
// of bytes per frame), then writes the frames in arrival order; returns the number of frames.
// Throws TraceError on a bad or truncated trace, leaving no output behind.
long export_pcap(const std::string& in, const std::string& out, const PcapOptions& opt = {});

} // namespace rxpath::trace

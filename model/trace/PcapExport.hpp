// Converts an rxpath trace to a pcap file of the simulated frames, as the NIC received them:
// one record per rx_ring_dma (including the frames the ring missed), stamped with the arrival
// time, with the Ethernet, IPv4 and UDP headers rebuilt from the traffic source that sent it.
#pragma once

#include <cstdint>
#include <string>

namespace rxpath::trace {

struct PcapOptions {
  // Bytes of each frame stored (the headers need 42); the record keeps the frame's full length.
  uint32_t snaplen = 128;
  // Seconds added to every timestamp (the simulation starts at 0).
  int64_t epoch_s = 0;
};

// Streams `in` twice (frames, then the fates that reveal bad checksums and lengths) and writes
// OUT.tmp, renamed when done; returns the number of frames. Throws TraceError on a bad trace.
long export_pcap(const std::string& in, const std::string& out, const PcapOptions& opt = {});

} // namespace rxpath::trace

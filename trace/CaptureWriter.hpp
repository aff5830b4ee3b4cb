// Writes Ethernet frames as a capture file: pcap (nanosecond stamps) or pcapng (one interface
// with nanosecond stamps, a comment per frame), for the pcap export.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace rxpath::trace {

class CaptureWriter {
public:
  // Writes the file header; `generator` is pcapng's shb_userappl.
  CaptureWriter(std::ostream& os, bool pcapng, uint32_t snaplen, const std::string& generator);
  // One frame (its first snaplen bytes kept, its full length recorded); the comment only in pcapng.
  void frame(uint64_t t_ns, const std::vector<uint8_t>& bytes, const std::string& comment);

private:
  std::ostream& os_;
  bool pcapng_;
  uint32_t snaplen_;
};

} // namespace rxpath::trace

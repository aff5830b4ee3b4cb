#include "CaptureWriter.hpp"

#include <algorithm>
#include <string_view>

namespace rxpath::trace {
namespace {

// The pcap savefile (https://www.tcpdump.org/manpages/pcap-savefile.5.html), nanosecond
// timestamps, LINKTYPE_ETHERNET.
constexpr uint32_t kPcapMagicNs = 0xa1b23c4d;
constexpr uint32_t kLinktypeEthernet = 1;

template <typename T>
void write_le(std::ostream& os, T v) {
  for (size_t i = 0; i < sizeof v; ++i)
    os.put(static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xff));
}

// The pcap savefile: a global header, then per frame a 16-byte record header and the bytes.
void pcap_header(std::ostream& os, uint32_t snaplen) {
  write_le<uint32_t>(os, kPcapMagicNs);
  write_le<uint16_t>(os, 2);
  write_le<uint16_t>(os, 4);
  write_le<int32_t>(os, 0);
  write_le<uint32_t>(os, 0);
  write_le<uint32_t>(os, snaplen);
  write_le<uint32_t>(os, kLinktypeEthernet);
}
void pcap_record(std::ostream& os, uint64_t t_ns, const std::vector<uint8_t>& bytes, uint32_t incl) {
  write_le<uint32_t>(os, static_cast<uint32_t>(t_ns / 1'000'000'000));
  write_le<uint32_t>(os, static_cast<uint32_t>(t_ns % 1'000'000'000));
  write_le<uint32_t>(os, incl);
  write_le<uint32_t>(os, static_cast<uint32_t>(bytes.size()));
  os.write(reinterpret_cast<const char*>(bytes.data()), incl);
}

// pcapng (draft-ietf-opsawg-pcapng): a Section Header Block, one Interface Description Block
// with nanosecond timestamps, then an Enhanced Packet Block per frame with an opt_comment.
void pad4(std::string& b) {
  while (b.size() % 4) b.push_back(0);
}
void put_le32(std::string& b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_le16(std::string& b, uint16_t v) {
  b.push_back(static_cast<char>(v & 0xff));
  b.push_back(static_cast<char>(v >> 8));
}
void option(std::string& b, uint16_t code, std::string_view value) {
  put_le16(b, code);
  put_le16(b, static_cast<uint16_t>(value.size()));
  b.append(value);
  pad4(b);
}
void block(std::ostream& os, uint32_t type, const std::string& body) {
  const auto total = static_cast<uint32_t>(12 + body.size());
  write_le<uint32_t>(os, type);
  write_le<uint32_t>(os, total);
  os.write(body.data(), static_cast<std::streamsize>(body.size()));
  write_le<uint32_t>(os, total);
}
void pcapng_header(std::ostream& os, uint32_t snaplen, const std::string& generator) {
  std::string shb;
  put_le32(shb, 0x1a2b3c4d); // byte-order magic
  put_le16(shb, 1);
  put_le16(shb, 0);
  put_le32(shb, 0xffffffff); // section length: not given
  put_le32(shb, 0xffffffff);
  option(shb, 4, generator); // shb_userappl
  option(shb, 0, "");
  block(os, 0x0a0d0d0a, shb);
  std::string idb;
  put_le16(idb, static_cast<uint16_t>(kLinktypeEthernet));
  put_le16(idb, 0);
  put_le32(idb, snaplen);
  option(idb, 9, std::string(1, '\x09')); // if_tsresol: 10^-9 s
  option(idb, 0, "");
  block(os, 0x00000001, idb);
}
void pcapng_record(std::ostream& os, uint64_t t_ns, const std::vector<uint8_t>& bytes, uint32_t incl,
                   const std::string& comment) {
  std::string epb;
  put_le32(epb, 0); // interface 0
  put_le32(epb, static_cast<uint32_t>(t_ns >> 32));
  put_le32(epb, static_cast<uint32_t>(t_ns & 0xffffffff));
  put_le32(epb, incl);
  put_le32(epb, static_cast<uint32_t>(bytes.size()));
  epb.append(reinterpret_cast<const char*>(bytes.data()), incl);
  pad4(epb);
  option(epb, 1, comment); // opt_comment
  option(epb, 0, "");
  block(os, 0x00000006, epb);
}

} // namespace

CaptureWriter::CaptureWriter(std::ostream& os, bool pcapng, uint32_t snaplen, const std::string& generator)
    : os_(os), pcapng_(pcapng), snaplen_(snaplen) {
  if (pcapng_)
    pcapng_header(os_, snaplen_, generator);
  else
    pcap_header(os_, snaplen_);
}

void CaptureWriter::frame(uint64_t t_ns, const std::vector<uint8_t>& bytes, const std::string& comment) {
  const auto incl = static_cast<uint32_t>(std::min<size_t>(bytes.size(), snaplen_));
  if (pcapng_)
    pcapng_record(os_, t_ns, bytes, incl, comment);
  else
    pcap_record(os_, t_ns, bytes, incl);
}

} // namespace rxpath::trace

#include "CaptureReader.hpp"

#include <fstream>

namespace rxpath::model {
namespace {

constexpr uint32_t kLinkEthernet = 1, kLinkRaw = 101, kLinkLinuxSll = 113, kLinkIpv4 = 228;
// Bounds on what one record or block may claim, so that a corrupt length cannot ask for gigabytes.
constexpr uint32_t kMaxFrame = 262144;    // tcpdump's largest snapshot length
constexpr uint32_t kMaxBlock = 16u << 20; // a packet block with options, a name resolution block

class Bytes {
public:
  Bytes(const std::string& d, bool big_endian) : d_(d), be_(big_endian) {}
  uint32_t u32(size_t o) const {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const auto b = static_cast<uint8_t>(d_[o + static_cast<size_t>(be_ ? i : 3 - i)]);
      v = v << 8 | b;
    }
    return v;
  }
  uint16_t u16(size_t o) const {
    const auto a = static_cast<uint8_t>(d_[o]), b = static_cast<uint8_t>(d_[o + 1]);
    return static_cast<uint16_t>(be_ ? (a << 8 | b) : (b << 8 | a));
  }
  void set_big_endian(bool be) { be_ = be; }

private:
  const std::string& d_;
  bool be_;
};

uint16_t net16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] << 8 | p[1]);
}
uint32_t net32(const uint8_t* p) {
  return uint32_t{net16(p)} << 16 | net16(p + 2);
}

class Parser {
public:
  explicit Parser(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void fail(const std::string& what) const { throw CaptureError(path_ + ": " + what); }
  [[noreturn]] void fail_frame(const std::string& what) const {
    throw CaptureError(path_ + ": frame " + std::to_string(out_.frames) + ": " + what);
  }

  // One captured frame: keeps it if it is a UDP/IPv4 datagram (or its first fragment).
  void frame(uint32_t linktype, int64_t t_ns, const uint8_t* p, size_t incl, int64_t orig_len) {
    ++out_.frames;
    size_t l2 = 0;
    uint16_t ethertype = 0x0800;
    if (linktype == kLinkEthernet) {
      if (incl < 14) fail_frame("captured " + std::to_string(incl) + " bytes: the Ethernet header is cut");
      l2 = 14;
      ethertype = net16(p + 12);
      while ((ethertype == 0x8100 || ethertype == 0x88a8) && incl >= l2 + 4) { // 802.1Q / 802.1ad tags
        ethertype = net16(p + l2 + 2);
        l2 += 4;
      }
    } else if (linktype == kLinkLinuxSll) {
      if (incl < 16) fail_frame("captured " + std::to_string(incl) + " bytes: the SLL header is cut");
      l2 = 16;
      ethertype = net16(p + 14);
    } else if (incl > 0 && (p[0] >> 4) != 4) {
      ethertype = 0; // raw IPv6
    }
    if (ethertype != 0x0800) return skip();
    const uint8_t* ip = p + l2;
    if (incl < l2 + 20)
      fail_frame("captured " + std::to_string(incl) +
                 " bytes: the IPv4 header is cut (the "
                 "capture's snapshot length is too small; capture with -s 0)");
    const size_t ihl = (ip[0] & 0x0f) * size_t{4};
    if ((ip[0] >> 4) != 4 || ihl < 20) fail_frame("an IPv4 ethertype with a malformed IPv4 header");
    if (ip[9] != 17) return skip();
    const uint16_t frag = net16(ip + 6);
    if ((frag & 0x1fff) != 0) return skip(); // a later fragment: the first one carries the datagram
    if (incl < l2 + ihl + 8)
      fail_frame("captured " + std::to_string(incl) + " bytes: the UDP header is cut (capture with -s 0)");
    const uint8_t* udp = ip + ihl;
    const uint16_t ulen = net16(udp + 4);
    if (ulen < 8) fail_frame("UDP length " + std::to_string(ulen) + " (expected at least the 8-byte header)");
    if (ulen - 8 > 65507) fail_frame("UDP payload of " + std::to_string(ulen - 8) + " bytes (at most 65507)");
    CapturedDatagram d;
    d.t_ns = t_ns;
    d.frame_bytes = orig_len;
    d.payload = ulen - 8;
    d.saddr = net32(ip + 12);
    d.daddr = net32(ip + 16);
    d.sport = net16(udp);
    d.dport = net16(udp + 2);
    out_.datagrams.push_back(d);
  }
  void skip() { ++out_.skipped; }

  void check_linktype(uint32_t lt) const {
    if (lt != kLinkEthernet && lt != kLinkRaw && lt != kLinkLinuxSll && lt != kLinkIpv4)
      fail("link type " + std::to_string(lt) +
           " is not supported (expected Ethernet 1, Linux cooked 113, or raw IPv4 101/228)");
  }

  // Reads n more bytes onto buf; false at a clean end of file (nothing read), fails if cut short.
  bool read(std::istream& in, std::string& buf, size_t n, const std::string& what) {
    const size_t at = buf.size();
    buf.resize(at + n);
    in.read(buf.data() + at, static_cast<std::streamsize>(n));
    const auto got = static_cast<size_t>(in.gcount());
    if (got == n) return true;
    if (got == 0 && at == 0) return false;
    fail("cut short in " + what);
  }

  // pcap (https://www.tcpdump.org/manpages/pcap-savefile.5.html), either byte order, µs or ns.
  // One record at a time: memory holds one frame, not the file.
  void pcap(std::istream& in, std::string d) {
    read(in, d, 20, "the pcap header");
    const uint32_t m = Bytes(d, false).u32(0);
    const Bytes hb(d, m == 0xd4c3b2a1 || m == 0x4d3cb2a1);
    const bool ns = hb.u32(0) == 0xa1b23c4d;
    const uint32_t lt = hb.u32(20) & 0x0fffffff;
    check_linktype(lt);
    std::string r;
    const Bytes b(r, m == 0xd4c3b2a1 || m == 0x4d3cb2a1);
    for (;;) {
      r.clear();
      const std::string which = "frame " + std::to_string(out_.frames + 1);
      if (!read(in, r, 16, "the header of " + which)) break;
      const uint32_t incl = b.u32(8), orig = b.u32(12);
      if (incl > kMaxFrame)
        fail(which + ": captured length " + std::to_string(incl) + " (expected at most " +
             std::to_string(kMaxFrame) + ")");
      read(in, r, incl, which);
      const int64_t t = int64_t{b.u32(0)} * 1'000'000'000 + int64_t{b.u32(4)} * (ns ? 1 : 1000);
      frame(lt, t, reinterpret_cast<const uint8_t*>(r.data() + 16), incl, orig);
    }
  }

  // pcapng (draft-ietf-opsawg-pcapng): sections, interfaces with if_tsresol, Enhanced and Simple
  // Packet Blocks; other blocks (statistics, name resolution, custom) are skipped. One block at a
  // time.
  void pcapng(std::istream& in, std::string first) {
    std::string d = std::move(first);
    Bytes b(d, false);
    struct Interface {
      uint32_t linktype;
      uint64_t units_per_s;
    };
    std::vector<Interface> ifs;
    int64_t at = 0; // file offset of the block, for messages
    for (;; d.clear()) {
      if (!read(in, d, d.empty() ? 8 : 4, "a block header at byte " + std::to_string(at))) break;
      const uint32_t type = b.u32(0);
      if (type == 0x0a0d0d0a) { // a section: its byte-order magic decides how the rest reads
        read(in, d, 4, "a Section Header Block");
        const uint32_t bom = Bytes(d, false).u32(8);
        if (bom != 0x1a2b3c4d && bom != 0x4d3c2b1a)
          fail("a Section Header Block with a bad byte-order magic");
        b.set_big_endian(bom == 0x4d3c2b1a);
        ifs.clear();
      }
      const uint32_t len = b.u32(4);
      if (len < 12 || len % 4 || len > kMaxBlock || len < d.size())
        fail("block at byte " + std::to_string(at) + ": length " + std::to_string(len) +
             " (expected a multiple of 4, 12 to " + std::to_string(kMaxBlock) + ")");
      read(in, d, len - d.size(), "the block at byte " + std::to_string(at));
      at += len;
      if (type == 1) {
        if (len < 20) fail("an Interface Description Block is cut short");
        Interface i{b.u16(8), 1'000'000};
        check_linktype(i.linktype);
        for (size_t p = 16; p + 4 <= len - 4;) {
          const uint16_t code = b.u16(p), olen = b.u16(p + 2);
          if (code == 0) break;
          if (code == 9 && olen >= 1) {
            const auto r = static_cast<uint8_t>(d[p + 4]);
            if ((r & 0x80) ? (r & 0x7f) > 63 : r > 19)
              fail("if_tsresol " + std::to_string(r) + " is out of range");
            i.units_per_s = 1;
            for (int k = 0; k < (r & 0x7f); ++k) i.units_per_s *= (r & 0x80) ? 2 : 10;
          }
          p += 4 + (olen + 3u) / 4 * 4;
        }
        ifs.push_back(i);
      }
      if (type == 6 || type == 3) {
        const bool epb = type == 6;
        if (ifs.empty()) fail("a packet block before any Interface Description Block");
        const uint32_t iface = epb ? b.u32(8) : 0;
        if (iface >= ifs.size())
          fail("a packet block names interface " + std::to_string(iface) + ", not described");
        const size_t hdr = epb ? 28 : 12;
        if (len < hdr + 4) fail("a packet block is cut short");
        const uint32_t incl = epb ? b.u32(20) : len - 16, orig = epb ? b.u32(24) : b.u32(8);
        if (hdr + incl + 4 > len)
          fail("frame " + std::to_string(out_.frames + 1) + ": longer than its block");
        int64_t t = 0;
        if (epb) {
          const uint64_t units = uint64_t{b.u32(12)} << 32 | b.u32(16);
          const uint64_t ups = ifs[iface].units_per_s;
          t = static_cast<int64_t>(units / ups * 1'000'000'000 + units % ups * 1'000'000'000 / ups);
        }
        frame(ifs[iface].linktype, t, reinterpret_cast<const uint8_t*>(d.data() + hdr), std::min(incl, orig),
              orig);
      }
    }
  }

  Capture run() {
    std::ifstream in(path_, std::ios::binary);
    if (!in) fail("cannot open the capture");
    std::string d;
    if (!read(in, d, 4, "its first bytes")) fail("the file is empty (expected a pcap or pcapng capture)");
    const uint32_t m = Bytes(d, false).u32(0);
    if (m == 0x0a0d0d0a)
      pcapng(in, d);
    else if (m == 0xa1b2c3d4 || m == 0xa1b23c4d || m == 0xd4c3b2a1 || m == 0x4d3cb2a1)
      pcap(in, d);
    else
      fail("not a pcap or pcapng capture (unknown magic number)");
    if (out_.datagrams.empty())
      fail("no UDP/IPv4 datagram among its " + std::to_string(out_.frames) + " frames: nothing to replay");
    return std::move(out_);
  }

private:
  std::string path_;
  Capture out_;
};

} // namespace

Capture read_capture(const std::string& path) {
  return Parser(path).run();
}

} // namespace rxpath::model

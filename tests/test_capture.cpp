// The capture reader behind "pattern": "pcap", on hand-built files in the variants real tools
// write: either byte order, µs and ns pcap, pcapng with its time resolutions, VLAN tags, Linux
// cooked and raw IPv4 link types, and the frames a replay skips.
#include "model/config/CaptureReader.hpp"

#include "RunRxpath.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace rxpath;

namespace {

struct Buf {
  std::string b;
  bool be = false;
  Buf& u8(unsigned v) {
    b.push_back(static_cast<char>(v));
    return *this;
  }
  Buf& u16(unsigned v) { return be ? u8(v >> 8).u8(v & 0xff) : u8(v & 0xff).u8(v >> 8); }
  Buf& u32(uint32_t v) { return be ? u16(v >> 16).u16(v & 0xffff) : u16(v & 0xffff).u16(v >> 16); }
  Buf& raw(const std::string& s) {
    b += s;
    return *this;
  }
  Buf& pad() {
    while (b.size() % 4) b.push_back(0);
    return *this;
  }
};

// Network byte order, whatever the file's.
std::string n16(unsigned v) {
  return {static_cast<char>(v >> 8), static_cast<char>(v & 0xff)};
}
std::string n32(uint32_t v) {
  return n16(v >> 16) + n16(v & 0xffff);
}

// IPv4 (+ UDP unless `protocol` says otherwise) with `payload` bytes of UDP payload.
std::string ipv4(uint32_t src, uint32_t dst, unsigned sport, unsigned dport, unsigned payload,
                 unsigned protocol = 17, unsigned frag = 0) {
  std::string ip = std::string("\x45\x00", 2) + n16(20 + 8 + payload) + n16(1) + n16(frag) + "\x40" +
                   static_cast<char>(protocol) + n16(0) + n32(src) + n32(dst);
  return ip + n16(sport) + n16(dport) + n16(8 + payload) + n16(0) + std::string(payload, '\0');
}
std::string ether(unsigned type, const std::string& l3) {
  return std::string(12, '\x02') + n16(type) + l3;
}

std::string write(const test::TempDir& dir, const std::string& name, const std::string& data) {
  const std::string p = dir.path + "/" + name;
  std::ofstream(p, std::ios::binary) << data;
  return p;
}

Buf pcap_file(bool be, bool ns, uint32_t linktype) {
  Buf f;
  f.be = be;
  f.u32(ns ? 0xa1b23c4d : 0xa1b2c3d4).u16(2).u16(4).u32(0).u32(0).u32(65535).u32(linktype);
  return f;
}
void pcap_frame(Buf& f, uint32_t s, uint32_t frac, const std::string& frame) {
  f.u32(s)
      .u32(frac)
      .u32(static_cast<uint32_t>(frame.size()))
      .u32(static_cast<uint32_t>(frame.size()))
      .raw(frame);
}

constexpr uint32_t kA = 0x0a000002, kB = 0x0a000001; // 10.0.0.2, 10.0.0.1

} // namespace

TEST_CASE("capture reader: big-endian µs pcap with VLAN tags, skipping ARP, IPv6, TCP and later fragments",
          "[capture]") {
  test::TempDir dir;
  Buf f = pcap_file(true, false, 1);
  pcap_frame(f, 100, 5, ether(0x0800, ipv4(kA, kB, 5000, 9000, 100)));
  pcap_frame(f, 100, 7, ether(0x0806, std::string(28, '\0')));                               // ARP
  pcap_frame(f, 100, 9, ether(0x86dd, std::string(48, '\0')));                               // IPv6
  pcap_frame(f, 100, 11, ether(0x0800, ipv4(kA, kB, 5000, 80, 10, 6)));                      // TCP
  pcap_frame(f, 100, 13, ether(0x0800, ipv4(kA, kB, 5000, 9000, 10, 17, 185)));              // offset 1480
  pcap_frame(f, 101, 0, ether(0x8100, n16(42) + n16(0x0800) + ipv4(kB, kA, 53, 4242, 300))); // 802.1Q
  const auto c = model::read_capture(write(dir, "be.pcap", f.b));
  CHECK(c.frames == 6);
  CHECK(c.skipped == 4);
  REQUIRE(c.datagrams.size() == 2);
  CHECK(c.datagrams[0].t_ns == 100'000'005'000);
  CHECK(c.datagrams[0].payload == 100);
  CHECK(c.datagrams[0].saddr == kA);
  CHECK(c.datagrams[0].dport == 9000);
  CHECK(c.datagrams[1].t_ns == 101'000'000'000);
  CHECK(c.datagrams[1].payload == 300);
  CHECK(c.datagrams[1].saddr == kB);
  CHECK(c.datagrams[1].sport == 53);
  CHECK(c.datagrams[1].dport == 4242);
}

TEST_CASE("capture reader: Linux cooked and raw IPv4 link types, nanosecond stamps", "[capture]") {
  test::TempDir dir;
  Buf sll = pcap_file(false, true, 113);
  pcap_frame(sll, 1, 999'999'999, std::string(14, '\0') + n16(0x0800) + ipv4(kA, kB, 1, 2, 7));
  auto c = model::read_capture(write(dir, "sll.pcap", sll.b));
  REQUIRE(c.datagrams.size() == 1);
  CHECK(c.datagrams[0].t_ns == 1'999'999'999);
  CHECK(c.datagrams[0].payload == 7);

  Buf raw = pcap_file(false, true, 101);
  pcap_frame(raw, 0, 10, ipv4(kA, kB, 1, 2, 0));
  c = model::read_capture(write(dir, "raw.pcap", raw.b));
  REQUIRE(c.datagrams.size() == 1);
  CHECK(c.datagrams[0].payload == 0);
}

TEST_CASE("capture reader: pcapng with the default µs resolution and a power-of-two one", "[capture]") {
  test::TempDir dir;
  Buf f;
  auto block = [&](uint32_t type, const std::string& body) {
    Buf b;
    b.raw(body).pad();
    f.u32(type)
        .u32(static_cast<uint32_t>(b.b.size() + 12))
        .raw(b.b)
        .u32(static_cast<uint32_t>(b.b.size() + 12));
  };
  Buf shb;
  shb.u32(0x1a2b3c4d).u16(1).u16(0).u32(0xffffffff).u32(0xffffffff);
  block(0x0a0d0d0a, shb.b);
  Buf idb0; // no if_tsresol: microseconds
  idb0.u16(1).u16(0).u32(65535);
  block(1, idb0.b);
  Buf idb1; // if_tsresol 0x8a: 2^-10 s
  idb1.u16(1).u16(0).u32(65535).u16(9).u16(1).u8(0x8a).pad().u16(0).u16(0);
  block(1, idb1.b);
  auto epb = [&](uint32_t iface, uint64_t ts, const std::string& frame) {
    Buf e;
    e.u32(iface).u32(static_cast<uint32_t>(ts >> 32)).u32(static_cast<uint32_t>(ts));
    e.u32(static_cast<uint32_t>(frame.size())).u32(static_cast<uint32_t>(frame.size())).raw(frame).pad();
    block(6, e.b);
  };
  epb(0, 2'500'000, ether(0x0800, ipv4(kA, kB, 1, 9000, 64)));
  block(5, std::string(8, '\0')); // an Interface Statistics Block: skipped
  epb(1, 3 * 1024 + 512, ether(0x0800, ipv4(kA, kB, 1, 9000, 65)));
  const auto c = model::read_capture(write(dir, "x.pcapng", f.b));
  REQUIRE(c.datagrams.size() == 2);
  CHECK(c.datagrams[0].t_ns == 2'500'000'000);
  CHECK(c.datagrams[1].t_ns == 3'500'000'000);
  CHECK(c.datagrams[1].payload == 65);
}

TEST_CASE("capture reader: what cannot be replayed names the file and the frame", "[capture]") {
  test::TempDir dir;
  Buf cut = pcap_file(false, true, 1);
  pcap_frame(cut, 0, 0, ether(0x0800, ipv4(kA, kB, 1, 2, 10)).substr(0, 30)); // snaplen 30: IP header cut
  CHECK_THROWS_WITH(model::read_capture(write(dir, "cut.pcap", cut.b)),
                    Catch::Contains("cut.pcap: frame 1") && Catch::Contains("IPv4 header is cut"));
  Buf wifi = pcap_file(false, true, 105);
  CHECK_THROWS_WITH(model::read_capture(write(dir, "wifi.pcap", wifi.b)),
                    Catch::Contains("wifi.pcap") && Catch::Contains("link type 105"));
  Buf empty = pcap_file(false, true, 1);
  CHECK_THROWS_WITH(model::read_capture(write(dir, "empty.pcap", empty.b)),
                    Catch::Contains("no UDP/IPv4 datagram among its 0 frames"));
  Buf shortrec = pcap_file(false, true, 1);
  shortrec.u32(0).u32(0).u32(100).u32(100).raw("abc");
  CHECK_THROWS_WITH(model::read_capture(write(dir, "short.pcap", shortrec.b)),
                    Catch::Contains("short.pcap: cut short in frame 1"));
}

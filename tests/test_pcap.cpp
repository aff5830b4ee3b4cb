// `rxpath export --format pcap`: the frames as the NIC received them, read back with the tests'
// own pcap reader (and with tshark where it is installed).
#include "RunRxpath.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <set>

using namespace rxpath;

namespace {

// A minimal reader of the pcap savefile format, independent of the exporter's code.
struct PcapRecord {
  int64_t t_ns = 0;
  uint32_t orig_len = 0;
  std::string bytes; // the captured part
};
struct Pcap {
  uint32_t magic = 0, snaplen = 0, linktype = 0;
  std::vector<PcapRecord> records;
};

uint32_t le32(const std::string& s, size_t o) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = v << 8 | static_cast<uint8_t>(s[o + static_cast<size_t>(i)]);
  return v;
}
uint32_t be16(const std::string& s, size_t o) {
  return static_cast<uint32_t>(static_cast<uint8_t>(s[o]) << 8 | static_cast<uint8_t>(s[o + 1]));
}

Pcap read_pcap(const std::string& path) {
  const std::string d = test::read_file(path);
  REQUIRE(d.size() >= 24);
  Pcap p;
  p.magic = le32(d, 0);
  p.snaplen = le32(d, 16);
  p.linktype = le32(d, 20);
  size_t o = 24;
  while (o < d.size()) {
    REQUIRE(o + 16 <= d.size());
    PcapRecord r;
    r.t_ns = int64_t{le32(d, o)} * 1'000'000'000 + le32(d, o + 4);
    const uint32_t incl = le32(d, o + 8);
    r.orig_len = le32(d, o + 12);
    REQUIRE(o + 16 + incl <= d.size());
    r.bytes = d.substr(o + 16, incl);
    p.records.push_back(std::move(r));
    o += 16 + incl;
  }
  return p;
}

// RFC 1071 over an IPv4 header: 0xffff when the checksum in it is right.
uint32_t ip_header_sum(const std::string& frame) {
  uint32_t s = 0;
  for (size_t i = 14; i < 34; i += 2) s += be16(frame, i);
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return s;
}

} // namespace

TEST_CASE("export --format pcap: one record per frame at its NIC arrival, headers as sent", "[cli]") {
  auto r = test::run_rxpath("run " + test::scenario("bad-checksum") + " --set traffic.0.count=400 " +
                            "--set traffic.1.count=400 -o t.jsonl -q");
  REQUIRE(r.exit_code == 0);
  auto e = test::run_rxpath("export " + r.dir + "/t.jsonl --format pcap -o " + r.dir + "/t.pcap");
  REQUIRE(e.exit_code == 0);
  const auto tr = test::load_trace(r.dir + "/t.jsonl");
  const auto pcap = read_pcap(r.dir + "/t.pcap");
  CHECK(pcap.magic == 0xa1b23c4d); // nanosecond timestamps
  CHECK(pcap.linktype == 1);       // Ethernet

  // The trace's frames in arrival order, and the datagrams dropped for a bad IP checksum.
  std::vector<const trace::Event*> dma;
  std::map<int64_t, trace::DropReason> fate;
  for (const auto& ev : tr.events) {
    if (ev.fn == trace::Fn::RxRingDma) dma.push_back(&ev);
    if (ev.kind == trace::Kind::Drop) fate[ev.pkt] = ev.reason;
  }
  std::stable_sort(dma.begin(), dma.end(), [](auto* a, auto* b) { return a->t < b->t; });
  REQUIRE(pcap.records.size() == dma.size());
  const auto& traffic = tr.header["scenario"]["traffic"];
  int bad_ip = 0;
  for (size_t i = 0; i < dma.size(); ++i) {
    const auto& rec = pcap.records[i];
    INFO("frame " << i << ", packet " << dma[i]->pkt);
    CHECK(rec.t_ns == dma[i]->t);
    CHECK(rec.orig_len == dma[i]->bytes);
    REQUIRE(rec.bytes.size() >= 42);
    CHECK(be16(rec.bytes, 12) == 0x0800);                                      // IPv4
    CHECK(be16(rec.bytes, 18) == static_cast<uint32_t>(dma[i]->pkt & 0xffff)); // IP id = packet id
    const auto dst = traffic[dma[i]->flow]["dst"].get<std::string>();
    CHECK(std::to_string(be16(rec.bytes, 36)) == dst.substr(dst.find(':') + 1)); // UDP dport
    const bool bad = fate.count(dma[i]->pkt) && fate[dma[i]->pkt] == trace::DropReason::IpCsum;
    CHECK((ip_header_sum(rec.bytes) == 0xffff) == !bad);
    bad_ip += bad;
  }
  CHECK(bad_ip > 0); // the scenario has bad IP checksums: they show as such

  // An old trace without flows, or a missing one, is refused with the file named; nothing written.
  auto miss = test::run_rxpath("export " + r.dir + "/none.jsonl --format pcap -o " + r.dir + "/n.pcap");
  CHECK(miss.exit_code == 2);
  CHECK_THAT(miss.err, Catch::Contains("none.jsonl"));
  CHECK_FALSE(test::file_exists(r.dir + "/n.pcap"));
  CHECK_FALSE(test::file_exists(r.dir + "/n.pcap.tmp"));
}

TEST_CASE("export --format pcap: fragments carry their offsets, and tshark reads the file if installed",
          "[cli]") {
  auto r = test::run_rxpath("run " + test::scenario("fragments") + " --set traffic.0.count=50 -o f.jsonl -q");
  REQUIRE(r.exit_code == 0);
  auto e = test::run_rxpath("export " + r.dir + "/f.jsonl --format pcap -o " + r.dir + "/f.pcap");
  REQUIRE(e.exit_code == 0);
  const auto pcap = read_pcap(r.dir + "/f.pcap");
  // Per IP id: the fragment offsets (×8 bytes) and whether the last one clears More Fragments.
  std::map<uint32_t, std::vector<uint32_t>> frags;
  for (const auto& rec : pcap.records) frags[be16(rec.bytes, 18)].push_back(be16(rec.bytes, 20));
  REQUIRE(!frags.empty());
  for (const auto& [id, f] : frags) {
    INFO("IP id " << id);
    REQUIRE(f.size() == 3); // 4000-byte datagrams at MTU 1500
    CHECK(f[0] == 0x2000);
    CHECK(f[1] == (0x2000 | 185)); // 1480 / 8
    CHECK(f[2] == 370);            // MF clear
  }

  if (std::system("command -v tshark >/dev/null 2>&1") != 0) {
    WARN("tshark is not installed: the file was checked with the tests' own reader only");
    return;
  }
  const std::string cmd = "tshark -r " + r.dir + "/f.pcap -T fields -e ip.id -e ip.frag_offset 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  REQUIRE(p);
  char line[256];
  size_t n = 0;
  while (fgets(line, sizeof line, p.get())) ++n;
  CHECK(n == pcap.records.size());
}

namespace {

// RFC 768 over the pseudo-header and the whole UDP datagram: 0xffff when the checksum is right.
uint32_t udp_sum(const std::string& frame) {
  const uint32_t ulen = be16(frame, 38);
  uint32_t s = be16(frame, 26) + be16(frame, 28) + be16(frame, 30) + be16(frame, 32) + 17 + ulen;
  for (size_t i = 34; i + 1 < 34 + ulen && i + 1 < frame.size(); i += 2) s += be16(frame, i);
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return s;
}

// A minimal pcapng reader (draft-ietf-opsawg-pcapng): the interface's time resolution and, per
// Enhanced Packet Block, the time, lengths, bytes and opt_comment.
struct PcapngRecord {
  int64_t t_ns = 0;
  uint32_t orig_len = 0;
  std::string bytes, comment;
};
struct Pcapng {
  uint32_t linktype = 0;
  int tsresol = 6;
  std::vector<PcapngRecord> records;
};

Pcapng read_pcapng(const std::string& path) {
  const std::string d = test::read_file(path);
  Pcapng p;
  size_t o = 0;
  REQUIRE(d.size() >= 28);
  REQUIRE(le32(d, 0) == 0x0a0d0d0a);
  REQUIRE(le32(d, 8) == 0x1a2b3c4d);
  while (o < d.size()) {
    REQUIRE(o + 12 <= d.size());
    const uint32_t type = le32(d, o), len = le32(d, o + 4);
    REQUIRE(len % 4 == 0);
    REQUIRE(o + len <= d.size());
    REQUIRE(le32(d, o + len - 4) == len);
    auto options = [&](size_t from, size_t to, auto&& each) {
      while (from + 4 <= to) {
        const uint32_t code = le32(d, from) & 0xffff, olen = le32(d, from) >> 16;
        if (code == 0) break;
        each(code, d.substr(from + 4, olen));
        from += 4 + (olen + 3) / 4 * 4;
      }
    };
    if (type == 1) {
      p.linktype = le32(d, o + 8) & 0xffff;
      options(o + 16, o + len - 4, [&](uint32_t c, const std::string& v) {
        if (c == 9) p.tsresol = static_cast<uint8_t>(v[0]);
      });
    }
    if (type == 6) {
      PcapngRecord r;
      r.t_ns = static_cast<int64_t>(uint64_t{le32(d, o + 12)} << 32 | le32(d, o + 16));
      const uint32_t incl = le32(d, o + 20);
      r.orig_len = le32(d, o + 24);
      r.bytes = d.substr(o + 28, incl);
      options(o + 28 + (incl + 3) / 4 * 4, o + len - 4, [&](uint32_t c, const std::string& v) {
        if (c == 1) r.comment = v;
      });
      p.records.push_back(std::move(r));
    }
    o += len;
  }
  return p;
}

} // namespace

TEST_CASE("export --format pcap: whole frames by default, so bad UDP checksums show", "[cli]") {
  auto r = test::run_rxpath("run " + test::scenario("bad-checksum") + " --set traffic.0.count=400 " +
                            "--set traffic.1.count=400 -o t.jsonl -q");
  REQUIRE(r.exit_code == 0);
  auto e = test::run_rxpath("export " + r.dir + "/t.jsonl --format pcap -o " + r.dir + "/t.pcap");
  REQUIRE(e.exit_code == 0);
  const auto tr = test::load_trace(r.dir + "/t.jsonl");
  std::map<int64_t, trace::DropReason> fate;
  for (const auto& ev : tr.events)
    if (ev.kind == trace::Kind::Drop) fate[ev.pkt] = ev.reason;
  const auto pcap = read_pcap(r.dir + "/t.pcap");
  CHECK(pcap.snaplen >= 65535);
  int bad_udp = 0;
  for (const auto& rec : pcap.records) {
    REQUIRE(rec.bytes.size() == rec.orig_len);
    const auto pkt = static_cast<int64_t>(be16(rec.bytes, 18)); // < 65536 packets here
    INFO("packet " << pkt);
    if (fate.count(pkt) && fate[pkt] == trace::DropReason::PktTooSmall) {
      CHECK(be16(rec.bytes, 38) == be16(rec.bytes, 16) - 20 + 1); // UDP length one byte past the packet
      continue;
    }
    const bool bad = fate.count(pkt) && fate[pkt] == trace::DropReason::UdpCsum;
    CHECK((udp_sum(rec.bytes) == 0xffff) == !bad);
    bad_udp += bad;
  }
  CHECK(bad_udp > 0);

  // tcpdump, where installed, verifies the same checksums independently.
  if (std::system("command -v tcpdump >/dev/null 2>&1") != 0) {
    WARN("tcpdump is not installed: checksums were checked with the tests' own code only");
    return;
  }
  const std::string cmd = "tcpdump -nn -vv -r " + r.dir + "/t.pcap 2>/dev/null | grep -c 'bad udp cksum'";
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  REQUIRE(p);
  char line[64] = {};
  REQUIRE(fgets(line, sizeof line, p.get()));
  CHECK(std::atoi(line) == bad_udp);
}

TEST_CASE("export --format pcapng: each frame's fate as its packet comment", "[cli]") {
  auto r =
      test::run_rxpath("run " + test::scenario("flood-1m") + " --set traffic.0.count=3000 -o t.jsonl -q");
  REQUIRE(r.exit_code == 0);
  auto e = test::run_rxpath("export " + r.dir + "/t.jsonl --format pcapng -o " + r.dir + "/t.pcapng");
  REQUIRE(e.exit_code == 0);
  const auto tr = test::load_trace(r.dir + "/t.jsonl");
  const auto p = read_pcapng(r.dir + "/t.pcapng");
  CHECK(p.linktype == 1);
  CHECK(p.tsresol == 9);
  std::vector<const trace::Event*> dma;
  std::map<int64_t, std::string> fate;
  for (const auto& ev : tr.events) {
    if (ev.fn == trace::Fn::RxRingDma) dma.push_back(&ev);
    if (ev.kind == trace::Kind::Drop) fate[ev.pkt] = "dropped " + std::string(trace::to_string(ev.reason));
    if (ev.kind == trace::Kind::Deliver) fate[ev.pkt] = "delivered";
  }
  std::stable_sort(dma.begin(), dma.end(), [](auto* a, auto* b) { return a->t < b->t; });
  REQUIRE(p.records.size() == dma.size());
  std::map<std::string, int> seen;
  for (size_t i = 0; i < dma.size(); ++i) {
    INFO("frame " << i << ": " << p.records[i].comment);
    CHECK(p.records[i].t_ns == dma[i]->t);
    CHECK_THAT(p.records[i].comment, Catch::StartsWith("rxpath pkt " + std::to_string(dma[i]->pkt) + ":"));
    CHECK_THAT(p.records[i].comment, Catch::Contains(fate[dma[i]->pkt]));
    ++seen[fate[dma[i]->pkt]];
  }
  // The flood both delivers and overruns the ring: the capture tells the two apart.
  CHECK(seen["delivered"] > 0);
  CHECK(seen["dropped NIC_RING_FULL"] > 0);

  if (std::system("command -v tcpdump >/dev/null 2>&1") != 0) {
    WARN("tcpdump is not installed: the file was checked with the tests' own reader only");
    return;
  }
  const std::string cmd = "tcpdump -nn -r " + r.dir + "/t.pcapng 2>/dev/null | grep -c ' UDP, length '";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  REQUIRE(pipe);
  char line[64] = {};
  REQUIRE(fgets(line, sizeof line, pipe.get()));
  CHECK(static_cast<size_t>(std::atoi(line)) == p.records.size());
}

TEST_CASE("export --format pcap: a loopback trace as tcpdump -i lo sees it", "[cli]") {
  auto r = test::run_rxpath("run " + test::scenario("loopback") + " --set traffic.0.count=50 -o t.jsonl -q");
  REQUIRE(r.exit_code == 0);
  auto e = test::run_rxpath("export " + r.dir + "/t.jsonl --format pcap -o " + r.dir + "/t.pcap");
  REQUIRE(e.exit_code == 0);
  const auto tr = test::load_trace(r.dir + "/t.jsonl");
  std::vector<int64_t> xmit;
  for (const auto& ev : tr.events)
    if (ev.fn == trace::Fn::LoopbackXmit) xmit.push_back(ev.t);
  std::sort(xmit.begin(), xmit.end());
  const auto pcap = read_pcap(r.dir + "/t.pcap");
  REQUIRE(xmit.size() == 50);
  REQUIRE(pcap.records.size() == 50);
  for (size_t i = 0; i < xmit.size(); ++i) {
    CHECK(pcap.records[i].t_ns == xmit[i]);
    CHECK(pcap.records[i].bytes.substr(0, 12) == std::string(12, '\0')); // lo: zero MACs
    CHECK(be16(pcap.records[i].bytes, 36) == 9000);
    CHECK(ip_header_sum(pcap.records[i].bytes) == 0xffff);
  }
}

TEST_CASE("export --format pcap: a header with an impossible MTU is refused, naming the key", "[cli]") {
  auto r = test::run_rxpath("run " + test::scenario("walkthrough") + " -o t.jsonl -q");
  REQUIRE(r.exit_code == 0);
  std::ifstream in(r.dir + "/t.jsonl");
  std::string header, rest, l;
  std::getline(in, header);
  while (std::getline(in, l)) rest += l + "\n";
  auto h = nlohmann::json::parse(header);
  h["scenario"]["traffic"][0]["mtu_bytes"] = 20;
  std::ofstream(r.dir + "/m.jsonl") << h.dump() << "\n" << rest;
  auto e = test::run_rxpath("export " + r.dir + "/m.jsonl --format pcap -o " + r.dir + "/m.pcap");
  CHECK(e.exit_code == 2);
  CHECK_THAT(e.err, Catch::Contains("m.jsonl:1") && Catch::Contains("traffic[0].mtu_bytes"));
  CHECK_FALSE(test::file_exists(r.dir + "/m.pcap"));
}

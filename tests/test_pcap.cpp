// `rxpath export --format pcap`: the frames as the NIC received them, read back with the tests'
// own pcap reader (and with tshark where it is installed).
#include "RunRxpath.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>

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

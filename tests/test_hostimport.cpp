// rxpath import-host's parsers and rules (model/config/HostImport): ethtool 6.1 outputs of an
// mlx5 host (tests/hostimport/mlx5: 8 combined channels, 1024 ring, adaptive RX on, a 40-byte key,
// a 128-entry table) and of a one-queue 8139too host (tests/hostimport/rtl8139), then random and
// truncated inputs, which must give named notes and never a crash or a fragment the loader rejects.
#include "RunRxpath.hpp"

#include "model/config/HostImport.hpp"
#include "model/config/ScenarioLoader.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <random>
#include <set>

using namespace rxpath;
using namespace rxpath::model::host;
using nlohmann::json;

namespace {

const std::string kFixtures = std::string(RXPATH_SOURCE_DIR) + "/tests/hostimport/";

std::string fixture(const std::string& host, const std::string& file) {
  return test::read_file(kFixtures + host + "/" + file);
}

// The agreed scenario key names (ISSUE12-KEYS.md), written out here rather than taken from the code.
const std::vector<std::string> kAgreedKeys{
    "/kernel",
    "/cpus",
    "/hz",
    "/sysctl/net.core.netdev_budget",
    "/sysctl/net.core.netdev_budget_usecs",
    "/sysctl/net.core.dev_weight",
    "/sysctl/net.core.netdev_max_backlog",
    "/sysctl/net.core.rmem_default",
    "/sysctl/net.core.rmem_max",
    "/sysctl/net.core.busy_read",
    "/sysctl/net.core.busy_poll",
    "/sysctl/net.ipv4.ip_early_demux",
    "/sysctl/net.ipv4.ipfrag_time",
    "/nic/driver",
    "/nic/queues",
    "/nic/ring_size",
    "/nic/rx_usecs",
    "/nic/rx_frames",
    "/nic/adaptive_rx",
    "/nic/irq_cpu",
    "/nic/irq_cpus",
    "/nic/rss/hash_fields",
    "/nic/rss/key",
    "/nic/rss/indirection",
    "/nic/gro",
    "/nic/threaded",
    "/nic/napi_defer_hard_irqs",
    "/nic/gro_flush_timeout_ns",
    "/nic/rps_cpus",
    "/nic/napi_weight",
};
// What a host can tell that this rxpath does not model yet: read, named in a note with its value,
// and left out of the fragment (the scenario schema has no key for it).
const std::vector<std::string> kNotModelled{"/sysctl/net.core.busy_read",
                                            "/sysctl/net.core.busy_poll",
                                            "/nic/adaptive_rx",
                                            "/nic/gro",
                                            "/nic/threaded",
                                            "/nic/napi_defer_hard_irqs",
                                            "/nic/gro_flush_timeout_ns"};

// The note that names an unmodelled key and its value.
std::string note_of(const ImportResult& r, const std::string& key) {
  for (const auto& n : r.notes)
    if (n.keys == std::vector<std::string>{key}) return n.text;
  return "";
}

std::set<std::string> sorted(const std::vector<std::string>& v) {
  return {v.begin(), v.end()};
}

// Every agreed key the import did not write is named by a note.
void check_every_key_accounted_for(const ImportResult& r) {
  std::set<std::string> seen = sorted(fragment_keys(r.fragment));
  for (const auto& n : r.notes)
    for (const auto& k : n.keys) {
      CHECK(std::find(kAgreedKeys.begin(), kAgreedKeys.end(), k) != kAgreedKeys.end());
      seen.insert(k);
    }
  for (const auto& k : kAgreedKeys) {
    INFO("key " << k);
    CHECK(seen.count(k) == 1);
  }
}

// The fragment overlaid on a base scenario whose receiver is on CPU 0 (so a one-CPU host is a
// valid one) must load.
void check_loads(const json& f) {
  json base = json::parse(test::read_file(test::scenario("default")), nullptr, true, true);
  base["receivers"][0]["cpu"] = 0;
  const auto merged = overlay(base, f);
  INFO(merged.dump());
  CHECK_NOTHROW(model::load_scenario_text(merged.dump(), "merged.json"));
}

// A DirSource whose every file goes through `mutate` (truncation, garbage) first.
class Mutated : public HostSource {
public:
  Mutated(const std::string& dir, std::function<void(std::string&)> m) : inner_(dir), mutate_(std::move(m)) {}
  Read read(Item item, const std::string& arg) override {
    auto r = inner_.read(item, arg);
    if (r.ok) mutate_(r.text);
    return r;
  }
  std::string dev() const override { return inner_.dev(); }

private:
  DirSource inner_;
  std::function<void(std::string&)> mutate_;
};

// A source with every item given in a map (item, arg) -> text; anything else is missing.
class MapSource : public HostSource {
public:
  std::map<std::pair<Item, std::string>, std::string> files;
  std::string name = "eth0";
  Read read(Item item, const std::string& arg) override {
    Read r;
    r.source = "item " + std::to_string(static_cast<int>(item)) + " " + arg;
    auto it = files.find({item, arg});
    if (it == files.end()) {
      r.error = "missing";
      return r;
    }
    r.ok = true;
    r.text = it->second;
    return r;
  }
  std::string dev() const override { return name; }
};

std::string random_bytes(std::mt19937_64& rng, size_t max_len) {
  std::uniform_int_distribution<size_t> len(0, max_len);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string s(len(rng), '\0');
  for (auto& c : s) c = static_cast<char>(byte(rng));
  return s;
}

} // namespace

TEST_CASE("import-host: ethtool 6.1 outputs of an mlx5 NIC are read", "[hostimport][quick]") {
  const auto l = parse_ethtool_channels(fixture("mlx5", "ethtool-l.txt"));
  CHECK(l.error.empty());
  CHECK(l.combined == 8); // the current setting, not the pre-set maximum (63)
  CHECK(!l.rx);

  const auto g = parse_ethtool_rings(fixture("mlx5", "ethtool-g.txt"));
  CHECK(g.error.empty());
  CHECK(g.rx == 1024);

  const auto c = parse_ethtool_coalesce(fixture("mlx5", "ethtool-c.txt"));
  CHECK(c.error.empty());
  CHECK(c.adaptive_rx == true);
  CHECK(c.rx_usecs == 8);
  CHECK(c.rx_frames == 128);

  const auto x = parse_ethtool_rxfh(fixture("mlx5", "ethtool-x.txt"));
  CHECK(x.table_error.empty());
  CHECK(x.key_error.empty());
  CHECK(x.rings == 8);
  REQUIRE(x.indirection.size() == 256);
  for (size_t i = 0; i < x.indirection.size(); ++i) CHECK(x.indirection[i] == static_cast<int64_t>(i % 8));
  CHECK(x.key.size() == 40 * 3 - 1);
  CHECK(x.key.substr(0, 8) == "6d:5a:56");

  const auto k = parse_ethtool_features(fixture("mlx5", "ethtool-k.txt"));
  CHECK(k.error.empty());
  CHECK(k.active.at("generic-receive-offload") == true);
  CHECK(k.active.at("large-receive-offload") == false);
  CHECK(k.active.at("tx-checksum-ipv4") == false); // an indented child, "[fixed]"

  const auto i = parse_ethtool_drvinfo(fixture("mlx5", "ethtool-i.txt"));
  CHECK(i.driver == "mlx5_core");
  CHECK(i.bus_info == "0000:3b:00.0");

  CHECK(parse_ethtool_flow_hash(fixture("mlx5", "ethtool-n-udp4.txt")).fields == "l4");
  CHECK(parse_ethtool_flow_hash(
            "UDP over IPV4 flows use these fields for computing Hash flow key:\nIP SA\nIP DA\n\n")
            .fields == "l3");
  CHECK_THAT(
      parse_ethtool_flow_hash("UDP over IPV4 flows use these fields for computing Hash flow key:\nIP SA\n\n")
          .error,
      Catch::Contains("neither l3"));
}

TEST_CASE("import-host: an operation the driver lacks is named, not guessed", "[hostimport][quick]") {
  CHECK_THAT(parse_ethtool_channels("netlink error: Operation not supported\n").error,
             Catch::Contains("Current hardware settings") && Catch::Contains("Operation not supported"));
  const auto x = parse_ethtool_rxfh("RX flow hash indirection table for eth0 with 1 RX ring(s):\n"
                                    "Operation not supported\nRSS hash key:\nOperation not supported\n"
                                    "RSS hash function:\n    Operation not supported\n");
  CHECK(x.indirection.empty());
  CHECK_THAT(x.table_error, Catch::Contains("no indirection table"));
  CHECK_THAT(x.key_error, Catch::Contains("no hash key"));
  // A row missing in the middle of the table: no table rather than a wrong one.
  std::string t = fixture("mlx5", "ethtool-x.txt");
  const auto row = t.find("   16:");
  t.erase(row, t.find('\n', row) + 1 - row);
  const auto gap = parse_ethtool_rxfh(t);
  CHECK(gap.indirection.empty());
  CHECK_THAT(gap.table_error, Catch::Contains("entry 24 follows 16"));
  CHECK(gap.key_error.empty());
}

TEST_CASE("import-host: CPU lists and masks", "[hostimport][quick]") {
  CHECK(parse_cpu_list("0-3,8,10-11\n") == std::vector<int64_t>{0, 1, 2, 3, 8, 10, 11});
  CHECK(parse_cpu_list("5") == std::vector<int64_t>{5});
  CHECK(!parse_cpu_list("3-1"));
  CHECK(!parse_cpu_list("0,,1"));
  CHECK(!parse_cpu_list("0-"));
  CHECK(!parse_cpu_list("a"));
  CHECK(parse_cpu_mask("0\n") == std::vector<int64_t>{});
  CHECK(parse_cpu_mask("00f0") == std::vector<int64_t>{4, 5, 6, 7});
  CHECK(parse_cpu_mask("00000001,00000000") == std::vector<int64_t>{32});
  CHECK(parse_cpu_mask("80000000,00000000,00000003") == std::vector<int64_t>{0, 1, 95});
  CHECK(!parse_cpu_mask("123456789"));
  CHECK(!parse_cpu_mask("0x3"));
  CHECK(!parse_cpu_mask("1,"));

  // Random CPU sets written as %*pb (32-bit groups, most significant first) and as a cpulist.
  std::mt19937_64 rng(Catch::rngSeed());
  for (int round = 0; round < 200; ++round) {
    const int ncpu = std::uniform_int_distribution<int>(1, 200)(rng);
    std::vector<int64_t> set;
    for (int c = 0; c < ncpu; ++c)
      if (rng() % 3 == 0) set.push_back(c);
    std::string mask;
    for (int g = (ncpu - 1) / 32; g >= 0; --g) {
      uint32_t v = 0;
      for (auto c : set)
        if (c / 32 == g) v |= uint32_t{1} << (c % 32);
      char buf[16];
      std::snprintf(buf, sizeof buf, g == (ncpu - 1) / 32 && ncpu % 32 ? "%x" : "%08x", v);
      mask += (mask.empty() ? "" : ",") + std::string(buf);
    }
    INFO("mask " << mask);
    CHECK(parse_cpu_mask(mask) == set);
    std::string list;
    for (size_t i = 0; i < set.size(); ++i) {
      size_t j = i;
      while (j + 1 < set.size() && set[j + 1] == set[j] + 1) ++j;
      list +=
          (list.empty() ? "" : ",") + std::to_string(set[i]) + (j > i ? "-" + std::to_string(set[j]) : "");
      i = j;
    }
    INFO("list " << list);
    CHECK(parse_cpu_list(list) == set);
  }
}

TEST_CASE("import-host: a host's release maps to the newest row not newer than it", "[hostimport][quick]") {
  auto row = [](const char* rel) {
    const auto v = parse_kernel_release(rel);
    REQUIRE(v);
    return map_kernel_version(v->first, v->second);
  };
  CHECK(row("6.1.0-18-amd64").row == "6.1");
  CHECK(row("6.1.0-18-amd64").exact);
  CHECK(row("6.8.0-45-generic").row == "6.6");
  CHECK(!row("6.8.0-45-generic").exact);
  CHECK_THAT(row("6.8.0-45-generic").how, Catch::Contains("newest row not newer"));
  CHECK(row("5.14.0-362.el9_3.x86_64").row == "5.10");
  CHECK(row("6.19.2").row == "6.18");
  CHECK(row("3.10.0-1160.el7.x86_64").row == "3.19");
  CHECK_THAT(row("3.10.0-1160.el7.x86_64").how, Catch::Contains("older than every row"));
  CHECK(row("4.9.0-13-amd64").row == "4.9");
  CHECK(!parse_kernel_release("linux"));
  CHECK(!parse_kernel_release("6"));
  CHECK(!parse_kernel_release(""));
  CHECK(parse_kconfig_hz("# CONFIG_HZ_1000 is not set\nCONFIG_HZ_250=y\nCONFIG_HZ=250\n") == 250);
  CHECK(!parse_kconfig_hz("CONFIG_HZ_250=y\n"));
}

TEST_CASE("import-host: interrupt vectors map to RX queues by their names", "[hostimport][quick]") {
  VectorContext mlx{"enp59s0f0np0", "0000:3b:00.0", ""};
  CHECK(rx_queue_of_vector("mlx5_comp5@pci:0000:3b:00.0", mlx) == 5);
  CHECK(!rx_queue_of_vector("mlx5_comp5@pci:0000:3b:00.1", mlx)); // the other port
  CHECK(!rx_queue_of_vector("mlx5_async0@pci:0000:3b:00.0", mlx));
  CHECK(!rx_queue_of_vector("mlx5_comp5@pci:0000:3b:00.0", VectorContext{"eth0", "", ""})); // bus unknown
  VectorContext ix{"eth0", "", ""};
  CHECK(rx_queue_of_vector("eth0-TxRx-3", ix) == 3);
  CHECK(rx_queue_of_vector("eth0-rx-1", ix) == 1);
  CHECK(!rx_queue_of_vector("eth0-tx-1", ix));
  CHECK(!rx_queue_of_vector("eth10-TxRx-1", ix));
  CHECK(rx_queue_of_vector("eth0", ix) == 0);
  CHECK(!rx_queue_of_vector("eth0-TxRx-", ix));
  VectorContext vio{"eth0", "", "virtio2"};
  CHECK(rx_queue_of_vector("virtio2-input.1", vio) == 1);
  CHECK(!rx_queue_of_vector("virtio2-output.1", vio));
  CHECK(!rx_queue_of_vector("virtio1-input.0", vio));
  CHECK(!rx_queue_of_vector("virtio2-input.0", ix)); // which virtio device is eth0's: unknown

  const auto irqs = parse_interrupts(fixture("rtl8139", "interrupts"));
  CHECK(irqs.error.empty());
  const auto shared =
      std::find_if(irqs.lines.begin(), irqs.lines.end(), [](const IrqLine& l) { return l.irq == 11; });
  REQUIRE(shared != irqs.lines.end());
  CHECK(shared->names == std::vector<std::string>{"uhci_hcd:usb1", "eth0"});
  CHECK(!parse_interrupts("garbage\n 5: 1 2 3\n").error.empty());
}

TEST_CASE("import-host: the mlx5 host gives every agreed key with its values", "[hostimport][quick]") {
  DirSource src(kFixtures + "mlx5");
  CHECK(src.dev() == "enp59s0f0np0");
  const auto r = import_host(src);
  for (const auto& n : r.notes) UNSCOPED_INFO(n.text);
  CHECK(r.notes.size() == kNotModelled.size()); // nothing unread; only what is not modelled
  CHECK(import_keys() == kAgreedKeys);
  std::set<std::string> modelled = sorted(kAgreedKeys);
  for (const auto& k : kNotModelled) modelled.erase(k);
  CHECK(sorted(fragment_keys(r.fragment)) == modelled);
  const auto& f = r.fragment;
  CHECK(f["kernel"] == "6.1");
  CHECK(f["cpus"] == 16);
  CHECK(f["hz"] == 250);
  CHECK(f["sysctl"]["net.core.netdev_budget"] == 600);
  CHECK_THAT(note_of(r, "/sysctl/net.core.busy_poll"),
             Catch::Contains("net.core.busy_poll = 50: read, but this rxpath does not model it yet"));
  CHECK(f["sysctl"]["net.ipv4.ip_early_demux"] == true);
  CHECK(f["nic"]["driver"] == "mlx5");
  CHECK(f["nic"]["queues"] == 8);
  CHECK(f["nic"]["ring_size"] == 1024);
  CHECK_THAT(note_of(r, "/nic/adaptive_rx"), Catch::Contains("nic.adaptive_rx = true"));
  CHECK(f["nic"]["rx_usecs"] == 8);
  CHECK(f["nic"]["rx_frames"] == 128);
  // comp2's affinity is "4-5": its first CPU; the second port's vectors (on CPU 15) are not taken.
  CHECK(f["nic"]["irq_cpus"] == json::array({0, 2, 4, 6, 8, 10, 12, 14}));
  CHECK(f["nic"]["irq_cpu"] == 0);
  CHECK(f["nic"]["rss"]["indirection"].size() == 256); // mlx5e_rqt_size for 8 channels
  CHECK(f["nic"]["rss"]["hash_fields"] == "l4");
  CHECK(f["nic"]["rps_cpus"] == json::array({4, 5, 6, 7}));
  CHECK_THAT(note_of(r, "/nic/napi_defer_hard_irqs"), Catch::Contains("nic.napi_defer_hard_irqs = 2"));
  CHECK_THAT(note_of(r, "/nic/gro_flush_timeout_ns"), Catch::Contains("nic.gro_flush_timeout_ns = 200000"));
  CHECK_THAT(note_of(r, "/nic/threaded"), Catch::Contains("nic.threaded = false"));
  check_loads(f);
}

TEST_CASE("import-host: a one-queue 8139too host, and what it cannot tell", "[hostimport][quick]") {
  DirSource src(kFixtures + "rtl8139");
  const auto r = import_host(src);
  const auto& f = r.fragment;
  CHECK(f["nic"]["driver"] == "8139too");
  CHECK(f["nic"]["queues"] == 1);
  CHECK(f["nic"]["irq_cpu"] == 1); // a shared line, "uhci_hcd:usb1, eth0"
  CHECK(f["nic"]["irq_cpus"] == json::array({1}));
  CHECK(f["kernel"] == "4.19");
  check_every_key_accounted_for(r);
  std::string all;
  for (const auto& n : r.notes) all += n.text + "\n";
  CHECK_THAT(all, Catch::Contains("ethtool-g.txt") && Catch::Contains("nic.ring_size not read"));
  CHECK_THAT(all, Catch::Contains("threaded: missing"));
  check_loads(f);
}

TEST_CASE("import-host: a driver the model lacks is named and left out", "[hostimport][quick]") {
  MapSource s;
  s.files[{Item::EthtoolI, ""}] = "driver: ixgbe\nversion: 6.1.0-18-amd64\nbus-info: 0000:01:00.0\n";
  s.files[{Item::Interrupts, ""}] =
      "           CPU0       CPU1\n 40:   1   2   IR-PCI-MSI 1-edge   eth0-TxRx-0\n"
      " 41:   1   2   IR-PCI-MSI 2-edge   eth0-TxRx-1\n";
  s.files[{Item::EthtoolL, ""}] =
      "Channel parameters for eth0:\nCurrent hardware settings:\nRX:\t\tn/a\nCombined:\t2\n";
  s.files[{Item::SmpAffinity, "40"}] = "1\n";
  s.files[{Item::SmpAffinity, "41"}] = "0\n";
  s.files[{Item::CpuOnline, ""}] = "0-1\n";
  const auto r = import_host(s);
  CHECK(!r.fragment.contains(json::json_pointer("/nic/driver")));
  // Two queues need a modelled multi-queue driver: what was read is named, not written.
  CHECK(!r.fragment.contains(json::json_pointer("/nic/queues")));
  CHECK(!r.fragment.contains(json::json_pointer("/nic/irq_cpus")));
  std::string all;
  for (const auto& n : r.notes) all += n.text + "\n";
  CHECK_THAT(all, Catch::Contains("driver ixgbe is not modelled") && Catch::Contains("nic.driver"));
  CHECK_THAT(all, Catch::Contains("nic.queues = 2: the scenario loader refuses it") &&
                      Catch::Contains("nic.irq_cpus = [1,0]"));
  check_loads(r.fragment);
  check_every_key_accounted_for(r);
}

TEST_CASE("import-host: values outside the scenario's ranges are left out with a note",
          "[hostimport][quick]") {
  MapSource s;
  s.files[{Item::CpuOnline, ""}] = "0-3\n";
  s.files[{Item::Sysctl, "net.core.netdev_budget"}] = "0\n";
  s.files[{Item::Sysctl, "net.ipv4.ipfrag_time"}] = "7200\n";
  s.files[{Item::RpsCpus, "rx-0"}] = "30\n"; // CPUs 4 and 5 of a 4-CPU host
  const auto r = import_host(s);
  CHECK(!r.fragment.contains("sysctl"));
  CHECK(!r.fragment.contains(json::json_pointer("/nic/rps_cpus")));
  std::string all;
  for (const auto& n : r.notes) all += n.text + "\n";
  CHECK_THAT(all, Catch::Contains("0 is outside") && Catch::Contains("7200 is outside") &&
                      Catch::Contains("CPU 4 is not one of the 4 CPUs"));
  check_every_key_accounted_for(r);
}

TEST_CASE("import-host: random bytes and truncated outputs never crash a parser",
          "[hostimport][fuzz][quick]") {
  std::mt19937_64 rng(Catch::rngSeed());
  std::vector<std::string> samples;
  for (const char* host : {"mlx5", "rtl8139"})
    for (const char* f : {"ethtool-l.txt", "ethtool-g.txt", "ethtool-c.txt", "ethtool-x.txt", "ethtool-k.txt",
                          "ethtool-i.txt", "ethtool-n-udp4.txt", "interrupts", "sysctl.txt", "config"})
      samples.push_back(fixture(host, f));
  for (int round = 0; round < 3000; ++round) {
    std::string t;
    switch (round % 3) {
    case 0:
      t = random_bytes(rng, 600);
      break;
    case 1: { // a truncation of a real output
      const auto& s = samples[rng() % samples.size()];
      t = s.substr(0, rng() % (s.size() + 1));
      break;
    }
    default: { // a real output with a few bytes changed
      t = samples[rng() % samples.size()];
      for (int k = 0; k < 4 && !t.empty(); ++k) t[rng() % t.size()] = static_cast<char>(rng() % 256);
    }
    }
    INFO("input of " << t.size() << " bytes, round " << round);
    const auto l = parse_ethtool_channels(t);
    CHECK((l.error.empty() == (l.rx || l.combined)));
    const auto g = parse_ethtool_rings(t);
    CHECK((g.error.empty() == g.rx.has_value()));
    const auto c = parse_ethtool_coalesce(t);
    CHECK((c.error.empty() || (!c.adaptive_rx && !c.rx_usecs && !c.rx_frames)));
    const auto x = parse_ethtool_rxfh(t);
    CHECK((x.table_error.empty() != x.indirection.empty()));
    CHECK((x.key_error.empty() != x.key.empty()));
    const auto k = parse_ethtool_features(t);
    CHECK((k.error.empty() || k.active.empty()));
    const auto i = parse_ethtool_drvinfo(t);
    CHECK((i.error.empty() != i.driver.empty()));
    const auto h = parse_ethtool_flow_hash(t);
    CHECK((h.error.empty() != h.fields.empty()));
    const auto irq = parse_interrupts(t);
    CHECK((irq.error.empty() || irq.lines.empty()));
    CHECK_NOTHROW(parse_sysctl(t));
    CHECK_NOTHROW(parse_cpu_list(t));
    CHECK_NOTHROW(parse_cpu_mask(t));
    CHECK_NOTHROW(parse_kernel_release(t));
    CHECK_NOTHROW(parse_kconfig_hz(t));
    CHECK_NOTHROW(rx_queue_of_vector(t, VectorContext{"eth0", "0000:3b:00.0", "virtio0"}));
  }
}

TEST_CASE("import-host: damaged host files give notes and a fragment the loader takes",
          "[hostimport][fuzz][quick]") {
  std::mt19937_64 rng(Catch::rngSeed());
  for (int round = 0; round < 120; ++round) {
    const char* host = round % 2 ? "mlx5" : "rtl8139";
    const int kind = static_cast<int>(rng() % 3);
    Mutated src(kFixtures + host, [&](std::string& t) {
      if (rng() % 3 != 0) return; // damage about a third of the files
      if (kind == 0)
        t = t.substr(0, rng() % (t.size() + 1));
      else if (kind == 1)
        t = random_bytes(rng, 200);
      else
        for (int k = 0; k < 3 && !t.empty(); ++k) t[rng() % t.size()] = static_cast<char>(rng() % 256);
    });
    INFO(host << " round " << round << " damage " << kind);
    ImportResult r;
    REQUIRE_NOTHROW(r = import_host(src));
    check_every_key_accounted_for(r);
    check_loads(r.fragment);
  }
}

TEST_CASE("import-host: overlay keeps the base's other keys", "[hostimport][quick]") {
  const json base =
      json::parse(R"({"name": "b", "nic": {"ring_size": 4, "address": "10.0.0.1"}, "cpus": 1})");
  const json frag = json::parse(R"({"nic": {"ring_size": 1024, "rps_cpus": [1]}, "cpus": 4})");
  const auto m = overlay(base, frag);
  CHECK(m["name"] == "b");
  CHECK(m["nic"]["address"] == "10.0.0.1");
  CHECK(m["nic"]["ring_size"] == 1024);
  CHECK(m["nic"]["rps_cpus"] == json::array({1}));
  CHECK(m["cpus"] == 4);
  CHECK(key_name("/sysctl/net.core.busy_read") == "net.core.busy_read");
  CHECK(key_name("/nic/rss/key") == "nic.rss.key");
}

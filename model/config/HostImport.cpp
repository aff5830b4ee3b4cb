// Parsers of sysctl, ethtool 6.1, /proc and /sys text, and the import of a host's settings into a
// scenario fragment (HostImport.hpp). The ethtool formats were read in ethtool's source at the
// "Release version 6.1." commit (8d8ab48, takehaya/ethtool mirror): netlink/channels.c
// channels_reply_cb, netlink/rings.c rings_reply_cb, netlink/coalesce.c coalesce_reply_cb,
// netlink/features.c dump_feature, ethtool.c dump_drvinfo, print_indir_table, do_grxfh,
// dump_rxfhash and unparse_rxfhashopts.
#include "HostImport.hpp"

#include "KernelVersion.hpp"
#include "ScenarioLoader.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <sys/stat.h>

namespace rxpath::model::host {
namespace {

using nlohmann::json;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    out.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

std::vector<std::string_view> words_of(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    size_t j = i;
    while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

// "KEY: VALUE" with KEY matched exactly (ethtool pads with tabs): the trimmed value, or nullopt.
std::optional<std::string_view> value_after(std::string_view line, std::string_view key) {
  const auto t = trim(line);
  if (!starts_with(t, key) || t.size() <= key.size() || t[key.size()] != ':') return std::nullopt;
  return trim(t.substr(key.size() + 1));
}

// A u32 as ethtool prints it, or n/a (nullopt with na set); anything else: nullopt.
std::optional<int64_t> u32_or_na(std::string_view v, bool& na) {
  na = v == "n/a";
  return parse_uint(v, 0xffffffffLL);
}

std::string quoted_excerpt(std::string_view text) {
  auto first = trim(text.substr(0, text.find('\n')));
  std::string s;
  for (char c : first.substr(0, 80)) s += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
  return s.empty() ? "(empty)" : "\"" + s + "\"";
}

} // namespace

std::optional<int64_t> parse_uint(std::string_view text, int64_t max) {
  text = trim(text);
  if (text.empty() || text.size() > 19) return std::nullopt;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v < 0 || v > max) return std::nullopt;
  return v;
}

std::map<std::string, std::string> parse_sysctl(std::string_view text) {
  std::map<std::string, std::string> out;
  for (auto line : lines_of(text)) {
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string name(trim(line.substr(0, eq)));
    if (name.empty()) continue;
    std::replace(name.begin(), name.end(), '/', '.');
    out[name] = std::string(trim(line.substr(eq + 1)));
  }
  return out;
}

Channels parse_ethtool_channels(std::string_view text) {
  Channels c;
  bool in_current = false, seen = false;
  for (auto line : lines_of(text)) {
    if (trim(line) == "Current hardware settings:") {
      in_current = seen = true;
      continue;
    }
    if (!in_current) continue;
    bool na = false;
    if (auto v = value_after(line, "RX")) c.rx = u32_or_na(*v, na);
    if (auto v = value_after(line, "TX")) c.tx = u32_or_na(*v, na);
    if (auto v = value_after(line, "Other")) c.other = u32_or_na(*v, na);
    if (auto v = value_after(line, "Combined")) c.combined = u32_or_na(*v, na);
  }
  if (!seen)
    c.error = "no \"Current hardware settings:\" block (the output begins " + quoted_excerpt(text) + ")";
  else if (!c.rx && !c.combined)
    c.error = "no RX or Combined count under \"Current hardware settings:\"";
  return c;
}

Rings parse_ethtool_rings(std::string_view text) {
  Rings r;
  bool in_current = false, seen = false;
  for (auto line : lines_of(text)) {
    if (trim(line) == "Current hardware settings:") {
      in_current = seen = true;
      continue;
    }
    bool na = false;
    if (in_current)
      if (auto v = value_after(line, "RX")) r.rx = u32_or_na(*v, na);
  }
  if (!seen)
    r.error = "no \"Current hardware settings:\" block (the output begins " + quoted_excerpt(text) + ")";
  else if (!r.rx)
    r.error = "no RX ring size under \"Current hardware settings:\"";
  return r;
}

Coalesce parse_ethtool_coalesce(std::string_view text) {
  Coalesce c;
  bool any = false;
  for (auto line : lines_of(text)) {
    const auto t = trim(line);
    if (starts_with(t, "Adaptive RX:")) {
      // "Adaptive RX: on  TX: on" (two show_bool on one line).
      const auto w = words_of(t.substr(std::strlen("Adaptive RX:")));
      if (!w.empty()) {
        any = true;
        if (w[0] == "on")
          c.adaptive_rx = true;
        else if (w[0] == "off")
          c.adaptive_rx = false;
        else
          c.adaptive_na = w[0] == "n/a";
      }
      continue;
    }
    if (auto v = value_after(line, "rx-usecs")) {
      any = true;
      c.rx_usecs = u32_or_na(*v, c.usecs_na);
    }
    if (auto v = value_after(line, "rx-frames")) {
      any = true;
      c.rx_frames = u32_or_na(*v, c.frames_na);
    }
  }
  if (!any)
    c.error =
        "no \"Adaptive RX:\", rx-usecs or rx-frames line (the output begins " + quoted_excerpt(text) + ")";
  return c;
}

Rxfh parse_ethtool_rxfh(std::string_view text) {
  Rxfh r;
  const auto lines = lines_of(text);
  size_t i = 0;
  constexpr std::string_view kHead = "RX flow hash indirection table for ";
  for (; i < lines.size(); ++i)
    if (starts_with(trim(lines[i]), kHead)) break;
  if (i == lines.size()) {
    r.table_error =
        "no \"RX flow hash indirection table\" line (the output begins " + quoted_excerpt(text) + ")";
  } else {
    const auto head = trim(lines[i]);
    const auto with = head.rfind(" with ");
    if (with != std::string_view::npos) {
      const auto w = words_of(head.substr(with + 6));
      if (!w.empty()) r.rings = parse_uint(w[0], 0xffffffffLL);
    }
    ++i;
    // Rows "%5u: " then " %5u" per entry, 8 a row; each row starts at the count read so far.
    for (; i < lines.size(); ++i) {
      const auto t = trim(lines[i]);
      const auto colon = t.find(':');
      if (t.empty() || colon == std::string_view::npos) break;
      const auto start = parse_uint(t.substr(0, colon), 0xffffffffLL);
      if (!start) break;
      if (*start != static_cast<int64_t>(r.indirection.size())) {
        r.table_error = "the row at entry " + std::to_string(*start) + " follows " +
                        std::to_string(r.indirection.size()) + " entries (a row is missing)";
        break;
      }
      for (auto w : words_of(t.substr(colon + 1))) {
        const auto q = parse_uint(w, 0xffffffffLL);
        if (!q) {
          r.table_error = "entry " + std::to_string(r.indirection.size()) +
                          ": expected a ring number, found " + quoted_excerpt(w);
          break;
        }
        r.indirection.push_back(*q);
      }
      if (!r.table_error.empty()) break;
    }
    if (r.table_error.empty() && r.indirection.empty())
      r.table_error = i < lines.size() && trim(lines[i]) == "Operation not supported"
                          ? "the driver has no indirection table (Operation not supported)"
                          : "no table rows after the header";
    if (!r.table_error.empty()) r.indirection.clear();
  }
  size_t k = 0;
  for (; k < lines.size(); ++k)
    if (trim(lines[k]) == "RSS hash key:") break;
  if (k + 1 >= lines.size()) {
    r.key_error = k == lines.size() ? "no \"RSS hash key:\" line" : "nothing after \"RSS hash key:\"";
    return r;
  }
  const auto key = trim(lines[k + 1]);
  if (key == "Operation not supported") {
    r.key_error = "the driver has no hash key (Operation not supported)";
    return r;
  }
  // "%02x:" ... "%02x": pairs of hex digits separated by ':'.
  bool good = !key.empty() && key.size() % 3 == 2;
  for (size_t j = 0; good && j < key.size(); ++j)
    good = j % 3 == 2 ? key[j] == ':' : std::isxdigit(static_cast<unsigned char>(key[j])) != 0;
  if (!good) {
    r.key_error = "expected hex bytes separated by ':' after \"RSS hash key:\", found " + quoted_excerpt(key);
    return r;
  }
  r.key.assign(key);
  std::transform(r.key.begin(), r.key.end(), r.key.begin(), [](unsigned char c) { return std::tolower(c); });
  return r;
}

Features parse_ethtool_features(std::string_view text) {
  Features f;
  bool header = false;
  for (auto line : lines_of(text)) {
    const auto t = trim(line);
    if (starts_with(t, "Features for ")) {
      header = true;
      continue;
    }
    const auto colon = t.find(": ");
    if (colon == std::string_view::npos || colon == 0) continue;
    const auto name = t.substr(0, colon);
    if (name.find(' ') != std::string_view::npos) continue;
    const auto w = words_of(t.substr(colon + 2));
    if (w.empty()) continue;
    if (w[0] == "on")
      f.active[std::string(name)] = true;
    else if (w[0] == "off")
      f.active[std::string(name)] = false;
  }
  if (!header && f.active.empty())
    f.error = "no \"Features for\" block (the output begins " + quoted_excerpt(text) + ")";
  return f;
}

DrvInfo parse_ethtool_drvinfo(std::string_view text) {
  DrvInfo d;
  bool seen = false;
  for (auto line : lines_of(text)) {
    if (auto v = value_after(line, "driver")) {
      seen = true;
      d.driver.assign(*v);
    }
    if (auto v = value_after(line, "bus-info")) d.bus_info.assign(*v);
  }
  if (!seen)
    d.error = "no \"driver:\" line (the output begins " + quoted_excerpt(text) + ")";
  else if (d.driver.empty())
    d.error = "an empty \"driver:\" line";
  return d;
}

FlowHash parse_ethtool_flow_hash(std::string_view text) {
  FlowHash h;
  bool head = false;
  std::set<std::string> fields;
  for (auto line : lines_of(text)) {
    const auto t = trim(line);
    if (t.find("use these fields for computing Hash flow key:") != std::string_view::npos) {
      head = true;
      continue;
    }
    if (t.find("All matching flows discarded") != std::string_view::npos) {
      h.error = "the NIC discards these flows";
      return h;
    }
    if (head && !t.empty()) fields.emplace(t);
  }
  if (!head) {
    h.error = "no \"use these fields for computing Hash flow key:\" line (the output begins " +
              quoted_excerpt(text) + ")";
    return h;
  }
  const std::set<std::string> l3{"IP SA", "IP DA"};
  std::set<std::string> l4 = l3;
  l4.insert("L4 bytes 0 & 1 [TCP/UDP src port]");
  l4.insert("L4 bytes 2 & 3 [TCP/UDP dst port]");
  if (fields == l4)
    h.fields = "l4";
  else if (fields == l3)
    h.fields = "l3";
  else {
    std::string all;
    for (const auto& f : fields) all += (all.empty() ? "" : ", ") + f;
    h.error = "the field set {" + all + "} is neither l3 (IP SA, IP DA) nor l4 (and both L4 halves)";
  }
  return h;
}

Interrupts parse_interrupts(std::string_view text) {
  Interrupts r;
  const auto lines = lines_of(text);
  size_t cpus = 0;
  if (!lines.empty())
    for (auto w : words_of(lines[0]))
      if (starts_with(w, "CPU")) ++cpus;
  if (cpus == 0) {
    r.error = "the first line names no CPU columns (the file begins " + quoted_excerpt(text) + ")";
    return r;
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    const auto t = trim(lines[i]);
    const auto colon = t.find(':');
    if (colon == std::string_view::npos) continue;
    const auto irq = parse_uint(t.substr(0, colon), 1 << 24);
    if (!irq) continue; // NMI, LOC, ERR, ...: not device vectors
    const auto w = words_of(t.substr(colon + 1));
    // Per-CPU counts, then the chip, the hwirq and trigger ("IR-PCI-MSI 1572865-edge"), then the
    // action names, ", "-separated when shared.
    if (w.size() <= cpus + 1) continue;
    IrqLine l;
    l.irq = *irq;
    std::string names;
    for (size_t j = cpus + 1; j < w.size(); ++j) names += (names.empty() ? "" : " ") + std::string(w[j]);
    // The names are the words after the last one ending in -edge/-level/-fasteoi (the trigger); a
    // chip without one ("PCI-MSI" lines of some kernels): the last word.
    size_t last_trigger = std::string::npos;
    for (size_t j = cpus; j < w.size(); ++j) {
      const auto& x = w[j];
      if (x.ends_with("-edge") || x.ends_with("-level") || x.ends_with("-fasteoi") || x == "edge" ||
          x == "level" || x == "fasteoi")
        last_trigger = j;
    }
    const size_t from = last_trigger != std::string::npos ? last_trigger + 1 : w.size() - 1;
    for (size_t j = from; j < w.size(); ++j) {
      std::string n(w[j]);
      if (!n.empty() && n.back() == ',') n.pop_back();
      if (!n.empty()) l.names.push_back(n);
    }
    if (!l.names.empty()) r.lines.push_back(std::move(l));
  }
  return r;
}

std::optional<std::vector<int64_t>> parse_cpu_list(std::string_view text, int64_t max_cpu) {
  text = trim(text);
  if (text.empty()) return std::vector<int64_t>{}; // an empty list: no CPU (an empty mask)
  std::set<int64_t> cpus;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto part = text.substr(0, comma);
    const auto dash = part.find('-');
    const auto a = parse_uint(part.substr(0, dash), max_cpu);
    const auto b = dash == std::string_view::npos ? a : parse_uint(part.substr(dash + 1), max_cpu);
    if (!a || !b || *b < *a || part.find(' ') != std::string_view::npos) return std::nullopt;
    for (int64_t c = *a; c <= *b; ++c) cpus.insert(c);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
    if (text.empty()) return std::nullopt;
  }
  return std::vector<int64_t>(cpus.begin(), cpus.end());
}

std::optional<std::vector<int64_t>> parse_cpu_mask(std::string_view text, int64_t max_cpu) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  std::vector<std::string_view> groups;
  while (true) {
    const auto comma = text.find(',');
    groups.push_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  std::vector<int64_t> cpus;
  int64_t base = 0;
  for (auto it = groups.rbegin(); it != groups.rend(); ++it, base += 32) {
    const auto g = *it;
    if (g.empty() || g.size() > 8) return std::nullopt;
    uint32_t v = 0;
    auto [p, ec] = std::from_chars(g.data(), g.data() + g.size(), v, 16);
    if (ec != std::errc() || p != g.data() + g.size()) return std::nullopt;
    for (int b = 0; b < 32; ++b)
      if (v & (uint32_t{1} << b)) {
        if (base + b > max_cpu) return std::nullopt;
        cpus.push_back(base + b);
      }
  }
  std::sort(cpus.begin(), cpus.end());
  return cpus;
}

std::optional<std::pair<int, int>> parse_kernel_release(std::string_view text) {
  text = trim(text);
  const auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const auto major = parse_uint(text.substr(0, dot), 99);
  size_t end = dot + 1;
  while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
  const auto minor = parse_uint(text.substr(dot + 1, end - dot - 1), 999);
  if (!major || !minor || *major < 2) return std::nullopt;
  return std::pair<int, int>{static_cast<int>(*major), static_cast<int>(*minor)};
}

KernelMapping map_kernel_version(int major, int minor) {
  const auto rows = kernel_versions();
  auto version_of = [](std::string_view name) {
    const auto v = parse_kernel_release(name);
    return v ? *v : std::pair<int, int>{0, 0};
  };
  const std::pair<int, int> host{major, minor};
  KernelMapping m;
  const std::string shown = std::to_string(major) + "." + std::to_string(minor);
  const KernelVersion* best = nullptr;
  for (const auto& r : rows)
    if (version_of(r.name) <= host) best = &r;
  if (!best) {
    m.row = std::string(rows.front().name);
    m.how = "kernel " + shown + " is older than every row of the model's table; mapped to \"" + m.row +
            "\", the oldest";
    return m;
  }
  m.row = std::string(best->name);
  m.exact = version_of(best->name) == host;
  if (!m.exact)
    m.how = "kernel " + shown + " has no row in the model's table (" + known_kernel_versions() +
            "); mapped to \"" + m.row + "\", the newest row not newer than it";
  return m;
}

std::optional<int64_t> parse_kconfig_hz(std::string_view text) {
  for (auto line : lines_of(text))
    if (starts_with(trim(line), "CONFIG_HZ=")) return parse_uint(trim(line).substr(10), 100000);
  return std::nullopt;
}

std::optional<int64_t> rx_queue_of_vector(std::string_view name, const VectorContext& ctx) {
  auto number_at_end = [](std::string_view s) -> std::optional<int64_t> {
    return s.empty() ? std::nullopt : parse_uint(s, 65535);
  };
  // mlx5_comp<N>@pci:<bus>: drivers/net/ethernet/mellanox/mlx5/core/pci_irq.c, irq_set_name
  // ("mlx5_comp%d", completion vector N; the control vector is "mlx5_async%d") and irq_request
  // ("%s@pci:%s" with pci_name), read in torvalds/linux at 01dd74246c75; the later change that put
  // the async vector first (MLX5_IRQ_VEC_COMP_BASE) subtracts it, so N still counts from 0.
  // mlx5e channel N uses completion vector N.
  if (starts_with(name, "mlx5_comp")) {
    const auto at = name.find("@pci:");
    const auto n =
        number_at_end(name.substr(9, at == std::string_view::npos ? std::string_view::npos : at - 9));
    if (!n) return std::nullopt;
    if (ctx.bus_info.empty() || at == std::string_view::npos || name.substr(at + 5) != ctx.bus_info)
      return std::nullopt;
    return n;
  }
  // <dev>-TxRx-<N>, <dev>-rx-<N>: igb_request_msix / ixgbe_request_msix_irqs name q_vector->name
  // "%s-TxRx-%u" (or "-rx-", "-tx-") with netdev->name. <dev>: 8139too's rtl8139_open requests its
  // one IRQ with dev->name.
  if (!ctx.dev.empty()) {
    if (name == ctx.dev) return 0;
    for (std::string_view infix : {"-TxRx-", "-rx-"}) {
      const std::string p = ctx.dev + std::string(infix);
      if (starts_with(name, p)) return number_at_end(name.substr(p.size()));
    }
  }
  // virtio<K>-input.<N>: virtnet_find_vqs names RX virtqueue N "input.%d" (drivers/net/virtio_net.c)
  // and virtio_pci's MSI-X names are "%s-%s", the virtio device's name and the virtqueue's.
  if (starts_with(name, "virtio")) {
    const auto dash = name.find("-input.");
    if (dash == std::string_view::npos) return std::nullopt;
    if (ctx.virtio_device.empty() || name.substr(0, dash) != ctx.virtio_device) return std::nullopt;
    return number_at_end(name.substr(dash + 7));
  }
  return std::nullopt;
}

// ---- keys ----------------------------------------------------------------------------------

namespace {

struct SysctlKey {
  const char* name;
  bool boolean;
  int64_t lo, hi;
};
constexpr int64_t kI32 = 0x7fffffff;
// The ranges are the scenario schema's (ScenarioSchema.cpp visit_sysctl); busy_read and
// busy_poll are unsigned int µs in the kernel (net/core/sysctl_net_core.c).
constexpr SysctlKey kSysctls[] = {
    {"net.core.netdev_budget", false, 1, kI32},  {"net.core.netdev_budget_usecs", false, 0, kI32},
    {"net.core.dev_weight", false, 1, kI32},     {"net.core.netdev_max_backlog", false, 0, kI32},
    {"net.core.rmem_default", false, 256, kI32}, {"net.core.rmem_max", false, 256, kI32},
    {"net.core.busy_read", false, 0, kI32},      {"net.core.busy_poll", false, 0, kI32},
    {"net.ipv4.ip_early_demux", true, 0, 1},     {"net.ipv4.ipfrag_time", false, 1, 3600},
};

std::string ptr_sysctl(const std::string& name) {
  return "/sysctl/" + name;
}

} // namespace

const std::vector<std::string>& import_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k{"/kernel", "/cpus", "/hz"};
    for (const auto& s : kSysctls) k.push_back(ptr_sysctl(s.name));
    for (const char* n : {"driver", "queues", "ring_size", "rx_usecs", "rx_frames", "adaptive_rx", "irq_cpu",
                          "irq_cpus", "rss/hash_fields", "rss/key", "rss/indirection", "gro", "threaded",
                          "napi_defer_hard_irqs", "gro_flush_timeout_ns", "rps_cpus", "napi_weight"})
      k.push_back(std::string("/nic/") + n);
    return k;
  }();
  return keys;
}

std::string key_name(const std::string& pointer) {
  if (starts_with(pointer, "/sysctl/")) return pointer.substr(8);
  std::string s = pointer.substr(pointer.empty() ? 0 : 1);
  std::replace(s.begin(), s.end(), '/', '.');
  return s;
}

std::vector<std::string> fragment_keys(const json& fragment) {
  std::vector<std::string> out;
  auto walk = [&](auto&& self, const json& j, const std::string& at) -> void {
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string p = at + "/" + it.key();
      if (it->is_object())
        self(self, *it, p);
      else
        out.push_back(p);
    }
  };
  if (fragment.is_object()) walk(walk, fragment, "");
  return out;
}

json overlay(json base, const json& fragment) {
  if (!base.is_object() || !fragment.is_object()) return fragment;
  for (auto it = fragment.begin(); it != fragment.end(); ++it) {
    auto b = base.find(it.key());
    if (b != base.end() && b->is_object() && it->is_object())
      *b = overlay(*b, *it);
    else
      base[it.key()] = *it;
  }
  return base;
}

// ---- assembly ------------------------------------------------------------------------------

namespace {

class Importer {
public:
  explicit Importer(HostSource& s) : src_(s) {}

  ImportResult run() {
    kernel_and_cpus();
    sysctls();
    driver();
    channels();
    ring_and_coalesce();
    rss();
    features_and_napi();
    vectors();
    rps();
    loadable();
    return std::move(r_);
  }

private:
  HostSource& src_;
  ImportResult r_;
  std::optional<int64_t> cpus_, queues_;
  bool modelled_driver_ = false;
  std::string bus_info_, driver_;

  void set(const std::string& ptr, json v) { r_.fragment[json::json_pointer(ptr)] = std::move(v); }

  // What the fragment may hold is what the scenario loader takes. A value this rxpath has no key
  // for yet (a feature not modelled) is named with what was read instead of being written; a value
  // the loader refuses in this combination (queues without a modelled driver, a table that does
  // not fit the queues) is left out with the loader's reason. The schema decides, so a key joins
  // the fragment as soon as the loader knows it.
  void loadable() {
    std::set<std::string> known;
    for (const auto& d : scenario_reference()) known.insert(d.path);
    for (const auto& ptr : fragment_keys(r_.fragment))
      if (!known.count(schema_path(ptr))) leave_out(ptr, "read, but this rxpath does not model it yet");
    for (size_t round = 0; round < import_keys().size(); ++round) {
      try {
        (void)load_scenario_text(
            overlay(json{{"traffic", json::array({json::object()})}}, r_.fragment).dump(), "import-host");
        break;
      } catch (const ScenarioError& e) {
        // The key at fault, without an array index: "nic.rss.indirection[3]" -> /nic/rss/indirection.
        std::string key;
        for (const auto& k : known)
          if (e.path().rfind(k, 0) == 0 && k.size() > key.size()) key = k;
        const std::string ptr = key.empty() ? "" : pointer_of(key);
        if (ptr.empty() || !r_.fragment.contains(json::json_pointer(ptr))) break; // not the fragment's
        std::string why = e.what();
        why = why.substr(why.find(": ") + 2);
        leave_out(ptr, "the scenario loader refuses it (" + why + ")");
      }
    }
    for (const auto& top : {"/nic/rss", "/nic", "/sysctl"})
      if (r_.fragment.contains(json::json_pointer(top)) && r_.fragment[json::json_pointer(top)].empty())
        r_.fragment[json::json_pointer(top).parent_pointer()].erase(json::json_pointer(top).back());
  }
  void leave_out(const std::string& ptr, const std::string& why) {
    const json::json_pointer p(ptr);
    const json value = r_.fragment[p];
    r_.fragment[p.parent_pointer()].erase(p.back());
    r_.notes.push_back({{ptr}, key_name(ptr) + " = " + value.dump() + ": " + why + "; left out"});
  }
  // A JSON pointer as the scenario reference writes the key: "/sysctl/net.core.x" -> sysctl."net.core.x".
  static std::string schema_path(const std::string& ptr) {
    std::string path;
    size_t at = ptr.empty() ? 0 : 1; // after the leading '/'
    while (at <= ptr.size() && !ptr.empty()) {
      const size_t end = std::min(ptr.find('/', at), ptr.size());
      std::string part = ptr.substr(at, end - at);
      if (part.find('.') != std::string::npos) part = "\"" + part + "\"";
      path += (path.empty() ? "" : ".") + part;
      at = end + 1;
    }
    return path;
  }
  static std::string pointer_of(const std::string& path) {
    std::string ptr, part;
    bool quoted = false;
    for (char c : path) {
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '.' && !quoted) {
        ptr += "/" + part;
        part.clear();
      } else {
        part += c;
      }
    }
    return ptr + "/" + part;
  }

  void note(std::vector<std::string> keys, const std::string& what) {
    std::string names;
    for (const auto& k : keys) names += (names.empty() ? "" : ", ") + key_name(k);
    r_.notes.push_back({keys, what + "; " + names + " not read"});
  }
  void note_left_out(std::vector<std::string> keys, const std::string& what) {
    std::string names;
    for (const auto& k : keys) names += (names.empty() ? "" : ", ") + key_name(k);
    r_.notes.push_back({keys, what + "; " + names + " left out"});
  }
  // Reads an item; a failure is noted against `keys` and returns nullopt.
  std::optional<Read> get(Item item, const std::vector<std::string>& keys, const std::string& arg = {}) {
    auto rd = src_.read(item, arg);
    if (!rd.ok) {
      note(keys, rd.source + ": " + rd.error);
      return std::nullopt;
    }
    return rd;
  }
  // A CPU number the scenario can hold: below cpus when that is known.
  bool cpu_ok(int64_t c) const { return c >= 0 && c <= 1023 && (!cpus_ || c < *cpus_); }

  void kernel_and_cpus() {
    if (auto rd = get(Item::UnameR, {"/kernel", "/hz"})) {
      const auto v = parse_kernel_release(rd->text);
      if (!v) {
        note({"/kernel"},
             rd->source + ": expected a release like 6.1.0-18-amd64, found " + quoted_excerpt(rd->text));
      } else {
        const auto m = map_kernel_version(v->first, v->second);
        set("/kernel", m.row);
        r_.info.push_back(rd->source + ": " + std::string(trim(rd->text)) + " -> kernel \"" + m.row + "\"" +
                          (m.exact ? "" : " (" + m.how + ")"));
      }
      if (auto cfg = get(Item::KernelConfig, {"/hz"}, std::string(trim(rd->text)))) {
        const auto hz = parse_kconfig_hz(cfg->text);
        if (!hz)
          note({"/hz"}, cfg->source + ": no CONFIG_HZ=N line");
        else if (*hz < 100 || *hz > 1000)
          note_left_out({"/hz"}, cfg->source + ": CONFIG_HZ=" + std::to_string(*hz) + " is outside 100…1000");
        else
          set("/hz", *hz);
      }
    }
    if (auto rd = get(Item::CpuOnline, {"/cpus"})) {
      const auto l = parse_cpu_list(rd->text);
      if (!l || l->empty()) {
        note({"/cpus"}, rd->source + ": expected a CPU list like 0-7, found " + quoted_excerpt(rd->text));
      } else {
        const int64_t n = l->back() + 1; // the model's CPUs are 0..cpus-1
        if (n > 64) {
          note_left_out({"/cpus"},
                        rd->source + ": " + std::to_string(n) + " CPUs, the model takes at most 64");
        } else {
          cpus_ = n;
          set("/cpus", n);
          if (static_cast<int64_t>(l->size()) != n)
            r_.info.push_back(rd->source + ": CPUs " + std::string(trim(rd->text)) + " online; cpus " +
                              std::to_string(n) + " (the highest + 1), the offline ones idle in the model");
        }
      }
    }
  }

  void sysctls() {
    for (const auto& s : kSysctls) {
      const auto ptr = ptr_sysctl(s.name);
      auto rd = get(Item::Sysctl, {ptr}, s.name);
      if (!rd) continue;
      const auto v = parse_uint(rd->text, 0xffffffffLL);
      if (!v) {
        note({ptr}, rd->source + ": expected a non-negative integer, found " + quoted_excerpt(rd->text));
      } else if (*v < s.lo || *v > s.hi) {
        note_left_out({ptr}, rd->source + ": " + std::to_string(*v) + " is outside the scenario's range " +
                                 std::to_string(s.lo) + "…" + std::to_string(s.hi));
      } else if (s.boolean) {
        set(ptr, *v != 0);
      } else {
        set(ptr, *v);
      }
    }
  }

  void driver() {
    auto rd = get(Item::EthtoolI, {"/nic/driver", "/nic/napi_weight"});
    if (!rd) return;
    const auto d = parse_ethtool_drvinfo(rd->text);
    if (!d.error.empty()) {
      note({"/nic/driver", "/nic/napi_weight"}, rd->source + ": " + d.error);
      return;
    }
    driver_ = d.driver;
    bus_info_ = d.bus_info;
    // Both drivers' NAPI weight is 64: mlx5e_open_channel (en_main.c) calls netif_napi_add with 64,
    // and since the weight argument was dropped (6.1) without one, NAPI_POLL_WEIGHT = 64; 8139too's
    // rtl8139_init_one passes 64 likewise. Read as excerpts of several trees through the code
    // search, not at one pinned version.
    if (d.driver == "mlx5_core")
      set("/nic/driver", "mlx5");
    else if (d.driver == "8139too")
      set("/nic/driver", "8139too");
    else {
      note_left_out({"/nic/driver", "/nic/napi_weight"},
                    rd->source + ": driver " + d.driver +
                        " is not modelled (the model has 8139too and mlx5)");
      return;
    }
    modelled_driver_ = true;
    set("/nic/napi_weight", 64);
  }

  void channels() {
    // Fallback: the RX queues the kernel registered (real_num_rx_queues).
    auto from_sysfs = [&](const std::string& why) {
      auto q = src_.read(Item::RxQueues);
      if (!q.ok) {
        note({"/nic/queues"}, why + "; " + q.source + ": " + q.error);
        return;
      }
      int64_t n = 0;
      for (auto w : words_of(q.text))
        if (starts_with(w, "rx-")) ++n;
      if (n == 0) {
        note({"/nic/queues"}, why + "; " + q.source + ": no rx-N queue");
        return;
      }
      queues_ = n;
      set("/nic/queues", n);
      r_.info.push_back(why + "; nic.queues " + std::to_string(n) + " from " + q.source);
    };
    auto rd = src_.read(Item::EthtoolL);
    if (!rd.ok) return from_sysfs(rd.source + ": " + rd.error);
    const auto c = parse_ethtool_channels(rd.text);
    if (!c.error.empty()) return from_sysfs(rd.source + ": " + c.error);
    // Each combined channel and each RX-only channel has one RX queue.
    const int64_t n = c.combined.value_or(0) + c.rx.value_or(0);
    if (n < 1 || n > 1024) return from_sysfs(rd.source + ": " + std::to_string(n) + " RX channels");
    queues_ = n;
    set("/nic/queues", n);
  }

  void ring_and_coalesce() {
    if (auto rd = get(Item::EthtoolG, {"/nic/ring_size"})) {
      const auto g = parse_ethtool_rings(rd->text);
      if (!g.error.empty())
        note({"/nic/ring_size"}, rd->source + ": " + g.error);
      else if (*g.rx < 1 || *g.rx > 65536)
        note_left_out({"/nic/ring_size"},
                      rd->source + ": RX " + std::to_string(*g.rx) + " is outside 1…65536");
      else
        set("/nic/ring_size", *g.rx);
    }
    const std::vector<std::string> keys{"/nic/rx_usecs", "/nic/rx_frames", "/nic/adaptive_rx"};
    auto rd = get(Item::EthtoolC, keys);
    if (!rd) return;
    const auto c = parse_ethtool_coalesce(rd->text);
    if (!c.error.empty()) return note(keys, rd->source + ": " + c.error);
    auto one = [&](const char* ptr, const char* label, const std::optional<int64_t>& v, bool na, int64_t hi) {
      if (!v)
        note({ptr}, rd->source + ": " + label + (na ? " n/a (the driver does not report it)" : " missing"));
      else if (*v > hi)
        note_left_out({ptr}, rd->source + ": " + label + " " + std::to_string(*v) + " is outside 0…" +
                                 std::to_string(hi));
      else
        set(ptr, *v);
    };
    one("/nic/rx_usecs", "rx-usecs", c.rx_usecs, c.usecs_na, 100000);
    one("/nic/rx_frames", "rx-frames", c.rx_frames, c.frames_na, 65536);
    if (c.adaptive_rx)
      set("/nic/adaptive_rx", *c.adaptive_rx);
    else
      note({"/nic/adaptive_rx"}, rd->source + ": Adaptive RX " +
                                     (c.adaptive_na ? "n/a (the driver does not report it)" : "missing"));
  }

  void rss() {
    const std::vector<std::string> keys{"/nic/rss/key", "/nic/rss/indirection"};
    if (auto rd = get(Item::EthtoolX, keys)) {
      const auto x = parse_ethtool_rxfh(rd->text);
      if (!x.table_error.empty()) {
        note({"/nic/rss/indirection"}, rd->source + ": " + x.table_error);
      } else {
        const auto bad = std::find_if(x.indirection.begin(), x.indirection.end(),
                                      [&](int64_t q) { return queues_ && q >= *queues_; });
        if (bad != x.indirection.end())
          note_left_out({"/nic/rss/indirection"},
                        rd->source + ": entry " + std::to_string(bad - x.indirection.begin()) + " is queue " +
                            std::to_string(*bad) + ", but nic.queues is " + std::to_string(*queues_));
        else
          set("/nic/rss/indirection", x.indirection);
      }
      if (!x.key_error.empty())
        note({"/nic/rss/key"}, rd->source + ": " + x.key_error);
      else
        set("/nic/rss/key", x.key);
    }
    if (auto rd = get(Item::EthtoolN, {"/nic/rss/hash_fields"})) {
      const auto h = parse_ethtool_flow_hash(rd->text);
      if (!h.error.empty())
        note({"/nic/rss/hash_fields"}, rd->source + ": " + h.error);
      else
        set("/nic/rss/hash_fields", h.fields);
    }
  }

  void features_and_napi() {
    if (auto rd = get(Item::EthtoolK, {"/nic/gro"})) {
      const auto f = parse_ethtool_features(rd->text);
      const auto it = f.active.find("generic-receive-offload");
      if (!f.error.empty())
        note({"/nic/gro"}, rd->source + ": " + f.error);
      else if (it == f.active.end())
        note({"/nic/gro"}, rd->source + ": no generic-receive-offload line");
      else
        set("/nic/gro", it->second);
    }
    if (auto rd = get(Item::Threaded, {"/nic/threaded"})) {
      const auto v = parse_uint(rd->text, 1);
      if (!v)
        note({"/nic/threaded"}, rd->source + ": expected 0 or 1, found " + quoted_excerpt(rd->text));
      else
        set("/nic/threaded", *v == 1);
    }
    if (auto rd = get(Item::DeferHardIrqs, {"/nic/napi_defer_hard_irqs"})) {
      const auto v = parse_uint(rd->text, kI32);
      if (!v)
        note({"/nic/napi_defer_hard_irqs"},
             rd->source + ": expected an integer, found " + quoted_excerpt(rd->text));
      else
        set("/nic/napi_defer_hard_irqs", *v);
    }
    if (auto rd = get(Item::GroFlush, {"/nic/gro_flush_timeout_ns"})) {
      const auto v = parse_uint(rd->text);
      if (!v)
        note({"/nic/gro_flush_timeout_ns"},
             rd->source + ": expected an integer (ns), found " + quoted_excerpt(rd->text));
      else
        set("/nic/gro_flush_timeout_ns", *v);
    }
  }

  void vectors() {
    const std::vector<std::string> keys{"/nic/irq_cpu", "/nic/irq_cpus"};
    auto rd = get(Item::Interrupts, keys);
    if (!rd) return;
    const auto irqs = parse_interrupts(rd->text);
    if (!irqs.error.empty()) return note(keys, rd->source + ": " + irqs.error);
    VectorContext ctx;
    ctx.dev = src_.dev();
    ctx.bus_info = bus_info_;
    // The device behind the interface: a PCI address (0000:3b:00.0) or a virtio device (virtio2).
    if (auto d = src_.read(Item::Device); d.ok) {
      const std::string dv(trim(d.text));
      if (starts_with(dv, "virtio"))
        ctx.virtio_device = dv;
      else if (ctx.bus_info.empty() && dv.find(':') != std::string::npos)
        ctx.bus_info = dv;
    }
    std::map<int64_t, int64_t> irq_of_queue;
    for (const auto& l : irqs.lines)
      for (const auto& n : l.names)
        if (auto q = rx_queue_of_vector(n, ctx)) irq_of_queue.emplace(*q, l.irq);
    const int64_t nq = queues_.value_or(1);
    if (irq_of_queue.empty())
      return note(
          keys,
          rd->source + ": no vector named for " + (ctx.dev.empty() ? "the device" : ctx.dev) +
              "'s RX queues (patterns: mlx5_compN@pci:BUS, DEV-TxRx-N, DEV-rx-N, virtioK-input.N, DEV)");
    // A CPU number is only worth writing when it can be checked against the host's CPU count: a
    // base scenario with fewer CPUs would not load.
    if (!cpus_)
      return note_left_out(
          keys, rd->source + ": the host's CPU count was not read, so its CPU numbers cannot be checked");
    std::vector<int64_t> cpus;
    for (int64_t q = 0; q < nq; ++q) {
      const auto it = irq_of_queue.find(q);
      if (it == irq_of_queue.end()) {
        note(keys, rd->source + ": no vector for RX queue " + std::to_string(q));
        return;
      }
      auto aff = get(Item::SmpAffinity, keys, std::to_string(it->second));
      if (!aff) return;
      const auto l = parse_cpu_list(aff->text);
      if (!l || l->empty()) {
        note(keys, aff->source + ": expected a CPU list, found " + quoted_excerpt(aff->text));
        return;
      }
      if (!cpu_ok(l->front())) {
        note_left_out(keys, aff->source + ": CPU " + std::to_string(l->front()) + " is not one of the " +
                                (cpus_ ? std::to_string(*cpus_) : std::string("(unknown)")) + " CPUs");
        return;
      }
      if (l->size() > 1)
        r_.info.push_back(aff->source + ": " + std::string(trim(aff->text)) + " -> CPU " +
                          std::to_string(l->front()) + " (the model routes a vector to one CPU: the first)");
      cpus.push_back(l->front());
    }
    set("/nic/irq_cpu", cpus.front());
    set("/nic/irq_cpus", cpus);
  }

  void rps() {
    auto rd = get(Item::RpsCpus, {"/nic/rps_cpus"}, "rx-0");
    if (!rd) return;
    if (!cpus_)
      return note_left_out({"/nic/rps_cpus"},
                           rd->source +
                               ": the host's CPU count was not read, so its CPU numbers cannot be checked");
    const auto m = parse_cpu_mask(rd->text);
    if (!m)
      return note({"/nic/rps_cpus"},
                  rd->source + ": expected a hex CPU mask, found " + quoted_excerpt(rd->text));
    for (auto c : *m)
      if (!cpu_ok(c))
        return note_left_out({"/nic/rps_cpus"},
                             rd->source + ": CPU " + std::to_string(c) + " is not one of the " +
                                 (cpus_ ? std::to_string(*cpus_) : std::string("(unknown)")) + " CPUs");
    set("/nic/rps_cpus", *m);
    // The scenario holds one RPS map (rx-0's); say when another queue's differs.
    for (int64_t q = 1; q < queues_.value_or(1); ++q) {
      auto o = src_.read(Item::RpsCpus, "rx-" + std::to_string(q));
      if (!o.ok) continue;
      const auto om = parse_cpu_mask(o.text);
      if (om && *om != *m) {
        r_.info.push_back(o.source + ": differs from rx-0's; the scenario has one RPS map (rx-0's)");
        break;
      }
    }
  }
};

} // namespace

ImportResult import_host(HostSource& src) {
  return Importer(src).run();
}

// ---- files ---------------------------------------------------------------------------------

Read read_text_file(const std::string& path, const std::string& source_name) {
  Read r;
  r.source = source_name;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    r.error = errno == ENOENT ? "missing" : std::strerror(errno);
    if (errno == EACCES) r.error = "permission denied";
    return r;
  }
  if (!S_ISREG(st.st_mode)) {
    r.error = "not a regular file";
    return r;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    r.error = errno == EACCES ? "permission denied" : std::string("cannot open: ") + std::strerror(errno);
    return r;
  }
  // In pieces: /proc/sys handlers refuse a read larger than they can allocate (ENOMEM).
  constexpr size_t kMax = 16 << 20; // /proc and /sys files are small; a saved sysctl -a is ~100 KiB
  std::string text;
  char buf[16384];
  while (text.size() <= kMax) {
    in.read(buf, sizeof buf);
    if (in.bad()) {
      r.error = errno == EACCES ? "permission denied" : std::string("read error: ") + std::strerror(errno);
      return r;
    }
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (in.eof()) break;
  }
  if (text.size() > kMax) {
    r.error = "larger than 16 MiB";
    return r;
  }
  r.ok = true;
  r.text = std::move(text);
  return r;
}

DirSource::DirSource(std::string dir, std::string dev) : dir_(std::move(dir)), dev_(std::move(dev)) {
  if (dev_.empty())
    if (auto d = file("dev"); d.ok) dev_ = std::string(trim(d.text));
  if (dev_.empty())
    // "Channel parameters for eth0:", "Features for eth0:", ...: the first header that names it.
    for (const char* f : {"ethtool-l.txt", "ethtool-g.txt", "ethtool-c.txt", "ethtool-k.txt"}) {
      auto r = file(f);
      if (!r.ok) continue;
      for (auto line : lines_of(r.text)) {
        const auto t = trim(line);
        const auto p = t.find(" for ");
        if (p != std::string_view::npos && t.ends_with(":") &&
            t.find("parameters") != std::string_view::npos) {
          dev_ = std::string(t.substr(p + 5, t.size() - p - 6));
          break;
        }
        if (starts_with(t, "Features for ") && t.ends_with(":")) {
          dev_ = std::string(t.substr(13, t.size() - 14));
          break;
        }
      }
      if (!dev_.empty()) break;
    }
  if (dev_.find_first_of(" \t/") != std::string::npos) dev_.clear();
}

Read DirSource::file(const std::string& rel) const {
  return read_text_file(dir_ + "/" + rel, (std::filesystem::path(dir_) / rel).string());
}

Read DirSource::read(Item item, const std::string& arg) {
  switch (item) {
  case Item::Sysctl: {
    if (!sysctl_) {
      sysctl_ = file("sysctl.txt");
      if (sysctl_->ok) sysctl_values_ = parse_sysctl(sysctl_->text);
    }
    Read r = *sysctl_;
    if (!r.ok) return r;
    const auto it = sysctl_values_.find(arg);
    if (it == sysctl_values_.end()) {
      r.ok = false;
      r.error = arg + " is not in the file";
      return r;
    }
    r.text = it->second;
    r.source += " (" + arg + ")";
    return r;
  }
  case Item::EthtoolL:
    return file("ethtool-l.txt");
  case Item::EthtoolG:
    return file("ethtool-g.txt");
  case Item::EthtoolC:
    return file("ethtool-c.txt");
  case Item::EthtoolX:
    return file("ethtool-x.txt");
  case Item::EthtoolK:
    return file("ethtool-k.txt");
  case Item::EthtoolI:
    return file("ethtool-i.txt");
  case Item::EthtoolN:
    return file("ethtool-n-udp4.txt");
  case Item::Interrupts:
    return file("interrupts");
  case Item::SmpAffinity:
    return file("irq/" + arg + "/smp_affinity_list");
  case Item::RxQueues: {
    Read r;
    r.source = (std::filesystem::path(dir_) / "rps_cpus").string();
    std::error_code ec;
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(r.source, ec))
      if (starts_with(e.path().filename().string(), "rx-")) names.push_back(e.path().filename().string());
    if (ec) {
      r.error = ec == std::errc::no_such_file_or_directory ? "missing" : ec.message();
      return r;
    }
    r.ok = true;
    for (const auto& n : names) r.text += n + "\n";
    return r;
  }
  case Item::RpsCpus:
    return file("rps_cpus/" + arg);
  case Item::Threaded:
    return file("threaded");
  case Item::DeferHardIrqs:
    return file("napi_defer_hard_irqs");
  case Item::GroFlush:
    return file("gro_flush_timeout");
  case Item::CpuOnline:
    return file("cpu-online");
  case Item::UnameR:
    return file("uname-r");
  case Item::KernelConfig:
    return file("config");
  case Item::Device:
    return file("device");
  }
  return {};
}

} // namespace rxpath::model::host

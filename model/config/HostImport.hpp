// `rxpath import-host`: a host's receive-path settings as a scenario fragment (docs/scenarios.md,
// "Importing a host's settings"). The parsers are plain functions over the text that sysctl,
// ethtool 6.1 (Debian 12), /proc and /sys print; the assembly (import_host) reads through a
// HostSource, so that the live machine and a directory of saved outputs share every rule. Nothing
// here needs SimGrid.
//
// A parser never throws on bad text: it returns what it recognised and an `error` naming what it
// did not find. import_host turns every value it could not read or map into a Note naming the
// source it tried and the scenario keys left out.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rxpath::model::host {

// ---- parsers -------------------------------------------------------------------------------

// An unsigned decimal (surrounding blanks allowed), at most `max`.
std::optional<int64_t> parse_uint(std::string_view text, int64_t max = INT64_MAX);

// `sysctl -a` output, or "name = value" / "name=value" lines; "net/core/x" names become "net.core.x".
// Lines without '=' are skipped.
std::map<std::string, std::string> parse_sysctl(std::string_view text);

// ethtool -l (netlink/channels.c): the "Current hardware settings:" block. n/a -> nullopt.
struct Channels {
  std::optional<int64_t> rx, tx, other, combined;
  std::string error; // empty when the block was found with a Combined or RX count
};
Channels parse_ethtool_channels(std::string_view text);

// ethtool -g (netlink/rings.c): the current RX ring size.
struct Rings {
  std::optional<int64_t> rx;
  std::string error;
};
Rings parse_ethtool_rings(std::string_view text);

// ethtool -c (netlink/coalesce.c): "Adaptive RX: on  TX: on", "rx-usecs: N", "rx-frames: N".
struct Coalesce {
  std::optional<bool> adaptive_rx;
  std::optional<int64_t> rx_usecs, rx_frames;
  bool adaptive_na = false, usecs_na = false, frames_na = false; // printed as n/a
  std::string error;                                             // no line recognised at all
};
Coalesce parse_ethtool_coalesce(std::string_view text);

// ethtool -x (ethtool.c do_grxfh / print_indir_table): the indirection table and the hash key.
struct Rxfh {
  std::optional<int64_t> rings;     // "... with N RX ring(s):"
  std::vector<int64_t> indirection; // empty when not read
  std::string key;                  // "6d:5a:...", as printed; empty when not read
  std::string table_error, key_error;
};
Rxfh parse_ethtool_rxfh(std::string_view text);

// ethtool -k (netlink/features.c dump_feature): "name: on|off[ [fixed]|[requested on|off]]".
struct Features {
  std::map<std::string, bool> active;
  std::string error;
};
Features parse_ethtool_features(std::string_view text);

// ethtool -i (ethtool.c dump_drvinfo).
struct DrvInfo {
  std::string driver, bus_info;
  std::string error;
};
DrvInfo parse_ethtool_drvinfo(std::string_view text);

// ethtool -n DEV rx-flow-hash udp4 (ethtool.c dump_rxfhash): "l4" (IP SA, IP DA and both L4
// halves), "l3" (IP SA and IP DA only); other field sets are named in `error`.
struct FlowHash {
  std::string fields;
  std::string error;
};
FlowHash parse_ethtool_flow_hash(std::string_view text);

// /proc/interrupts: each numbered line's IRQ and its action names (the text after the per-CPU
// counts, the chip, hwirq and trigger columns: the last field, split at ", " for shared lines).
struct IrqLine {
  int64_t irq = 0;
  std::vector<std::string> names;
};
struct Interrupts {
  std::vector<IrqLine> lines;
  std::string error;
};
Interrupts parse_interrupts(std::string_view text);

// A cpulist ("0-3,8,10-11": /proc/irq/N/smp_affinity_list, /sys/devices/system/cpu/online), CPUs
// ascending; nullopt when malformed or a CPU is above max_cpu.
std::optional<std::vector<int64_t>> parse_cpu_list(std::string_view text, int64_t max_cpu = 8191);
// A hex mask as %*pb prints it ("f", "00000000,00000003": 32-bit groups, most significant first).
std::optional<std::vector<int64_t>> parse_cpu_mask(std::string_view text, int64_t max_cpu = 8191);

// uname -r: the major and minor release ("6.1.0-18-amd64" -> 6, 1).
std::optional<std::pair<int, int>> parse_kernel_release(std::string_view text);
// The model's row for a host release: the newest row of kernel_versions() not newer than it (the
// behaviours of a row hold until the next row's release); older than every row: the oldest.
struct KernelMapping {
  std::string row;
  bool exact = false;
  std::string how; // for the note when not exact
};
KernelMapping map_kernel_version(int major, int minor);

// CONFIG_HZ=N from a kernel config (/boot/config-RELEASE).
std::optional<int64_t> parse_kconfig_hz(std::string_view text);

// The RX queue an IRQ action name serves, or nullopt. Patterns (docs/scenarios.md):
//   mlx5_comp<N>@pci:<bus-info>   mlx5 completion vector N = channel N (bus-info must be known and match)
//   <dev>-TxRx-<N>, <dev>-rx-<N>  igb, ixgbe, igc, ... (q_vector->name)
//   <virtioK>-input.<N>           virtio_net RX virtqueue N of the virtio device virtioK (must be known)
//   <dev>                         a one-vector NIC (8139too: request_irq(..., dev->name, dev)): queue 0
struct VectorContext {
  std::string dev;           // the interface: eth0
  std::string bus_info;      // ethtool -i bus-info, or the PCI address the interface's device links to
  std::string virtio_device; // virtio2: what /sys/class/net/DEV/device links to
};
std::optional<int64_t> rx_queue_of_vector(std::string_view name, const VectorContext& ctx);

// ---- assembly ------------------------------------------------------------------------------

// What import_host asks for; each source knows where it is (a file, a command, a saved file).
enum class Item {
  Sysctl,        // arg: the sysctl's name
  EthtoolL,      // ethtool -l DEV
  EthtoolG,      // ethtool -g DEV
  EthtoolC,      // ethtool -c DEV
  EthtoolX,      // ethtool -x DEV
  EthtoolK,      // ethtool -k DEV
  EthtoolI,      // ethtool -i DEV
  EthtoolN,      // ethtool -n DEV rx-flow-hash udp4
  Interrupts,    // /proc/interrupts
  SmpAffinity,   // arg: the IRQ number; /proc/irq/N/smp_affinity_list
  RxQueues,      // the RX queue names ("rx-0\nrx-1\n..."): /sys/class/net/DEV/queues
  RpsCpus,       // arg: "rx-N"; /sys/class/net/DEV/queues/rx-N/rps_cpus
  Threaded,      // /sys/class/net/DEV/threaded
  DeferHardIrqs, // /sys/class/net/DEV/napi_defer_hard_irqs
  GroFlush,      // /sys/class/net/DEV/gro_flush_timeout
  CpuOnline,     // /sys/devices/system/cpu/online
  UnameR,        // uname -r
  KernelConfig,  // /boot/config-RELEASE
  Device,        // basename of /sys/class/net/DEV/device (virtio0, 0000:3b:00.0)
};

struct Read {
  bool ok = false;
  std::string text;
  std::string source; // "/proc/sys/net/core/busy_read", "ethtool -x eth0", "DIR/ethtool-x.txt"
  std::string error;  // when !ok: "not installed", "permission denied", "missing", ...
};

class HostSource {
public:
  virtual ~HostSource() = default;
  virtual Read read(Item item, const std::string& arg = {}) = 0;
  virtual std::string dev() const = 0; // the interface, or "" when unknown
};

// One value the import could not read or map: the message names the source and the keys.
struct Note {
  std::vector<std::string> keys; // JSON pointers of the keys left out ("/nic/rss/key")
  std::string text;              // "ethtool -x eth0: not installed; nic.rss.key not read"
};

struct ImportResult {
  nlohmann::json fragment = nlohmann::json::object();
  std::vector<Note> notes;
  std::vector<std::string> info; // mappings made that are worth saying (kernel row)
};

ImportResult import_host(HostSource& src);

// Every key an import can write, as JSON pointers, in the agreed names (ISSUE12 keys).
const std::vector<std::string>& import_keys();
// A key for messages: "/sysctl/net.core.busy_read" -> "net.core.busy_read", "/nic/rss/key" -> "nic.rss.key".
std::string key_name(const std::string& pointer);
// The fragment's keys as JSON pointers (objects walked, arrays and scalars are leaves).
std::vector<std::string> fragment_keys(const nlohmann::json& fragment);

// Overlays the fragment on a base scenario: objects merged key by key, anything else replaced.
nlohmann::json overlay(nlohmann::json base, const nlohmann::json& fragment);

// A directory of saved outputs (docs/scenarios.md "Importing a host's settings" gives the layout
// and the commands that collect it). `dev`: the interface; empty: DIR/dev, else the name in
// ethtool's headers.
class DirSource : public HostSource {
public:
  explicit DirSource(std::string dir, std::string dev = {});
  Read read(Item item, const std::string& arg = {}) override;
  std::string dev() const override { return dev_; }

private:
  Read file(const std::string& rel) const;
  std::string dir_, dev_;
  std::optional<Read> sysctl_;
  std::map<std::string, std::string> sysctl_values_;
};

// Reads a whole (small) file: text or the reason it could not ("missing", "permission denied").
Read read_text_file(const std::string& path, const std::string& source_name);

} // namespace rxpath::model::host

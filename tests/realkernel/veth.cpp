#include "veth.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <linux/veth.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

namespace rxpath::realkernel {

namespace {

std::string errno_text(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

// A socket for the ioctls (SIOC*, SIOCETHTOOL) of the calling thread's namespace.
struct IoctlSocket {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ~IoctlSocket() {
    if (fd >= 0) close(fd);
  }
};

ifreq ifreq_for(const char* dev) {
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, dev, IFNAMSIZ - 1);
  return ifr;
}

std::string dev_ioctl(const char* dev, unsigned long request, ifreq& ifr, const char* what) {
  IoctlSocket s;
  if (s.fd < 0) return errno_text("socket(AF_INET, SOCK_DGRAM)");
  if (ioctl(s.fd, request, &ifr) != 0) return errno_text(std::string(what) + " on " + dev);
  return "";
}

std::string set_up(const char* dev) {
  ifreq ifr = ifreq_for(dev);
  if (auto why = dev_ioctl(dev, SIOCGIFFLAGS, ifr, "SIOCGIFFLAGS"); !why.empty()) return why;
  ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
  return dev_ioctl(dev, SIOCSIFFLAGS, ifr, "SIOCSIFFLAGS (up)");
}

sockaddr_in inet(const char* addr) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  inet_pton(AF_INET, addr, &a.sin_addr);
  return a;
}

// An IPv4 address and its /prefix, as SIOCSIFADDR and SIOCSIFNETMASK set them (devinet_ioctl).
std::string set_address(const char* dev, const char* addr, int prefix) {
  ifreq ifr = ifreq_for(dev);
  sockaddr_in a = inet(addr);
  std::memcpy(&ifr.ifr_addr, &a, sizeof a);
  if (auto why = dev_ioctl(dev, SIOCSIFADDR, ifr, "SIOCSIFADDR"); !why.empty()) return why;
  a.sin_addr.s_addr = htonl(~((1u << (32 - prefix)) - 1));
  ifr = ifreq_for(dev);
  std::memcpy(&ifr.ifr_netmask, &a, sizeof a);
  return dev_ioctl(dev, SIOCSIFNETMASK, ifr, "SIOCSIFNETMASK");
}

std::optional<std::vector<unsigned char>> hw_address(const char* dev) {
  ifreq ifr = ifreq_for(dev);
  if (!dev_ioctl(dev, SIOCGIFHWADDR, ifr, "SIOCGIFHWADDR").empty()) return std::nullopt;
  return std::vector<unsigned char>(ifr.ifr_hwaddr.sa_data, ifr.ifr_hwaddr.sa_data + ETH_ALEN);
}

// A permanent, complete neighbour entry (SIOCSARP with ATF_PERM | ATF_COM, arp_req_set).
std::string set_arp(const char* dev, const char* addr, const std::vector<unsigned char>& mac) {
  IoctlSocket s;
  if (s.fd < 0) return errno_text("socket(AF_INET, SOCK_DGRAM)");
  arpreq req{};
  const sockaddr_in a = inet(addr);
  std::memcpy(&req.arp_pa, &a, sizeof a);
  req.arp_ha.sa_family = ARPHRD_ETHER;
  std::memcpy(req.arp_ha.sa_data, mac.data(), std::min<size_t>(mac.size(), sizeof req.arp_ha.sa_data));
  req.arp_flags = ATF_PERM | ATF_COM;
  std::strncpy(req.arp_dev, dev, sizeof req.arp_dev - 1);
  if (ioctl(s.fd, SIOCSARP, &req) != 0) return errno_text(std::string("SIOCSARP ") + addr + " on " + dev);
  return "";
}

bool write_file(const std::string& path, const std::string& value) {
  std::ofstream out(path);
  return static_cast<bool>(out << value << std::flush);
}

std::string write_or_why(const std::string& path, const std::string& value) {
  std::ofstream out(path);
  if (!out) return errno_text("open " + path);
  if (!(out << value << std::flush)) return errno_text("write " + value + " to " + path);
  return "";
}

// A netlink message under construction: the header, the payload, and nested attributes.
class NlMessage {
public:
  NlMessage(uint16_t type, uint16_t flags) : buf_(NLMSG_HDRLEN, 0) {
    auto* h = header();
    h->nlmsg_type = type;
    h->nlmsg_flags = flags;
    h->nlmsg_seq = 1;
  }
  template <typename T>
  void put(const T& v) {
    append(&v, sizeof v);
  }
  void attr(uint16_t type, const void* data, size_t len) {
    const rtattr a{static_cast<unsigned short>(RTA_LENGTH(len)), type};
    append(&a, sizeof a);
    append(data, len);
  }
  void attr_string(uint16_t type, const char* s) { attr(type, s, std::strlen(s) + 1); }
  size_t begin_nest(uint16_t type) {
    const size_t at = buf_.size();
    const rtattr a{0, type};
    append(&a, sizeof a);
    return at;
  }
  void end_nest(size_t at) {
    rtattr a{};
    std::memcpy(&a, buf_.data() + at, sizeof a);
    a.rta_len = static_cast<unsigned short>(buf_.size() - at);
    std::memcpy(buf_.data() + at, &a, sizeof a);
  }
  // Sends the message on a NETLINK_ROUTE socket of the calling thread's namespace and reads the ack.
  std::string send_and_ack(const char* what) {
    header()->nlmsg_len = static_cast<uint32_t>(buf_.size());
    const int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) return errno_text("socket(AF_NETLINK)");
    std::string why;
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (sendto(fd, buf_.data(), buf_.size(), 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
      why = errno_text(std::string(what) + ": sendto(netlink)");
    } else {
      std::vector<char> reply(8192);
      const ssize_t n = recv(fd, reply.data(), reply.size(), 0);
      if (n < static_cast<ssize_t>(NLMSG_HDRLEN + sizeof(nlmsgerr))) {
        why = errno_text(std::string(what) + ": recv(netlink)");
      } else {
        nlmsghdr h{};
        std::memcpy(&h, reply.data(), sizeof h);
        nlmsgerr e{};
        std::memcpy(&e, reply.data() + NLMSG_HDRLEN, sizeof e);
        if (h.nlmsg_type == NLMSG_ERROR && e.error != 0)
          why = std::string(what) + ": " + std::strerror(-e.error);
      }
    }
    close(fd);
    return why;
  }

private:
  nlmsghdr* header() { return reinterpret_cast<nlmsghdr*>(buf_.data()); }
  void append(const void* p, size_t len) {
    const auto* c = static_cast<const char*>(p);
    buf_.insert(buf_.end(), c, c + len);
    buf_.resize(NLMSG_ALIGN(buf_.size()), 0);
  }
  std::vector<char> buf_;
};

// RTM_NEWLINK kind veth: `dev` here, its peer `peer` in the namespace of `peer_ns_fd`
// (drivers/net/veth.c veth_newlink takes the peer's ifinfomsg and attributes from VETH_INFO_PEER,
// and its namespace from IFLA_NET_NS_FD there).
std::string create_veth(const char* dev, const char* peer, int peer_ns_fd) {
  NlMessage m(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
  m.put(ifinfomsg{});
  m.attr_string(IFLA_IFNAME, dev);
  const size_t linkinfo = m.begin_nest(IFLA_LINKINFO);
  m.attr_string(IFLA_INFO_KIND, "veth");
  const size_t data = m.begin_nest(IFLA_INFO_DATA);
  const size_t peer_info = m.begin_nest(VETH_INFO_PEER);
  m.put(ifinfomsg{});
  m.attr_string(IFLA_IFNAME, peer);
  const uint32_t fd = static_cast<uint32_t>(peer_ns_fd);
  m.attr(IFLA_NET_NS_FD, &fd, sizeof fd);
  m.end_nest(peer_info);
  m.end_nest(data);
  m.end_nest(linkinfo);
  return m.send_and_ack("RTM_NEWLINK veth");
}

std::string fresh_netns(int& fd, bool& skip) {
  if (unshare(CLONE_NEWNET) != 0) {
    skip = errno == EPERM || errno == EINVAL || errno == ENOSPC;
    return errno_text("unshare(CLONE_NEWNET)");
  }
  fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_text("open /proc/thread-self/ns/net");
  // Neither end sends router solicitations or MLD reports in the middle of a run.
  write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
  write_file("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
  return set_up("lo");
}

std::string enter(int fd, const char* which) {
  if (setns(fd, CLONE_NEWNET) != 0) return errno_text(std::string("setns (") + which + "'s namespace)");
  return "";
}

int ethtool(const char* dev, void* cmd) {
  IoctlSocket s;
  if (s.fd < 0) return -1;
  ifreq ifr = ifreq_for(dev);
  ifr.ifr_data = static_cast<char*>(cmd);
  return ioctl(s.fd, SIOCETHTOOL, &ifr);
}

std::string ethtool_onoff(const char* dev, uint32_t cmd, bool on, const char* what) {
  ethtool_value v{cmd, on ? 1u : 0u};
  if (ethtool(dev, &v) != 0) return errno_text(std::string("SIOCETHTOOL ") + what + " on " + dev);
  return "";
}

// The signal handlers' copy of what to write back: the sysctl files, opened while the process was
// still in the initial network namespace (/proc/sys/net/core/netdev_budget exists only there, and an
// open file keeps the table it was opened on), and the old values; read with async-signal-safe calls
// only.
constexpr int kMaxSaved = 4;
int g_restore_fd[kMaxSaved];
char g_restore_value[kMaxSaved][32];
int g_restore_count = 0;
char g_state_file[128];
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

void write_back() {
  for (int i = 0; i < g_restore_count; ++i)
    [[maybe_unused]] const ssize_t n =
        pwrite(g_restore_fd[i], g_restore_value[i], std::strlen(g_restore_value[i]), 0);
}

void restore_on_signal(int sig) {
  write_back();
  unlink(g_state_file);
  signal(sig, SIG_DFL);
  raise(sig);
}

constexpr const char* kStateDir = "/run";
std::string state_path(const char* suffix) {
  return std::string(access(kStateDir, W_OK) == 0 ? kStateDir : "/tmp") + "/rxpath-udpprobe-global-sysctls" +
         suffix;
}

} // namespace

VethNamespaces::~VethNamespaces() {
  if (sender_ns_ >= 0) close(sender_ns_);
  if (receiver_ns_ >= 0) close(receiver_ns_);
}

std::string VethNamespaces::create(bool& skip) {
  skip = false;
  if (unshare(CLONE_NEWNS) != 0) {
    skip = errno == EPERM || errno == EINVAL;
    return errno_text("unshare(CLONE_NEWNS)");
  }
  // Mounts made from here on stay in this process's mount namespace.
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    return errno_text("mount --make-rprivate /");
  if (auto why = fresh_netns(sender_ns_, skip); !why.empty()) return "sender's namespace: " + why;
  if (auto why = fresh_netns(receiver_ns_, skip); !why.empty()) return "receiver's namespace: " + why;
  // sysfs shows the network devices of the namespace of the task that mounts it (sysfs_mount takes
  // the current task's net namespace tag): a fresh mount here shows the receiver's devices.
  if (mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
    return errno_text("mount sysfs on /sys (for the receiver's namespace)");
  if (auto why = create_veth(kVethReceiver, kVethSender, sender_ns_); !why.empty()) return why;
  if (auto why = set_address(kVethReceiver, kVethReceiverAddr, kVethPrefix); !why.empty()) return why;
  if (auto why = set_up(kVethReceiver); !why.empty()) return why;
  const auto mac = hw_address(kVethReceiver);
  if (!mac) return std::string("SIOCGIFHWADDR on ") + kVethReceiver + ": " + std::strerror(errno);
  if (auto why = enter_sender(); !why.empty()) return why;
  if (auto why = set_address(kVethSender, kVethSenderAddr, kVethPrefix); !why.empty()) return why;
  if (auto why = set_up(kVethSender); !why.empty()) return why;
  if (auto why = set_arp(kVethSender, kVethReceiverAddr, *mac); !why.empty()) return why;
  return enter_receiver();
}

std::string VethNamespaces::enter_sender() {
  return enter(sender_ns_, "sender");
}
std::string VethNamespaces::enter_receiver() {
  return enter(receiver_ns_, "receiver");
}

// ETHTOOL_SGRO / ETHTOOL_STSO: net/ethtool/ioctl.c ethtool_set_one_feature maps them to NETIF_F_GRO
// and NETIF_F_ALL_TSO and calls __netdev_update_features; veth_set_features
// (drivers/net/veth.c) then adds or removes the device's NAPI when GRO changes on a device that is up.
std::string set_gro(const char* dev, bool on) {
  return ethtool_onoff(dev, ETHTOOL_SGRO, on, "ETHTOOL_SGRO");
}
std::string set_tso(const char* dev, bool on) {
  return ethtool_onoff(dev, ETHTOOL_STSO, on, "ETHTOOL_STSO");
}
std::optional<bool> get_gro(const char* dev) {
  ethtool_value v{ETHTOOL_GGRO, 0};
  if (ethtool(dev, &v) != 0) return std::nullopt;
  return v.data != 0;
}

// net/core/net-sysfs.c modify_napi_threaded: EOPNOTSUPP while the device has no NAPI (a veth without
// GRO or XDP).
std::string set_threaded(const char* dev, bool on) {
  return write_or_why(std::string("/sys/class/net/") + dev + "/threaded", on ? "1" : "0");
}

std::string set_rps_cpus(const char* dev, const std::string& mask) {
  return write_or_why(std::string("/sys/class/net/") + dev + "/queues/rx-0/rps_cpus", mask);
}

std::vector<int> napi_threads(const char* dev) {
  std::vector<int> pids;
  const std::string prefix = std::string("napi/") + dev + "-";
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string comm;
    std::getline(std::ifstream(entry.path() / "comm"), comm);
    if (comm.rfind(prefix, 0) == 0) pids.push_back(std::stoi(name));
  }
  return pids;
}

std::string pin_task(int pid, int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(static_cast<unsigned>(cpu), &set);
  if (sched_setaffinity(pid, sizeof set, &set) != 0)
    return errno_text("sched_setaffinity(" + std::to_string(pid) + ", CPU " + std::to_string(cpu) + ")");
  return "";
}

std::optional<DevCounters> dev_counters(const char* dev) {
  std::ifstream in("/proc/thread-self/net/dev");
  const std::string want = std::string(dev) + ":";
  for (std::string line; std::getline(in, line);) {
    std::istringstream ss(line);
    std::string name;
    ss >> name;
    if (name != want) continue;
    // rx: bytes packets errs drop fifo frame compressed multicast; tx: bytes packets errs drop ...
    int64_t f[16] = {};
    for (int64_t& v : f) ss >> v;
    return DevCounters{f[1], f[3], f[9], f[11]};
  }
  return std::nullopt;
}

std::map<std::string, int64_t> device_stats(const char* dev) {
  std::map<std::string, int64_t> m;
  // How many: ETHTOOL_GSSET_INFO with the ETH_SS_STATS bit (the count follows the header).
  alignas(ethtool_sset_info) char info_buf[sizeof(ethtool_sset_info) + sizeof(uint32_t)] = {};
  auto* info = reinterpret_cast<ethtool_sset_info*>(info_buf);
  info->cmd = ETHTOOL_GSSET_INFO;
  info->sset_mask = 1ull << ETH_SS_STATS;
  if (ethtool(dev, info) != 0 || !(info->sset_mask & (1ull << ETH_SS_STATS))) return m;
  uint32_t n = 0;
  std::memcpy(&n, info_buf + sizeof(ethtool_sset_info), sizeof n);
  std::vector<char> strings(sizeof(ethtool_gstrings) + n * ETH_GSTRING_LEN);
  auto* gs = reinterpret_cast<ethtool_gstrings*>(strings.data());
  gs->cmd = ETHTOOL_GSTRINGS;
  gs->string_set = ETH_SS_STATS;
  gs->len = n;
  std::vector<char> stats(sizeof(ethtool_stats) + n * sizeof(uint64_t));
  auto* st = reinterpret_cast<ethtool_stats*>(stats.data());
  st->cmd = ETHTOOL_GSTATS;
  st->n_stats = n;
  if (ethtool(dev, gs) != 0 || ethtool(dev, st) != 0) return m;
  for (uint32_t i = 0; i < std::min(n, st->n_stats); ++i) {
    const char* name = reinterpret_cast<const char*>(gs->data) + i * ETH_GSTRING_LEN;
    uint64_t v = 0;
    std::memcpy(&v, stats.data() + sizeof(ethtool_stats) + i * sizeof(uint64_t), sizeof v);
    m[std::string(name, strnlen(name, ETH_GSTRING_LEN))] = static_cast<int64_t>(v);
  }
  return m;
}

std::vector<SoftnetRow> softnet_rows() {
  std::vector<SoftnetRow> rows;
  std::ifstream in("/proc/net/softnet_stat");
  int line_no = 0;
  for (std::string line; std::getline(in, line); ++line_no) {
    std::istringstream ss(line);
    std::vector<int64_t> f;
    for (std::string w; ss >> w;) f.push_back(std::stoll(w, nullptr, 16));
    if (f.size() < 3) continue;
    SoftnetRow r;
    r.cpu = f.size() >= 13 ? static_cast<int>(f[12]) : line_no; // the CPU's id since 5.x
    r.processed = f[0];
    r.dropped = f[1];
    r.time_squeeze = f[2];
    r.received_rps = f.size() >= 10 ? f[9] : 0;
    rows.push_back(r);
  }
  return rows;
}

std::string GlobalSysctls::set(const std::map<std::string, int64_t>& values, std::string& restored_stale) {
  const std::string lock = state_path(".lock"), state = state_path(".saved");
  lock_fd_ = open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ < 0) return errno_text("open " + lock);
  if (flock(lock_fd_, LOCK_EX) != 0) return errno_text("flock " + lock);
  // A previous probe that died without restoring (SIGKILL) left its saved values.
  if (std::ifstream stale(state); stale) {
    for (std::string path, value; stale >> path >> value;)
      if (write_file("/proc/sys/" + path, value)) restored_stale += path + "=" + value + " ";
    std::remove(state.c_str());
  }
  if (values.empty()) return "";
  if (values.size() > static_cast<size_t>(kMaxSaved)) return "too many global sysctls";
  std::map<std::string, int64_t> old;
  for (const auto& [path, _] : values) {
    std::ifstream in("/proc/sys/" + path);
    int64_t v = 0;
    if (!(in >> v)) return errno_text("read /proc/sys/" + path);
    old[path] = v;
  }
  {
    std::ofstream out(state);
    for (const auto& [path, v] : old) out << path << " " << v << "\n";
    if (!(out << std::flush)) return errno_text("write " + state);
  }
  std::snprintf(g_state_file, sizeof g_state_file, "%s", state.c_str());
  g_restore_count = 0;
  for (const auto& [path, v] : old) {
    const std::string file = "/proc/sys/" + path;
    const int fd = open(file.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
      const std::string why = errno_text("open " + file);
      restore_files();
      return why;
    }
    g_restore_fd[g_restore_count] = fd;
    std::snprintf(g_restore_value[g_restore_count], sizeof g_restore_value[0], "%lld",
                  static_cast<long long>(v));
    ++g_restore_count;
  }
  for (int sig : kSignals) signal(sig, restore_on_signal);
  saved_ = old;
  int i = 0;
  for (const auto& [path, v] : values) { // the same order as old's: both maps sort by path
    const std::string text = std::to_string(v);
    if (pwrite(g_restore_fd[i++], text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
      const std::string why = errno_text("write " + text + " to /proc/sys/" + path);
      restore();
      return why;
    }
  }
  return "";
}

void GlobalSysctls::restore_files() {
  write_back();
  for (int i = 0; i < g_restore_count; ++i) close(g_restore_fd[i]);
  g_restore_count = 0;
  if (g_state_file[0]) std::remove(g_state_file);
}

void GlobalSysctls::restore() {
  if (!saved_.empty()) {
    restore_files();
    saved_.clear();
    for (int sig : kSignals) signal(sig, SIG_DFL);
  }
  if (lock_fd_ >= 0) {
    close(lock_fd_);
    lock_fd_ = -1;
  }
}

} // namespace rxpath::realkernel

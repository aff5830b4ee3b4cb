#include "netns.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

#include <linux/sock_diag.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace rxpath::realkernel {

namespace {

std::string errno_text(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

// Sets IFF_UP on `name` (what `ip link set lo up` does through netlink).
std::string bring_up(const char* name) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return errno_text("socket(AF_INET, SOCK_DGRAM)");
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
  std::string why;
  if (ioctl(fd, SIOCGIFFLAGS, &ifr) != 0) {
    why = errno_text(std::string("ioctl(SIOCGIFFLAGS, ") + name + ")");
  } else {
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
    if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0)
      why = errno_text(std::string("ioctl(SIOCSIFFLAGS, ") + name + " up)");
  }
  close(fd);
  return why;
}

} // namespace

std::string enter_fresh_netns() {
  if (unshare(CLONE_NEWNET) != 0) {
    const int err = errno;
    std::string why = std::string("unshare(CLONE_NEWNET): ") + std::strerror(err);
    if (err == EPERM)
      why += geteuid() != 0 ? " (not root: needs CAP_SYS_ADMIN)"
                            : " (namespaces forbidden here, e.g. by seccomp)";
    else if (err == EINVAL)
      why += " (this kernel has no network namespaces: CONFIG_NET_NS)";
    else if (err == ENOSPC)
      why += " (user.max_net_namespaces reached)";
    return why;
  }
  return bring_up("lo");
}

std::map<std::string, int64_t> udp_snmp() {
  // Two "Udp:" lines: the column names, then the values.
  std::ifstream in("/proc/net/snmp");
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);)
    if (line.rfind("Udp:", 0) == 0) {
      std::istringstream ss(line.substr(4));
      rows.emplace_back();
      for (std::string w; ss >> w;) rows.back().push_back(w);
    }
  std::map<std::string, int64_t> m;
  if (rows.size() >= 2)
    for (size_t i = 0; i < rows[0].size() && i < rows[1].size(); ++i) m[rows[0][i]] = std::stoll(rows[1][i]);
  return m;
}

int64_t softnet_dropped() {
  std::ifstream in("/proc/net/softnet_stat");
  int64_t n = 0;
  for (std::string line; std::getline(in, line);) {
    std::istringstream ss(line);
    std::string processed, dropped;
    if (ss >> processed >> dropped) n += std::stoll(dropped, nullptr, 16);
  }
  return n;
}

std::optional<int64_t> read_sysctl(const std::string& path) {
  std::ifstream in("/proc/sys/" + path);
  int64_t v = 0;
  if (in >> v) return v;
  return std::nullopt;
}

std::string kernel_release() {
  std::ifstream in("/proc/sys/kernel/osrelease");
  std::string s;
  std::getline(in, s);
  return s.empty() ? "?" : s;
}

CpuTicks cpu_ticks() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  int64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  return {user + nice + system, steal};
}

int64_t own_ticks() {
  std::ifstream in("/proc/self/stat");
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces) in parentheses: state is field 3,
  // utime and stime are 14 and 15.
  std::istringstream ss(all.substr(all.rfind(')') + 2));
  std::string field;
  for (int i = 3; i < 14 && ss >> field; ++i) {
  }
  int64_t utime = 0, stime = 0;
  ss >> utime >> stime;
  return utime + stime;
}

std::string set_group_nice(int nice) {
  if (read_sysctl("kernel/sched_autogroup_enabled").value_or(0) == 0)
    return setpriority(PRIO_PROCESS, 0, nice) == 0 ? "" : errno_text("setpriority");
  if (setsid() < 0) return errno_text("setsid (for an autogroup of its own)");
  std::ofstream group("/proc/self/autogroup");
  if (!(group << nice << std::flush)) return errno_text("write /proc/self/autogroup");
  return "";
}

std::map<int, int64_t> ksoftirqd_ns() {
  std::map<int, int64_t> m;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::string comm;
    std::getline(std::ifstream(entry.path() / "comm"), comm);
    if (comm.rfind("ksoftirqd/", 0) != 0) continue;
    int64_t ns = 0;
    if (std::ifstream(entry.path() / "schedstat") >> ns) m[std::stoi(comm.substr(10))] = ns;
  }
  return m;
}

std::optional<SocketMemory> socket_memory(int fd) {
  uint32_t mem[SK_MEMINFO_VARS] = {};
  socklen_t len = sizeof mem;
  if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len) != 0) return std::nullopt;
  return SocketMemory{mem[SK_MEMINFO_RMEM_ALLOC], mem[SK_MEMINFO_RCVBUF], mem[SK_MEMINFO_DROPS]};
}

} // namespace rxpath::realkernel

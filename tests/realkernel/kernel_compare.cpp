// rxpath-kernel-compare: drives real UDP traffic through the loopback device of a fresh network
// namespace, reads the kernel's own counters, runs the same setups through the model's loopback
// profile (scenarios/loopback.json), and prints both side by side.
//
//   rxpath-kernel-compare --rxpath build/rxpath --scenario scenarios/loopback.json [--check]
//                         [--check-timing] [--markdown FILE] [--kernel 6.18]
//
// --check: the fill cases (no timing involved) must agree exactly; it applies only when the running
// kernel is the profile's version (another version's rules differ), otherwise the run is skipped.
// --check-timing: the slow-receiver cases must agree within 5% too (they depend on this machine's
// speed and the scenario's costs: docs/calibration.md).
// Exit codes: 0 done (and the checks asked for hold), 1 the model disagrees, 2 bad command line,
// 77 skipped (no network namespace can be made here, or --check against another kernel version).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

constexpr int kSkipped = 77;

// ----------------------------------------------------------------------------- the real kernel

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void spin_until(int64_t t) {
  while (now_ns() < t) {
  }
}

void pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(static_cast<unsigned>(cpu), &set);
  sched_setaffinity(0, sizeof set, &set); // best effort: with one CPU both share it
}

// A new network namespace for this process, with lo up. Empty string on success, else why not.
std::string enter_netns() {
  if (unshare(CLONE_NEWNET) != 0)
    return std::string("unshare(CLONE_NEWNET): ") + std::strerror(errno) +
           " (needs root and user/net namespaces)";
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  if (ioctl(fd, SIOCGIFFLAGS, &ifr) != 0) return std::string("SIOCGIFFLAGS lo: ") + std::strerror(errno);
  ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
  if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0) return std::string("SIOCSIFFLAGS lo up: ") + std::strerror(errno);
  close(fd);
  return "";
}

// The Udp: lines of /proc/net/snmp (this namespace's), by column name.
std::map<std::string, int64_t> udp_snmp() {
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

struct Case {
  std::string kind; // "fill": nobody reads while the sender sends; "slow": a receiver with work
  int rcvbuf = 212992;
  int payload = 1472;
  int count = 1000;
  double rate_pps = 0; // slow: the sender's pace
  int64_t work_ns = 0; // slow: the receiver's busy work per datagram
};

struct Outcome {
  int64_t rcvbuf_got = 0, sent = 0, received = 0, rcvbuf_errors = 0, in_errors = 0;
  double achieved_pps = 0;
  std::string error;
};

Outcome run_kernel(const Case& c) {
  Outcome o;
  const int rx = socket(AF_INET, SOCK_DGRAM, 0), tx = socket(AF_INET, SOCK_DGRAM, 0);
  setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &c.rcvbuf, sizeof c.rcvbuf);
  int got = 0;
  socklen_t len = sizeof got;
  getsockopt(rx, SOL_SOCKET, SO_RCVBUF, &got, &len);
  o.rcvbuf_got = got;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(rx, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    o.error = std::string("bind: ") + std::strerror(errno);
    return o;
  }
  socklen_t alen = sizeof addr;
  getsockname(rx, reinterpret_cast<sockaddr*>(&addr), &alen);
  timeval tv{0, 200000}; // the receiver stops after 200 ms without a datagram
  setsockopt(rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::vector<char> buf(static_cast<size_t>(std::max(c.payload, 1)), 'x'), rbuf(65536);
  auto before = udp_snmp();

  std::atomic<int64_t> received{0};
  std::thread reader;
  if (c.kind == "slow")
    reader = std::thread([&] {
      pin(1);
      while (recv(rx, rbuf.data(), rbuf.size(), 0) >= 0) {
        ++received;
        spin_until(now_ns() + c.work_ns);
      }
    });
  pin(0);
  const int64_t t0 = now_ns();
  for (int i = 0; i < c.count; ++i) {
    if (c.rate_pps > 0) spin_until(t0 + static_cast<int64_t>(i * 1e9 / c.rate_pps));
    if (sendto(tx, buf.data(), static_cast<size_t>(c.payload), 0, reinterpret_cast<sockaddr*>(&addr),
               sizeof addr) == c.payload)
      ++o.sent;
  }
  o.achieved_pps = o.sent * 1e9 / static_cast<double>(std::max<int64_t>(now_ns() - t0, 1));
  if (c.kind == "slow") {
    reader.join();
  } else {
    while (recv(rx, rbuf.data(), rbuf.size(), MSG_DONTWAIT) >= 0) ++received;
  }
  auto after = udp_snmp();
  o.received = received;
  o.rcvbuf_errors = after["RcvbufErrors"] - before["RcvbufErrors"];
  o.in_errors = after["InErrors"] - before["InErrors"];
  close(rx);
  close(tx);
  return o;
}

// ---------------------------------------------------------------------------------- the model

Outcome run_model(const Case& c, const std::string& rxpath, const std::string& scenario,
                  const std::string& kernel, const fs::path& dir) {
  Outcome o;
  const fs::path result = dir / "result.json";
  fs::remove(result);
  std::vector<std::string> args{rxpath,
                                "run",
                                scenario,
                                "-q",
                                "--no-trace",
                                "--result-json",
                                result.string(),
                                "--set",
                                "kernel=" + kernel,
                                "--set",
                                "net.core.rmem_max=212992",
                                "--set",
                                "sockets.0.so_rcvbuf_bytes=" + std::to_string(c.rcvbuf),
                                "--set",
                                "traffic.0.payload_bytes=" + std::to_string(c.payload),
                                "--set",
                                "traffic.0.count=" + std::to_string(c.count)};
  auto set = [&](const std::string& kv) {
    args.push_back("--set");
    args.push_back(kv);
  };
  if (c.kind == "fill") {
    set("receivers=[]");
    set("traffic.0.rate_pps=1000000000"); // back to back: the sender's own cost paces it
  } else {
    set("traffic.0.rate_pps=" + std::to_string(c.rate_pps));
    set("receivers.0.app_work_ns=" + std::to_string(c.work_ns));
  }
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !fs::exists(result)) {
    o.error = "rxpath run failed (exit " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")";
    return o;
  }
  const auto j = nlohmann::json::parse(std::ifstream(result));
  const auto& drops = j["drops"];
  // Fill: what the receiver would have drained = still queued when the run ended (SOCKET_CLOSE).
  o.received = j["delivered"].get<int64_t>() + drops.value("SOCKET_CLOSE", int64_t{0});
  o.rcvbuf_errors = drops.value("SOCKET_RCVBUFF", int64_t{0});
  o.sent = j["arrived"].get<int64_t>();
  o.rcvbuf_got = std::min(c.rcvbuf, 212992) * 2;
  return o;
}

std::vector<Case> cases() {
  std::vector<Case> v;
  for (int rcvbuf : {4096, 65536, 212992})
    for (int payload : {64, 512, 1472, 8000}) v.push_back({"fill", rcvbuf, payload, 1000, 0, 0});
  // A receiver slower than the sender (40 µs per datagram against 50 kpps), and one that keeps up.
  v.push_back({"slow", 65536, 1472, 20000, 50000, 40000});
  v.push_back({"slow", 212992, 512, 20000, 50000, 40000});
  v.push_back({"slow", 212992, 1472, 5000, 10000, 40000});
  return v;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"Runs UDP setups through the real kernel (a fresh network namespace, loopback) and through "
               "the model's loopback profile, and prints both side by side"};
  std::string rxpath, scenario, markdown, kernel = "6.18";
  bool check = false, check_timing = false;
  app.add_option("--rxpath", rxpath, "The rxpath binary")->required()->check(CLI::ExistingFile);
  app.add_option("--scenario", scenario, "The model's loopback scenario (scenarios/loopback.json)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--kernel", kernel, "The model's kernel profile to compare with")
      ->check(CLI::IsMember({"3.19", "6.18"}));
  app.add_option("--markdown", markdown, "Also write the table as Markdown to this file");
  app.add_flag("--check", check, "Exit 1 when a fill case disagrees (skip if the kernel is another version)");
  app.add_flag("--check-timing", check_timing, "Exit 1 when a slow-receiver case is off by more than 5%");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "rxpath-kernel-compare: error: " << e.what() << "\n";
    return 2;
  }
  rxpath = fs::absolute(rxpath).string();
  scenario = fs::absolute(scenario).string();
  if (const std::string why = enter_netns(); !why.empty()) {
    std::cout << "rxpath-kernel-compare: skipped: cannot make a network namespace here: " << why << "\n";
    return kSkipped;
  }
  char uname_buf[256] = "?";
  if (FILE* f = std::fopen("/proc/sys/kernel/osrelease", "r")) {
    if (!std::fgets(uname_buf, sizeof uname_buf, f)) std::strcpy(uname_buf, "?");
    std::fclose(f);
    uname_buf[std::strcspn(uname_buf, "\n")] = 0;
  }
  if (check && std::string(uname_buf).rfind(kernel, 0) != 0) {
    std::cout << "rxpath-kernel-compare: skipped: this machine runs Linux " << uname_buf
              << ", not the model's " << kernel << " profile; run without --check to see both side by side\n";
    return kSkipped;
  }
  const fs::path dir = fs::temp_directory_path() / ("rxpath-kernel-compare." + std::to_string(getpid()));
  fs::create_directories(dir);

  std::ostringstream md;
  md << "Real kernel " << uname_buf << " (network namespace, loopback) against the model (kernel profile "
     << kernel << ", scenarios/loopback.json).\n\n"
     << "| case | SO_RCVBUF → sk_rcvbuf | payload | sent | received: kernel / model | RcvbufErrors: kernel / "
        "model | agree |\n|---|---|---|---|---|---|---|\n";
  std::printf("%-5s %9s %8s %7s %6s %17s %21s  %s\n", "case", "SO_RCVBUF", "rcvbuf", "payload", "sent",
              "received k/m", "RcvbufErrors k/m", "agree");
  bool all_agree = true;
  for (const auto& c : cases()) {
    const Outcome k = run_kernel(c);
    const Outcome m = run_model(c, rxpath, scenario, kernel, dir);
    bool agree = false;
    std::string note;
    if (!k.error.empty() || !m.error.empty()) {
      note = k.error.empty() ? "model: " + m.error : "kernel: " + k.error;
    } else if (c.kind == "fill") {
      agree = k.received == m.received && k.rcvbuf_errors == m.rcvbuf_errors; // exact: no timing involved
    } else {
      // Timing matters: within 5% of the kernel's received count (or 2 datagrams).
      const double tol = std::max(2.0, 0.05 * static_cast<double>(k.received));
      agree = std::abs(static_cast<double>(k.received - m.received)) <= tol;
      char buf[64];
      std::snprintf(buf, sizeof buf, " (sender %.1f kpps)", k.achieved_pps / 1e3);
      note = buf;
    }
    if (c.kind == "fill" || check_timing) all_agree &= agree;
    const std::string name = c.kind == "fill" ? "fill"
                                              : "slow " + std::to_string(c.work_ns / 1000) + " µs @ " +
                                                    std::to_string(static_cast<int>(c.rate_pps / 1000)) + "k";
    std::printf("%-5s %9d %8lld %7d %6lld %8lld / %-6lld %10lld / %-8lld  %s%s\n", c.kind.c_str(), c.rcvbuf,
                static_cast<long long>(k.rcvbuf_got), c.payload, static_cast<long long>(k.sent),
                static_cast<long long>(k.received), static_cast<long long>(m.received),
                static_cast<long long>(k.rcvbuf_errors), static_cast<long long>(m.rcvbuf_errors),
                agree ? "yes" : "NO", note.c_str());
    md << "| " << name << " | " << c.rcvbuf << " → " << k.rcvbuf_got << " | " << c.payload << " | " << k.sent
       << " | " << k.received << " / " << m.received << " | " << k.rcvbuf_errors << " / " << m.rcvbuf_errors
       << " | " << (agree ? "yes" : "no") << note << " |\n";
  }
  fs::remove_all(dir);
  if (!markdown.empty()) std::ofstream(markdown) << md.str();
  if ((check || check_timing) && !all_agree) {
    std::cout << "rxpath-kernel-compare: the model disagrees with the kernel (see the rows marked NO)\n";
    return 1;
  }
  return 0;
}

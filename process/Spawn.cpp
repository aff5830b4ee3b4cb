#include "process/Spawn.hpp"

#include <array>
#include <atomic>
#include <csignal>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace rxpath::process {
namespace {

// Children to terminate from a signal handler: fixed slots, no allocation there.
constexpr size_t kMaxChildren = 1024;
std::array<std::atomic<pid_t>, kMaxChildren> g_children{};

void remember(pid_t pid) {
  for (auto& c : g_children) {
    pid_t empty = 0;
    if (c.compare_exchange_strong(empty, pid)) return;
  }
}

// In the child, between fork and exec: async-signal-safe calls only.
bool redirect(int fd, const std::string& path) {
  if (path.empty()) return true;
  const int f = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (f < 0) return false;
  if (f != fd && (::dup2(f, fd) < 0 || ::close(f) < 0)) return false;
  return true;
}

} // namespace

void terminate_children() {
  for (auto& c : g_children)
    if (const pid_t pid = c.load(); pid > 0) ::kill(pid, SIGTERM);
}

pid_t spawn(std::vector<std::string> args, const SpawnOptions& options) {
  // Built before fork: the child only makes async-signal-safe calls.
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (options.own_session) {
      ::setsid();
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (::getppid() != parent) ::_exit(127); // the parent died before prctl took effect
    }
    if (!redirect(1, options.stdout_path) || !redirect(2, options.stderr_path)) ::_exit(127);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  if (pid > 0 && options.own_session) remember(pid);
  return pid;
}

void reaped(pid_t pid) {
  for (auto& c : g_children) {
    pid_t expected = pid;
    if (c.compare_exchange_strong(expected, 0)) return;
  }
}

int wait_exit(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) < 0) return -1;
  reaped(pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int run(std::vector<std::string> args, const SpawnOptions& options) {
  const pid_t pid = spawn(std::move(args), options);
  return pid < 0 ? -1 : wait_exit(pid);
}

} // namespace rxpath::process

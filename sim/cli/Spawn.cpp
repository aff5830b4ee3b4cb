#include "Spawn.hpp"

#include "trace/OutputFile.hpp"

#include <array>
#include <atomic>
#include <csignal>

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace rxpath::cli {
namespace {

// Children to terminate from a signal handler: fixed slots, no allocation there.
constexpr size_t kMaxChildren = 1024;
std::array<std::atomic<pid_t>, kMaxChildren> g_children{};

void terminate_children() {
  for (auto& c : g_children)
    if (const pid_t pid = c.load(); pid > 0) ::kill(pid, SIGTERM);
}

void remember(pid_t pid) {
  for (auto& c : g_children) {
    pid_t empty = 0;
    if (c.compare_exchange_strong(empty, pid)) return;
  }
}

} // namespace

pid_t spawn(std::vector<std::string> args) {
  static const bool hooked = (trace::on_fatal_signal(terminate_children), true);
  (void)hooked;
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setsid();
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127); // the parent died before prctl took effect
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  if (pid > 0) remember(pid);
  return pid;
}

void reaped(pid_t pid) {
  for (auto& c : g_children) {
    pid_t expected = pid;
    if (c.compare_exchange_strong(expected, 0)) return;
  }
}

bool run_child(std::vector<std::string> args) {
  const pid_t pid = spawn(std::move(args));
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) < 0) return false;
  reaped(pid);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

} // namespace rxpath::cli

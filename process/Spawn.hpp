// Child processes, for the commands that run the simulator several times (rxpath sweep and
// calibrate: one SimGrid engine each) and for the real-kernel harness (tests/realkernel).
// fork + execv of args[0]: the child exits 127 if it cannot open a redirection or exec.
#pragma once

#include <string>
#include <vector>

#include <sys/types.h>

namespace rxpath::process {

struct SpawnOptions {
  // The child runs in its own session (setsid): with autogroup scheduling, children of one session
  // share one CPU share, so parallel runs gave no speed-up. It dies with its parent
  // (PR_SET_PDEATHSIG), and terminate_children() stops it until it is reaped, so no orphan keeps
  // writing after the parent is interrupted.
  bool own_session = false;
  std::string stdout_path, stderr_path; // empty: inherited; else created or truncated (0644)

  static SpawnOptions in_own_session() {
    SpawnOptions o;
    o.own_session = true;
    return o;
  }
};

// The child's pid, or -1 if fork failed.
pid_t spawn(std::vector<std::string> args, const SpawnOptions& options = {});
// After waitpid reaped a child spawned with own_session: it is no longer ours to terminate.
void reaped(pid_t pid);
// Waits for the child and reaps it: its exit code, or -1 if it did not exit normally.
int wait_exit(pid_t pid);
// spawn and wait_exit; -1 if it could not be spawned.
int run(std::vector<std::string> args, const SpawnOptions& options = {});
// SIGTERM to every own_session child not yet reaped. Async-signal-safe: for a fatal-signal hook
// (trace::on_fatal_signal).
void terminate_children();

} // namespace rxpath::process

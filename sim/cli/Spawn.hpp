// Child processes for commands that run the simulator several times (one SimGrid engine each).
// Each child runs in its own session (setsid): with autogroup scheduling, children of one session
// share one CPU share, so -j2 gave no speed-up. A child dies with its parent (PR_SET_PDEATHSIG),
// and an interrupted parent (SIGINT, SIGTERM, SIGHUP) terminates the children it started, so no
// orphan keeps writing.
#pragma once

#include <string>
#include <vector>

#include <sys/types.h>

namespace rxpath::cli {

// fork + execv of args[0] with args; the child exits 127 if it cannot exec.
pid_t spawn(std::vector<std::string> args);
// After waitpid reaped it: the child is no longer ours to terminate.
void reaped(pid_t pid);
// spawn and wait: true if the child exited with 0.
bool run_child(std::vector<std::string> args);

} // namespace rxpath::cli

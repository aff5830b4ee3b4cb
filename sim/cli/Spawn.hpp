// Child processes for commands that run the simulator several times (one SimGrid engine each).
#pragma once

#include <string>
#include <vector>

#include <sys/types.h>

namespace rxpath::cli {

// fork + execv of args[0] with args; the child exits 127 if it cannot exec.
pid_t spawn(std::vector<std::string> args);
// spawn and wait: true if the child exited with 0.
bool run_child(std::vector<std::string> args);

} // namespace rxpath::cli

#include "Spawn.hpp"

#include <sys/wait.h>
#include <unistd.h>

namespace rxpath::cli {

pid_t spawn(std::vector<std::string> args) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

bool run_child(std::vector<std::string> args) {
  const pid_t pid = spawn(std::move(args));
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) < 0) return false;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

} // namespace rxpath::cli

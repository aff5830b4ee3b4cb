// rxpath-bench: wall time per simulated datagram of the 1,000,000-datagram flood, with the trace
// off and on, against a bare SimGrid loop doing one execute per datagram (the floor any SimGrid
// model with one activity per datagram pays). Each runs in its own process (one SimGrid engine
// per process); peak memory is the child's maximum resident set, CPU time its user + system time
// (on a shared machine the CPU-time ratio moves less than the wall-time one).
//
//   rxpath-bench [--scenario FILE] [--datagrams N] [--trace-dir DIR]
#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/NetZone.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

int bare_loop(long n) {
  int argc = 2;
  char a0[] = "bare", a1[] = "--log=root.thres:critical";
  char* argv[] = {a0, a1, nullptr};
  simgrid::s4u::Engine e(&argc, argv);
  auto* zone = simgrid::s4u::create_full_zone("z");
  auto* host = zone->create_host("cpu0", 1e9);
  zone->seal();
  simgrid::s4u::Actor::create("loop", host, [n] {
    for (long i = 0; i < n; ++i) simgrid::s4u::this_actor::execute(1000);
  });
  e.run();
  return 0;
}

struct Measure {
  double seconds = 0;
  double cpu_seconds = 0; // user + system time of the child: less moved by others' load than the wall time
  long max_rss_kb = 0;
  int status = 0;
};

Measure run_child(const std::vector<std::string>& args) {
  const auto t0 = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    std::perror(argv[0]);
    _exit(127);
  }
  Measure m;
  struct rusage ru {};
  wait4(pid, &m.status, 0, &ru);
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  m.max_rss_kb = ru.ru_maxrss;
  auto secs = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) * 1e-6;
  };
  m.cpu_seconds = secs(ru.ru_utime) + secs(ru.ru_stime);
  return m;
}

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

} // namespace

int main(int argc, char** argv) {
  std::string scenario = std::string(RXPATH_SOURCE_DIR) + "/scenarios/flood-1m.json";
  std::string trace_dir = "/tmp";
  long n = 1000000;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "bare" && i + 1 < argc) return bare_loop(std::stol(argv[i + 1]));
    if (a == "--scenario" && i + 1 < argc)
      scenario = argv[++i];
    else if (a == "--datagrams" && i + 1 < argc)
      n = std::stol(argv[++i]);
    else if (a == "--trace-dir" && i + 1 < argc)
      trace_dir = argv[++i];
    else {
      std::fprintf(stderr, "usage: rxpath-bench [--scenario FILE] [--datagrams N] [--trace-dir DIR]\n");
      return 2;
    }
  }
  const std::string self = argv[0];
  const std::string rxpath = dir_of(self) + "/../rxpath";
  const std::string count = "traffic.0.count=" + std::to_string(n);
  const std::string trace = trace_dir + "/rxpath-bench.trace.jsonl";

  struct Row {
    const char* name;
    std::vector<std::string> args;
  };
  const std::vector<Row> rows{
      {"bare SimGrid loop (1 execute per datagram)", {self, "bare", std::to_string(n)}},
      {"rxpath run, trace off", {rxpath, "run", scenario, "--set", count, "--no-trace", "-q"}},
      {"rxpath run, trace on", {rxpath, "run", scenario, "--set", count, "-o", trace, "-q"}},
  };
  std::printf("%ld datagrams, %s\n\n", n, scenario.c_str());
  std::printf(
      "| run | wall time (s) | ns per datagram | vs bare loop | CPU time (s) | vs bare loop, CPU | peak RSS "
      "(MiB) |\n|---|---|---|---|---|---|---|\n");
  double bare = 0, bare_cpu = 0;
  for (const auto& r : rows) {
    Measure m = run_child(r.args);
    if (!WIFEXITED(m.status) || WEXITSTATUS(m.status) != 0) {
      std::fprintf(stderr, "rxpath-bench: %s failed\n", r.name);
      return 1;
    }
    if (bare == 0) bare = m.seconds, bare_cpu = m.cpu_seconds;
    std::printf("| %s | %.2f | %.0f | %.2fx | %.2f | %.2fx | %.0f |\n", r.name, m.seconds,
                m.seconds * 1e9 / static_cast<double>(n), m.seconds / bare, m.cpu_seconds,
                m.cpu_seconds / bare_cpu, static_cast<double>(m.max_rss_kb) / 1024.0);
    std::fflush(stdout);
  }
  FILE* f = std::fopen(trace.c_str(), "rb");
  if (f) {
    std::fseek(f, 0, SEEK_END);
    std::printf("\ntrace: %.0f MiB\n", static_cast<double>(std::ftell(f)) / (1 << 20));
    std::fclose(f);
    std::remove(trace.c_str());
  }
  return 0;
}

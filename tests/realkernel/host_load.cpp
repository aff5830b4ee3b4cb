#include "host_load.hpp"

#include <algorithm>
#include <ctime>
#include <string>

#include <unistd.h>

namespace rxpath::realkernel {

HostLoad host_load() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return {ts.tv_sec * 1'000'000'000 + ts.tv_nsec, own_ticks(), cpu_ticks(), ksoftirqd_ns()};
}

nlohmann::ordered_json host_json(const HostLoad& a, const HostLoad& b) {
  const double ticks_per_s = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double capacity = static_cast<double>(b.t_ns - a.t_ns) / 1e9 * ticks_per_s *
                          static_cast<double>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  const auto share = [&](int64_t ticks) {
    return capacity > 0 ? static_cast<double>(ticks) / capacity : 0.0;
  };
  const int64_t others = (b.cpus.task - a.cpus.task) - (b.own - a.own);
  nlohmann::ordered_json ksoftirqd = nlohmann::ordered_json::object();
  for (const auto& [cpu, ns] : b.ksoftirqd)
    ksoftirqd[std::to_string(cpu)] = ns - (a.ksoftirqd.count(cpu) ? a.ksoftirqd.at(cpu) : 0);
  return {{"cpus", sysconf(_SC_NPROCESSORS_ONLN)},
          {"others_share", std::max(0.0, share(others))},
          {"steal_share", share(b.cpus.steal - a.cpus.steal)},
          {"own_share", share(b.own - a.own)},
          {"ksoftirqd_ns", ksoftirqd}};
}

rusage thread_usage() {
  rusage u{};
  getrusage(RUSAGE_THREAD, &u);
  return u;
}

nlohmann::ordered_json switches(const rusage& a, const rusage& b) {
  return {{"voluntary", b.ru_nvcsw - a.ru_nvcsw}, {"involuntary", b.ru_nivcsw - a.ru_nivcsw}};
}

} // namespace rxpath::realkernel

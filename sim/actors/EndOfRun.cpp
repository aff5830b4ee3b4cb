#include "EndOfRun.hpp"

#include "sim/Clock.hpp"

#include <simgrid/s4u/Actor.hpp>

#include <stdexcept>
#include <string>

namespace rxpath::sim {

void EndOfRun::operator()() {
  auto& k = sys_->kernel;
  constexpr int64_t kCheckEveryNs = 50'000;
  for (int i = 0; i < sys_->producers; ++i) sys_->producer_done_sem->acquire();
  while (!(k.quiescent() && k.in_flight() == k.stranded())) {
    if (k.quiescent() && k.sockets_drained() && k.in_flight() > k.stranded())
      throw std::logic_error("rxpath bug: " + std::to_string(k.in_flight() - k.stranded()) +
                             " datagrams vanished without a fate");
    simgrid::s4u::this_actor::sleep_for(to_seconds(kCheckEveryNs));
  }
  while (auto t = k.next_reassembly_expiry()) {
    if (*t > now_ns()) simgrid::s4u::this_actor::sleep_until(to_seconds(*t));
    k.expire_reassembly(now_ns());
  }
  k.close_all(now_ns());
  sys_->end_ns = now_ns();
  for (auto& cpu : sys_->cpus) cpu->account_running(); // a background task's work so far
}

} // namespace rxpath::sim

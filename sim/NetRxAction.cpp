#include "NetRxAction.hpp"

#include "Clock.hpp"

namespace rxpath::sim {

using model::kNicNapi;
using trace::Fn;

void run_path(System& sys, int cpu, Level level, model::Path& p, int64_t prefix_ns) {
  Run r = sys.cpus[cpu]->execute(level, p.ctx, prefix_ns + p.cost);
  for (auto& e : p.events) e.t = r.time_at(prefix_ns + e.t);
  sys.wake_receiver(sys.kernel.finish(p, r.end));
}

namespace {

// rtl8139_poll (8139too.c): rtl8139_rx up to `weight` frames, checking the ring before each
// (frames that arrive during the poll are taken too); fewer than `weight`:
// __napi_complete and RX interrupts unmasked (RTL_W16_F(IntrMask, rtl8139_intr_mask)).
int64_t nic_poll(System& sys, int cpu, trace::Ctx ctx, Level level, int64_t weight, int64_t& prefix) {
  auto& k = sys.kernel;
  const int64_t t0 = now_ns();
  prefix += k.scenario().costs.napi_poll_ns;
  int64_t work = 0;
  model::Path& path = sys.path(cpu, level);
  while (work < weight && k.driver_rx(cpu, ctx, now_ns(), path)) {
    run_path(sys, cpu, level, path, prefix);
    prefix = 0;
    ++work;
  }
  if (work < weight) {
    sys.cpus[cpu]->execute(level, ctx, prefix + k.scenario().costs.napi_complete_ns);
    prefix = 0;
    k.napi_complete(cpu, ctx, now_ns());
    sys.nic_irq_enabled();
  }
  k.span(Fn::Rtl8139Poll, cpu, ctx, t0, now_ns(), work);
  return work;
}

// process_backlog (net/core/dev.c): up to dev_weight skbs; pending RPS IPIs are sent first.
int64_t backlog_poll(System& sys, int cpu, trace::Ctx ctx, Level level, int64_t quota, int64_t& prefix) {
  auto& k = sys.kernel;
  const int64_t t0 = now_ns();
  for (int target : k.take_rps_ipis(cpu)) sys.post_irq(target, Irq::RpsIpi);
  prefix += k.scenario().costs.napi_poll_ns;
  int64_t work = 0;
  model::Path& path = sys.path(cpu, level);
  while (work < quota && k.backlog_rx(cpu, ctx, path)) {
    run_path(sys, cpu, level, path, prefix);
    prefix = 0;
    ++work;
  }
  k.span(Fn::ProcessBacklog, cpu, ctx, t0, now_ns(), work);
  return work;
}

} // namespace

void net_rx_action(System& sys, int cpu, trace::Ctx ctx, Level level, int64_t prefix_ns) {
  auto& k = sys.kernel;
  const auto& sc = k.scenario();
  auto& sd = k.sd(cpu);
  const int64_t t0 = now_ns();
  const int64_t time_limit = t0 + sc.sysctl.netdev_budget_usecs * 1000;
  int64_t budget = sc.sysctl.netdev_budget;
  int64_t prefix = prefix_ns + sc.costs.net_rx_action_ns;
  int64_t total = 0;
  sd.net_rx_pending = false;
  // The poll_list is spliced to a local list; NAPIs scheduled meanwhile wait for the next round.
  std::deque<int> list;
  list.swap(sd.poll_list);
  std::deque<int> repoll;
  // Each NAPI on the spliced list is polled at most once per call; one that used its whole weight
  // waits on `repoll` for the next round (net_rx_action, net/core/dev.c, 3.19.8 line 4604).
  while (!list.empty()) {
    const int n = list.front();
    list.pop_front();
    const int64_t weight = n == kNicNapi ? sc.nic.napi_weight : sc.sysctl.dev_weight;
    const int64_t work = n == kNicNapi ? nic_poll(sys, cpu, ctx, level, weight, prefix)
                                       : backlog_poll(sys, cpu, ctx, level, weight, prefix);
    total += work;
    budget -= work; // charged after the poll: it may overshoot by up to its weight
    if (work == weight) repoll.push_back(n);
    // The window is checked after each poll, so the last poll may overshoot the budget by up to
    // its weight; a lone NAPI that exhausts it counts a squeeze too.
    if (budget <= 0 || now_ns() >= time_limit) {
      ++k.counters().softnet[cpu].time_squeeze;
      break;
    }
  }
  if (prefix > 0) sys.cpus[cpu]->execute(level, ctx, prefix);
  // out: unfinished NAPIs, then those scheduled meanwhile, then the repolls; re-raise if any.
  for (int n : sd.poll_list) list.push_back(n);
  for (int n : repoll) list.push_back(n);
  sd.poll_list.swap(list);
  if (!sd.poll_list.empty()) sd.net_rx_pending = true;
  // net_rps_action_and_irq_enable: IPIs to the CPUs whose backlogs this CPU fed.
  for (int target : k.take_rps_ipis(cpu)) sys.post_irq(target, Irq::RpsIpi);
  k.span(Fn::NetRxAction, cpu, ctx, t0, now_ns(), total, budget);
}

} // namespace rxpath::sim

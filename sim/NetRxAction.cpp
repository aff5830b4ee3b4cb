#include "NetRxAction.hpp"

#include "Clock.hpp"

#include "model/NetRxAction.hpp"

namespace rxpath::sim {

using trace::Fn;

void run_path(System& sys, int cpu, Level level, model::Path& p, int64_t prefix_ns) {
  Run r = sys.cpus[cpu]->execute(level, p.ctx, prefix_ns + p.cost);
  for (auto& e : p.events) e.t = r.time_at(prefix_ns + e.t);
  sys.wake_receiver(sys.kernel.settle(p, r.end));
}

namespace {

void send_rps_ipis(System& sys, int cpu) {
  for (int target : sys.kernel.dev().take_rps_ipis(cpu)) sys.post_irq(target, Irq{IrqKind::RpsIpi});
}

// The driver's NAPI poll of RX queue `q` (rtl8139_poll, mlx5e_napi_poll): a frame at a time up to
// `weight`, checking the ring before each (frames that arrive during the poll are taken too);
// fewer than `weight`: napi_complete.
int64_t nic_poll(System& sys, int cpu, int q, trace::Ctx ctx, Level level, int64_t weight, int64_t& prefix) {
  auto& k = sys.kernel;
  auto& drv = k.driver();
  const int64_t t0 = now_ns();
  prefix += k.draw(k.scenario().costs.napi_poll_ns);
  int64_t work = 0;
  model::Path& path = sys.path(cpu, level);
  while (work < weight && drv.rx(cpu, q, ctx, now_ns(), path)) {
    run_path(sys, cpu, level, path, prefix);
    prefix = 0;
    ++work;
  }
  if (work < weight) {
    sys.cpus[cpu]->execute(level, ctx, prefix + k.draw(k.scenario().costs.napi_complete_ns));
    prefix = 0;
    drv.napi_complete(cpu, q, ctx, now_ns());
    sys.nic_irq_enabled();
  }
  k.span(drv.poll_fn(), cpu, ctx, t0, now_ns(), work, trace::kUnset, trace::kUnset,
         k.nic().names_queues() ? q : trace::kUnset);
  return work;
}

// process_backlog (net/core/dev.c): pending RPS IPIs are sent first (net_rps_action_and_irq_enable),
// then up to `quota` skbs.
int64_t backlog_poll(System& sys, int cpu, trace::Ctx ctx, Level level, int64_t quota, int64_t& prefix) {
  auto& k = sys.kernel;
  const int64_t t0 = now_ns();
  send_rps_ipis(sys, cpu);
  prefix += k.draw(k.scenario().costs.napi_poll_ns);
  int64_t work = 0;
  model::Path& path = sys.path(cpu, level);
  while (work < quota && k.dev().process_backlog(cpu, ctx, path)) {
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
  const int64_t t0 = now_ns();
  int64_t prefix = prefix_ns + k.draw(k.scenario().costs.net_rx_action_ns);
  model::NetRxAction action(k, cpu, t0);
  while (const auto poll = action.next()) {
    const int64_t work =
        model::is_nic_napi(poll->napi)
            ? nic_poll(sys, cpu, model::queue_of_napi(poll->napi), ctx, level, poll->weight, prefix)
            : backlog_poll(sys, cpu, ctx, level, poll->weight, prefix);
    action.polled(*poll, work, now_ns());
  }
  if (prefix > 0) sys.cpus[cpu]->execute(level, ctx, prefix);
  action.end();
  // net_rps_action_and_irq_enable: IPIs to the CPUs whose backlogs this CPU fed.
  send_rps_ipis(sys, cpu);
  k.span(Fn::NetRxAction, cpu, ctx, t0, now_ns(), action.work(), action.budget());
}

} // namespace rxpath::sim

// net/core/dev.c (3.19; 6.18 where noted in the callers): softnet, RPS, the backlog, the core
// receive.
#include "Dev.hpp"

#include "IpInput.hpp"

namespace rxpath::model {

using trace::Ctx;
using trace::DropReason;
using trace::Event;
using trace::Fn;
using trace::Kind;

Dev::Dev(Context& cx, IpInput& ip) : cx_(cx), ip_(ip), sd_(static_cast<size_t>(cx.sc.cpus)) {}

// ____napi_schedule: onto the poll_list; NET_RX is raised unless net_rx_action is running on this
// CPU (6.4+: it re-splices the poll_list before it returns).
void Dev::napi_schedule(int cpu, int napi) {
  sd(cpu).poll_list.push_back(napi);
  raise_net_rx(cpu);
}

void Dev::raise_net_rx(int cpu) {
  auto& s = sd(cpu);
  if (!s.in_net_rx_action) s.net_rx_pending = true;
}

void Dev::rps_ipi(int cpu, int64_t t0, int64_t t1) {
  Event s = make_event(Kind::Span, Fn::SmpCallFunction, cpu, Ctx::Hardirq, t0);
  s.end = t1;
  cx_.emit(s);
  napi_schedule(cpu, cpu);
  ++cx_.c.softnet[static_cast<size_t>(cpu)].received_rps;
  Event n = make_event(Kind::Instant, Fn::NapiSchedule, cpu, Ctx::Hardirq, t1);
  n.backlog = static_cast<int64_t>(sd(cpu).input_pkt_queue.size());
  cx_.emit(n);
}

std::vector<int> Dev::take_rps_ipis(int cpu) {
  std::vector<int> out;
  out.swap(sd(cpu).rps_ipi_list);
  return out;
}

// get_rps_cpu: skb_get_hash (flow dissector: no ports for IP fragments), then
// map->cpus[reciprocal_scale(hash, map->len)].
int Dev::rps_cpu(const Skb& skb) const {
  const auto& cpus = cx_.sc.nic.rps_cpus;
  if (cpus.empty()) return -1;
  uint64_t h = (uint64_t{skb.saddr} << 32) ^ skb.daddr;
  if (skb.frag < 0) h ^= (uint64_t{skb.sport} << 48) ^ (uint64_t{skb.dport} << 16);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  const auto hash32 = static_cast<uint32_t>(h);
  return static_cast<int>(cpus[(uint64_t{hash32} * cpus.size()) >> 32]);
}

// netif_receive_skb_internal (net/core/dev.c): with RPS, get_rps_cpu picks a CPU and
// enqueue_to_backlog queues there (even when it is this CPU); without, __netif_receive_skb.
void Dev::receive_skb(Path& p, trace::Fn entry) {
  p.traced_stage(entry, cx_.draw(cx_.costs.netif_receive_skb_ns));
  if (const int target = rps_cpu(p.skb); target >= 0) {
    to_backlog(p, target);
    return;
  }
  netif_receive_skb_core(p);
}

void Dev::to_backlog(Path& p, int cpu) {
  if (!cx_.sc.nic.rps_cpus.empty()) p.traced_stage(Fn::GetRpsCpu, cx_.draw(cx_.costs.get_rps_cpu_ns));
  p.stage(Fn::EnqueueToBacklog, cx_.draw(cx_.costs.enqueue_to_backlog_ns));
  p.target = cpu;
  p.outcome = Outcome::Backlog;
}

// enqueue_to_backlog: accept while qlen <= netdev_max_backlog. The first skb schedules the backlog
// NAPI: locally, or by an IPI sent when net_rx_action ends (rps_ipi_queued). The drop counts
// sd->dropped and the device's rx_dropped (3.19 atomic_long_inc(&skb->dev->rx_dropped); 6.18
// dev_core_stats_rx_dropped_inc).
void Dev::enqueue_to_backlog(Path& p, int64_t now) {
  auto& target = sd(p.target);
  const auto qlen = static_cast<int64_t>(target.input_pkt_queue.size());
  if (qlen <= cx_.sc.sysctl.netdev_max_backlog) {
    if (qlen == 0 && !target.backlog_scheduled) {
      target.backlog_scheduled = true;
      // napi_schedule_rps: another CPU's backlog waits for this CPU's IPIs at the end of its
      // net_rx_action.
      if (p.target != p.cpu)
        sd(p.cpu).rps_ipi_list.push_back(p.target);
      else
        target.poll_list.push_back(p.cpu);
      raise_net_rx(p.cpu);
    }
    target.input_pkt_queue.push_back(p.skb);
    if (!p.events.empty()) p.events.back().backlog = qlen + 1;
    cx_.emit_path(p);
    return;
  }
  ++cx_.c.softnet[static_cast<size_t>(p.target)].dropped;
  ++cx_.c.nic.rx_dropped;
  cx_.emit_path(p);
  Event d = make_event(Kind::Drop, Fn::EnqueueToBacklog, p.cpu, p.ctx, now, &p.skb);
  d.backlog = qlen;
  cx_.fates.drop(d, DropReason::CpuBacklog);
}

// process_backlog: dequeue from process_queue; when it is empty, splice input_pkt_queue into it;
// when both are empty the backlog NAPI completes.
bool Dev::process_backlog(int cpu, Ctx ctx, Path& p) {
  auto& s = sd(cpu);
  if (s.process_queue.empty()) {
    if (s.input_pkt_queue.empty()) {
      s.backlog_scheduled = false; // napi->state = 0, inline __napi_complete
      return false;
    }
    s.process_queue.swap(s.input_pkt_queue); // skb_queue_splice_tail_init onto an empty queue
  }
  p.begin(s.process_queue.front(), cpu, ctx, cx_.traced);
  s.process_queue.pop_front();
  cx_.fates.take();
  Event& e = p.stage(Fn::ProcessBacklog, cx_.draw(cx_.costs.process_backlog_ns));
  e.backlog = static_cast<int64_t>(s.input_pkt_queue.size() + s.process_queue.size());
  netif_receive_skb_core(p);
  return true;
}

// __netif_receive_skb_core: softnet processed++, ptype_all taps, then the ptype_base entry for
// the ethertype; none: dev->rx_dropped, kfree_skb.
void Dev::netif_receive_skb_core(Path& p) {
  ++cx_.c.softnet[static_cast<size_t>(p.cpu)].processed;
  p.traced_stage(Fn::NetifReceiveSkbCore, cx_.draw(cx_.costs.netif_receive_skb_core_ns));
  if (cx_.sc.ptype_all_tap) p.traced_stage(Fn::DeliverSkbTap, cx_.draw(cx_.costs.ptype_all_tap_ns));
  if (p.skb.ethertype != 0x0800) {
    ++cx_.c.nic.rx_dropped;
    p.drop(Fn::NetifReceiveSkbCore, DropReason::UnhandledProto);
    return;
  }
  ip_.rcv(p);
}

bool Dev::idle() const {
  for (const auto& s : sd_)
    if (!s.poll_list.empty() || !s.input_pkt_queue.empty() || !s.process_queue.empty() || s.net_rx_pending ||
        s.backlog_scheduled || !s.rps_ipi_list.empty())
      return false;
  return true;
}

} // namespace rxpath::model

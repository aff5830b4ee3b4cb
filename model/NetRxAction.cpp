// net_rx_action, net/core/dev.c (3.19.8, lines 4580-4650; the same loop to 6.3): the spliced list, each NAPI
// polled at most once per call, budget and time checked after each poll.
#include "NetRxAction.hpp"

#include "Jiffies.hpp"

namespace rxpath::model {

namespace {
// time_limit = jiffies + 2 (3.19); 4.12+: jiffies + usecs_to_jiffies(netdev_budget_usecs), whose
// default is 2 jiffies (2 * USEC_PER_SEC / HZ, a4837980fd9f). The loop stops once jiffies reaches
// it (time_after_eq): anywhere from one to two ticks after the start, depending on its phase.
int64_t time_limit(const Kernel& k, int64_t now) {
  const auto& sc = k.scenario();
  const int64_t usecs = sc.sysctl.netdev_budget_usecs;
  const int64_t window = k.version().netdev_budget_usecs && usecs > 0 ? usecs_to_jiffies(usecs, sc.hz) : 2;
  return jiffy_start_ns(jiffies_at(now, sc.hz) + window, sc.hz);
}
} // namespace

NetRxAction::NetRxAction(Kernel& k, int cpu, int64_t now)
    : k_(k), cpu_(cpu), time_limit_(time_limit(k, now)), budget_(k.scenario().sysctl.netdev_budget) {
  auto& sd = k.sd(cpu);
  sd.net_rx_pending = false;
  sd.in_net_rx_action = k.version().in_net_rx_action;
  list_.swap(sd.poll_list);
}

std::optional<NetRxAction::Poll> NetRxAction::next() {
  auto& sd = k_.sd(cpu_);
  // 6.4+ (8b43fd3d1d7d, c59647c0dc67): with the list and the repolls done, NAPIs scheduled
  // meanwhile (which raised nothing) are spliced and polled in this call: goto start.
  if (!stopped_ && list_.empty() && repoll_.empty() && sd.in_net_rx_action && !sd.poll_list.empty())
    list_.swap(sd.poll_list);
  if (stopped_ || list_.empty()) return std::nullopt;
  const int n = list_.front();
  list_.pop_front();
  const auto& sc = k_.scenario();
  return Poll{n, is_nic_napi(n) ? sc.nic.napi_weight : sc.sysctl.dev_weight};
}

void NetRxAction::polled(const Poll& poll, int64_t work, int64_t now) {
  total_ += work;
  budget_ -= work;
  if (work == poll.weight) repoll_.push_back(poll.napi);
  // A lone NAPI that exhausts the budget counts a squeeze too.
  if (budget_ <= 0 || now >= time_limit_) {
    ++k_.counters().softnet[static_cast<size_t>(cpu_)].time_squeeze;
    stopped_ = true;
  }
}

void NetRxAction::end() {
  auto& sd = k_.sd(cpu_);
  for (int n : sd.poll_list) list_.push_back(n);
  for (int n : repoll_) list_.push_back(n);
  sd.poll_list.swap(list_);
  sd.in_net_rx_action = false;
  if (!sd.poll_list.empty()) sd.net_rx_pending = true;
}

} // namespace rxpath::model

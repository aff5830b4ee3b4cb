// net_rx_action, net/core/dev.c (3.19.8, lines 4580-4650): the spliced list, each NAPI polled at
// most once per call, budget and time checked after each poll.
#include "NetRxAction.hpp"

namespace rxpath::model {

NetRxAction::NetRxAction(Kernel& k, int cpu, int64_t now)
    : k_(k), cpu_(cpu), time_limit_(now + k.scenario().sysctl.netdev_budget_usecs * 1000),
      budget_(k.scenario().sysctl.netdev_budget) {
  auto& sd = k.sd(cpu);
  sd.net_rx_pending = false;
  list_.swap(sd.poll_list);
}

std::optional<NetRxAction::Poll> NetRxAction::next() {
  if (stopped_ || list_.empty()) return std::nullopt;
  const int n = list_.front();
  list_.pop_front();
  const auto& sc = k_.scenario();
  return Poll{n, n == kNicNapi ? sc.nic.napi_weight : sc.sysctl.dev_weight};
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
  if (!sd.poll_list.empty()) sd.net_rx_pending = true;
}

} // namespace rxpath::model

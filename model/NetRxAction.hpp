// net_rx_action (net/core/dev.c, 3.19) as decisions: which NAPI is polled next and with what
// weight, the budget and the time limit (netdev_budget, netdev_budget_usecs), the repoll list,
// and what stays pending when it returns. sim/ executes each poll and reports its work.
#pragma once

#include "Kernel.hpp"

#include <deque>
#include <optional>

namespace rxpath::model {

class NetRxAction {
public:
  // Entry at `now` on `cpu`: NET_RX is no longer pending and the poll_list is spliced to a local
  // list; NAPIs scheduled meanwhile wait for the next call.
  NetRxAction(Kernel& k, int cpu, int64_t now);

  struct Poll {
    int napi = kNicNapi; // an RX queue's NAPI (nic_napi) or the CPU whose backlog it is
    int64_t weight = 0;  // the NIC's napi_weight, or dev_weight for a backlog
  };
  // The next NAPI to poll, or none: the list is done, or the budget or time ran out.
  std::optional<Poll> next();
  // The poll did `work` and returned at `now`: charged to the budget after the fact (it may
  // overshoot by up to its weight), a NAPI that used its whole weight waits for the next round,
  // and the budget and time are checked (time_squeeze when either ran out).
  void polled(const Poll& poll, int64_t work, int64_t now);
  // The exit: unfinished NAPIs, then those scheduled meanwhile, then the repolls go back on the
  // poll_list; NET_RX is raised again if any.
  void end();

  int64_t work() const { return total_; }
  int64_t budget() const { return budget_; }

private:
  Kernel& k_;
  int cpu_;
  int64_t time_limit_;
  int64_t budget_;
  int64_t total_ = 0;
  bool stopped_ = false;
  std::deque<int> list_;
  std::deque<int> repoll_;
};

} // namespace rxpath::model

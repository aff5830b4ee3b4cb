#include "TaskStates.hpp"

#include <algorithm>

namespace rxpath::view {

void TaskStates::change(int64_t t, TaskState s) {
  if (!state_.empty() && state_.back() == s) return;
  if (!t_.empty() && t_.back() == t) { // two changes at one instant: the later one holds
    state_.back() = s;
    if (state_.size() > 1 && state_[state_.size() - 2] == s) t_.pop_back(), state_.pop_back();
    return;
  }
  t_.push_back(t);
  state_.push_back(s);
}

void TaskStates::finish(const BinGrid& grid) {
  running_.assign(t_.size(), 0);
  runnable_.assign(t_.size(), 0);
  for (size_t k = 1; k < t_.size(); ++k) {
    const int64_t d = t_[k] - t_[k - 1];
    running_[k] = running_[k - 1] + (state_[k - 1] == TaskState::Running ? d : 0);
    runnable_[k] = runnable_[k - 1] + (state_[k - 1] == TaskState::Runnable ? d : 0);
  }
  running_at_.clear(), runnable_at_.clear();
  if (t_.size() < kMinEventsForBins) return;
  running_at_.resize(BinGrid::kBins + 1);
  runnable_at_.resize(BinGrid::kBins + 1);
  size_t k = 0;
  for (int b = 0; b <= BinGrid::kBins; ++b) {
    const auto [r, w] = time_before(grid.edge(b), k);
    running_at_[b] = r, runnable_at_[b] = w;
  }
}

TaskState TaskStates::at(int64_t x) const {
  const auto it = std::upper_bound(t_.begin(), t_.end(), x);
  return it == t_.begin() ? TaskState::Sleeping : state_[static_cast<size_t>(it - t_.begin()) - 1];
}

std::pair<int64_t, int64_t> TaskStates::time_before(int64_t x, size_t& hint) const {
  // A gallop from the hint: the next column's answer is near the previous one's.
  size_t lo = std::min(hint, t_.size()), step = 1;
  if (lo > 0 && t_[lo - 1] > x) lo = 0; // a hint past x: search from the start
  while (lo + step <= t_.size() && t_[lo + step - 1] <= x) lo += step, step *= 2;
  const size_t hi = std::min(t_.size(), lo + step);
  const size_t k = static_cast<size_t>(std::upper_bound(t_.begin() + static_cast<std::ptrdiff_t>(lo),
                                                        t_.begin() + static_cast<std::ptrdiff_t>(hi), x) -
                                       t_.begin());
  hint = k;
  if (k == 0) return {0, 0};
  const int64_t d = x - t_[k - 1];
  return {running_[k - 1] + (state_[k - 1] == TaskState::Running ? d : 0),
          runnable_[k - 1] + (state_[k - 1] == TaskState::Runnable ? d : 0)};
}

} // namespace rxpath::view

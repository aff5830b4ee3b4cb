// What a task was doing over time, from the trace's context switches (__schedule) and wake-ups
// (try_to_wake_up), the states KernelShark and Perfetto draw on a thread's track: running on its
// CPU, runnable but waiting for it, or sleeping.
#pragma once

#include "TimeBins.hpp"

#include <cstdint>
#include <utility>
#include <vector>

namespace rxpath::view {

enum class TaskState : uint8_t { Sleeping, Runnable, Running };

class TaskStates {
public:
  // The task's state from time t on; in time order. A change to the state it is in is ignored.
  void change(int64_t t, TaskState s);
  // After the last change: the running sums, and bins if there are many changes.
  void finish(const BinGrid& grid);

  bool empty() const { return t_.empty(); }
  // The state after the last change so far.
  TaskState current() const { return state_.empty() ? TaskState::Sleeping : state_.back(); }
  size_t changes() const { return t_.size(); }
  int64_t change_time(size_t k) const { return t_[k]; }
  TaskState state_from(size_t k) const { return state_[k]; }
  // The state at time x (Sleeping before the first change).
  TaskState at(int64_t x) const;
  // Time spent running and runnable before x. `hint`: a count of changes at or before x, or
  // less (the previous column's answer); updated to the exact count.
  std::pair<int64_t, int64_t> time_before(int64_t x, size_t& hint) const;
  // The same for the edges of the bins, when the list has them (zoomed out: no search).
  bool has_bins() const { return !running_at_.empty(); }
  std::pair<int64_t, int64_t> time_before_edge(int b) const { return {running_at_[b], runnable_at_[b]}; }
  // Memory held, capacities included (TraceStore::bytes_per_event).
  size_t bytes() const {
    return t_.capacity() * 8 + state_.capacity() + (running_.capacity() + runnable_.capacity()) * 8 +
           (running_at_.capacity() + runnable_at_.capacity()) * 8;
  }

private:
  std::vector<int64_t> t_;
  std::vector<TaskState> state_;
  std::vector<int64_t> running_, runnable_;       // time in each state before t_[k]
  std::vector<int64_t> running_at_, runnable_at_; // the same at each bin edge (kBins + 1)
};

} // namespace rxpath::view

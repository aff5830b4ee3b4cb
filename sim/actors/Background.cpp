#include "Background.hpp"

namespace rxpath::sim {

void Background::operator()() {
  const auto& sc = sys_->kernel.scenario();
  Cpu& c = *sys_->cpus[static_cast<size_t>(sc.background[static_cast<size_t>(index_)].cpu)];
  const int task = sys_->background_task[static_cast<size_t>(index_)];
  c.wake(task);
  c.await_turn(task);
  // One execution per second of its CPU time: preemptions cut it wherever they come, so the
  // length only bounds how often the actor wakes when nothing competes.
  constexpr int64_t kChunkNs = 1'000'000'000;
  for (;;) c.execute_user(trace::Ctx::Process, kChunkNs);
}

} // namespace rxpath::sim

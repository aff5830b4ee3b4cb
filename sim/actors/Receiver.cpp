#include "Receiver.hpp"

#include "sim/Clock.hpp"

#include "model/Jiffies.hpp"

#include <cmath>
#include <random>

namespace rxpath::sim {

using trace::Ctx;
using trace::Fn;

void Receiver::operator()() {
  auto& k = sys_->kernel;
  const auto& cfg = k.scenario().receivers[thread_];
  const auto& costs = k.scenario().costs;
  const int cpu = static_cast<int>(cfg.cpu);
  Cpu& c = *sys_->cpus[cpu];
  // The application's work per datagram; its own random stream, so other sources of randomness
  // do not shift it.
  std::mt19937_64 rng(static_cast<uint64_t>(k.scenario().seed) * 1000003u + static_cast<uint64_t>(thread_) +
                      17u);
  std::exponential_distribution<double> exp_work(1.0);
  auto app_work = [&]() -> int64_t {
    if (cfg.app_work_dist == "exponential")
      return std::llround(exp_work(rng) * static_cast<double>(cfg.app_work_ns));
    return cfg.app_work_ns;
  };
  const int task = sys_->receiver_task[static_cast<size_t>(thread_)];
  c.wake(task);
  c.await_turn(task);
  int64_t owed = 0; // CPU work due before the next dequeue (syscall entry, a wake-up)
  bool in_call = false;
  int64_t call_start = 0;
  for (;;) {
    if (!in_call) {
      owed += k.draw(costs.recvmsg_ns);
      call_start = now_ns();
      in_call = true;
    }
    c.execute(Level::Process, Ctx::Process, owed);
    owed = 0;
    model::RecvResult r = k.udp().recv_dequeue(thread_, now_ns());
    // 4.13+: __skb_recv_udp takes the reader queue's lock with spin_lock_bh; its unlock re-enables
    // bottom halves and runs what is pending (local_bh_enable).
    if (k.version().udp_batched_uncharge) sys_->softirq_point(cpu);
    if (!r.got) {
      c.block();
      // wait_for_more_packets: sleep until sk_data_ready wakes us, or SO_RCVTIMEO expires.
      bool timed_out = false;
      if (cfg.rcvtimeo_us > 0) {
        const int64_t hz = k.scenario().hz;
        const int64_t expiry =
            model::timeout_expiry_ns(now_ns(), model::rcvtimeo_jiffies(cfg.rcvtimeo_us, hz), hz);
        timed_out = sys_->receiver_sem[thread_]->acquire_timeout(to_seconds(expiry - now_ns()));
        c.wake(task); // the timer's wake-up, or already runnable if sk_data_ready woke it
      } else {
        sys_->receiver_sem[thread_]->acquire();
      }
      const bool idle = c.await_turn(task);
      if (timed_out) {
        k.udp().cancel_wait(thread_); // -EAGAIN: the application calls recvfrom again
        k.span(Fn::UdpRecvmsg, cpu, Ctx::Process, call_start, now_ns(), trace::kUnset, trace::kUnset,
               thread_);
        in_call = false;
        continue;
      }
      owed = k.draw(costs.wakeup_latency_ns);
      if (idle) owed += k.draw(costs.idle_wakeup_ns);
      continue;
    }
    const int sock = cfg.socket_index;
    if (cfg.lock_hold_ns > 0) k.sock().lock_sock(sock);
    const Run copy =
        c.execute(Level::Process, Ctx::Process, r.copy_cost + cfg.lock_hold_ns + k.draw(costs.skb_free_ns));
    const bool delivered = k.udp().recv_complete(thread_, r.skb, copy.time_at(r.copy_cost), copy.end);
    if (cfg.lock_hold_ns > 0) {
      int wake = -1;
      const int64_t cost = k.sock().release_sock(sock, thread_, now_ns(), &wake);
      sys_->wake_receiver(wake);
      c.execute(Level::Process, Ctx::Process, cost);
    }
    // Before: skb_free_datagram_locked's unlock_sock_fast re-enables bottom halves.
    if (!k.version().udp_batched_uncharge) sys_->softirq_point(cpu);
    // A bad checksum found while copying: udp_recvmsg discards it and tries again in the same call
    // (csum_copy_err -> goto try_again, net/ipv4/udp.c).
    if (!delivered) continue;
    k.span(Fn::UdpRecvmsg, cpu, Ctx::Process, call_start, now_ns(), trace::kUnset, trace::kUnset, thread_);
    in_call = false;
    c.preempt_point(); // the return to user mode
    if (const int64_t work = app_work(); work > 0) {
      const int64_t t0 = now_ns();
      c.execute_user(Ctx::Process, work);
      k.span(Fn::AppWork, cpu, Ctx::Process, t0, now_ns(), trace::kUnset, trace::kUnset, thread_);
    }
  }
}

} // namespace rxpath::sim

// The kernel's receive path as plain state and decisions, with no notion of how time passes: a
// facade over one object per kernel source file (Rtl8139, Loopback, Dev, IpInput, IpFragment,
// Udp, Sock; net_rx_action and __do_softirq in NetRxAction and Softirq), holding what they
// share, the setup and the end of the run. The SimGrid actors (sim/) ask it what to do next and
// what that costs, execute the cost, then tell it when the work ended.
//
// Work inside one execution is described by a Path (Path.hpp): the actor maps its events' work
// offsets to simulated time once the execution has run, then hands it back to settle().
#pragma once

#include "Context.hpp"
#include "Dev.hpp"
#include "IpFragment.hpp"
#include "IpInput.hpp"
#include "Loopback.hpp"
#include "NicDriver.hpp"
#include "NicHardware.hpp"
#include "Sock.hpp"
#include "Udp.hpp"

#include <memory>

namespace rxpath::model {

class Kernel {
public:
  // `full_trace`: every stage and span is reported (a trace is written); otherwise only the
  // events the statistics need.
  Kernel(const Scenario& sc, EventSink& sink, bool full_trace);

  const Scenario& scenario() const { return cx_.sc; }
  const KernelVersion& version() const { return cx_.kv; }
  Counters& counters() { return cx_.c; }
  const Counters& counters() const { return cx_.c; }
  int cpus() const { return static_cast<int>(cx_.sc.cpus); }
  // A stage's cost this time (Context::draw).
  int64_t draw(const Cost& cost) { return cx_.draw(cost); }
  bool need_resched(int cpu) const { return cx_.need_resched[static_cast<size_t>(cpu)]; }
  void clear_need_resched(int cpu) { cx_.need_resched[static_cast<size_t>(cpu)] = false; }
  void set_need_resched(int cpu) { cx_.need_resched[static_cast<size_t>(cpu)] = true; }

  // The NIC's hardware (its RX queues) and its driver (nic.driver).
  NicHardware& nic() { return hw_; }
  NicDriver& driver() { return *driver_; }
  Loopback& lo() { return lo_; }
  Dev& dev() { return dev_; }
  Softnet& sd(int cpu) { return dev_.sd(cpu); }
  Udp& udp() { return udp_; }
  Sock& sock() { return sock_; }
  Socket& socket(int i) { return sock_.socket(i); }

  // CPU activity with a begin and an end, and things that happen at an instant (full trace only).
  void span(trace::Fn fn, int cpu, trace::Ctx ctx, int64_t t0, int64_t t1, int64_t work = trace::kUnset,
            int64_t budget = trace::kUnset, int64_t thread = trace::kUnset, int64_t queue = trace::kUnset);
  void instant(trace::Fn fn, int cpu, trace::Ctx ctx, int64_t t);
  // The scheduler's events (full trace only), with the header's task ids: try_to_wake_up of
  // `task` onto `cpu`'s run queue, and a context switch there (__schedule, the sched_switch
  // tracepoint). Both are process-context events of that CPU, whoever caused them.
  void sched_wakeup(int cpu, int64_t t, int task);
  void sched_switch(int cpu, int64_t t, int prev, int next, trace::SwitchWhy why);

  // The sockets' socket() and bind(), at t = 0.
  void setup_sockets() { sock_.create_and_bind(); }
  // The end of a path's execution at `now`: backlog or socket enqueue, fates, and its events
  // (whose `t` the caller has mapped to simulated time). Returns the receiver thread to wake
  // (sk_data_ready), or -1.
  int settle(Path& p, int64_t now);

  // ---- end of the run
  int64_t in_flight() const { return cx_.fates.in_flight(); }
  int64_t in_hand() const { return cx_.fates.in_hand(); }
  // Datagrams that can never leave: queued on sockets nobody reads, or fragments waiting for
  // reassembly.
  int64_t stranded() const { return sock_.stranded() + frag_.waiting(); }
  std::optional<int64_t> next_reassembly_expiry() const { return frag_.next_expiry(); }
  void expire_reassembly(int64_t now) { frag_.expire(now); }
  void close_all(int64_t now) { sock_.close_all(now); }
  bool sockets_drained() const { return sock_.drained(); }
  // Nothing left to do: ring, backlogs and poll lists empty, no softirq pending, no skb in hand.
  bool quiescent() const { return hw_.ring_fill() == 0 && in_hand() == 0 && dev_.idle(); }

private:
  Context cx_;
  Sock sock_;
  Udp udp_;
  IpFragment frag_;
  IpInput ip_;
  Dev dev_;
  NicHardware hw_;
  std::unique_ptr<NicDriver> driver_;
  Loopback lo_;
};

} // namespace rxpath::model

// The work of one execution (e.g. one frame from rtl8139_rx up to the socket) as the model builds
// it: its stages, each at a work offset `t` from the start of the execution, the total cost, and
// what must happen when the execution ends. The actor maps the offsets to simulated time once the
// execution has run (it may have been preempted), then hands the path back to Kernel::settle().
#pragma once

#include "Skb.hpp"
#include "trace/Event.hpp"

#include <vector>

namespace rxpath::model {

// What must happen when a path's execution ends.
enum class Outcome {
  Dropped, // its last event is the drop
  Socket,  // udp_queue_rcv_skb's queueing on `target`, decided at the end
  Backlog, // enqueue_to_backlog of CPU `target`, decided at the end
  Held,    // a fragment kept by ip_defrag until its datagram is whole
};

struct Path {
  std::vector<trace::Event> events; // t = work offset (ns) from the start of the execution
  int64_t cost = 0;
  Outcome outcome = Outcome::Dropped;
  int target = -1; // socket index (Socket) or CPU (Backlog)
  Skb skb;
  int cpu = 0;
  trace::Ctx ctx = trace::Ctx::Softirq;
  bool traced = true; // the trace records every stage; otherwise only what the statistics need

  // A new path for `skb` on `cpu` in `ctx`.
  void begin(const Skb& s, int on_cpu, trace::Ctx in_ctx, bool full_trace);
  // A stage at the current work offset, then its cost: always recorded.
  trace::Event& stage(trace::Fn fn, int64_t stage_cost);
  // A stage only the trace needs: recorded when traced (else nullptr), its cost counted always.
  trace::Event* traced_stage(trace::Fn fn, int64_t stage_cost);
  // A drop decided in `fn` at the current work offset; the path ends there.
  trace::Event& drop(trace::Fn fn, trace::DropReason r);
};

// An event of `kind` for `skb` (pkt and frag filled), or for no packet.
trace::Event make_event(trace::Kind kind, trace::Fn fn, int cpu, trace::Ctx ctx, int64_t t,
                        const Skb* skb = nullptr);

} // namespace rxpath::model

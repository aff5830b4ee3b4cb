// Writes small but realistic rxpath traces with the trace library's TraceWriter, for the viewer's
// tests (and for trying the viewer without the simulator): two CPUs, NAPI bursts in softirq, a
// receiver thread, and drops at the NIC ring, netfilter and a full socket buffer.
#pragma once

#include <string>
#include <vector>

namespace rxpath::view::testgen {

// One datagram through the whole path; returns its stages' function names in order.
std::vector<std::string> write_one_packet(const std::string& path);

struct FlowOptions {
  int packets = 300;
  int burst = 12;          // frames per interrupt
  int64_t gap_ns = 900;    // between frames of a burst
  int64_t idle_ns = 30000; // between bursts
  bool with_end = true;    // false: a truncated trace (no end object, last line cut)
  int receivers = 1;       // receiver threads, all on CPU 1 ("app", "app2", …); each datagram
                           // goes to the one free first
};
void write_flow(const std::string& path, const FlowOptions& opt = {});

// The scheduler on CPU 1 (trace format 3): a receiver "app", a background task "stress" and
// ksoftirqd/1 taking turns, with their wake-ups and switches at known times (see the .cpp); a
// sender on CPU 0 that never runs. Tasks: 0 and 1 the idle tasks swapper/0 and swapper/1, then
// 2 ksoftirqd/0, 3 ksoftirqd/1, 4 app (receiver 0), 5 stress, 6 sender.
// `periods`: the 50 us pattern that many times over (stress exits only at the end).
void write_sched(const std::string& path, int periods = 1);

// A multi-queue NIC (mlx5, trace format 4): `queues` RX queues, queue q's interrupt on CPU q, ring
// size 16. Each queue gets a random number of frames per burst (queue `idle` none at all); frames
// beyond the ring's 16 are dropped NIC_RING_FULL; then the queue's IRQ, mlx5e_completion_event on
// its CPU and an mlx5e_napi_poll taking each frame (mlx5e_handle_rx_cqe_mpwrq with the fill left,
// napi_gro_receive). What was written, per queue, for the tests to check against:
struct QueueTruth {
  std::vector<std::pair<int64_t, int64_t>> fills; // (t, ring) of every event of the queue with ring
  std::vector<int64_t> irqs;                      // irq_raise times
  int drops = 0;
  std::vector<int64_t> packets; // ids of its frames
};
std::vector<QueueTruth> write_multiqueue(const std::string& path, unsigned seed, int queues = 4, int idle = 3,
                                         int bursts = 6);

// Broken inputs for the error tests.
void write_text(const std::string& path, const std::string& text);
void write_other_version(const std::string& path, int version);

} // namespace rxpath::view::testgen

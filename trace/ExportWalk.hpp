// What the Chrome and Perfetto exports share: one pass over a trace that turns its events into
// lanes (the NIC, each CPU, each socket), tracks (a CPU's contexts and receiver threads), slices,
// packet events with flows only where a packet moves to another CPU, and counter tracks (ring
// fill, backlog length, sk_rmem_alloc, sk_rcvbuf, receive queue length), emitted on change.
#pragma once

#include "TraceReader.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rxpath::trace {

// A group of tracks: the NIC, one CPU, or one socket.
struct Lane {
  enum class Type { Nic, Cpu, Socket } type;
  int64_t index = 0; // CPU or socket index
  int64_t id = 0;    // 1, 2, … in order of first use
  std::string name;
  // Where it sits among lanes: the NIC, then the CPUs in order, then the sockets.
  int64_t rank() const {
    return type == Type::Nic ? 0 : type == Type::Cpu ? 1 + index : (int64_t{1} << 32) + index;
  }
};

// A timeline inside a lane: a CPU context, a receiver thread, or the NIC itself.
struct Track {
  int64_t id = 0; // unique among tracks and counters
  const Lane* lane = nullptr;
  std::string name;
  int64_t rank = 0; // order in the lane: hardirq, softirq, ksoftirqd, process, threads, counters
};

struct Counter {
  int64_t id = 0; // unique among tracks and counters
  const Lane* lane = nullptr;
  std::string name;
  bool bytes = false; // a size in bytes (else a count)
  int64_t rank = 0;
};

struct PacketEvent {
  Event e;
  const Track* track = nullptr;
  // Flow ids (0: none): the packet arrives here from another CPU / leaves here for another one.
  uint64_t flow_in = 0, flow_out = 0;
};

class ExportHandler {
public:
  virtual ~ExportHandler() = default;
  // Called once, after the header is read and before anything else.
  virtual void begin(const nlohmann::json& header) { (void)header; }
  // A format whose timestamps are unsigned: the walker refuses times before 0 at their line.
  virtual bool negative_times() const { return true; }
  // A lane, track or counter is announced before its first use.
  virtual void lane(const Lane& l) = 0;
  virtual void track(const Track& t) = 0;
  virtual void counter(const Counter& c) = 0;
  virtual void span(const Event& e, const Track& t, std::string_view name) = 0;
  // Events of a packet (stage, drop, deliver, instant with a pkt) and instants of no packet.
  virtual void event(const PacketEvent& p, std::string_view name) = 0;
  virtual void value(const Counter& c, int64_t t, int64_t v) = 0;
};

struct WalkResult {
  int64_t events = 0, flows = 0;
};

// Checks, before any output exists, that the trace at `path` ends with its end object; throws
// TraceError naming the file and its last line if it does not (a run interrupted, a file cut).
// A newline count and one parsed line: a small fraction of the time the export takes.
void require_end_object(const std::string& path);

// Streams the trace at `path` to `h`. Throws TraceError naming the file and line for an event that
// does not fit the header (a CPU, socket or thread it does not have) and for a truncated trace.
// Memory: the packets in flight (one pending event each) and the lanes used, never the whole trace.
WalkResult walk_trace(TraceReader& r, ExportHandler& h);

} // namespace rxpath::trace

// The whole trace in memory, read-only once loaded: events sorted by time (stable, so line order
// breaks ties), the timeline rows, per-packet records and the header/end objects.
#pragma once

#include "PacketRecord.hpp"
#include "Row.hpp"
#include "StoredEvent.hpp"

#include "trace/RunSummary.hpp"
#include "trace/Stats.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace rxpath::view {

struct FunctionInfo {
  std::string name, file, summary;
};
struct SocketInfo {
  std::string name, bind;
  int64_t rcvbuf = -1;
};
struct ReceiverInfo {
  std::string name;
  int socket = -1, cpu = -1;
};
// A task of the header's `tasks` (trace format 3): a receiver, ksoftirqd/N, a sender, a
// background task.
struct TaskInfo {
  std::string name, kind, policy; // kind: ksoftirqd, receiver, sender, background; policy: other, fifo
  int cpu = -1, nice = 0, rt_priority = 0;
  int thread = -1; // a receiver's index in `receivers`
};

// What the event says and the state of the receive path at its instant: a value per field of
// trace::kFields, -1 when unknown. The queues and the budget (`looked_up`) are the event's own
// values or else the latest reported before it; the other fields are the event's own.
struct StateAt {
  std::array<int64_t, tr::kFields.size()> values;
  unsigned looked_up = 0; // a bit per field searched for before the event
  StateAt() { values.fill(-1); }
  int64_t operator[](Field f) const { return values[f.index]; }
  int64_t& operator[](Field f) { return values[f.index]; }
  bool was_looked_up(Field f) const { return looked_up & (1u << f.index); }
};

class TraceStore {
public:
  // Filled by TraceLoader.
  std::string path;
  nlohmann::json header;
  std::optional<trace::RunSummary> summary; // the end object; none when truncated
  bool truncated = false;
  bool partial = false; // a snapshot taken while loading: more events are coming
  int64_t last_line = 0;
  int cpus = 0;
  int queues = 1;              // RX queues: the header's nic.queues, or more if the events name them
  int max_queue = -1;          // the largest `queue` of the events
  std::vector<int> queue_rows; // multi-queue: the NicQueue row of each queue (-1: none)
  bool multi_queue() const { return queues > 1; }
  std::vector<FunctionInfo> functions; // indexed by trace::Fn
  std::vector<SocketInfo> sockets;
  std::vector<ReceiverInfo> receivers;
  std::vector<TaskInfo> tasks;        // index = task id
  std::vector<StoredEvent> events;    // sorted by t
  std::vector<int32_t> extras;        // the events' optional fields (StoredEvent::extra)
  std::vector<Row> rows;              // display order
  std::vector<uint16_t> row_of_event; // row index of each event (the loader refuses > 65535 rows)
  std::vector<PacketRecord> packets;  // sorted by id
  std::vector<uint32_t> packet_stages;
  std::vector<uint32_t> ring_series;                // events with `ring`, sorted by t
  std::vector<uint32_t> backlog_series;             // events with `backlog`
  std::vector<std::vector<uint32_t>> socket_series; // per socket: events with rmem/qlen
  int64_t t_min = 0, t_max = 0;
  BinGrid bins; // of the rows' SpanBins and PointBins, over [t_min, t_max]

  const StoredEvent& event(uint32_t i) const { return events[i]; }
  // An optional field of an event (-1 when it has none).
  int64_t value(const StoredEvent& e, Field f) const { return e.get(f, extras); }
  // A span's end (-1 for other kinds), and the end or else t.
  int64_t span_end(const StoredEvent& e) const { return e.get(kSpanEnd, extras); }
  int64_t end_or_t(const StoredEvent& e) const { return e.end_or_t(extras); }
  const FunctionInfo& function(trace::Fn f) const { return functions[static_cast<size_t>(f)]; }
  // A task's name; -1 is the idle task of the CPU: swapper/N.
  std::string task_name(int64_t task, int cpu) const;
  // Index into packets of the packet with this id.
  std::optional<size_t> packet_index(int64_t id) const;
  const uint32_t* stages_begin(const PacketRecord& p) const { return packet_stages.data() + p.first_stage; }
  // The state fields at event `i`: its own where it carries them, else the latest before it.
  StateAt state_at(uint32_t i) const;
  // Events with a latency (deliveries), for the statistics.
  std::vector<int64_t> latencies() const;
  // The run's statistics as `rxpath summary` computes them (trace::Stats), from the packets' events.
  trace::StatsResult stats() const;
  // Time in [t0, t1) covered by row r's outermost spans (the context's CPU time there).
  int64_t busy_between(size_t r, int64_t t0, int64_t t1) const;
  // Packets that arrived, and drops, in [t0, t1).
  size_t packets_arrived_between(int64_t t0, int64_t t1) const;
  size_t drops_between(int64_t t0, int64_t t1) const;
  // Bytes of memory per event (events, rows, packets), to check the compactness budget.
  double bytes_per_event() const;
};

} // namespace rxpath::view

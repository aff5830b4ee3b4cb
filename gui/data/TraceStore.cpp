#include "TraceStore.hpp"

#include <algorithm>

namespace rxpath::view {
namespace {

// The last event of `series` at or before event i's time (series is sorted by t).
const StoredEvent* latest(const TraceStore& s, const std::vector<uint32_t>& series, uint32_t i) {
  // Event indices are in time order, so "at or before i" is "index <= i".
  auto it = std::upper_bound(series.begin(), series.end(), i);
  if (it == series.begin()) return nullptr;
  return &s.events[*(it - 1)];
}

} // namespace

size_t SpanList::first_ending_after(int64_t t) const {
  return static_cast<size_t>(std::upper_bound(max_end.begin(), max_end.end(), t) - max_end.begin());
}

std::string TraceStore::task_name(int64_t task, int cpu) const {
  if (task < 0) return "swapper/" + std::to_string(cpu);
  if (static_cast<size_t>(task) < tasks.size()) return tasks[static_cast<size_t>(task)].name;
  return "task " + std::to_string(task);
}

std::optional<size_t> TraceStore::packet_index(int64_t id) const {
  auto it = std::lower_bound(packets.begin(), packets.end(), id,
                             [](const PacketRecord& p, int64_t v) { return p.id < v; });
  if (it == packets.end() || it->id != id) return std::nullopt;
  return static_cast<size_t>(it - packets.begin());
}

StateAt TraceStore::state_at(uint32_t i) const {
  constexpr Field ring = field("ring"), backlog = field("backlog"), rmem = field("rmem"),
                  rcvbuf = field("rcvbuf"), qlen = field("qlen"), budget = field("budget");
  StateAt st;
  for (Field f : {ring, backlog, rmem, rcvbuf, qlen, budget}) st.looked_up |= 1u << f.index;
  const StoredEvent& e = events[i];
  if (!multi_queue()) {
    if (auto* r = latest(*this, ring_series, i)) st[ring] = value(*r, ring);
  } else {
    // The fill of the event's queue (its own, else its packet's); an event of no queue has none.
    int64_t q = value(e, field("queue"));
    if (q < 0 && e.pkt >= 0)
      if (auto p = packet_index(e.pkt)) q = packets[*p].queue;
    if (q >= 0 && static_cast<size_t>(q) < queue_rows.size() && queue_rows[q] >= 0)
      if (auto* r = latest(*this, rows[queue_rows[q]].counter, i)) st[ring] = value(*r, ring);
  }
  if (auto* b = latest(*this, backlog_series, i)) st[backlog] = value(*b, backlog);
  int64_t sock = value(e, field("sock"));
  if (sock < 0 && e.pkt >= 0)
    if (auto p = packet_index(e.pkt)) sock = packets[*p].sock;
  // An event of no packet (a span, an IRQ): the socket its thread reads, or the only socket, so
  // the panel shows the receive buffer as it stood then rather than "—".
  if (const int64_t th = value(e, field("thread"));
      sock < 0 && th >= 0 && static_cast<size_t>(th) < receivers.size())
    sock = receivers[static_cast<size_t>(th)].socket;
  if (sock < 0 && sockets.size() == 1) sock = 0;
  if (sock >= 0 && static_cast<size_t>(sock) < socket_series.size()) {
    const auto& ser = socket_series[sock];
    auto it = std::upper_bound(ser.begin(), ser.end(), i);
    for (bool have_rmem = false, have_qlen = false; it != ser.begin() && !(have_rmem && have_qlen);) {
      const StoredEvent& s = events[*--it];
      if (const int64_t v = value(s, rmem); !have_rmem && v >= 0)
        st[rmem] = v, st[rcvbuf] = value(s, rcvbuf), have_rmem = true;
      if (const int64_t v = value(s, qlen); !have_qlen && v >= 0) st[qlen] = v, have_qlen = true;
    }
    if (st[rcvbuf] < 0 && static_cast<size_t>(sock) < sockets.size()) st[rcvbuf] = sockets[sock].rcvbuf;
  }
  // The budget belongs to the net_rx_action running around this event on its CPU.
  if (i < row_of_event.size()) {
    const SpanList& nra = rows[row_of_event[i]].spans[1];
    for (size_t k = nra.first_ending_after(e.t - 1); k < nra.events.size(); ++k) {
      const StoredEvent& s = events[nra.events[k]];
      if (s.t > e.t) break;
      if (span_end(s) >= e.t) {
        st[budget] = value(s, budget);
        break;
      }
    }
  }
  // The event's own values, of every field it carries.
  for (uint8_t f = 0; f < tr::kFields.size(); ++f)
    if (e.has(Field{f}) && tr::kFields[f].member != &tr::Event::pkt) st.values[f] = value(e, Field{f});
  return st;
}

int64_t TraceStore::busy_between(size_t r, int64_t t0, int64_t t1) const {
  const SpanList& l = rows[r].spans[0];
  auto begun_before = [&](int64_t t) {
    return l.begins.first_at_or_after(l.events, 0, t, [&](uint32_t i) { return events[i].t; });
  };
  return l.covered_before(t1, begun_before(t1)) - l.covered_before(t0, begun_before(t0));
}

size_t TraceStore::packets_arrived_between(int64_t t0, int64_t t1) const {
  return static_cast<size_t>(std::count_if(packets.begin(), packets.end(), [&](const PacketRecord& p) {
    return p.arrival >= t0 && p.arrival < t1;
  }));
}

size_t TraceStore::drops_between(int64_t t0, int64_t t1) const {
  size_t n = 0;
  for (const Row& r : rows)
    for (uint32_t i : r.drops) n += events[i].t >= t0 && events[i].t < t1;
  return n;
}

std::vector<int64_t> TraceStore::latencies() const {
  std::vector<int64_t> v;
  for (const auto& p : packets)
    if (p.fate == Fate::Delivered && p.latency >= 0) v.push_back(p.latency);
  return v;
}

trace::StatsResult TraceStore::stats() const {
  // A packet at a time: trace::Stats follows each packet on its own, so this gives what the file's
  // line order gives, and it keeps one packet in flight instead of the run's.
  trace::Stats st;
  for (const PacketRecord& p : packets)
    for (uint32_t k = 0; k < p.stage_count; ++k) st.add(events[stages_begin(p)[k]].to_event(extras));
  return st.result();
}

double TraceStore::bytes_per_event() const {
  if (events.empty()) return 0;
  size_t bytes = events.capacity() * sizeof(StoredEvent) + extras.capacity() * 4 +
                 row_of_event.capacity() * 2 + packets.capacity() * sizeof(PacketRecord) +
                 packet_stages.capacity() * 4 + (ring_series.capacity() + backlog_series.capacity()) * 4;
  for (const auto& r : rows) {
    bytes += (r.points.capacity() + r.counter.capacity()) * 4 +
             (r.point_marks.t.capacity() + r.drop_marks.t.capacity()) * 8 +
             (r.point_bins.first.capacity() + r.drop_bins.before.capacity()) * 4 + r.states.bytes() +
             r.switches.capacity() * 4;
    for (const auto& s : r.spans)
      bytes += s.events.capacity() * 4 +
               (s.max_end.capacity() + s.covered.capacity() + s.begins.t.capacity()) * 8 +
               s.bins.covered.capacity() * 8 + s.bins.last_fn.capacity() * sizeof(trace::Fn) +
               s.bins.long_spans.capacity() * 4;
  }
  for (const auto& s : socket_series) bytes += s.capacity() * 4;
  return static_cast<double>(bytes) / static_cast<double>(events.size());
}

} // namespace rxpath::view

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

std::optional<size_t> TraceStore::packet_index(int64_t id) const {
  auto it = std::lower_bound(packets.begin(), packets.end(), id,
                             [](const PacketRecord& p, int64_t v) { return p.id < v; });
  if (it == packets.end() || it->id != id) return std::nullopt;
  return static_cast<size_t>(it - packets.begin());
}

StateAt TraceStore::state_at(uint32_t i) const {
  StateAt st;
  const StoredEvent& e = events[i];
  if (auto* r = latest(*this, ring_series, i)) st.ring = r->ring;
  if (auto* b = latest(*this, backlog_series, i)) st.backlog = b->backlog;
  int sock = e.sock;
  if (sock < 0 && e.pkt >= 0)
    if (auto p = packet_index(e.pkt)) sock = packets[*p].sock;
  if (sock >= 0 && static_cast<size_t>(sock) < socket_series.size()) {
    const auto& ser = socket_series[sock];
    auto it = std::upper_bound(ser.begin(), ser.end(), i);
    for (bool have_rmem = false, have_qlen = false; it != ser.begin() && !(have_rmem && have_qlen);) {
      const StoredEvent& s = events[*--it];
      if (!have_rmem && s.rmem >= 0) st.rmem = s.rmem, st.rcvbuf = s.rcvbuf, have_rmem = true;
      if (!have_qlen && s.qlen >= 0) st.qlen = s.qlen, have_qlen = true;
    }
    if (st.rcvbuf < 0 && static_cast<size_t>(sock) < sockets.size()) st.rcvbuf = sockets[sock].rcvbuf;
  }
  // The budget belongs to the net_rx_action running around this event on its CPU.
  if (i < row_of_event.size()) {
    const SpanList& nra = rows[row_of_event[i]].spans[1];
    for (size_t k = nra.first_ending_after(e.t - 1); k < nra.events.size(); ++k) {
      const StoredEvent& s = events[nra.events[k]];
      if (s.t > e.t) break;
      if (s.end >= e.t) {
        st.budget = s.budget;
        break;
      }
    }
  }
  if (e.ring >= 0) st.ring = e.ring;
  if (e.backlog >= 0) st.backlog = e.backlog;
  if (e.rmem >= 0) st.rmem = e.rmem;
  if (e.rcvbuf >= 0) st.rcvbuf = e.rcvbuf;
  if (e.qlen >= 0) st.qlen = e.qlen;
  if (e.budget >= 0) st.budget = e.budget;
  return st;
}

std::vector<int64_t> TraceStore::latencies() const {
  std::vector<int64_t> v;
  for (const auto& p : packets)
    if (p.fate == Fate::Delivered && p.latency >= 0) v.push_back(p.latency);
  return v;
}

double TraceStore::bytes_per_event() const {
  if (events.empty()) return 0;
  size_t bytes = events.capacity() * sizeof(StoredEvent) + row_of_event.capacity() * 4 +
                 packets.capacity() * sizeof(PacketRecord) + packet_stages.capacity() * 4 +
                 (ring_series.capacity() + backlog_series.capacity()) * 4;
  for (const auto& r : rows) {
    bytes += (r.points.capacity() + r.counter.capacity()) * 4;
    for (const auto& s : r.spans) bytes += s.events.capacity() * 4 + s.max_end.capacity() * 8;
  }
  for (const auto& s : socket_series) bytes += s.capacity() * 4;
  return static_cast<double>(bytes) / static_cast<double>(events.size());
}

} // namespace rxpath::view

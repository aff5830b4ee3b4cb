#include "TraceLoader.hpp"

#include "model/trace/TraceReader.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <tuple>

namespace rxpath::view {
namespace {

using nlohmann::json;

std::string str_or(const json& j, const char* key, const std::string& fallback) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}
int64_t int_or(const json& j, const char* key, int64_t fallback) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : fallback;
}

int span_depth(trace::Fn f) {
  switch (f) {
  case trace::Fn::NetRxAction:
    return 1;
  case trace::Fn::Rtl8139Poll:
  case trace::Fn::ProcessBacklog:
    return 2;
  default:
    return 0;
  }
}

// Sorts by time, keeping line order for ties, through 16-byte keys and an in-place permutation:
// a stable sort of the 80-byte events themselves took a sixth of the load and a buffer of half
// of them. The lines are nearly in order already, so most traces take the first return.
void sort_by_time(std::vector<StoredEvent>& ev) {
  if (std::is_sorted(ev.begin(), ev.end(),
                     [](const StoredEvent& a, const StoredEvent& b) { return a.t < b.t; }))
    return;
  std::vector<std::pair<int64_t, uint32_t>> key(ev.size());
  for (uint32_t i = 0; i < ev.size(); ++i) key[i] = {ev[i].t, i};
  std::sort(key.begin(), key.end());
  // Position k receives event key[k].second; follow each cycle once, marking done positions.
  for (uint32_t k = 0; k < key.size(); ++k) {
    if (key[k].second == k) continue;
    const StoredEvent first = ev[k];
    uint32_t j = k;
    for (uint32_t from = key[j].second; from != k; from = key[j].second) {
      ev[j] = ev[from];
      key[j].second = j;
      j = from;
    }
    ev[j] = first;
    key[j].second = j;
  }
}

// Sort key of a row: NIC first, then each CPU's rows, then the sockets.
using RowKey = std::tuple<int, int, int, int>;

} // namespace

std::shared_ptr<TraceStore> TraceLoader::load(const std::string& path, const Progress& progress) {
  trace::TraceReader reader(path);
  auto store = std::make_shared<TraceStore>();
  TraceStore& s = *store;
  s.path = path;
  s.header = reader.header();
  s.cpus = reader.cpus();
  read_header(s);

  // Reading is most of the work: it is the first 85% of the bar, by the reader's byte position.
  std::error_code ec;
  const double size = static_cast<double>(std::filesystem::file_size(path, ec));
  trace::Event e;
  const int64_t header_bytes = reader.bytes_read();
  while (reader.next(e)) {
    s.events.push_back(StoredEvent::from(e, reader.line()));
    // Once the mean line length is known, room for the whole file in one allocation rather than
    // doubling, whose copies cost time (fresh pages are slow to fault in) and, at their peak,
    // 1.5× the events. The first lines run a few % shorter than the mean: 10% spare.
    if (s.events.size() == 4096 && size > 0) {
      const double per_line = static_cast<double>(reader.bytes_read() - header_bytes) / 4096.0;
      if (per_line > 0)
        s.events.reserve(static_cast<size_t>(1.1 * (size - static_cast<double>(header_bytes)) / per_line) +
                         4096);
    }
    if (progress && (s.events.size() & 0x3fff) == 0) {
      const double f = size > 0 ? std::min(1.0, static_cast<double>(reader.bytes_read()) / size) : 0.5;
      if (!progress(0.85 * f)) throw LoadCancelled();
    }
  }
  s.truncated = reader.truncated();
  s.last_line = reader.line();
  if (reader.has_end()) s.end = reader.end();

  if (progress && !progress(0.88)) throw LoadCancelled();
  sort_by_time(s.events);
  if (s.events.capacity() > s.events.size() + s.events.size() / 4) s.events.shrink_to_fit();
  if (!s.events.empty()) {
    s.t_min = std::min<int64_t>(0, s.events.front().t);
    for (const auto& ev : s.events) s.t_max = std::max(s.t_max, ev.end_or_t());
  }
  s.t_max = std::max(s.t_max, int_or(s.end, "t", 0));
  if (progress && !progress(0.93)) throw LoadCancelled();
  build_rows(s);
  if (progress && !progress(0.97)) throw LoadCancelled();
  build_packets(s);
  if (progress) progress(1.0);
  return store;
}

void TraceLoader::read_header(TraceStore& s) {
  s.functions.resize(static_cast<size_t>(trace::Fn::Count_));
  for (size_t i = 0; i < s.functions.size(); ++i) {
    const auto& fi = trace::info(static_cast<trace::Fn>(i));
    s.functions[i] = {std::string(fi.name), std::string(fi.file), std::string(fi.summary)};
  }
  // The header's catalogue is what the simulator that wrote the trace knew: prefer it.
  if (auto f = s.header.find("functions"); f != s.header.end() && f->is_array())
    for (const auto& j : *f) {
      if (!j.is_object()) continue;
      if (auto fn = trace::fn_from_name(str_or(j, "name", ""))) {
        auto& dst = s.functions[static_cast<size_t>(*fn)];
        dst.name = str_or(j, "name", dst.name); // the trace's kernel version's name
        dst.file = str_or(j, "file", dst.file);
        dst.summary = str_or(j, "summary", dst.summary);
      }
    }
  if (auto so = s.header.find("sockets"); so != s.header.end() && so->is_array())
    for (const auto& j : *so)
      if (j.is_object())
        s.sockets.push_back({str_or(j, "name", "?"), str_or(j, "bind", ""), int_or(j, "rcvbuf", -1)});
  if (auto re = s.header.find("receivers"); re != s.header.end() && re->is_array())
    for (const auto& j : *re)
      if (j.is_object())
        s.receivers.push_back({str_or(j, "name", "?"), static_cast<int>(int_or(j, "socket", -1)),
                               static_cast<int>(int_or(j, "cpu", -1))});
}

void TraceLoader::build_rows(TraceStore& s) {
  std::map<RowKey, Row> rows;
  auto cpu_row = [&](int cpu, RowKind kind, int index, std::string name) -> RowKey {
    RowKey key{1, cpu, static_cast<int>(kind), index};
    auto [it, fresh] = rows.try_emplace(key);
    if (fresh) it->second = Row{kind, cpu, index, std::move(name), {}, {}, {}, {}};
    return key;
  };
  auto socket_row = [&](int sock) -> RowKey {
    RowKey key{2, 0, 0, sock};
    auto [it, fresh] = rows.try_emplace(key);
    if (fresh) {
      std::string name = static_cast<size_t>(sock) < s.sockets.size() ? s.sockets[sock].name : "?";
      it->second = Row{RowKind::Socket, -1, sock, "socket " + name, {}, {}, {}, {}};
    }
    return key;
  };
  const RowKey nic{0, 0, 0, 0};
  rows[nic] = Row{RowKind::Nic, -1, -1, "NIC", {}, {}, {}, {}};
  auto receiver_row = [&](int r) {
    return cpu_row(s.receivers[r].cpu, RowKind::Thread, r, "thread " + s.receivers[r].name);
  };
  for (int c = 0; c < s.cpus; ++c) {
    cpu_row(c, RowKind::Hardirq, -1, "hardirq");
    cpu_row(c, RowKind::Softirq, -1, "softirq");
    cpu_row(c, RowKind::Ksoftirqd, -1, "ksoftirqd");
  }
  for (size_t r = 0; r < s.receivers.size(); ++r) receiver_row(static_cast<int>(r));
  for (size_t k = 0; k < s.sockets.size(); ++k) socket_row(static_cast<int>(k));

  std::vector<RowKey> key_of(s.events.size());
  for (uint32_t i = 0; i < s.events.size(); ++i) {
    const StoredEvent& e = s.events[i];
    RowKey key = nic;
    switch (e.ctx) {
    case trace::Ctx::Nic:
      break;
    case trace::Ctx::Hardirq:
      key = cpu_row(e.cpu, RowKind::Hardirq, -1, "hardirq");
      break;
    case trace::Ctx::Softirq:
      key = cpu_row(e.cpu, RowKind::Softirq, -1, "softirq");
      break;
    case trace::Ctx::Ksoftirqd:
      key = cpu_row(e.cpu, RowKind::Ksoftirqd, -1, "ksoftirqd");
      break;
    case trace::Ctx::Process: {
      if (e.cpu < 0 && e.sock >= 0) { // socket setup (inet_create, inet_bind)
        key = socket_row(e.sock);
        break;
      }
      // Each receiver thread has its own row, even when several share a CPU. An event without a
      // `thread` (a trace written before spans carried it) goes to the first receiver on its CPU.
      int thread = e.thread >= 0 && static_cast<size_t>(e.thread) < s.receivers.size() ? e.thread : -1;
      for (size_t r = 0; thread < 0 && r < s.receivers.size(); ++r)
        if (s.receivers[r].cpu == e.cpu) thread = static_cast<int>(r);
      key = thread >= 0 ? receiver_row(thread) : cpu_row(e.cpu, RowKind::Process, -1, "process");
      break;
    }
    }
    key_of[i] = key;
    Row& row = rows[key];
    if (e.is_span())
      row.spans[span_depth(e.fn)].events.push_back(i);
    else
      row.points.push_back(i);
    if (e.kind == trace::Kind::Drop) row.drops.push_back(i);
    if (e.ring >= 0) s.ring_series.push_back(i);
    if (e.backlog >= 0) s.backlog_series.push_back(i);
    if (e.sock >= 0 && (e.rmem >= 0 || e.qlen >= 0 || e.kind == trace::Kind::Drop))
      rows[socket_row(e.sock)].counter.push_back(i);
  }
  rows[nic].counter = s.ring_series;

  std::map<RowKey, uint32_t> index;
  for (auto& [key, row] : rows) {
    for (auto& list : row.spans) {
      int64_t m = INT64_MIN;
      list.max_end.reserve(list.events.size());
      for (uint32_t i : list.events) list.max_end.push_back(m = std::max(m, s.events[i].end_or_t()));
    }
    if (row.kind == RowKind::Socket) {
      if (s.socket_series.size() <= static_cast<size_t>(row.index)) s.socket_series.resize(row.index + 1);
      for (uint32_t i : row.counter)
        if (s.events[i].rmem >= 0 || s.events[i].qlen >= 0) s.socket_series[row.index].push_back(i);
    }
    index[key] = static_cast<uint32_t>(s.rows.size());
    s.rows.push_back(std::move(row));
  }
  s.row_of_event.resize(s.events.size());
  for (size_t i = 0; i < key_of.size(); ++i) s.row_of_event[i] = index[key_of[i]];
}

void TraceLoader::build_packets(TraceStore& s) {
  std::vector<std::pair<int32_t, uint32_t>> by_pkt;
  for (uint32_t i = 0; i < s.events.size(); ++i)
    if (s.events[i].pkt >= 0) by_pkt.emplace_back(s.events[i].pkt, i);
  std::stable_sort(by_pkt.begin(), by_pkt.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  s.packet_stages.reserve(by_pkt.size());
  for (size_t k = 0; k < by_pkt.size();) {
    PacketRecord p;
    p.id = by_pkt[k].first;
    p.first_stage = static_cast<uint32_t>(k);
    for (; k < by_pkt.size() && by_pkt[k].first == p.id; ++k) {
      uint32_t i = by_pkt[k].second;
      s.packet_stages.push_back(i);
      const StoredEvent& e = s.events[i];
      if (p.stage_count++ == 0) p.arrival = e.t;
      if (p.sock < 0 && e.sock >= 0) p.sock = e.sock;
      if (p.fate != Fate::InFlight) continue; // lost fragments after the fate do not change it
      p.finish = e.t;
      if (e.kind == trace::Kind::Deliver) p.fate = Fate::Delivered, p.latency = e.latency;
      if (e.kind == trace::Kind::Drop) p.fate = Fate::Dropped, p.reason = e.reason;
    }
    if (p.latency < 0) p.latency = p.finish - p.arrival;
    s.packets.push_back(p);
  }
}

} // namespace rxpath::view

#include "TraceLoader.hpp"

#include "trace/TraceReader.hpp"

#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <future>
#include <map>
#include <thread>
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
  case trace::Fn::Mlx5eNapiPoll:
  case trace::Fn::ProcessBacklog:
    return 2;
  default:
    return 0;
  }
}

// Blocks of whole lines are parsed in parallel. 2 MiB holds ~20 k events: large enough that a
// block's fixed costs vanish, small enough that the blocks in flight stay a few MiB of memory.
constexpr size_t kBlockBytes = 2u << 20;

struct Block {
  std::vector<char> text; // whole lines, then EventParser::kParsePadding readable bytes
  size_t len = 0;
  int64_t offset = 0;  // in the file
  bool at_eof = false; // the block ends the file, so its last line may lack its '\n'
  // What the worker found. Lines are counted from 1 within the block.
  std::vector<StoredEvent> events;
  std::vector<int32_t> extras;
  int64_t lines = 0;
  int64_t end_line = -1; // the end object's line, its text in end_text
  std::string end_text;
  int64_t error_line = -1;
  std::string error;
  bool cut = false; // the last line was cut short
  int64_t max_queue = -1;
};

bool time_then_line(const StoredEvent& a, const StoredEvent& b) {
  return a.t < b.t || (a.t == b.t && a.line < b.line);
}

// Each block is sorted by its worker, while the others parse: the file is nearly in time order
// (only the NIC's lazily settled lines come late, by up to one execution), so the merge of a
// block into what is already sorted touches only the few events where the two overlap in time.
void sort_block(Block& b) {
  if (!std::is_sorted(b.events.begin(), b.events.end(), time_then_line))
    std::sort(b.events.begin(), b.events.end(), time_then_line);
}

void parse_events(Block& b, const trace::TraceLimits& limits);

void parse_block(Block& b, const trace::TraceLimits& limits) {
  parse_events(b, limits);
  sort_block(b);
}

void parse_events(Block& b, const trace::TraceLimits& limits) {
  trace::EventParser parser(limits);
  b.events.reserve(b.len / 80);
  b.extras.reserve(b.len / 40);
  const char* p = b.text.data();
  const char* const end = p + b.len;
  trace::Event e;
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* line_end = nl ? nl : end;
    const std::string_view line(p, static_cast<size_t>(line_end - p));
    ++b.lines;
    trace::EventParser::Line kind;
    try {
      kind = parser.parse(line, e);
    } catch (const trace::TraceError& err) {
      if (!nl) { // only the file's last line can lack its '\n': a trace cut short
        b.cut = true;
        return;
      }
      b.error_line = b.lines;
      b.error = err.what();
      return;
    }
    if (kind == trace::EventParser::Line::End) {
      b.end_line = b.lines;
      b.end_text = line;
      return;
    }
    if (kind == trace::EventParser::Line::Event) {
      b.events.push_back(StoredEvent::from(e, b.lines, b.extras));
      b.max_queue = std::max(b.max_queue, e.queue);
    }
    p = line_end + 1;
  }
}

class BlockReader {
public:
  BlockReader(const std::string& path, int64_t offset) : path_(path), offset_(offset) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw trace::TraceError(path + ": cannot open the file");
  }
  ~BlockReader() { ::close(fd_); }
  BlockReader(const BlockReader&) = delete;
  BlockReader& operator=(const BlockReader&) = delete;

  // The next block of whole lines in `b` (a block already merged, whose buffers are reused: freed
  // blocks stayed in the workers' malloc arenas, ~5 bytes per event); false at the end of the file.
  bool next(Block& blk) {
    if (eof_) return false;
    Block* b = &blk;
    b->len = 0;
    b->at_eof = false;
    b->events.clear();
    b->extras.clear();
    b->lines = 0;
    b->end_line = b->error_line = -1;
    b->end_text.clear();
    b->error.clear();
    b->cut = false;
    b->max_queue = -1;
    b->offset = offset_;
    size_t want = kBlockBytes;
    for (;;) {
      if (b->text.size() < want + trace::EventParser::kParsePadding)
        b->text.resize(want + trace::EventParser::kParsePadding);
      while (b->len < want) {
        const ssize_t n =
            ::pread(fd_, b->text.data() + b->len, want - b->len, offset_ + static_cast<int64_t>(b->len));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw trace::TraceError(path_ + ": cannot read the file: " + std::strerror(errno));
        if (n == 0) {
          b->at_eof = eof_ = true;
          break;
        }
        b->len += static_cast<size_t>(n);
      }
      if (b->at_eof) break;
      // Cut after the last '\n'; its tail is read again as the start of the next block.
      const char* data = b->text.data();
      size_t cut = b->len;
      while (cut > 0 && data[cut - 1] != '\n') --cut;
      if (cut > 0) {
        b->len = cut;
        break;
      }
      if (want >= trace::kMaxLineBytes)
        throw trace::TraceError(path_ + ": a line longer than 64 MiB at byte " + std::to_string(offset_) +
                                " (expected one JSON object per line)");
      want *= 2; // one line longer than a block
    }
    offset_ += static_cast<int64_t>(b->len);
    std::memset(b->text.data() + b->len, ' ', trace::EventParser::kParsePadding);
    return true;
  }

private:
  std::string path_;
  int fd_ = -1;
  int64_t offset_ = 0;
  bool eof_ = false;
};

// Sorts by time, ties in line order. In place (no index or key arrays, whose 16 bytes per event
// would be a third of the memory budget); the lines are nearly in order already, so most traces
// take the first return.
void sort_by_time(std::vector<StoredEvent>& ev) {
  const auto before = time_then_line;
  if (std::is_sorted(ev.begin(), ev.end(), before)) return;
  // Two halves on two threads, then a merge (its buffer, half the events, is less than the rows
  // built next, so it does not raise the peak).
  const auto mid = ev.begin() + static_cast<std::ptrdiff_t>(ev.size() / 2);
  if (std::thread::hardware_concurrency() < 2 || ev.size() < 100000) {
    std::sort(ev.begin(), ev.end(), before);
    return;
  }
  auto first = std::async(std::launch::async, [&] { std::sort(ev.begin(), mid, before); });
  std::sort(mid, ev.end(), before);
  first.get();
  std::inplace_merge(ev.begin(), mid, ev.end(), before);
}

// Sort key of a row: NIC first, then each CPU's rows, then the sockets.
using RowKey = std::tuple<int, int, int, int>;

} // namespace

std::shared_ptr<TraceStore> TraceLoader::load(const std::string& path, const Progress& progress,
                                              const Partial& partial) {
  const auto started = std::chrono::steady_clock::now();
  double next_snapshot_s = 0.25;
  // Blocks' buffers (hundreds of KiB to MiB, some allocated by the workers) are mmapped, so
  // freeing them returns them to the system: glibc's default raises its mmap threshold after the
  // first such free, and the workers' arenas then kept a few bytes per event.
  static const bool fixed_mmap_threshold = mallopt(M_MMAP_THRESHOLD, 256 * 1024) == 1;
  (void)fixed_mmap_threshold;
  auto store = std::make_shared<TraceStore>();
  TraceStore& s = *store;
  trace::TraceLimits limits;
  int64_t events_offset = 0, size = 0;
  {
    trace::TraceReader reader(path); // checks the header
    s.header = reader.header();
    s.cpus = reader.cpus();
    limits = reader.limits();
    events_offset = reader.events_offset();
    size = reader.bytes_total();
  }
  s.path = path;
  read_header(s);

  // Reading is most of the work: it is the first 85% of the bar, by bytes parsed.
  BlockReader blocks(path, events_offset);
  const unsigned workers = std::max(1u, std::thread::hardware_concurrency());
  std::deque<std::pair<std::unique_ptr<Block>, std::future<void>>> in_flight;
  std::vector<std::unique_ptr<Block>> spare;
  auto launch = [&] {
    std::unique_ptr<Block> b;
    if (spare.empty()) {
      b = std::make_unique<Block>();
    } else {
      b = std::move(spare.back());
      spare.pop_back();
    }
    if (!blocks.next(*b)) return false;
    Block* raw = b.get();
    in_flight.emplace_back(std::move(b),
                           std::async(std::launch::async, [raw, &limits] { parse_block(*raw, limits); }));
    return true;
  };
  // Drains the workers before an exception leaves: they hold references to this frame.
  struct Drain {
    std::deque<std::pair<std::unique_ptr<Block>, std::future<void>>>& q;
    ~Drain() {
      for (auto& [b, f] : q)
        if (f.valid()) f.wait();
    }
  } drain{in_flight};
  for (unsigned k = 0; k < 2 * workers && launch(); ++k) {
  }
  int64_t line = 1; // the header's
  s.last_line = 1;
  bool ended = false;
  while (!in_flight.empty()) {
    auto [b, done] = std::move(in_flight.front());
    in_flight.pop_front();
    done.get();
    if (!ended) launch();
    if (b->error_line >= 0)
      throw trace::TraceError(path + ":" + std::to_string(line + b->error_line) + ": " + b->error);
    if (line + b->lines > INT32_MAX)
      throw trace::TraceError(path + ": more than 2^31 lines (not a trace this viewer opens)");
    // Room for the whole file in one allocation once the first block gives the mean line length.
    if (s.events.empty() && !b->events.empty() && size > 0) {
      const double per_event = static_cast<double>(b->len) / static_cast<double>(b->events.size());
      const double events = 1.02 * static_cast<double>(size - events_offset) / per_event + 1024;
      s.events.reserve(static_cast<size_t>(events));
      s.extras.reserve(static_cast<size_t>(events * static_cast<double>(b->extras.size()) /
                                           static_cast<double>(b->events.size())));
    }
    // An estimate that fell short grows by a quarter, not double: the copy is the peak.
    if (s.events.size() + b->events.size() > s.events.capacity())
      s.events.reserve((s.events.size() + b->events.size()) * 5 / 4);
    if (s.extras.size() + b->extras.size() > s.extras.capacity())
      s.extras.reserve((s.extras.size() + b->extras.size()) * 5 / 4);
    const auto extra_base = static_cast<uint32_t>(s.extras.size());
    for (StoredEvent& e : b->events) {
      e.line += static_cast<int32_t>(line);
      e.extra += extra_base;
      s.last_line = std::max(s.last_line, static_cast<int64_t>(e.line));
    }
    // Both sorted: merge from where the block's first event belongs (usually a few events back).
    const auto old_size = static_cast<std::ptrdiff_t>(s.events.size());
    s.events.insert(s.events.end(), b->events.begin(), b->events.end());
    if (old_size > 0 && !b->events.empty()) {
      const auto mid = s.events.begin() + old_size;
      const auto from = std::upper_bound(s.events.begin(), mid, *mid, time_then_line);
      if (from != mid) std::inplace_merge(from, mid, s.events.end(), time_then_line);
    }
    s.extras.insert(s.extras.end(), b->extras.begin(), b->extras.end());
    s.max_queue = std::max<int64_t>(s.max_queue, b->max_queue);
    if (b->end_line >= 0) {
      const std::string where = path + ":" + std::to_string(line + b->end_line);
      nlohmann::json end;
      try {
        end = trace::parse_bounded_json(b->end_text);
      } catch (const trace::TraceError& err) {
        throw trace::TraceError(where + ": the end object: " + err.what());
      }
      s.summary = trace::read_run_summary(end, where, s.cpus); // checks its shape, as the CLI does
      ended = true;
    }
    if (b->cut) s.truncated = true;
    line += b->lines;
    const int64_t read = b->offset + static_cast<int64_t>(b->len);
    spare.push_back(std::move(b));
    if (ended) break;
    if (const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        partial && elapsed >= next_snapshot_s && 2 * read < size) {
      auto snap = std::make_shared<TraceStore>();
      snap->path = s.path;
      snap->header = s.header;
      snap->cpus = s.cpus;
      snap->functions = s.functions;
      snap->sockets = s.sockets;
      snap->receivers = s.receivers;
      snap->queues = s.queues;
      snap->max_queue = s.max_queue;
      snap->events = s.events;
      snap->extras = s.extras;
      snap->last_line = s.last_line;
      snap->partial = true;
      finish(*snap, {});
      partial(std::move(snap));
      next_snapshot_s = 2 * std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    }
    if (progress && size > 0 &&
        !progress(0.85 * std::min(1.0, static_cast<double>(read) / static_cast<double>(size))))
      throw LoadCancelled();
  }
  if (!ended) s.truncated = true;
  spare.clear(); // before the rows are built: the peak
  finish(s, progress);
  return store;
}

void TraceLoader::finish(TraceStore& s, const Progress& progress) {
  if (progress && !progress(0.88)) throw LoadCancelled();
  sort_by_time(s.events);
  if (s.events.capacity() > s.events.size() + s.events.size() / 4) s.events.shrink_to_fit();
  if (s.extras.capacity() > s.extras.size() + s.extras.size() / 4) s.extras.shrink_to_fit();
  if (!s.events.empty()) {
    s.t_min = std::min<int64_t>(0, s.events.front().t);
    for (const auto& ev : s.events) s.t_max = std::max(s.t_max, s.end_or_t(ev));
  }
  if (s.summary) s.t_max = std::max(s.t_max, s.summary->t_ns);
  if (progress && !progress(0.93)) throw LoadCancelled();
  build_rows(s);
  if (progress && !progress(0.97)) throw LoadCancelled();
  build_packets(s);
  if (progress) progress(1.0);
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
  // A multi-queue NIC's RX queues (format 4): a lane each, the idle ones too. Bounded: a queue
  // lane is a row, and the rows are.
  if (auto sc = s.header.find("scenario"); sc != s.header.end() && sc->is_object())
    if (auto nic = sc->find("nic"); nic != sc->end() && nic->is_object())
      s.queues = static_cast<int>(std::clamp<int64_t>(int_or(*nic, "queues", 1), 1, 1024));
  if (auto so = s.header.find("sockets"); so != s.header.end() && so->is_array())
    for (const auto& j : *so)
      if (j.is_object())
        s.sockets.push_back({str_or(j, "name", "?"), str_or(j, "bind", ""), int_or(j, "rcvbuf", -1)});
  if (auto re = s.header.find("receivers"); re != s.header.end() && re->is_array())
    for (const auto& j : *re)
      if (j.is_object())
        s.receivers.push_back({str_or(j, "name", "?"), static_cast<int>(int_or(j, "socket", -1)),
                               static_cast<int>(int_or(j, "cpu", -1))});
  if (auto ta = s.header.find("tasks"); ta != s.header.end() && ta->is_array())
    for (const auto& j : *ta) {
      TaskInfo t;
      if (j.is_object()) {
        t.name = str_or(j, "name", "task " + std::to_string(s.tasks.size()));
        t.kind = str_or(j, "kind", "");
        t.policy = str_or(j, "policy", "");
        t.cpu = static_cast<int>(int_or(j, "cpu", -1));
        t.nice = static_cast<int>(int_or(j, "nice", 0));
        t.rt_priority = static_cast<int>(int_or(j, "rt_priority", 0));
        t.thread = static_cast<int>(int_or(j, "thread", -1));
      }
      s.tasks.push_back(std::move(t)); // kept where it is: the index is the task id
    }
}

void TraceLoader::build_rows(TraceStore& s) {
  s.bins = BinGrid(s.t_min, s.t_max);
  // Rows are made as they are met, then put in display order (by RowKey) and the events'
  // row indices renumbered: no per-event key array, and no map look-up for the common rows.
  std::map<RowKey, uint32_t> ids;
  std::vector<Row> made;
  std::vector<RowKey> key_of_row;
  auto row = [&](const RowKey& key, RowKind kind, int cpu, int index, std::string name) -> uint32_t {
    auto [it, fresh] = ids.try_emplace(key, static_cast<uint32_t>(made.size()));
    if (fresh) {
      if (made.size() > UINT16_MAX)
        throw trace::TraceError(s.path +
                                ": more than 65536 timeline rows (CPU contexts, threads and sockets)");
      Row& r = made.emplace_back();
      r.kind = kind, r.cpu = cpu, r.index = index, r.name = std::move(name);
      key_of_row.push_back(key);
    }
    return it->second;
  };
  auto cpu_row = [&](int cpu, RowKind kind, int index, std::string name) {
    return row(RowKey{1, cpu, static_cast<int>(kind), index}, kind, cpu, index, std::move(name));
  };
  auto socket_row = [&](int sock) {
    std::string name = static_cast<size_t>(sock) < s.sockets.size() ? s.sockets[sock].name : "?";
    return row(RowKey{2, 0, 0, sock}, RowKind::Socket, -1, sock, "socket " + name);
  };
  // One NIC lane, as before format 4; a multi-queue NIC (more than one queue in the header or the
  // events) has a lane per RX queue instead, and a NIC lane only for NIC events of no queue.
  const int header_queues = s.queues; // lanes for these even if idle; others as their events come
  s.queues = static_cast<int>(std::max<int64_t>(s.queues, s.max_queue + 1));
  const bool multi = s.multi_queue();
  constexpr uint32_t kNone = UINT32_MAX;
  uint32_t nic = kNone;
  auto nic_row = [&] {
    if (nic == kNone) nic = row(RowKey{0, 0, 0, 0}, RowKind::Nic, -1, -1, "NIC");
    return nic;
  };
  std::map<int64_t, uint32_t> queue_made; // made row of each queue
  auto queue_row = [&](int64_t q) {
    auto [it, fresh] = queue_made.try_emplace(q, 0);
    if (fresh)
      it->second = row(RowKey{0, 1, static_cast<int>(q), 0}, RowKind::NicQueue, -1, static_cast<int>(q),
                       "queue " + std::to_string(q));
    return it->second;
  };
  if (!multi)
    nic_row();
  else
    for (int q = 0; q < header_queues; ++q) queue_row(q);
  auto receiver_row = [&](int r) {
    return cpu_row(s.receivers[r].cpu, RowKind::Thread, r, "thread " + s.receivers[r].name);
  };
  // The interrupt and softirq rows of each CPU, by context, for the per-event look-up.
  std::vector<std::array<uint32_t, 3>> ctx_rows(s.cpus);
  for (int c = 0; c < s.cpus; ++c) {
    ctx_rows[c][0] = cpu_row(c, RowKind::Hardirq, -1, "hardirq");
    ctx_rows[c][1] = cpu_row(c, RowKind::Softirq, -1, "softirq");
    ctx_rows[c][2] = cpu_row(c, RowKind::Ksoftirqd, -1, "ksoftirqd");
  }
  std::vector<uint32_t> thread_rows;
  for (size_t r = 0; r < s.receivers.size(); ++r) thread_rows.push_back(receiver_row(static_cast<int>(r)));
  // A task's row: a receiver's is its thread row, ksoftirqd/N's the ksoftirqd row of CPU N (the
  // thread that runs that context); a sender or a background task gets a row of its own.
  constexpr uint32_t kNoRow = UINT32_MAX;
  std::vector<uint32_t> task_rows(s.tasks.size(), kNoRow);
  for (size_t k = 0; k < s.tasks.size(); ++k) {
    const TaskInfo& t = s.tasks[k];
    uint32_t r = kNoRow;
    if (t.kind == "receiver" && t.thread >= 0 && static_cast<size_t>(t.thread) < thread_rows.size())
      r = thread_rows[t.thread];
    else if (t.kind == "ksoftirqd" && t.cpu >= 0 && t.cpu < s.cpus)
      r = ctx_rows[t.cpu][2];
    else if (t.kind != "idle")
      r = cpu_row(t.cpu, RowKind::Task, static_cast<int>(k), t.name);
    if (r == kNoRow) continue;
    task_rows[k] = r;
    made[r].task = static_cast<int>(k);
  }
  auto task_row = [&](int64_t task) {
    return task >= 0 && static_cast<size_t>(task) < task_rows.size() ? task_rows[task] : kNoRow;
  };
  // Each task's state as the switches and wake-ups leave it, in time order. Before its first
  // event a task is taken as sleeping, unless that event switches it out: then it ran from the
  // start.
  std::vector<bool> task_seen(s.tasks.size(), false);
  auto task_changes = [&](int64_t task, int64_t t, TaskState st, bool switched_out) {
    const uint32_t r = task_row(task);
    if (r == kNoRow) return;
    if (!task_seen[task] && switched_out) made[r].states.change(s.t_min, TaskState::Running);
    task_seen[task] = true;
    made[r].states.change(t, st);
  };
  std::vector<uint32_t> socket_rows;
  for (size_t k = 0; k < s.sockets.size(); ++k) socket_rows.push_back(socket_row(static_cast<int>(k)));
  auto sock_row = [&](int64_t sock) {
    return static_cast<size_t>(sock) < socket_rows.size() ? socket_rows[sock]
                                                          : socket_row(static_cast<int>(sock));
  };

  s.row_of_event.resize(s.events.size());
  for (uint32_t i = 0; i < s.events.size(); ++i) {
    const StoredEvent& e = s.events[i];
    const int64_t sock = s.value(e, field("sock"));
    // A switch goes to the row of the task switched in (the one switched out when the CPU goes
    // idle), a wake-up to the woken task's row; each task's row lists the switches it takes part in.
    uint32_t sched_row = kNoRow;
    if (e.fn == trace::Fn::Schedule) {
      const int64_t prev = s.value(e, field("prev")), next = s.value(e, field("next"));
      const bool preempted = e.why == trace::SwitchWhy::Wakeup || e.why == trace::SwitchWhy::Tick;
      task_changes(prev, e.t, preempted ? TaskState::Runnable : TaskState::Sleeping, true);
      task_changes(next, e.t, TaskState::Running, false);
      sched_row = task_row(next) != kNoRow ? task_row(next) : task_row(prev);
      if (task_row(prev) != kNoRow) made[task_row(prev)].switches.push_back(i);
      if (task_row(next) != kNoRow && task_row(next) != task_row(prev))
        made[task_row(next)].switches.push_back(i);
    } else if (e.fn == trace::Fn::TryToWakeUp) {
      const int64_t task = s.value(e, field("task"));
      if (task_row(task) != kNoRow && made[task_row(task)].states.current() != TaskState::Running)
        task_changes(task, e.t, TaskState::Runnable, false);
      sched_row = task_row(task);
      if (sched_row != kNoRow) made[sched_row].switches.push_back(i);
    }
    // A multi-queue NIC's events (the frame's DMA, the queue's interrupt) go to their queue's lane,
    // and every event with the ring fill of a queue to that lane's counter.
    const int64_t queue = multi ? s.value(e, field("queue")) : -1;
    uint32_t r = kNone;
    switch (e.ctx) {
    case trace::Ctx::Nic:
      r = queue >= 0 ? queue_row(queue) : nic_row();
      break;
    case trace::Ctx::Hardirq:
    case trace::Ctx::Softirq:
    case trace::Ctx::Ksoftirqd: {
      const int k = static_cast<int>(e.ctx) - static_cast<int>(trace::Ctx::Hardirq);
      if (e.cpu >= 0 && e.cpu < s.cpus)
        r = ctx_rows[e.cpu][k];
      else // the reader bounds cpu to the header's; -1 (the NIC's) in a CPU context still needs a row
        r = cpu_row(e.cpu, static_cast<RowKind>(static_cast<int>(RowKind::Hardirq) + k), -1,
                    k == 0   ? "hardirq"
                    : k == 1 ? "softirq"
                             : "ksoftirqd");
      break;
    }
    case trace::Ctx::Process: {
      if (e.cpu < 0 && sock >= 0) { // socket setup (inet_create, inet_bind)
        r = sock_row(sock);
        break;
      }
      // Each receiver thread has its own row, even when several share a CPU. An event without a
      // `thread` (a trace written before spans carried it) goes to the first receiver on its CPU.
      const int64_t t = s.value(e, field("thread"));
      int thread = t >= 0 && static_cast<size_t>(t) < s.receivers.size() ? static_cast<int>(t) : -1;
      for (size_t k = 0; thread < 0 && k < s.receivers.size(); ++k)
        if (s.receivers[k].cpu == e.cpu) thread = static_cast<int>(k);
      r = thread >= 0 ? thread_rows[thread] : cpu_row(e.cpu, RowKind::Process, -1, "process");
      break;
    }
    }
    if (sched_row != kNoRow) r = sched_row;
    s.row_of_event[i] = static_cast<uint16_t>(r);
    const bool ring = e.has(field("ring"));
    const uint32_t ring_row = !multi || !ring ? kNone : queue >= 0 ? queue_row(queue) : nic_row();
    Row& rw = made[r];
    if (e.is_span())
      rw.spans[span_depth(e.fn)].events.push_back(i);
    else
      rw.points.push_back(i);
    if (e.kind == trace::Kind::Drop) rw.drops.push_back(i);
    if (ring) s.ring_series.push_back(i);
    if (ring_row != kNone) made[ring_row].counter.push_back(i);
    if (rw.kind == RowKind::NicQueue && e.fn == trace::Fn::IrqRaise) {
      rw.irqs.push_back(i);
      if (rw.irq_cpu < 0) rw.irq_cpu = e.cpu;
    }
    if (e.has(field("backlog"))) s.backlog_series.push_back(i);
    if (sock >= 0 && (e.has(field("rmem")) || e.has(field("qlen")) || e.kind == trace::Kind::Drop))
      made[sock_row(sock)].counter.push_back(i);
  }
  if (!multi) made[nic].counter = s.ring_series;

  std::vector<uint32_t> order(made.size());
  for (uint32_t k = 0; k < order.size(); ++k) order[k] = k;
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return key_of_row[a] < key_of_row[b]; });
  std::vector<uint32_t> position(made.size());
  for (uint32_t k = 0; k < order.size(); ++k) position[order[k]] = k;
  std::vector<int64_t> ends;
  for (uint32_t k : order) {
    Row& rw = made[k];
    for (auto& list : rw.spans) {
      int64_t m = INT64_MIN, covered = 0;
      list.max_end.reserve(list.events.size());
      list.covered.reserve(list.events.size());
      ends.clear();
      for (uint32_t i : list.events) {
        const StoredEvent& e = s.events[i];
        const int64_t end = s.end_or_t(e);
        covered += std::max<int64_t>(0, end - std::max(e.t, m));
        list.max_end.push_back(m = std::max(m, end));
        list.covered.push_back(covered);
        ends.push_back(end);
      }
      list.begins.build(list.events, s.events);
      if (list.events.size() >= kMinEventsForBins) list.bins.build(s.bins, list, s.events, ends);
    }
    if (!rw.states.empty()) rw.states.finish(s.bins);
    rw.point_marks.build(rw.points, s.events);
    rw.drop_marks.build(rw.drops, s.events);
    if (rw.points.size() >= kMinEventsForBins) rw.point_bins.build_first(s.bins, rw.points, s.events);
    if (rw.drops.size() >= kMinEventsForBins) rw.drop_bins.build_before(s.bins, rw.drops, s.events);
    rw.irq_marks.build(rw.irqs, s.events);
    if (rw.irqs.size() >= kMinEventsForBins) rw.irq_bins.build_first(s.bins, rw.irqs, s.events);
    if (rw.kind == RowKind::Socket) {
      if (s.socket_series.size() <= static_cast<size_t>(rw.index)) s.socket_series.resize(rw.index + 1);
      for (uint32_t i : rw.counter)
        if (s.events[i].has(field("rmem")) || s.events[i].has(field("qlen")))
          s.socket_series[rw.index].push_back(i);
    }
    s.rows.push_back(std::move(rw));
  }
  for (uint16_t& r : s.row_of_event) r = static_cast<uint16_t>(position[r]);
  for (const auto& [q, r] : queue_made) {
    if (s.queue_rows.size() <= static_cast<size_t>(q)) s.queue_rows.resize(static_cast<size_t>(q) + 1, -1);
    s.queue_rows[static_cast<size_t>(q)] = static_cast<int>(position[r]);
  }
}

void TraceLoader::build_packets(TraceStore& s) {
  // Packet ids count from 0 in arrival order, so a counting sort by id (stable: each packet's
  // stages stay in time order) needs one count per id rather than a pair per event.
  int64_t max_id = -1, with_pkt = 0;
  for (const StoredEvent& e : s.events)
    if (e.pkt >= 0) max_id = std::max<int64_t>(max_id, e.pkt), ++with_pkt;
  if (max_id < 0) return;
  if (max_id > 4 * with_pkt + 4096) { // ids far sparser than a simulator writes: sort pairs instead
    std::vector<std::pair<int32_t, uint32_t>> by_pkt;
    for (uint32_t i = 0; i < s.events.size(); ++i)
      if (s.events[i].pkt >= 0) by_pkt.emplace_back(s.events[i].pkt, i);
    std::stable_sort(by_pkt.begin(), by_pkt.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    s.packet_stages.reserve(by_pkt.size());
    for (const auto& [id, i] : by_pkt) s.packet_stages.push_back(i);
  } else {
    std::vector<uint32_t> start(static_cast<size_t>(max_id) + 2, 0);
    for (const StoredEvent& e : s.events)
      if (e.pkt >= 0) ++start[static_cast<size_t>(e.pkt) + 1];
    for (size_t k = 1; k < start.size(); ++k) start[k] += start[k - 1];
    s.packet_stages.resize(static_cast<size_t>(with_pkt));
    for (uint32_t i = 0; i < s.events.size(); ++i)
      if (s.events[i].pkt >= 0) s.packet_stages[start[static_cast<size_t>(s.events[i].pkt)]++] = i;
  }
  for (size_t k = 0; k < s.packet_stages.size();) {
    PacketRecord p;
    p.id = s.events[s.packet_stages[k]].pkt;
    p.first_stage = static_cast<uint32_t>(k);
    for (; k < s.packet_stages.size() && s.events[s.packet_stages[k]].pkt == p.id; ++k) {
      const StoredEvent& e = s.events[s.packet_stages[k]];
      if (p.stage_count++ == 0) p.arrival = e.t;
      if (p.sock < 0) p.sock = static_cast<int16_t>(s.value(e, field("sock")));
      if (p.queue < 0 && e.fn == trace::Fn::RxRingDma)
        p.queue = static_cast<int16_t>(s.value(e, field("queue")));
      if (p.fate != Fate::InFlight) continue; // lost fragments after the fate do not change it
      p.finish = e.t;
      if (e.kind == trace::Kind::Deliver) p.fate = Fate::Delivered, p.latency = s.value(e, field("latency"));
      if (e.kind == trace::Kind::Drop) p.fate = Fate::Dropped, p.reason = e.reason;
    }
    if (p.latency < 0) p.latency = p.finish - p.arrival;
    s.packets.push_back(p);
  }
}

} // namespace rxpath::view

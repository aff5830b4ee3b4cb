#include "ExportWalk.hpp"

#include <cstring>
#include <deque>
#include <fstream>
#include <memory>
#include <tuple>
#include <unordered_set>

namespace rxpath::trace {
namespace {

// Names from the header's "sockets" / "receivers" arrays, where they are well formed.
std::vector<std::string> names_of(const nlohmann::json& header, const char* key) {
  std::vector<std::string> out;
  const auto it = header.find(key);
  if (it == header.end() || !it->is_array()) return out;
  for (const auto& x : *it) {
    const auto n = x.is_object() ? x.find("name") : x.end();
    out.push_back(x.is_object() && n != x.end() && n->is_string() ? n->get<std::string>() : "");
  }
  return out;
}

bool has_rps(const nlohmann::json& header) {
  const auto sc = header.find("scenario");
  if (sc == header.end() || !sc->is_object()) return false;
  const auto nic = sc->find("nic");
  if (nic == sc->end() || !nic->is_object()) return false;
  const auto rps = nic->find("rps_cpus");
  return rps != nic->end() && rps->is_array() && !rps->empty();
}

class Walker {
public:
  Walker(TraceReader& r, ExportHandler& h) : r_(r), h_(h) {
    profile_ = names_of_header(r.header());
    rps_ = has_rps(r.header());
    sockets_ = names_of(r.header(), "sockets");
    receivers_ = names_of(r.header(), "receivers");
  }

  WalkResult run() {
    h_.begin(r_.header());
    Event e;
    while (r_.next(e)) {
      ++result_.events;
      check(e);
      counters(e);
      if (e.kind == Kind::Span)
        span(e, track_of(e));
      else if (e.pkt < 0)
        h_.event(PacketEvent{e, &track_of(e)}, to_string(e.fn, profile_));
      else
        packet(e);
    }
    if (r_.truncated())
      throw TraceError(r_.path() + ":" + std::to_string(r_.line()) +
                       ": the trace ends here without its end object (truncated: the run was interrupted "
                       "or the file was cut); re-run the scenario to export it whole");
    for (auto& [id, held] : held_spans_)
      if (!held.empty()) flush_spans(*track_by_id_.at(id), held);
    for (auto& [key, p] : pending_) emit(p);
    pending_.clear();
    return result_;
  }

private:
  [[noreturn]] void fail(const std::string& what) const {
    throw TraceError(r_.path() + ":" + std::to_string(r_.line()) + ": " + what);
  }

  // An event must name a CPU, socket and thread the header has: a hostile trace cannot make the
  // export invent lanes the run never had.
  void check(const Event& e) const {
    if (!h_.negative_times() && (e.t < 0 || (e.kind == Kind::Span && e.end < 0)))
      fail("key \"t\": " + std::to_string(e.t) +
           " ns is before the run's start; this format's timestamps cannot "
           "be negative");
    if (e.cpu < -1 || e.cpu >= r_.cpus())
      fail("key \"cpu\": expected -1 (the NIC) to " + std::to_string(r_.cpus() - 1) +
           " (the header's cpus), found " + std::to_string(e.cpu));
    if (e.sock != kUnset && (e.sock < 0 || e.sock >= static_cast<int64_t>(sockets_.size())))
      fail("key \"sock\": expected 0 to " + std::to_string(static_cast<int64_t>(sockets_.size()) - 1) +
           " (the header's sockets), found " + std::to_string(e.sock));
    if (e.thread != kUnset && (e.thread < 0 || e.thread >= static_cast<int64_t>(receivers_.size())))
      fail("key \"thread\": expected 0 to " + std::to_string(static_cast<int64_t>(receivers_.size()) - 1) +
           " (the header's receivers), found " + std::to_string(e.thread));
  }

  const Lane& lane(Lane::Type type, int64_t index) {
    auto& l = lanes_[{static_cast<int>(type), index}];
    if (!l) {
      l = std::make_unique<Lane>(Lane{type, index, next_lane_++, ""});
      if (type == Lane::Type::Nic) l->name = "NIC";
      if (type == Lane::Type::Cpu) l->name = "CPU " + std::to_string(index);
      if (type == Lane::Type::Socket)
        l->name =
            "socket " + (sockets_[static_cast<size_t>(index)].empty() ? std::to_string(index)
                                                                      : sockets_[static_cast<size_t>(index)]);
      h_.lane(*l);
    }
    return *l;
  }

  const Track& track_of(const Event& e) {
    const Lane& l = e.cpu < 0 ? lane(Lane::Type::Nic, 0) : lane(Lane::Type::Cpu, e.cpu);
    const bool thread = e.ctx == Ctx::Process && e.thread >= 0;
    const int64_t slot = thread ? 100 + e.thread : static_cast<int64_t>(e.ctx);
    auto& t = tracks_[{l.id, slot}];
    if (!t) {
      t = std::make_unique<Track>(Track{next_id_++, &l, "", slot});
      if (thread) {
        const auto& n = receivers_[static_cast<size_t>(e.thread)];
        t->name = n.empty() ? "thread " + std::to_string(e.thread) : n;
      } else if (e.ctx == Ctx::Ksoftirqd) {
        t->name = "ksoftirqd/" + std::to_string(e.cpu);
      } else {
        t->name = std::string(to_string(e.ctx));
      }
      track_by_id_[t->id] = t.get();
      h_.track(*t);
    }
    return *t;
  }

  // A counter's value, emitted when it changes (or always, for a value placed late).
  void counter(const Lane& l, const char* name, bool bytes, int64_t t, int64_t v, bool always = false) {
    auto& c = counters_[{l.id, name}];
    if (!c.c) {
      const int64_t id = next_id_++;
      c.c = std::make_unique<Counter>(Counter{id, &l, name, bytes, kCounterRank + id});
      h_.counter(*c.c);
    } else if (!always && c.last == v) {
      return;
    }
    c.last = v;
    h_.value(*c.c, t, v);
  }

  void counters(const Event& e) {
    if (e.ring != kUnset) counter(lane(Lane::Type::Nic, 0), "ring fill", false, e.t, e.ring);
    if (e.backlog != kUnset && e.cpu >= 0) {
      // enqueue_to_backlog's length is the target CPU's; under RPS that CPU shows only when the
      // packet reaches its process_backlog (a CPU_BACKLOG drop under RPS names no target).
      if (e.fn == Fn::EnqueueToBacklog && rps_) {
        if (e.kind != Kind::Drop && e.pkt >= 0) late_backlog_[e.pkt] = {e.t, e.backlog};
      } else {
        counter(lane(Lane::Type::Cpu, e.cpu), "backlog", false, e.t, e.backlog);
      }
    }
    if (e.fn == Fn::ProcessBacklog && e.cpu >= 0 && e.pkt >= 0) {
      if (auto it = late_backlog_.find(e.pkt); it != late_backlog_.end()) {
        counter(lane(Lane::Type::Cpu, e.cpu), "backlog", false, it->second.first, it->second.second, true);
        late_backlog_.erase(it);
      }
    }
    if (e.kind == Kind::Drop || e.kind == Kind::Deliver) late_backlog_.erase(e.pkt);
    if (e.sock >= 0) {
      const Lane& s = lane(Lane::Type::Socket, e.sock);
      if (e.rmem != kUnset) counter(s, "sk_rmem_alloc", true, e.t, e.rmem);
      if (e.rcvbuf != kUnset) counter(s, "sk_rcvbuf", true, e.t, e.rcvbuf);
      if (e.qlen != kUnset) counter(s, "receive queue", false, e.t, e.qlen);
    }
  }

  // How deep a function's span sits on its track (__do_softirq or run_ksoftirqd > net_rx_action >
  // the NAPI polls); every other span is a root.
  static int depth(Fn f) {
    switch (f) {
    case Fn::NetRxAction:
      return 1;
    case Fn::Rtl8139Poll:
    case Fn::Mlx5eNapiPoll:
    case Fn::ProcessBacklog:
      return 2;
    default:
      return 0;
    }
  }

  // The trace writes a span when it ends, so children come before their parent, and nested spans
  // often begin at the same nanosecond (a poll, its net_rx_action and __do_softirq). Viewers
  // order equal begin times by file position, so a track's spans wait for the root that encloses
  // them and are then written parents first.
  void span(const Event& e, const Track& t) {
    auto& held = held_spans_[t.id];
    held.push_back(e);
    if (depth(e.fn) == 0 || held.size() >= kHeldSpans) flush_spans(t, held);
  }
  void flush_spans(const Track& t, std::vector<Event>& held) {
    std::stable_sort(held.begin(), held.end(), [](const Event& a, const Event& b) {
      return a.t != b.t ? a.t < b.t : depth(a.fn) < depth(b.fn);
    });
    for (const auto& e : held) h_.span(e, t, to_string(e.fn, profile_));
    held.clear();
  }

  // A packet's event waits until the packet's next one shows whether it is the last on its CPU.
  void packet(const Event& e) {
    PacketEvent cur{e, &track_of(e)};
    // After its fate a packet no longer moves (skb_free_datagram_locked, a late fragment): its
    // events need not wait.
    if (finished_.count(e.pkt)) {
      emit(cur);
      return;
    }
    const std::pair<int64_t, int64_t> key{e.pkt, e.frag};
    if (auto it = pending_.find(key); it != pending_.end()) {
      PacketEvent& prev = it->second;
      if (prev.e.cpu != e.cpu) {
        // A packet that only passes through a CPU continues the flow that brought it there.
        const uint64_t id = prev.flow_in ? prev.flow_in : next_flow_++;
        if (!prev.flow_in) ++result_.flows;
        prev.flow_out = id;
        cur.flow_in = id;
      }
      emit(prev);
      pending_.erase(it);
    }
    if (e.kind == Kind::Drop || e.kind == Kind::Deliver) {
      emit(cur);
      finish(e.pkt);
      // Fragments of a datagram that has its fate have no later events to wait for.
      for (auto it = pending_.lower_bound({e.pkt, INT64_MIN});
           it != pending_.end() && it->first.first == e.pkt;) {
        emit(it->second);
        it = pending_.erase(it);
      }
      return;
    }
    pending_.emplace(key, cur);
  }

  // The most recent fates, so that memory stays bounded; an event that comes after its packet left
  // this window waits in pending_ to the end, which costs memory but not correctness.
  void finish(int64_t pkt) {
    if (!finished_.insert(pkt).second) return;
    finished_order_.push_back(pkt);
    if (finished_order_.size() > kFinishedWindow) {
      finished_.erase(finished_order_.front());
      finished_order_.pop_front();
    }
  }

  void emit(const PacketEvent& p) { h_.event(p, to_string(p.e.fn, profile_)); }

  struct CounterState {
    std::unique_ptr<Counter> c;
    int64_t last = 0;
  };

  TraceReader& r_;
  ExportHandler& h_;
  Profile profile_ = Profile::Linux3_19;
  bool rps_ = false;
  std::vector<std::string> sockets_, receivers_;
  std::map<std::pair<int, int64_t>, std::unique_ptr<Lane>> lanes_;
  std::map<std::pair<int64_t, int64_t>, std::unique_ptr<Track>> tracks_;
  std::map<std::pair<int64_t, const char*>, CounterState> counters_; // names are literals
  std::map<std::pair<int64_t, int64_t>, PacketEvent> pending_;
  std::unordered_map<int64_t, std::pair<int64_t, int64_t>> late_backlog_;
  static constexpr size_t kFinishedWindow = 1 << 16;
  // A track whose spans never reach a root (not a trace rxpath writes) is written unordered past this.
  static constexpr size_t kHeldSpans = 4096;
  std::map<int64_t, std::vector<Event>> held_spans_; // by track id: flushed in a fixed order
  std::map<int64_t, const Track*> track_by_id_;
  static constexpr int64_t kCounterRank = 1'000'000'000; // counters below the lane's tracks (an int32 rank)
  std::unordered_set<int64_t> finished_;
  std::deque<int64_t> finished_order_;
  int64_t next_id_ = 1, next_lane_ = 1;
  uint64_t next_flow_ = 1;
  WalkResult result_;
};

} // namespace

void require_end_object(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TraceError(path + ": cannot open the file");
  // The last non-empty line and its number, by counting newlines.
  std::vector<char> buf(1 << 20);
  std::string last, cur;
  int64_t lines = 0, last_no = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const size_t n = static_cast<size_t>(in.gcount());
    size_t from = 0;
    while (from < n) {
      const void* nl = std::memchr(buf.data() + from, '\n', n - from);
      const size_t to = nl ? static_cast<size_t>(static_cast<const char*>(nl) - buf.data()) : n;
      // Only short lines can be the end object; a long one is kept only up to a bound.
      if (cur.size() < (1 << 20))
        cur.append(buf.data() + from, std::min(to - from, (size_t{1} << 20) - cur.size()));
      if (!nl) break;
      ++lines;
      if (!cur.empty()) {
        last.swap(cur);
        last_no = lines;
      }
      cur.clear();
      from = to + 1;
    }
  }
  bool complete = false;
  if (cur.empty()) { // a last line cut short (no newline) is truncation too
    const auto j = nlohmann::json::parse(last, nullptr, false);
    complete = j.is_object() && j.contains("k") && j["k"] == "end";
  } else {
    last_no = lines + 1;
  }
  if (!complete)
    throw TraceError(
        path + ":" + std::to_string(last_no) +
        ": the trace ends here without its end object (truncated: the run was interrupted or the "
        "file was cut); re-run the scenario to export it whole");
}

WalkResult walk_trace(TraceReader& r, ExportHandler& h) {
  return Walker(r, h).run();
}

} // namespace rxpath::trace

// `rxpath export --format perfetto`: read back with the tests' own protobuf decoder (Perfetto's
// trace_processor is not packaged for Debian) and checked against the trace it came from.
#include "RunRxpath.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

using namespace rxpath;

namespace {

// A protobuf message as its fields: number -> values (varints and fixed64 as integers, length-
// delimited fields as bytes), decoded from the wire format independently of the exporter.
struct Msg {
  std::multimap<uint32_t, uint64_t> ints;
  std::multimap<uint32_t, std::string> bytes;
  uint64_t get(uint32_t f, uint64_t dflt = 0) const {
    auto it = ints.find(f);
    return it == ints.end() ? dflt : it->second;
  }
  bool has(uint32_t f) const { return ints.count(f) || bytes.count(f); }
  std::string str(uint32_t f) const {
    auto it = bytes.find(f);
    return it == bytes.end() ? "" : it->second;
  }
};

uint64_t varint(const std::string& s, size_t& o) {
  uint64_t v = 0;
  for (int shift = 0;; shift += 7) {
    REQUIRE(o < s.size());
    REQUIRE(shift < 64);
    const auto b = static_cast<uint8_t>(s[o++]);
    v |= uint64_t{b & 0x7fu} << shift;
    if (!(b & 0x80)) return v;
  }
}

Msg decode(const std::string& s) {
  Msg m;
  size_t o = 0;
  while (o < s.size()) {
    const uint64_t key = varint(s, o);
    const auto field = static_cast<uint32_t>(key >> 3);
    switch (key & 7) {
    case 0:
      m.ints.emplace(field, varint(s, o));
      break;
    case 1: {
      REQUIRE(o + 8 <= s.size());
      uint64_t v = 0;
      for (int i = 7; i >= 0; --i) v = v << 8 | static_cast<uint8_t>(s[o + static_cast<size_t>(i)]);
      m.ints.emplace(field, v);
      o += 8;
      break;
    }
    case 2: {
      const uint64_t n = varint(s, o);
      REQUIRE(o + n <= s.size());
      m.bytes.emplace(field, s.substr(o, n));
      o += n;
      break;
    }
    default:
      FAIL("unexpected wire type " << (key & 7) << " for field " << field);
    }
  }
  return m;
}

struct Decoded {
  struct Track {
    std::string name;
    uint64_t parent = 0;
    bool counter = false;
  };
  struct TrackEvent {
    uint64_t ts = 0, type = 0, track = 0;
    std::string name, category;
    int64_t counter = 0;
    std::map<std::string, std::string> args; // annotation name -> value as text
    std::vector<uint64_t> flows, terminating;
  };
  std::map<uint64_t, Track> tracks;
  std::vector<TrackEvent> events;
  bool cleared_first = false;
};

// Trace.packet = 1; TracePacket: timestamp 8, sequence id 10, track_event 11, interned_data 12,
// sequence_flags 13, track_descriptor 60 (perfetto/protos/perfetto/trace/trace_packet.proto).
Decoded read_perfetto(const std::string& file) {
  Decoded d;
  const Msg trace = decode(file);
  std::map<uint64_t, std::string> names, categories, arg_names, arg_values;
  bool first = true;
  for (auto [it, end] = trace.bytes.equal_range(1); it != end; ++it) {
    const Msg p = decode(it->second);
    CHECK(p.get(10) == 1);
    if (first) d.cleared_first = (p.get(13) & 1) != 0;
    first = false;
    for (auto [i, e] = p.bytes.equal_range(12); i != e; ++i) {
      const Msg in = decode(i->second);
      auto table = [&](uint32_t f, std::map<uint64_t, std::string>& t) {
        for (auto [j, je] = in.bytes.equal_range(f); j != je; ++j) {
          const Msg entry = decode(j->second);
          CHECK(t.count(entry.get(1)) == 0);
          t[entry.get(1)] = entry.str(2);
        }
      };
      table(1, categories);
      table(2, names);
      table(3, arg_names);
      table(29, arg_values);
    }
    if (p.bytes.count(60)) {
      const Msg td = decode(p.str(60));
      d.tracks[td.get(1)] = {td.str(2), td.get(5), td.bytes.count(8) > 0};
    }
    if (p.bytes.count(11)) {
      const Msg te = decode(p.str(11));
      Decoded::TrackEvent ev;
      ev.ts = p.get(8);
      ev.type = te.get(9);
      ev.track = te.get(11);
      // Interned strings must have been defined by this packet or an earlier one.
      if (te.has(10)) {
        REQUIRE(names.count(te.get(10)));
        ev.name = names[te.get(10)];
      }
      if (te.has(3)) ev.category = categories.at(te.get(3));
      ev.counter = static_cast<int64_t>(te.get(30));
      for (auto [a, ae] = te.bytes.equal_range(4); a != ae; ++a) {
        const Msg da = decode(a->second);
        const std::string n = arg_names.at(da.get(1));
        ev.args[n] = da.has(17) ? arg_values.at(da.get(17)) : std::to_string(static_cast<int64_t>(da.get(4)));
      }
      for (auto [f, fe] = te.ints.equal_range(47); f != fe; ++f) ev.flows.push_back(f->second);
      for (auto [f, fe] = te.ints.equal_range(48); f != fe; ++f) ev.terminating.push_back(f->second);
      d.events.push_back(std::move(ev));
    }
  }
  return d;
}

} // namespace

TEST_CASE("export --format perfetto: tracks, slices, instants, flows and counters as in the trace",
          "[cli][export][perfetto]") {
  auto r = test::run_rxpath("run " + test::scenario("rcvbuf-overflow") +
                            " --set traffic.0.count=300 -o t.jsonl -q");
  REQUIRE(r.exit_code == 0);
  auto e = test::run_rxpath("export " + r.dir + "/t.jsonl --format perfetto -o " + r.dir + "/t.pftrace");
  REQUIRE(e.exit_code == 0);
  const auto tr = test::load_trace(r.dir + "/t.jsonl");
  const auto d = read_perfetto(test::read_file(r.dir + "/t.pftrace"));
  CHECK(d.cleared_first);

  // Every event on a declared track; lanes are parents named after the CPUs, the NIC, the socket.
  std::set<std::string> lanes;
  for (const auto& [uuid, t] : d.tracks)
    if (t.parent == 0)
      lanes.insert(t.name);
    else
      CHECK(d.tracks.count(t.parent));
  CHECK(lanes.count("NIC"));
  CHECK(lanes.count("CPU 0"));
  CHECK(lanes.count("socket server"));
  auto lane_of = [&](uint64_t track) { return d.tracks.at(d.tracks.at(track).parent).name; };

  // Slices: one begin/end per span, at its times; instants: one per other event, drops with reasons.
  std::multiset<std::pair<uint64_t, std::string>> begins, want_begins, instants, want_instants;
  std::map<std::string, int> reasons, want_reasons;
  size_t ends = 0, spans = 0;
  for (const auto& ev : d.events) {
    REQUIRE(d.tracks.count(ev.track));
    if (ev.type == 1) begins.insert({ev.ts, ev.name});
    if (ev.type == 2) ++ends;
    if (ev.type == 3) {
      instants.insert({ev.ts, ev.name});
      if (ev.args.count("reason")) ++reasons[ev.args.at("reason")];
    }
  }
  for (const auto& ev : tr.events) {
    const std::string fn(trace::to_string(ev.fn));
    if (ev.kind == trace::Kind::Span) {
      ++spans;
      want_begins.insert({static_cast<uint64_t>(ev.t), fn});
    } else {
      want_instants.insert(
          {static_cast<uint64_t>(ev.t),
           ev.kind == trace::Kind::Drop ? fn + " DROP " + std::string(trace::to_string(ev.reason)) : fn});
      if (ev.kind == trace::Kind::Drop) ++want_reasons[std::string(trace::to_string(ev.reason))];
    }
  }
  CHECK(begins == want_begins);
  CHECK(ends == spans);
  CHECK(instants == want_instants);
  CHECK(reasons == want_reasons);
  CHECK(want_reasons["SOCKET_RCVBUFF"] > 0);

  // Slices as a viewer rebuilds them: events sorted by time (ties in file order), a stack per
  // track, each end closing the innermost open slice. Every span comes back with its own times,
  // and net_rx_action sits under __do_softirq, the polls under net_rx_action (they often begin in
  // the same nanosecond).
  std::vector<size_t> order(d.events.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return d.events[a].ts < d.events[b].ts; });
  std::map<uint64_t, std::vector<std::pair<std::string, uint64_t>>> stacks;
  std::multiset<std::tuple<std::string, uint64_t, uint64_t>> rebuilt, want_spans;
  std::map<std::string, std::set<std::string>> parents;
  for (size_t i : order) {
    const auto& ev = d.events[i];
    auto& st = stacks[ev.track];
    if (ev.type == 1) {
      parents[ev.name].insert(st.empty() ? "" : st.back().first);
      st.push_back({ev.name, ev.ts});
    }
    if (ev.type == 2) {
      REQUIRE(!st.empty());
      rebuilt.insert({st.back().first, st.back().second, ev.ts});
      st.pop_back();
    }
  }
  for (const auto& ev : tr.events)
    if (ev.kind == trace::Kind::Span)
      want_spans.insert(
          {std::string(trace::to_string(ev.fn)), static_cast<uint64_t>(ev.t), static_cast<uint64_t>(ev.end)});
  CHECK(rebuilt == want_spans);
  CHECK(parents["net_rx_action"] == std::set<std::string>{"__do_softirq"});
  CHECK(parents["rtl8139_poll"] == std::set<std::string>{"net_rx_action"});
  CHECK(parents["__do_softirq"] == std::set<std::string>{""});

  // Flows: each id starts once and is terminated once, on another CPU's lane; as many as the times
  // a packet changes CPU.
  std::map<uint64_t, std::string> out_lane, in_lane;
  for (const auto& ev : d.events) {
    for (auto f : ev.flows) CHECK(out_lane.emplace(f, lane_of(ev.track)).second);
    for (auto f : ev.terminating) CHECK(in_lane.emplace(f, lane_of(ev.track)).second);
  }
  std::map<std::pair<int64_t, int64_t>, int32_t> last;
  size_t crossings = 0;
  for (const auto& ev : tr.events) {
    if (ev.kind == trace::Kind::Span || ev.pkt < 0) continue;
    auto [it, fresh] = last.try_emplace({ev.pkt, ev.frag}, ev.cpu);
    if (!fresh && it->second != ev.cpu) ++crossings;
    it->second = ev.cpu;
  }
  CHECK(crossings > 0);
  CHECK(out_lane.size() == crossings); // in this scenario no packet passes a CPU in one event
  REQUIRE(in_lane.size() == out_lane.size());
  for (const auto& [id, from] : out_lane) {
    INFO("flow " << id);
    REQUIRE(in_lane.count(id));
    CHECK(in_lane[id] != from);
  }

  // Counters: sk_rmem_alloc of the socket, each change of the trace's value, at its time.
  uint64_t rmem_track = 0;
  for (const auto& [uuid, t] : d.tracks)
    if (t.counter && t.name == "sk_rmem_alloc" && d.tracks.at(t.parent).name == "socket server")
      rmem_track = uuid;
  REQUIRE(rmem_track != 0);
  std::vector<std::pair<uint64_t, int64_t>> got, want;
  for (const auto& ev : d.events)
    if (ev.type == 4 && ev.track == rmem_track) got.push_back({ev.ts, ev.counter});
  for (const auto& ev : tr.events)
    if (ev.sock == 0 && ev.rmem != trace::kUnset && (want.empty() || want.back().second != ev.rmem))
      want.push_back({static_cast<uint64_t>(ev.t), ev.rmem});
  CHECK(got == want);

  // Smaller than the JSON export of the same trace.
  auto c = test::run_rxpath("export " + r.dir + "/t.jsonl --format chrome -o " + r.dir + "/t.json");
  REQUIRE(c.exit_code == 0);
  CHECK(test::read_file(r.dir + "/t.pftrace").size() * 3 < test::read_file(r.dir + "/t.json").size());
}

TEST_CASE("export --format perfetto: a time before the run's start is refused at its line",
          "[cli][export][perfetto]") {
  auto r = test::run_rxpath("run " + test::scenario("walkthrough") + " -o t.jsonl -q");
  REQUIRE(r.exit_code == 0);
  std::string text = test::read_file(r.dir + "/t.jsonl");
  const size_t second = text.find('\n') + 1;
  text.insert(second, R"({"t":-1500,"k":"span","cpu":0,"ctx":"hardirq","fn":"rtl8139_interrupt","end":0})"
                      "\n");
  { std::ofstream(r.dir + "/neg.jsonl", std::ios::binary) << text; }
  auto e = test::run_rxpath("export " + r.dir + "/neg.jsonl --format perfetto -o " + r.dir + "/neg.pftrace");
  CHECK(e.exit_code == 2);
  // The trace reader refuses it at its line (times are never negative).
  CHECK_THAT(e.err, Catch::Contains("neg.jsonl:2") && Catch::Contains("key \"t\""));
  CHECK_FALSE(test::file_exists(r.dir + "/neg.pftrace"));
}

TEST_CASE("export --format perfetto: the same trace gives the same bytes", "[cli][export][perfetto]") {
  auto r =
      test::run_rxpath("run " + test::scenario("rps-backlog") + " --set traffic.0.count=500 -o t.jsonl -q");
  REQUIRE(r.exit_code == 0);
  REQUIRE(test::run_rxpath("export " + r.dir + "/t.jsonl --format perfetto -o " + r.dir + "/a.pftrace")
              .exit_code == 0);
  REQUIRE(test::run_rxpath("export " + r.dir + "/t.jsonl --format perfetto -o " + r.dir + "/b.pftrace")
              .exit_code == 0);
  const auto a = test::read_file(r.dir + "/a.pftrace");
  CHECK(!a.empty());
  CHECK(a == test::read_file(r.dir + "/b.pftrace"));
}

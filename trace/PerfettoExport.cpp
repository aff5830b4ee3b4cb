#include "PerfettoExport.hpp"

#include "ExportOutput.hpp"
#include "ExportWalk.hpp"
#include "ProtoWriter.hpp"

#include <algorithm>
#include <climits>
#include <unordered_map>

namespace rxpath::trace {
namespace {

// Field numbers of the .proto files in perfetto/protos/perfetto/trace/ (v40+), the only ones used.
namespace trace_proto {
constexpr uint32_t kPacket = 1; // Trace.packet
}
namespace packet {
constexpr uint32_t kTimestamp = 8, kSequenceId = 10, kTrackEvent = 11, kInternedData = 12,
                   kSequenceFlags = 13, kTrackDescriptor = 60;
constexpr uint64_t kIncrementalStateCleared = 1, kNeedsIncrementalState = 2; // SequenceFlags
} // namespace packet
namespace track_descriptor {
constexpr uint32_t kUuid = 1, kName = 2, kParentUuid = 5, kCounter = 8, kChildOrdering = 11,
                   kSiblingOrderRank = 12;
constexpr uint64_t kOrderingExplicit = 3; // ChildTracksOrdering.EXPLICIT: by sibling_order_rank
} // namespace track_descriptor
namespace counter_descriptor {
constexpr uint32_t kUnit = 3;
constexpr uint64_t kUnitCount = 2, kUnitSizeBytes = 3;
} // namespace counter_descriptor
namespace track_event {
constexpr uint32_t kCategoryIids = 3, kDebugAnnotations = 4, kType = 9, kNameIid = 10, kTrackUuid = 11,
                   kCounterValue = 30, kFlowIds = 47, kTerminatingFlowIds = 48;
constexpr uint64_t kSliceBegin = 1, kSliceEnd = 2, kInstant = 3, kCounter = 4; // TrackEvent.Type
} // namespace track_event
namespace debug_annotation {
constexpr uint32_t kNameIid = 1, kIntValue = 4, kStringValueIid = 17;
}
namespace interned {
// InternedData fields; every entry is {iid = 1, name/str = 2}.
constexpr uint32_t kEventCategories = 1, kEventNames = 2, kDebugAnnotationNames = 3,
                   kDebugAnnotationStringValues = 29;
} // namespace interned

constexpr uint32_t kSequence = 1;
// Lane uuids apart from track and counter ids (which the walker numbers from 1).
constexpr uint64_t kLaneUuidBase = uint64_t{1} << 48;

// One interning table: a string gets an iid the first time it is used, and that packet carries it.
class Interner {
public:
  explicit Interner(uint32_t field) : field_(field) {}
  uint64_t get(std::string_view s, ProtoWriter& interned_data) {
    auto it = iids_.find(std::string(s));
    if (it != iids_.end()) return it->second;
    const uint64_t iid = iids_.size() + 1;
    iids_.emplace(std::string(s), iid);
    ProtoWriter entry;
    entry.varint(1, iid);
    entry.bytes(2, s);
    interned_data.message(field_, entry);
    return iid;
  }

private:
  uint32_t field_;
  std::unordered_map<std::string, uint64_t> iids_;
};

class PerfettoWriter : public ExportHandler {
public:
  explicit PerfettoWriter(ExportOutput& out) : out_(out) {}

  void begin(const nlohmann::json&) override {
    os_ = &out_.open();
    ProtoWriter p;
    p.varint(packet::kSequenceId, kSequence);
    p.varint(packet::kSequenceFlags, packet::kIncrementalStateCleared);
    write(p);
  }
  PerfettoStats stats() const { return stats_; }

  void lane(const Lane& l) override {
    descriptor(kLaneUuidBase + static_cast<uint64_t>(l.id), 0, l.name, nullptr, -1);
  }
  void track(const Track& t) override {
    descriptor(static_cast<uint64_t>(t.id), kLaneUuidBase + static_cast<uint64_t>(t.lane->id), t.name,
               nullptr, t.rank);
  }
  void counter(const Counter& c) override {
    ProtoWriter cd;
    cd.varint(counter_descriptor::kUnit,
              c.bytes ? counter_descriptor::kUnitSizeBytes : counter_descriptor::kUnitCount);
    descriptor(static_cast<uint64_t>(c.id), kLaneUuidBase + static_cast<uint64_t>(c.lane->id), c.name, &cd,
               c.rank);
  }

  void span(const Event& e, const Track& t, std::string_view name) override {
    ProtoWriter ev, in;
    ev.varint(track_event::kType, track_event::kSliceBegin);
    ev.varint(track_event::kTrackUuid, static_cast<uint64_t>(t.id));
    ev.varint(track_event::kNameIid, names_.get(name, in));
    ev.varint(track_event::kCategoryIids, categories_.get(to_string(e.ctx), in));
    if (e.work >= 0) annotate(ev, in, "work", e.work);
    event_packet(e.t, ev, in);
    ProtoWriter end, none;
    end.varint(track_event::kType, track_event::kSliceEnd);
    end.varint(track_event::kTrackUuid, static_cast<uint64_t>(t.id));
    event_packet(e.end, end, none, false);
  }

  void event(const PacketEvent& p, std::string_view name) override {
    const Event& e = p.e;
    ProtoWriter ev, in;
    ev.varint(track_event::kType, track_event::kInstant);
    ev.varint(track_event::kTrackUuid, static_cast<uint64_t>(p.track->id));
    if (e.kind == Kind::Drop)
      ev.varint(track_event::kNameIid,
                names_.get(std::string(name) + " DROP " + std::string(to_string(e.reason)), in));
    else
      ev.varint(track_event::kNameIid, names_.get(name, in));
    ev.varint(track_event::kCategoryIids, categories_.get(to_string(e.kind), in));
    if (e.pkt != kUnset) annotate(ev, in, "pkt", e.pkt);
    if (e.frag != kUnset) annotate(ev, in, "frag", e.frag);
    if (e.kind == Kind::Drop) {
      ProtoWriter a;
      a.varint(debug_annotation::kNameIid, annotation_names_.get("reason", in));
      a.varint(debug_annotation::kStringValueIid, annotation_values_.get(to_string(e.reason), in));
      ev.message(track_event::kDebugAnnotations, a);
    }
    if (e.bytes != kUnset) annotate(ev, in, "bytes", e.bytes);
    if (e.latency != kUnset) annotate(ev, in, "latency_ns", e.latency);
    // The arrow leaves the last event on a CPU and ends at the first on the next one; a packet that
    // passes through a CPU in one event carries it on.
    if (p.flow_out) ev.fixed64(track_event::kFlowIds, p.flow_out);
    if (p.flow_in && !p.flow_out) ev.fixed64(track_event::kTerminatingFlowIds, p.flow_in);
    if (p.flow_out) ++stats_.flows;
    event_packet(e.t, ev, in);
  }

  void value(const Counter& c, int64_t t, int64_t v) override {
    ProtoWriter ev, none;
    ev.varint(track_event::kType, track_event::kCounter);
    ev.varint(track_event::kTrackUuid, static_cast<uint64_t>(c.id));
    ev.int64(track_event::kCounterValue, v);
    event_packet(t, ev, none, false);
  }

  bool negative_times() const override { return false; } // TracePacket.timestamp is a uint64

private:
  // rank < 0: a lane, whose children the UI orders by their rank (contexts, threads, counters).
  void descriptor(uint64_t uuid, uint64_t parent, const std::string& name, const ProtoWriter* counter,
                  int64_t rank) {
    ProtoWriter td, p;
    td.varint(track_descriptor::kUuid, uuid);
    td.bytes(track_descriptor::kName, name);
    if (parent) td.varint(track_descriptor::kParentUuid, parent);
    if (rank < 0)
      td.varint(track_descriptor::kChildOrdering, track_descriptor::kOrderingExplicit);
    else
      td.varint(track_descriptor::kSiblingOrderRank,
                static_cast<uint64_t>(std::min<int64_t>(rank, INT32_MAX)));
    if (counter) td.message(track_descriptor::kCounter, *counter);
    p.varint(packet::kSequenceId, kSequence);
    p.message(packet::kTrackDescriptor, td);
    write(p);
  }

  void annotate(ProtoWriter& ev, ProtoWriter& in, std::string_view name, int64_t v) {
    ProtoWriter a;
    a.varint(debug_annotation::kNameIid, annotation_names_.get(name, in));
    a.int64(debug_annotation::kIntValue, v);
    ev.message(track_event::kDebugAnnotations, a);
  }

  void event_packet(int64_t t, const ProtoWriter& ev, const ProtoWriter& interned_data,
                    bool uses_interned = true) {
    ProtoWriter p;
    p.varint(packet::kTimestamp, static_cast<uint64_t>(t));
    p.varint(packet::kSequenceId, kSequence);
    // Only events that name something interned depend on the sequence's state.
    if (uses_interned) p.varint(packet::kSequenceFlags, packet::kNeedsIncrementalState);
    if (!interned_data.data().empty()) p.message(packet::kInternedData, interned_data);
    p.message(packet::kTrackEvent, ev);
    write(p);
  }

  void write(const ProtoWriter& p) {
    ProtoWriter outer;
    outer.message(trace_proto::kPacket, p);
    os_->write(outer.data().data(), static_cast<std::streamsize>(outer.data().size()));
    ++stats_.packets;
  }

  ExportOutput& out_;
  std::ostream* os_ = nullptr;
  Interner names_{interned::kEventNames}, categories_{interned::kEventCategories},
      annotation_names_{interned::kDebugAnnotationNames},
      annotation_values_{interned::kDebugAnnotationStringValues};
  PerfettoStats stats_;
};

} // namespace

PerfettoStats export_perfetto(const std::string& in, const std::string& out) {
  ExportOutput file(out, in);
  TraceReader r(in);
  require_end_object(in);
  PerfettoWriter w(file);
  walk_trace(r, w);
  file.commit();
  return w.stats();
}

} // namespace rxpath::trace

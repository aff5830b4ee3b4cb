#include "Selection.hpp"

#include <algorithm>

namespace rxpath::view {

void Selection::set_store(std::shared_ptr<const TraceStore> store) {
  store_ = std::move(store);
  packet_ = stage_ = -1;
  event_ = -1;
  markers_[0] = markers_[1] = std::nullopt;
  emit store_changed();
  emit packet_changed();
  emit stage_changed();
  emit event_changed();
  emit markers_changed();
}

const PacketRecord* Selection::packet_record() const {
  if (!store_ || packet_ < 0 || static_cast<size_t>(packet_) >= store_->packets.size()) return nullptr;
  return &store_->packets[packet_];
}

int64_t Selection::stage_event() const {
  const PacketRecord* p = packet_record();
  if (!p || stage_ < 0 || static_cast<uint32_t>(stage_) >= p->stage_count) return -1;
  return store_->stages_begin(*p)[stage_];
}

void Selection::select_packet(int packet, int stage) {
  if (!store_ || packet < -1 || packet >= static_cast<int>(store_->packets.size())) return;
  if (packet != packet_) {
    packet_ = packet;
    stage_ = -1;
    emit packet_changed();
  }
  set_stage(packet < 0 ? -1 : stage);
}

void Selection::set_stage(int stage) {
  const PacketRecord* p = packet_record();
  if (!p)
    stage = -1;
  else
    stage = std::clamp(stage, 0, static_cast<int>(p->stage_count) - 1);
  if (stage == stage_) return;
  stage_ = stage;
  emit stage_changed();
  if (int64_t e = stage_event(); e >= 0 && e != event_) {
    event_ = e;
    emit event_changed();
  }
}

void Selection::select_event(int64_t event) {
  if (!store_ || event < 0 || static_cast<size_t>(event) >= store_->events.size()) return;
  const StoredEvent& e = store_->events[event];
  if (e.pkt >= 0)
    if (auto p = store_->packet_index(e.pkt)) {
      const PacketRecord& rec = store_->packets[*p];
      const uint32_t* b = store_->stages_begin(rec);
      const uint32_t* it = std::find(b, b + rec.stage_count, static_cast<uint32_t>(event));
      select_packet(static_cast<int>(*p), static_cast<int>(it - b));
    }
  if (event != event_) {
    event_ = event;
    emit event_changed();
  }
}

void Selection::set_marker(int which, std::optional<double> t) {
  markers_[which] = t;
  emit markers_changed();
}

} // namespace rxpath::view

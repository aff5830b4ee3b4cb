// What the user is looking at, shared by every view: the trace, the followed packet and its
// current stage, the selected event and the two measuring markers. Views change it through the
// setters and repaint on its signals, so the timeline, waterfall, list and details stay in sync.
#pragma once

#include "data/TraceStore.hpp"

#include <QObject>

#include <memory>
#include <optional>

namespace rxpath::view {

class Selection : public QObject {
  Q_OBJECT
public:
  using QObject::QObject;

  const TraceStore* store() const { return store_.get(); }
  std::shared_ptr<const TraceStore> shared_store() const { return store_; }
  void set_store(std::shared_ptr<const TraceStore> store);

  // Index into store()->packets, or -1.
  int packet() const { return packet_; }
  const PacketRecord* packet_record() const;
  // Position of the current stage in the packet's stages, or -1.
  int stage() const { return stage_; }
  // Event index of the current stage, or -1.
  int64_t stage_event() const;
  int64_t event() const { return event_; }
  std::optional<double> marker(int which) const { return markers_[which]; }

  void select_packet(int packet, int stage = 0);
  void set_stage(int stage);
  void next_stage() { set_stage(stage_ + 1); }
  void previous_stage() { set_stage(stage_ - 1); }
  // Selects an event; if it belongs to a packet, that packet and stage become current.
  void select_event(int64_t event);
  void set_marker(int which, std::optional<double> t);

signals:
  void store_changed();
  void packet_changed();
  void stage_changed();
  void event_changed();
  void markers_changed();

private:
  std::shared_ptr<const TraceStore> store_;
  int packet_ = -1;
  int stage_ = -1;
  int64_t event_ = -1;
  std::optional<double> markers_[2];
};

} // namespace rxpath::view

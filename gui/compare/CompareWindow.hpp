// Two traces of the same traffic side by side: two timelines on one shared time axis (zooming or
// panning one moves the other), one packet selection (selecting a packet in one selects the
// datagram with the same id in the other), and a table of every packet's fate and latency in
// both, with a filter for the packets whose fate differs.
#pragma once

#include "data/TraceStore.hpp"

#include <QWidget>

#include <memory>

class QCheckBox;
class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace rxpath::view {

class CompareModel;
class DetailsPanel;
class Selection;
class TimelineWidget;

class CompareWindow : public QWidget {
  Q_OBJECT
public:
  CompareWindow(std::shared_ptr<const TraceStore> a, std::shared_ptr<const TraceStore> b,
                QWidget* parent = nullptr);

  Selection* selection(int which) const { return sel_[which]; }
  TimelineWidget* timeline(int which) const { return timeline_[which]; }
  // One row per packet id in either trace (id, fate in A, fate in B, latency A, B, B − A).
  QTableView* table() const { return table_; }
  // What differs between the two runs' scenarios, one "key: a → b" per line ("" if nothing).
  QString differences() const { return diff_; }
  // Non-empty when the traffic differs: packets with the same id are then not the same datagram.
  QString warning() const { return warning_; }
  // The selected event's details in A and in B.
  DetailsPanel* details(int which) const { return details_[which]; }
  // The followed packet's id (-1: none); selecting one selects it in both and fits it.
  int64_t packet_id() const;
  void select_packet(int64_t id);
  // N / P: the next (previous) packet in the table's order (with its filter).
  void step_packet(int direction);

private:
  void follow(int from); // the other side selects the packet `from` selected

  std::shared_ptr<const TraceStore> store_[2];
  Selection* sel_[2];
  TimelineWidget* timeline_[2];
  QLabel* fate_[2];
  DetailsPanel* details_[2];
  QTableView* table_;
  CompareModel* model_;
  QSortFilterProxyModel* filter_;
  QCheckBox* only_diff_;
  QString diff_, warning_;
  bool syncing_ = false, table_syncing_ = false;
};

// The scenario keys whose values differ between two trace headers, as the run used them
// ("sysctl.net.core.netdev_budget: 300 → 16", "sockets.server.so_rcvbuf_bytes: not set (sk_rcvbuf
// 212992 = net.core.rmem_default) → 400000 (sk_rcvbuf 800000)").
QStringList scenario_differences(const nlohmann::json& header_a, const nlohmann::json& header_b);

} // namespace rxpath::view

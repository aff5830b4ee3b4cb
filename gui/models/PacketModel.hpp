// One row per packet for the waterfall: id, arrival, latency, fate, stage count and the stages
// themselves (painted by WaterfallDelegate). Sortable by any column; latency sorts numerically.
#pragma once

#include "data/TraceStore.hpp"

#include <QAbstractTableModel>

#include <memory>

namespace rxpath::view {

class PacketModel : public QAbstractTableModel {
  Q_OBJECT
public:
  enum Column { Id, Arrival, Latency, Fate, Stages, Waterfall, ColumnCount_ };
  enum Role { PacketIndexRole = Qt::UserRole + 1, SortRole };

  explicit PacketModel(QObject* parent = nullptr) : QAbstractTableModel(parent) {}
  void set_store(std::shared_ptr<const TraceStore> store);
  const TraceStore* store() const { return store_.get(); }
  // Time span the waterfall column shows: the 99th percentile of the packets' durations.
  double waterfall_span() const { return span_; }
  // Row showing packet p (index into store()->packets), or -1.
  int row_of_packet(int p) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;
  void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

private:
  double sort_key(int packet, int column) const;

  std::shared_ptr<const TraceStore> store_;
  std::vector<int> order_;  // row -> packet index
  std::vector<int> row_of_; // packet index -> row
  double span_ = 1;
};

} // namespace rxpath::view

// The event list: events in time order that pass an EventFilter. The filter runs over the whole
// trace in one loop (no QSortFilterProxyModel: ten million filterAcceptsRow calls are too slow).
#pragma once

#include "EventFilter.hpp"
#include "data/TraceStore.hpp"

#include <QAbstractTableModel>

#include <memory>

namespace rxpath::view {

class EventModel : public QAbstractTableModel {
  Q_OBJECT
public:
  enum Column { Time, Cpu, Context, Kind, Function, Packet, Reason, State, ColumnCount_ };
  enum Role { EventIndexRole = Qt::UserRole + 1 };

  explicit EventModel(QObject* parent = nullptr) : QAbstractTableModel(parent) {}
  void set_store(std::shared_ptr<const TraceStore> store);
  void set_filter(const EventFilter& f);
  const EventFilter& filter() const { return filter_; }
  // The row of event i, or -1 when it is filtered out.
  int row_of_event(int64_t i) const;
  int64_t event_of_row(int row) const { return all_ ? row : rows_[row]; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
  void refilter();

  std::shared_ptr<const TraceStore> store_;
  EventFilter filter_;
  std::vector<uint32_t> rows_; // event indices, ascending (empty when all_)
  bool all_ = false;           // no filter: every event, row = event index
};

} // namespace rxpath::view

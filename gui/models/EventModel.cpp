#include "EventModel.hpp"

#include "data/EventText.hpp"
#include "data/TimeFormat.hpp"
#include "timeline/Palette.hpp"

#include <QBrush>

#include <algorithm>

namespace rxpath::view {

void EventModel::set_store(std::shared_ptr<const TraceStore> store) {
  store_ = std::move(store);
  filter_ = {};
  refilter();
}

void EventModel::set_filter(const EventFilter& f) {
  filter_ = f;
  refilter();
}

void EventModel::refilter() {
  beginResetModel();
  rows_.clear();
  rows_.shrink_to_fit();
  // No criterion: row i is event i, with no list of indices (4 bytes per event, and a pass over
  // every event when a trace opens).
  all_ = store_ && !filter_.packet && !filter_.fn && !filter_.cpu && !filter_.ctx && !filter_.reason &&
         !filter_.drops_only && !filter_.t_from && !filter_.t_to;
  if (store_ && !all_) {
    // Without a packet/time criterion most of the trace passes: reserve for that.
    if (!filter_.packet) rows_.reserve(store_->events.size());
    for (uint32_t i = 0; i < store_->events.size(); ++i)
      if (filter_.matches(*store_, store_->events[i])) rows_.push_back(i);
    rows_.shrink_to_fit();
  }
  endResetModel();
}

int EventModel::row_of_event(int64_t i) const {
  if (all_) return i >= 0 && static_cast<size_t>(i) < store_->events.size() ? static_cast<int>(i) : -1;
  auto it = std::lower_bound(rows_.begin(), rows_.end(), static_cast<uint32_t>(std::max<int64_t>(i, 0)));
  return it != rows_.end() && *it == i ? static_cast<int>(it - rows_.begin()) : -1;
}

int EventModel::rowCount(const QModelIndex& parent) const {
  if (parent.isValid()) return 0;
  return all_ ? static_cast<int>(store_->events.size()) : static_cast<int>(rows_.size());
}

int EventModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount_;
}

QVariant EventModel::headerData(int section, Qt::Orientation o, int role) const {
  if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
  static const char* names[] = {"Time",     "CPU",    "Context",     "Kind",
                                "Function", "Packet", "Drop reason", "State"};
  return section >= 0 && section < ColumnCount_ ? tr(names[section]) : QVariant();
}

QVariant EventModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const auto i = static_cast<uint32_t>(event_of_row(index.row()));
  const StoredEvent& e = store_->events[i];
  if (role == EventIndexRole) return QVariant::fromValue<qlonglong>(i);
  if (role == Qt::ToolTipRole) return event_tooltip(*store_, i);
  if (role == Qt::ForegroundRole) {
    if (e.kind == trace::Kind::Drop) return QBrush(drop_color());
    if (e.kind == trace::Kind::Deliver) return QBrush(deliver_color().darker(120));
    return {};
  }
  if (role != Qt::DisplayRole) return {};
  switch (index.column()) {
  case Time:
    if (e.is_span())
      return QStringLiteral("%1 +%2").arg(format_precise(e.t), format_ns(double(store_->span_end(e) - e.t)));
    return format_precise(e.t);
  case Cpu:
    return e.cpu < 0 ? QStringLiteral("NIC") : QString::number(e.cpu);
  case Context:
    return qstr(trace::to_string(e.ctx));
  case Kind:
    return qstr(trace::to_string(e.kind));
  case Function:
    return function_name(*store_, e);
  case Packet:
    return e.pkt >= 0 ? QVariant(e.pkt) : QVariant();
  case Reason:
    return e.kind == trace::Kind::Drop ? qstr(trace::to_string(e.reason)) : QString();
  case State:
    return state_fields(*store_, e);
  }
  return {};
}

} // namespace rxpath::view

#include "PacketModel.hpp"

#include "data/EventText.hpp"
#include "data/TimeFormat.hpp"
#include "timeline/Palette.hpp"

#include <QBrush>

#include <algorithm>
#include <numeric>

namespace rxpath::view {

void PacketModel::set_store(std::shared_ptr<const TraceStore> store) {
  beginResetModel();
  store_ = std::move(store);
  const size_t n = store_ ? store_->packets.size() : 0;
  order_.resize(n);
  std::iota(order_.begin(), order_.end(), 0);
  row_of_ = order_;
  span_ = 1;
  if (n) {
    std::vector<int64_t> d;
    d.reserve(n);
    for (const auto& p : store_->packets) {
      const StoredEvent& last = store_->events[store_->stages_begin(p)[p.stage_count - 1]];
      d.push_back(store_->end_or_t(last) - p.arrival);
    }
    auto k = d.begin() + static_cast<std::ptrdiff_t>((n - 1) * 99 / 100);
    std::nth_element(d.begin(), k, d.end());
    span_ = std::max<double>(1.0, static_cast<double>(*k));
  }
  endResetModel();
}

int PacketModel::row_of_packet(int p) const {
  return p >= 0 && static_cast<size_t>(p) < row_of_.size() ? row_of_[p] : -1;
}

int PacketModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(order_.size());
}

int PacketModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount_;
}

QVariant PacketModel::headerData(int section, Qt::Orientation o, int role) const {
  if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
  case Id:
    return tr("Packet");
  case Arrival:
    return tr("Arrival");
  case Latency:
    return tr("Latency");
  case Fate:
    return tr("Fate");
  case Stages:
    return tr("Stages");
  case Waterfall:
    return tr("Stages over time (waiting pale, running solid)");
  }
  return {};
}

QVariant PacketModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const int pi = order_[index.row()];
  const PacketRecord& p = store_->packets[pi];
  switch (role) {
  case PacketIndexRole:
    return pi;
  case SortRole:
    return sort_key(pi, index.column());
  case Qt::DisplayRole:
    switch (index.column()) {
    case Id:
      return QVariant::fromValue<qlonglong>(p.id);
    case Arrival:
      return format_ns(static_cast<double>(p.arrival));
    case Latency:
      return format_ns(static_cast<double>(p.latency));
    case Fate:
      if (p.fate == Fate::Dropped) return qstr(trace::to_string(p.reason));
      return p.fate == Fate::Delivered ? tr("delivered") : tr("in flight");
    case Stages:
      return p.stage_count;
    default:
      return {};
    }
  case Qt::ForegroundRole:
    if (index.column() == Fate && p.fate == Fate::Dropped) return QBrush(drop_color());
    if (index.column() == Fate && p.fate == Fate::Delivered) return QBrush(deliver_color().darker(120));
    return {};
  case Qt::TextAlignmentRole:
    if (index.column() != Fate && index.column() != Waterfall) return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
  case Qt::ToolTipRole:
    return tr("packet %1: %2 stages, %3, %4")
        .arg(p.id)
        .arg(p.stage_count)
        .arg(data(index.siblingAtColumn(Fate)).toString(), format_ns(static_cast<double>(p.latency)));
  }
  return {};
}

double PacketModel::sort_key(int packet, int column) const {
  const PacketRecord& p = store_->packets[packet];
  switch (column) {
  case Arrival:
    return static_cast<double>(p.arrival);
  case Latency:
  case Waterfall:
    return static_cast<double>(p.latency);
  case Fate:
    return p.fate == Fate::Dropped ? 100 + static_cast<double>(p.reason) : static_cast<double>(p.fate);
  case Stages:
    return p.stage_count;
  default:
    return static_cast<double>(p.id);
  }
}

void PacketModel::sort(int column, Qt::SortOrder order) {
  if (!store_ || column < 0 || column >= ColumnCount_) return;
  emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
  const QModelIndexList before = persistentIndexList();
  std::vector<int> packets;
  for (const auto& i : before) packets.push_back(order_[i.row()]);
  std::stable_sort(order_.begin(), order_.end(), [&](int a, int b) {
    const double ka = sort_key(a, column), kb = sort_key(b, column);
    return order == Qt::AscendingOrder ? ka < kb : kb < ka;
  });
  for (size_t r = 0; r < order_.size(); ++r) row_of_[order_[r]] = static_cast<int>(r);
  QModelIndexList after;
  for (qsizetype k = 0; k < before.size(); ++k) after << index(row_of_[packets[k]], before[k].column());
  changePersistentIndexList(before, after);
  emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

} // namespace rxpath::view

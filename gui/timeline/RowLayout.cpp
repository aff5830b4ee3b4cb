#include "RowLayout.hpp"

#include <algorithm>

namespace rxpath::view {

void RowLayout::build(const TraceStore& store, int span_height, const std::vector<LaneState>& lanes) {
  span_height_ = std::clamp(span_height, kMinSpanHeight, kMaxSpanHeight);
  bands_.clear();
  band_of_row_.assign(store.rows.size(), -1);
  auto state = [&](size_t r) { return r < lanes.size() ? lanes[r] : LaneState::Shown; };
  // A task's row has its state strip above the spans; a task with no spans of its own (a sender,
  // a background task) only the strip and its switches' ticks.
  auto state_height = [&](const Row& row) { return row.task >= 0 ? span_height_ : 0; };
  auto depths = [&](const Row& row) { return row.kind == RowKind::Task ? 0 : kSpanDepths; };
  auto height_of = [&](const Row& row) {
    if (row.kind == RowKind::Nic || row.kind == RowKind::Socket) return kCounterRowHeight;
    if (row.kind == RowKind::NicQueue) return kQueueRowHeight;
    return 2 + state_height(row) + depths(row) * span_height_ + kTickBand + 2;
  };
  auto band = [&](const Row& row, int r, int top, const QString& label, bool pinned) {
    Band b{r, top, height_of(row), label, pinned};
    b.state_height = state_height(row);
    b.depths = depths(row);
    return b;
  };
  int y = kAxisHeight;
  // Pinned rows first, named in full: their group heading is not above them.
  for (size_t r = 0; r < store.rows.size(); ++r) {
    if (state(r) != LaneState::Pinned) continue;
    const Row& row = store.rows[r];
    QString label = QString::fromStdString(row.name);
    if (row.kind == RowKind::Nic)
      label = QStringLiteral("NIC ring");
    else if (row.kind == RowKind::NicQueue)
      label = QStringLiteral("NIC queue %1").arg(row.index);
    else if (row.kind != RowKind::Socket)
      label = QStringLiteral("CPU %1 %2").arg(row.cpu).arg(label);
    band_of_row_[r] = static_cast<int>(bands_.size());
    bands_.push_back(band(row, static_cast<int>(r), y, label, true));
    y += height_of(row);
  }
  if (y > kAxisHeight) y += kPinnedGap;
  pinned_bottom_ = y;
  int cpu = -2;
  bool sockets = false, queues = false;
  for (size_t r = 0; r < store.rows.size(); ++r) {
    if (state(r) != LaneState::Shown) continue;
    const Row& row = store.rows[r];
    const bool counter =
        row.kind == RowKind::Nic || row.kind == RowKind::Socket || row.kind == RowKind::NicQueue;
    if (row.kind == RowKind::NicQueue && !queues) {
      bands_.push_back({-1, y, kHeadingHeight, QStringLiteral("NIC RX queues")});
      y += kHeadingHeight;
      queues = true;
    } else if (row.kind == RowKind::Socket && !sockets) {
      bands_.push_back({-1, y, kHeadingHeight, QStringLiteral("Sockets")});
      y += kHeadingHeight;
      sockets = true;
    } else if (!counter && row.cpu != cpu) {
      cpu = row.cpu;
      bands_.push_back({-1, y, kHeadingHeight, QStringLiteral("CPU %1").arg(cpu)});
      y += kHeadingHeight;
    }
    QString label = QString::fromStdString(row.name);
    if (row.kind == RowKind::Nic) label = QStringLiteral("NIC ring");
    // An RX queue, with the CPU its interrupt vector fired on.
    if (row.kind == RowKind::NicQueue)
      label = row.irq_cpu >= 0 ? QStringLiteral("queue %1 → CPU %2").arg(row.index).arg(row.irq_cpu)
                               : QStringLiteral("queue %1").arg(row.index);
    // The ksoftirqd row is the thread's: named as the trace names it (ksoftirqd/1).
    if (row.kind == RowKind::Ksoftirqd && row.task >= 0 && static_cast<size_t>(row.task) < store.tasks.size())
      label = QString::fromStdString(store.tasks[static_cast<size_t>(row.task)].name);
    band_of_row_[r] = static_cast<int>(bands_.size());
    bands_.push_back(band(row, static_cast<int>(r), y, label, false));
    y += height_of(row);
  }
  height_ = y + 4;
}

const RowLayout::Band* RowLayout::find_band_of_row(int r) const {
  if (r < 0 || static_cast<size_t>(r) >= band_of_row_.size() || band_of_row_[r] < 0) return nullptr;
  return &bands_[band_of_row_[r]];
}

const RowLayout::Band* RowLayout::band_at(int y) const {
  for (const auto& b : bands_)
    if (y >= b.top && y < b.top + b.height) return &b;
  return nullptr;
}

int RowLayout::tick_y(int r) const {
  const Band* b = find_band_of_row(r);
  return b ? b->top + b->height - kTickBand / 2 - 2 : -1;
}

} // namespace rxpath::view

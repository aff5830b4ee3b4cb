#include "RowLayout.hpp"

#include <algorithm>

namespace rxpath::view {

void RowLayout::build(const TraceStore& store, int span_height) {
  span_height_ = std::clamp(span_height, kMinSpanHeight, kMaxSpanHeight);
  bands_.clear();
  band_of_row_.assign(store.rows.size(), 0);
  int y = kAxisHeight;
  int cpu = -2;
  bool sockets = false;
  for (size_t r = 0; r < store.rows.size(); ++r) {
    const Row& row = store.rows[r];
    const bool counter = row.kind == RowKind::Nic || row.kind == RowKind::Socket;
    if (row.kind == RowKind::Socket && !sockets) {
      bands_.push_back({-1, y, kHeadingHeight, QStringLiteral("Sockets")});
      y += kHeadingHeight;
      sockets = true;
    } else if (!counter && row.cpu != cpu) {
      cpu = row.cpu;
      bands_.push_back({-1, y, kHeadingHeight, QStringLiteral("CPU %1").arg(cpu)});
      y += kHeadingHeight;
    }
    const int h = counter ? kCounterRowHeight : cpu_row_height();
    QString label = QString::fromStdString(row.name);
    if (row.kind == RowKind::Nic) label = QStringLiteral("NIC ring");
    band_of_row_[r] = static_cast<int>(bands_.size());
    bands_.push_back({static_cast<int>(r), y, h, label});
    y += h;
  }
  height_ = y + 4;
}

const RowLayout::Band* RowLayout::band_at(int y) const {
  for (const auto& b : bands_)
    if (y >= b.top && y < b.top + b.height) return &b;
  return nullptr;
}

int RowLayout::tick_y(int r) const {
  const Band& b = band_of_row(r);
  return b.top + b.height - kTickBand / 2 - 2;
}

} // namespace rxpath::view

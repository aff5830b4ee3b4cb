// Paints a packet's stages as a horizontal bar in the waterfall column: each step from one stage
// to the next is a segment, solid in the colour of the context that ran it, or pale where the
// packet waited in a queue (the next stage ran in another context or on another CPU: the RX ring,
// a backlog, the socket queue). A drop ends in a red cross and its reason.
#pragma once

#include <QStyledItemDelegate>

namespace rxpath::view {

class PacketModel;

class WaterfallDelegate : public QStyledItemDelegate {
  Q_OBJECT
public:
  WaterfallDelegate(const PacketModel* model, QObject* parent = nullptr)
      : QStyledItemDelegate(parent), model_(model) {}
  void paint(QPainter* p, const QStyleOptionViewItem& opt, const QModelIndex& index) const override;

private:
  const PacketModel* model_;
};

} // namespace rxpath::view

#include "WaterfallDelegate.hpp"

#include "data/EventText.hpp"
#include "models/PacketModel.hpp"
#include "timeline/Palette.hpp"

#include <QApplication>
#include <QPainter>

#include <algorithm>

namespace rxpath::view {

void WaterfallDelegate::paint(QPainter* p, const QStyleOptionViewItem& opt, const QModelIndex& index) const {
  if (index.column() != PacketModel::Waterfall || !model_->store()) {
    QStyledItemDelegate::paint(p, opt, index);
    return;
  }
  QStyleOptionViewItem o(opt);
  initStyleOption(&o, index);
  o.text.clear();
  const QWidget* w = opt.widget;
  (w ? w->style() : QApplication::style())->drawControl(QStyle::CE_ItemViewItem, &o, p, w);
  const TraceStore& s = *model_->store();
  const PacketRecord& pk = s.packets[index.data(PacketModel::PacketIndexRole).toInt()];
  const QRectF r = QRectF(opt.rect).adjusted(4, 3, -90, -3); // room for the drop reason
  const double scale = r.width() / model_->waterfall_span();
  auto x_of = [&](int64_t t) { return r.left() + std::min(r.width(), double(t - pk.arrival) * scale); };
  const uint32_t* st = s.stages_begin(pk);
  p->save();
  // A light track under the bar keeps the context colours readable on a selected row.
  p->fillRect(QRectF(r.left() - 2, r.top() - 1, r.width() + 4, r.height() + 2), QColor(255, 255, 255, 215));
  for (uint32_t k = 0; k + 1 < pk.stage_count; ++k) {
    const StoredEvent &a = s.events[st[k]], &b = s.events[st[k + 1]];
    const bool waiting = a.ctx != b.ctx || a.cpu != b.cpu;
    const double xa = x_of(a.t), xb = std::max(xa + 1, x_of(b.t));
    QColor c = context_color(waiting ? b.ctx : a.ctx);
    if (waiting)
      p->fillRect(QRectF(xa, r.center().y() - 2, xb - xa, 4), c.lighter(160));
    else
      p->fillRect(QRectF(xa, r.top(), xb - xa, r.height()), c);
  }
  const StoredEvent& last = s.events[st[pk.stage_count - 1]];
  const double xe = x_of(last.t);
  if (pk.fate == Fate::Dropped) {
    p->setRenderHint(QPainter::Antialiasing);
    p->setPen(QPen(drop_color(), 2));
    const QPointF c(xe, r.center().y());
    p->drawLine(c + QPointF(-4, -4), c + QPointF(4, 4));
    p->drawLine(c + QPointF(-4, 4), c + QPointF(4, -4));
    p->drawText(QRectF(xe + 8, opt.rect.top(), 200, opt.rect.height()), Qt::AlignVCenter,
                qstr(trace::to_string(pk.reason)));
  } else if (pk.fate == Fate::Delivered) {
    p->fillRect(QRectF(xe, r.top(), 2, r.height()), deliver_color().darker(130));
  }
  if (double(last.t - pk.arrival) > model_->waterfall_span()) { // longer than the column: say so
    p->setPen(Qt::black);
    p->drawText(QRectF(r.right() + 2, opt.rect.top(), 20, opt.rect.height()), Qt::AlignVCenter,
                QStringLiteral("»"));
  }
  p->restore();
}

} // namespace rxpath::view

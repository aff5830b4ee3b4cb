#include "EventListView.hpp"

#include "app/Selection.hpp"
#include "data/EventText.hpp"
#include "models/EventModel.hpp"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace rxpath::view {

EventListView::EventListView(Selection* selection, QWidget* parent)
    : QWidget(parent), sel_(selection), model_(new EventModel(this)) {
  auto* bar = new QHBoxLayout;
  auto edit = [&](const QString& placeholder, int width) {
    auto* e = new QLineEdit(this);
    e->setPlaceholderText(placeholder);
    e->setClearButtonEnabled(true);
    e->setMaximumWidth(width);
    connect(e, &QLineEdit::editingFinished, this, &EventListView::apply);
    return e;
  };
  auto combo = [&]() {
    auto* c = new QComboBox(this);
    // Sized to a few letters, not to the longest function name: the window fits 1024 px.
    c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    c->setMinimumContentsLength(9);
    connect(c, &QComboBox::activated, this, &EventListView::apply);
    return c;
  };
  packet_ = edit(tr("packet"), 90);
  fn_ = combo();
  cpu_ = combo();
  ctx_ = combo();
  reason_ = combo();
  from_ = edit(tr("from µs"), 90);
  to_ = edit(tr("to µs"), 90);
  auto* visible = new QPushButton(tr("Visible range"), this);
  auto* reset = new QPushButton(tr("Reset"), this);
  // Two rows, so the list fits beside the details panel on a 1024 px screen.
  auto* bar2 = new QHBoxLayout;
  bar->addWidget(new QLabel(tr("Filter:"), this));
  for (QWidget* w : std::initializer_list<QWidget*>{packet_, fn_, cpu_, ctx_, reason_}) bar->addWidget(w);
  bar->addStretch();
  for (QWidget* w : std::initializer_list<QWidget*>{from_, to_, visible, reset}) bar2->addWidget(w);
  bar2->addStretch();
  connect(visible, &QPushButton::clicked, this, [this] {
    from_->setText(QString::number(visible_.first / 1e3, 'f', 3));
    to_->setText(QString::number(visible_.second / 1e3, 'f', 3));
    apply();
  });
  connect(reset, &QPushButton::clicked, this, [this] {
    for (QLineEdit* e : {packet_, from_, to_}) e->clear();
    for (QComboBox* c : {fn_, cpu_, ctx_, reason_}) c->setCurrentIndex(0);
    apply();
  });

  table_ = new QTableView(this);
  table_->setModel(model_);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->verticalHeader()->hide();
  table_->verticalHeader()->setDefaultSectionSize(20);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setAlternatingRowColors(true);
  table_->setWordWrap(false);
  const int widths[] = {190, 50, 80, 70, 220, 70, 140};
  for (int c = 0; c < 7; ++c) table_->setColumnWidth(c, widths[c]);
  auto* lay = new QVBoxLayout(this);
  lay->setContentsMargins(2, 2, 2, 2);
  lay->addLayout(bar);
  lay->addLayout(bar2);
  lay->addWidget(table_);

  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& cur) {
            if (syncing_ || !cur.isValid()) return;
            syncing_ = true;
            sel_->select_event(model_->event_of_row(cur.row()));
            syncing_ = false;
          });
  connect(sel_, &Selection::store_changed, this, &EventListView::on_store_changed);
  connect(sel_, &Selection::event_changed, this, &EventListView::on_event_changed);
  on_store_changed();
}

void EventListView::on_store_changed() {
  const TraceStore* s = sel_->store();
  fn_->clear();
  cpu_->clear();
  ctx_->clear();
  reason_->clear();
  fn_->addItem(tr("any function"), -1);
  for (int f = 0; f < static_cast<int>(trace::Fn::Count_); ++f) // by the trace's kernel version's names
    fn_->addItem(s ? QString::fromStdString(s->function(static_cast<trace::Fn>(f)).name)
                   : qstr(trace::to_string(static_cast<trace::Fn>(f))),
                 f);
  cpu_->addItem(tr("any CPU"), -2);
  cpu_->addItem(tr("NIC"), -1);
  for (int c = 0; s && c < s->cpus; ++c) cpu_->addItem(tr("CPU %1").arg(c), c);
  ctx_->addItem(tr("any context"), -1);
  for (int c = 0; c < 5; ++c) ctx_->addItem(qstr(trace::to_string(static_cast<trace::Ctx>(c))), c);
  reason_->addItem(tr("drops or not"), -2);
  reason_->addItem(tr("any drop"), -1);
  for (int r = 1; r < static_cast<int>(trace::DropReason::Count_); ++r)
    reason_->addItem(qstr(trace::to_string(static_cast<trace::DropReason>(r))), r);
  for (QLineEdit* e : {packet_, from_, to_}) e->clear();
  model_->set_store(sel_->shared_store());
}

void EventListView::filter_packet(int64_t pkt) {
  packet_->setText(QString::number(pkt));
  apply();
}

void EventListView::filter_by(const EventFilter& f) {
  auto choose = [](QComboBox* c, int value) { c->setCurrentIndex(std::max(0, c->findData(value))); };
  for (QLineEdit* e : {packet_, from_, to_}) e->clear();
  if (f.packet) packet_->setText(QString::number(*f.packet));
  choose(fn_, f.fn ? static_cast<int>(*f.fn) : -1);
  choose(cpu_, f.cpu ? *f.cpu : -2);
  choose(ctx_, f.ctx ? static_cast<int>(*f.ctx) : -1);
  choose(reason_, f.reason ? static_cast<int>(*f.reason) : f.drops_only ? -1 : -2);
  apply();
}

void EventListView::apply() {
  EventFilter f;
  bool ok = false;
  if (qlonglong v = packet_->text().toLongLong(&ok); ok) f.packet = v;
  if (int v = fn_->currentData().toInt(); v >= 0) f.fn = static_cast<trace::Fn>(v);
  if (int v = cpu_->currentData().toInt(); v >= -1) f.cpu = v;
  if (int v = ctx_->currentData().toInt(); v >= 0) f.ctx = static_cast<trace::Ctx>(v);
  if (int v = reason_->currentData().toInt(); v == -1)
    f.drops_only = true;
  else if (v > 0)
    f.reason = static_cast<trace::DropReason>(v);
  if (double v = from_->text().toDouble(&ok); ok) f.t_from = v * 1e3;
  if (double v = to_->text().toDouble(&ok); ok) f.t_to = v * 1e3;
  model_->set_filter(f);
  on_event_changed();
}

void EventListView::on_event_changed() {
  if (syncing_) return;
  const int row = model_->row_of_event(sel_->event());
  if (row < 0) return;
  syncing_ = true;
  const QModelIndex idx = model_->index(row, 0);
  table_->selectionModel()->setCurrentIndex(idx,
                                            QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  table_->scrollTo(idx, QAbstractItemView::PositionAtCenter);
  syncing_ = false;
}

} // namespace rxpath::view

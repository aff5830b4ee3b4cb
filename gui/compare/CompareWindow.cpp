#include "CompareWindow.hpp"

#include "app/Selection.hpp"
#include "data/EventText.hpp"
#include "data/TimeFormat.hpp"
#include "timeline/TimelineWidget.hpp"

#include <QCheckBox>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace rxpath::view {
namespace {

void collect(const nlohmann::json& a, const nlohmann::json& b, const std::string& path, QStringList& out) {
  if (a.is_object() && b.is_object()) {
    std::vector<std::string> keys;
    for (const auto& [k, _] : a.items()) keys.push_back(k);
    for (const auto& [k, _] : b.items())
      if (!a.contains(k)) keys.push_back(k);
    for (const auto& k : keys)
      collect(a.value(k, nlohmann::json()), b.value(k, nlohmann::json()), path.empty() ? k : path + "." + k,
              out);
    return;
  }
  if (a.is_array() && b.is_array() && a.size() == b.size() && !a.empty() && a[0].is_object()) {
    for (size_t i = 0; i < a.size(); ++i) collect(a[i], b[i], path + "[" + std::to_string(i) + "]", out);
    return;
  }
  if (a != b)
    out << QStringLiteral("%1: %2 → %3")
               .arg(QString::fromStdString(path), QString::fromStdString(a.dump()),
                    QString::fromStdString(b.dump()));
}

QString fate_text(const PacketRecord* p) {
  if (!p) return QObject::tr("absent");
  switch (p->fate) {
  case Fate::Delivered:
    return QObject::tr("delivered %1").arg(format_ns(static_cast<double>(p->latency)));
  case Fate::Dropped:
    return QObject::tr("dropped %1").arg(qstr(trace::to_string(p->reason)));
  case Fate::InFlight:
    break;
  }
  return QObject::tr("in flight");
}

} // namespace

QStringList scenario_differences(const nlohmann::json& a, const nlohmann::json& b) {
  QStringList out;
  collect(a, b, "", out);
  return out;
}

CompareWindow::CompareWindow(std::shared_ptr<const TraceStore> a, std::shared_ptr<const TraceStore> b,
                             QWidget* parent)
    : QWidget(parent), store_{std::move(a), std::move(b)} {
  setWindowTitle(tr("%1 vs %2 — rxpath-view")
                     .arg(QFileInfo(QString::fromStdString(store_[0]->path)).fileName(),
                          QFileInfo(QString::fromStdString(store_[1]->path)).fileName()));
  const auto& ha = store_[0]->header;
  const auto& hb = store_[1]->header;
  const QStringList diffs = scenario_differences(ha.value("scenario", nlohmann::json::object()),
                                                 hb.value("scenario", nlohmann::json::object()));
  diff_ = diffs.join(QLatin1Char('\n'));
  for (const QString& d : diffs)
    if (d.startsWith(QLatin1String("traffic")) || d.startsWith(QLatin1String("seed")))
      warning_ = tr("The traffic differs (%1): packets with the same id are not the same datagram.").arg(d);

  auto* layout = new QVBoxLayout(this);
  if (!warning_.isEmpty()) {
    auto* w = new QLabel(QStringLiteral("<b>%1</b>").arg(warning_.toHtmlEscaped()));
    w->setObjectName(QStringLiteral("warning"));
    w->setWordWrap(true);
    w->setStyleSheet(QStringLiteral("background:#fff3cd;padding:4px;"));
    layout->addWidget(w);
  }
  auto* split = new QSplitter(Qt::Vertical);
  layout->addWidget(split, 1);
  for (int i = 0; i < 2; ++i) {
    sel_[i] = new Selection(this);
    sel_[i]->set_store(store_[i]);
    auto* box = new QWidget;
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 0, 0);
    const QString name = QFileInfo(QString::fromStdString(store_[i]->path)).fileName();
    QString title = QStringLiteral("<b>%1</b> %2").arg(i == 0 ? "A" : "B", name.toHtmlEscaped());
    if (i == 1 && !diffs.isEmpty())
      title += QStringLiteral(" &nbsp; <span style='color:#555'>%1</span>")
                   .arg(diffs.mid(0, 4).join(QStringLiteral("; ")).toHtmlEscaped() +
                        (diffs.size() > 4 ? tr("; … (%1 differences)").arg(diffs.size()) : QString()));
    auto* label = new QLabel(title);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    v->addWidget(label);
    fate_[i] = new QLabel;
    fate_[i]->setObjectName(QStringLiteral("fate%1").arg(i));
    v->addWidget(fate_[i]);
    timeline_[i] = new TimelineWidget(sel_[i]);
    auto* scroll = new QScrollArea;
    scroll->setWidget(timeline_[i]);
    scroll->setWidgetResizable(true);
    v->addWidget(scroll, 1);
    split->addWidget(box);
  }
  // One time axis: a range change on either side is applied to the other.
  for (int i = 0; i < 2; ++i) {
    connect(timeline_[i], &TimelineWidget::range_changed, this, [this, i](double t0, double t1) {
      if (syncing_) return;
      syncing_ = true;
      timeline_[1 - i]->set_range(t0, t1);
      syncing_ = false;
    });
    connect(sel_[i], &Selection::packet_changed, this, [this, i] { follow(i); });
  }

  auto* lower = new QWidget;
  auto* lv = new QVBoxLayout(lower);
  lv->setContentsMargins(0, 0, 0, 0);
  only_diff_ = new QCheckBox(tr("Only packets whose fate differs"));
  lv->addWidget(only_diff_);
  table_ = new QTableWidget(0, 6);
  table_->setHorizontalHeaderLabels(
      {tr("packet"), tr("fate in A"), tr("fate in B"), tr("latency A"), tr("latency B"), tr("B − A")});
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->verticalHeader()->hide();
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  lv->addWidget(table_, 1);
  split->addWidget(lower);
  split->setSizes({400, 400, 250});
  fill_table();
  connect(only_diff_, &QCheckBox::toggled, this, &CompareWindow::apply_filter);
  connect(table_, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
    const int64_t id = table_->item(row, 0)->data(Qt::DisplayRole).toLongLong();
    for (int i = 0; i < 2; ++i)
      if (auto p = store_[i]->packet_index(id)) {
        sel_[i]->select_packet(static_cast<int>(*p));
        timeline_[i]->fit_packet();
        break;
      }
  });
  for (int i = 0; i < 2; ++i) timeline_[i]->fit_all();
  // The same axis from the start: the union of both traces.
  const double t0 = static_cast<double>(std::min(store_[0]->t_min, store_[1]->t_min));
  const double t1 = static_cast<double>(std::max(store_[0]->t_max, store_[1]->t_max));
  timeline_[0]->set_range(t0, t1);
  timeline_[1]->set_range(t0, t1);
}

void CompareWindow::follow(int from) {
  const PacketRecord* p = sel_[from]->packet_record();
  const int other = 1 - from;
  const PacketRecord* q = nullptr;
  if (p)
    if (auto idx = store_[other]->packet_index(p->id)) q = &store_[other]->packets[*idx];
  fate_[from]->setText(p ? tr("packet %1: %2").arg(p->id).arg(fate_text(p)) : QString());
  fate_[other]->setText(p ? tr("packet %1: %2").arg(p->id).arg(fate_text(q)) : QString());
  if (syncing_ || !p) return;
  syncing_ = true;
  if (q) sel_[other]->select_packet(static_cast<int>(q - store_[other]->packets.data()));
  syncing_ = false;
}

void CompareWindow::fill_table() {
  std::vector<int64_t> ids;
  for (int i = 0; i < 2; ++i)
    for (const auto& p : store_[i]->packets) ids.push_back(p.id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  table_->setSortingEnabled(false);
  table_->setRowCount(static_cast<int>(ids.size()));
  for (size_t r = 0; r < ids.size(); ++r) {
    const PacketRecord* p[2] = {nullptr, nullptr};
    for (int i = 0; i < 2; ++i)
      if (auto idx = store_[i]->packet_index(ids[r])) p[i] = &store_[i]->packets[*idx];
    auto num = [](double v) {
      auto* it = new QTableWidgetItem;
      it->setData(Qt::DisplayRole, v);
      return it;
    };
    const int row = static_cast<int>(r);
    table_->setItem(row, 0, num(static_cast<double>(ids[r])));
    for (int i = 0; i < 2; ++i) {
      table_->setItem(row, 1 + i, new QTableWidgetItem(fate_text(p[i])));
      const bool delivered = p[i] && p[i]->fate == Fate::Delivered;
      table_->setItem(row, 3 + i,
                      delivered ? num(static_cast<double>(p[i]->latency) / 1e3) : new QTableWidgetItem);
    }
    const bool both = p[0] && p[1] && p[0]->fate == Fate::Delivered && p[1]->fate == Fate::Delivered;
    table_->setItem(
        row, 5, both ? num(static_cast<double>(p[1]->latency - p[0]->latency) / 1e3) : new QTableWidgetItem);
    const bool differs = !p[0] || !p[1] || p[0]->fate != p[1]->fate || p[0]->reason != p[1]->reason;
    table_->item(row, 0)->setData(Qt::UserRole, differs);
  }
  table_->setSortingEnabled(true);
  table_->sortByColumn(0, Qt::AscendingOrder);
  table_->horizontalHeaderItem(3)->setText(tr("latency A, µs"));
  table_->horizontalHeaderItem(4)->setText(tr("latency B, µs"));
  table_->horizontalHeaderItem(5)->setText(tr("B − A, µs"));
}

void CompareWindow::apply_filter() {
  for (int r = 0; r < table_->rowCount(); ++r)
    table_->setRowHidden(r, only_diff_->isChecked() && !table_->item(r, 0)->data(Qt::UserRole).toBool());
}

} // namespace rxpath::view

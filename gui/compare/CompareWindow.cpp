#include "CompareWindow.hpp"

#include "app/Selection.hpp"
#include "data/EventText.hpp"
#include "data/TimeFormat.hpp"
#include "timeline/TimelineWidget.hpp"
#include "views/DetailsPanel.hpp"

#include <QCheckBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QShortcut>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace rxpath::view {
namespace {

struct Difference {
  std::string path; // as --set spells it: "sockets.server.so_rcvbuf_bytes", "traffic.0.rate_pps"
  nlohmann::json a, b;
  int socket = -1; // the index in "sockets" the path is under, or -1
};

void collect(const nlohmann::json& a, const nlohmann::json& b, const std::string& path, int socket,
             std::vector<Difference>& out) {
  if (a.is_object() && b.is_object()) {
    std::vector<std::string> keys;
    for (const auto& [k, _] : a.items()) keys.push_back(k);
    for (const auto& [k, _] : b.items())
      if (!a.contains(k)) keys.push_back(k);
    for (const auto& k : keys)
      collect(a.value(k, nlohmann::json()), b.value(k, nlohmann::json()), path.empty() ? k : path + "." + k,
              socket, out);
    return;
  }
  if (a.is_array() && b.is_array() && a.size() == b.size() && !a.empty() && a[0].is_object()) {
    for (size_t i = 0; i < a.size(); ++i) {
      // An element by its name where both have the same one (the --set syntax takes either).
      const auto name = a[i].value("name", std::string());
      const std::string key =
          !name.empty() && b[i].value("name", std::string()) == name ? name : std::to_string(i);
      collect(a[i], b[i], path + "." + key, path == "sockets" ? static_cast<int>(i) : socket, out);
    }
    return;
  }
  if (a != b) out.push_back({path, a, b, socket});
}

// A value as the run used it. so_rcvbuf_bytes is what the scenario asks setsockopt for (-1: not
// set); the kernel's sk_rcvbuf is in the header's "sockets" (or, for -1, net.core.rmem_default).
QString resolved(const Difference& d, const nlohmann::json& value, const nlohmann::json& header) {
  const QString text = QString::fromStdString(value.dump());
  const bool rcvbuf = d.socket >= 0 && d.path.size() > 16 &&
                      d.path.compare(d.path.size() - 16, 16, ".so_rcvbuf_bytes") == 0 &&
                      value.is_number_integer();
  if (!rcvbuf) return text;
  int64_t sk = -1;
  if (auto ss = header.find("sockets");
      ss != header.end() && ss->is_array() && static_cast<size_t>(d.socket) < ss->size())
    if (auto r = (*ss)[d.socket].find("rcvbuf"); r != (*ss)[d.socket].end() && r->is_number_integer())
      sk = r->get<int64_t>();
  const bool unset = value.get<int64_t>() < 0;
  if (sk < 0 && unset)
    if (auto sc = header.find("scenario"); sc != header.end() && sc->is_object())
      if (auto sy = sc->find("sysctl"); sy != sc->end() && sy->is_object())
        if (auto r = sy->find("net.core.rmem_default"); r != sy->end() && r->is_number_integer())
          sk = r->get<int64_t>();
  if (unset)
    return sk >= 0 ? QObject::tr("not set (sk_rcvbuf %1 = net.core.rmem_default)").arg(sk)
                   : QObject::tr("not set");
  return sk >= 0 ? QObject::tr("%1 (sk_rcvbuf %2)").arg(text).arg(sk) : text;
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

// One row per packet id in either trace: its fate and latency in A and B. Rows are only (id, the
// two records): the text is made when a view asks for it, so a comparison of millions of packets
// stays small.
class CompareModel : public QAbstractTableModel {
public:
  CompareModel(const TraceStore& a, const TraceStore& b, QObject* parent)
      : QAbstractTableModel(parent), s_{&a, &b} {
    std::vector<int64_t> ids;
    for (const auto* st : s_)
      for (const auto& p : st->packets) ids.push_back(p.id);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    rows_.reserve(ids.size());
    for (int64_t id : ids) {
      Row r{id, {nullptr, nullptr}};
      for (int i = 0; i < 2; ++i)
        if (auto idx = s_[i]->packet_index(id)) r.p[i] = &s_[i]->packets[*idx];
      rows_.push_back(r);
    }
  }
  int rowCount(const QModelIndex& parent = {}) const override {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
  }
  int columnCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : 6; }
  QVariant headerData(int section, Qt::Orientation o, int role) const override {
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* names[] = {"packet",        "fate in A",     "fate in B",
                                  "latency A, µs", "latency B, µs", "B − A, µs"};
    return QObject::tr(names[section]);
  }
  QVariant data(const QModelIndex& idx, int role) const override {
    const Row& r = rows_[static_cast<size_t>(idx.row())];
    if (role == kDiffersRole) return r.differs();
    if (role != Qt::DisplayRole) return {};
    auto latency = [](const PacketRecord* p) -> QVariant {
      return p && p->fate == Fate::Delivered ? QVariant(static_cast<double>(p->latency) / 1e3) : QVariant();
    };
    switch (idx.column()) {
    case 0:
      return static_cast<qlonglong>(r.id);
    case 1:
    case 2:
      return fate_text(r.p[idx.column() - 1]);
    case 3:
    case 4:
      return latency(r.p[idx.column() - 3]);
    default: {
      const QVariant a = latency(r.p[0]), b = latency(r.p[1]);
      return a.isValid() && b.isValid() ? QVariant(b.toDouble() - a.toDouble()) : QVariant();
    }
    }
  }
  static constexpr int kDiffersRole = Qt::UserRole + 1;
  // The row of packet `id`, or -1 (the rows are sorted by id).
  int row_of(int64_t id) const {
    auto it =
        std::lower_bound(rows_.begin(), rows_.end(), id, [](const Row& r, int64_t v) { return r.id < v; });
    return it != rows_.end() && it->id == id ? static_cast<int>(it - rows_.begin()) : -1;
  }

private:
  struct Row {
    int64_t id;
    const PacketRecord* p[2];
    bool differs() const {
      return !p[0] || !p[1] || p[0]->fate != p[1]->fate || p[0]->reason != p[1]->reason;
    }
  };
  const TraceStore* s_[2];
  std::vector<Row> rows_;
};

namespace {

// "Only packets whose fate differs".
class DiffersFilter : public QSortFilterProxyModel {
public:
  using QSortFilterProxyModel::QSortFilterProxyModel;
  void set_only_differing(bool on) {
    only_ = on;
    invalidateFilter();
  }

protected:
  bool filterAcceptsRow(int row, const QModelIndex& parent) const override {
    return !only_ || sourceModel()->index(row, 0, parent).data(CompareModel::kDiffersRole).toBool();
  }

private:
  bool only_ = false;
};

} // namespace

QStringList scenario_differences(const nlohmann::json& header_a, const nlohmann::json& header_b) {
  std::vector<Difference> diffs;
  collect(header_a.value("scenario", nlohmann::json::object()),
          header_b.value("scenario", nlohmann::json::object()), "", -1, diffs);
  QStringList out;
  for (const Difference& d : diffs)
    out << QStringLiteral("%1: %2 → %3")
               .arg(QString::fromStdString(d.path), resolved(d, d.a, header_a), resolved(d, d.b, header_b));
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
  const QStringList diffs = scenario_differences(ha, hb);
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
  auto* columns = new QSplitter(Qt::Horizontal);
  layout->addWidget(columns, 1);
  auto* split = new QSplitter(Qt::Vertical);
  columns->addWidget(split);
  // The details of each side's selected event: the packet's stage in A and in B.
  auto* side = new QWidget;
  auto* sv = new QVBoxLayout(side);
  sv->setContentsMargins(4, 0, 0, 0);
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
    label->setObjectName(QStringLiteral("title%1").arg(i));
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    v->addWidget(label);
    fate_[i] = new QLabel;
    fate_[i]->setObjectName(QStringLiteral("fate%1").arg(i));
    v->addWidget(fate_[i]);
    timeline_[i] = new TimelineWidget(sel_[i]);
    // The socket lanes are what an SO_RCVBUF comparison is about: pinned, so they stay in view.
    for (size_t r = 0; r < store_[i]->rows.size(); ++r)
      if (store_[i]->rows[r].kind == RowKind::Socket)
        timeline_[i]->set_lane(static_cast<int>(r), LaneState::Pinned);
    auto* scroll = new QScrollArea;
    scroll->setWidget(timeline_[i]);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    v->addWidget(scroll, 1);
    split->addWidget(box);
    auto* head = new QLabel(i == 0 ? tr("<b>A</b> — selected") : tr("<b>B</b> — the same packet"));
    sv->addWidget(head);
    details_[i] = new DetailsPanel(sel_[i]);
    details_[i]->setObjectName(QStringLiteral("details%1").arg(i));
    details_[i]->set_step_hint(tr("N / P: next / previous packet"));
    sv->addWidget(details_[i]);
  }
  sv->addStretch();
  side->setMinimumWidth(260);
  columns->addWidget(side);
  columns->setStretchFactor(0, 1);
  columns->setStretchFactor(1, 0);
  columns->setSizes({1200, 330});
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
  auto* bar = new QHBoxLayout;
  bar->addWidget(only_diff_);
  bar->addStretch();
  bar->addWidget(new QLabel(tr("Click a row or a stage on a timeline · N / P: next / previous packet")));
  lv->addLayout(bar);
  model_ = new CompareModel(*store_[0], *store_[1], this);
  filter_ = new DiffersFilter(this);
  filter_->setSourceModel(model_);
  table_ = new QTableView;
  table_->setModel(filter_);
  table_->setSortingEnabled(true);
  table_->sortByColumn(0, Qt::AscendingOrder);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->verticalHeader()->hide();
  table_->verticalHeader()->setDefaultSectionSize(20);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  lv->addWidget(table_, 1);
  split->addWidget(lower);
  split->setSizes({400, 400, 250});
  connect(only_diff_, &QCheckBox::toggled, filter_,
          [this](bool on) { static_cast<DiffersFilter*>(filter_)->set_only_differing(on); });
  // A click (or the arrow keys, or N / P) on a row selects its packet in both and fits it.
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& idx) {
            if (table_syncing_ || !idx.isValid()) return;
            select_packet(idx.siblingAtColumn(0).data().toLongLong());
          });
  auto* next = new QShortcut(QKeySequence(Qt::Key_N), this);
  connect(next, &QShortcut::activated, this, [this] { step_packet(1); });
  auto* prev = new QShortcut(QKeySequence(Qt::Key_P), this);
  connect(prev, &QShortcut::activated, this, [this] { step_packet(-1); });
  for (int i = 0; i < 2; ++i) timeline_[i]->fit_all();
  // The same axis from the start: the union of both traces.
  const double t0 = static_cast<double>(std::min(store_[0]->t_min, store_[1]->t_min));
  const double t1 = static_cast<double>(std::max(store_[0]->t_max, store_[1]->t_max));
  timeline_[0]->set_range(t0, t1);
  timeline_[1]->set_range(t0, t1);
}

int64_t CompareWindow::packet_id() const {
  for (const Selection* s : sel_)
    if (const PacketRecord* p = s->packet_record()) return p->id;
  return -1;
}

void CompareWindow::select_packet(int64_t id) {
  for (int i = 0; i < 2; ++i)
    if (auto p = store_[i]->packet_index(id)) {
      sel_[i]->select_packet(static_cast<int>(*p));
      timeline_[i]->fit_packet();
      return;
    }
}

void CompareWindow::step_packet(int direction) {
  const int rows = filter_->rowCount();
  if (rows == 0) return;
  int row = table_->currentIndex().row();
  if (row < 0) row = direction > 0 ? -1 : rows;
  row = std::clamp(row + direction, 0, rows - 1);
  table_->setCurrentIndex(filter_->index(row, 0)); // selects the packet (currentRowChanged)
  table_->scrollTo(filter_->index(row, 0));
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
  // The table's row follows a selection made on a timeline.
  if (const int src = model_->row_of(p->id); src >= 0)
    if (const QModelIndex idx = filter_->mapFromSource(model_->index(src, 0));
        idx.isValid() && idx.row() != table_->currentIndex().row()) {
      table_syncing_ = true;
      table_->selectionModel()->setCurrentIndex(idx, QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
      table_->scrollTo(idx);
      table_syncing_ = false;
    }
}

} // namespace rxpath::view

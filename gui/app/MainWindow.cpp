#include "MainWindow.hpp"

#include "Selection.hpp"
#include "compare/CompareWindow.hpp"
#include "data/TimeFormat.hpp"
#include "models/EventSearch.hpp"
#include "models/PacketModel.hpp"
#include "sweep/SweepWindow.hpp"
#include "timeline/TimelineWidget.hpp"
#include "views/DetailsPanel.hpp"
#include "views/EventListView.hpp"
#include "views/StatsView.hpp"
#include "views/WaterfallDelegate.hpp"
#include "whatif/WhatIfPanel.hpp"

#include <QApplication>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>

namespace rxpath::view {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), sel_(new Selection(this)), job_(new TraceLoadJob(this)) {
  setWindowTitle(tr("rxpath-view"));
  setAcceptDrops(true);
  build_views();
  build_actions();
  connect(job_, &TraceLoadJob::progress, progress_, &QProgressBar::setValue);
  connect(job_, &TraceLoadJob::finished, this, &MainWindow::on_loaded);
  connect(job_, &TraceLoadJob::partial, this,
          [this](const QString& path, std::shared_ptr<const TraceStore> store) {
            // The timeline of what has been read so far; the lists and statistics wait for the whole trace.
            if (!job_->running()) return; // finished already (the queued snapshot came late)
            keep_lane_choices_for(path);
            sel_->set_store(std::move(store));
            info_->setText(
                tr("Loading %1 … showing the first %2 events").arg(path).arg(sel_->store()->events.size()));
          });
  connect(sel_, &Selection::markers_changed, this, &MainWindow::update_status);
  connect(sel_, &Selection::packet_changed, this, &MainWindow::on_packet_changed);
  resize(1500, 950);
}

MainWindow::~MainWindow() = default;

void MainWindow::build_views() {
  timeline_ = new TimelineWidget(sel_);
  auto* scroll = new QScrollArea;
  scroll->setWidget(timeline_);
  scroll->setWidgetResizable(true);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  scroll->setFrameShape(QFrame::NoFrame);

  banner_ = new QLabel;
  banner_->setObjectName(QStringLiteral("banner"));
  banner_->setWordWrap(true);
  banner_->setStyleSheet(
      QStringLiteral("background:#fff3cd; color:#5c4400; padding:5px; border-bottom:1px solid #e0c070"));
  banner_->hide();

  packets_ = new PacketModel(this);
  waterfall_ = new QTableView;
  waterfall_->setModel(packets_);
  waterfall_->setItemDelegate(new WaterfallDelegate(packets_, waterfall_));
  waterfall_->setSortingEnabled(true);
  waterfall_->sortByColumn(PacketModel::Id, Qt::AscendingOrder);
  waterfall_->setSelectionBehavior(QAbstractItemView::SelectRows);
  waterfall_->setSelectionMode(QAbstractItemView::SingleSelection);
  waterfall_->verticalHeader()->hide();
  waterfall_->verticalHeader()->setDefaultSectionSize(20);
  waterfall_->horizontalHeader()->setStretchLastSection(true);
  for (int c = 0; c < PacketModel::Waterfall; ++c)
    waterfall_->setColumnWidth(c, c == PacketModel::Fate ? 130 : 85);
  connect(waterfall_, &QTableView::clicked, this, [this](const QModelIndex& i) {
    sel_->select_packet(i.data(PacketModel::PacketIndexRole).toInt(), 0);
    timeline_->fit_packet();
  });
  connect(waterfall_, &QTableView::doubleClicked, this, [this](const QModelIndex& i) {
    events_->filter_packet(sel_->store()->packets[i.data(PacketModel::PacketIndexRole).toInt()].id);
    show_tab(Tab::Events);
  });

  events_ = new EventListView(sel_);
  stats_ = new StatsView(sel_);
  connect(timeline_, &TimelineWidget::range_changed, events_, &EventListView::set_visible_range);
  connect(timeline_, &TimelineWidget::list_packet_events, this, [this](int64_t pkt) {
    events_->filter_packet(pkt);
    show_tab(Tab::Events);
  });
  connect(timeline_, &TimelineWidget::filter_events, this, [this](const EventFilter& f) {
    events_->filter_by(f);
    show_tab(Tab::Events);
  });
  tabs_ = new QTabWidget;
  tabs_->addTab(waterfall_, tr("Packets (waterfall)"));
  tabs_->addTab(events_, tr("Events"));
  auto* stats_scroll = new QScrollArea;
  stats_scroll->setWidget(stats_);
  stats_scroll->setWidgetResizable(true);
  stats_scroll->setFrameShape(QFrame::NoFrame);
  tabs_->addTab(stats_scroll, tr("Statistics"));

  auto* top = new QWidget;
  auto* lay = new QVBoxLayout(top);
  lay->setContentsMargins(0, 0, 0, 0);
  lay->setSpacing(0);
  lay->addWidget(banner_);
  lay->addWidget(scroll);
  split_ = new QSplitter(Qt::Vertical);
  auto* split = split_;
  split->addWidget(top);
  split->addWidget(tabs_);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 1);
  split->setSizes({620, 300});
  setCentralWidget(split);

  details_ = new DetailsPanel(sel_);
  auto* dock = new QDockWidget(tr("Current stage"), this);
  dock->setObjectName(QStringLiteral("details_dock"));
  dock->setWidget(details_);
  dock->setMinimumWidth(260); // the window fits 1024 px screens
  addDockWidget(Qt::RightDockWidgetArea, dock);

  info_ = new QLabel;
  markers_ = new QLabel;
  progress_ = new QProgressBar;
  progress_->setRange(0, 1000);
  progress_->setMaximumWidth(260);
  progress_->setFormat(tr("loading %p%"));
  progress_->hide();
  cancel_ = new QPushButton(tr("Cancel"));
  cancel_->hide();
  connect(cancel_, &QPushButton::clicked, job_, &TraceLoadJob::cancel);
  statusBar()->addWidget(info_, 1);
  statusBar()->addPermanentWidget(markers_);
  statusBar()->addPermanentWidget(progress_);
  statusBar()->addPermanentWidget(cancel_);
}

void MainWindow::build_actions() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open = file->addAction(tr("&Open…"), this, &MainWindow::choose_file);
  open->setShortcut(QKeySequence::Open);
  open->setIcon(style()->standardIcon(QStyle::SP_DialogOpenButton));
  recent_ = file->addMenu(tr("Open &Recent"));
  fill_recent_menu();
  QAction* reload_action = file->addAction(tr("&Reload"), this, &MainWindow::reload);
  reload_action->setShortcuts({QKeySequence(Qt::Key_F5), QKeySequence(Qt::CTRL | Qt::Key_R)});
  file->addAction(tr("Open &sweep results…"), this, [this] {
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open sweep results (rxpath sweep -o OUT: OUT.json)"),
                                     QString(), tr("Sweep results (*.json);;All files (*)"));
    if (!path.isEmpty()) open_sweep(path);
  });
  QAction* cmp = file->addAction(tr("&Compare with…"), this, [this] {
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Compare with another trace of the same traffic"), QString(),
                                     tr("rxpath traces (*.jsonl);;All files (*)"));
    if (!path.isEmpty()) compare_with(path);
  });
  file->addSeparator();
  file->addAction(tr("&Close"), QKeySequence::Close, this, &QWidget::close);
  file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::closeAllWindows);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  auto add = [&](const QString& text, const QKeySequence& key, auto slot) {
    QAction* a = view->addAction(text);
    a->setShortcut(key);
    connect(a, &QAction::triggered, this, slot);
    return a;
  };
  QAction* fit = add(tr("&Fit all"), QKeySequence(Qt::Key_F), [this] { timeline_->fit_all(); });
  QAction* zin = add(tr("Zoom &in"), QKeySequence(Qt::Key_Plus), [this] { timeline_->zoom_in(); });
  QAction* zout = add(tr("Zoom &out"), QKeySequence(Qt::Key_Minus), [this] { timeline_->zoom_out(); });
  QAction* fpk = add(tr("Fit the &packet"), QKeySequence(Qt::Key_Z), [this] { timeline_->fit_packet(); });
  // Perfetto's keys, wherever the focus is (a text field keeps its letters: it accepts the
  // shortcut override for printable keys).
  add(tr("Zoom in (W)"), QKeySequence(Qt::Key_W), [this] { timeline_->zoom_in(); });
  add(tr("Zoom out (S)"), QKeySequence(Qt::Key_S), [this] { timeline_->zoom_out(); });
  add(tr("Pan left (A)"), QKeySequence(Qt::Key_A), [this] { timeline_->pan_left(); });
  add(tr("Pan right (D)"), QKeySequence(Qt::Key_D), [this] { timeline_->pan_right(); });
  add(tr("&Go to time…"), QKeySequence(Qt::CTRL | Qt::Key_G), [this] { go_to_time(); });
  QMenu* rows = view->addMenu(tr("Row &height"));
  for (auto [name, px] :
       {std::pair{tr("Compact"), 8}, {tr("Normal"), RowLayout::kSpanHeight}, {tr("Tall"), 24}})
    rows->addAction(name, this, [this, px = px] { timeline_->set_span_height(px); });
  view->addAction(tr("Show all &lanes"), this, [this] { timeline_->show_all_lanes(); });
  view->addSeparator();
  QAction* prev = add(tr("&Previous stage"), QKeySequence(Qt::Key_P), [this] { sel_->previous_stage(); });
  QAction* next = add(tr("&Next stage"), QKeySequence(Qt::Key_N), [this] { sel_->next_stage(); });
  QAction* clear = add(tr("&Clear markers"), QKeySequence(Qt::Key_Escape), [this] {
    sel_->set_marker(0, std::nullopt);
    sel_->set_marker(1, std::nullopt);
  });
  QMenu* tools = menuBar()->addMenu(tr("&Tools"));
  QAction* whatif = tools->addAction(tr("&What if…"), this, [this] { what_if(); });
  whatif->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E)); // Ctrl+W closes, as everywhere
  for (QAction* a : {cmp, whatif}) {
    a->setEnabled(false);
    connect(this, &MainWindow::load_finished, a, [this, a] { a->setEnabled(sel_->store() != nullptr); });
  }

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&Mouse and keys"), this, [this] {
    QMessageBox::information(
        this, tr("Mouse and keys"),
        tr("Wheel, + / −, W / S: zoom\n← →, A / D, drag: pan\n"
           "Ctrl+F: find (function, packet id, drop reason), F3 / Shift+F3: next / previous\n"
           "Ctrl+G: go to time   Ctrl+W: close   Ctrl+E: what if\n"
           "Shift+drag or right-drag: zoom to a range\n"
           "Right-click: menu (zoom, follow, filter events by this, hide / pin / show lanes)\n"
           "F: fit all   Z: fit the packet\n"
           "Click: select an event (and its packet)\nN / P: next / previous stage\n"
           "Ctrl+click / Ctrl+right-click: marker A / B   Esc: clear markers\n"
           "Waterfall: click follows a packet, double-click lists its events"));
  });

  QToolBar* bar = addToolBar(tr("Main"));
  bar->setObjectName(QStringLiteral("main_toolbar"));
  bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
  for (QAction* a : {open, fit, zin, zout, fpk, prev, next, clear}) bar->addAction(a);

  // Find: a packet id, a drop reason or part of a function name.
  QToolBar* fbar = addToolBar(tr("Find"));
  fbar->setObjectName(QStringLiteral("find_toolbar"));
  find_ = new QLineEdit;
  find_->setObjectName(QStringLiteral("find"));
  find_->setPlaceholderText(tr("Find: function, packet id, drop reason (Ctrl+F)"));
  find_->setClearButtonEnabled(true);
  find_->setMinimumWidth(180);
  find_->setMaximumWidth(320);
  find_status_ = new QLabel;
  fbar->addWidget(find_);
  QAction* fprev = fbar->addAction(QStringLiteral("◀"), this, [this] { find(find_->text(), false); });
  QAction* fnext = fbar->addAction(QStringLiteral("▶"), this, [this] { find(find_->text(), true); });
  fprev->setShortcut(QKeySequence::FindPrevious);
  fnext->setShortcut(QKeySequence::FindNext);
  fprev->setToolTip(tr("Previous match (Shift+F3)"));
  fnext->setToolTip(tr("Next match (F3, Enter)"));
  fbar->addWidget(find_status_);
  connect(find_, &QLineEdit::returnPressed, this, [this] { find(find_->text(), true); });
  QAction* focus_find = view->addAction(tr("&Find…"));
  focus_find->setShortcut(QKeySequence::Find);
  connect(focus_find, &QAction::triggered, this, [this] {
    find_->setFocus();
    find_->selectAll();
  });
}

bool MainWindow::find(const QString& text, bool forward) {
  const TraceStore* s = sel_->store();
  if (!s) return false;
  const SearchQuery q = SearchQuery::parse(*s, text);
  const auto hit = find_event(*s, q, sel_->event(), forward);
  if (!hit) {
    find_status_->setText(text.trimmed().isEmpty() ? QString()
                                                   : tr("no match for \"%1\"").arg(text.trimmed()));
    return false;
  }
  sel_->select_event(*hit);
  const double t = static_cast<double>(s->events[*hit].t);
  const auto& geo = timeline_->geometry_model();
  if (t < geo.start() || t > geo.end()) timeline_->go_to(t);
  // Which match this is: the matches before it, counted in the same order.
  size_t before = 0, all = 0;
  if (q.kind == SearchQuery::Kind::Packet) {
    all = count_matches(*s, q);
    const PacketRecord& p = s->packets[*s->packet_index(q.packet)];
    before = static_cast<size_t>(std::find(s->stages_begin(p), s->stages_begin(p) + p.stage_count, *hit) -
                                 s->stages_begin(p));
  } else {
    for (uint32_t i = 0; i < s->events.size(); ++i)
      if (q.matches(s->events[i])) before += i < *hit, ++all;
  }
  find_status_->setText(tr("%1: %2 of %3").arg(q.describe).arg(before + 1).arg(all));
  return true;
}

QString MainWindow::find_status() const {
  return find_status_->text();
}

void MainWindow::go_to_time() {
  if (!sel_->store()) return;
  bool ok = false;
  const QString text = QInputDialog::getText(this, tr("Go to time"),
                                             tr("Time since the start (e.g. 12.5 ms, 300 us, 1500 ns):"),
                                             QLineEdit::Normal, QString(), &ok);
  if (!ok) return;
  if (auto t = parse_time_ns(text))
    timeline_->go_to(*t);
  else
    QMessageBox::warning(this, tr("Go to time"),
                         tr("\"%1\" is not a time (a number with ns, us, ms or s).").arg(text));
}

QWidget* MainWindow::open_sweep(const QString& path) {
  try {
    auto* w = new SweepWindow(path);
    w->setAttribute(Qt::WA_DeleteOnClose);
    w->resize(1400, 900);
    w->show();
    return w;
  } catch (const charts::ChartError& e) {
    last_error_ = QString::fromUtf8(e.what());
    last_error_title_ = tr("Not a sweep's results");
    auto* box = new QMessageBox(QMessageBox::Critical, last_error_title_, last_error_, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("load_error"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    return nullptr;
  }
}

CompareWindow* MainWindow::compare_with(const QString& path) {
  if (!sel_->store()) return nullptr;
  LoadResult r = TraceLoadJob::load_now(path);
  if (!r.store) {
    last_error_ = r.error;
    last_error_title_ = r.error_title;
    auto* box = new QMessageBox(QMessageBox::Critical, r.error_title, r.error, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("load_error"));
    box->setInformativeText(tr("The comparison was not opened; %1 stays open.")
                                .arg(QFileInfo(QString::fromStdString(sel_->store()->path)).fileName()));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    return nullptr;
  }
  auto* w = new CompareWindow(sel_->shared_store(), r.store);
  w->setAttribute(Qt::WA_DeleteOnClose);
  w->resize(1600, 1000);
  w->show();
  return w;
}

WhatIfPanel* MainWindow::what_if() {
  if (!sel_->store()) return nullptr;
  // A window of its own, owned by this one: closing (or destroying) the main window removes the
  // panel and its temporary directory with it.
  auto* w = new WhatIfPanel(*sel_->store(), this);
  w->setWindowFlag(Qt::Window);
  w->setAttribute(Qt::WA_DeleteOnClose);
  w->resize(1300, 700);
  w->show();
  return w;
}

void MainWindow::choose_file() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open an rxpath trace"), QString(),
                                                    tr("rxpath traces (*.jsonl *.json);;All files (*)"));
  if (!path.isEmpty()) open_trace(path);
}

bool MainWindow::loading() const {
  return job_->running();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* e) {
  const auto urls = e->mimeData()->urls();
  if (!urls.isEmpty() && urls.front().isLocalFile()) e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* e) {
  const auto urls = e->mimeData()->urls();
  if (urls.isEmpty() || !urls.front().isLocalFile()) return;
  e->acceptProposedAction();
  const QString path = urls.front().toLocalFile();
  if (path.endsWith(QLatin1String(".json")))
    open_sweep(path);
  else
    open_trace(path);
}

void MainWindow::open_trace(const QString& path) {
  if (job_->running()) return;
  progress_->setValue(0);
  progress_->show();
  cancel_->show();
  info_->setText(tr("Loading %1 …").arg(path));
  job_->start(path);
}

void MainWindow::reload() {
  if (!path_.isEmpty()) open_trace(path_);
}

void MainWindow::keep_lane_choices_for(const QString& path) {
  const QString abs = QFileInfo(path).absoluteFilePath();
  if (abs == lanes_path_) return;
  timeline_->forget_lane_choices();
  lanes_path_ = abs;
}

bool MainWindow::open_trace_now(const QString& path) {
  LoadResult r = TraceLoadJob::load_now(path);
  on_loaded(path, r);
  return r.store != nullptr;
}

void MainWindow::on_loaded(const QString& path, const LoadResult& r) {
  progress_->hide();
  cancel_->hide();
  if (!r.store) {
    last_error_ = r.error;
    last_error_title_ = r.error_title;
    update_status();
    auto* box = new QMessageBox(QMessageBox::Critical, r.error_title, r.error, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("load_error"));
    box->setInformativeText(tr("The file was not opened."));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    emit load_finished(false);
    return;
  }
  last_error_.clear();
  last_error_title_.clear();
  keep_lane_choices_for(path);
  path_ = QFileInfo(path).absoluteFilePath();
  sel_->set_store(r.store);
  packets_->set_store(r.store);
  const TraceStore& s = *r.store;
  if (s.truncated) {
    banner_->setText(
        tr("<b>Truncated trace.</b> %1 ends without its end object (the run was interrupted, or the "
           "last line is cut short). Showing everything up to the last complete event, line %2; "
           "the end-of-run counters are missing.")
            .arg(QFileInfo(path).fileName())
            .arg(s.last_line));
    banner_->show();
  } else {
    banner_->hide();
  }
  setWindowTitle(tr("%1 — rxpath-view").arg(QFileInfo(path).fileName()));
  add_recent(QFileInfo(path).absoluteFilePath());
  // Room for every lane when the window allows, the rest for the tabs.
  const int total = split_->height(), lanes = timeline_->minimumHeight() + banner_->sizeHint().height() + 4;
  const int top = std::clamp(lanes, total * 2 / 5, total * 2 / 3);
  split_->setSizes({top, total - top});
  update_status();
  timeline_->setFocus(); // arrow keys pan at once, no click first
  emit load_finished(true);
}

QString MainWindow::banner_text() const {
  return banner_->isVisible() || !banner_->isHidden() ? banner_->text() : QString();
}

void MainWindow::show_tab(Tab t) {
  tabs_->setCurrentIndex(static_cast<int>(t));
}

void MainWindow::on_packet_changed() {
  const int row = packets_->row_of_packet(sel_->packet());
  if (row < 0) return;
  const QModelIndex i = packets_->index(row, 0);
  if (waterfall_->currentIndex().row() != row) {
    waterfall_->selectionModel()->setCurrentIndex(i, QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
    waterfall_->scrollTo(i);
  }
}

void MainWindow::update_status() {
  const TraceStore* s = sel_->store();
  if (!s) {
    info_->setText(last_error_.isEmpty() ? tr("No trace. File → Open.")
                                         : tr("Not loaded: %1").arg(last_error_));
  } else {
    QString scen = QString::fromStdString(s->header.value("scenario", nlohmann::json::object()).is_object()
                                              ? s->header["scenario"].value("name", std::string("?"))
                                              : std::string("?"));
    info_->setText(tr("%1 · scenario %2 · %3 CPUs · %4 events · %5 packets · %6%7")
                       .arg(QFileInfo(QString::fromStdString(s->path)).fileName(), scen)
                       .arg(s->cpus)
                       .arg(s->events.size())
                       .arg(s->packets.size())
                       .arg(format_ns(double(s->t_max - s->t_min)))
                       .arg(s->truncated ? tr(" · TRUNCATED at line %1").arg(s->last_line) : QString()));
  }
  auto a = sel_->marker(0), b = sel_->marker(1);
  QStringList m;
  if (a) m << tr("A %1").arg(format_ns(*a));
  if (b) m << tr("B %1").arg(format_ns(*b));
  if (a && b) m << tr("Δ %1").arg(format_ns(std::abs(*b - *a)));
  // The selected range's summary: each CPU context's busy share, packets and drops in it.
  if (a && b && s && *a != *b) {
    const auto t0 = static_cast<int64_t>(std::min(*a, *b)), t1 = static_cast<int64_t>(std::max(*a, *b));
    QStringList busy;
    for (size_t r = 0; r < s->rows.size(); ++r) {
      const Row& row = s->rows[r];
      if (row.kind == RowKind::Nic || row.kind == RowKind::NicQueue || row.kind == RowKind::Socket) continue;
      const double share = static_cast<double>(s->busy_between(r, t0, t1)) / static_cast<double>(t1 - t0);
      if (share > 0)
        busy << tr("CPU%1 %2 %3%")
                    .arg(row.cpu)
                    .arg(QString::fromStdString(row.name))
                    .arg(100 * share, 0, 'f', 1);
    }
    m << tr("%1 · %2 packets, %3 drops")
             .arg(busy.isEmpty() ? tr("CPUs idle") : busy.join(QStringLiteral(", ")))
             .arg(s->packets_arrived_between(t0, t1))
             .arg(s->drops_between(t0, t1));
  }
  markers_->setText(m.join(QStringLiteral("   ")));
}

void MainWindow::add_recent(const QString& path) {
  QSettings settings;
  QStringList list = settings.value(QStringLiteral("recent")).toStringList();
  list.removeAll(path);
  list.prepend(path);
  while (list.size() > 8) list.removeLast();
  settings.setValue(QStringLiteral("recent"), list);
  fill_recent_menu();
}

void MainWindow::fill_recent_menu() {
  recent_->clear();
  const QStringList list = QSettings().value(QStringLiteral("recent")).toStringList();
  for (const QString& p : list) recent_->addAction(p, this, [this, p] { open_trace(p); });
  recent_->setEnabled(!list.isEmpty());
}

} // namespace rxpath::view

#include "WhatIfPanel.hpp"

#include <QChart>
#include <QChartView>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QVBoxLayout>

#include <fstream>

namespace rxpath::view {
namespace {

double get(const nlohmann::json& j, std::initializer_list<const char*> path, double fallback) {
  const nlohmann::json* at = &j;
  for (const char* k : path) {
    if (!at->is_object() || !at->contains(k)) return fallback;
    at = &(*at)[k];
  }
  return at->is_number() ? at->get<double>() : fallback;
}

} // namespace

double WhatIfPanel::Field::value() const {
  if (auto* s = qobject_cast<QSpinBox*>(editor)) return s->value();
  return static_cast<QDoubleSpinBox*>(editor)->value();
}

WhatIfPanel::WhatIfPanel(const TraceStore& trace, QWidget* parent)
    : QWidget(parent), trace_(QString::fromStdString(trace.path)),
      rxpath_(QCoreApplication::applicationDirPath() + QStringLiteral("/rxpath")),
      scenario_(trace.header.value("scenario", nlohmann::json::object())) {
  setWindowTitle(tr("What if… — %1 — rxpath-view").arg(QFileInfo(trace_).fileName()));
  std::vector<double> ns;
  int64_t dropped = 0;
  for (const auto& p : trace.packets) {
    if (p.fate == Fate::Delivered && p.latency >= 0) ns.push_back(static_cast<double>(p.latency));
    dropped += p.fate == Fate::Dropped;
  }
  before_ = charts::make_cdf(tr("this trace"), std::move(ns), dropped);
  auto* layout = new QHBoxLayout(this);
  auto* left = new QVBoxLayout;
  layout->addLayout(left);
  auto* knobs = new QGroupBox(
      tr("Change and re-run %1").arg(QString::fromStdString(scenario_.value("name", "the scenario"))));
  auto* form = new QFormLayout(knobs);
  form->setObjectName(QStringLiteral("knobs"));
  left->addWidget(knobs);
  const auto& sys = scenario_.value("sysctl", nlohmann::json::object());
  const auto& nic = scenario_.value("nic", nlohmann::json::object());
  auto add = [&](const QString& label, const QString& key, double v, double lo, double hi, bool integer) {
    add_field(label, key, v, lo, hi, integer);
    form->addRow(label, fields_.back().editor);
  };
  add(tr("netdev_budget"), "net.core.netdev_budget", get(sys, {"net.core.netdev_budget"}, 300), 1, 1e6, true);
  add(tr("dev_weight (backlog)"), "net.core.dev_weight", get(sys, {"net.core.dev_weight"}, 64), 1, 1e6, true);
  add(tr("NAPI weight (NIC)"), "nic.napi_weight", get(nic, {"napi_weight"}, 64), 1, 65536, true);
  add(tr("RX ring size"), "nic.ring_size", get(nic, {"ring_size"}, 256), 1, 65536, true);
  add(tr("rx-usecs"), "nic.rx_usecs", get(nic, {"rx_usecs"}, 0), 0, 100000, true);
  add(tr("rx-frames"), "nic.rx_frames", get(nic, {"rx_frames"}, 1), 0, 65536, true);
  add(tr("rmem_max"), "net.core.rmem_max", get(sys, {"net.core.rmem_max"}, 212992), 256, 2147483647, true);
  const auto& sockets = scenario_.value("sockets", nlohmann::json::array());
  for (const auto& s : sockets) {
    const QString name = QString::fromStdString(s.value("name", ""));
    add(tr("SO_RCVBUF of %1 (-1 = not set)").arg(name),
        QStringLiteral("sockets.%1.so_rcvbuf_bytes").arg(name), get(s, {"so_rcvbuf_bytes"}, -1), -1,
        2147483647, true);
  }
  const auto& traffic = scenario_.value("traffic", nlohmann::json::array());
  for (size_t i = 0; i < traffic.size(); ++i) {
    QString name = QString::fromStdString(traffic[i].value("name", ""));
    if (name.isEmpty()) name = QStringLiteral("traffic[%1]").arg(i);
    add(tr("rate of %1, datagrams/s").arg(name), QStringLiteral("traffic.%1.rate_pps").arg(i),
        get(traffic[i], {"rate_pps"}, 1e4), 0.001, 1e9, false);
  }

  auto* buttons = new QHBoxLayout;
  run_ = new QPushButton(tr("&Run"));
  cancel_ = new QPushButton(tr("Cancel"));
  cancel_->setEnabled(false);
  buttons->addWidget(run_);
  buttons->addWidget(cancel_);
  left->addLayout(buttons);
  progress_ = new QProgressBar;
  progress_->setRange(0, 1000);
  progress_->setValue(0);
  left->addWidget(progress_);
  status_ = new QLabel(tr("Change a value and press Run: the scenario of this trace runs again with the "
                          "changes, and the new latency CDF is drawn over this one."));
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  left->addWidget(status_);
  left->addStretch();

  auto* right = new QVBoxLayout;
  layout->addLayout(right, 1);
  cdf_ = new QChartView;
  cdf_->setRenderHint(QPainter::Antialiasing);
  cdf_->setMinimumSize(560, 360);
  right->addWidget(cdf_, 1);
  summary_ = new QTableWidget(2, 4);
  summary_->setHorizontalHeaderLabels({tr("p50"), tr("p99"), tr("delivered"), tr("dropped")});
  summary_->setVerticalHeaderLabels({tr("this trace"), tr("what if")});
  summary_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  summary_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  summary_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  summary_->setFixedHeight(summary_->horizontalHeader()->sizeHint().height() +
                           2 * summary_->verticalHeader()->defaultSectionSize() + 2 * summary_->frameWidth());
  right->addWidget(summary_);

  show_cdfs(nullptr);
  if (!trace.header.contains("scenario")) {
    run_->setEnabled(false);
    status_->setText(tr("This trace's header has no scenario to run again."));
  }

  connect(run_, &QPushButton::clicked, this, &WhatIfPanel::run);
  // Quitting may not destroy a window still open: the temporary directory goes anyway.
  connect(QCoreApplication::instance(), &QCoreApplication::aboutToQuit, this, [this] {
    cancel();
    drop_temporary();
  });
  connect(cancel_, &QPushButton::clicked, this, &WhatIfPanel::cancel);
}

WhatIfPanel::~WhatIfPanel() {
  cancel();
  drop_temporary();
}

void WhatIfPanel::drop_temporary() {
  delete tmp_; // QTemporaryDir removes the directory and what is in it
  tmp_ = nullptr;
  new_trace_.clear();
}

void WhatIfPanel::add_field(const QString& label, const QString& key, double value, double min, double max,
                            bool integer) {
  QWidget* editor;
  if (integer) {
    auto* s = new QSpinBox;
    s->setRange(static_cast<int>(std::max(min, -2147483647.0)),
                static_cast<int>(std::min(max, 2147483647.0)));
    s->setValue(static_cast<int>(value));
    editor = s;
  } else {
    auto* s = new QDoubleSpinBox;
    s->setDecimals(3);
    s->setRange(min, max);
    s->setValue(value);
    editor = s;
  }
  editor->setObjectName(key);
  editor->setToolTip(label + QStringLiteral(" (") + key + QStringLiteral(")"));
  fields_.push_back({key, value, editor});
}

bool WhatIfPanel::set_field(const QString& key, double value) {
  for (auto& f : fields_)
    if (f.key == key) {
      if (auto* s = qobject_cast<QSpinBox*>(f.editor))
        s->setValue(static_cast<int>(value));
      else
        static_cast<QDoubleSpinBox*>(f.editor)->setValue(value);
      return true;
    }
  return false;
}

QStringList WhatIfPanel::set_arguments() const {
  QStringList args;
  for (const auto& f : fields_)
    if (f.value() != f.original)
      args << QStringLiteral("--set") << QStringLiteral("%1=%2").arg(f.key).arg(f.value(), 0, 'g', 12);
  return args;
}

QString WhatIfPanel::status() const {
  return status_->text();
}

void WhatIfPanel::run() {
  if (proc_) return;
  delete tmp_;
  tmp_ = new QTemporaryDir;
  const QString scenario = tmp_->filePath(QStringLiteral("scenario.json"));
  std::ofstream(scenario.toStdString()) << scenario_.dump(2);
  new_trace_ = tmp_->filePath(QStringLiteral("what-if.jsonl"));
  stderr_.clear();
  proc_ = new QProcess(this);
  connect(proc_, &QProcess::readyReadStandardError, this, [this] {
    stderr_ += QString::fromUtf8(proc_->readAllStandardError());
    // "progress F" lines; the last complete one wins.
    const auto lines = stderr_.split(QLatin1Char('\n'));
    for (auto it = lines.rbegin() + 1; it < lines.rend(); ++it)
      if (it->startsWith(QLatin1String("progress "))) {
        progress_->setValue(static_cast<int>(it->mid(9).toDouble() * 1000));
        break;
      }
  });
  connect(proc_, &QProcess::finished, this, &WhatIfPanel::on_finished);
  QStringList args{QStringLiteral("run"), scenario,
                   QStringLiteral("-o"),  new_trace_,
                   QStringLiteral("-q"),  QStringLiteral("--progress")};
  args << set_arguments();
  ran_.clear();
  for (const QString& a : set_arguments())
    if (a != QLatin1String("--set")) ran_ << a;
  status_->setText(tr("Running rxpath %1 …").arg(set_arguments().join(QLatin1Char(' '))));
  progress_->setValue(0);
  run_->setEnabled(false);
  cancel_->setEnabled(true);
  proc_->start(rxpath_, args);
  if (!proc_->waitForStarted(5000)) {
    status_->setText(tr("Cannot start %1: %2").arg(rxpath_, proc_->errorString()));
    proc_->deleteLater();
    proc_ = nullptr;
    drop_temporary();
    run_->setEnabled(true);
    cancel_->setEnabled(false);
    emit finished(false);
  }
}

void WhatIfPanel::cancel() {
  if (!proc_) return;
  proc_->disconnect(this);
  proc_->kill();
  proc_->waitForFinished(2000);
  proc_->deleteLater();
  proc_ = nullptr;
  drop_temporary();
  status_->setText(tr("Cancelled."));
  progress_->setValue(0);
  run_->setEnabled(true);
  cancel_->setEnabled(false);
}

void WhatIfPanel::show_cdfs(const charts::Cdf* after) {
  std::vector<charts::Cdf> cdfs{before_};
  if (after) cdfs.push_back(*after);
  QChart* old = cdf_->chart();
  cdf_->setChart(charts::cdf_chart(cdfs, tr("Latency CDF of the delivered datagrams")));
  delete old;
  for (int r = 0; r < static_cast<int>(cdfs.size()); ++r) {
    const auto& c = cdfs[static_cast<size_t>(r)];
    const auto us = [&](double p) { return tr("%1 µs").arg(charts::quantile(c, p) / 1e3, 0, 'f', 1); };
    summary_->setItem(r, 0, new QTableWidgetItem(us(0.5)));
    summary_->setItem(r, 1, new QTableWidgetItem(us(0.99)));
    summary_->setItem(r, 2, new QTableWidgetItem(QString::number(c.ns.size())));
    summary_->setItem(r, 3, new QTableWidgetItem(QString::number(c.dropped)));
    for (int col = 0; col < 4; ++col)
      summary_->item(r, col)->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  }
}

void WhatIfPanel::on_finished(int code, QProcess::ExitStatus st) {
  stderr_ += QString::fromUtf8(proc_->readAllStandardError());
  proc_->deleteLater();
  proc_ = nullptr;
  run_->setEnabled(true);
  cancel_->setEnabled(false);
  if (st != QProcess::NormalExit || code != 0) {
    QStringList lines = stderr_.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    lines.removeIf([](const QString& l) { return l.startsWith(QLatin1String("progress ")); });
    const QString how = st != QProcess::NormalExit ? tr("rxpath crashed")
                        : code == 2                ? tr("rxpath refused the input (exit 2)")
                                                   : tr("rxpath failed (exit %1)").arg(code);
    status_->setText(how + QStringLiteral(":\n") + lines.join(QLatin1Char('\n')));
    drop_temporary();
    emit finished(false);
    return;
  }
  progress_->setValue(1000);
  try {
    charts::Cdf after = charts::read_trace_cdf(new_trace_.toStdString());
    after.name =
        ran_.isEmpty() ? tr("what if: no change") : tr("what if: %1").arg(ran_.join(QLatin1Char(' ')));
    show_cdfs(&after);
    status_->setText(
        tr("Done. The new trace is %1 (open it with File → Open while this panel is open).").arg(new_trace_));
    emit finished(true);
  } catch (const charts::ChartError& e) {
    status_->setText(QString::fromUtf8(e.what()));
    drop_temporary();
    emit finished(false);
  }
}

} // namespace rxpath::view

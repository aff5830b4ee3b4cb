#include "SweepWindow.hpp"

#include <QChart>
#include <QChartView>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace rxpath::view {
namespace {

QWidget* chart_stack(const std::vector<QChart*>& charts) {
  auto* inner = new QWidget;
  auto* v = new QVBoxLayout(inner);
  for (QChart* c : charts) {
    auto* view = new QChartView(c);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumHeight(320);
    v->addWidget(view);
  }
  auto* scroll = new QScrollArea;
  scroll->setWidget(inner);
  scroll->setWidgetResizable(true);
  return scroll;
}

QString mean(const charts::SweepPoint& p, const char* key, double scale, int decimals) {
  const charts::Metric* m = p.metric(key);
  return m ? QString::number(m->mean / scale, 'f', decimals) : QStringLiteral("–");
}

} // namespace

SweepWindow::SweepWindow(const QString& path, QWidget* parent)
    : QWidget(parent), sweep_(charts::read_sweep(path.toStdString())) {
  setWindowTitle(tr("%1 — sweep results — rxpath-view").arg(QFileInfo(path).fileName()));
  auto* layout = new QVBoxLayout(this);
  QString about = tr("%1: %2 points").arg(QFileInfo(path).fileName()).arg(sweep_.points.size());
  if (!sweep_.scenario.empty()) about += tr(" of %1").arg(QString::fromStdString(sweep_.scenario));
  if (sweep_.seeds == 1) about += tr(", one seed each");
  if (sweep_.seeds > 1) about += tr(", %1 seeds each (means and 95% confidence intervals)").arg(sweep_.seeds);
  if (const QString fixed = sweep_.fixed_settings(); !fixed.isEmpty()) about += tr("; fixed: %1").arg(fixed);
  auto* header = new QLabel(about);
  header->setWordWrap(true);
  header->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(header);
  auto* split = new QSplitter(Qt::Horizontal);
  layout->addWidget(split, 1);

  list_ = new QTreeWidget;
  list_->setHeaderLabels({tr("point"), tr("status"), tr("p99 µs"), tr("delivered"), tr("dropped")});
  list_->setRootIsDecorated(false);
  list_->header()->setStretchLastSection(false);
  for (const auto& p : sweep_.points) {
    auto* it = new QTreeWidgetItem(list_);
    it->setText(0, sweep_.label(p));
    it->setText(1, p.ok ? tr("ok") : tr("failed"));
    if (!p.ok) it->setForeground(1, Qt::red);
    it->setText(2, mean(p, "latency_p99_ns", 1e3, 1));
    it->setText(3, mean(p, "delivered", 1, 0));
    it->setText(4, mean(p, "dropped", 1, 0));
    for (int col = 2; col < 5; ++col) it->setTextAlignment(col, Qt::AlignRight | Qt::AlignVCenter);
    if (!p.cdf.ns.empty()) {
      it->setCheckState(0, Qt::Unchecked);
    } else {
      it->setFlags(it->flags() & ~Qt::ItemIsUserCheckable);
      it->setToolTip(0, tr("No latency distribution for this point (failed, nothing delivered, or results "
                           "from an older rxpath)."));
    }
  }
  for (int col = 0; col < list_->columnCount(); ++col) list_->resizeColumnToContents(col);
  split->addWidget(list_);

  auto* tabs = new QTabWidget;
  tabs->addTab(chart_stack(charts::latency_charts(sweep_)), tr("Latency"));
  tabs->addTab(chart_stack(charts::drop_charts(sweep_)), tr("Delivered and drops"));
  cdf_ = new QChartView;
  cdf_->setRenderHint(QPainter::Antialiasing);
  tabs->addTab(cdf_, tr("CDF of the ticked points"));
  split->addWidget(tabs);
  int list_width = 24; // the frame and the check box margin
  for (int col = 0; col < list_->columnCount(); ++col) list_width += list_->columnWidth(col);
  split->setSizes({std::min(list_width, 620), 900});
  connect(list_, &QTreeWidget::itemChanged, this, [this, tabs] {
    update_cdf();
    tabs->setCurrentWidget(cdf_);
  });
  update_cdf();
}

void SweepWindow::tick(int i, bool on) {
  list_->topLevelItem(i)->setCheckState(0, on ? Qt::Checked : Qt::Unchecked);
}

void SweepWindow::update_cdf() {
  std::vector<charts::Cdf> cdfs;
  for (int i = 0; i < list_->topLevelItemCount(); ++i)
    if (list_->topLevelItem(i)->checkState(0) == Qt::Checked)
      cdfs.push_back(sweep_.points[static_cast<size_t>(i)].cdf);
  QChart* old = cdf_->chart();
  QString title = tr("Latency CDF");
  if (!sweep_.has_cdfs())
    title =
        tr("No latency CDFs in these results (points[].latency_cdf): run the sweep again with this rxpath");
  else if (cdfs.empty())
    title = tr("Tick points in the list to compare their latency CDFs");
  cdf_->setChart(charts::cdf_chart(cdfs, title));
  delete old;
}

} // namespace rxpath::view

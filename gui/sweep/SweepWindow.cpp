#include "SweepWindow.hpp"

#include <QChart>
#include <QChartView>
#include <QFileInfo>
#include <QHeaderView>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

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

double mean(const nlohmann::json& metrics, const char* key) {
  const auto it = metrics.find(key);
  return it == metrics.end() ? 0.0 : it->value("mean", 0.0);
}

} // namespace

SweepWindow::SweepWindow(const QString& path, QWidget* parent)
    : QWidget(parent), sweep_(charts::read_sweep(path.toStdString())) {
  setWindowTitle(tr("%1 — sweep results — rxpath-view").arg(QFileInfo(path).fileName()));
  auto* layout = new QVBoxLayout(this);
  auto* split = new QSplitter(Qt::Horizontal);
  layout->addWidget(split);

  list_ = new QTreeWidget;
  list_->setHeaderLabels({tr("point"), tr("status"), tr("p99 µs"), tr("delivered"), tr("dropped")});
  list_->setRootIsDecorated(false);
  for (const auto& p : sweep_.points) {
    auto* it = new QTreeWidgetItem(list_);
    it->setText(0, p.label());
    it->setText(1, p.ok ? tr("ok") : tr("failed"));
    it->setText(2, QString::number(mean(p.metrics, "latency_p99_ns") / 1e3, 'f', 1));
    it->setText(3, QString::number(mean(p.metrics, "delivered"), 'f', 0));
    it->setText(4, QString::number(mean(p.metrics, "dropped"), 'f', 0));
    if (!p.cdf.ns.empty()) {
      it->setFlags(it->flags() | Qt::ItemIsUserCheckable);
      it->setCheckState(0, Qt::Unchecked);
    } else {
      it->setToolTip(0, tr("No latency distribution for this point (failed, nothing delivered, or results "
                           "from an older rxpath)."));
    }
  }
  list_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  split->addWidget(list_);

  auto* tabs = new QTabWidget;
  tabs->addTab(chart_stack(charts::latency_charts(sweep_)), tr("Latency"));
  tabs->addTab(chart_stack(charts::drop_charts(sweep_)), tr("Delivered and drops"));
  cdf_ = new QChartView;
  cdf_->setRenderHint(QPainter::Antialiasing);
  tabs->addTab(cdf_, tr("CDF of the ticked points"));
  split->addWidget(tabs);
  split->setSizes({420, 900});
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
  cdf_->setChart(charts::cdf_chart(
      cdfs, cdfs.empty() ? tr("Tick points in the list to compare their latency CDFs") : tr("Latency CDF")));
  delete old;
}

} // namespace rxpath::view

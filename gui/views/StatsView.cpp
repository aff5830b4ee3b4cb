#include "StatsView.hpp"

#include "app/Selection.hpp"
#include "data/EventText.hpp"
#include "data/TimeFormat.hpp"
#include "timeline/Palette.hpp"

#include <QAreaSeries>
#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QGridLayout>
#include <QHeaderView>
#include <QHorizontalBarSeries>
#include <QLabel>
#include <QLineSeries>
#include <QScrollBar>
#include <QTreeWidget>
#include <QValueAxis>

#include <algorithm>
#include <map>

namespace rxpath::view {
namespace {

QChartView* make_view(QChart* chart, const QString& title) {
  chart->setTitle(title);
  chart->legend()->hide();
  chart->setMargins(QMargins(4, 4, 4, 4));
  auto* v = new QChartView(chart);
  v->setRenderHint(QPainter::Antialiasing);
  v->setMinimumSize(320, 200);
  return v;
}

QValueAxis* axis(const QString& title, double lo, double hi, bool integer = false) {
  auto* a = new QValueAxis;
  a->setTitleText(title);
  a->setRange(lo, hi);
  a->applyNiceNumbers();
  a->setLabelFormat(integer ? QStringLiteral("%.0f") : QStringLiteral("%.4g"));
  return a;
}

int64_t percentile(const std::vector<int64_t>& sorted, double q) {
  return sorted.empty() ? 0 : sorted[static_cast<size_t>(q * double(sorted.size() - 1))];
}

} // namespace

StatsView::StatsView(Selection* selection, QWidget* parent) : QWidget(parent), sel_(selection) {
  grid_ = new QGridLayout(this);
  summary_ = new QLabel(this);
  summary_->setObjectName(QStringLiteral("stats_summary"));
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  counters_ = new QTreeWidget(this);
  counters_->setColumnCount(2);
  counters_->setHeaderLabels({tr("Counter (end of run)"), tr("Value")});
  // Both columns as wide as their widest entry, and the tree as wide as both: a counter's digits
  // were clipped without an ellipsis ("20000" read "2000").
  counters_->header()->setStretchLastSection(false);
  counters_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  counters_->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
  grid_->addWidget(summary_, 0, 0, 1, 3);
  grid_->addWidget(counters_, 1, 2, 2, 1);
  grid_->setColumnStretch(0, 2);
  grid_->setColumnStretch(1, 2);
  grid_->setColumnStretch(2, 1);
  connect(sel_, &Selection::store_changed, this, &StatsView::refresh);
  refresh();
}

QString StatsView::summary_text() const {
  return summary_->text();
}

void StatsView::refresh() {
  for (QWidget* w : charts_) delete w;
  charts_.clear();
  counters_->clear();
  const TraceStore* s = sel_->store();
  if (!s) {
    summary_->setText(tr("No trace"));
    return;
  }
  std::vector<int64_t> lat = s->latencies();
  std::sort(lat.begin(), lat.end());
  size_t dropped = 0;
  for (const auto& p : s->packets) dropped += p.fate == Fate::Dropped;
  summary_->setText(tr("<b>%1</b> packets: <b>%2</b> delivered, <b style='color:#c02020'>%3</b> dropped. "
                       "Latency p50 %4 · p90 %5 · p99 %6 · max %7")
                        .arg(s->packets.size())
                        .arg(lat.size())
                        .arg(dropped)
                        .arg(format_ns(double(percentile(lat, 0.5))), format_ns(double(percentile(lat, 0.9))),
                             format_ns(double(percentile(lat, 0.99))),
                             format_ns(double(lat.empty() ? 0 : lat.back()))));
  charts_ = {latency_histogram(lat), latency_cdf(lat), drops_chart()};
  grid_->addWidget(charts_[0], 1, 0);
  grid_->addWidget(charts_[1], 1, 1);
  grid_->addWidget(charts_[2], 2, 0, 1, 2);
  fill_counters();
}

QWidget* StatsView::latency_histogram(const std::vector<int64_t>& sorted) {
  auto* chart = new QChart;
  if (!sorted.empty()) {
    // Up to the 99.5th percentile so one outlier does not squash the rest.
    const double hi = std::max(1.0, double(percentile(sorted, 0.995))) / 1e3,
                 lo = double(sorted.front()) / 1e3;
    const int bins = 50;
    const double w = std::max((hi - lo) / bins, 1e-3);
    std::vector<int> count(bins, 0);
    for (int64_t v : sorted) count[std::clamp(int((double(v) / 1e3 - lo) / w), 0, bins - 1)]++;
    auto* upper = new QLineSeries;
    int top = 1;
    for (int b = 0; b < bins; ++b) {
      upper->append(lo + b * w, count[b]);
      upper->append(lo + (b + 1) * w, count[b]);
      top = std::max(top, count[b]);
    }
    auto* area = new QAreaSeries(upper);
    area->setColor(QColor(0x73, 0xa6, 0xd9));
    area->setBorderColor(QColor(0x2f, 0x6f, 0xb0));
    chart->addSeries(area);
    auto *x = axis(tr("latency (µs)"), lo, lo + bins * w), *y = axis(tr("packets"), 0, top * 1.05, true);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    area->attachAxis(x);
    area->attachAxis(y);
  }
  return make_view(chart, tr("Latency histogram (delivered datagrams)"));
}

QWidget* StatsView::latency_cdf(const std::vector<int64_t>& sorted) {
  auto* chart = new QChart;
  if (!sorted.empty()) {
    auto* line = new QLineSeries;
    const size_t n = sorted.size(), step = std::max<size_t>(1, n / 800);
    for (size_t i = 0; i < n; i += step)
      line->append(double(sorted[i]) / 1e3, 100.0 * double(i + 1) / double(n));
    line->append(double(sorted.back()) / 1e3, 100.0);
    line->setColor(QColor(0x2f, 0x6f, 0xb0));
    chart->addSeries(line);
    auto *x = axis(tr("latency (µs)"), 0, double(sorted.back()) / 1e3 * 1.02),
         *y = axis(tr("% of datagrams"), 0, 100, true);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    line->attachAxis(x);
    line->attachAxis(y);
  }
  return make_view(chart, tr("Latency CDF"));
}

QWidget* StatsView::drops_chart() {
  auto* chart = new QChart;
  std::map<trace::DropReason, int> drops;
  for (const auto& p : sel_->store()->packets)
    if (p.fate == Fate::Dropped) drops[p.reason]++;
  if (!drops.empty()) {
    auto* set = new QBarSet(tr("drops"));
    set->setColor(drop_color());
    QStringList names;
    int top = 1;
    for (auto [r, n] : drops)
      names << QStringLiteral("%1 (%2)").arg(qstr(trace::to_string(r))).arg(n), *set << n,
          top = std::max(top, n);
    auto* series = new QHorizontalBarSeries;
    series->append(set);
    chart->addSeries(series);
    auto* cats = new QBarCategoryAxis;
    cats->append(names);
    auto* x = axis(tr("packets"), 0, top * 1.05, true);
    chart->addAxis(cats, Qt::AlignLeft);
    chart->addAxis(x, Qt::AlignBottom);
    series->attachAxis(cats);
    series->attachAxis(x);
  }
  return make_view(chart, drops.empty() ? tr("Drops by reason: none") : tr("Drops by reason"));
}

void StatsView::fill_counters() {
  const nlohmann::json& end = sel_->store()->end;
  if (!end.is_object()) {
    new QTreeWidgetItem(counters_, {tr("(no end object: the trace is truncated)")});
    return;
  }
  // The end object as a tree; arrays of per-CPU/per-socket objects are labelled by their cpu/name.
  std::function<void(QTreeWidgetItem*, const QString&, const nlohmann::json&)> add =
      [&](QTreeWidgetItem* parent, const QString& key, const nlohmann::json& j) {
        QTreeWidgetItem* item = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(counters_);
        item->setText(0, key);
        if (j.is_object()) {
          for (auto it = j.begin(); it != j.end(); ++it)
            add(item, QString::fromStdString(it.key()), it.value());
        } else if (j.is_array()) {
          for (size_t i = 0; i < j.size(); ++i) {
            QString label = QStringLiteral("[%1]").arg(i);
            if (j[i].is_object() && j[i].contains("cpu"))
              label = QStringLiteral("cpu %1").arg(QString::fromStdString(j[i]["cpu"].dump()));
            else if (j[i].is_object() && j[i].contains("name") && j[i]["name"].is_string())
              label = QString::fromStdString(j[i]["name"].get<std::string>());
            add(item, label, j[i]);
          }
        } else {
          item->setText(1, QString::fromStdString(j.is_string() ? j.get<std::string>() : j.dump()));
          item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
        }
      };
  for (auto it = end.begin(); it != end.end(); ++it)
    if (it.key() != "k") add(nullptr, QString::fromStdString(it.key()), it.value());
  counters_->expandAll();
  counters_->resizeColumnToContents(0);
  counters_->resizeColumnToContents(1);
  counters_->setMinimumWidth(counters_->header()->length() + 2 * counters_->frameWidth() +
                             counters_->verticalScrollBar()->sizeHint().width());
}

} // namespace rxpath::view

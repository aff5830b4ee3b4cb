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
#include <QTableWidget>
#include <QTreeWidget>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
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

QValueAxis* axis(const QString& title, double lo, double hi) {
  auto* a = new QValueAxis;
  a->setTitleText(title);
  a->setRange(lo, hi);
  a->applyNiceNumbers();
  a->setLabelFormat(QStringLiteral("%.4g"));
  return a;
}

// A count axis from 0: ticks at whole numbers (1, 2 or 5 × 10^k apart), never "0 1 1 2".
QValueAxis* count_axis(const QString& title, double top) {
  double step = 1;
  while (top / step > 6) step = step * (QString::number(step).startsWith(QLatin1Char('2')) ? 2.5 : 2);
  auto* a = new QValueAxis;
  a->setTitleText(title);
  a->setRange(0, std::ceil(top / step) * step);
  a->setTickType(QValueAxis::TicksDynamic);
  a->setTickAnchor(0);
  a->setTickInterval(step);
  a->setLabelFormat(QStringLiteral("%.0f"));
  return a;
}

} // namespace

LatencyUnit latency_unit(double max_ns) {
  if (max_ns >= 1e10) return {1e9, QStringLiteral("s")};
  if (max_ns >= 1e7) return {1e6, QStringLiteral("ms")}; // 15000 µs reads 15 ms
  return {1e3, QStringLiteral("µs")};
}

namespace {

// Nearest rank, as `rxpath summary` computes it (trace::Distribution, exact up to 2^20 values).
int64_t percentile(const std::vector<int64_t>& sorted, double q) {
  trace::Distribution d;
  for (int64_t v : sorted) d.add(v);
  return d.quantile(q);
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
  split_ = new QTableWidget(this);
  split_->setObjectName(QStringLiteral("latency_split"));
  split_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  split_->verticalHeader()->hide();
  split_->setColumnCount(9);
  split_->setHorizontalHeaderLabels({tr("latency"), tr("count"), tr("mean"), tr("p50"), tr("p90"), tr("p99"),
                                     tr("p99.9"), tr("max"), tr("from → to")});
  split_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  split_->horizontalHeader()->setStretchLastSection(true);
  split_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  grid_->addWidget(summary_, 0, 0, 1, 3);
  grid_->addWidget(split_, 1, 0, 1, 2); // first: where the time went, as rxpath summary says
  grid_->addWidget(counters_, 1, 2, 3, 1);
  grid_->setColumnStretch(0, 2);
  grid_->setColumnStretch(1, 2);
  grid_->setColumnStretch(2, 1);
  // Computed when first shown: the histogram, CDF and split of millions of events cost as much as
  // the rest of the views together, and a trace is often opened for its timeline alone.
  connect(sel_, &Selection::store_changed, this, [this] {
    dirty_ = true;
    if (isVisible()) refresh();
  });
  refresh();
}

void StatsView::showEvent(QShowEvent* e) {
  if (dirty_) refresh();
  QWidget::showEvent(e);
}

QString StatsView::summary_text() const {
  return summary_->text();
}

void StatsView::refresh() {
  dirty_ = false;
  for (QWidget* w : charts_) delete w;
  charts_.clear();
  counters_->clear();
  split_->setRowCount(0);
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
  grid_->addWidget(charts_[0], 2, 0);
  grid_->addWidget(charts_[1], 2, 1);
  grid_->addWidget(charts_[2], 3, 0, 1, 2);
  fill_split();
  fill_counters();
}

QWidget* StatsView::latency_histogram(const std::vector<int64_t>& sorted) {
  auto* chart = new QChart;
  if (!sorted.empty()) {
    // Up to the 99.5th percentile so one outlier does not squash the rest.
    const LatencyUnit u = latency_unit(double(percentile(sorted, 0.995)));
    const double hi = std::max(1.0, double(percentile(sorted, 0.995))) / u.ns,
                 lo = double(sorted.front()) / u.ns;
    const int bins = 50;
    const double w = std::max((hi - lo) / bins, 1e-3);
    std::vector<int> count(bins, 0);
    for (int64_t v : sorted) count[std::clamp(int((double(v) / u.ns - lo) / w), 0, bins - 1)]++;
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
    auto *x = axis(tr("latency (%1)").arg(u.name), lo, lo + bins * w),
         *y = count_axis(tr("packets"), top * 1.05);
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
    const LatencyUnit u = latency_unit(double(sorted.back()));
    auto* line = new QLineSeries;
    const size_t n = sorted.size(), step = std::max<size_t>(1, n / 800);
    for (size_t i = 0; i < n; i += step)
      line->append(double(sorted[i]) / u.ns, 100.0 * double(i + 1) / double(n));
    line->append(double(sorted.back()) / u.ns, 100.0);
    line->setColor(QColor(0x2f, 0x6f, 0xb0));
    chart->addSeries(line);
    auto* x = axis(tr("latency (%1)").arg(u.name), 0, double(sorted.back()) / u.ns * 1.02);
    auto* y = axis(tr("% of datagrams"), 0, 100);
    y->setLabelFormat(QStringLiteral("%.0f"));
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
    auto* x = count_axis(tr("packets"), top * 1.05);
    chart->addAxis(cats, Qt::AlignLeft);
    chart->addAxis(x, Qt::AlignBottom);
    series->attachAxis(cats);
    series->attachAxis(x);
  }
  return make_view(chart, drops.empty() ? tr("Drops by reason: none") : tr("Drops by reason"));
}

void StatsView::fill_split() {
  // The latency split `rxpath summary` prints, computed as it does (trace::Stats), in the unit
  // its largest value reads best in.
  const trace::StatsResult st = sel_->store()->stats();
  struct Line {
    const char* name;
    const char* help;
    const trace::Percentiles& p;
  };
  std::vector<Line> rows{{"total", "rx_ring_dma of the first frame -> copied to user", st.latency}};
  for (size_t i = 0; i < st.parts.size(); ++i)
    rows.push_back({trace::part_name(trace::Part(i)), trace::part_help(trace::Part(i)), st.parts[i]});
  double most = 0;
  for (const Line& r : rows) most = std::max(most, double(r.p.max));
  const LatencyUnit u = latency_unit(most);
  split_->horizontalHeaderItem(0)->setText(tr("latency, %1").arg(u.name));
  auto cell = [&](int row, int col, const QString& text, bool number) {
    auto* item = new QTableWidgetItem(text);
    if (number) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    split_->setItem(row, col, item);
  };
  auto value = [&](double ns) { return QString::number(ns / u.ns, 'f', u.ns >= 1e6 ? 3 : 2); };
  for (const Line& r : rows) {
    if (r.p.count == 0) continue;
    const int row = split_->rowCount();
    split_->insertRow(row);
    cell(row, 0, QString::fromLatin1(r.name), false);
    cell(row, 1, QString::number(r.p.count), true);
    cell(row, 2, value(r.p.mean), true);
    int col = 3;
    for (int64_t v : {r.p.p50, r.p.p90, r.p.p99, r.p.p999, r.p.max}) cell(row, col++, value(double(v)), true);
    cell(row, 8, QString::fromLatin1(r.help), false);
  }
  split_->resizeColumnsToContents();
  int h = split_->horizontalHeader()->height() + 2 * split_->frameWidth();
  for (int r = 0; r < split_->rowCount(); ++r) h += split_->rowHeight(r);
  split_->setFixedHeight(h);
}

void StatsView::fill_counters() {
  const std::optional<trace::RunSummary>& end = sel_->store()->summary;
  if (!end) {
    new QTreeWidgetItem(counters_, {tr("(no end object: the trace is truncated)")});
    return;
  }
  // The end object as a tree, read through trace::RunSummary, in the end object's order (its
  // keys sorted); the per-CPU and per-socket rows are labelled by their cpu / name.
  auto node = [&](QTreeWidgetItem* parent, const QString& key) {
    auto* item = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(counters_);
    item->setText(0, key);
    return item;
  };
  auto leaf = [&](QTreeWidgetItem* parent, const QString& key, const QString& value) {
    QTreeWidgetItem* item = node(parent, key);
    item->setText(1, value);
    item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
  };
  using Counts = std::vector<std::pair<const char*, int64_t>>;
  auto leaves = [&](QTreeWidgetItem* parent, const Counts& counts) {
    for (const auto& [k, v] : counts) leaf(parent, QLatin1String(k), QString::number(v));
  };
  auto map = [&](QTreeWidgetItem* parent, const std::map<std::string, int64_t>& m) {
    for (const auto& [k, v] : m) leaf(parent, QString::fromStdString(k), QString::number(v));
  };
  auto mibs = [&](const char* key, const std::map<std::string, trace::Mib>& tables) {
    QTreeWidgetItem* item = node(nullptr, QLatin1String(key));
    for (const auto& [name, mib] : tables) map(node(item, QString::fromStdString(name)), mib);
  };
  QTreeWidgetItem* cpu_time = node(nullptr, QStringLiteral("cpu_time_ns"));
  for (const trace::CpuTime& c : end->cpu_time)
    leaves(node(cpu_time, QStringLiteral("cpu %1").arg(c.cpu)), {{"cpu", c.cpu},
                                                                 {"hardirq", c.hardirq},
                                                                 {"idle", c.idle},
                                                                 {"ksoftirqd", c.ksoftirqd},
                                                                 {"process", c.process},
                                                                 {"softirq", c.softirq}});
  leaf(nullptr, QStringLiteral("netfilter_drops"), QString::number(end->netfilter_drops));
  if (!end->netstat.empty()) mibs("netstat", end->netstat); // since schema 2
  leaves(node(nullptr, QStringLiteral("nic")), {{"interrupts", end->nic.interrupts},
                                                {"rx_dropped", end->nic.rx_dropped},
                                                {"rx_missed_errors", end->nic.rx_missed_errors},
                                                {"rx_packets", end->nic.rx_packets}});
  QTreeWidgetItem* packets = node(nullptr, QStringLiteral("packets"));
  leaves(packets, {{"arrived", end->arrived}, {"delivered", end->delivered}});
  map(node(packets, QStringLiteral("dropped")), end->dropped);
  mibs("snmp", end->snmp);
  QTreeWidgetItem* sockets = node(nullptr, QStringLiteral("sockets"));
  for (const trace::SocketCounters& so : end->sockets) {
    QTreeWidgetItem* item = node(sockets, QString::fromStdString(so.name));
    leaves(item, {{"backlog", so.backlog}, {"delivered", so.delivered}, {"drops", so.drops}});
    leaf(item, QStringLiteral("name"), QString::fromStdString(so.name));
    leaves(item, {{"queued", so.queued}, {"truncated", so.truncated}});
  }
  QTreeWidgetItem* softnet = node(nullptr, QStringLiteral("softnet_stat"));
  for (const trace::SoftnetRow& r : end->softnet)
    leaves(node(softnet, QStringLiteral("cpu %1").arg(r.cpu)), {{"cpu", r.cpu},
                                                                {"dropped", r.dropped},
                                                                {"flow_limit_count", r.flow_limit_count},
                                                                {"processed", r.processed},
                                                                {"received_rps", r.received_rps},
                                                                {"time_squeeze", r.time_squeeze}});
  leaf(nullptr, QStringLiteral("t"), QString::number(end->t_ns));
  counters_->expandAll();
  counters_->resizeColumnToContents(0);
  counters_->resizeColumnToContents(1);
  counters_->setMinimumWidth(counters_->header()->length() + 2 * counters_->frameWidth() +
                             counters_->verticalScrollBar()->sizeHint().width());
}

} // namespace rxpath::view

// Statistics of the trace: latency histogram and CDF (latency = the `latency` of deliver events),
// drops by reason, and the end object's counters (softnet_stat, snmp, nic, sockets, CPU time).
#pragma once

#include <QWidget>

class QLabel;
class QTreeWidget;
class QGridLayout;

namespace rxpath::view {

class Selection;

class StatsView : public QWidget {
  Q_OBJECT
public:
  explicit StatsView(Selection* selection, QWidget* parent = nullptr);
  QString summary_text() const;
  QTreeWidget* counters() const { return counters_; }

private:
  void refresh();
  QWidget* latency_histogram(const std::vector<int64_t>& sorted);
  QWidget* latency_cdf(const std::vector<int64_t>& sorted);
  QWidget* drops_chart();
  void fill_counters();

  Selection* sel_;
  QGridLayout* grid_;
  QLabel* summary_;
  QTreeWidget* counters_;
  std::vector<QWidget*> charts_;
};

} // namespace rxpath::view

// Statistics of the trace: latency histogram and CDF (latency = the `latency` of deliver events),
// drops by reason, and the end object's counters (softnet_stat, snmp, nic, sockets, CPU time).
#pragma once

#include <QString>
#include <QWidget>

class QLabel;
class QTableWidget;
class QTreeWidget;
class QGridLayout;

namespace rxpath::view {

class Selection;

// The unit latencies read best in up to max_ns: µs, then ms from 10 ms (15000 µs reads 15 ms).
struct LatencyUnit {
  double ns; // nanoseconds per unit
  QString name;
};
LatencyUnit latency_unit(double max_ns);

class StatsView : public QWidget {
  Q_OBJECT
public:
  explicit StatsView(Selection* selection, QWidget* parent = nullptr);
  QString summary_text() const;
  QTreeWidget* counters() const { return counters_; }
  // The latency split: total, ring wait, backlog wait, softirq, socket queue wait, copy.
  QTableWidget* split_table() const { return split_; }

protected:
  void showEvent(QShowEvent* e) override;

private:
  void refresh();
  QWidget* latency_histogram(const std::vector<int64_t>& sorted);
  QWidget* latency_cdf(const std::vector<int64_t>& sorted);
  QWidget* drops_chart();
  void fill_split();
  void fill_counters();

  Selection* sel_;
  QGridLayout* grid_;
  QLabel* summary_;
  QTreeWidget* counters_;
  QTableWidget* split_;
  std::vector<QWidget*> charts_;
  bool dirty_ = false;
};

} // namespace rxpath::view

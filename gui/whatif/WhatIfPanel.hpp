// The what-if panel: the open trace's scenario (its header's resolved `scenario`) with the knobs
// people turn — budget, weights, rcvbuf, ring size, coalescing, rates — editable; Run re-runs
// the scenario with the changes as a child `rxpath run` (with progress, cancellable) and overlays
// the new latency CDF on the open trace's, with p50/p99/delivered/drops of both.
#pragma once

#include "charts/Charts.hpp"
#include "data/TraceStore.hpp"

#include <nlohmann/json.hpp>

#include <QProcess>
#include <QWidget>

#include <vector>

class QChartView;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTemporaryDir;

namespace rxpath::view {

class WhatIfPanel : public QWidget {
  Q_OBJECT
public:
  // For the open trace: its header's resolved scenario, its delivered latencies for the "before" CDF.
  explicit WhatIfPanel(const TraceStore& trace, QWidget* parent = nullptr);
  ~WhatIfPanel() override;

  // One "--set KEY=VALUE" per field whose value differs from the trace's scenario.
  QStringList set_arguments() const;
  // Sets a field by its scenario key (as the user would type into it); false if there is none.
  bool set_field(const QString& key, double value);
  QString rxpath_binary() const { return rxpath_; }
  void set_rxpath_binary(const QString& path) { rxpath_ = path; }
  QString new_trace() const { return new_trace_; }
  QChartView* cdf_view() const { return cdf_; }
  QTableWidget* summary() const { return summary_; }
  QString status() const;

public slots:
  void run();
  void cancel();

signals:
  // After every run: ok = the new trace was written and overlaid.
  void finished(bool ok);

private:
  struct Field {
    QString key;
    double original;
    QWidget* editor; // QSpinBox or QDoubleSpinBox
    double value() const;
  };
  void add_field(const QString& label, const QString& key, double value, double min, double max,
                 bool integer);
  void on_finished(int code, QProcess::ExitStatus status);
  // The open trace's CDF, and the what-if run's if there is one; the table rows of both.
  void show_cdfs(const charts::Cdf* after);

  QString trace_, rxpath_, new_trace_;
  nlohmann::json scenario_;
  std::vector<Field> fields_;
  QProcess* proc_ = nullptr;
  QTemporaryDir* tmp_ = nullptr;
  // Removes the run's directory (scenario, trace): after a failure, on close and on quit.
  void drop_temporary();
  QPushButton *run_, *cancel_;
  QProgressBar* progress_;
  QLabel* status_;
  QChartView* cdf_;
  QTableWidget* summary_;
  QString stderr_;
  QStringList ran_; // KEY=VALUE of the last run
  charts::Cdf before_;
};

} // namespace rxpath::view

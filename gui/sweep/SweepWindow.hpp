// A sweep's results (`rxpath sweep -o OUT` → OUT.json) in the viewer: latency and drops against
// the swept parameter (one chart per value of the other keys), and the points in a list whose
// ticked entries have their latency CDFs overlaid.
#pragma once

#include "charts/Charts.hpp"

#include <QWidget>

class QChartView;
class QTreeWidget;

namespace rxpath::view {

class SweepWindow : public QWidget {
  Q_OBJECT
public:
  // Throws charts::ChartError when the file is not a sweep's results.
  explicit SweepWindow(const QString& path, QWidget* parent = nullptr);

  const charts::Sweep& sweep() const { return sweep_; }
  QTreeWidget* points() const { return list_; }
  QChartView* cdf_view() const { return cdf_; }
  // Ticks point i (as the user would) and redraws the CDF overlay.
  void tick(int i, bool on);

private:
  void update_cdf();

  charts::Sweep sweep_;
  QTreeWidget* list_;
  QChartView* cdf_;
};

} // namespace rxpath::view

// The event list with its filter bar (packet, function, CPU, context, drop reason, time range).
// Selecting a row selects the event everywhere; selecting an event elsewhere selects its row.
#pragma once

#include "models/EventFilter.hpp"

#include <QWidget>

class QComboBox;
class QLineEdit;
class QTableView;

namespace rxpath::view {

class EventModel;
class Selection;

class EventListView : public QWidget {
  Q_OBJECT
public:
  explicit EventListView(Selection* selection, QWidget* parent = nullptr);
  EventModel* model() const { return model_; }
  QTableView* table() const { return table_; }
  // Filters on the packet (the waterfall's "show its events").
  void filter_packet(int64_t pkt);
  // Filters on what `f` sets of packet, function, CPU, context and drop reason (the timeline's
  // "Filter events by this"); the rest of the filter is cleared.
  void filter_by(const EventFilter& f);

public slots:
  // The timeline's visible range, offered by the "Visible range" button.
  void set_visible_range(double t0, double t1) { visible_ = {t0, t1}; }

private:
  void on_store_changed();
  void apply();
  void on_event_changed();

  Selection* sel_;
  EventModel* model_;
  QTableView* table_;
  QLineEdit *packet_, *from_, *to_;
  QComboBox *fn_, *cpu_, *ctx_, *reason_;
  std::pair<double, double> visible_{0, 0};
  bool syncing_ = false;
};

} // namespace rxpath::view

// The current stage of the followed packet (or the selected event): function, source file,
// context, CPU, time since the packet reached the NIC, the state of the queues at that instant
// and the function's one-line summary from the trace header.
#pragma once

#include <QWidget>

class QLabel;

namespace rxpath::view {

class Selection;

class DetailsPanel : public QWidget {
  Q_OBJECT
public:
  explicit DetailsPanel(Selection* selection, QWidget* parent = nullptr);
  QString packet_text() const;
  // What the keys do, after "Stage K of N" ("N / P to step" in the main window).
  void set_step_hint(const QString& hint) { step_hint_ = hint; }
  QString function_text() const;
  QString summary_text() const;
  QString state_text() const;

private:
  void refresh();

  Selection* sel_;
  QString step_hint_ = tr("N / P to step");
  QLabel *packet_, *stage_, *function_, *file_, *context_, *time_, *since_, *state_, *summary_;
};

} // namespace rxpath::view

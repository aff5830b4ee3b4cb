// The viewer's window: timeline on top, waterfall / event list / statistics below, the details
// of the current stage on the right. Owns the Selection every view shares.
#pragma once

#include "TraceLoadJob.hpp"

#include <QMainWindow>

class QLabel;
class QLineEdit;
class QMenu;
class QProgressBar;
class QPushButton;
class QSplitter;
class QTabWidget;
class QTableView;

namespace rxpath::view {

class CompareWindow;
class DetailsPanel;
class WhatIfPanel;
class EventListView;
class PacketModel;
class Selection;
class StatsView;
class TimelineWidget;

class MainWindow : public QMainWindow {
  Q_OBJECT
public:
  enum class Tab { Packets, Events, Statistics };

  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Loads in the background; the result arrives through on_loaded.
  void open_trace(const QString& path);
  // Loads in this thread (screenshots, tests); false on error (see last_error()).
  bool open_trace_now(const QString& path);
  bool loading() const;
  // File > Reload (F5): the open trace read again, in the background; the lanes stay hidden or
  // pinned as they were. Nothing when no trace is open.
  void reload();
  // The absolute path of the open trace, empty when none is.
  QString trace_path() const { return path_; }
  // A sweep's results (OUT.json) in their own window; nullptr (and an error dialog) if not one.
  QWidget* open_sweep(const QString& path);
  // The open trace and `path` side by side; nullptr (and an error dialog) if `path` cannot be read.
  CompareWindow* compare_with(const QString& path);
  // The what-if panel for the open trace.
  WhatIfPanel* what_if();

  QString last_error() const { return last_error_; }
  QString last_error_title() const { return last_error_title_; }
  QString banner_text() const;
  Selection* selection() const { return sel_; }
  TimelineWidget* timeline() const { return timeline_; }
  DetailsPanel* details() const { return details_; }
  EventListView* event_list() const { return events_; }
  StatsView* stats() const { return stats_; }
  PacketModel* packet_model() const { return packets_; }
  QTableView* waterfall() const { return waterfall_; }
  void show_tab(Tab t);
  // Find (Ctrl+F): selects the next (or previous) event matching `text` (a packet id, a drop
  // reason or part of a function name); false when none does. The status says which of how many.
  bool find(const QString& text, bool forward = true);
  QString find_status() const;

signals:
  // After every load attempt, successful or not.
  void load_finished(bool ok);

protected:
  // A trace file dropped on the window is opened.
  void dragEnterEvent(QDragEnterEvent* e) override;
  void dropEvent(QDropEvent* e) override;

private:
  void build_actions();
  void build_views();
  void choose_file();
  void on_loaded(const QString& path, const LoadResult& r);
  void add_recent(const QString& path);
  void fill_recent_menu();
  void update_status();
  void on_packet_changed();
  void go_to_time();
  // The lanes' hidden / pinned choices belong to one file: a store of another drops them.
  void keep_lane_choices_for(const QString& path);

  Selection* sel_;
  TraceLoadJob* job_;
  TimelineWidget* timeline_ = nullptr;
  DetailsPanel* details_ = nullptr;
  EventListView* events_ = nullptr;
  StatsView* stats_ = nullptr;
  PacketModel* packets_ = nullptr;
  QTableView* waterfall_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  QSplitter* split_ = nullptr;
  QLabel* banner_ = nullptr;
  QLabel* info_ = nullptr;
  QLabel* markers_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QMenu* recent_ = nullptr;
  QLineEdit* find_ = nullptr;
  QLabel* find_status_ = nullptr;
  QString last_error_, last_error_title_;
  QString path_;       // the open trace
  QString lanes_path_; // the file the timeline's lane choices were made on
};

} // namespace rxpath::view

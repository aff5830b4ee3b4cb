// Steering the main window as a user does: find (function, packet id, drop reason) with next and
// previous, go to a time, keys that work without a click first, desktop shortcuts, and a window
// that fits a 1024 px screen.
#include "TraceGenerator.hpp"
#include "app/MainWindow.hpp"
#include "app/Selection.hpp"
#include "models/EventSearch.hpp"
#include "timeline/TimelineWidget.hpp"
#include "views/EventListView.hpp"

#include <QAction>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QScrollArea>
#include <QScrollBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace rxpath::view;
namespace tr = rxpath::trace;

class TestSteering : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString path_;

  static QAction* action_with_shortcut(QWidget& w, const QKeySequence& key) {
    for (QAction* a : w.findChildren<QAction*>())
      if (a->shortcut() == key) return a;
    return nullptr;
  }
  // The entry of a right-click menu (or of one of its submenus) whose text starts with `prefix`.
  static QAction* menu_action(QMenu* m, const QString& prefix) {
    for (QAction* a : m->actions()) {
      if (a->text().startsWith(prefix)) return a;
      if (a->menu())
        if (QAction* b = menu_action(a->menu(), prefix)) return b;
    }
    return nullptr;
  }

  // Opens the generated trace in `w`, sized. Shown: on the screen and exposed, as a user has it
  // (its timeline sized by the scroll area). Not shown: the timeline as tall as its rows, so that
  // every lane can be pointed at.
  [[nodiscard]] bool open(MainWindow& w, QSize size = {1200, 800}, bool shown = false) {
    w.resize(size);
    if (shown) {
      w.show();
      if (!QTest::qWaitForWindowExposed(&w)) return false;
    }
    if (!w.open_trace_now(path_)) return false;
    if (!shown) w.timeline()->resize(size.width(), std::max(600, w.timeline()->minimumHeight()));
    return true;
  }

private slots:
  void initTestCase() {
    path_ = dir_.filePath(QStringLiteral("flow.jsonl"));
    testgen::FlowOptions opt;
    opt.packets = 300;
    testgen::write_flow(path_.toStdString(), opt);
  }

  void find_a_function_steps_through_its_events() {
    MainWindow w;
    QVERIFY(open(w));
    const TraceStore& s = *w.selection()->store();
    const size_t n = std::count_if(s.events.begin(), s.events.end(),
                                   [](const StoredEvent& e) { return e.fn == tr::Fn::IpRcv; });
    QVERIFY(n > 10);
    QVERIFY(w.find(QStringLiteral("IP_RCV_FIN"), true));
    const int64_t first = w.selection()->event();
    QCOMPARE(s.events[first].fn, tr::Fn::IpRcvFinish);
    QVERIFY(w.find_status().contains(QStringLiteral("1 of")));
    QVERIFY(w.find(QStringLiteral("IP_RCV_FIN"), true));
    const int64_t second = w.selection()->event();
    QVERIFY(second > first);
    QCOMPARE(s.events[second].fn, tr::Fn::IpRcvFinish);
    QVERIFY(w.find_status().contains(QStringLiteral("2 of")));
    QVERIFY(w.find(QStringLiteral("IP_RCV_FIN"), false)); // previous: back to the first
    QCOMPARE(w.selection()->event(), first);
    QVERIFY(!w.find(QStringLiteral("no_such_function_anywhere")));
    QVERIFY(w.find_status().contains(QStringLiteral("no match")));
  }

  void find_a_packet_and_a_drop_reason() {
    MainWindow w;
    QVERIFY(w.open_trace_now(path_));
    const TraceStore& s = *w.selection()->store();
    QVERIFY(w.find(QStringLiteral("42")));
    QCOMPARE(s.events[w.selection()->event()].pkt, 42);
    QVERIFY(w.selection()->packet_record());
    QCOMPARE(w.selection()->packet_record()->id, int64_t(42));
    // The generator drops at the ring: every match is such a drop, in time order.
    QVERIFY(w.find(QStringLiteral("nic_ring_full")));
    const int64_t a = w.selection()->event();
    QCOMPARE(s.events[a].kind, tr::Kind::Drop);
    QCOMPARE(s.events[a].reason, tr::DropReason::NicRingFull);
    QVERIFY(w.find(QStringLiteral("nic_ring_full")));
    QVERIFY(w.selection()->event() > a);
    QCOMPARE(s.events[w.selection()->event()].reason, tr::DropReason::NicRingFull);
  }

  void go_to_time_reads_units() {
    QCOMPARE(parse_time_ns(QStringLiteral("12.5 ms")).value_or(-1), 12.5e6);
    QCOMPARE(parse_time_ns(QStringLiteral("300us")).value_or(-1), 3e5);
    QCOMPARE(parse_time_ns(QStringLiteral("1 500")).value_or(-1), 1500.0);
    QVERIFY(!parse_time_ns(QStringLiteral("soon")));
    MainWindow w;
    QVERIFY(w.open_trace_now(path_));
    w.timeline()->set_range(0, 20000);
    w.timeline()->go_to(100000);
    const auto& g = w.timeline()->geometry_model();
    QCOMPARE((g.start() + g.end()) / 2, 100000.0);
    QCOMPARE(g.duration(), 20000.0);
  }

  void keys_steer_the_timeline_without_a_click() {
    MainWindow w;
    QVERIFY(open(w, {1200, 800}, true));
    const auto& g = w.timeline()->geometry_model();
    const double fitted = g.duration();
    // W zooms in wherever the focus is (here on the waterfall, not on the timeline).
    w.waterfall()->setFocus();
    QTest::keyClick(w.waterfall(), Qt::Key_W);
    QVERIFY(g.duration() < fitted);
    const double start = g.start();
    QTest::keyClick(w.waterfall(), Qt::Key_D);
    QVERIFY(g.start() > start);
    QTest::keyClick(w.waterfall(), Qt::Key_A);
    QCOMPARE(g.start(), start);
    // After a load the timeline has the focus: the arrows pan at once.
    QVERIFY(w.open_trace_now(path_));
    QVERIFY(w.timeline()->hasFocus());
    QTest::keyClick(w.timeline(), Qt::Key_W);
    const double s2 = g.start();
    QTest::keyClick(w.timeline(), Qt::Key_Right);
    QVERIFY(g.start() > s2);
  }

  void right_click_menu_zooms_to_the_span_and_follows_the_packet() {
    MainWindow w;
    QVERIFY(open(w));
    const TraceStore& s = *w.selection()->store();
    TimelineWidget* tl = w.timeline();
    int row = -1;
    for (size_t r = 0; r < s.rows.size(); ++r)
      if (s.rows[r].kind == RowKind::Softirq && !s.rows[r].spans[0].events.empty()) row = static_cast<int>(r);
    QVERIFY(row >= 0);
    const StoredEvent& span = s.events[s.rows[row].spans[0].events[3]];
    const double t0 = double(span.t), t1 = double(s.span_end(span));
    tl->set_range(t0 - 4 * (t1 - t0), t1 + 4 * (t1 - t0));
    const auto& b = tl->row_layout().band_of_row(row);
    const QPoint at(TimelineWidget::kLabelWidth + int(tl->geometry_model().map_time_to_x((t0 + t1) / 2)),
                    b.top + 2 + tl->span_height() / 2);
    std::unique_ptr<QMenu> menu(tl->context_menu(at));
    QAction* zoom = menu_action(menu.get(), QStringLiteral("Zoom to"));
    QVERIFY(zoom);
    zoom->trigger();
    const auto& g = tl->geometry_model();
    QVERIFY(g.start() <= t0 && g.end() >= t1);
    QVERIFY(g.duration() < 1.2 * (t1 - t0));
    // Over a stage of a packet: follow it.
    const StoredEvent& stage = s.events[s.stages_begin(s.packets[7])[0]];
    tl->set_range(double(stage.t) - 2000, double(stage.t) + 2000);
    const int srow = s.row_of_event[s.stages_begin(s.packets[7])[0]];
    const QPoint sat(TimelineWidget::kLabelWidth + int(g.map_time_to_x(double(stage.t))),
                     tl->row_layout().tick_y(srow));
    std::unique_ptr<QMenu> menu2(tl->context_menu(sat));
    QAction* follow = menu_action(menu2.get(), QStringLiteral("Follow packet"));
    QVERIFY(follow);
    follow->trigger();
    QVERIFY(w.selection()->packet_record());
  }

  void lanes_hide_show_and_pin_from_the_menu() {
    MainWindow w;
    QVERIFY(open(w, {1200, 700}, true));
    const TraceStore& s = *w.selection()->store();
    TimelineWidget* tl = w.timeline();
    int softirq = -1, socket = -1;
    for (size_t r = 0; r < s.rows.size(); ++r) {
      if (s.rows[r].kind == RowKind::Softirq && softirq < 0) softirq = static_cast<int>(r);
      if (s.rows[r].kind == RowKind::Socket) socket = static_cast<int>(r);
    }
    QVERIFY(softirq >= 0 && socket >= 0);
    const int height = tl->row_layout().height();
    // Hide the softirq lane from its right-click menu: it takes no room.
    const QPoint on_softirq(TimelineWidget::kLabelWidth + 50, tl->row_layout().band_of_row(softirq).top + 3);
    std::unique_ptr<QMenu> m1(tl->context_menu(on_softirq));
    QAction* hide = menu_action(m1.get(), QStringLiteral("Hide lane softirq"));
    QVERIFY(hide);
    hide->trigger();
    QVERIFY(!tl->row_layout().find_band_of_row(softirq));
    QVERIFY(tl->row_layout().height() < height);
    // Any menu offers it back.
    std::unique_ptr<QMenu> m2(tl->context_menu(QPoint(TimelineWidget::kLabelWidth + 50, 5)));
    QAction* back = menu_action(m2.get(), QStringLiteral("CPU 0 softirq"));
    QVERIFY(back);
    back->trigger();
    QVERIFY(tl->row_layout().find_band_of_row(softirq));
    QCOMPARE(tl->row_layout().height(), height);
    // Pin the socket lane: it moves under the axis and stays there while the timeline scrolls.
    const QPoint on_socket(TimelineWidget::kLabelWidth + 50, tl->row_layout().band_of_row(socket).top + 3);
    std::unique_ptr<QMenu> m3(tl->context_menu(on_socket));
    QAction* pin = menu_action(m3.get(), QStringLiteral("Pin lane"));
    QVERIFY(pin);
    pin->trigger();
    const RowLayout::Band& pinned = tl->row_layout().band_of_row(socket);
    QVERIFY(pinned.pinned);
    QCOMPARE(pinned.top, RowLayout::kAxisHeight);
    auto* scroll = qobject_cast<QScrollArea*>(tl->parentWidget()->parentWidget());
    QVERIFY(scroll);
    w.timeline()->set_span_height(40); // tall rows: more than the window holds
    QApplication::processEvents();
    QVERIFY(scroll->verticalScrollBar()->maximum() > 100);
    scroll->verticalScrollBar()->setValue(100);
    QApplication::processEvents();
    QCOMPARE(tl->view_top(), 100);
    // What is under the top of the view is the pinned socket lane, not the row scrolled there.
    const QImage img = tl->grab(QRect(0, 100, tl->width(), RowLayout::kAxisHeight + 46)).toImage();
    const QRgb rmem_fill = QColor(0xd5, 0xe8, 0xd0).rgb();
    int green = 0;
    for (int x = TimelineWidget::kLabelWidth; x < img.width(); ++x)
      green += img.pixel(x, img.height() - 4) == rmem_fill;
    QVERIFY2(green > 0, "the pinned socket lane is not at the top of the view");
    // And the pointer there finds the socket lane's samples (its counter), not another row's events.
    const int64_t under =
        tl->event_at(QPoint(TimelineWidget::kLabelWidth + 50, 100 + RowLayout::kAxisHeight + 20));
    QVERIFY(under >= 0);
    const Row& sock = s.rows[socket];
    QVERIFY(std::binary_search(sock.counter.begin(), sock.counter.end(), static_cast<uint32_t>(under)) ||
            std::find(sock.points.begin(), sock.points.end(), static_cast<uint32_t>(under)) !=
                sock.points.end());
  }

  void hidden_and_pinned_lanes_survive_a_reload() {
    MainWindow w;
    QVERIFY(open(w, {1200, 700}, true));
    TimelineWidget* tl = w.timeline();
    auto row_of = [&](RowKind kind) {
      const TraceStore& s = *w.selection()->store();
      for (size_t r = 0; r < s.rows.size(); ++r)
        if (s.rows[r].kind == kind) return static_cast<int>(r);
      return -1;
    };
    const QPoint on_softirq(TimelineWidget::kLabelWidth + 50,
                            tl->row_layout().band_of_row(row_of(RowKind::Softirq)).top + 3);
    std::unique_ptr<QMenu> m1(tl->context_menu(on_softirq));
    QAction* hide = menu_action(m1.get(), QStringLiteral("Hide lane softirq"));
    QVERIFY(hide);
    hide->trigger();
    tl->set_lane(row_of(RowKind::Socket), LaneState::Pinned);
    auto check = [&](const char* when) {
      const int softirq = row_of(RowKind::Softirq), socket = row_of(RowKind::Socket);
      QVERIFY2(tl->lane(softirq) == LaneState::Hidden, when);
      QVERIFY2(!tl->row_layout().find_band_of_row(softirq), when);
      QVERIFY2(tl->lane(socket) == LaneState::Pinned, when);
      QVERIFY2(tl->row_layout().band_of_row(socket).pinned, when);
      QCOMPARE(tl->row_layout().band_of_row(socket).top, RowLayout::kAxisHeight);
      QCOMPARE(tl->hidden_lanes().size(), size_t{1});
      QCOMPARE(tl->lane(row_of(RowKind::Nic)), LaneState::Shown);
    };
    check("before the reload");
    // The same file opened again: a new store, the same lanes.
    const TraceStore* first = w.selection()->store();
    QVERIFY(w.open_trace_now(path_));
    QVERIFY(w.selection()->store() != first);
    check("after opening the same file again");
    // File > Reload (F5), which loads in the background like File > Open.
    QAction* reload = action_with_shortcut(w, QKeySequence(Qt::Key_F5));
    QVERIFY(reload);
    QVERIFY(reload->text().contains(QStringLiteral("Reload")));
    QSignalSpy done(&w, &MainWindow::load_finished);
    const TraceStore* second = w.selection()->store();
    reload->trigger();
    QVERIFY(done.wait(10000));
    QCOMPARE(done.front().front().toBool(), true);
    QVERIFY(w.selection()->store() != second);
    check("after File > Reload");
    // Another file starts with every lane shown.
    const QString other = dir_.filePath(QStringLiteral("other.jsonl"));
    QVERIFY(QFile::copy(path_, other));
    QVERIFY(w.open_trace_now(other));
    QVERIFY(tl->hidden_lanes().empty());
    QCOMPARE(tl->lane(row_of(RowKind::Socket)), LaneState::Shown);
  }

  void filter_events_by_this_from_the_menu() {
    MainWindow w;
    QVERIFY(open(w));
    const TraceStore& s = *w.selection()->store();
    TimelineWidget* tl = w.timeline();
    // A drop: filter by its reason; the event list keeps those drops only.
    uint32_t drop = 0;
    while (drop < s.events.size() && s.events[drop].kind != tr::Kind::Drop) ++drop;
    QVERIFY(drop < s.events.size());
    const StoredEvent& d = s.events[drop];
    tl->set_range(double(d.t) - 2000, double(d.t) + 2000);
    const QPoint at(TimelineWidget::kLabelWidth + int(tl->geometry_model().map_time_to_x(double(d.t))),
                    tl->row_layout().tick_y(s.row_of_event[drop]));
    std::unique_ptr<QMenu> menu(tl->context_menu(at));
    QAction* by_reason = menu_action(menu.get(), QStringLiteral("Filter events by drop reason"));
    QVERIFY(by_reason);
    by_reason->trigger();
    QAbstractItemModel* m = w.event_list()->table()->model();
    size_t want = 0;
    for (const StoredEvent& e : s.events) want += e.kind == tr::Kind::Drop && e.reason == d.reason;
    QCOMPARE(static_cast<size_t>(m->rowCount()), want);
  }

  void selected_range_counts_cpu_time_packets_and_drops() {
    MainWindow w;
    QVERIFY(w.open_trace_now(path_));
    const TraceStore& s = *w.selection()->store();
    // Half of the run: the busy time is the spans' time inside it, clipped at the edges.
    const int64_t t0 = s.t_min, t1 = (s.t_min + s.t_max) / 2;
    for (size_t r = 0; r < s.rows.size(); ++r) {
      int64_t want = 0;
      for (uint32_t i : s.rows[r].spans[0].events)
        want += std::max<int64_t>(0, std::min(t1, s.span_end(s.events[i])) - std::max(t0, s.events[i].t));
      QCOMPARE(s.busy_between(r, t0, t1), want);
    }
    size_t arrived = 0, drops = 0;
    for (const PacketRecord& p : s.packets) arrived += p.arrival >= t0 && p.arrival < t1;
    for (const StoredEvent& e : s.events) drops += e.kind == tr::Kind::Drop && e.t >= t0 && e.t < t1;
    QVERIFY(arrived > 0 && drops > 0);
    QCOMPARE(s.packets_arrived_between(t0, t1), arrived);
    QCOMPARE(s.drops_between(t0, t1), drops);
  }

  void desktop_shortcuts_and_a_narrow_screen() {
    MainWindow w;
    QVERIFY(w.open_trace_now(path_));
    QAction* close = action_with_shortcut(w, QKeySequence::Close);
    QVERIFY(close);
    QVERIFY(close->text().contains(QStringLiteral("Close")));
    QAction* find = action_with_shortcut(w, QKeySequence::Find);
    QVERIFY(find);
    QVERIFY(find->text().contains(QStringLiteral("Find")));
    QVERIFY2(w.minimumSizeHint().width() <= 1024, qPrintable(QString::number(w.minimumSizeHint().width())));
    w.resize(1024, 700);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.width() <= 1024);
  }
};

QTEST_MAIN(TestSteering)
#include "test_steering.moc"

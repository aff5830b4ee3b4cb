// Comparing runs in the viewer: two traces side by side, a sweep's results, and the what-if panel
// re-running the open trace's scenario. Traces come from the real rxpath.
#include "app/MainWindow.hpp"
#include "app/Selection.hpp"
#include "compare/CompareWindow.hpp"
#include "sweep/SweepWindow.hpp"
#include "timeline/TimelineWidget.hpp"
#include "views/DetailsPanel.hpp"
#include "whatif/WhatIfPanel.hpp"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QProcess>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

#include <fstream>

using namespace rxpath::view;

namespace {

const QString kRxpath = QStringLiteral(RXPATH_BINARY_DIR "/rxpath");
const QString kScenario = QStringLiteral(RXPATH_SOURCE_DIR "/scenarios/rcvbuf-overflow.json");

void run_rxpath(const QStringList& args) {
  QProcess p;
  p.start(kRxpath, args);
  QVERIFY(p.waitForFinished(120000));
  QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
}

// The same traffic twice: B with a socket buffer large enough that nothing is dropped.
void two_traces(const QTemporaryDir& dir) {
  run_rxpath({"run", kScenario, "-q", "-o", dir.filePath("a.jsonl"), "--set", "traffic.0.count=2000"});
  run_rxpath({"run", kScenario, "-q", "-o", dir.filePath("b.jsonl"), "--set", "traffic.0.count=2000", "--set",
              "sockets.server.so_rcvbuf_bytes=400000", "--set", "net.core.rmem_max=1000000"});
}

} // namespace

class TestCompare : public QObject {
  Q_OBJECT
  QTemporaryDir dir_; // a.jsonl and b.jsonl, made once for every test

  // A main window with a.jsonl open and b.jsonl compared with it (nullptr if either fails).
  std::unique_ptr<CompareWindow> compare(MainWindow& w) {
    if (!w.open_trace_now(dir_.filePath("a.jsonl"))) return nullptr;
    return std::unique_ptr<CompareWindow>(w.compare_with(dir_.filePath("b.jsonl")));
  }

private slots:
  void initTestCase() { two_traces(dir_); }

  void two_traces_share_the_axis_and_the_packet() {
    MainWindow w;
    const auto c = compare(w);
    QVERIFY(c);
    QVERIFY(c->warning().isEmpty());
    // The values the kernel used, not the scenario's -1 for "not set".
    QVERIFY2(c->differences().contains(
                 QStringLiteral("sockets.server.so_rcvbuf_bytes: not set (sk_rcvbuf 212992 = "
                                "net.core.rmem_default) → 400000 (sk_rcvbuf 800000)")),
             qPrintable(c->differences()));
    QVERIFY(!c->differences().contains(QStringLiteral("-1")));
    // Zooming A moves B to the same range.
    c->timeline(0)->set_range(1e6, 2e6);
    QCOMPARE(c->timeline(1)->geometry_model().start(), c->timeline(0)->geometry_model().start());
    QCOMPARE(c->timeline(1)->geometry_model().end(), c->timeline(0)->geometry_model().end());
    QVERIFY(std::abs(c->timeline(0)->geometry_model().start() - 1e6) < 1);
    // Selecting packet 1500 in B selects packet 1500 in A.
    const auto idx = c->selection(1)->store()->packet_index(1500);
    QVERIFY(idx);
    c->selection(1)->select_packet(static_cast<int>(*idx));
    QVERIFY(c->selection(0)->packet_record());
    QCOMPARE(c->selection(0)->packet_record()->id, 1500);
    // A dropped what B delivered: the table has every packet, and the filter shows those.
    QAbstractItemModel* t = c->table()->model();
    QCOMPARE(t->rowCount(), 2000);
    int differ = 0;
    for (int r = 0; r < t->rowCount(); ++r)
      differ += t->index(r, 1).data().toString().startsWith(QLatin1String("dropped SOCKET_RCVBUFF")) &&
                t->index(r, 2).data().toString().startsWith(QLatin1String("delivered"));
    QVERIFY(differ > 100);
    c->findChild<QCheckBox*>()->setChecked(true);
    QCOMPARE(t->rowCount(), differ);
  }

  void a_click_on_a_stage_selects_the_packet_in_both_and_n_p_step() {
    MainWindow w;
    const auto c = compare(w);
    QVERIFY(c);
    c->resize(1600, 1000);
    QVERIFY(QTest::qWaitForWindowExposed(c.get()));
    QCOMPARE(c->packet_id(), -1);
    // A stage of packet 600 in softirq, zoomed in around it.
    const TraceStore& a = *c->selection(0)->store();
    const PacketRecord& p = a.packets[*a.packet_index(600)];
    uint32_t ev = 0;
    for (uint32_t k = 0; k < p.stage_count && !ev; ++k)
      if (a.events[a.stages_begin(p)[k]].ctx == rxpath::trace::Ctx::Softirq) ev = a.stages_begin(p)[k];
    QVERIFY(ev);
    const double t = static_cast<double>(a.events[ev].t);
    TimelineWidget* tl = c->timeline(0);
    tl->set_range(t - 2000, t + 2000);
    // The socket lanes are pinned at the top, in view.
    const int row = a.row_of_event[ev];
    int socket_row = -1;
    for (size_t r = 0; r < a.rows.size(); ++r)
      if (a.rows[r].kind == RowKind::Socket) socket_row = static_cast<int>(r);
    QVERIFY(tl->row_layout().band_of_row(socket_row).pinned);
    QVERIFY(tl->row_layout().band_of_row(socket_row).top < tl->row_layout().band_of_row(row).top);
    const QPoint at(TimelineWidget::kLabelWidth + static_cast<int>(tl->geometry_model().map_time_to_x(t)),
                    tl->row_layout().tick_y(row));
    QTest::mouseClick(tl, Qt::LeftButton, {}, at);
    QCOMPARE(c->selection(0)->packet_record() ? c->selection(0)->packet_record()->id : -1, 600);
    QCOMPARE(c->selection(1)->packet_record() ? c->selection(1)->packet_record()->id : -1, 600);
    // Both details panels show the packet; A's the clicked stage.
    QVERIFY2(c->details(0)->packet_text().startsWith(QStringLiteral("600 — ")),
             qPrintable(c->details(0)->packet_text()));
    QVERIFY(c->details(1)->packet_text().startsWith(QStringLiteral("600 — ")));
    QVERIFY(
        c->details(0)->function_text().startsWith(QString::fromStdString(a.function(a.events[ev].fn).name)));
    QCOMPARE(c->table()->currentIndex().siblingAtColumn(0).data().toLongLong(), 600);
    // N / P: the next and previous packet of the table, in both.
    QTest::keyClick(c.get(), Qt::Key_N);
    QCOMPARE(c->selection(0)->packet_record()->id, 601);
    QCOMPARE(c->selection(1)->packet_record()->id, 601);
    QVERIFY(c->details(1)->packet_text().startsWith(QStringLiteral("601 — ")));
    QTest::keyClick(c.get(), Qt::Key_P);
    QTest::keyClick(c.get(), Qt::Key_P);
    QCOMPARE(c->selection(0)->packet_record()->id, 599);
    // With the filter, N goes to the next packet whose fate differs.
    c->findChild<QCheckBox*>()->setChecked(true);
    QTest::keyClick(c.get(), Qt::Key_N);
    const PacketRecord* pa = c->selection(0)->packet_record();
    const PacketRecord* pb = c->selection(1)->packet_record();
    QVERIFY(pa && pb);
    QVERIFY(pa->fate != pb->fate);
  }

  void a_broken_second_trace_leaves_the_first_open() {
    std::ofstream(dir_.filePath("bad.jsonl").toStdString()) << "{not json\n";
    MainWindow w;
    QVERIFY(w.open_trace_now(dir_.filePath("a.jsonl")));
    QVERIFY(!w.compare_with(dir_.filePath("bad.jsonl")));
    QVERIFY(w.last_error().contains(QStringLiteral("bad.jsonl")));
    QVERIFY(w.selection()->store());
    QVERIFY(QString::fromStdString(w.selection()->store()->path).endsWith(QLatin1String("a.jsonl")));
  }

  void sweep_results_overlay_the_ticked_points() {
    QTemporaryDir dir;
    run_rxpath({"sweep", kScenario, "--set", "traffic.0.count=1000", "--set",
                "sockets.server.so_rcvbuf_bytes=16384,65536,262144", "--set", "net.core.rmem_max=1000000",
                "-j", "2", "-o", dir.filePath("sw")});
    SweepWindow s(dir.filePath("sw.json"));
    QCOMPARE(s.points()->topLevelItemCount(), 3);
    QCOMPARE(s.cdf_view()->chart()->series().size(), 0);
    s.tick(0, true);
    s.tick(2, true);
    QCOMPARE(s.cdf_view()->chart()->series().size(), 2);
    s.tick(0, false);
    QCOMPARE(s.cdf_view()->chart()->series().size(), 1);
  }

  void what_if_reruns_with_the_changes_and_overlays_the_cdf() {
    const QTemporaryDir& dir = dir_;
    MainWindow w;
    QVERIFY(w.open_trace_now(dir.filePath("a.jsonl")));
    WhatIfPanel* p = w.what_if();
    QVERIFY(p);
    QVERIFY(p->set_arguments().isEmpty()); // nothing changed yet
    QVERIFY(p->set_field(QStringLiteral("sockets.server.so_rcvbuf_bytes"), 400000));
    QVERIFY(p->set_field(QStringLiteral("net.core.rmem_max"), 1000000));
    QCOMPARE(p->set_arguments(), QStringList({"--set", "net.core.rmem_max=1000000", "--set",
                                              "sockets.server.so_rcvbuf_bytes=400000"}));
    p->set_rxpath_binary(kRxpath); // the test runs from its own directory, not rxpath-view's
    QSignalSpy done(p, &WhatIfPanel::finished);
    p->run();
    QVERIFY(done.size() == 1 || done.wait(120000));
    QCOMPARE(done.takeFirst().at(0).toBool(), true);
    QCOMPARE(p->cdf_view()->chart()->series().size(), 2);
    // The same numbers as b.jsonl, run with the same settings from the command line.
    const auto b = rxpath::charts::read_trace_cdf(dir.filePath("b.jsonl").toStdString());
    QCOMPARE(p->summary()->item(1, 2)->text().toLongLong(), static_cast<qlonglong>(b.ns.size()));
    QCOMPARE(p->summary()->item(1, 3)->text().toLongLong(), static_cast<qlonglong>(b.dropped));
    QVERIFY(p->summary()->item(0, 3)->text().toInt() > b.dropped); // the larger buffer dropped fewer
    QVERIFY(QFile::exists(p->new_trace()));

    // A refused value: rxpath's message (without its progress lines), and the CDFs stay.
    const QString fake = dir.filePath("fake-rxpath");
    std::ofstream(fake.toStdString())
        << "#!/bin/sh\necho 'progress 0.5' >&2\n"
           "echo 'scenario.json: nic.ring_size: expected at most 4096' >&2\nexit 2\n";
    QFile::setPermissions(fake, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    p->set_rxpath_binary(fake);
    p->run();
    QVERIFY(done.wait(60000));
    QCOMPARE(done.takeFirst().at(0).toBool(), false);
    QVERIFY2(p->status().contains(QStringLiteral("refused")), qPrintable(p->status()));
    QVERIFY(p->status().contains(QStringLiteral("nic.ring_size: expected at most 4096")));
    QVERIFY(!p->status().contains(QStringLiteral("progress")));
    QCOMPARE(p->cdf_view()->chart()->series().size(), 2);

    // A run that cannot start says so.
    p->set_rxpath_binary(dir.filePath("no-such-rxpath"));
    p->run();
    QCOMPARE(done.size(), 1);
    QCOMPARE(done.takeFirst().at(0).toBool(), false);
    QVERIFY(p->status().contains(QStringLiteral("Cannot start")));
    delete p;
  }
};

QTEST_MAIN(TestCompare)
#include "test_compare.moc"

// Following a packet: open a one-packet trace, select the packet, step through every stage with
// N and check the details panel names each stage's function in order; P steps back.
#include "TraceGenerator.hpp"
#include "app/MainWindow.hpp"
#include "app/Screenshot.hpp"
#include "app/Selection.hpp"
#include "data/TraceStore.hpp"
#include "views/DetailsPanel.hpp"

#include <QApplication>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QImage>
#include <QMimeData>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace rxpath::view;

class TestFollow : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

  // Steps through every stage of the trace's only packet with the N key.
  QStringList step_through(MainWindow& w) {
    w.selection()->select_packet(0, 0);
    QStringList seen{w.details()->function_text()};
    const int n = static_cast<int>(w.selection()->packet_record()->stage_count);
    for (int k = 1; k < n; ++k) {
      QTest::keyClick(&w, Qt::Key_N);
      seen << w.details()->function_text();
    }
    QTest::keyClick(&w, Qt::Key_N); // past the end: stays on the last stage
    [&] { QCOMPARE(w.selection()->stage(), n - 1); }();
    return seen;
  }

private slots:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  // Dropping a trace file on the window opens it.
  void drop_opens_a_trace() {
    const QString path = dir_.filePath(QStringLiteral("dropped.jsonl"));
    testgen::write_one_packet(path.toStdString());
    MainWindow w;
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QSignalSpy loaded(&w, &MainWindow::load_finished);
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &drop);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(loaded.first().first().toBool(), true);
    w.selection()->select_packet(0, 0);
    QCOMPARE(w.details()->function_text(), QStringLiteral("rx_ring_dma"));
  }

  void steps_through_a_generated_packet() {
    const QString path = dir_.filePath(QStringLiteral("one.jsonl"));
    const auto expected = testgen::write_one_packet(path.toStdString());
    MainWindow w;
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.open_trace_now(path));
    const QStringList seen = step_through(w);
    QCOMPARE(seen.size(), qsizetype(expected.size()));
    for (qsizetype k = 0; k < seen.size(); ++k)
      QVERIFY2(seen[k].section(QLatin1Char(' '), 0, 0) == QString::fromStdString(expected[k]),
               qPrintable(seen[k] + " != " + QString::fromStdString(expected[k])));
    QCOMPARE(seen.first(), QStringLiteral("rx_ring_dma"));
    QCOMPARE(seen[4], QStringLiteral("ip_rcv"));
    QCOMPARE(seen[5], QStringLiteral("nf_hook_slow (PRE_ROUTING)"));
    QCOMPARE(seen.last(), QStringLiteral("skb_copy_datagram_msg"));
    // The summary comes from the header's function catalogue; the state from the events.
    QVERIFY(w.details()->summary_text().contains(QLatin1String("Copies the datagram")));
    QVERIFY(w.details()->state_text().contains(QLatin1String("rmem     2304")));
    QVERIFY(w.details()->state_text().contains(QLatin1String("rcvbuf   13824")));
    QTest::keyClick(&w, Qt::Key_P);
    QCOMPARE(w.details()->function_text(), QStringLiteral("__skb_recv_datagram"));
  }

  // The simulator's reference walkthrough, when the source tree has it.
  void steps_through_the_reference_walkthrough() {
    const QString path = QStringLiteral(RXPATH_SOURCE_DIR "/traces/walkthrough.trace.jsonl");
    if (!QFile::exists(path)) QSKIP("traces/walkthrough.trace.jsonl is not there");
    MainWindow w;
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.open_trace_now(path));
    const QStringList seen = step_through(w);
    QCOMPARE(seen.first(), QStringLiteral("rx_ring_dma"));
    QVERIFY(seen.contains(QStringLiteral("udp_rcv")));
    QVERIFY(seen.indexOf(QStringLiteral("ip_rcv")) < seen.indexOf(QStringLiteral("udp_rcv")));
    QVERIFY(seen.indexOf(QStringLiteral("sock_queue_rcv_skb")) <
            seen.indexOf(QStringLiteral("skb_copy_datagram_msg")));
  }

  void clicking_an_event_on_the_timeline_follows_its_packet() {
    const QString path = dir_.filePath(QStringLiteral("one.jsonl"));
    testgen::write_one_packet(path.toStdString());
    MainWindow w;
    w.show();
    QVERIFY(w.open_trace_now(path));
    const TraceStore* s = w.selection()->store();
    w.selection()->select_event(static_cast<int64_t>(s->stages_begin(s->packets[0])[3]));
    QCOMPARE(w.selection()->packet(), 0);
    QCOMPARE(w.selection()->stage(), 3);
  }

  void screenshot_writes_a_png() {
    const QString path = dir_.filePath(QStringLiteral("flow.jsonl"));
    testgen::write_flow(path.toStdString());
    ScreenshotOptions opt;
    opt.trace = path;
    opt.out = dir_.filePath(QStringLiteral("shot.png"));
    opt.packet = 3;
    opt.stage = 5;
    opt.size = QSize(1600, 900);
    QCOMPARE(take_screenshot(opt), 0);
    QImage img(opt.out);
    QCOMPARE(img.size(), QSize(1600, 900));
  }
};

QTEST_MAIN(TestFollow)
#include "test_follow.moc"

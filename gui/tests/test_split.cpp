// Statistics: the latency split `rxpath summary` prints (ring wait, socket queue wait, ...) is in
// the Statistics tab with the same numbers, and the axes read as a user expects.
#include "app/MainWindow.hpp"
#include "app/Selection.hpp"
#include "views/StatsView.hpp"

#include <QChart>
#include <QChartView>
#include <QHeaderView>
#include <QProcess>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QValueAxis>
#include <QtTest>

#include <cmath>

using namespace rxpath::view;

class TestSplit : public QObject {
  Q_OBJECT
private slots:
  void the_split_matches_rxpath_summary() {
    QTemporaryDir dir;
    const QString trace = dir.filePath("t.jsonl");
    QProcess run;
    run.start(QStringLiteral(RXPATH_BINARY_DIR "/rxpath"),
              {"run", RXPATH_SOURCE_DIR "/scenarios/rcvbuf-overflow.json", "-q", "-o", trace, "--set",
               "traffic.0.count=2000"});
    QVERIFY(run.waitForFinished(120000) && run.exitCode() == 0);
    QProcess sum;
    sum.start(QStringLiteral(RXPATH_BINARY_DIR "/rxpath"), {"summary", trace});
    QVERIFY(sum.waitForFinished(60000) && sum.exitCode() == 0);
    const QString text = QString::fromUtf8(sum.readAllStandardOutput());

    MainWindow w;
    w.resize(1024, 700);
    w.show();
    QVERIFY(w.open_trace_now(trace));
    w.show_tab(MainWindow::Tab::Statistics);
    QApplication::processEvents();
    QTableWidget* t = w.stats()->split_table();
    QVERIFY(t->rowCount() >= 4);
    QCOMPARE(t->horizontalHeaderItem(0)->text(), QStringLiteral("latency, µs")); // 2000 packets: a few ms
    int matched = 0;
    for (int r = 0; r < t->rowCount(); ++r) {
      // The CLI's row: "  NAME  count mean p50 p90 p99 p99.9 max  help", in µs.
      const QString name = t->item(r, 0)->text();
      QString line;
      for (const QString& l : text.split(QLatin1Char('\n')))
        if (line.isEmpty() && l.startsWith(QStringLiteral("  ") + name + QStringLiteral("  "))) line = l;
      QVERIFY2(!line.isEmpty(), qPrintable(name));
      const QStringList cols = line.mid(2 + name.size()).split(QLatin1Char(' '), Qt::SkipEmptyParts);
      for (int c = 1; c <= 7; ++c)
        QVERIFY2(std::abs(t->item(r, c)->text().toDouble() - cols[c - 1].toDouble()) < 0.011,
                 qPrintable(QStringLiteral("%1 column %2: %3 vs %4")
                                .arg(name)
                                .arg(c)
                                .arg(t->item(r, c)->text(), cols[c - 1])));
      ++matched;
    }
    QVERIFY(matched >= 4);
    QCOMPARE(t->item(0, 0)->text(), QStringLiteral("total"));
    QVERIFY(!t->findItems(QStringLiteral("socket queue wait"), Qt::MatchExactly).isEmpty());
    QVERIFY(!t->findItems(QStringLiteral("ring wait"), Qt::MatchExactly).isEmpty());
  }

  void count_axes_tick_at_whole_numbers() {
    // The walkthrough delivers one datagram: its histogram's count axis was "0 1 1 2".
    MainWindow w;
    w.show();
    QVERIFY(w.open_trace_now(QStringLiteral(RXPATH_SOURCE_DIR "/traces/walkthrough.trace.jsonl")));
    w.show_tab(MainWindow::Tab::Statistics);
    QApplication::processEvents();
    int axes = 0;
    for (QChartView* v : w.stats()->findChildren<QChartView*>())
      for (QAbstractAxis* a : v->chart()->axes(Qt::Vertical))
        if (auto* va = qobject_cast<QValueAxis*>(a); va && va->titleText() == QLatin1String("packets")) {
          ++axes;
          QCOMPARE(va->tickType(), QValueAxis::TicksDynamic);
          QVERIFY(va->tickInterval() >= 1);
          QCOMPARE(va->tickInterval(), std::round(va->tickInterval()));
          QCOMPARE(va->min(), 0.0);
          QVERIFY(va->max() >= 1);
        }
    QCOMPARE(axes, 1);
  }

  void long_latencies_read_in_ms() {
    QCOMPARE(latency_unit(15000e3).name, QStringLiteral("ms")); // 15000 µs
    QCOMPARE(latency_unit(15000e3).ns, 1e6);
    QCOMPARE(latency_unit(9000e3).name, QStringLiteral("µs"));
  }
};

QTEST_MAIN(TestSplit)
#include "test_split.moc"

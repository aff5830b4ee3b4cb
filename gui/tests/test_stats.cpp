// Statistics: every end-of-run counter is shown whole, with the value the end object holds.
#include "app/MainWindow.hpp"
#include "app/Selection.hpp"
#include "views/StatsView.hpp"

#include <QFile>
#include <QHeaderView>
#include <QTreeWidget>
#include <QtTest>

using namespace rxpath::view;

class TestStats : public QObject {
  Q_OBJECT
private slots:
  void no_counter_is_clipped_and_each_matches_the_end_object() {
    // The reference trace has the simulator's whole end object (softnet_stat, snmp, cpu_time_ns).
    const QString path = QStringLiteral(RXPATH_SOURCE_DIR "/traces/walkthrough.trace.jsonl");
    MainWindow w;
    w.resize(1024, 700);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.open_trace_now(path));
    w.show_tab(MainWindow::Tab::Statistics);
    QApplication::processEvents();
    QTreeWidget* tree = w.stats()->counters();
    // The end object as the file has it (its last line), against the tree read through RunSummary.
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    const nlohmann::json end = nlohmann::json::parse(lines.last().toStdString());
    QCOMPARE(end.value("k", ""), std::string("end"));
    QFontMetrics fm(tree->font());
    int leaves = 0;
    // Walk the tree and the end object together: each leaf's text is the end object's value and
    // its column is wide enough for it.
    std::function<void(QTreeWidgetItem*, const nlohmann::json&)> walk = [&](QTreeWidgetItem* item,
                                                                            const nlohmann::json& j) {
      if (j.is_object() || j.is_array()) {
        QCOMPARE(item->childCount(), static_cast<int>(j.size()));
        int k = 0;
        for (auto it = j.begin(); it != j.end(); ++it, ++k) walk(item->child(k), *it);
        return;
      }
      ++leaves;
      const QString want = QString::fromStdString(j.is_string() ? j.get<std::string>() : j.dump());
      QCOMPARE(item->text(1), want);
      QVERIFY2(tree->columnWidth(1) >= fm.horizontalAdvance(want),
               qPrintable(QStringLiteral("%1 in %2 px").arg(want).arg(tree->columnWidth(1))));
    };
    int top = 0;
    for (auto it = end.begin(); it != end.end(); ++it) {
      if (it.key() == "k") continue;
      walk(tree->topLevelItem(top++), it.value());
    }
    QVERIFY(leaves > 10);
    // And the tree shows both columns whole.
    QVERIFY(tree->width() >= tree->header()->length());
  }
};

QTEST_MAIN(TestStats)
#include "test_stats.moc"

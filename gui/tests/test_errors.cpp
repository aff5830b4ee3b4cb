// Broken traces open with a clear message and never crash: not JSON, another schema version,
// truncated (opens up to the last complete event and says so), an unknown function mid-file.
#include "TraceGenerator.hpp"
#include "app/MainWindow.hpp"
#include "app/Selection.hpp"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace rxpath::view;

class TestErrors : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

  // Opens in the background, as File → Open does, and waits for the result.
  bool open(MainWindow& w, const QString& path) {
    QSignalSpy done(&w, &MainWindow::load_finished);
    w.open_trace(path);
    if (!done.wait(20000)) return false;
    return done.at(0).at(0).toBool();
  }

private slots:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  void not_json() {
    const QString p = dir_.filePath(QStringLiteral("notes.txt"));
    testgen::write_text(p.toStdString(), "hello, I am not a trace\n");
    MainWindow w;
    QVERIFY(!open(w, p));
    QCOMPARE(w.last_error_title(), QStringLiteral("Not an rxpath trace"));
    QCOMPARE(w.last_error(), p + ":1: not an rxpath trace: the first line is not a JSON object");
    QVERIFY(w.findChild<QWidget*>(QStringLiteral("load_error")));
    QVERIFY(!w.selection()->store());
  }
  void json_but_not_a_trace() {
    const QString p = dir_.filePath(QStringLiteral("other.json"));
    testgen::write_text(p.toStdString(), "{\"name\":\"walkthrough\",\"cpus\":2}\n");
    MainWindow w;
    QVERIFY(!open(w, p));
    QVERIFY(w.last_error().contains(QLatin1String("not an rxpath trace: the header has no \"format\"")));
  }
  void empty_file() {
    const QString p = dir_.filePath(QStringLiteral("empty.jsonl"));
    testgen::write_text(p.toStdString(), "");
    MainWindow w;
    QVERIFY(!open(w, p));
    QVERIFY(w.last_error().contains(QLatin1String("empty")));
  }
  void missing_file() {
    MainWindow w;
    QVERIFY(!open(w, dir_.filePath(QStringLiteral("nope.jsonl"))));
    QCOMPARE(w.last_error_title(), QStringLiteral("Cannot open the file"));
  }
  void other_schema_version() {
    const QString p = dir_.filePath(QStringLiteral("v2.jsonl"));
    testgen::write_other_version(p.toStdString(), 99);
    MainWindow w;
    QVERIFY(!open(w, p));
    QCOMPARE(w.last_error_title(), QStringLiteral("Unsupported trace schema version"));
    // The versions this build reads are the trace library's (trace/Event.hpp): the message names them.
    QCOMPARE(w.last_error(), p + QStringLiteral(":1: schema version 99 is not supported (this build reads "
                                                "versions %1 to %2)")
                                     .arg(rxpath::trace::kOldestSchemaVersion)
                                     .arg(rxpath::trace::kSchemaVersion));
  }
  void truncated_opens_with_a_banner() {
    const QString p = dir_.filePath(QStringLiteral("cut.jsonl"));
    testgen::FlowOptions opt;
    opt.packets = 50;
    opt.with_end = false;
    testgen::write_flow(p.toStdString(), opt);
    MainWindow w;
    QVERIFY(open(w, p));
    QVERIFY(w.last_error().isEmpty());
    QVERIFY(w.selection()->store()->truncated);
    QVERIFY2(w.banner_text().contains(QLatin1String("Truncated trace")), qPrintable(w.banner_text()));
    QVERIFY(w.banner_text().contains(QLatin1String("up to the last complete event, line")));
    QVERIFY(!w.selection()->store()->events.empty());
  }
  void bad_event_names_its_line() {
    const QString good = dir_.filePath(QStringLiteral("good.jsonl"));
    testgen::write_one_packet(good.toStdString());
    QFile f(good);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QList<QByteArray> lines = f.readAll().split('\n');
    f.close();
    lines[3] = R"({"t":5,"k":"stage","cpu":0,"ctx":"softirq","fn":"tcp_v4_rcv","pkt":0})";
    const QString p = dir_.filePath(QStringLiteral("bad.jsonl"));
    testgen::write_text(p.toStdString(), lines.join('\n').toStdString());
    MainWindow w;
    QVERIFY(!open(w, p));
    QVERIFY2(w.last_error().startsWith(p + ":4: key \"fn\": unknown value \"tcp_v4_rcv\""),
             qPrintable(w.last_error()));
    QCOMPARE(w.last_error_title(), QStringLiteral("Invalid trace"));
  }
};

QTEST_MAIN(TestErrors)
#include "test_errors.moc"

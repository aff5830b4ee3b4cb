// Every QAbstractItemModel of the viewer passes QAbstractItemModelTester, also while filtering and
// sorting.
#include "TraceGenerator.hpp"
#include "data/TraceLoader.hpp"
#include "models/EventModel.hpp"
#include "models/PacketModel.hpp"

#include <QAbstractItemModelTester>
#include <QTemporaryDir>
#include <QTest>

using namespace rxpath::view;

class TestModels : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::shared_ptr<const TraceStore> store_;

private slots:
  void initTestCase() {
    const std::string p = dir_.filePath(QStringLiteral("flow.jsonl")).toStdString();
    testgen::FlowOptions opt;
    opt.packets = 120;
    testgen::write_flow(p, opt);
    store_ = TraceLoader::load(p);
  }
  void packet_model() {
    PacketModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.set_store(store_);
    QCOMPARE(m.rowCount(), 120);
    m.sort(PacketModel::Latency, Qt::DescendingOrder);
    double prev = 1e300;
    for (int r = 0; r < m.rowCount(); ++r) {
      const double lat = m.index(r, 0).data(PacketModel::SortRole).toDouble();
      const int pi = m.index(r, 0).data(PacketModel::PacketIndexRole).toInt();
      QCOMPARE(m.row_of_packet(pi), r);
      QVERIFY(double(store_->packets[pi].latency) <= prev);
      prev = double(store_->packets[pi].latency);
      Q_UNUSED(lat);
    }
    m.sort(PacketModel::Fate);
    m.set_store(nullptr);
    QCOMPARE(m.rowCount(), 0);
  }
  void event_model() {
    EventModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.set_store(store_);
    QCOMPARE(m.rowCount(), int(store_->events.size()));
    EventFilter f;
    f.packet = 5;
    m.set_filter(f);
    QVERIFY(m.rowCount() > 10);
    for (int r = 0; r < m.rowCount(); ++r) QCOMPARE(m.index(r, EventModel::Packet).data().toInt(), 5);
    f = {};
    f.drops_only = true;
    m.set_filter(f);
    for (int r = 0; r < m.rowCount(); ++r)
      QVERIFY(!m.index(r, EventModel::Reason).data().toString().isEmpty());
    f = {};
    f.reason = rxpath::trace::DropReason::NetfilterDrop;
    m.set_filter(f);
    QCOMPARE(m.rowCount(), 120 / 17);
    f = {};
    f.cpu = 1;
    f.ctx = rxpath::trace::Ctx::Process;
    f.t_from = 0;
    f.t_to = 50000;
    m.set_filter(f);
    QVERIFY(m.rowCount() > 0);
    const int64_t ev = m.event_of_row(0);
    QCOMPARE(m.row_of_event(ev), 0);
    QCOMPARE(m.row_of_event(0), -1); // filtered out: the first event is the NIC's irq_raise
    m.set_store(nullptr);
  }
};

QTEST_MAIN(TestModels)
#include "test_models.moc"

// A multi-queue NIC (trace format 4): a lane per RX queue with that queue's ring fill, its
// interrupt's ticks and its drops; the packet details name the queue RSS chose. A one-queue trace
// keeps its single NIC lane.
#include "TraceGenerator.hpp"
#include "app/Selection.hpp"
#include "data/TraceLoader.hpp"
#include "timeline/TimelineWidget.hpp"
#include "views/DetailsPanel.hpp"

#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

#include <random>

using namespace rxpath::view;

namespace {

std::vector<int> queue_rows(const TraceStore& s) {
  std::vector<int> out;
  for (size_t r = 0; r < s.rows.size(); ++r)
    if (s.rows[r].kind == RowKind::NicQueue) out.push_back(static_cast<int>(r));
  return out;
}

bool is_fill(QRgb p) {
  const QColor c(p);
  return std::abs(c.red() - 0xcf) <= 3 && std::abs(c.green() - 0xd8) <= 3 && std::abs(c.blue() - 0xe6) <= 3;
}

} // namespace

class TestQueues : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  unsigned seed_ = std::random_device{}();

private slots:
  void initTestCase() { qInfo("seed %u", seed_); }

  void one_lane_per_queue_with_its_fills_irqs_and_drops() {
    const std::string path = dir_.filePath("mq.jsonl").toStdString();
    const auto truth = testgen::write_multiqueue(path, seed_, 4, 3, 6);
    auto s = TraceLoader::load(path);
    QVERIFY(s->multi_queue());
    QCOMPARE(s->queues, 4);
    const std::vector<int> rows = queue_rows(*s);
    QCOMPARE(rows.size(), size_t(4));
    for (const Row& r : s->rows) QVERIFY(r.kind != RowKind::Nic); // every NIC event has its queue
    for (int q = 0; q < 4; ++q) {
      const Row& row = s->rows[rows[q]];
      QCOMPARE(row.index, q); // in queue order
      QCOMPARE(s->queue_rows[q], rows[q]);
      const testgen::QueueTruth& want = truth[q];
      std::vector<std::pair<int64_t, int64_t>> fills;
      for (uint32_t i : row.counter)
        fills.emplace_back(s->events[i].t, s->value(s->events[i], field("ring")));
      QCOMPARE(fills, want.fills);
      std::vector<int64_t> irqs;
      for (uint32_t i : row.irqs) irqs.push_back(s->events[i].t);
      QCOMPARE(irqs, want.irqs);
      QCOMPARE(static_cast<int>(row.drops.size()), want.drops);
      for (uint32_t i : row.drops) QCOMPARE(s->events[i].reason, rxpath::trace::DropReason::NicRingFull);
      QCOMPARE(row.irq_cpu, q == 3 ? -1 : q); // queue 3 is idle: no interrupt at all
    }
    QVERIFY(s->rows[rows[3]].counter.empty());

    // On the timeline, in order under one heading, named with their interrupt's CPU.
    Selection sel;
    sel.set_store(s);
    TimelineWidget w(&sel);
    w.resize(1400, std::max(700, w.minimumHeight()));
    const RowLayout& lay = w.row_layout();
    QCOMPARE(lay.band_of_row(rows[1]).label, QStringLiteral("queue 1 → CPU 1"));
    QCOMPARE(lay.band_of_row(rows[3]).label, QStringLiteral("queue 3"));
    for (int q = 1; q < 4; ++q) QVERIFY(lay.band_of_row(rows[q]).top > lay.band_of_row(rows[q - 1]).top);

    // Zoomed to the stretch between a queue's interrupt and its poll, its lane is filled to the
    // ring fill its interrupt saw (of 16), and the idle queue's lane stays empty.
    std::mt19937 rng(seed_);
    const int q = std::uniform_int_distribution<int>(0, 2)(rng);
    const int b = std::uniform_int_distribution<int>(0, static_cast<int>(truth[q].irqs.size()) - 1)(rng);
    const int64_t t_irq = truth[q].irqs[b];
    int64_t ring = -1;
    for (auto [t, v] : truth[q].fills)
      if (t == t_irq) ring = v;
    w.set_range(double(t_irq) + 50, double(t_irq) + 1050);
    QImage img(w.size(), QImage::Format_RGB32);
    w.render(&img);
    const RowLayout::Band& band = lay.band_of_row(rows[q]);
    const int x = TimelineWidget::kLabelWidth + 300;
    int filled = 0;
    for (int y = band.top; y < band.top + band.height; ++y) filled += is_fill(img.pixel(x, y));
    const double h = band.height - 12, want = std::min(1.0, ring / 16.0) * (h - 2);
    qInfo("queue %d after its interrupt: %d px filled, ring %lld of 16 is %.1f px", q, filled,
          static_cast<long long>(ring), want);
    QVERIFY2(std::abs(filled - want) <= 2,
             qPrintable(QStringLiteral("queue %1: %2 px filled, ring %3 of 16 is %4 px")
                            .arg(q)
                            .arg(filled)
                            .arg(ring)
                            .arg(want)));
    const RowLayout::Band& idle = lay.band_of_row(rows[3]);
    for (int y = idle.top; y < idle.top + idle.height - 1; ++y) QVERIFY(!is_fill(img.pixel(x, y)));

    // The queue's ring fill is the state of its packets' later stages, not another queue's.
    const int64_t pkt = truth[q].packets.front();
    const PacketRecord& p = s->packets[*s->packet_index(pkt)];
    QCOMPARE(int(p.queue), q);
    for (uint32_t k = 1; k < p.stage_count; ++k) {
      const uint32_t i = s->stages_begin(p)[k];
      if (s->events[i].fn != rxpath::trace::Fn::NapiGroReceive) continue;
      const uint32_t cqe = s->stages_begin(p)[k - 1];
      QCOMPARE(s->state_at(i)[field("ring")], s->value(s->events[cqe], field("ring")));
    }
  }

  void details_name_the_queue() {
    const std::string path = dir_.filePath("mq2.jsonl").toStdString();
    const auto truth = testgen::write_multiqueue(path, seed_ + 1, 4, 0, 3);
    Selection sel;
    sel.set_store(TraceLoader::load(path));
    DetailsPanel details(&sel);
    for (int q = 1; q < 4; ++q) {
      const int64_t pkt = truth[q].packets.back();
      sel.select_packet(static_cast<int>(*sel.store()->packet_index(pkt)), 0);
      QVERIFY2(details.packet_text().contains(QStringLiteral("RX queue %1 (RSS)").arg(q)),
               qPrintable(details.packet_text()));
    }
  }

  void one_queue_trace_has_no_queue_lanes() {
    const std::string path = dir_.filePath("flow.jsonl").toStdString();
    testgen::write_flow(path);
    Selection sel;
    sel.set_store(TraceLoader::load(path));
    const TraceStore& s = *sel.store();
    QVERIFY(!s.multi_queue());
    QVERIFY(queue_rows(s).empty());
    QVERIFY(s.queue_rows.empty());
    QCOMPARE(s.rows[0].kind, RowKind::Nic);
    QCOMPARE(s.rows[0].counter, s.ring_series);
    TimelineWidget w(&sel);
    QCOMPARE(w.row_layout().band_of_row(0).label, QStringLiteral("NIC ring"));
    QCOMPARE(w.row_layout().band_of_row(0).height, RowLayout::kCounterRowHeight);
    DetailsPanel details(&sel);
    sel.select_packet(0, 0);
    QVERIFY(!details.packet_text().contains(QStringLiteral("queue")));
  }
};

QTEST_MAIN(TestQueues)
#include "test_queues.moc"

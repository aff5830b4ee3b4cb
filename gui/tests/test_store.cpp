// Loading a generated trace into the TraceStore: order, rows, packets, state, compactness.
#include "TraceGenerator.hpp"
#include "data/TraceLoader.hpp"

#include <QTemporaryDir>
#include <QTest>

using namespace rxpath::view;

class TestStore : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::string path(const char* name) { return dir_.filePath(QLatin1String(name)).toStdString(); }

private slots:
  void events_are_sorted_and_every_row_is_in_time_order() {
    testgen::write_flow(path("flow.jsonl"));
    auto s = TraceLoader::load(path("flow.jsonl"));
    QVERIFY(!s->truncated);
    QVERIFY(s->summary.has_value());
    for (size_t i = 1; i < s->events.size(); ++i) QVERIFY(s->events[i - 1].t <= s->events[i].t);
    for (const Row& r : s->rows) {
      for (size_t k = 1; k < r.points.size(); ++k)
        QVERIFY(s->events[r.points[k - 1]].t <= s->events[r.points[k]].t);
      for (const auto& l : r.spans)
        for (size_t k = 1; k < l.max_end.size(); ++k) QVERIFY(l.max_end[k - 1] <= l.max_end[k]);
    }
  }
  void bins_agree_with_the_events() {
    // Enough spans and points for every row's bins (kMinEventsForBins), over an odd time range.
    testgen::FlowOptions opt;
    opt.packets = 6000, opt.burst = 4;
    testgen::write_flow(path("flow.jsonl"), opt);
    auto s = TraceLoader::load(path("flow.jsonl"));
    const BinGrid& g = s->bins;
    QCOMPARE(g.edge(0), s->t_min);
    QCOMPARE(g.edge(BinGrid::kBins), s->t_max + 1);
    // first_at_or_after(t) is the first bin whose edge is at or after t.
    for (double t : {-5.0, 0.0, 0.5, 1.0, double(s->t_max) / 3, double(s->t_max) / 3 + 0.5, double(s->t_max),
                     double(s->t_max) + 1, double(s->t_max) + 9}) {
      const int b = g.first_at_or_after(t);
      QVERIFY(b == BinGrid::kBins || double(g.edge(b)) >= t);
      QVERIFY(b == 0 || double(g.edge(b - 1)) < t);
    }
    size_t binned_lists = 0;
    for (size_t r = 0; r < s->rows.size(); ++r) {
      const Row& row = s->rows[r];
      for (const SpanList& l : row.spans) {
        if (l.bins.empty()) continue;
        ++binned_lists;
        // Each edge's covered time is that of the spans begun before it.
        for (int b = 0; b <= BinGrid::kBins; b += 97) {
          const int64_t t = g.edge(b);
          size_t k = 0;
          while (k < l.events.size() && s->events[l.events[k]].t < t) ++k;
          QCOMPARE(l.bins.covered[b], l.covered_before(t, k));
        }
      }
      if (!row.point_bins.first.empty())
        for (int b = 0; b < BinGrid::kBins; b += 31) {
          auto it = std::partition_point(row.points.begin(), row.points.end(),
                                         [&](uint32_t i) { return s->events[i].t < g.edge(b); });
          const bool in_bin = it != row.points.end() && s->events[*it].t < g.edge(b + 1);
          QCOMPARE(row.point_bins.first[b], in_bin ? *it : PointBins::kNone);
        }
    }
    QVERIFY(binned_lists >= 4); // the softirq row's three depths, the thread's
  }
  void rows_follow_the_header() {
    testgen::write_flow(path("flow.jsonl"));
    auto s = TraceLoader::load(path("flow.jsonl"));
    QStringList names;
    for (const Row& r : s->rows) names << QString::fromStdString(r.name);
    QCOMPARE(names, QStringList({"NIC", "hardirq", "softirq", "ksoftirqd", "hardirq", "softirq", "ksoftirqd",
                                 "thread app", "socket server"}));
  }
  void packets_have_their_stages_and_fate() {
    testgen::FlowOptions opt;
    opt.packets = 100;
    testgen::write_flow(path("flow.jsonl"), opt);
    auto s = TraceLoader::load(path("flow.jsonl"));
    QCOMPARE(s->packets.size(), size_t(100));
    int delivered = 0, dropped = 0;
    for (const auto& p : s->packets) {
      delivered += p.fate == Fate::Delivered;
      dropped += p.fate == Fate::Dropped;
      const uint32_t* st = s->stages_begin(p);
      QCOMPARE(s->events[st[0]].fn, rxpath::trace::Fn::RxRingDma);
      for (uint32_t k = 1; k < p.stage_count; ++k) QVERIFY(s->events[st[k - 1]].t <= s->events[st[k]].t);
    }
    QCOMPARE(delivered + dropped, 100);
    QVERIFY(dropped > 3);
    QCOMPARE(s->packets[16].reason, rxpath::trace::DropReason::NetfilterDrop);
    QCOMPARE(s->packets[28].reason, rxpath::trace::DropReason::NicRingFull);
  }
  void state_at_an_instant() {
    testgen::write_one_packet(path("one.jsonl"));
    auto s = TraceLoader::load(path("one.jsonl"));
    const auto& p = s->packets.at(0);
    const uint32_t* st = s->stages_begin(p);
    // At udp_rcv the socket is still empty; the packet is off the ring.
    uint32_t udp_rcv = 0;
    for (uint32_t k = 0; k < p.stage_count; ++k)
      if (s->events[st[k]].fn == rxpath::trace::Fn::UdpRcv) udp_rcv = st[k];
    const StateAt a = s->state_at(udp_rcv);
    QCOMPARE(a[field("ring")], 0);
    QCOMPARE(a[field("rcvbuf")], 13824);
    QCOMPARE(a[field("rmem")], -1);
    const StateAt b = s->state_at(st[p.stage_count - 1]);
    QCOMPARE(b[field("rmem")], 2304);
    QCOMPARE(b[field("qlen")], 0);
  }
  void compact() {
    testgen::FlowOptions opt;
    opt.packets = 3000;
    testgen::write_flow(path("big.jsonl"), opt);
    auto s = TraceLoader::load(path("big.jsonl"));
    QVERIFY2(s->bytes_per_event() <= 200, qPrintable(QString::number(s->bytes_per_event())));
  }
  void progress_and_cancel() {
    testgen::FlowOptions opt;
    opt.packets = 3000;
    testgen::write_flow(path("big.jsonl"), opt);
    double last = -1;
    bool monotonic = true;
    TraceLoader::load(path("big.jsonl"), [&](double f) {
      monotonic = monotonic && f >= last;
      last = f;
      return true;
    });
    QVERIFY(monotonic);
    QCOMPARE(last, 1.0);
    QVERIFY_THROWS_EXCEPTION(LoadCancelled,
                             TraceLoader::load(path("big.jsonl"), [](double) { return false; }));
  }
};

QTEST_GUILESS_MAIN(TestStore)
#include "test_store.moc"

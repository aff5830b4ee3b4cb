// Receiver threads: each has its own timeline row with its own spans and stages, also when two
// share a CPU (the trace's `thread` field on process-context spans and stages).
#include "TraceGenerator.hpp"
#include "app/Selection.hpp"
#include "data/TraceLoader.hpp"
#include "timeline/TimelineWidget.hpp"

#include <QImage>
#include <QTemporaryDir>
#include <QTest>

using namespace rxpath::view;
namespace tr = rxpath::trace;

class TestThreads : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::shared_ptr<const TraceStore> store_;

  std::vector<int> thread_rows() const {
    std::vector<int> rows;
    for (size_t r = 0; r < store_->rows.size(); ++r)
      if (store_->rows[r].kind == RowKind::Thread) rows.push_back(static_cast<int>(r));
    return rows;
  }

  // Columns of the band's first span depth with something painted on the row's background.
  static int painted_columns(const QImage& img, const RowLayout::Band& b) {
    int n = 0;
    const int y = b.top + 2 + RowLayout::kSpanHeight / 2;
    for (int x = TimelineWidget::kLabelWidth; x < img.width(); ++x) {
      const QRgb c = img.pixel(x, y);
      n += c != qRgb(0xff, 0xff, 0xff) && c != qRgb(0xfb, 0xfb, 0xfb);
    }
    return n;
  }

private slots:
  void initTestCase() {
    testgen::FlowOptions opt;
    opt.packets = 400;
    opt.receivers = 2;
    const std::string path = dir_.filePath(QStringLiteral("two.jsonl")).toStdString();
    testgen::write_flow(path, opt);
    store_ = TraceLoader::load(path);
  }

  void two_receivers_on_one_cpu_get_two_rows() {
    QStringList names;
    for (const Row& r : store_->rows) names << QString::fromStdString(r.name);
    QCOMPARE(names, QStringList({"NIC", "hardirq", "softirq", "ksoftirqd", "hardirq", "softirq", "ksoftirqd",
                                 "thread app", "thread app2", "socket server"}));
    const auto rows = thread_rows();
    QCOMPARE(rows.size(), size_t(2));
    for (int r : rows) QCOMPARE(store_->rows[r].cpu, 1);
  }

  void each_row_has_only_its_threads_spans_and_stages() {
    for (int r : thread_rows()) {
      const Row& row = store_->rows[r];
      size_t spans = 0;
      for (const auto& l : row.spans) {
        spans += l.events.size();
        for (uint32_t i : l.events)
          QCOMPARE(int(store_->value(store_->events[i], field("thread"))), row.index);
      }
      for (uint32_t i : row.points)
        QCOMPARE(int(store_->value(store_->events[i], field("thread"))), row.index);
      // Both threads worked: udp_recvmsg and app_work spans, and their datagrams' stages.
      QVERIFY2(spans > 40, qPrintable(QString::number(spans)));
      QVERIFY(row.points.size() > 40);
      // Within one thread the spans do not overlap, so they all sit at the first depth.
      QCOMPARE(row.spans[0].events.size(), spans);
    }
  }

  void each_row_paints_and_picks_its_own_spans() {
    Selection sel;
    sel.set_store(store_);
    TimelineWidget w(&sel);
    RowLayout layout;
    layout.build(*store_);
    w.resize(1000, layout.height());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    // About ten datagrams' worth, where both threads alternate.
    const StoredEvent& mid = store_->events[store_->events.size() / 2];
    w.set_range(double(mid.t), double(mid.t) + 60000);
    QImage img(w.size(), QImage::Format_RGB32);
    w.render(&img);
    for (int r : thread_rows()) {
      const RowLayout::Band& b = layout.band_of_row(r);
      QVERIFY2(painted_columns(img, b) > 100, qPrintable(QString::number(painted_columns(img, b))));
      // Whatever is under the pointer in this row belongs to this row's thread.
      int hits = 0;
      for (int x = TimelineWidget::kLabelWidth; x < w.width(); x += 7) {
        const int64_t e = w.event_at(QPoint(x, b.top + 2 + w.span_height() / 2));
        if (e < 0) continue;
        ++hits;
        QCOMPARE(int(store_->value(store_->events[e], field("thread"))), store_->rows[r].index);
        QVERIFY(store_->events[e].is_span());
      }
      QVERIFY(hits > 10);
    }
    // The other rows of that CPU stay empty.
    for (size_t r = 0; r < store_->rows.size(); ++r)
      if (store_->rows[r].cpu == 1 && store_->rows[r].kind != RowKind::Thread)
        QCOMPARE(painted_columns(img, layout.band_of_row(static_cast<int>(r))), 0);
  }
};

QTEST_MAIN(TestThreads)
#include "test_threads.moc"

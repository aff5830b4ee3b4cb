// The scheduler on thread rows (trace format 3): one row per task of the header, its states
// (running, runnable, sleeping) where the switches and wake-ups put them, painted as such and
// honest zoomed out, and switches that read "prev → next (why)".
#include "TraceGenerator.hpp"
#include "app/MainWindow.hpp"
#include "app/Selection.hpp"
#include "data/EventText.hpp"
#include "data/TraceLoader.hpp"
#include "timeline/Palette.hpp"
#include "timeline/TimelineWidget.hpp"
#include "views/DetailsPanel.hpp"

#include <QImage>
#include <QTemporaryDir>
#include <QTest>

using namespace rxpath::view;
namespace tr = rxpath::trace;

namespace {

// The generated trace's tasks (testgen::write_sched).
constexpr int kKsoftirqd0 = 2, kKsoftirqd1 = 3, kApp = 4, kStress = 5, kSender = 6;

int row_of_task(const TraceStore& s, int task) {
  for (size_t r = 0; r < s.rows.size(); ++r)
    if (s.rows[r].task == task) return static_cast<int>(r);
  return -1;
}

// Of the state strip's pixels in column x: those of the running colour, and those of the
// runnable one (its pale fill or its hatching).
std::pair<int, int> strip_pixels(const QImage& img, const RowLayout::Band& b, int task, int x) {
  int running = 0, waiting = 0;
  const QRgb run = task_color(task).rgb(), wait = task_waiting_color(task).rgb(),
             hatch = task_color(task).darker(115).rgb();
  for (int y = b.top + 2; y < b.spans_top() - 1; ++y) {
    const QRgb c = img.pixel(x, y);
    running += c == run;
    waiting += c == wait || c == hatch;
  }
  return {running, waiting};
}

} // namespace

class TestSched : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::shared_ptr<const TraceStore> store_;

private slots:
  void initTestCase() {
    const std::string path = dir_.filePath(QStringLiteral("sched.jsonl")).toStdString();
    testgen::write_sched(path);
    store_ = TraceLoader::load(path);
  }

  void every_task_has_a_row() {
    const TraceStore& s = *store_;
    QCOMPARE(s.tasks.size(), size_t(7));
    for (int idle : {0, 1}) QCOMPARE(row_of_task(s, idle), -1); // swapper/N: no row
    QStringList names;
    for (const Row& r : s.rows) names << QString::fromStdString(r.name);
    QCOMPARE(names, QStringList({"NIC", "hardirq", "softirq", "ksoftirqd", "sender", "hardirq", "softirq",
                                 "ksoftirqd", "thread app", "stress", "socket server"}));
    // ksoftirqd/N is the ksoftirqd row of its CPU, a receiver its thread row.
    QCOMPARE(s.rows[row_of_task(s, kKsoftirqd0)].kind, RowKind::Ksoftirqd);
    QCOMPARE(s.rows[row_of_task(s, kKsoftirqd1)].cpu, 1);
    QCOMPARE(s.rows[row_of_task(s, kApp)].kind, RowKind::Thread);
    QCOMPARE(s.rows[row_of_task(s, kStress)].kind, RowKind::Task);
    QCOMPARE(s.rows[row_of_task(s, kSender)].cpu, 0);
  }

  void states_are_where_the_switches_and_wakeups_put_them() {
    const TraceStore& s = *store_;
    using S = TaskState;
    struct Expect {
      int task;
      int64_t t;
      S state;
    };
    const Expect expected[] = {
        {kApp, 5000, S::Sleeping},         {kApp, 11000, S::Runnable},
        {kApp, 15000, S::Running},         {kApp, 25000, S::Sleeping},
        {kStress, 5000, S::Running},       {kStress, 15000, S::Runnable},
        {kStress, 25000, S::Running},      {kStress, 32000, S::Runnable},
        {kStress, 36000, S::Running},      {kStress, 45000, S::Sleeping},
        {kKsoftirqd1, 28000, S::Sleeping}, {kKsoftirqd1, 29500, S::Runnable},
        {kKsoftirqd1, 32000, S::Running},  {kKsoftirqd1, 36000, S::Sleeping},
        {kKsoftirqd0, 20000, S::Sleeping},
    };
    for (const Expect& x : expected) {
      const int r = row_of_task(s, x.task);
      QVERIFY(r >= 0);
      QVERIFY2(s.rows[r].states.at(x.t) == x.state,
               qPrintable(QStringLiteral("task %1 at %2 ns").arg(x.task).arg(x.t)));
    }
    // The switches and wake-ups sit on the row of the task they concern.
    const Row& app = s.rows[row_of_task(s, kApp)];
    QCOMPARE(app.switches.size(), size_t(3)); // woken, switched in, switched out
    for (uint32_t i : app.switches) QCOMPARE(s.events[i].cpu, int16_t(1));
  }

  void the_row_paints_running_runnable_and_sleeping() {
    Selection sel;
    sel.set_store(store_);
    TimelineWidget w(&sel);
    w.resize(TimelineWidget::kLabelWidth + 1000, std::max(600, w.minimumHeight()));
    w.set_range(0, 50000); // 50 ns per pixel
    QImage img(w.size(), QImage::Format_RGB32);
    w.render(&img);
    const RowLayout::Band& b = w.row_layout().band_of_row(row_of_task(*store_, kApp));
    QVERIFY(b.state_height > 0);
    auto x_at = [&](double t) {
      return TimelineWidget::kLabelWidth + static_cast<int>(w.geometry_model().map_time_to_x(t));
    };
    const int strip = b.spans_top() - 1 - (b.top + 2);
    // Runnable between the wake-up (10 us) and the switch in (12 us), running until 20 us.
    auto [run, wait] = strip_pixels(img, b, kApp, x_at(11000));
    QCOMPARE(run, 0);
    QVERIFY2(wait >= strip - 1, qPrintable(QString::number(wait)));
    std::tie(run, wait) = strip_pixels(img, b, kApp, x_at(16000));
    QVERIFY2(run >= strip - 1, qPrintable(QString::number(run)));
    QCOMPARE(wait, 0);
    std::tie(run, wait) = strip_pixels(img, b, kApp, x_at(30000));
    QCOMPARE(run + wait, 0);
  }

  void zoomed_out_each_column_shows_the_shares() {
    // 400 periods: enough changes for the row's bins, and thousands of ns per pixel.
    const std::string path = dir_.filePath(QStringLiteral("long.jsonl")).toStdString();
    testgen::write_sched(path, 400);
    auto store = TraceLoader::load(path);
    Selection sel;
    sel.set_store(store);
    TimelineWidget w(&sel);
    w.resize(1600, std::max(600, w.minimumHeight()));
    w.fit_all();
    QVERIFY(w.geometry_model().ns_per_pixel() > 4 * store->bins.bin_ns());
    QImage img(w.size(), QImage::Format_RGB32);
    w.render(&img);
    const int x0 =
        TimelineWidget::kLabelWidth + static_cast<int>(std::ceil(w.geometry_model().map_time_to_x(0)));
    const int x1 =
        TimelineWidget::kLabelWidth +
        static_cast<int>(std::floor(w.geometry_model().map_time_to_x(double(store->summary->t_ns))));
    // stress runs 28 and waits 12 of every 50 us, app 8 and 2.
    for (const auto& [task, running, waiting] :
         {std::tuple{kStress, 0.56, 0.24}, std::tuple{kApp, 0.16, 0.04}}) {
      const int r = row_of_task(*store, task);
      QVERIFY(store->rows[r].states.has_bins());
      const RowLayout::Band& b = w.row_layout().band_of_row(r);
      double run = 0, wait = 0;
      for (int x = x0; x < x1; ++x) {
        const auto [rp, wp] = strip_pixels(img, b, task, x);
        run += rp, wait += wp;
      }
      const double all = double(x1 - x0) * (b.spans_top() - 1 - (b.top + 2));
      qInfo("task %d: %.3f running, %.3f runnable painted", task, run / all, wait / all);
      QVERIFY2(std::abs(run / all - running) <= 0.05 * running, qPrintable(QString::number(run / all)));
      QVERIFY2(std::abs(wait / all - waiting) <= 0.1 * waiting + 0.01,
               qPrintable(QString::number(wait / all)));
    }
  }

  void a_switch_reads_prev_next_and_why_and_is_picked_on_the_strip() {
    const TraceStore& s = *store_;
    uint32_t in = 0, out = 0;
    for (uint32_t i = 0; i < s.events.size(); ++i) {
      if (s.events[i].fn == tr::Fn::Schedule && s.events[i].t == 12000) in = i;
      if (s.events[i].fn == tr::Fn::Schedule && s.events[i].t == 40000) out = i;
    }
    QCOMPARE(sched_text(s, s.events[in]), QStringLiteral("stress → app (wakeup)"));
    QCOMPARE(sched_text(s, s.events[out]), QStringLiteral("stress → swapper/1 (exit)"));
    QVERIFY(state_fields(s, s.events[in]).startsWith(QStringLiteral("stress → app (wakeup)")));
    QVERIFY(!state_fields(s, s.events[in]).contains(QStringLiteral("prev=")));

    MainWindow win;
    win.resize(1400, 900);
    win.show();
    QVERIFY(QTest::qWaitForWindowExposed(&win));
    QVERIFY(win.open_trace_now(dir_.filePath(QStringLiteral("sched.jsonl"))));
    TimelineWidget* tl = win.timeline();
    tl->resize(1400, std::max(600, tl->minimumHeight()));
    tl->set_range(0, 50000);
    const RowLayout::Band& b = tl->row_layout().band_of_row(row_of_task(*win.selection()->store(), kApp));
    const QPoint at(TimelineWidget::kLabelWidth + static_cast<int>(tl->geometry_model().map_time_to_x(12000)),
                    b.top + 2 + b.state_height / 2);
    QCOMPARE(tl->event_at(at), int64_t(in));
    QTest::mouseClick(tl, Qt::LeftButton, {}, at);
    QCOMPARE(win.selection()->event(), int64_t(in));
    auto* details = win.findChild<DetailsPanel*>();
    QVERIFY(details);
    QVERIFY2(details->function_text().contains(QStringLiteral("stress → app (wakeup)")),
             qPrintable(details->function_text()));
  }
};

QTEST_MAIN(TestSched)
#include "test_sched.moc"

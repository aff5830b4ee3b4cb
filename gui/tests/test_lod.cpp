// Level of detail: zoomed out until thousands of spans share a pixel, the timeline still shows how
// busy a row was. The painted share of the softirq row must match the CPU time the run reports.
#include "app/Selection.hpp"
#include "data/TraceLoader.hpp"
#include "timeline/TimelineWidget.hpp"

#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace rxpath::view;

namespace {

const QString kRxpath = QStringLiteral(RXPATH_BINARY_DIR "/rxpath");
const QString kScenario = QStringLiteral(RXPATH_SOURCE_DIR "/scenarios/default.json");

// Share of the first span depth of `band` that is painted (span colours are saturated, the row
// backgrounds and grid lines grey), over the pixel columns [x0, x1).
double painted_share(const QImage& img, const RowLayout::Band& band, int span_height, int x0, int x1) {
  int64_t painted = 0, all = 0;
  for (int x = x0; x < x1; ++x)
    for (int y = band.top + 2; y < band.top + 2 + span_height - 1; ++y) {
      painted += QColor(img.pixel(x, y)).saturation() > 40;
      ++all;
    }
  return all ? static_cast<double>(painted) / static_cast<double>(all) : 0;
}

} // namespace

class TestLod : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::shared_ptr<const TraceStore> store_;

private slots:
  void initTestCase() {
    QProcess p;
    p.start(kRxpath,
            {"run", kScenario, "-q", "-o", dir_.filePath("t.jsonl"), "--set", "traffic.0.count=20000"});
    QVERIFY(p.waitForFinished(120000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    store_ = TraceLoader::load(dir_.filePath("t.jsonl").toStdString());
  }

  void zoomed_out_softirq_row_is_as_busy_as_its_cpu_time() {
    Selection sel;
    sel.set_store(store_);
    TimelineWidget w(&sel);
    w.resize(1600, std::max(800, w.minimumHeight()));
    w.fit_all();
    const auto& geo = w.geometry_model();
    const int64_t run_ns = store_->summary->t_ns;
    // Thousands of __do_softirq spans per pixel column: this is the level-of-detail path.
    QVERIFY(geo.ns_per_pixel() > 20 * 1000);
    QImage img(w.size(), QImage::Format_RGB32);
    w.render(&img);

    int softirq_row = -1;
    for (size_t r = 0; r < store_->rows.size(); ++r)
      if (store_->rows[r].kind == RowKind::Softirq && store_->rows[r].cpu == 0)
        softirq_row = static_cast<int>(r);
    QVERIFY(softirq_row >= 0);
    const int x0 = TimelineWidget::kLabelWidth + static_cast<int>(std::ceil(geo.map_time_to_x(0)));
    const int x1 =
        TimelineWidget::kLabelWidth + static_cast<int>(std::floor(geo.map_time_to_x(double(run_ns))));
    const double painted =
        painted_share(img, w.row_layout().band_of_row(softirq_row), w.span_height(), x0, x1);

    double softirq_ns = -1;
    for (const auto& c : store_->summary->cpu_time)
      if (c.cpu == 0) softirq_ns = static_cast<double>(c.softirq);
    const double busy = softirq_ns / static_cast<double>(run_ns);
    qInfo("softirq row of CPU 0: %.4f painted, %.4f busy by cpu_time_ns", painted, busy);
    QVERIFY2(busy > 0.2 && busy < 0.8, qPrintable(QString::number(busy))); // neither empty nor solid
    QVERIFY2(std::abs(painted - busy) <= 0.05 * busy,
             qPrintable(QStringLiteral("painted %1 of the row, CPU time says %2").arg(painted).arg(busy)));
  }

  void drops_do_not_hide_the_ring_lane() {
    // In a flood the ring is full most of the time and most frames are missed: the ring fill must
    // still be visible under the drop density.
    QProcess p;
    p.start(kRxpath, {"run", QStringLiteral(RXPATH_SOURCE_DIR "/scenarios/flood-1m.json"), "-q", "-o",
                      dir_.filePath("f.jsonl"), "--set", "traffic.0.count=20000"});
    QVERIFY(p.waitForFinished(120000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    auto flood = TraceLoader::load(dir_.filePath("f.jsonl").toStdString());
    Selection sel;
    sel.set_store(flood);
    TimelineWidget w(&sel);
    w.resize(1600, std::max(800, w.minimumHeight()));
    w.fit_all();
    QImage img(w.size(), QImage::Format_RGB32);
    w.render(&img);
    const RowLayout::Band& nic = w.row_layout().band_of_row(0);
    QCOMPARE(flood->rows[0].kind, RowKind::Nic);
    QVERIFY(!flood->rows[0].drops.empty());
    // Below the tick strip, no pixel of the ring lane is the drop colour.
    int red = 0, all = 0;
    for (int x = TimelineWidget::kLabelWidth; x < img.width(); ++x)
      for (int y = nic.top + 12; y < nic.top + nic.height - 16; ++y) {
        const QColor c(img.pixel(x, y));
        red += c.red() > 180 && c.green() < 90 && c.blue() < 90;
        ++all;
      }
    QCOMPARE(red, 0);
    QVERIFY(all > 0);
  }
};

QTEST_MAIN(TestLod)
#include "test_lod.moc"

// TimelineGeometry without a display: mapping, zoom around a point, pan, fit, axis steps.
#include "timeline/TimelineGeometry.hpp"

#include <QTest>

using rxpath::view::TimelineGeometry;

class TestGeometry : public QObject {
  Q_OBJECT
private slots:
  void maps_both_ways() {
    TimelineGeometry g;
    g.set_width(1000);
    g.set_limits(0, 1e6);
    g.set_range(1000, 11000);
    QCOMPARE(g.map_time_to_x(1000), 0.0);
    QCOMPARE(g.map_time_to_x(11000), 1000.0);
    QCOMPARE(g.map_x_to_time(500), 6000.0);
    for (double x : {0.0, 123.5, 999.0}) QCOMPARE(g.map_time_to_x(g.map_x_to_time(x)), x);
    QCOMPARE(g.ns_per_pixel(), 10.0);
  }
  void zoom_keeps_the_point_under_the_cursor() {
    TimelineGeometry g;
    g.set_width(800);
    g.set_limits(0, 1e6);
    g.set_range(0, 80000);
    const double t = g.map_x_to_time(200);
    g.zoom(4, 200);
    QCOMPARE(g.duration(), 20000.0);
    QVERIFY(qAbs(g.map_x_to_time(200) - t) < 1e-6);
    g.zoom(0.25, 200);
    QCOMPARE(g.duration(), 80000.0);
  }
  void zoom_is_bounded() {
    TimelineGeometry g;
    g.set_width(500);
    g.set_limits(0, 1e6);
    g.fit();
    for (int i = 0; i < 100; ++i) g.zoom(10, 250);
    QCOMPARE(g.duration(), TimelineGeometry::kMinDurationNs);
    for (int i = 0; i < 100; ++i) g.zoom(0.1, 250);
    QCOMPARE(g.duration(), 2e6);
  }
  void pan_and_fit() {
    TimelineGeometry g;
    g.set_width(100);
    g.set_limits(0, 1e6);
    g.set_range(1000, 2000);
    g.pan_pixels(50);
    QCOMPARE(g.start(), 1500.0);
    g.pan_pixels(-1e9); // cannot leave the data entirely
    QVERIFY(g.end() > 0);
    g.fit();
    QCOMPARE(g.start(), 0.0);
    QCOMPARE(g.end(), 1e6);
    g.fit_range(1000, 2000, 0.1);
    QCOMPARE(g.start(), 900.0);
    QCOMPARE(g.end(), 2100.0);
    g.ensure_visible(500000);
    QVERIFY(g.start() <= 500000 && g.end() >= 500000);
  }
  void ticks_are_nice_numbers() {
    TimelineGeometry g;
    g.set_width(1000);
    g.set_limits(0, 1e9);
    g.set_range(0, 1e6); // 1000 ns per pixel
    QCOMPARE(g.tick_step(90), 100000.0);
    g.set_range(0, 1e4); // 10 ns per pixel
    QCOMPARE(g.tick_step(90), 1000.0);
    const auto t = g.ticks(90);
    QCOMPARE(t.front(), 0.0);
    QCOMPARE(t.size(), size_t(11));
  }
};

QTEST_GUILESS_MAIN(TestGeometry)
#include "test_geometry.moc"

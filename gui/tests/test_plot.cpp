// The chart library, the sweep results window and rxpath-plot: what the charts contain, and the
// files the command writes (or refuses to write).
#include "TraceGenerator.hpp"
#include "charts/Charts.hpp"
#include "sweep/SweepWindow.hpp"

#include <nlohmann/json.hpp>

#include "timeline/Palette.hpp"
#include <QAreaSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QImage>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QProcess>
#include <QTemporaryDir>
#include <QTreeWidget>

#include <QtTest>

#include <fstream>

using namespace rxpath;

namespace {

using json = nlohmann::json;

json metric(double mean, double ci = 0) {
  return {{"mean", mean}, {"ci95", ci}};
}

// A results file as `rxpath sweep -o` writes it: netdev_budget {300, 8, 64} x rcvbuf {1000, 2000}
// with rmem_max fixed; p99 = budget * 10 + rcvbuf µs.
json sweep_json() {
  json j;
  j["scenario"] = "s.json";
  j["seeds"] = 2;
  j["shard"] = "0/1";
  j["axes"] = {{{"key", "net.core.netdev_budget"}, {"values", {"300", "8", "64"}}},
               {{"key", "net.core.rmem_max"}, {"values", {"4194304"}}},
               {{"key", "sockets.0.so_rcvbuf_bytes"}, {"values", {"1000", "2000"}}}};
  for (int rcv : {1000, 2000})
    for (int b : {300, 8, 64}) {
      json p;
      p["settings"] = {{"net.core.netdev_budget", std::to_string(b)},
                       {"net.core.rmem_max", "4194304"},
                       {"sockets.0.so_rcvbuf_bytes", std::to_string(rcv)}};
      p["status"] = "ok";
      const double p99 = (b * 10.0 + rcv) * 1000;
      p["metrics"] = {{"latency_p50_ns", metric(p99 / 2)},
                      {"latency_p90_ns", metric(p99 * 0.9)},
                      {"latency_p99_ns", metric(p99, 100)},
                      {"latency_p999_ns", metric(p99 * 1.1)},
                      {"delivered", metric(900)},
                      {"dropped", metric(b == 8 ? 100 : 0)},
                      {"seeds", 2},
                      {"throughput_pps", metric(1e5)},
                      {"interrupts_per_s", metric(5e4)}};
      if (b == 8) p["metrics"]["drops.SOCKET_RCVBUFF"] = metric(100); // absent where nothing was dropped
      p["latency_cdf"] = {{"p", {0.5, 1.0}}, {"ns", {p99 / 2, p99}}};
      p["runs"] = json::array();
      j["points"].push_back(p);
    }
  return j;
}

std::string write(const QTemporaryDir& dir, const char* name, const json& j) {
  const std::string path = dir.filePath(name).toStdString();
  std::ofstream(path) << j.dump();
  return path;
}

std::vector<QLineSeries*> lines(QChart* c) {
  std::vector<QLineSeries*> out;
  for (auto* s : c->series())
    if (auto* l = qobject_cast<QLineSeries*>(s)) out.push_back(l);
  return out;
}

QLineSeries* line(QChart* c, const QString& name) {
  for (auto* l : lines(c))
    if (l->name() == name) return l;
  return nullptr;
}

QString error_of(const std::string& path) {
  try {
    charts::read_sweep(path);
  } catch (const charts::ChartError& e) {
    return QString::fromUtf8(e.what());
  }
  return {};
}

int run_plot(const QStringList& args, QString* err = nullptr) {
  QProcess p;
  p.start(QStringLiteral(RXPATH_BINARY_DIR "/rxpath-plot"), args);
  if (!p.waitForFinished(60000)) return -1;
  if (err) *err = QString::fromUtf8(p.readAllStandardError());
  return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

} // namespace

class TestPlot : public QObject {
  Q_OBJECT
private slots:
  void latency_charts_one_per_second_key_value() {
    QTemporaryDir dir;
    const auto s = charts::read_sweep(write(dir, "sweep.json", sweep_json()));
    QCOMPARE(s.keys[s.x], std::string("net.core.netdev_budget"));
    const auto cs = charts::latency_charts(s);
    QCOMPARE(cs.size(), size_t{2}); // rcvbuf 1000 and 2000
    QVERIFY2(cs[0]->title().contains(QStringLiteral("sockets.0.so_rcvbuf_bytes = 1000")),
             qPrintable(cs[0]->title()));
    QVERIFY(cs[1]->title().contains(QStringLiteral("sockets.0.so_rcvbuf_bytes = 2000")));
    QVERIFY(!cs[0]->title().contains(QStringLiteral("rmem_max"))); // the same everywhere
    QCOMPARE(lines(cs[1]).size(), size_t{4});
    for (const char* name : {"p50", "p90", "p99", "p99.9"}) QVERIFY(line(cs[1], name));
    // In budget order, though the grid had 300 first; µs.
    QLineSeries* p99 = line(cs[1], "p99");
    QCOMPARE(p99->points(), QList<QPointF>({{8, 2080}, {64, 2640}, {300, 5000}}));
    // p99's CI (±0.1 µs) as a band; the others have none.
    QAreaSeries* band = nullptr;
    for (auto* series : cs[1]->series())
      if (auto* a = qobject_cast<QAreaSeries*>(series)) {
        QVERIFY(!band);
        band = a;
      }
    QVERIFY(band);
    QCOMPARE(band->upperSeries()->at(0), QPointF(8, 2080.1));
    QCOMPARE(band->lowerSeries()->at(0), QPointF(8, 2079.9));
    QCOMPARE(cs[1]->axes(Qt::Horizontal).front()->titleText(), QStringLiteral("net.core.netdev_budget"));
    // 8 to 300 spans more than a factor of 10: the budget axis is logarithmic.
    QVERIFY(qobject_cast<QLogValueAxis*>(cs[1]->axes(Qt::Horizontal).front()));
    for (auto* c : cs) delete c;
  }

  void drop_charts_count_a_missing_reason_as_zero() {
    QTemporaryDir dir;
    const auto cs = charts::drop_charts(charts::read_sweep(write(dir, "sweep.json", sweep_json())));
    QCOMPARE(cs.size(), size_t{2});
    QLineSeries* rcvbuf = line(cs[0], "SOCKET_RCVBUFF");
    QVERIFY(rcvbuf);
    QCOMPARE(rcvbuf->points(), QList<QPointF>({{8, 100}, {64, 0}, {300, 0}}));
    QCOMPARE(line(cs[0], "delivered")->count(), 3);
    // Drops in the drop colour, as on the timeline (the theme's second colour was green).
    QVERIFY(std::abs(rcvbuf->color().hue() - rxpath::view::drop_color().hue()) <= 4); // a shade of it
    QCOMPARE(line(cs[0], "delivered")->color(), rxpath::view::deliver_color());
    for (auto* c : cs) delete c;
  }

  void a_fixed_first_key_is_not_the_x_axis() {
    QTemporaryDir dir;
    json j = sweep_json();
    std::swap(j["axes"][0], j["axes"][1]); // rmem_max (one value) first
    const auto s = charts::read_sweep(write(dir, "sweep.json", j));
    QCOMPARE(s.keys[s.x], std::string("net.core.netdev_budget"));
    QCOMPARE(s.fixed_settings(), QStringLiteral("net.core.rmem_max = 4194304"));
    QCOMPARE(s.label(s.points[0]), QStringLiteral("netdev_budget=300 so_rcvbuf_bytes=1000"));
    const auto cs = charts::latency_charts(s);
    QCOMPARE(cs.size(), size_t{2});
    QCOMPARE(line(cs[0], "p50")->count(), 3);
    for (auto* c : cs) delete c;
  }

  void a_non_numeric_key_is_categorical() {
    QTemporaryDir dir;
    json j = sweep_json();
    for (auto& p : j["points"]) {
      const std::string b = p["settings"]["net.core.netdev_budget"];
      p["settings"]["net.core.netdev_budget"] = b == "8" ? "[0,1]" : b == "64" ? "[1]" : "[]";
    }
    const auto cs = charts::latency_charts(charts::read_sweep(write(dir, "sweep.json", j)));
    auto* x = qobject_cast<QCategoryAxis*>(cs[0]->axes(Qt::Horizontal).front());
    QVERIFY(x);
    QCOMPARE(x->categoriesLabels(), QStringList({"[]", "[0,1]", "[1]"})); // the grid's order
    QCOMPARE(line(cs[0], "p50")->at(1).x(), 1.0);                         // [0,1]
    for (auto* c : cs) delete c;
  }

  void where_keeps_one_value_of_a_key() {
    QTemporaryDir dir;
    auto s = charts::read_sweep(write(dir, "sweep.json", sweep_json()));
    s.where("sockets.0.so_rcvbuf_bytes", "2000");
    QCOMPARE(s.points.size(), size_t{3});
    QCOMPARE(s.points[0].cdf.name, QStringLiteral("netdev_budget=300"));
    QCOMPARE(charts::latency_charts(s).size(), size_t{1});
    try {
      s.where("sockets.0.so_rcvbuf_bytes", "5");
      QFAIL("kept no point");
    } catch (const charts::ChartError& e) {
      QVERIFY2(QString(e.what()).contains(QStringLiteral("no point has this value (it has 2000)")), e.what());
    }
    QCOMPARE(s.points.size(), size_t{3});
    try {
      s.where("nic.ring_size", "5");
      QFAIL("accepted a key that was not swept");
    } catch (const charts::ChartError& e) {
      QVERIFY2(QString(e.what()).contains(QStringLiteral("axes: --where nic.ring_size")), e.what());
    }
  }

  void cdf_of_known_latencies() {
    const auto cdf = charts::make_cdf("four", {3000, 1000, 4000, 2000});
    QCOMPARE(charts::quantile(cdf, 0.5), 2000.0);
    QCOMPARE(charts::quantile(cdf, 0.99), 4000.0);
    std::unique_ptr<QChart> c(charts::cdf_chart({cdf}, "t"));
    QCOMPARE(lines(c.get()).size(), size_t{1});
    QCOMPARE(lines(c.get())[0]->name(), QStringLiteral("four"));
    QCOMPARE(lines(c.get())[0]->points(), QList<QPointF>({{1, 0.25}, {2, 0.5}, {3, 0.75}, {4, 1}})); // µs
    QCOMPARE(c->axes(Qt::Horizontal).front()->titleText(), QStringLiteral("latency, µs"));
    QCOMPARE(c->axes(Qt::Vertical).front()->titleText(), QStringLiteral("fraction of delivered datagrams"));

    // From 5 µs to 5 ms: three decades, a log axis.
    std::unique_ptr<QChart> wide(
        charts::cdf_chart({cdf, charts::make_cdf("wide", {5000, 5e6})}, QStringLiteral("t")));
    QVERIFY(qobject_cast<QLogValueAxis*>(wide->axes(Qt::Horizontal).front()));
    QCOMPARE(lines(wide.get()).size(), size_t{2});

    // Up to 15 ms: in ms, so the axis reads 15, not 15000 µs.
    std::unique_ptr<QChart> longer(charts::cdf_chart({charts::make_cdf("long", {5e6, 15e6})}, "t"));
    QCOMPARE(longer->axes(Qt::Horizontal).front()->titleText(), QStringLiteral("latency, ms"));
    QCOMPARE(lines(longer.get())[0]->points().back(), QPointF(15, 1));
  }

  void percentiles_by_nearest_rank() {
    std::vector<double> ns;
    for (int i = 1; i <= 1000; ++i) ns.push_back(i);
    const auto cdf = charts::make_cdf("n", ns);
    QCOMPARE(charts::quantile(cdf, 0.5), 500.0);
    QCOMPARE(charts::quantile(cdf, 0.99), 990.0);
    QCOMPARE(charts::quantile(cdf, 0.999), 999.0);
  }

  void trace_cdf_has_every_delivered_datagram() {
    QTemporaryDir dir;
    const std::string t = dir.filePath("t.jsonl").toStdString();
    view::testgen::write_flow(t, {.packets = 300});
    const auto cdf = charts::read_trace_cdf(t);
    QVERIFY(!cdf.ns.empty());
    QVERIFY(cdf.dropped > 0);
    QCOMPARE(static_cast<int64_t>(cdf.ns.size()) + cdf.dropped, int64_t{300}); // one fate each
    QVERIFY(std::is_sorted(cdf.ns.begin(), cdf.ns.end()));
    QCOMPARE(cdf.p.back(), 1.0);
    QCOMPARE(cdf.name, QStringLiteral("t.jsonl"));
  }

  void malformed_sweep_names_the_key_data() {
    QTest::addColumn<QString>("edit");
    QTest::addColumn<QString>("key");
    QTest::newRow("no axes") << "axes"
                             << "sw.json: axes: missing";
    QTest::newRow("point without its value") << "settings"
                                             << "points[0].settings.net.core.netdev_budget";
    QTest::newRow("metric not an object") << "metric"
                                          << "points[0].metrics.latency_p50_ns: found string";
    QTest::newRow("mean not a number") << "mean"
                                       << "points[0].metrics.latency_p99_ns.mean: found string";
    QTest::newRow("cdf p not a number") << "cdf"
                                        << "points[0].latency_cdf.p[1]";
    QTest::newRow("cdf lengths") << "cdf-length"
                                 << "points[0].latency_cdf: p has 2 entries and ns 1";
    QTest::newRow("status") << "status"
                            << "points[0].status";
    QTest::newRow("not JSON") << "text"
                              << "sw.json: not JSON";
  }
  void malformed_sweep_names_the_key() {
    QFETCH(QString, edit);
    QFETCH(QString, key);
    QTemporaryDir dir;
    json j = sweep_json();
    auto& p = j["points"][0];
    if (edit == "axes") j.erase("axes");
    if (edit == "settings") p["settings"].erase("net.core.netdev_budget");
    if (edit == "metric") p["metrics"]["latency_p50_ns"] = "fast";
    if (edit == "mean") p["metrics"]["latency_p99_ns"]["mean"] = "1";
    if (edit == "cdf") p["latency_cdf"]["p"][1] = "1";
    if (edit == "cdf-length") p["latency_cdf"]["ns"].erase(1);
    if (edit == "status") p["status"] = "done";
    const std::string path = write(dir, "sw.json", j);
    if (edit == "text") std::ofstream(path) << "{\"axes\": [";
    const QString err = error_of(path);
    QVERIFY2(err.contains(key), qPrintable(err));
  }

  void sweep_window_overlays_the_ticked_points() {
    QTemporaryDir dir;
    view::SweepWindow w(QString::fromStdString(write(dir, "sweep.json", sweep_json())));
    QCOMPARE(w.points()->topLevelItemCount(), 6);
    QCOMPARE(w.points()->topLevelItem(0)->text(0), QStringLiteral("netdev_budget=300 so_rcvbuf_bytes=1000"));
    QCOMPARE(w.cdf_view()->chart()->series().size(), 0);
    w.tick(1, true);
    w.tick(4, true);
    QCOMPARE(w.cdf_view()->chart()->series().size(), 2);
    QCOMPARE(w.cdf_view()->chart()->series().at(1)->name(),
             QStringLiteral("netdev_budget=8 so_rcvbuf_bytes=2000"));
    w.tick(1, false);
    QCOMPARE(w.cdf_view()->chart()->series().size(), 1);
  }

  void sweep_window_without_cdfs_says_so() {
    QTemporaryDir dir;
    json j = sweep_json();
    for (auto& p : j["points"]) p.erase("latency_cdf");
    view::SweepWindow w(QString::fromStdString(write(dir, "old.json", j)));
    QCOMPARE(w.points()->topLevelItemCount(), 6);
    QVERIFY(!w.points()->topLevelItem(0)->data(0, Qt::CheckStateRole).isValid()); // no check box
    QVERIFY(!(w.points()->topLevelItem(0)->flags() & Qt::ItemIsUserCheckable));
    QVERIFY2(w.cdf_view()->chart()->title().contains(QStringLiteral("No latency CDFs")),
             qPrintable(w.cdf_view()->chart()->title()));
  }

  void plot_writes_png_and_svg() {
    QTemporaryDir dir;
    const QString sweep = QString::fromStdString(write(dir, "sweep.json", sweep_json()));
    QString err;
    QCOMPARE(run_plot({sweep, "-o", dir.filePath("p.png"), "--width", "800", "--height", "300"}, &err), 0);
    QImage img(dir.filePath("p.png"));
    QVERIFY2(!img.isNull(), qPrintable(err));
    QCOMPARE(img.size(), QSize(800, 600)); // two charts stacked
    QCOMPARE(run_plot({sweep, "--kind", "drops", "-o", dir.filePath("d.png")}, &err), 0);
    QCOMPARE(QImage(dir.filePath("d.png")).size(), QSize(900, 840));
    QCOMPARE(run_plot({sweep, "--kind", "cdf", "-o", dir.filePath("c.svg")}, &err), 0);
    QFile svg(dir.filePath("c.svg"));
    QVERIFY(svg.open(QIODevice::ReadOnly));
    const QByteArray head = svg.read(200);
    QVERIFY(head.startsWith("<?xml") || head.startsWith("<svg"));
    QVERIFY(svg.size() > 1000);
    const std::string t = dir.filePath("t.jsonl").toStdString();
    view::testgen::write_flow(t);
    QCOMPARE(run_plot({QString::fromStdString(t), QString::fromStdString(t), "--title", "Two", "-o",
                       dir.filePath("t.png"), "--width", "640", "--height", "480"},
                      &err),
             0);
    QCOMPARE(QImage(dir.filePath("t.png")).size(), QSize(640, 480));
    QVERIFY(QDir(dir.path()).entryList({"*.tmp"}, QDir::Files).isEmpty());
  }

  void plot_refuses_bad_input_and_writes_nothing() {
    QTemporaryDir dir;
    QString err;
    const QString out = dir.filePath("x.png");
    const QString sweep = QString::fromStdString(write(dir, "sweep.json", sweep_json()));
    QCOMPARE(run_plot({dir.filePath("missing.json"), "-o", out}, &err), 2);
    QVERIFY(err.contains(QStringLiteral("missing.json")));
    QCOMPARE(run_plot({sweep, "-o", dir.filePath("x.gif")}, &err), 2);
    QVERIFY(err.contains(QStringLiteral(".png or .svg")));
    QCOMPARE(run_plot({"--kind", "pie", sweep, "-o", out}, &err), 2);
    QVERIFY(err.contains(QStringLiteral("pie")));
    QCOMPARE(run_plot({sweep, "--colour", "red", "-o", out}, &err), 2);
    QVERIFY(err.contains(QStringLiteral("--colour")));
    QCOMPARE(run_plot({sweep}, &err), 2); // no -o
    json j = sweep_json();
    j["points"][2]["metrics"]["delivered"] = "many";
    QCOMPARE(run_plot({QString::fromStdString(write(dir, "bad.json", j)), "-o", out}, &err), 2);
    QVERIFY2(err.contains(QStringLiteral("bad.json: points[2].metrics.delivered")), qPrintable(err));
    for (auto& p : j["points"]) p.erase("latency_cdf");
    j["points"][2]["metrics"]["delivered"] = metric(1);
    QCOMPARE(run_plot({QString::fromStdString(write(dir, "old.json", j)), "--kind", "cdf", "-o", out}, &err),
             2);
    QVERIFY2(err.contains(QStringLiteral("latency_cdf")), qPrintable(err));
    std::ofstream(dir.filePath("bad.jsonl").toStdString()) << "{\"format\": \"pcap\"}\n";
    QCOMPARE(run_plot({dir.filePath("bad.jsonl"), "-o", out}, &err), 2);
    QVERIFY2(err.contains(QStringLiteral("bad.jsonl")), qPrintable(err));
    QCOMPARE(run_plot({sweep, "-o", dir.filePath("no-such-dir/x.png")}, &err), 2);
    QVERIFY(QDir(dir.path()).entryList({"x.*"}, QDir::Files).isEmpty());
  }
};

QTEST_MAIN(TestPlot)
#include "test_plot.moc"

// The chart library and rxpath-plot: what the charts contain, and the files the command writes
// (or refuses to write).
#include "TraceGenerator.hpp"
#include "charts/Charts.hpp"

#include <QChart>
#include <QImage>
#include <QLineSeries>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace rxpath;

namespace {

// A sweep results file as `rxpath sweep -o` writes it: KEY1 x KEY2, p99 = budget * 10 + rcvbuf.
std::string write_sweep(const QString& dir) {
  nlohmann::json j;
  j["scenario"] = "s.json";
  j["seeds"] = 2;
  j["axes"] = {{{"key", "net.core.netdev_budget"}, {"values", {"8", "64", "300"}}},
               {{"key", "sockets.0.so_rcvbuf_bytes"}, {"values", {"1000", "2000"}}}};
  for (int rcv : {1000, 2000})
    for (int b : {8, 64, 300}) {
      nlohmann::json p;
      p["settings"] = {{"net.core.netdev_budget", std::to_string(b)},
                       {"sockets.0.so_rcvbuf_bytes", std::to_string(rcv)}};
      p["status"] = "ok";
      const double p99 = (b * 10.0 + rcv) * 1000;
      p["metrics"] = {{"latency_p50_ns", {{"mean", p99 / 2}, {"ci95", 0}}},
                      {"latency_p90_ns", {{"mean", p99 * 0.9}, {"ci95", 0}}},
                      {"latency_p99_ns", {{"mean", p99}, {"ci95", 100}}},
                      {"latency_p999_ns", {{"mean", p99 * 1.1}, {"ci95", 0}}},
                      {"delivered", {{"mean", 900}, {"ci95", 0}}},
                      {"drops.SOCKET_RCVBUFF", {{"mean", 100}, {"ci95", 0}}},
                      {"throughput_pps", {{"mean", 1e5}, {"ci95", 0}}},
                      {"interrupts_per_s", {{"mean", 5e4}, {"ci95", 0}}}};
      p["latency_cdf"] = {{"p", {0.5, 1.0}}, {"ns", {p99 / 2, p99}}};
      j["points"].push_back(p);
    }
  const std::string path = (dir + "/sweep.json").toStdString();
  std::ofstream(path) << j.dump();
  return path;
}

QString plot_bin() {
  return QStringLiteral(RXPATH_BINARY_DIR "/rxpath-plot");
}

int run_plot(const QStringList& args, QString* err = nullptr) {
  QProcess p;
  p.start(plot_bin(), args);
  if (!p.waitForFinished(60000)) return -1;
  if (err) *err = QString::fromUtf8(p.readAllStandardError());
  return p.exitCode();
}

} // namespace

class TestPlot : public QObject {
  Q_OBJECT
private slots:
  void latency_charts_one_per_second_key_value() {
    QTemporaryDir dir;
    const auto s = charts::read_sweep(write_sweep(dir.path()));
    const auto cs = charts::latency_charts(s);
    QCOMPARE(cs.size(), size_t{2}); // rcvbuf 1000 and 2000
    QVERIFY(cs[0]->title().contains(QStringLiteral("sockets.0.so_rcvbuf_bytes = 1000")));
    int lines = 0;
    for (auto* series : cs[1]->series())
      if (auto* l = qobject_cast<QLineSeries*>(series)) {
        ++lines;
        QCOMPARE(l->count(), 3); // budgets 8, 64, 300
        if (l->name() == QLatin1String("p99")) {
          QCOMPARE(l->at(0), QPointF(8, (80.0 + 2000))); // µs
          QCOMPARE(l->at(2), QPointF(300, (3000.0 + 2000)));
        }
      }
    QCOMPARE(lines, 4); // p50, p90, p99, p99.9
    for (auto* c : cs) delete c;
  }

  void trace_cdf_counts_every_delivered_datagram() {
    QTemporaryDir dir;
    const std::string t = (dir.path() + "/t.jsonl").toStdString();
    view::testgen::write_flow(t);
    const auto cdf = charts::read_trace_cdf(t);
    QVERIFY(!cdf.ns.empty());
    QVERIFY(std::is_sorted(cdf.ns.begin(), cdf.ns.end()));
    QCOMPARE(cdf.p.back(), 1.0);
    QCOMPARE(cdf.p.front(), 1.0 / static_cast<double>(cdf.ns.size()));
  }

  void malformed_sweep_names_the_key() {
    QTemporaryDir dir;
    const std::string path = (dir.path() + "/bad.json").toStdString();
    std::ofstream(path)
        << R"({"axes": [{"key": "a"}], "points": [{"settings": {"b": "1"}, "status": "ok"}]})";
    try {
      charts::read_sweep(path);
      QFAIL("accepted a point without its swept value");
    } catch (const charts::ChartError& e) {
      QVERIFY2(QString(e.what()).contains(QStringLiteral("points[0].settings.a")), e.what());
    }
  }

  void plot_writes_png_and_svg() {
    QTemporaryDir dir;
    const QString sweep = QString::fromStdString(write_sweep(dir.path()));
    QString err;
    QCOMPARE(run_plot({sweep, "-o", dir.path() + "/p.png", "--width", "800", "--height", "300"}, &err), 0);
    QImage img(dir.path() + "/p.png");
    QVERIFY2(!img.isNull(), qPrintable(err));
    QCOMPARE(img.size(), QSize(800, 600)); // two charts stacked
    QCOMPARE(run_plot({sweep, "--kind", "cdf", "-o", dir.path() + "/c.svg"}, &err), 0);
    QFile svg(dir.path() + "/c.svg");
    QVERIFY(svg.open(QIODevice::ReadOnly));
    const QByteArray head = svg.read(200);
    QVERIFY(head.contains("<?xml") || head.contains("<svg"));
    const std::string t = (dir.path() + "/t.jsonl").toStdString();
    view::testgen::write_flow(t);
    QCOMPARE(run_plot({QString::fromStdString(t), "-o", dir.path() + "/t.png"}, &err), 0);
    QVERIFY(!QImage(dir.path() + "/t.png").isNull());
  }

  void plot_refuses_bad_input_and_writes_nothing() {
    QTemporaryDir dir;
    QString err;
    const QString out = dir.path() + "/x.png";
    QCOMPARE(run_plot({dir.path() + "/missing.json", "-o", out}, &err), 2);
    QVERIFY(err.contains(QStringLiteral("missing.json")));
    QCOMPARE(run_plot({QString::fromStdString(write_sweep(dir.path())), "-o", dir.path() + "/x.gif"}, &err),
             2);
    QVERIFY(err.contains(QStringLiteral(".png or .svg")));
    QCOMPARE(run_plot({"--kind", "pie", "a.json", "-o", out}, &err), 2);
    QCOMPARE(run_plot({dir.path() + "/sweep.json"}, &err), 2); // no -o
    QVERIFY(QDir(dir.path()).entryList({"x.*"}, QDir::Files).isEmpty());
  }
};

QTEST_MAIN(TestPlot)
#include "test_plot.moc"

#include "Charts.hpp"

#include "model/trace/TraceReader.hpp"

#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QFile>
#include <QGraphicsScene>
#include <QImage>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QPainter>
#include <QScatterSeries>
#include <QSvgGenerator>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

namespace rxpath::charts {
namespace {

[[noreturn]] void fail(const std::string& file, const std::string& key, const std::string& what) {
  throw ChartError(file + (key.empty() ? "" : ": " + key) + ": " + what);
}

const nlohmann::json& need(const nlohmann::json& j, const char* key, const std::string& file,
                           const std::string& path, bool (nlohmann::json::*is)() const noexcept,
                           const char* expected) {
  const auto it = j.find(key);
  if (it == j.end() || !((*it).*is)()) fail(file, path + key, "expected " + std::string(expected));
  return *it;
}

bool all_numeric(const std::vector<std::string>& v) {
  for (const auto& s : v) {
    char* end = nullptr;
    std::strtod(s.c_str(), &end);
    if (s.empty() || *end) return false;
  }
  return true;
}

// The points grouped by the values of every key but the first: one chart per group.
std::map<std::vector<std::string>, std::vector<const SweepPoint*>> groups(const Sweep& s) {
  std::map<std::vector<std::string>, std::vector<const SweepPoint*>> g;
  for (const auto& p : s.points) {
    if (!p.ok) continue;
    g[std::vector<std::string>(p.values.begin() + 1, p.values.end())].push_back(&p);
  }
  return g;
}

QString group_title(const Sweep& s, const std::vector<std::string>& rest) {
  QString t;
  for (size_t i = 0; i < rest.size(); ++i)
    t += QStringLiteral("%1%2 = %3")
             .arg(t.isEmpty() ? "" : ", ", QString::fromStdString(s.keys[i + 1]),
                  QString::fromStdString(rest[i]));
  return t;
}

// The x axis of a group: numeric (log when it spans more than two decades) or categories.
struct XAxis {
  QAbstractAxis* axis;
  std::vector<double> at; // x position of each point
};
XAxis x_axis(const Sweep& s, const std::vector<const SweepPoint*>& pts) {
  std::vector<std::string> values;
  for (const auto* p : pts) values.push_back(p->values[0]);
  XAxis x;
  const QString title = QString::fromStdString(s.keys[0]);
  if (all_numeric(values)) {
    for (const auto& v : values) x.at.push_back(std::stod(v));
    const auto [lo, hi] = std::minmax_element(x.at.begin(), x.at.end());
    if (*lo > 0 && *hi / *lo >= 10) {
      auto* a = new QLogValueAxis;
      a->setBase(10);
      a->setLabelFormat("%g");
      a->setRange(*lo / 1.5, *hi * 1.5);
      x.axis = a;
    } else {
      auto* a = new QValueAxis;
      const double pad = *hi > *lo ? (*hi - *lo) * 0.05 : 1;
      a->setRange(*lo - pad, *hi + pad);
      a->applyNiceNumbers();
      a->setLabelFormat("%g");
      x.axis = a;
    }
  } else {
    auto* a = new QCategoryAxis;
    a->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    for (size_t i = 0; i < values.size(); ++i) {
      x.at.push_back(static_cast<double>(i));
      a->append(QString::fromStdString(values[i]), static_cast<double>(i));
    }
    a->setRange(-0.5, static_cast<double>(values.size()) - 0.5);
    x.axis = a;
  }
  x.axis->setTitleText(title);
  return x;
}

QAbstractAxis* y_axis(const QString& title, double lo, double hi, bool allow_log) {
  if (allow_log && lo > 0 && hi / lo > 100) {
    auto* a = new QLogValueAxis;
    a->setBase(10);
    a->setLabelFormat("%g");
    a->setRange(lo / 1.5, hi * 1.5);
    a->setTitleText(title + " (log)");
    return a;
  }
  auto* a = new QValueAxis;
  a->setRange(0, hi > 0 ? hi * 1.08 : 1);
  a->applyNiceNumbers();
  a->setLabelFormat("%g");
  a->setTitleText(title);
  return a;
}

QChart* new_chart(const QString& title) {
  auto* c = new QChart;
  c->setTitle(title);
  c->legend()->setAlignment(Qt::AlignRight);
  c->setMargins(QMargins(6, 6, 6, 6));
  return c;
}

// Lines of `metrics` (name, label, scale) against the first key, for each group.
std::vector<QChart*> param_charts(const Sweep& s, const QString& what, const QString& unit,
                                  const std::vector<std::pair<std::string, QString>>& metrics, double scale,
                                  bool allow_log) {
  std::vector<QChart*> out;
  for (const auto& [rest, pts] : groups(s)) {
    QString title = what + QStringLiteral(" against ") + QString::fromStdString(s.keys[0]);
    if (!rest.empty()) title += QStringLiteral("  (") + group_title(s, rest) + ")";
    QChart* c = new_chart(title);
    XAxis x = x_axis(s, pts);
    std::vector<QLineSeries*> lines;
    double lo = 1e300, hi = 0;
    for (const auto& [metric, label] : metrics) {
      auto* line = new QLineSeries;
      line->setName(label);
      auto* dots = new QScatterSeries;
      dots->setMarkerSize(7);
      for (size_t i = 0; i < pts.size(); ++i) {
        const auto m = pts[i]->metrics.find(metric);
        const double v = m == pts[i]->metrics.end() ? 0.0 : m->value("mean", 0.0) / scale;
        const double ci = m == pts[i]->metrics.end() ? 0.0 : m->value("ci95", 0.0) / scale;
        line->append(x.at[i], v);
        dots->append(x.at[i], v);
        if (v > 0) lo = std::min(lo, std::max(v - ci, v * 0.5));
        hi = std::max(hi, v + ci);
      }
      c->addSeries(line);
      c->addSeries(dots);
      dots->setColor(line->color());
      lines.push_back(line);
    }
    c->addAxis(x.axis, Qt::AlignBottom);
    QAbstractAxis* y = y_axis(unit, lo > hi ? 0 : lo, hi, allow_log);
    c->addAxis(y, Qt::AlignLeft);
    for (auto* series : c->series()) {
      series->attachAxis(x.axis);
      series->attachAxis(y);
    }
    // Only the lines in the legend.
    for (auto* marker : c->legend()->markers())
      if (qobject_cast<QScatterSeries*>(marker->series())) marker->setVisible(false);
    out.push_back(c);
  }
  return out;
}

} // namespace

QString SweepPoint::label() const {
  QString l;
  for (size_t i = 0; i < values.size() && i < keys.size(); ++i) {
    if (i < fixed.size() && fixed[i]) continue;
    const auto dot = keys[i].rfind('.');
    const std::string key = dot == std::string::npos ? keys[i] : keys[i].substr(dot + 1);
    l += QStringLiteral("%1%2=%3").arg(l.isEmpty() ? "" : " ", QString::fromStdString(key),
                                       QString::fromStdString(values[i]));
  }
  return l;
}

Sweep read_sweep(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail(path, "", "cannot read the file");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    fail(path, "", std::string("malformed JSON (") + e.what() + ")");
  }
  if (!j.is_object()) fail(path, "", "expected the JSON object `rxpath sweep -o` writes");
  Sweep s;
  s.file = path;
  const auto& axes = need(j, "axes", path, "", &nlohmann::json::is_array, "the array of swept keys");
  for (size_t i = 0; i < axes.size(); ++i) {
    const std::string p = "axes[" + std::to_string(i) + "].";
    s.keys.push_back(
        need(axes[i], "key", path, p, &nlohmann::json::is_string, "a string").get<std::string>());
  }
  if (s.keys.empty()) fail(path, "axes", "expected at least one swept key");
  const auto& points = need(j, "points", path, "", &nlohmann::json::is_array, "the array of points");
  for (size_t i = 0; i < points.size(); ++i) {
    const std::string p = "points[" + std::to_string(i) + "].";
    const auto& pt = points[i];
    if (!pt.is_object()) fail(path, "points[" + std::to_string(i) + "]", "expected an object");
    SweepPoint sp;
    sp.keys = s.keys;
    const auto& settings =
        need(pt, "settings", path, p, &nlohmann::json::is_object, "an object of KEY: VALUE");
    for (const auto& k : s.keys) {
      const auto v = settings.find(k);
      if (v == settings.end() || !v->is_string()) fail(path, p + "settings." + k, "expected the swept value");
      sp.values.push_back(v->get<std::string>());
    }
    sp.ok = pt.value("status", "") == "ok";
    sp.metrics = pt.value("metrics", nlohmann::json::object());
    if (const auto c = pt.find("latency_cdf"); c != pt.end() && c->is_object()) {
      const auto& pp = need(*c, "p", path, p + "latency_cdf.", &nlohmann::json::is_array, "an array");
      const auto& ns = need(*c, "ns", path, p + "latency_cdf.", &nlohmann::json::is_array, "an array");
      if (pp.size() != ns.size()) fail(path, p + "latency_cdf", "expected p and ns of the same length");
      for (size_t k = 0; k < pp.size(); ++k) {
        sp.cdf.p.push_back(pp[k].get<double>());
        sp.cdf.ns.push_back(ns[k].get<double>());
      }
    }
    sp.cdf.name = sp.label();
    s.points.push_back(std::move(sp));
  }
  return s;
}

Cdf make_cdf(QString name, std::vector<double> ns, int64_t dropped) {
  Cdf c;
  c.name = std::move(name);
  c.ns = std::move(ns);
  c.dropped = dropped;
  std::sort(c.ns.begin(), c.ns.end());
  for (size_t i = 0; i < c.ns.size(); ++i) c.p.push_back(static_cast<double>(i + 1) / c.ns.size());
  return c;
}

Cdf read_trace_cdf(const std::string& path) {
  std::vector<double> ns;
  int64_t dropped = 0;
  try {
    trace::TraceReader r(path);
    trace::Event e;
    while (r.next(e)) {
      if (e.kind == trace::Kind::Deliver && e.latency >= 0) ns.push_back(static_cast<double>(e.latency));
      if (e.kind == trace::Kind::Drop) ++dropped;
    }
  } catch (const trace::TraceError& e) {
    throw ChartError(e.what());
  }
  return make_cdf(QString::fromStdString(std::filesystem::path(path).filename().string()), std::move(ns),
                  dropped);
}

std::vector<QChart*> latency_charts(const Sweep& s) {
  return param_charts(s, QStringLiteral("Latency"), QStringLiteral("latency, µs"),
                      {{"latency_p50_ns", "p50"},
                       {"latency_p90_ns", "p90"},
                       {"latency_p99_ns", "p99"},
                       {"latency_p999_ns", "p99.9"}},
                      1e3, true);
}

std::vector<QChart*> drop_charts(const Sweep& s) {
  std::vector<std::pair<std::string, QString>> metrics{{"delivered", "delivered"}};
  std::map<std::string, bool> reasons;
  for (const auto& p : s.points)
    for (const auto& [k, _] : p.metrics.items())
      if (k.rfind("drops.", 0) == 0) reasons[k] = true;
  for (const auto& [k, _] : reasons) metrics.emplace_back(k, QString::fromStdString(k.substr(6)));
  return param_charts(s, QStringLiteral("Datagrams delivered and dropped"), QStringLiteral("datagrams"),
                      metrics, 1, false);
}

std::vector<QChart*> rate_charts(const Sweep& s) {
  std::vector<QChart*> out;
  const std::pair<const char*, QString> metrics[] = {
      {"throughput_pps", QStringLiteral("delivered to the application, datagrams/s")},
      {"interrupts_per_s", QStringLiteral("RX interrupts/s")}};
  const auto g = groups(s);
  for (const auto& [metric, unit] : metrics) {
    QChart* c = new_chart(unit + QStringLiteral(" against ") + QString::fromStdString(s.keys[0]));
    QAbstractAxis* x = nullptr;
    double hi = 0;
    for (const auto& [rest, pts] : g) {
      XAxis xa = x_axis(s, pts);
      if (!x) {
        x = xa.axis;
        c->addAxis(x, Qt::AlignBottom);
      } else {
        delete xa.axis;
      }
      auto* line = new QLineSeries;
      line->setName(rest.empty() ? QString::fromStdString(s.keys[0]) : group_title(s, rest));
      line->setPointsVisible(true);
      for (size_t i = 0; i < pts.size(); ++i) {
        const auto m = pts[i]->metrics.find(metric);
        const double v = m == pts[i]->metrics.end() ? 0.0 : m->value("mean", 0.0);
        line->append(xa.at[i], v);
        hi = std::max(hi, v);
      }
      c->addSeries(line);
    }
    if (!x) {
      delete c;
      continue;
    }
    QAbstractAxis* y = y_axis(unit, 0, hi, false);
    c->addAxis(y, Qt::AlignLeft);
    for (auto* series : c->series()) {
      series->attachAxis(x);
      series->attachAxis(y);
    }
    out.push_back(c);
  }
  return out;
}

QChart* cdf_chart(const std::vector<Cdf>& cdfs, const QString& title) {
  QChart* c = new_chart(title);
  double lo = 1e300, hi = 0;
  for (const auto& d : cdfs) {
    if (d.ns.empty()) continue;
    auto* line = new QLineSeries;
    line->setName(d.name);
    // A step per quantile; at most ~2000 points per series.
    const size_t step = std::max<size_t>(1, d.ns.size() / 2000);
    for (size_t i = 0; i < d.ns.size(); i += step) line->append(d.ns[i] / 1e3, d.p[i]);
    line->append(d.ns.back() / 1e3, d.p.back());
    lo = std::min(lo, std::max(d.ns.front(), 1.0) / 1e3);
    hi = std::max(hi, d.ns.back() / 1e3);
    c->addSeries(line);
  }
  if (c->series().isEmpty()) {
    if (!cdfs.empty()) c->setTitle(title + QStringLiteral(" — no delivered datagram"));
    return c;
  }
  QAbstractAxis* x;
  if (hi / lo > 100) {
    auto* a = new QLogValueAxis;
    a->setBase(10);
    a->setLabelFormat("%g");
    a->setRange(lo / 1.2, hi * 1.2);
    a->setTitleText(QStringLiteral("latency, µs (log)"));
    x = a;
  } else {
    auto* a = new QValueAxis;
    a->setRange(0, hi * 1.05);
    a->applyNiceNumbers();
    a->setLabelFormat("%g");
    a->setTitleText(QStringLiteral("latency, µs"));
    x = a;
  }
  auto* y = new QValueAxis;
  y->setRange(0, 1);
  y->setTitleText(QStringLiteral("fraction of delivered datagrams"));
  c->addAxis(x, Qt::AlignBottom);
  c->addAxis(y, Qt::AlignLeft);
  for (auto* s : c->series()) {
    s->attachAxis(x);
    s->attachAxis(y);
  }
  return c;
}

void render(const std::vector<QChart*>& charts, const std::string& path, QSize each) {
  const auto ext = std::filesystem::path(path).extension().string();
  if (ext != ".png" && ext != ".svg") fail(path, "", "expected a file name ending in .png or .svg");
  const QSize total(each.width(), each.height() * static_cast<int>(std::max<size_t>(charts.size(), 1)));
  const std::string tmp = path + ".tmp";
  auto draw = [&](QPainter& painter) {
    painter.fillRect(QRect(QPoint(0, 0), total), Qt::white);
    for (size_t i = 0; i < charts.size(); ++i) {
      QGraphicsScene scene;
      scene.addItem(charts[i]);
      charts[i]->setGeometry(0, 0, each.width(), each.height());
      const QRectF target(0, static_cast<double>(each.height()) * static_cast<double>(i), each.width(),
                          each.height());
      scene.render(&painter, target, QRectF(0, 0, each.width(), each.height()));
      scene.removeItem(charts[i]);
    }
  };
  bool ok = false;
  if (ext == ".png") {
    QImage img(total, QImage::Format_ARGB32);
    QPainter painter(&img);
    painter.setRenderHint(QPainter::Antialiasing);
    draw(painter);
    painter.end();
    ok = img.save(QString::fromStdString(tmp), "PNG");
  } else {
    QSvgGenerator svg;
    svg.setFileName(QString::fromStdString(tmp));
    svg.setSize(total);
    svg.setViewBox(QRect(QPoint(0, 0), total));
    svg.setTitle(QStringLiteral("rxpath plot"));
    QPainter painter(&svg);
    draw(painter);
    ok = painter.end();
  }
  if (!ok || !QFile::exists(QString::fromStdString(tmp))) {
    std::filesystem::remove(tmp);
    fail(path, "", "could not write the image");
  }
  std::filesystem::rename(tmp, path);
}

} // namespace rxpath::charts

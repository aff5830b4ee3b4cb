#include "Charts.hpp"

#include "timeline/Palette.hpp"

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

namespace rxpath::charts {
namespace {

bool is_number(const std::string& s) {
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return !s.empty() && *end == '\0';
}

// The ok points that share the values of every key but the x key: one chart (or line) each,
// in the order of the sweep's grid, with their points in x order.
struct Group {
  QString title; // "net.core.rmem_max = 4194304, …" (the varying keys but x); empty if none
  std::vector<const SweepPoint*> points;
};

std::vector<Group> groups(const Sweep& s, bool numeric_x) {
  std::vector<std::vector<std::string>> ids;
  std::vector<Group> out;
  for (const auto& p : s.points) {
    if (!p.ok) continue;
    std::vector<std::string> id = p.values;
    id.erase(id.begin() + static_cast<std::ptrdiff_t>(s.x));
    const auto i = static_cast<size_t>(std::find(ids.begin(), ids.end(), id) - ids.begin());
    if (i == ids.size()) {
      ids.push_back(id);
      QStringList t;
      for (size_t k = 0; k < s.keys.size(); ++k)
        if (k != s.x && !s.constant[k]) t << QString::fromStdString(s.keys[k] + " = " + p.values[k]);
      out.push_back({t.join(QStringLiteral(", ")), {}});
    }
    out[i].points.push_back(&p);
  }
  if (numeric_x)
    for (auto& g : out)
      std::stable_sort(g.points.begin(), g.points.end(), [&](const SweepPoint* a, const SweepPoint* b) {
        return std::stod(a->values[s.x]) < std::stod(b->values[s.x]);
      });
  return out;
}

// The x axis, the same for every chart of a sweep: the x key's values as numbers (log when they
// span a factor of 10 or more) or, if one is not a number, as categories in the grid's order.
struct XAxis {
  bool numeric = true;
  std::map<std::string, double> at; // value → position
  QAbstractAxis* make(const Sweep& s) const;
};

XAxis x_positions(const Sweep& s) {
  XAxis x;
  std::vector<std::string> values;
  for (const auto& p : s.points)
    if (p.ok && std::find(values.begin(), values.end(), p.values[s.x]) == values.end())
      values.push_back(p.values[s.x]);
  x.numeric = std::all_of(values.begin(), values.end(), is_number);
  for (size_t i = 0; i < values.size(); ++i)
    x.at[values[i]] = x.numeric ? std::stod(values[i]) : static_cast<double>(i);
  return x;
}

QAbstractAxis* XAxis::make(const Sweep& s) const {
  QAbstractAxis* axis;
  if (!numeric) {
    auto* a = new QCategoryAxis;
    a->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    std::vector<std::pair<double, std::string>> order;
    for (const auto& [v, pos] : at) order.emplace_back(pos, v);
    std::sort(order.begin(), order.end());
    for (const auto& [pos, v] : order) a->append(QString::fromStdString(v), pos);
    a->setRange(-0.5, static_cast<double>(at.size()) - 0.5);
    axis = a;
  } else {
    double lo = 0, hi = 1;
    if (!at.empty()) {
      const auto [l, h] = std::minmax_element(
          at.begin(), at.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
      lo = l->second;
      hi = h->second;
    }
    // Whole numbers in full (1048576, not 1.04858e+06).
    const bool whole = std::all_of(at.begin(), at.end(), [](const auto& v) {
      return v.second == std::round(v.second) && std::abs(v.second) < 1e15;
    });
    const char* format = whole ? "%.0f" : "%g";
    if (lo > 0 && hi / lo >= 10) {
      auto* a = new QLogValueAxis;
      a->setBase(10);
      a->setLabelFormat(format);
      a->setRange(lo / 1.5, hi * 1.5);
      a->setMinorTickCount(-1);
      axis = a;
    } else {
      auto* a = new QValueAxis;
      const double pad = hi > lo ? (hi - lo) * 0.05 : std::max(1.0, std::abs(lo) * 0.1);
      a->setRange(lo - pad, hi + pad);
      a->applyNiceNumbers();
      a->setLabelFormat(whole && a->max() - a->min() >= 5 ? "%.0f" : "%g");
      axis = a;
    }
  }
  axis->setTitleText(QString::fromStdString(s.keys[s.x]));
  return axis;
}

QAbstractAxis* y_axis(const QString& title, double lo, double hi, bool log) {
  if (log) {
    auto* a = new QLogValueAxis;
    a->setBase(10);
    a->setLabelFormat("%g");
    a->setRange(lo / 1.5, hi * 1.5);
    a->setMinorTickCount(-1);
    a->setTitleText(title + QStringLiteral(", log scale"));
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

void attach(QChart* c, QAbstractAxis* x, QAbstractAxis* y) {
  c->addAxis(x, Qt::AlignBottom);
  c->addAxis(y, Qt::AlignLeft);
  for (auto* series : c->series()) {
    series->attachAxis(x);
    series->attachAxis(y);
  }
}

QString chart_title(const QString& what, const Sweep& s, const Group& g) {
  QString t = what + QStringLiteral(" against ") + s.short_key(s.x);
  if (!g.title.isEmpty()) t += QStringLiteral(" (") + g.title + ")";
  return t;
}

struct Curve {
  std::string metric;
  QString name;
  QColor color = QColor(); // invalid: the theme's next colour
};

// One line per metric against the x key, with a band for its 95% CI, for each group. A point
// without the metric is left out, or counted as 0 (`missing_is_zero`: drop counters).
std::vector<QChart*> param_charts(const Sweep& s, const QString& what, const QString& unit,
                                  const std::vector<Curve>& curves, double scale, bool allow_log,
                                  bool missing_is_zero) {
  std::vector<QChart*> out;
  const XAxis xs = x_positions(s);
  for (const Group& g : groups(s, xs.numeric)) {
    // Values first: the y axis (linear or log) decides where a band may reach.
    std::vector<std::vector<std::optional<Metric>>> values(curves.size());
    double lo = 1e300, hi = 0;
    for (size_t k = 0; k < curves.size(); ++k)
      for (const SweepPoint* p : g.points) {
        std::optional<Metric> m;
        if (const Metric* pm = p->metric(curves[k].metric))
          m = Metric{pm->mean / scale, pm->ci95 / scale};
        else if (missing_is_zero)
          m = Metric{0, 0};
        values[k].push_back(m);
        if (!m) continue;
        if (m->mean > 0) lo = std::min(lo, std::max(m->mean - m->ci95, m->mean * 0.5));
        hi = std::max(hi, m->mean + m->ci95);
      }
    const bool log = allow_log && lo < hi && hi / lo > 100;
    QChart* c = new_chart(chart_title(what, s, g));
    for (size_t k = 0; k < curves.size(); ++k) {
      auto* line = new QLineSeries;
      line->setName(curves[k].name);
      line->setPointsVisible(true);
      if (curves[k].color.isValid()) line->setColor(curves[k].color);
      auto* upper = new QLineSeries;
      auto* lower = new QLineSeries;
      bool band = false;
      for (size_t i = 0; i < g.points.size(); ++i) {
        const auto& m = values[k][i];
        if (!m) continue;
        const double x = xs.at.at(g.points[i]->values[s.x]);
        line->append(x, m->mean);
        upper->append(x, m->mean + m->ci95);
        lower->append(x, std::max(m->mean - m->ci95, log ? m->mean * 0.5 : 0.0));
        band = band || m->ci95 > 0;
      }
      c->addSeries(line);
      if (!band) {
        delete upper;
        delete lower;
        continue;
      }
      auto* area = new QAreaSeries(upper, lower);
      area->setName(curves[k].name + QStringLiteral(" 95% CI"));
      QColor fill = line->color();
      fill.setAlpha(60);
      area->setColor(fill);
      area->setPen(Qt::NoPen);
      c->addSeries(area);
    }
    attach(c, xs.make(s), y_axis(unit, lo > hi ? 1 : lo, hi, log));
    // The bands share their line's colour; only the lines go in the legend.
    for (auto* marker : c->legend()->markers())
      if (qobject_cast<QAreaSeries*>(marker->series())) marker->setVisible(false);
    out.push_back(c);
  }
  return out;
}

} // namespace

std::vector<QChart*> latency_charts(const Sweep& s) {
  const QString unit =
      s.seeds > 1 ? QStringLiteral("latency, µs (mean ± 95% CI)") : QStringLiteral("latency, µs");
  return param_charts(s, QStringLiteral("Latency"), unit,
                      {{"latency_p50_ns", QStringLiteral("p50")},
                       {"latency_p90_ns", QStringLiteral("p90")},
                       {"latency_p99_ns", QStringLiteral("p99")},
                       {"latency_p999_ns", QStringLiteral("p99.9")}},
                      1e3, true, false);
}

std::vector<QChart*> drop_charts(const Sweep& s) {
  // Delivered in the deliver colour, drops in the drop colour (shades of it when there are several
  // reasons), as on the timeline: the theme's second colour made the first drop reason green.
  std::vector<Curve> curves{{"delivered", QStringLiteral("delivered"), rxpath::view::deliver_color()}};
  std::map<std::string, bool> reasons;
  for (const auto& p : s.points)
    for (const auto& [k, _] : p.metrics)
      if (k.rfind("drops.", 0) == 0) reasons[k] = true;
  int shade = 0;
  for (const auto& [k, _] : reasons) {
    static const int factors[] = {100, 150, 60, 200, 40};
    const int f = factors[shade++ % 5];
    const QColor c = f >= 100 ? rxpath::view::drop_color().darker(f)
                              : rxpath::view::drop_color().lighter(100 + (100 - f) * 2);
    curves.push_back({k, QString::fromStdString(k.substr(6)), c});
  }
  const QString unit =
      s.seeds > 1 ? QStringLiteral("datagrams (mean of %1 seeds)").arg(s.seeds) : QStringLiteral("datagrams");
  return param_charts(s, QStringLiteral("Delivered and dropped"), unit, curves, 1, false, true);
}

std::vector<QChart*> rate_charts(const Sweep& s) {
  std::vector<QChart*> out;
  const std::pair<const char*, QString> metrics[] = {
      {"throughput_pps", QStringLiteral("Delivered to the application")},
      {"interrupts_per_s", QStringLiteral("RX interrupts")}};
  const XAxis xs = x_positions(s);
  const auto gs = groups(s, xs.numeric);
  if (gs.empty()) return out;
  for (const auto& [metric, what] : metrics) {
    QChart* c = new_chart(what + QStringLiteral(" against ") + s.short_key(s.x));
    double hi = 0;
    for (const Group& g : gs) {
      auto* line = new QLineSeries;
      line->setName(g.title.isEmpty() ? what : g.title);
      line->setPointsVisible(true);
      for (const SweepPoint* p : g.points)
        if (const Metric* m = p->metric(metric)) {
          line->append(xs.at.at(p->values[s.x]), m->mean);
          hi = std::max(hi, m->mean);
        }
      c->addSeries(line);
    }
    c->legend()->setAlignment(Qt::AlignBottom);
    c->legend()->setVisible(gs.size() > 1);
    attach(c, xs.make(s), y_axis(QStringLiteral("per second"), 0, hi, false));
    out.push_back(c);
  }
  return out;
}

QChart* cdf_chart(const std::vector<Cdf>& cdfs, const QString& title) {
  QChart* c = new_chart(title);
  double lo = 1e300, hi = 0;
  int longest = 0;
  for (const auto& d : cdfs) {
    if (d.ns.empty()) continue;
    lo = std::min(lo, std::max(d.ns.front(), 1.0) / 1e3);
    hi = std::max(hi, d.ns.back() / 1e3);
    longest = std::max(longest, static_cast<int>(d.name.size()));
  }
  const bool log = hi > 0 && hi / lo > 100;
  // From 10 ms on, in ms: 15000 µs reads 15.
  const bool ms = hi >= 1e4;
  const double per_unit = ms ? 1e6 : 1e3;
  const QString unit = ms ? QStringLiteral("ms") : QStringLiteral("µs");
  if (ms) lo /= 1e3, hi /= 1e3;
  for (const auto& d : cdfs) {
    if (d.ns.empty()) continue;
    auto* line = new QLineSeries;
    line->setName(d.name);
    // At most ~2000 points per series (a trace has one per datagram), always the last.
    const size_t step = std::max<size_t>(1, d.ns.size() / 2000);
    const auto x = [&](size_t i) { return log ? std::max(d.ns[i] / per_unit, lo) : d.ns[i] / per_unit; };
    for (size_t i = 0; i + 1 < d.ns.size(); i += step) line->append(x(i), d.p[i]);
    line->append(x(d.ns.size() - 1), d.p.back());
    c->addSeries(line);
  }
  if (c->series().isEmpty()) {
    if (!cdfs.empty()) c->setTitle(title + QStringLiteral(": no delivered datagram"));
    return c;
  }
  QAbstractAxis* x;
  if (log) {
    auto* a = new QLogValueAxis;
    a->setBase(10);
    a->setLabelFormat("%g");
    a->setRange(lo / 1.2, hi * 1.2);
    a->setMinorTickCount(-1);
    a->setTitleText(QStringLiteral("latency, %1 (log scale)").arg(unit));
    x = a;
  } else {
    auto* a = new QValueAxis;
    a->setRange(0, hi * 1.05);
    a->applyNiceNumbers();
    a->setLabelFormat("%g");
    a->setTitleText(QStringLiteral("latency, %1").arg(unit));
    x = a;
  }
  auto* y = new QValueAxis;
  y->setRange(0, 1);
  y->setTickCount(6);
  y->setLabelFormat("%.1f");
  y->setTitleText(QStringLiteral("fraction of delivered datagrams"));
  // A long name (a what-if's settings) fits below the chart; many names fit better in a column.
  if (longest > 36 && c->series().size() <= 3) c->legend()->setAlignment(Qt::AlignBottom);
  attach(c, x, y);
  return c;
}

} // namespace rxpath::charts

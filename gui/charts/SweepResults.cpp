#include "SweepResults.hpp"

#include <nlohmann/json.hpp>

#include <QStringList>

#include <algorithm>
#include <fstream>

namespace rxpath::charts {
namespace {

using json = nlohmann::json;

[[noreturn]] void fail(const std::string& file, const std::string& key, const std::string& what) {
  throw ChartError(file + (key.empty() ? "" : ": " + key) + ": " + what);
}

// Reads one file's JSON, naming the JSON path of whatever is wrong.
class Checker {
public:
  explicit Checker(std::string file) : file_(std::move(file)) {}

  const json& need(const json& j, const std::string& path, const char* key, json::value_t type,
                   const char* expected) const {
    const auto it = j.find(key);
    if (it == j.end()) fail(file_, path + key, std::string("missing; expected ") + expected);
    if (it->type() != type && !(type == json::value_t::number_float && it->is_number()))
      fail(file_, path + key, "found " + std::string(it->type_name()) + "; expected " + expected);
    return *it;
  }
  double number(const json& j, const std::string& path) const {
    if (!j.is_number()) fail(file_, path, "found " + std::string(j.type_name()) + "; expected a number");
    return j.get<double>();
  }
  [[noreturn]] void fail_at(const std::string& path, const std::string& what) const {
    fail(file_, path, what);
  }

private:
  std::string file_;
};

std::map<std::string, Metric> read_metrics(const Checker& c, const json& m, const std::string& path) {
  std::map<std::string, Metric> out;
  for (const auto& [k, v] : m.items()) {
    const std::string at = path + k;
    if (v.is_number()) {
      out[k] = Metric{v.get<double>(), 0};
      continue;
    }
    if (!v.is_object())
      c.fail_at(at, "found " + std::string(v.type_name()) + R"(; expected {"mean": M, "ci95": H})");
    Metric metric;
    metric.mean =
        c.number(c.need(v, at + ".", "mean", json::value_t::number_float, "a number"), at + ".mean");
    if (const auto h = v.find("ci95"); h != v.end()) metric.ci95 = c.number(*h, at + ".ci95");
    out[k] = metric;
  }
  return out;
}

Cdf read_cdf(const Checker& c, const json& j, const std::string& path) {
  Cdf cdf;
  const auto& p = c.need(j, path + ".", "p", json::value_t::array, "an array of probabilities");
  const auto& ns = c.need(j, path + ".", "ns", json::value_t::array, "an array of latencies in ns");
  if (p.size() != ns.size())
    c.fail_at(path, "p has " + std::to_string(p.size()) + " entries and ns " + std::to_string(ns.size()) +
                        "; expected the same number");
  for (size_t i = 0; i < p.size(); ++i) {
    const std::string at = "[" + std::to_string(i) + "]";
    const double pi = c.number(p[i], path + ".p" + at);
    const double ni = c.number(ns[i], path + ".ns" + at);
    if (pi < 0 || pi > 1 || (i > 0 && pi < cdf.p.back()))
      c.fail_at(path + ".p" + at, "expected probabilities ascending in [0, 1]");
    if (i > 0 && ni < cdf.ns.back()) c.fail_at(path + ".ns" + at, "expected latencies ascending with p");
    cdf.p.push_back(pi);
    cdf.ns.push_back(ni);
  }
  return cdf;
}

// The constant keys, the x key and the CDFs' names, after reading or filtering.
void derive(Sweep& s) {
  s.constant.assign(s.keys.size(), true);
  for (size_t k = 0; k < s.keys.size(); ++k)
    for (const auto& p : s.points)
      if (p.values[k] != s.points.front().values[k]) s.constant[k] = false;
  const auto first = std::find(s.constant.begin(), s.constant.end(), false);
  s.x = first == s.constant.end() ? 0 : static_cast<size_t>(first - s.constant.begin());
  for (auto& p : s.points) p.cdf.name = s.label(p);
}

} // namespace

const Metric* SweepPoint::metric(const std::string& key) const {
  const auto it = metrics.find(key);
  return it == metrics.end() ? nullptr : &it->second;
}

bool Sweep::has_cdfs() const {
  return std::any_of(points.begin(), points.end(), [](const SweepPoint& p) { return !p.cdf.ns.empty(); });
}

QString Sweep::short_key(size_t i) const {
  const auto last = [](const std::string& k) {
    const auto dot = k.rfind('.');
    return dot == std::string::npos ? k : k.substr(dot + 1);
  };
  for (size_t j = 0; j < keys.size(); ++j)
    if (j != i && last(keys[j]) == last(keys[i])) return QString::fromStdString(keys[i]);
  return QString::fromStdString(last(keys[i]));
}

QString Sweep::label(const SweepPoint& p) const {
  QStringList parts;
  for (size_t i = 0; i < keys.size(); ++i)
    if (!constant[i]) parts << short_key(i) + QLatin1Char('=') + QString::fromStdString(p.values[i]);
  // A single point: its settings are all constant, but it still needs a name.
  if (parts.isEmpty())
    for (size_t i = 0; i < keys.size(); ++i)
      parts << short_key(i) + QLatin1Char('=') + QString::fromStdString(p.values[i]);
  return parts.join(QLatin1Char(' '));
}

QString Sweep::fixed_settings() const {
  QStringList parts;
  if (points.empty()) return {};
  for (size_t i = 0; i < keys.size(); ++i)
    if (constant[i]) parts << QString::fromStdString(keys[i] + " = " + points.front().values[i]);
  return parts.join(QStringLiteral(", "));
}

void Sweep::where(const std::string& key, const std::string& value) {
  const auto k = std::find(keys.begin(), keys.end(), key);
  if (k == keys.end()) fail(file, "axes", "--where " + key + ": not a swept key");
  const auto i = static_cast<size_t>(k - keys.begin());
  std::vector<std::string> seen;
  for (const auto& p : points)
    if (std::find(seen.begin(), seen.end(), p.values[i]) == seen.end()) seen.push_back(p.values[i]);
  if (std::find(seen.begin(), seen.end(), value) == seen.end()) {
    std::string values;
    for (const auto& v : seen) values += (values.empty() ? "" : ", ") + v;
    fail(file, "points",
         "--where " + key + "=" + value + ": no point has this value (it has " + values + ")");
  }
  std::erase_if(points, [&](const SweepPoint& p) { return p.values[i] != value; });
  derive(*this);
}

Sweep read_sweep(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail(path, "", "cannot read the file");
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    fail(path, "", std::string("not JSON (") + e.what() + ")");
  }
  if (!j.is_object())
    fail(path, "", "expected the JSON object that `rxpath sweep -o OUT` writes to OUT.json");
  const Checker c(path);
  Sweep s;
  s.file = path;
  if (const auto it = j.find("scenario"); it != j.end() && it->is_string())
    s.scenario = it->get<std::string>();
  if (const auto it = j.find("seeds"); it != j.end() && it->is_number_integer()) s.seeds = it->get<int>();
  const auto& axes = c.need(j, "", "axes", json::value_t::array, "the array of swept keys");
  for (size_t i = 0; i < axes.size(); ++i) {
    const std::string at = "axes[" + std::to_string(i) + "]";
    if (!axes[i].is_object()) c.fail_at(at, R"(expected {"key": K, "values": [...]})");
    s.keys.push_back(c.need(axes[i], at + ".", "key", json::value_t::string, "a string").get<std::string>());
  }
  if (s.keys.empty()) fail(path, "axes", "empty; expected at least one swept key");
  const auto& points = c.need(j, "", "points", json::value_t::array, "the array of points");
  for (size_t i = 0; i < points.size(); ++i) {
    const std::string at = "points[" + std::to_string(i) + "]";
    const auto& pt = points[i];
    if (!pt.is_object()) c.fail_at(at, "expected an object");
    SweepPoint sp;
    const auto& settings = c.need(pt, at + ".", "settings", json::value_t::object, "an object of KEY: VALUE");
    for (const auto& k : s.keys) {
      const auto v = settings.find(k);
      if (v == settings.end() || !v->is_string())
        c.fail_at(at + ".settings." + k, "expected the swept key's value as a string");
      sp.values.push_back(v->get<std::string>());
    }
    const auto status =
        c.need(pt, at + ".", "status", json::value_t::string, R"("ok" or "failed")").get<std::string>();
    if (status != "ok" && status != "failed")
      c.fail_at(at + ".status", "\"" + status + R"(": expected "ok" or "failed")");
    sp.ok = status == "ok";
    if (pt.contains("metrics"))
      sp.metrics = read_metrics(c, c.need(pt, at + ".", "metrics", json::value_t::object, "an object"),
                                at + ".metrics.");
    // null when nothing was delivered; absent in results of an rxpath older than the key.
    if (const auto cdf = pt.find("latency_cdf"); cdf != pt.end() && !cdf->is_null()) {
      if (!cdf->is_object()) c.fail_at(at + ".latency_cdf", R"(expected {"p": [...], "ns": [...]} or null)");
      sp.cdf = read_cdf(c, *cdf, at + ".latency_cdf");
    }
    s.points.push_back(std::move(sp));
  }
  derive(s);
  return s;
}

} // namespace rxpath::charts

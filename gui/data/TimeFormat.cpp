#include "TimeFormat.hpp"

#include <algorithm>
#include <cmath>

namespace rxpath::view {
namespace {

struct Unit {
  double ns;
  const char* name;
};
Unit unit_for(double magnitude) {
  magnitude = std::abs(magnitude);
  if (magnitude >= 1e9) return {1e9, "s"};
  if (magnitude >= 1e6) return {1e6, "ms"};
  if (magnitude >= 1e3) return {1e3, "µs"};
  return {1, "ns"};
}

} // namespace

QString format_ns(double ns) {
  const Unit u = unit_for(ns);
  const double v = ns / u.ns;
  const int decimals = u.ns == 1 ? 0 : (std::abs(v) >= 100 ? 1 : (std::abs(v) >= 10 ? 2 : 3));
  return QString::number(v, 'f', decimals) + QLatin1Char(' ') + QString::fromUtf8(u.name);
}

QString format_precise(int64_t ns) {
  const bool neg = ns < 0;
  const uint64_t a = neg ? uint64_t(-ns) : uint64_t(ns);
  QString whole = QString::number(a / 1000);
  for (qsizetype i = whole.size() - 3; i > 0; i -= 3) whole.insert(i, QChar(0x2009)); // thin space
  return QStringLiteral("%1%2.%3 µs")
      .arg(neg ? QStringLiteral("-") : QString(), whole)
      .arg(a % 1000, 3, 10, QLatin1Char('0'));
}

QString format_tick(double t, double step, double scale) {
  const Unit u = unit_for(std::max(std::abs(scale), step));
  const double s = step / u.ns; // the step in that unit: 1, 2, 5, 10, 20, 50, 100, 200, 500
  const int decimals = s >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(s)));
  return QString::number(t / u.ns, 'f', decimals) + QLatin1Char(' ') + QString::fromUtf8(u.name);
}

} // namespace rxpath::view

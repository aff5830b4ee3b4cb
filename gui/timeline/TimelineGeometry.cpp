#include "TimelineGeometry.hpp"

#include <algorithm>
#include <cmath>

namespace rxpath::view {

void TimelineGeometry::set_width(double px) {
  width_ = std::max(1.0, px);
}

void TimelineGeometry::set_limits(double t_min, double t_max) {
  lo_ = t_min;
  hi_ = std::max(t_max, t_min + kMinDurationNs);
}

void TimelineGeometry::set_range(double t0, double t1) {
  if (!(t1 > t0)) t1 = t0 + kMinDurationNs; // also catches NaN
  t0_ = t0;
  duration_ = t1 - t0;
  clamp();
}

// Never narrower than kMinDurationNs, never wider than twice the data, and some of the data
// always on screen.
void TimelineGeometry::clamp() {
  const double extent = hi_ - lo_;
  if (duration_ < kMinDurationNs) {
    t0_ += (duration_ - kMinDurationNs) / 2;
    duration_ = kMinDurationNs;
  }
  duration_ = std::min(duration_, 2 * extent);
  t0_ = std::clamp(t0_, lo_ - duration_ / 2, hi_ - duration_ / 2);
}

void TimelineGeometry::zoom(double factor, double x) {
  if (!(factor > 0)) return;
  const double anchor = map_x_to_time(x);
  const double d = duration_ / factor;
  set_range(anchor - x / width_ * d, anchor - x / width_ * d + d);
}

void TimelineGeometry::fit_range(double t0, double t1, double margin) {
  if (t1 < t0) std::swap(t0, t1);
  const double pad = std::max((t1 - t0) * margin, kMinDurationNs / 2);
  set_range(t0 - pad, t1 + pad);
}

void TimelineGeometry::ensure_visible(double t) {
  if (t >= t0_ && t <= end()) return;
  set_range(t - duration_ / 2, t + duration_ / 2);
}

double TimelineGeometry::tick_step(double min_px) const {
  const double raw = min_px * ns_per_pixel();
  double step = std::pow(10.0, std::floor(std::log10(std::max(raw, 1.0))));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (step * m >= raw) return std::max(1.0, step * m);
  return std::max(1.0, step * 10);
}

std::vector<double> TimelineGeometry::ticks(double min_px) const {
  const double step = tick_step(min_px);
  std::vector<double> out;
  for (double t = std::ceil(t0_ / step) * step; t <= end() && out.size() < 1000; t += step) out.push_back(t);
  return out;
}

} // namespace rxpath::view

// Maps trace time (ns) to pixels and back for the timeline, and does the zoom/pan arithmetic.
// Pure: no widget, so it is unit-tested without a display (as Hotspot's TimeLineData).
#pragma once

#include <cstdint>
#include <vector>

namespace rxpath::view {

class TimelineGeometry {
public:
  // Narrowest visible duration: below this a pixel would be a fraction of a nanosecond too long.
  static constexpr double kMinDurationNs = 20.0;

  void set_width(double px);
  double width() const { return width_; }
  // The data's extent: fit() shows it, zoom and pan stay around it.
  void set_limits(double t_min, double t_max);
  void set_range(double t0, double t1);
  double start() const { return t0_; }
  double end() const { return t0_ + duration_; }
  double duration() const { return duration_; }
  double ns_per_pixel() const { return duration_ / width_; }

  double map_time_to_x(double t) const { return (t - t0_) / duration_ * width_; }
  double map_x_to_time(double x) const { return t0_ + x / width_ * duration_; }

  // factor > 1 zooms in; the time under pixel x stays under x.
  void zoom(double factor, double x);
  void pan_pixels(double dx) { set_range(t0_ + dx * ns_per_pixel(), t0_ + dx * ns_per_pixel() + duration_); }
  void fit() { set_range(lo_, hi_); }
  // Shows [t0, t1] with `margin` (fraction of it) either side.
  void fit_range(double t0, double t1, double margin = 0.05);
  // Pans (without zooming) so that t is visible, centring it if it was outside.
  void ensure_visible(double t);

  // Time axis: a "nice" step (1, 2 or 5 × 10^k ns) giving ticks about `min_px` apart, and the
  // tick times in the visible range.
  double tick_step(double min_px) const;
  std::vector<double> ticks(double min_px) const;

private:
  void clamp();

  double width_ = 1000;
  double t0_ = 0, duration_ = 1000;
  double lo_ = 0, hi_ = 1000;
};

} // namespace rxpath::view

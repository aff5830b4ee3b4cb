// Human-readable times: the unit (ns, µs, ms, s) follows the magnitude or the axis step.
#pragma once

#include <QString>

#include <cstdint>

namespace rxpath::view {

// A duration or instant with a unit chosen for its size: "850 ns", "12.4 µs", "3.215 ms".
QString format_ns(double ns);
// An instant to the nanosecond, in µs with thousands grouped: "22 037.512 µs".
QString format_precise(int64_t ns);
// An axis label for tick t when ticks are `step` ns apart on an axis reaching `scale` ns: the
// unit follows the scale ("15.2 ms", not "15200 µs") and the decimals follow the step.
QString format_tick(double t, double step, double scale);

} // namespace rxpath::view

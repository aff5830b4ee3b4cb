// Kernel time in jiffies: timers fire on timer-tick boundaries, HZ ticks per second
// (CONFIG_HZ; Debian and Ubuntu ship 250). The model's clock is nanoseconds since the run began,
// which is taken to start on a tick.
#pragma once

#include <cstdint>

namespace rxpath::model {

inline int64_t tick_ns(int64_t hz) {
  return 1'000'000'000 / hz;
}

// The jiffies counter at `t` (the run starts at jiffy 0, on a tick).
inline int64_t jiffies_at(int64_t t, int64_t hz) {
  return t / tick_ns(hz);
}
// The first moment the counter reads `j`.
inline int64_t jiffy_start_ns(int64_t j, int64_t hz) {
  return j * tick_ns(hz);
}
// usecs_to_jiffies / msecs_to_jiffies (include/linux/jiffies.h): rounded up.
inline int64_t usecs_to_jiffies(int64_t usecs, int64_t hz) {
  return (usecs * hz + 999'999) / 1'000'000;
}

// sock_set_timeout (net/core/sock.c, 3.19 and 6.18 alike): SO_RCVTIMEO's timeval becomes
// tv_sec * HZ + DIV_ROUND_UP(tv_usec, USEC_PER_SEC / HZ) jiffies.
inline int64_t rcvtimeo_jiffies(int64_t usecs, int64_t hz) {
  const int64_t usec_per_jiffy = 1'000'000 / hz;
  return (usecs / 1'000'000) * hz + ((usecs % 1'000'000) + usec_per_jiffy - 1) / usec_per_jiffy;
}

// schedule_timeout(timeout) (kernel/time/timer.c): a timer for jiffies + timeout, which fires on
// that tick. Simplified: the timer wheel's coarser granularity for long timeouts (4.8+) is not
// modelled.
inline int64_t timeout_expiry_ns(int64_t now_ns, int64_t timeout_jiffies, int64_t hz) {
  const int64_t tick = tick_ns(hz);
  return (now_ns / tick + timeout_jiffies) * tick;
}

} // namespace rxpath::model

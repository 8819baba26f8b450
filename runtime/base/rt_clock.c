/* rt_clock.c — the monotonic clock: rt_mono_ns for the runtime's own deadlines
 * (timers, the I/O thread, restart windows) and the built-in now_ms(). */
#include "base/rt_base.h"

#include <time.h>

int64_t rt_mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t rt_now_ms(void) { return rt_mono_ns() / 1000000; }

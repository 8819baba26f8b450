/* rt_builtin.c — built-in functions that need the system: now_ms() (the monotonic
 * clock) and random(n), which draws from the calling actor's generator (std.random's,
 * rt_std_random.c: seeded by random_seed, else from ACTOR_SEED or the clock and the
 * actor's number). */
#include "rt_internal.h"
#include "rt_std.h"

#include <time.h>

int64_t rt_mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t rt_now_ms(void) { return rt_mono_ns() / 1000000; }

int64_t rt_random(int64_t n, const char *pos) {
  if (n <= 0) {
    char msg[64];
    snprintf(msg, sizeof msg, "random(%lld): bound must be positive", (long long)n);
    rt_fail(msg, pos);
  }
  return (int64_t)rt_rng_below((uint64_t)n);
}

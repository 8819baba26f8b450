/* rt_builtin.c — built-in functions that need the system: now_ms() (the monotonic
 * clock) and random(n) (a per-thread PRNG: wyrand, seeded from the clock, or from
 * ACTOR_SEED when set, mixed with a per-thread sequence number). */
#include "rt_internal.h"

#include <time.h>

int64_t rt_mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t rt_now_ms(void) { return rt_mono_ns() / 1000000; }

static __thread uint64_t rng_state;
static __thread bool rng_ready;
static _Atomic uint64_t rng_threads; /* threads seeded so far */

static uint64_t mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

static void rng_seed(void) {
  uint64_t seed;
  const char *e = getenv("ACTOR_SEED");
  if (e && *e)
    seed = strtoull(e, NULL, 10);
  else
    seed = (uint64_t)rt_mono_ns() ^ ((uint64_t)time(NULL) << 20);
  /* relaxed: only distinctness matters. */
  uint64_t k = atomic_fetch_add_explicit(&rng_threads, 1, memory_order_relaxed);
  rng_state = mix(seed + 0x9e3779b97f4a7c15ull * (k + 1));
  rng_ready = true;
}

static inline uint64_t wyrand(void) {
  rng_state += 0xa0761d6478bd642full;
  __uint128_t t = (__uint128_t)rng_state * (rng_state ^ 0xe7037ed1a0b428dbull);
  return (uint64_t)(t >> 64) ^ (uint64_t)t;
}

int64_t rt_random(int64_t n, const char *pos) {
  if (n <= 0) {
    char msg[64];
    snprintf(msg, sizeof msg, "random(%lld): bound must be positive", (long long)n);
    rt_fail(msg, pos);
  }
  if (RT_UNLIKELY(!rng_ready)) rng_seed();
  /* Lemire's multiply-and-reject: uniform over 0..n-1. */
  uint64_t un = (uint64_t)n;
  __uint128_t m = (__uint128_t)wyrand() * un;
  uint64_t lo = (uint64_t)m;
  if (lo < un) {
    uint64_t thresh = -un % un;
    while (lo < thresh) {
      m = (__uint128_t)wyrand() * un;
      lo = (uint64_t)m;
    }
  }
  return (int64_t)(m >> 64);
}

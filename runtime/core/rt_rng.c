/* rt_rng.c — the random generator behind the built-in random(n) and std.random
 * (stdlib/random.c).
 *
 * One generator per actor, kept by the runtime in the actor's extension (ext->rng),
 * so a program needs no generator value to thread through its code, and what one
 * actor draws never depends on what others draw or on which thread runs it: a run can
 * be repeated.  The generator is xoshiro256** (Blackman and Vigna, 2018: 256 bits of
 * state, period 2^256 - 1, passes BigCrush), seeded by expanding a 64-bit seed with
 * splitmix64, as its authors recommend.
 *
 *   rt_rng_seed(s)  (std.random's random_seed) the calling actor's state becomes
 *                   splitmix64's first four outputs from s: two actors seeded alike
 *                   draw alike.
 *   first use       an actor that has not been seeded is seeded with
 *                   mix(base, its number), where base is ACTOR_SEED when set (so a
 *                   whole run repeats when actors are numbered and handle their
 *                   messages in the same order) and otherwise taken from the clock.
 *   restarts        the state lives outside the actor's fields, so a supervised
 *                   actor that restarts goes on with its sequence (it does not replay
 *                   the draws that led to its failure) unless its init seeds it again.
 *   outside actors  (the runtime's unit tests) a per-thread generator.
 *
 * Only the thread running an actor touches its state, so no synchronisation is needed
 * beyond the scheduler's hand-over of the actor between threads.  An all-zero state
 * (xoshiro's one invalid state; splitmix64 never produces it) means "not seeded". */
#include "core/rt_core.h"

#include <time.h>
#include <unistd.h>

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static void seed_state(uint64_t s[4], uint64_t seed) {
  for (int i = 0; i < 4; i++) s[i] = splitmix64(&seed);
}

static uint64_t xoshiro(uint64_t s[4]) {
  const uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

/* ---- the base seed --------------------------------------------------------------- */

static uint64_t base_seed;
static pthread_once_t base_once = PTHREAD_ONCE_INIT;

static void read_base_seed(void) {
  const rt_opts *o = rt_opts_get();
  if (o->seeded) {
    base_seed = o->seed;
  } else {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    x ^= (uint64_t)rt_mono_ns() << 17 ^ (uint64_t)getpid() << 40;
    base_seed = splitmix64(&x);
  }
}

/* ---- the current generator ------------------------------------------------------- */

static __thread uint64_t thread_state[4];
static _Atomic uint64_t threads_seeded;

static inline bool unseeded(const uint64_t s[4]) { return (s[0] | s[1] | s[2] | s[3]) == 0; }

/* The calling actor's state (seeded), or this thread's outside any actor. */
static uint64_t *state(void) {
  rt_actor *a = rt_cur.actor;
  uint64_t *s = a ? rt_actor_ext_get(a)->rng : thread_state;
  if (RT_UNLIKELY(unseeded(s))) {
    pthread_once(&base_once, read_base_seed);
    uint64_t k = base_seed;
    uint64_t who = a ? a->number
                      /* relaxed: only distinctness matters */
                      : atomic_fetch_add_explicit(&threads_seeded, 1, memory_order_relaxed) + (1ull << 62);
    k ^= splitmix64(&who);
    seed_state(s, k);
  }
  return s;
}

uint64_t rt_rng_next(void) { return xoshiro(state()); }

uint64_t rt_rng_below(uint64_t n) {
  /* Lemire's multiply-and-reject: unbiased, usually one multiplication. */
  uint64_t *s = state();
  __uint128_t m = (__uint128_t)xoshiro(s) * n;
  uint64_t lo = (uint64_t)m;
  if (lo < n) {
    uint64_t thresh = -n % n;
    while (lo < thresh) {
      m = (__uint128_t)xoshiro(s) * n;
      lo = (uint64_t)m;
    }
  }
  return (uint64_t)(m >> 64);
}

void rt_rng_seed(uint64_t seed) {
  rt_actor *a = rt_cur.actor;
  seed_state(a ? rt_actor_ext_get(a)->rng : thread_state, seed);
}

/* ---- the built-in random(n) ------------------------------------------------------ */

int64_t rt_random(int64_t n, const char *pos) {
  if (n <= 0) {
    char msg[64];
    snprintf(msg, sizeof msg, "random(%lld): bound must be positive", (long long)n);
    rt_fail(msg, pos);
  }
  return (int64_t)rt_rng_below((uint64_t)n);
}

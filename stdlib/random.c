/* rt_std_random.c — the C half of std.random (stdlib/random.actor), and the generator
 * behind the built-in random(n) (rt_builtin.c).
 *
 * One generator per actor, kept by the runtime in the actor's extension (ext->rng),
 * so a program needs no generator value to thread through its code, and what one
 * actor draws never depends on what others draw or on which thread runs it: a run can
 * be repeated.  The generator is xoshiro256** (Blackman and Vigna, 2018: 256 bits of
 * state, period 2^256 - 1, passes BigCrush), seeded by expanding a 64-bit seed with
 * splitmix64, as its authors recommend.
 *
 *   random_seed(s)  the calling actor's state becomes splitmix64's first four outputs
 *                   from s: two actors seeded alike draw alike.
 *   first use       an actor that has not called random_seed is seeded with
 *                   mix(base, its number), where base is ACTOR_SEED when set (so a
 *                   whole run repeats when actors are numbered and handle their
 *                   messages in the same order) and otherwise taken from the clock.
 *   restarts        the state lives outside the actor's fields, so a supervised
 *                   actor that restarts goes on with its sequence (it does not replay
 *                   the draws that led to its failure) unless its init calls
 *                   random_seed again.
 *   outside actors  (the runtime's unit tests) a per-thread generator.
 *
 * Only the thread running an actor touches its state, so no synchronisation is needed
 * beyond the scheduler's hand-over of the actor between threads.  An all-zero state
 * (xoshiro's one invalid state; splitmix64 never produces it) means "not seeded". */
#include "rt_internal.h"
#include "rt_std.h"

#include <math.h>
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
  const char *e = getenv("ACTOR_SEED");
  if (e && *e) {
    base_seed = strtoull(e, NULL, 10);
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
    uint64_t who = a ? rt_actor_number(a)
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

/* ---- what std.random calls ------------------------------------------------------- */

void random_seed(int64_t seed) {
  rt_actor *a = rt_cur.actor;
  seed_state(a ? rt_actor_ext_get(a)->rng : thread_state, (uint64_t)seed);
}

/* lo + a uniform draw below hi - lo; random.actor checks lo < hi. */
int64_t std_random_range(int64_t lo, int64_t hi) {
  return (int64_t)((uint64_t)lo + rt_rng_below((uint64_t)hi - (uint64_t)lo));
}

/* Uniform in [0, 1): the top 53 bits. */
double random_float(void) { return (double)(rt_rng_next() >> 11) * 0x1p-53; }

/* A standard normal deviate (Marsaglia's polar method; the second value is dropped
 * so that the state stays four words). */
double std_random_normal(void) {
  uint64_t *s = state();
  for (;;) {
    double u = (double)(xoshiro(s) >> 11) * 0x1p-52 - 1, v = (double)(xoshiro(s) >> 11) * 0x1p-52 - 1;
    double q = u * u + v * v;
    if (q > 0 && q < 1) return u * sqrt(-2 * log(q) / q);
  }
}

/* An exponential deviate with mean 1: -log(1 - u), u in [0, 1), so always finite. */
double std_random_exponential(void) { return -log1p(-random_float()); }

/* ---- choice and shuffle: Any in, Any out ------------------------------------------ */

static bool same_type(const rt_type *a, const rt_type *b) {
  if (a == b) return true;
  if (!a || !b || a->kind != b->kind) return false;
  return same_type(a->a, b->a) && same_type(a->b, b->b);
}

static void type_name(char *buf, size_t cap, const rt_type *t) {
  static const char *const names[] = {"Int", "Float", "Bool", "String", "", "", "an actor reference", "Timer"};
  size_t n = strlen(buf);
  if (n + 1 >= cap) return;
  if (t->kind == RT_T_LIST) {
    snprintf(buf + n, cap - n, "[");
    type_name(buf, cap, t->a);
    n = strlen(buf);
    snprintf(buf + n, cap - n, "]");
  } else if (t->kind == RT_T_MAP) {
    snprintf(buf + n, cap - n, "{");
    type_name(buf, cap, t->a);
    n = strlen(buf);
    snprintf(buf + n, cap - n, ": ");
    type_name(buf, cap, t->b);
    n = strlen(buf);
    snprintf(buf + n, cap - n, "}");
  } else {
    snprintf(buf + n, cap - n, "%s", t->kind < 8 ? names[t->kind] : "?");
  }
}

/* Fails unless the argument is a list and `want` is `elem` (choice) or the list type
 * itself (shuffle). */
static void check_list(const char *fn, const rt_type *t, const rt_type *want, bool elem, const char *pos) {
  char msg[300] = "";
  if (t->kind != RT_T_LIST) {
    snprintf(msg, sizeof msg, "%s: wants a list, not ", fn);
    type_name(msg, sizeof msg, t);
    rt_fail(msg, pos);
  }
  const rt_type *got = elem ? t->a : t;
  if (!same_type(got, want)) {
    snprintf(msg, sizeof msg, "%s: the result is used as ", fn);
    type_name(msg, sizeof msg, want);
    size_t n = strlen(msg);
    snprintf(msg + n, sizeof msg - n, " but the list's %s ", elem ? "elements are" : "type is");
    type_name(msg, sizeof msg, got);
    rt_fail(msg, pos);
  }
}

rt_word random_choice(rt_word v, const rt_type *t, const rt_type *want, const char *pos) {
  check_list("random_choice", t, want, true, pos);
  rt_list *l = (rt_list *)(uintptr_t)v;
  int64_t n = rt_list_len(l);
  if (n == 0) rt_fail("random_choice: the list is empty", pos);
  rt_word x = l->data[rt_rng_below((uint64_t)n)];
  rt_word_retain(x, t->a);
  return x;
}

rt_word random_shuffle(rt_word v, const rt_type *t, const rt_type *want, const char *pos) {
  check_list("random_shuffle", t, want, false, pos);
  rt_list *l = (rt_list *)(uintptr_t)v;
  int64_t n = rt_list_len(l);
  if (n == 0) return 0;
  rt_list *c = rt_list_new_cap(t, n);
  memcpy(c->data, l->data, (size_t)n * sizeof(rt_word));
  c->len = n;
  for (int64_t i = 0; i < n; i++) rt_word_retain(c->data[i], t->a);
  /* Fisher-Yates */
  for (int64_t i = n - 1; i > 0; i--) {
    int64_t j = (int64_t)rt_rng_below((uint64_t)i + 1);
    rt_word tmp = c->data[i];
    c->data[i] = c->data[j];
    c->data[j] = tmp;
  }
  return (rt_word)(uintptr_t)c;
}

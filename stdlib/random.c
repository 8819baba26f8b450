/* random.c — the C half of std.random (stdlib/random.actor): seeding, ranges, floats,
 * normal and exponential deviates, choice and shuffle, all drawn from the calling
 * actor's generator (the core's, runtime/core/rt_rng.c, which says how it is seeded;
 * the built-in random(n) draws from the same one). */
#include "core/rt_core.h"
#include "actor_std.h"

#include <math.h>

/* ---- what std.random calls ------------------------------------------------------- */

void actor_std_random_seed(int64_t seed) { rt_rng_seed((uint64_t)seed); }

/* lo + a uniform draw below hi - lo; random.actor checks lo < hi. */
int64_t actor_std_random_range(int64_t lo, int64_t hi) {
  return (int64_t)((uint64_t)lo + rt_rng_below((uint64_t)hi - (uint64_t)lo));
}

/* Uniform in [0, 1): the top 53 bits. */
double actor_std_random_float(void) { return (double)(rt_rng_next() >> 11) * 0x1p-53; }

/* A standard normal deviate (Marsaglia's polar method; the second value is dropped
 * so that the state stays four words). */
double actor_std_random_normal(void) {
  for (;;) {
    double u = (double)(rt_rng_next() >> 11) * 0x1p-52 - 1;
    double v = (double)(rt_rng_next() >> 11) * 0x1p-52 - 1;
    double q = u * u + v * v;
    if (q > 0 && q < 1) return u * sqrt(-2 * log(q) / q);
  }
}

/* An exponential deviate with mean 1: -log(1 - u), u in [0, 1), so always finite. */
double actor_std_random_exponential(void) { return -log1p(-actor_std_random_float()); }

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

rt_word actor_std_random_choice(rt_word v, const rt_type *t, const rt_type *want, const char *pos) {
  check_list("random_choice", t, want, true, pos);
  rt_list *l = (rt_list *)(uintptr_t)v;
  int64_t n = rt_list_len(l);
  if (n == 0) rt_fail("random_choice: the list is empty", pos);
  rt_word x = l->data[rt_rng_below((uint64_t)n)];
  rt_word_retain(x, t->a);
  return x;
}

rt_word actor_std_random_shuffle(rt_word v, const rt_type *t, const rt_type *want, const char *pos) {
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

/* rt_value.c — what every value shares, whatever its type: the built-in type
 * descriptors (rt_type_int ...), generic equality (rt_eq, the language's ==), hashing
 * consistent with it (rt_hash, for map keys), retaining and releasing a word of a
 * given type (rt_word_retain/release), and closures (rt_closure_new/free).
 *
 * The type-specific halves live with their types: rt_str.c (strings), rt_list.c,
 * rt_map.c (containers, including list and map equality), rt_fmt.c (printed forms). */
#include "values/rt_values.h"

const rt_type rt_type_int = {.kind = RT_T_INT};
const rt_type rt_type_float = {.kind = RT_T_FLOAT};
const rt_type rt_type_bool = {.kind = RT_T_BOOL};
const rt_type rt_type_string = {.kind = RT_T_STRING};
const rt_type rt_type_actor = {.kind = RT_T_ACTOR};
const rt_type rt_type_timer = {.kind = RT_T_TIMER};

/* ---- retain / release by type --------------------------------------------------- */

void rt_word_retain(rt_word v, const rt_type *t) {
  if (rt_type_is_ref(t)) rt_retain((void *)(uintptr_t)v);
}

void rt_word_release(rt_word v, const rt_type *t) {
  if (rt_type_is_ref(t)) rt_release((void *)(uintptr_t)v);
}

/* ---- equality -------------------------------------------------------------------- */

static double val_float(rt_word v) {
  double d;
  memcpy(&d, &v, sizeof d);
  return d;
}

bool rt_eq(rt_word a, rt_word b, const rt_type *t) {
  switch (t->kind) {
  case RT_T_INT:
  case RT_T_BOOL:
  case RT_T_ACTOR: /* identity */
  case RT_T_TIMER: return a == b;
  case RT_T_FLOAT: return val_float(a) == val_float(b); /* IEEE: nan != nan, -0.0 == 0.0 */
  case RT_T_STRING: return rt_str_eq((rt_str *)(uintptr_t)a, (rt_str *)(uintptr_t)b);
  case RT_T_LIST: return rt_list_eq((rt_list *)(uintptr_t)a, (rt_list *)(uintptr_t)b, t);
  case RT_T_MAP: return rt_map_eq((rt_map *)(uintptr_t)a, (rt_map *)(uintptr_t)b, t);
  default: return a == b;
  }
}

/* ---- hashing --------------------------------------------------------------------- */

/* A 64-bit finaliser (splitmix64's): every input bit affects every output bit, so
 * maps may take the low bits of the hash as a table index. */
static inline uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

static inline uint64_t load64(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

/* Bytes of a string: 8 bytes per step, multiply-and-fold, then the finaliser.  The
 * empty string (NULL or len 0) hashes like any other empty byte sequence. */
static uint64_t hash_bytes(const unsigned char *p, int64_t n) {
  uint64_t h = 0x9e3779b97f4a7c15ull ^ (uint64_t)n;
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    h ^= load64(p + i);
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  if (i < n) {
    uint64_t tail = 0;
    memcpy(&tail, p + i, (size_t)(n - i));
    h ^= tail;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 29;
  }
  return mix64(h);
}

uint64_t rt_hash(rt_word v, const rt_type *t) {
  switch (t->kind) {
  case RT_T_INT:
  case RT_T_BOOL:
  case RT_T_ACTOR:
  case RT_T_TIMER: return mix64(v);
  case RT_T_FLOAT: {
    double d = val_float(v);
    if (d == 0) return mix64(0); /* -0.0 == 0.0 */
    return mix64(v);
  }
  case RT_T_STRING: {
    rt_str *s = (rt_str *)(uintptr_t)v;
    return s ? hash_bytes((const unsigned char *)s->data, s->len) : hash_bytes(NULL, 0);
  }
  case RT_T_LIST: return rt_list_hash((rt_list *)(uintptr_t)v, t);
  case RT_T_MAP: return rt_map_hash((rt_map *)(uintptr_t)v, t);
  default: return mix64(v);
  }
}

/* ---- closures -------------------------------------------------------------------- */

rt_closure *rt_closure_new(uint32_t size) {
  if (size < sizeof(rt_closure)) size = sizeof(rt_closure);
  rt_closure *c = rt_zalloc(size);
  rt_hdr_init(c, RT_TAG_CLOSURE);
  return c;
}

void rt_closure_free(rt_closure *c) {
  if (c->drop) c->drop(c);
  rt_free(c);
}

/* rt_value.c — what every value shares, whatever its type: the built-in type
 * descriptors (rt_type_int ...), generic equality (rt_eq, the language's ==), hashing
 * consistent with it (rt_hash, for map keys), retaining and releasing a word of a
 * given type (rt_word_retain/release), and closures (rt_closure_new/free).
 *
 * The type-specific halves live with their types: rt_str.c (strings), rt_list.c,
 * rt_map.c (containers, including list and map equality), rt_data.c (records and
 * enums), rt_fmt.c (printed forms). */
#include "values/rt_values.h"

#include <sys/random.h>
#include <time.h>
#include <unistd.h>

const rt_type rt_type_int = {.kind = RT_T_INT};
const rt_type rt_type_float = {.kind = RT_T_FLOAT};
const rt_type rt_type_bool = {.kind = RT_T_BOOL};
const rt_type rt_type_string = {.kind = RT_T_STRING};
const rt_type rt_type_actor = {.kind = RT_T_ACTOR};
const rt_type rt_type_timer = {.kind = RT_T_TIMER};
const rt_type rt_type_reply = {.kind = RT_T_REPLY};

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
  case RT_T_TIMER:
  case RT_T_REPLY: return a == b;
  case RT_T_FLOAT: return val_float(a) == val_float(b); /* IEEE: nan != nan, -0.0 == 0.0 */
  case RT_T_STRING: return rt_str_eq((rt_str *)(uintptr_t)a, (rt_str *)(uintptr_t)b);
  case RT_T_LIST: return rt_list_eq((rt_list *)(uintptr_t)a, (rt_list *)(uintptr_t)b, t);
  case RT_T_MAP: return rt_map_eq((rt_map *)(uintptr_t)a, (rt_map *)(uintptr_t)b, t);
  case RT_T_RECORD:
  case RT_T_ENUM: return rt_data_eq((const rt_data *)(uintptr_t)a, (const rt_data *)(uintptr_t)b, t);
  default: return a == b;
  }
}

/* ---- hashing ---------------------------------------------------------------------
 * Map keys are hashed with keys of this process, drawn from getrandom(2) when the
 * program starts, so that nobody can choose keys that collide (hash flooding: with a
 * hash anyone can compute, 40,000 crafted room names cost a map 38 s instead of 0.3).
 * Maps iterate in insertion order whatever the hashes, so output does not change.
 *
 *   Strings  SipHash-1-3 (Aumasson and Bernstein; the round counts Rust's and
 *            CPython's maps use) with a 128-bit key: a keyed pseudo-random function,
 *            so without the key no input is more likely to collide than another.
 *   Int, Bool, Float, actor references, Timers: splitmix64's finaliser of the word
 *            xored with a 64-bit key.  The finaliser is a bijection, so two different
 *            words never get the same hash (no full collision exists, keyed or not);
 *            words whose hashes merely share their low bits meet on the first probes
 *            only, since the map's probing soon takes in the higher bits, and finding
 *            such words needs the key.  One xor more than the unkeyed hash: Int keys
 *            stay as cheap as they were.
 * Lists and maps combine their elements' (keyed) hashes. */

static uint64_t hash_k0, hash_k1, hash_kw; /* this process's keys: SipHash's, words' */

static inline uint64_t splitmix(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* Before main(): the keys, from the kernel's generator; if that fails (no getrandom
 * on an old kernel, a seccomp filter), from the clock, the process id and addresses
 * that ASLR places at random. */
__attribute__((constructor)) static void hash_seed(void) {
  uint64_t k[3];
  ssize_t got = getrandom(k, sizeof k, GRND_NONBLOCK);
  if (got != (ssize_t)sizeof k) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    x ^= (uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)&ts ^ (uint64_t)(uintptr_t)&hash_k0 << 7;
    for (int i = 0; i < 3; i++) k[i] = splitmix(&x);
  }
  hash_k0 = k[0], hash_k1 = k[1], hash_kw = k[2];
}

void rt_hash_set_keys(uint64_t k0, uint64_t k1, uint64_t kw) { hash_k0 = k0, hash_k1 = k1, hash_kw = kw; }

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

static inline uint64_t hash_word(uint64_t v) { return mix64(v ^ hash_kw); }

static inline uint64_t load64(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, 8); /* little-endian on the targets we build for, as SipHash reads */
  return v;
}

static inline uint64_t rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

#define SIPROUND                                                                       \
  do {                                                                                 \
    v0 += v1, v1 = rotl(v1, 13), v1 ^= v0, v0 = rotl(v0, 32);                          \
    v2 += v3, v3 = rotl(v3, 16), v3 ^= v2;                                             \
    v0 += v3, v3 = rotl(v3, 21), v3 ^= v0;                                             \
    v2 += v1, v1 = rotl(v1, 17), v1 ^= v2, v2 = rotl(v2, 32);                          \
  } while (0)

/* SipHash-c-d of p[0..n) under the key (k0, k1): c rounds per 8-byte block, d to
 * finish. */
static inline uint64_t siphash(uint64_t k0, uint64_t k1, const unsigned char *p, size_t n, int c, int d) {
  uint64_t v0 = k0 ^ 0x736f6d6570736575ull, v1 = k1 ^ 0x646f72616e646f6dull;
  uint64_t v2 = k0 ^ 0x6c7967656e657261ull, v3 = k1 ^ 0x7465646279746573ull;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t m = load64(p + i);
    v3 ^= m;
    for (int r = 0; r < c; r++) SIPROUND;
    v0 ^= m;
  }
  uint64_t b = (uint64_t)n << 56;
  switch (n - i) { /* the last 0..7 bytes, little-endian, under the length's low byte */
  case 7: b |= (uint64_t)p[i + 6] << 48; /* fall through */
  case 6: b |= (uint64_t)p[i + 5] << 40; /* fall through */
  case 5: b |= (uint64_t)p[i + 4] << 32; /* fall through */
  case 4: b |= (uint64_t)p[i + 3] << 24; /* fall through */
  case 3: b |= (uint64_t)p[i + 2] << 16; /* fall through */
  case 2: b |= (uint64_t)p[i + 1] << 8;  /* fall through */
  case 1: b |= (uint64_t)p[i]; break;
  default: break;
  }
  v3 ^= b;
  for (int r = 0; r < c; r++) SIPROUND;
  v0 ^= b;
  v2 ^= 0xff;
  for (int r = 0; r < d; r++) SIPROUND;
  return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t rt_siphash(const unsigned char key[16], const void *p, size_t n, int c, int d) {
  return siphash(load64(key), load64(key + 8), p, n, c, d);
}

/* Bytes of a string.  The empty string (NULL or len 0) hashes like any other empty
 * byte sequence. */
static uint64_t hash_bytes(const unsigned char *p, int64_t n) {
  return siphash(hash_k0, hash_k1, p, (size_t)n, 1, 3);
}

uint64_t rt_hash(rt_word v, const rt_type *t) {
  switch (t->kind) {
  case RT_T_INT:
  case RT_T_BOOL:
  case RT_T_ACTOR:
  case RT_T_TIMER:
  case RT_T_REPLY: return hash_word(v); /* (no key: the compiler refuses it; identity all the same) */
  case RT_T_FLOAT: {
    double d = val_float(v);
    if (d == 0) return hash_word(0); /* -0.0 == 0.0 */
    return hash_word(v);
  }
  case RT_T_STRING: {
    rt_str *s = (rt_str *)(uintptr_t)v;
    return s ? hash_bytes((const unsigned char *)s->data, s->len) : hash_bytes((const unsigned char *)"", 0);
  }
  case RT_T_LIST: return rt_list_hash((rt_list *)(uintptr_t)v, t);
  case RT_T_MAP: return rt_map_hash((rt_map *)(uintptr_t)v, t);
  case RT_T_RECORD:
  case RT_T_ENUM: return rt_data_hash((const rt_data *)(uintptr_t)v, t);
  default: return hash_word(v);
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
  if (c->limit) rt_release(c->limit); /* a request's time limit (a timer: the core's object) */
  rt_free(c);
}

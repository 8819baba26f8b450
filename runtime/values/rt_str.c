/* rt_str.c — Strings: construction, concatenation (a + b and interpolation), the
 * built-in String methods of LANGUAGE.md §6, rt_list_join, and the printed forms of
 * Int and Bool (rt_str_of_int, rt_str_of_bool; floats and the generic rt_str_of are in
 * rt_fmt.c).
 *
 * Invariants
 *   - A string is one allocation: header, len bytes, a NUL.  It is never changed after
 *     it is built, so it may be shared freely between actors and threads.
 *   - NULL is the empty string.  Every function here accepts NULL for a string, and
 *     every function that would return an empty string returns NULL instead (no
 *     allocation); callers never see an allocated empty string built here.
 *   - Strings with rc == RT_RC_STATIC (literals, and the static ones below) live in
 *     read-only memory and are never written, counted or freed.
 *   - A result equal to an argument is that argument, retained (s.trim() of an
 *     already-trimmed s, a + "" ...): strings are immutable, so sharing is invisible.
 *   - Lengths and positions count bytes; no function here looks at UTF-8 structure.
 *   - A size computed from the program's values (repeat's count, a join) that does not
 *     fit an Int fails with "integer overflow"; a string too large for the system
 *     fails the calling actor with "out of memory (N bytes)" (rt_value_alloc).
 */
#define _GNU_SOURCE /* memmem */
#include "values/rt_values.h"

static const rt_str str_true = RT_STATIC_STR("true"), str_false = RT_STATIC_STR("false");

/* The list type [String], for split's result. */
static const rt_type str_list_type = {.kind = RT_T_LIST, .a = &rt_type_string};

static inline int64_t slen(const rt_str *s) { return s ? s->len : 0; }
static inline const char *sdata(const rt_str *s) { return s ? s->data : ""; }

static inline rt_str *retained(rt_str *s) {
  rt_retain(s);
  return s;
}

/* The bytes a string of n bytes takes (n <= INT64_MAX: no overflow in size_t). */
static inline size_t str_bytes(int64_t n) { return sizeof(rt_str) + (size_t)n + 1; }

/* An uninitialised string of n > 0 bytes (NUL already written), or NULL when it is
 * too large (rt_value_try_alloc). */
static inline rt_str *str_try_alloc(int64_t n) {
  if (RT_UNLIKELY(n <= 0)) return NULL; /* callers make empty strings NULL themselves */
  rt_str *s = rt_value_try_alloc(str_bytes(n));
  if (RT_UNLIKELY(!s)) return NULL;
  rt_hdr_init(s, RT_TAG_STR);
  s->len = n;
  s->data[n] = 0;
  return s;
}

/* As str_try_alloc, failing the actor when it is too large. */
static inline rt_str *str_alloc(int64_t n, const char *pos) {
  rt_str *s = str_try_alloc(n);
  if (RT_UNLIKELY(!s)) rt_fail_oom(str_bytes(n), pos);
  return s;
}

/* rt_str_new, inlined into the hot callers here (printed forms of Ints). */
static inline __attribute__((always_inline)) rt_str *str_from(const char *bytes, int64_t len) {
  if (len <= 0) return NULL;
  rt_str *s = str_alloc(len, NULL);
  memcpy(s->data, bytes, (size_t)len);
  return s;
}

rt_str *rt_str_new(const char *bytes, int64_t len) { return str_from(bytes, len); }

int64_t rt_str_len(rt_str *s) { return slen(s); }

/* ---- concatenation --------------------------------------------------------------- */

rt_str *rt_str_cat(rt_str *a, rt_str *b) {
  int64_t na = slen(a), nb = slen(b);
  if (nb == 0) return na ? retained(a) : NULL;
  if (na == 0) return retained(b);
  rt_str *s = str_alloc(na + nb, NULL); /* two lengths of values that exist: no overflow */
  memcpy(s->data, a->data, (size_t)na);
  memcpy(s->data + na, b->data, (size_t)nb);
  return s;
}

rt_str *rt_str_cat_n(int64_t n, rt_str *const *parts) {
  int64_t total = 0, nonempty = 0;
  rt_str *only = NULL;
  for (int64_t i = 0; i < n; i++) {
    int64_t l = slen(parts[i]);
    if (l) {
      if (__builtin_add_overflow(total, l, &total)) rt_fail_overflow(NULL);
      nonempty++;
      only = parts[i];
    }
  }
  if (total == 0) return NULL;
  if (nonempty == 1) return retained(only);
  rt_str *s = str_alloc(total, NULL);
  char *p = s->data;
  for (int64_t i = 0; i < n; i++) {
    int64_t l = slen(parts[i]);
    if (l) {
      memcpy(p, parts[i]->data, (size_t)l);
      p += l;
    }
  }
  return s;
}

/* ---- comparison and search ------------------------------------------------------- */

bool rt_str_eq(rt_str *a, rt_str *b) {
  if (a == b) return true;
  int64_t n = slen(a);
  return n == slen(b) && memcmp(sdata(a), sdata(b), (size_t)n) == 0;
}

int64_t rt_str_cmp(rt_str *a, rt_str *b) {
  int64_t na = slen(a), nb = slen(b);
  int c = memcmp(sdata(a), sdata(b), (size_t)(na < nb ? na : nb));
  if (c) return c;
  return na < nb ? -1 : na > nb;
}

/* Byte offset of the first `sub` in `s` at or after `from`, or -1. */
static int64_t find_from(rt_str *s, int64_t from, const char *sub, int64_t nsub) {
  int64_t n = slen(s);
  if (nsub == 0) return from <= n ? from : -1;
  if (n - from < nsub) return -1;
  const char *base = sdata(s);
  const char *p = nsub == 1 ? memchr(base + from, sub[0], (size_t)(n - from))
                            : memmem(base + from, (size_t)(n - from), sub, (size_t)nsub);
  return p ? (int64_t)(p - base) : -1;
}

int64_t rt_str_find(rt_str *s, rt_str *sub) { return find_from(s, 0, sdata(sub), slen(sub)); }

bool rt_str_contains(rt_str *s, rt_str *sub) { return rt_str_find(s, sub) >= 0; }

bool rt_str_starts_with(rt_str *s, rt_str *prefix) {
  int64_t n = slen(prefix);
  return n <= slen(s) && memcmp(sdata(s), sdata(prefix), (size_t)n) == 0;
}

bool rt_str_ends_with(rt_str *s, rt_str *suffix) {
  int64_t n = slen(suffix), ns = slen(s);
  return n <= ns && memcmp(sdata(s) + ns - n, sdata(suffix), (size_t)n) == 0;
}

/* ---- methods that build strings -------------------------------------------------- */

rt_str *rt_str_slice(rt_str *s, int64_t a, int64_t b, const char *pos) {
  int64_t n = slen(s);
  if (a < 0 || a > b || b > n) rt_fail_slice(a, b, n, pos);
  if (a == 0 && b == n) return n ? retained(s) : NULL;
  return rt_str_new(s->data + a, b - a);
}

rt_list *rt_str_split(rt_str *s, rt_str *sep, const char *pos) {
  int64_t nsep = slen(sep), n = slen(s);
  if (nsep == 0) rt_fail("empty separator", pos);
  /* Count first so the list is allocated once, at its final size. */
  int64_t count = 1;
  for (int64_t i = find_from(s, 0, sep->data, nsep); i >= 0; i = find_from(s, i + nsep, sep->data, nsep))
    count++;
  rt_list *l = rt_list_new_cap(&str_list_type, count);
  if (count == 1) {
    l->data[0] = (rt_word)(uintptr_t)(n ? retained(s) : NULL);
  } else {
    int64_t start = 0;
    for (int64_t k = 0; k < count; k++) {
      int64_t end = k + 1 < count ? find_from(s, start, sep->data, nsep) : n;
      l->data[k] = (rt_word)(uintptr_t)rt_str_new(s->data + start, end - start);
      start = end + nsep;
    }
  }
  l->len = count;
  return l;
}

/* ASCII white space, as C's isspace in the "C" locale: space \t \n \v \f \r. */
static inline bool is_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

rt_str *rt_str_trim(rt_str *s) {
  int64_t n = slen(s), a = 0, b = n;
  while (a < b && is_space((unsigned char)s->data[a])) a++;
  while (b > a && is_space((unsigned char)s->data[b - 1])) b--;
  if (a == 0 && b == n) return n ? retained(s) : NULL;
  return rt_str_new(s->data + a, b - a);
}

/* upper/lower: ASCII letters only; other bytes (UTF-8 included) are kept. */
static rt_str *map_case(rt_str *s, char lo, char hi, int delta) {
  int64_t n = slen(s), i = 0;
  while (i < n && !(s->data[i] >= lo && s->data[i] <= hi)) i++;
  if (i == n) return n ? retained(s) : NULL; /* nothing to change */
  rt_str *r = str_alloc(n, NULL);
  memcpy(r->data, s->data, (size_t)i);
  for (; i < n; i++) {
    char c = s->data[i];
    r->data[i] = (c >= lo && c <= hi) ? (char)(c + delta) : c;
  }
  return r;
}

rt_str *rt_str_upper(rt_str *s) { return map_case(s, 'a', 'z', 'A' - 'a'); }
rt_str *rt_str_lower(rt_str *s) { return map_case(s, 'A', 'Z', 'a' - 'A'); }

rt_str *rt_str_repeat(rt_str *s, int64_t n, const char *pos) {
  if (n < 0) rt_fail("negative count", pos);
  int64_t len = slen(s);
  if (n == 0 || len == 0) return NULL;
  if (n == 1) return retained(s);
  if (len > INT64_MAX / n) rt_fail_overflow(pos); /* the size does not fit an Int */
  int64_t total = len * n;
  rt_str *r = str_alloc(total, pos);
  /* Doubling copies: log2(n) memcpy calls instead of n. */
  memcpy(r->data, s->data, (size_t)len);
  int64_t done = len;
  while (done < total) {
    int64_t chunk = done <= total - done ? done : total - done;
    memcpy(r->data + done, r->data, (size_t)chunk);
    done += chunk;
  }
  return r;
}

/* ---- join (list method, but it builds a string) ---------------------------------- */

rt_str *rt_list_join(rt_list *l, rt_str *sep, const char *pos) {
  int64_t n = l ? l->len : 0;
  if (n == 0) return NULL;
  rt_str *const *parts = (rt_str *const *)l->data;
  if (n == 1) return slen(parts[0]) ? retained(parts[0]) : NULL;
  /* a million empty strings joined by a megabyte: the size is the program's doing */
  int64_t nsep = slen(sep), total;
  if (__builtin_mul_overflow(nsep, n - 1, &total)) rt_fail_overflow(pos);
  for (int64_t i = 0; i < n; i++)
    if (__builtin_add_overflow(total, slen(parts[i]), &total)) rt_fail_overflow(pos);
  if (total == 0) return NULL;
  rt_str *r = str_alloc(total, pos);
  char *p = r->data;
  for (int64_t i = 0; i < n; i++) {
    if (i && nsep) {
      memcpy(p, sep->data, (size_t)nsep);
      p += nsep;
    }
    int64_t k = slen(parts[i]);
    if (k) {
      memcpy(p, parts[i]->data, (size_t)k);
      p += k;
    }
  }
  return r;
}

/* ---- printed forms of Int and Bool ----------------------------------------------- */

/* Writes v in decimal to the end of buf[0..24) and returns the first byte. */
static char *int_digits(int64_t v, char buf[24]) {
  char *p = buf + 24;
  uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v; /* INT64_MIN included */
  do {
    *--p = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0) *--p = '-';
  return p;
}

rt_str *rt_str_of_int(int64_t v) {
  char buf[24];
  char *p = int_digits(v, buf);
  return str_from(p, buf + 24 - p);
}

rt_str *rt_str_of_bool(bool v) { return (rt_str *)(v ? (const void *)&str_true : (const void *)&str_false); }

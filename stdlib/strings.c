/* strings.c — the C half of std.strings (stdlib/strings.actor): what needs a
 * loop over bytes or UTF-8 sequences, or printf.  strings.actor checks the arguments
 * (and fails with its reasons) before calling these, so nothing here fails.
 *
 * UTF-8: "a character" is a code point.  A byte that does not start a valid sequence
 * (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF) counts as one
 * character of its own, so chars(s) joined gives s back and every function is total
 * on any bytes.  Character classes (is_digit ...) are ASCII, as upper() and lower(). */
#define _GNU_SOURCE /* memmem */
#include "values/rt_values.h"
#include "actor_std.h"

#include <math.h>

static inline int64_t slen(const rt_str *s) { return s ? s->len : 0; }
static inline const char *sdata(const rt_str *s) { return s ? s->data : ""; }

/* The length of the character at p: 2..4 for a valid multi-byte sequence, else 1. */
static int char_len(const unsigned char *p, const unsigned char *end) {
  unsigned c = p[0];
  int64_t left = end - p;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return left >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 1;
  if (c >= 0xE0 && c <= 0xEF) {
    if (left < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return 1;
    if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F)) return 1;
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (left < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80) return 1;
    if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] > 0x8F)) return 1;
    return 4;
  }
  return 1;
}

int64_t actor_std_strings_char_count(rt_str *s) {
  const unsigned char *p = (const unsigned char *)sdata(s), *end = p + slen(s);
  int64_t n = 0;
  while (p < end) {
    if (*p < 0x80) { /* ASCII runs: the common case */
      p++;
    } else {
      p += char_len(p, end);
    }
    n++;
  }
  return n;
}

bool actor_std_strings_valid_utf8(rt_str *s) {
  const unsigned char *p = (const unsigned char *)sdata(s), *end = p + slen(s);
  while (p < end) {
    if (*p < 0x80) {
      p++;
      continue;
    }
    int k = char_len(p, end);
    if (k == 1) return false;
    p += k;
  }
  return true;
}

static const rt_type str_list = {.kind = RT_T_LIST, .a = &rt_type_string};

/* The characters of s as a [String] (the wanted type, which strings.actor makes
 * [String]). */
rt_word actor_std_strings_chars(rt_str *s, const rt_type *want, const char *pos) {
  (void)want, (void)pos;
  const unsigned char *p = (const unsigned char *)sdata(s), *end = p + slen(s);
  int64_t n = actor_std_strings_char_count(s);
  if (n == 0) return 0;
  rt_list *l = rt_list_new_cap(&str_list, n);
  for (int64_t i = 0; i < n; i++) {
    int k = char_len(p, end);
    l->data[i] = (rt_word)(uintptr_t)rt_str_new((const char *)p, k);
    p += k;
  }
  l->len = n;
  return (rt_word)(uintptr_t)l;
}

/* The words of s: the runs of bytes between ASCII white space. */
rt_word actor_std_strings_words(rt_str *s, const rt_type *want, const char *pos) {
  (void)want, (void)pos;
  const char *p = sdata(s);
  int64_t n = slen(s), i = 0;
  rt_list *l = NULL;
  while (i < n) {
    while (i < n && (p[i] == ' ' || (p[i] >= '\t' && p[i] <= '\r'))) i++;
    int64_t start = i;
    while (i < n && !(p[i] == ' ' || (p[i] >= '\t' && p[i] <= '\r'))) i++;
    if (i > start) rt_list_push(&l, &str_list, (rt_word)(uintptr_t)rt_str_new(p + start, i - start));
  }
  return (rt_word)(uintptr_t)l;
}

/* s with its characters in reverse order (a multi-byte character stays whole). */
rt_str *actor_std_strings_reverse(rt_str *s) {
  int64_t n = slen(s);
  if (n == 0) return NULL;
  const unsigned char *p = (const unsigned char *)s->data, *end = p + n;
  rt_buf b = {0};
  rt_buf_put(&b, s->data, n); /* the right size; overwritten below */
  char *o = b.p + n;
  while (p < end) {
    int k = char_len(p, end);
    o -= k;
    memcpy(o, p, (size_t)k);
    p += k;
  }
  return rt_buf_finish(&b);
}

/* Occurrences of sub (non-empty) in s, without overlaps. */
int64_t actor_std_strings_count(rt_str *s, rt_str *sub) {
  int64_t n = slen(s), k = slen(sub), c = 0;
  const char *p = sdata(s), *end = p + n;
  while (end - p >= k) {
    const char *q = memmem(p, (size_t)(end - p), sub->data, (size_t)k);
    if (!q) break;
    c++;
    p = q + k;
  }
  return c;
}

/* The byte index of the last sub in s, or -1 (sub may be empty: len(s)). */
int64_t actor_std_strings_find_last(rt_str *s, rt_str *sub) {
  int64_t n = slen(s), k = slen(sub);
  if (k == 0) return n;
  if (k > n) return -1;
  const char *p = sdata(s), *q = sub->data;
  for (int64_t i = n - k; i >= 0; i--)
    if (p[i] == q[0] && memcmp(p + i, q, (size_t)k) == 0) return i;
  return -1;
}

/* s with the first `max` occurrences of old (non-empty) replaced by new; max < 0: all. */
rt_str *actor_std_strings_replace(rt_str *s, rt_str *old, rt_str *new_, int64_t max) {
  int64_t n = slen(s), k = slen(old);
  const char *p = sdata(s), *end = p + n;
  const char *q = k <= n ? memmem(p, (size_t)n, old->data, (size_t)k) : NULL;
  if (!q || max == 0) {
    rt_retain(s);
    return s;
  }
  rt_buf b = {0};
  int64_t done = 0;
  while (q && (max < 0 || done < max)) {
    rt_buf_put(&b, p, q - p);
    rt_buf_put(&b, sdata(new_), slen(new_));
    done++;
    p = q + k;
    q = end - p >= k ? memmem(p, (size_t)(end - p), old->data, (size_t)k) : NULL;
  }
  rt_buf_put(&b, p, end - p);
  return rt_buf_finish(&b);
}

/* s without leading (which 1), trailing (2) or both (3) ASCII white space. */
rt_str *actor_std_strings_trim(rt_str *s, int64_t which) {
  int64_t n = slen(s), a = 0, b = n;
  const char *p = sdata(s);
  if (which & 1)
    while (a < b && (p[a] == ' ' || (p[a] >= '\t' && p[a] <= '\r'))) a++;
  if (which & 2)
    while (b > a && (p[b - 1] == ' ' || (p[b - 1] >= '\t' && p[b - 1] <= '\r'))) b--;
  if (a == 0 && b == n) {
    rt_retain(s);
    return s;
  }
  return rt_str_new(p + a, b - a);
}

/* Whether s is non-empty and every byte is of class cls: 0 digit, 1 letter, 2 letter
 * or digit, 3 white space, 4 upper-case letter, 5 lower-case letter (ASCII). */
bool actor_std_strings_all(rt_str *s, int64_t cls) {
  int64_t n = slen(s);
  if (n == 0) return false;
  for (int64_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s->data[i];
    bool digit = c >= '0' && c <= '9', upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z';
    bool ok;
    switch (cls) {
    case 0: ok = digit; break;
    case 1: ok = upper || lower; break;
    case 2: ok = digit || upper || lower; break;
    case 3: ok = c == ' ' || (c >= '\t' && c <= '\r'); break;
    case 4: ok = upper; break;
    default: ok = lower; break;
    }
    if (!ok) return false;
  }
  return true;
}

/* x with `decimals` digits after the point (0..100), rounded exactly (printf);
 * scientific when sci: d.ddde+XX.  nan, inf and -inf as the printed form has them. */
rt_str *actor_std_strings_format_float(double x, int64_t decimals, bool sci) {
  if (isnan(x)) return rt_str_new("nan", 3);
  if (isinf(x)) return x > 0 ? rt_str_new("inf", 3) : rt_str_new("-inf", 4);
  char small[128];
  int n = snprintf(small, sizeof small, sci ? "%.*e" : "%.*f", (int)decimals, x);
  if (n < (int)sizeof small) return rt_str_new(small, n);
  char *big = rt_alloc((size_t)n + 1); /* up to 309 integer digits and 100 decimals */
  snprintf(big, (size_t)n + 1, sci ? "%.*e" : "%.*f", (int)decimals, x);
  rt_str *r = rt_str_new(big, n);
  rt_free(big);
  return r;
}

/* n in base 2..36, lower-case digits, '-' before a negative one. */
rt_str *actor_std_strings_to_base(int64_t n, int64_t base) {
  char tmp[72], *o = tmp + sizeof tmp;
  uint64_t u = n < 0 ? 0 - (uint64_t)n : (uint64_t)n;
  do {
    *--o = "0123456789abcdefghijklmnopqrstuvwxyz"[u % (uint64_t)base];
    u /= (uint64_t)base;
  } while (u);
  if (n < 0) *--o = '-';
  return rt_str_new(o, tmp + sizeof tmp - o);
}

/* Parses an optional sign and digits of base 2..36 (either case); false when s is not
 * that or is out of range.  strings.actor fails with the parse reason. */
static bool parse_base(rt_str *s, int64_t base, int64_t *out) {
  int64_t n = slen(s), i = 0;
  const char *p = sdata(s);
  bool neg = false;
  if (i < n && (p[i] == '+' || p[i] == '-')) neg = p[i++] == '-';
  if (i == n) return false;
  uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, v = 0;
  for (; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    unsigned d = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'z' ? (c | 0x20) - 'a' + 10 : 99;
    if (d >= (unsigned)base || v > (limit - d) / (uint64_t)base) return false;
    v = v * (uint64_t)base + d;
  }
  *out = (int64_t)(neg ? 0 - v : v);
  return true;
}

bool actor_std_strings_base_ok(rt_str *s, int64_t base) {
  int64_t v;
  return parse_base(s, base, &v);
}

int64_t actor_std_strings_parse_base(rt_str *s, int64_t base) {
  int64_t v = 0;
  parse_base(s, base, &v);
  return v;
}

/* The code point of s's first character, or -1 when s is empty or starts with a byte
 * that is not valid UTF-8. */
int64_t actor_std_strings_ord(rt_str *s) {
  int64_t n = slen(s);
  if (n == 0) return -1;
  const unsigned char *p = (const unsigned char *)s->data;
  int k = char_len(p, p + n);
  if (p[0] < 0x80) return p[0];
  if (k == 1) return -1;
  uint32_t cp = p[0] & (0xFF >> (k + 1));
  for (int i = 1; i < k; i++) cp = cp << 6 | (p[i] & 0x3F);
  return cp;
}

/* The character with code point cp (0..0x10FFFF, not a surrogate: checked by the
 * caller). */
rt_str *actor_std_strings_chr(int64_t cp) {
  char u[4];
  int n;
  uint32_t c = (uint32_t)cp;
  if (c < 0x80) {
    u[0] = (char)c;
    n = 1;
  } else if (c < 0x800) {
    u[0] = (char)(0xC0 | c >> 6), u[1] = (char)(0x80 | (c & 0x3F));
    n = 2;
  } else if (c < 0x10000) {
    u[0] = (char)(0xE0 | c >> 12), u[1] = (char)(0x80 | (c >> 6 & 0x3F)), u[2] = (char)(0x80 | (c & 0x3F));
    n = 3;
  } else {
    u[0] = (char)(0xF0 | c >> 18), u[1] = (char)(0x80 | (c >> 12 & 0x3F));
    u[2] = (char)(0x80 | (c >> 6 & 0x3F)), u[3] = (char)(0x80 | (c & 0x3F));
    n = 4;
  }
  return rt_str_new(u, n);
}

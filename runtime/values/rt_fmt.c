/* rt_fmt.c — Printed forms (LANGUAGE.md §6): the growable byte buffer rt_buf, the
 * printed form of any value (rt_buf_value, rt_str_of), Float formatting exactly as
 * Python's repr (rt_str_of_float), and the formats of interpolation (§11,
 * rt_str_format: Python's format mini-language, for the part the language has).
 *
 * rt_buf layout: b->p points RT_BUF_HDR bytes into its allocation, and one byte is
 * always kept free after b->cap, so rt_buf_finish can turn the block into an rt_str
 * in place (write the header in front, the NUL behind) without copying the bytes.
 * So the block must only be freed through rt_buf_free / rt_buf_finish, never free(p).
 * A zero-filled rt_buf is an empty buffer.  A buffer that cannot grow (too large for
 * the system) is freed, emptied, and the calling actor fails with "out of memory". */
#include "values/rt_values.h"

#include <math.h>
#include <stdlib.h>

#define RT_BUF_HDR offsetof(rt_str, data)

/* ---- rt_buf ---------------------------------------------------------------------- */

/* Room for `need` more bytes.  Too large for the system: the buffer is freed (nobody
 * will read it: the failure unwinds its owner) and the calling actor fails. */
static void buf_grow(rt_buf *b, int64_t need) {
  int64_t cap = b->cap * 2, want;
  if (__builtin_add_overflow(b->len, need, &want)) want = INT64_MAX / 2;
  if (cap < want) cap = want;
  if (cap < 56) cap = 56;
  size_t bytes = RT_BUF_HDR + (size_t)cap + 1;
  char *base = b->p ? b->p - RT_BUF_HDR : NULL;
  char *grown = rt_value_try_realloc(base, bytes);
  if (RT_UNLIKELY(!grown)) {
    rt_buf_free(b);
    rt_fail_oom(bytes, NULL);
  }
  b->p = grown + RT_BUF_HDR;
  b->cap = cap;
}

/* Room for n more bytes; returns where they go (the caller then adds n to len). */
static inline char *buf_reserve(rt_buf *b, int64_t n) {
  if (RT_UNLIKELY(b->cap - b->len < n)) buf_grow(b, n);
  return b->p + b->len;
}

void rt_buf_put(rt_buf *b, const char *s, int64_t n) {
  if (n <= 0) return;
  memcpy(buf_reserve(b, n), s, (size_t)n);
  b->len += n;
}

void rt_buf_putc(rt_buf *b, char c) {
  *buf_reserve(b, 1) = c;
  b->len++;
}

void rt_buf_puts(rt_buf *b, const char *s) { rt_buf_put(b, s, (int64_t)strlen(s)); }

rt_str *rt_buf_finish(rt_buf *b) {
  if (b->len == 0) {
    rt_buf_free(b);
    return NULL;
  }
  char *base = b->p - RT_BUF_HDR;
  /* Give back slack only when it is worth a realloc. */
  if (b->cap - b->len > 64) base = rt_realloc(base, RT_BUF_HDR + (size_t)b->len + 1);
  rt_str *s = (rt_str *)base;
  rt_hdr_init(s, RT_TAG_STR);
  s->len = b->len;
  s->data[b->len] = 0;
  b->p = NULL;
  b->len = b->cap = 0;
  return s;
}

void rt_buf_free(rt_buf *b) {
  if (b->p) rt_free(b->p - RT_BUF_HDR);
  b->p = NULL;
  b->len = b->cap = 0;
}

/* ---- Float: Python's repr ---------------------------------------------------------
 * repr gives the shortest decimal that reads back as the same double (of those, the
 * nearest), then fixed notation when the decimal exponent e (x = d.ddd * 10^e) is in
 * [-4, 16), else scientific with a signed exponent of at least two digits:
 * 0.30000000000000004, 5.0, 1e+16, 1.5e-07, 0.0001, 1e-05.
 *
 * The digits: glibc's printf rounds exactly, so "%.*e" with p digits gives the
 * nearest p-digit decimal; the shortest repr is the nearest p-digit decimal for the
 * smallest p that reads back.  One exception: at a power of two the doubles below
 * are twice as close as those above, so the nearest p-digit decimal may fall just
 * outside below while the next one up still reads back; that neighbour is tried too.
 * Short decimals take a faster exact route (repr_short).  std.json writes its
 * numbers with rt_fmt_float as well. */

/* Parses "d[.ddd]e±XX" into digits (trailing zeros dropped) and the exponent. */
static int parse_e(const char *buf, char dig[24], int *exp10) {
  int n = 0;
  const char *p = buf;
  dig[n++] = *p++;
  if (*p == '.')
    for (p++; *p >= '0' && *p <= '9'; p++) dig[n++] = *p;
  while (n > 1 && dig[n - 1] == '0') n--;
  *exp10 = atoi(p + 1);
  return n;
}

/* The p-digit decimal one unit above dig (p digits, exponent e), as a string. */
static void next_up(const char *dig, int n, int p, int e, char out[40]) {
  char d[24];
  memcpy(d, dig, (size_t)n);
  for (int i = n; i < p; i++) d[i] = '0';
  int i = p - 1;
  while (i >= 0 && d[i] == '9') d[i--] = '0';
  if (i < 0) { /* 9.99 -> 10.0: one more power of ten */
    d[0] = '1';
    for (int j = 1; j < p; j++) d[j] = '0';
    e++;
  } else {
    d[i]++;
  }
  int k = 0;
  out[k++] = d[0];
  if (p > 1) {
    out[k++] = '.';
    memcpy(out + k, d + 1, (size_t)p - 1);
    k += p - 1;
  }
  snprintf(out + k, 40 - (size_t)k, "e%d", e);
}

/* The shortest digits of v (finite, > 0) that read back as v; returns their count.
 * Away from powers of two the rounding interval is symmetric, so if the nearest
 * p-digit decimal reads back so does the nearest (p+1)-digit one: binary search on p.
 * At a power of two, p goes up one at a time and the neighbour above is tried too. */
static int shortest_digits(double v, char dig[24], int *exp10) {
  uint64_t bits;
  memcpy(&bits, &v, sizeof bits);
  bool pow2 = (bits & ((1ull << 52) - 1)) == 0 && (bits >> 52) > 1;
  char buf[40];
  if (!pow2) {
    int lo = 1, hi = 17;
    while (lo < hi) {
      int mid = (lo + hi) / 2;
      snprintf(buf, sizeof buf, "%.*e", mid - 1, v);
      if (strtod(buf, NULL) == v)
        hi = mid;
      else
        lo = mid + 1;
    }
    snprintf(buf, sizeof buf, "%.*e", lo - 1, v);
    return parse_e(buf, dig, exp10);
  }
  for (int p = 1; p <= 17; p++) {
    snprintf(buf, sizeof buf, "%.*e", p - 1, v);
    if (strtod(buf, NULL) == v) return parse_e(buf, dig, exp10);
    int e, n = parse_e(buf, dig, &e);
    if (strtod(buf, NULL) < v) {
      char up[40];
      next_up(dig, n, p, e, up);
      if (strtod(up, NULL) == v) return parse_e(up, dig, exp10);
    }
  }
  snprintf(buf, sizeof buf, "%.16e", v); /* 17 digits always read back */
  return parse_e(buf, dig, exp10);
}

static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                     1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* The fast route for short decimals (1e-4 <= a < 1e15, not a power of two): for k = 0,
 * 1, ... fractional digits, the nearest k-digit decimal m / 10^k is computed exactly
 * (fma gives the product's rounding error) and reads back as a exactly when m / 10^k
 * == a in double arithmetic (both exact, the division correctly rounded, as strtod
 * is).  The first k that reads back gives the shortest, and m the nearest of that
 * length.  Writes the fixed notation into out and returns its length, or 0 to take
 * the general route (m too large to be exact, or a tie too close to call). */
static int repr_short(double a, char *out) {
  for (int k = 0; k <= 17; k++) {
    double P = pow10_exact[k], p = a * P;
    if (p >= 9007199254740992.0) return 0;
    double r = fma(a, P, -p); /* a * P == p + r exactly */
    double fl = floor(p), f = (p - fl) + r, m = fl;
    if (f != 0) {
      if (fabs(f - 0.5) < 0x1p-40) return 0;
      if (f > 0.5) m = fl + 1;
    }
    if (m / P != a) continue;
    char dig[24], tmp[24];
    int n = 0;
    uint64_t u = (uint64_t)m;
    do {
      tmp[n++] = (char)('0' + u % 10);
      u /= 10;
    } while (u);
    for (int i = 0; i < n; i++) dig[i] = tmp[n - 1 - i];
    int o = 0;
    if (n > k) { /* integer digits, then the fraction */
      memcpy(out, dig, (size_t)(n - k));
      o = n - k;
      out[o++] = '.';
      if (k == 0) {
        out[o++] = '0';
      } else {
        memcpy(out + o, dig + n - k, (size_t)k);
        o += k;
      }
    } else { /* 0.000ddd */
      out[o++] = '0';
      out[o++] = '.';
      for (int i = n; i < k; i++) out[o++] = '0';
      memcpy(out + o, dig, (size_t)n);
      o += n;
    }
    return o;
  }
  return 0;
}

/* Writes Python's repr of v to out (at most 32 bytes) and returns its length. */
int rt_fmt_float(double v, char out[32]) {
  uint64_t bits;
  memcpy(&bits, &v, sizeof bits);
  const uint64_t mant = bits & ((1ull << 52) - 1);
  const uint32_t iexp = (uint32_t)(bits >> 52) & 0x7FF;
  char *o = out;
  if (iexp == 0x7FF && mant) { /* NaN, whatever its sign */
    memcpy(out, "nan", 3);
    return 3;
  }
  if (bits >> 63) *o++ = '-';
  if (iexp == 0x7FF) {
    memcpy(o, "inf", 3);
    return (int)(o - out) + 3;
  }
  if (iexp == 0 && mant == 0) {
    memcpy(o, "0.0", 3);
    return (int)(o - out) + 3;
  }
  double a = v < 0 ? -v : v;
  if (mant != 0 && a >= 1e-4 && a < 1e15) {
    int k = repr_short(a, o);
    if (k) return (int)(o - out) + k;
  }
  char dig[24];
  int exp10;
  int n = shortest_digits(a, dig, &exp10);
  int e = exp10; /* x = d.ddd * 10^e */

  if (e >= -4 && e < 16) { /* fixed */
    if (e >= 0) {
      if (n <= e + 1) { /* an integer: pad with zeros, then ".0" */
        memcpy(o, dig, (size_t)n);
        o += n;
        for (int i = n; i <= e; i++) *o++ = '0';
        *o++ = '.';
        *o++ = '0';
      } else {
        memcpy(o, dig, (size_t)e + 1);
        o += e + 1;
        *o++ = '.';
        memcpy(o, dig + e + 1, (size_t)(n - e - 1));
        o += n - e - 1;
      }
    } else {
      *o++ = '0';
      *o++ = '.';
      for (int i = 0; i < -e - 1; i++) *o++ = '0';
      memcpy(o, dig, (size_t)n);
      o += n;
    }
  } else { /* scientific: d[.ddd]e+XX */
    *o++ = dig[0];
    if (n > 1) {
      *o++ = '.';
      memcpy(o, dig + 1, (size_t)n - 1);
      o += n - 1;
    }
    *o++ = 'e';
    *o++ = e < 0 ? '-' : '+';
    int ae = e < 0 ? -e : e;
    if (ae >= 100) *o++ = (char)('0' + ae / 100);
    *o++ = (char)('0' + ae / 10 % 10);
    *o++ = (char)('0' + ae % 10);
  }
  return (int)(o - out);
}

rt_str *rt_str_of_float(double v) {
  char buf[32];
  int n = rt_fmt_float(v, buf);
  return rt_str_new(buf, n);
}

/* ---- printed forms of any value -------------------------------------------------- */

/* Quoted form of a String inside a container: \" \\ \n \t \r escaped, nothing else
 * (braces are not escaped; other control bytes are written as they are). */
static void put_quoted(rt_buf *b, const rt_str *s) {
  int64_t n = s ? s->len : 0, start = 0;
  const char *d = s ? s->data : "";
  rt_buf_putc(b, '"');
  for (int64_t i = 0; i < n; i++) {
    char esc = rt_quote_escape(d[i]);
    if (!esc) continue;
    rt_buf_put(b, d + start, i - start);
    char two[2] = {'\\', esc};
    rt_buf_put(b, two, 2);
    start = i + 1;
  }
  rt_buf_put(b, d + start, n - start);
  rt_buf_putc(b, '"');
}

static void put_int(rt_buf *b, int64_t v) {
  char *p = buf_reserve(b, 20), tmp[24], *t = tmp + 24;
  uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v; /* INT64_MIN included */
  do {
    *--t = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0) *--t = '-';
  memcpy(p, t, (size_t)(tmp + 24 - t));
  b->len += tmp + 24 - t;
}

/* "Name#N": an actor reference or a timer. */
static void put_ref(rt_buf *b, const char *name, uint64_t number) {
  rt_buf_puts(b, name);
  rt_buf_putc(b, '#');
  put_int(b, (int64_t)number);
}

/* Printed forms recurse into lists and maps: deep in a recursion, with no room left
 * for theirs, the buffer is freed and the actor fails ("stack overflow"). */
static void no_stack(rt_buf *b) {
  rt_buf_free(b);
  rt_fail("stack overflow", NULL);
}

void rt_buf_value(rt_buf *b, rt_word v, const rt_type *t, bool quoted) {
  if ((t->kind == RT_T_LIST || t->kind == RT_T_MAP) && RT_UNLIKELY(rt_stack_low())) no_stack(b);
  switch (t->kind) {
  case RT_T_INT: put_int(b, (int64_t)v); break;
  case RT_T_FLOAT: {
    double d;
    memcpy(&d, &v, sizeof d);
    char tmp[32];
    rt_buf_put(b, tmp, rt_fmt_float(d, tmp));
    break;
  }
  case RT_T_BOOL: rt_buf_puts(b, v ? "true" : "false"); break;
  case RT_T_STRING: {
    rt_str *s = (rt_str *)(uintptr_t)v;
    if (quoted)
      put_quoted(b, s);
    else if (s)
      rt_buf_put(b, s->data, s->len);
    break;
  }
  case RT_T_LIST: {
    rt_list *l = (rt_list *)(uintptr_t)v;
    rt_buf_putc(b, '[');
    for (int64_t i = 0, n = l ? l->len : 0; i < n; i++) {
      if (rt_buf_full(b)) break;
      if (i) rt_buf_put(b, ", ", 2);
      rt_buf_value(b, l->data[i], t->a, true);
    }
    rt_buf_putc(b, ']');
    break;
  }
  case RT_T_MAP: {
    rt_map *m = (rt_map *)(uintptr_t)v;
    rt_word k, x;
    int64_t it = 0;
    bool first = true;
    rt_buf_putc(b, '{');
    while (rt_map_next(m, &it, &k, &x)) {
      if (rt_buf_full(b)) break;
      if (!first) rt_buf_put(b, ", ", 2);
      first = false;
      rt_buf_value(b, k, t->a, true);
      rt_buf_put(b, ": ", 2);
      rt_buf_value(b, x, t->b, true);
    }
    rt_buf_putc(b, '}');
    break;
  }
  case RT_T_ACTOR: {
    const rt_actor *a = (const rt_actor *)(uintptr_t)v;
    if (a) {
      const rt_obj_class *c = rt_obj_class_of(RT_TAG_ACTOR);
      put_ref(b, c->name(a), c->number(a));
    } else
      rt_buf_put(b, "none", 4);
    break;
  }
  case RT_T_TIMER: {
    /* The zero Timer (NULL, "a timer that never fires") prints as number 0. */
    const struct rt_timer *tm = (const struct rt_timer *)(uintptr_t)v;
    put_ref(b, "Timer", tm ? rt_obj_class_of(RT_TAG_TIMER)->number(tm) : 0);
    break;
  }
  case RT_T_RECORD:
  case RT_T_ENUM: rt_data_put(b, (const rt_data *)(uintptr_t)v, t); break;
  case RT_T_REPLY: {
    /* The zero handle (NULL) belongs to no request: Reply#0. */
    const void *r = (const void *)(uintptr_t)v;
    put_ref(b, "Reply", r ? rt_obj_class_of(RT_TAG_REPLY)->number(r) : 0);
    break;
  }
  default: rt_buf_puts(b, "?"); break;
  }
}

rt_str *rt_str_of(rt_word v, const rt_type *t) {
  switch (t->kind) {
  case RT_T_INT: return rt_str_of_int((int64_t)v);
  case RT_T_BOOL: return rt_str_of_bool(v != 0);
  case RT_T_STRING: {
    rt_str *s = (rt_str *)(uintptr_t)v;
    rt_retain(s);
    return s;
  }
  case RT_T_FLOAT: {
    double d;
    memcpy(&d, &v, sizeof d);
    return rt_str_of_float(d);
  }
  default: {
    rt_buf b = {0};
    rt_buf_value(&b, v, t, false);
    return rt_buf_finish(&b);
  }
  }
}

/* ---- reasons that show an index or a key (§7) ------------------------------------ */

_Noreturn void rt_fail_index(const char *what, int64_t i, int64_t len, const char *pos) {
  char reason[96];
  snprintf(reason, sizeof reason, "%s%sindex %lld out of range (length %lld)", what ? what : "", what ? ": " : "",
           (long long)i, (long long)len);
  rt_fail(reason, pos);
}

_Noreturn void rt_fail_slice(int64_t a, int64_t b, int64_t len, const char *pos) {
  char reason[96];
  snprintf(reason, sizeof reason, "slice(%lld, %lld) out of range (length %lld)", (long long)a, (long long)b,
           (long long)len);
  rt_fail(reason, pos);
}

_Noreturn void rt_fail_key(rt_word k, const rt_type *key_type, const char *pos) {
  rt_buf b = {0};
  rt_buf_value(&b, k, key_type, true);
  char reason[sizeof "missing key " + RT_REASON_KEY_BYTES + 4];
  int64_t n = b.len;
  if (n > RT_REASON_KEY_BYTES) { /* cut at a character's start, and say so */
    n = RT_REASON_KEY_BYTES;
    while (n > 0 && ((unsigned char)b.p[n] & 0xC0) == 0x80) n--;
  }
  snprintf(reason, sizeof reason, "missing key %.*s%s", (int)n, b.p ? b.p : "", n < b.len ? "..." : "");
  rt_buf_free(&b);
  rt_fail(reason, pos);
}

/* ---- formats in interpolation (§11) ---------------------------------------------- */

/* The length of the valid UTF-8 sequence at p (at most n bytes), or 0. */
static int utf8_seq(const unsigned char *p, int64_t n) {
  int k = p[0] < 0x80 ? 1 : p[0] >= 0xC2 && p[0] <= 0xDF ? 2 : p[0] >= 0xE0 && p[0] <= 0xEF ? 3
        : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : 0;
  if (!k || k > n) return 0;
  for (int i = 1; i < k; i++)
    if ((p[i] & 0xC0) != 0x80) return 0;
  if (k == 3 && ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] > 0x9F))) return 0; /* overlong, surrogate */
  if (k == 4 && ((p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] > 0x8F))) return 0;
  return k;
}

/* Characters (code points) in s[0..n): a byte that starts no valid UTF-8 sequence
 * counts as one (as std.strings counts). */
static int64_t char_count(const char *s, int64_t n) {
  int64_t c = 0;
  for (int64_t i = 0; i < n; c++) {
    int k = utf8_seq((const unsigned char *)s + i, n - i);
    i += k ? k : 1;
  }
  return c;
}

/* The digits of u in base 2, 10 or 16 (lower-case). */
static void put_digits(rt_buf *b, uint64_t u, unsigned base) {
  char tmp[64], *t = tmp + 64;
  do {
    *--t = "0123456789abcdef"[u % base];
    u /= base;
  } while (u);
  rt_buf_put(b, t, tmp + 64 - t);
}

/* printf's rendering of a finite, non-negative d ("%.*f" or "%.*e"), into b. */
static void put_printf(rt_buf *b, const char *fmt, int prec, double d) {
  int n = snprintf(NULL, 0, fmt, prec, d);
  char *p = buf_reserve(b, n + 1);
  snprintf(p, (size_t)n + 1, fmt, prec, d);
  b->len += n;
}

static void put_fill(rt_buf *b, char fill, int64_t n) {
  if (n <= 0) return;
  memset(buf_reserve(b, n), fill, (size_t)n);
  b->len += n;
}

rt_str *rt_str_format(rt_word v, const rt_type *t, int64_t f) {
  int prec = RT_FMT_PRECISION(f), type = RT_FMT_TYPE(f);
  rt_buf body = {0};
  char sign = 0;
  bool numeric = t->kind == RT_T_INT || t->kind == RT_T_FLOAT;
  if (t->kind == RT_T_INT) {
    int64_t x = (int64_t)v;
    sign = x < 0 ? '-' : RT_FMT_PLUS(f) ? '+' : 0;
    put_digits(&body, x < 0 ? 0 - (uint64_t)x : (uint64_t)x, type == RT_FMT_HEX ? 16 : type == RT_FMT_BIN ? 2 : 10);
  } else if (t->kind == RT_T_FLOAT) {
    double d;
    memcpy(&d, &v, sizeof d);
    /* nan has no sign (as Python prints it); -0.0 has one */
    sign = !isnan(d) && signbit(d) ? '-' : RT_FMT_PLUS(f) ? '+' : 0;
    d = fabs(d);
    if (isnan(d) || isinf(d)) {
      rt_buf_puts(&body, isnan(d) ? "nan" : "inf");
    } else if (type == RT_FMT_SCI) {
      put_printf(&body, "%.*e", prec < 0 ? 6 : prec, d);
    } else if (prec >= 0) {
      put_printf(&body, "%.*f", prec, d);
    } else { /* the printed form (Python's repr) */
      char tmp[32];
      rt_buf_put(&body, tmp, rt_fmt_float(d, tmp));
    }
  } else {
    rt_buf_value(&body, v, t, false);
  }
  int64_t len = char_count(body.p, body.len) + (sign != 0), pad = RT_FMT_WIDTH(f) - len;
  if (pad <= 0 && !sign) return rt_buf_finish(&body);
  rt_buf out = {0};
  int align = RT_FMT_ALIGN(f);
  char fill = RT_FMT_ZERO(f) ? '0' : ' ';
  if (align == RT_FMT_ALIGN_DEFAULT && !(RT_FMT_ZERO(f) && numeric))
    align = numeric ? RT_FMT_ALIGN_RIGHT : RT_FMT_ALIGN_LEFT;
  int64_t left = align == RT_FMT_ALIGN_RIGHT ? pad : align == RT_FMT_ALIGN_CENTER ? pad / 2 : 0;
  put_fill(&out, fill, left);
  if (sign) rt_buf_putc(&out, sign);
  if (align == RT_FMT_ALIGN_DEFAULT) put_fill(&out, '0', pad); /* '0' without an alignment: after the sign */
  rt_buf_put(&out, body.p, body.len);
  if (align == RT_FMT_ALIGN_LEFT || align == RT_FMT_ALIGN_CENTER) put_fill(&out, fill, pad - left);
  rt_buf_free(&body);
  return rt_buf_finish(&out);
}

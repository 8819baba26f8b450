/* rt_fmt.c — Printed forms (LANGUAGE.md §6): the growable byte buffer rt_buf, the
 * printed form of any value (rt_buf_value, rt_str_of), and Float formatting exactly
 * as Python's repr (rt_str_of_float).
 *
 * rt_buf layout: b->p points RT_BUF_HDR bytes into its allocation, and one byte is
 * always kept free after b->cap, so rt_buf_finish can turn the block into an rt_str
 * in place (write the header in front, the NUL behind) without copying the bytes.
 * So the block must only be freed through rt_buf_free / rt_buf_finish, never free(p).
 * A zero-filled rt_buf is an empty buffer. */
#include "rt_internal.h"

#include <pthread.h>

#define RT_BUF_HDR offsetof(rt_str, data)

/* ---- rt_buf ---------------------------------------------------------------------- */

static void buf_grow(rt_buf *b, int64_t need) {
  int64_t cap = b->cap * 2;
  if (cap < b->len + need) cap = b->len + need;
  if (cap < 56) cap = 56;
  char *base = b->p ? b->p - RT_BUF_HDR : NULL;
  base = rt_realloc(base, RT_BUF_HDR + (size_t)cap + 1);
  b->p = base + RT_BUF_HDR;
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
 * nearest; ties to even), then fixed notation when the decimal exponent e
 * (x = d.ddd * 10^e) is in [-4, 16), else scientific with a signed exponent of at
 * least two digits: 0.30000000000000004, 5.0, 1e+16, 1.5e-07, 0.0001, 1e-05.
 *
 * The digits come from Ulf Adams' Ryu (PLDI 2018; github.com/ulfjack/ryu, d2s.c),
 * which computes exactly that shortest, nearest decimal with 128-bit integer
 * arithmetic.  Its two tables of 125-bit approximations of 5^i and 2^k / 5^i are
 * computed once, at first use, with a small bignum (ryu_init) instead of being
 * spelled out here. */

#define RYU_POW5_INV_BITCOUNT 125
#define RYU_POW5_BITCOUNT 125
#define RYU_POW5_INV_TABLE 342 /* q in [0, 342): decimal exponents of large doubles */
#define RYU_POW5_TABLE 326     /* i in [0, 326): powers of 5 for small doubles */

__extension__ typedef unsigned __int128 u128;

static uint64_t ryu_pow5_inv[RYU_POW5_INV_TABLE][2]; /* {low, high}: floor(2^k / 5^q) + 1 */
static uint64_t ryu_pow5[RYU_POW5_TABLE][2];         /* {low, high}: 5^i to 125 bits */
static pthread_once_t ryu_once = PTHREAD_ONCE_INIT;

/* ceil(log2(5^e)) for e > 0, 1 for e == 0: the bit length of 5^e. */
static inline int32_t pow5bits(int32_t e) { return (int32_t)(((uint32_t)e * 1217359u) >> 19) + 1; }
static inline uint32_t log10_pow2(int32_t e) { return ((uint32_t)e * 78913u) >> 18; }  /* floor(log10(2^e)) */
static inline uint32_t log10_pow5(int32_t e) { return ((uint32_t)e * 732923u) >> 20; } /* floor(log10(5^e)) */

/* Little-endian base-2^32 naturals, big enough for 2^1024. */
#define BIG_LIMBS 34
typedef struct big {
  uint32_t d[BIG_LIMBS];
} big;

static int big_bits(const big *x) {
  for (int i = BIG_LIMBS - 1; i >= 0; i--)
    if (x->d[i]) return i * 32 + 32 - __builtin_clz(x->d[i]);
  return 0;
}

/* Bits [shift, shift + 128) of x. */
static u128 big_window(const big *x, int shift) {
  u128 r = 0;
  for (int b = 127; b >= 0; b--) {
    int bit = shift + b;
    r <<= 1;
    if (bit < BIG_LIMBS * 32) r |= (x->d[bit / 32] >> (bit % 32)) & 1;
  }
  return r;
}

static void ryu_init(void) {
  big x = {{0}};
  /* ryu_pow5[i] = 5^i shifted to exactly 125 bits (floor when shifting right). */
  x.d[0] = 1;
  for (int i = 0; i < RYU_POW5_TABLE; i++) {
    int bits = big_bits(&x);
    u128 v = bits >= RYU_POW5_BITCOUNT ? big_window(&x, bits - RYU_POW5_BITCOUNT)
                                       : big_window(&x, 0) << (RYU_POW5_BITCOUNT - bits);
    ryu_pow5[i][0] = (uint64_t)v;
    ryu_pow5[i][1] = (uint64_t)(v >> 64);
    uint64_t carry = 0;
    for (int k = 0; k < BIG_LIMBS; k++) {
      uint64_t t = (uint64_t)x.d[k] * 5 + carry;
      x.d[k] = (uint32_t)t;
      carry = t >> 32;
    }
  }
  /* ryu_pow5_inv[q] = floor(2^(pow5bits(q) - 1 + 125) / 5^q) + 1, through
   * X_q = floor(2^1024 / 5^q) (divided by 5 once per step; floors compose) shifted
   * right by 1024 - (pow5bits(q) - 1 + 125). */
  memset(&x, 0, sizeof x);
  x.d[1024 / 32] = 1;
  for (int q = 0; q < RYU_POW5_INV_TABLE; q++) {
    int k = pow5bits(q) - 1 + RYU_POW5_INV_BITCOUNT;
    u128 v = big_window(&x, 1024 - k) + 1;
    ryu_pow5_inv[q][0] = (uint64_t)v;
    ryu_pow5_inv[q][1] = (uint64_t)(v >> 64);
    uint64_t rem = 0;
    for (int i = BIG_LIMBS - 1; i >= 0; i--) {
      uint64_t cur = rem << 32 | x.d[i];
      x.d[i] = (uint32_t)(cur / 5);
      rem = cur % 5;
    }
  }
}

static inline uint32_t pow5_factor(uint64_t v) {
  uint32_t n = 0;
  while (v % 5 == 0) {
    v /= 5;
    n++;
  }
  return n;
}
static inline bool multiple_of_pow5(uint64_t v, uint32_t p) { return pow5_factor(v) >= p; }
static inline bool multiple_of_pow2(uint64_t v, uint32_t p) { return (v & ((1ull << p) - 1)) == 0; }

static inline uint64_t mul_shift(uint64_t m, const uint64_t mul[2], int32_t j) {
  u128 b0 = (u128)m * mul[0], b2 = (u128)m * mul[1];
  return (uint64_t)(((b0 >> 64) + b2) >> (j - 64));
}

/* The shortest, nearest decimal of a finite double > 0 given as its IEEE fields:
 * returns the digits as an integer and sets *exp10 (x = digits * 10^exp10). */
static uint64_t ryu_d2d(uint64_t ieee_mant, uint32_t ieee_exp, int32_t *exp10) {
  int32_t e2;
  uint64_t m2;
  if (ieee_exp == 0) { /* subnormal; 2 extra bits for the bounds */
    e2 = 1 - 1023 - 52 - 2;
    m2 = ieee_mant;
  } else {
    e2 = (int32_t)ieee_exp - 1023 - 52 - 2;
    m2 = (1ull << 52) | ieee_mant;
  }
  const bool accept_bounds = (m2 & 1) == 0; /* round-half-even reading accepts the ends */
  /* The interval of decimals that read back as x is [mm, mp] around mv = 4 * m2
   * (in units of 2^e2); it is lopsided (mm closer) just above a power of two. */
  const uint64_t mv = 4 * m2;
  const uint32_t mm_shift = ieee_mant != 0 || ieee_exp <= 1;
  uint64_t vr, vp, vm;
  int32_t e10;
  bool vm_trailing_zeros = false, vr_trailing_zeros = false;
  if (e2 >= 0) {
    const uint32_t q = log10_pow2(e2) - (e2 > 3);
    e10 = (int32_t)q;
    const int32_t k = RYU_POW5_INV_BITCOUNT + pow5bits((int32_t)q) - 1;
    const int32_t i = -e2 + (int32_t)q + k;
    vr = mul_shift(4 * m2, ryu_pow5_inv[q], i);
    vp = mul_shift(4 * m2 + 2, ryu_pow5_inv[q], i);
    vm = mul_shift(4 * m2 - 1 - mm_shift, ryu_pow5_inv[q], i);
    if (q <= 21) { /* only one of mp, mv, mm can be a multiple of 5, if any */
      if (mv % 5 == 0)
        vr_trailing_zeros = multiple_of_pow5(mv, q);
      else if (accept_bounds)
        vm_trailing_zeros = multiple_of_pow5(mv - 1 - mm_shift, q);
      else
        vp -= multiple_of_pow5(mv + 2, q);
    }
  } else {
    const uint32_t q = log10_pow5(-e2) - (-e2 > 1);
    e10 = (int32_t)q + e2;
    const int32_t i = -e2 - (int32_t)q;
    const int32_t k = pow5bits(i) - RYU_POW5_BITCOUNT;
    const int32_t j = (int32_t)q - k;
    vr = mul_shift(4 * m2, ryu_pow5[i], j);
    vp = mul_shift(4 * m2 + 2, ryu_pow5[i], j);
    vm = mul_shift(4 * m2 - 1 - mm_shift, ryu_pow5[i], j);
    if (q <= 1) { /* mv = 4 * m2 has at least 2 trailing zero bits */
      vr_trailing_zeros = true;
      if (accept_bounds)
        vm_trailing_zeros = mm_shift == 1; /* mm = mv - 1 - mm_shift */
      else
        --vp; /* mp = mv + 2 has at least one */
    } else if (q < 63) {
      vr_trailing_zeros = multiple_of_pow2(mv, q); /* needs p2(mv) >= q, as -e2 >= q */
    }
  }

  /* Drop digits while the interval still holds a shorter decimal. */
  int32_t removed = 0;
  uint32_t last_removed = 0;
  uint64_t out;
  if (vm_trailing_zeros || vr_trailing_zeros) { /* rare: exact ties and bounds */
    while (vp / 10 > vm / 10) {
      vm_trailing_zeros &= vm % 10 == 0;
      vr_trailing_zeros &= last_removed == 0;
      last_removed = (uint32_t)(vr % 10);
      vr /= 10;
      vp /= 10;
      vm /= 10;
      removed++;
    }
    if (vm_trailing_zeros) {
      while (vm % 10 == 0) {
        vr_trailing_zeros &= last_removed == 0;
        last_removed = (uint32_t)(vr % 10);
        vr /= 10;
        vp /= 10;
        vm /= 10;
        removed++;
      }
    }
    if (vr_trailing_zeros && last_removed == 5 && vr % 2 == 0) last_removed = 4; /* to even */
    out = vr + ((vr == vm && (!accept_bounds || !vm_trailing_zeros)) || last_removed >= 5);
  } else {
    bool round_up = false;
    if (vp / 100 > vm / 100) { /* two digits at a time */
      round_up = vr % 100 >= 50;
      vr /= 100;
      vp /= 100;
      vm /= 100;
      removed += 2;
    }
    while (vp / 10 > vm / 10) {
      round_up = vr % 10 >= 5;
      vr /= 10;
      vp /= 10;
      vm /= 10;
      removed++;
    }
    out = vr + (vr == vm || round_up);
  }
  *exp10 = e10 + removed;
  return out;
}

/* Writes Python's repr of v to out (at most 32 bytes) and returns its length. */
static int fmt_float(double v, char out[32]) {
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
  pthread_once(&ryu_once, ryu_init);
  int32_t exp10;
  uint64_t d = ryu_d2d(mant, iexp, &exp10);
  char buf[20], *dig = buf + 20; /* the digits of d, at the end of buf */
  do {
    *--dig = (char)('0' + d % 10);
    d /= 10;
  } while (d);
  int n = (int)(buf + 20 - dig);
  int e = exp10 + n - 1; /* x = d.ddd * 10^e */

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
  int n = fmt_float(v, buf);
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
    char c = d[i], esc;
    switch (c) {
    case '"': esc = '"'; break;
    case '\\': esc = '\\'; break;
    case '\n': esc = 'n'; break;
    case '\t': esc = 't'; break;
    case '\r': esc = 'r'; break;
    default: continue;
    }
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

void rt_buf_value(rt_buf *b, rt_word v, const rt_type *t, bool quoted) {
  switch (t->kind) {
  case RT_T_INT: put_int(b, (int64_t)v); break;
  case RT_T_FLOAT: {
    double d;
    memcpy(&d, &v, sizeof d);
    char tmp[32];
    rt_buf_put(b, tmp, fmt_float(d, tmp));
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
    if (a)
      put_ref(b, rt_actor_kind_name(a), rt_actor_number(a));
    else
      rt_buf_put(b, "none", 4);
    break;
  }
  case RT_T_TIMER: {
    /* The zero Timer (NULL, "a timer that never fires") prints as number 0. */
    const struct rt_timer *tm = (const struct rt_timer *)(uintptr_t)v;
    put_ref(b, "Timer", tm ? rt_timer_number(tm) : 0);
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

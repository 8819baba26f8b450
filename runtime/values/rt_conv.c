/* rt_conv.c — Conversions that may fail: int(f) (rt_float_to_int), parse_int and
 * parse_float (rt_parse_int, rt_parse_float).
 *
 * Failure reasons (LANGUAGE.md §7):
 *   int(f):          "integer overflow" for an infinity or a value whose truncation is
 *                    outside Int, "invalid conversion of nan to Int" for NaN;
 *   parse_int/float: "cannot parse \"TEXT\"", TEXT quoted as inside a list's printed
 *                    form (\" \\ \n \t \r escaped).  The reason is built on the stack
 *                    (rt_fail copies it before unwinding, so nothing is allocated on
 *                    the failure path); a TEXT longer than QUOTE_MAX bytes is cut there
 *                    and the quote ends with "...". */
#include "values/rt_values.h"

#include <math.h>

#define QUOTE_MAX 200

int64_t rt_float_to_int(double f, const char *pos) {
  if (RT_UNLIKELY(f != f)) rt_fail("invalid conversion of nan to Int", pos);
  /* -2^63 is a double and in range; 2^63 is the first double above the range.  The
   * comparisons are false for infinities of the wrong side and true for the right. */
  if (RT_UNLIKELY(!(f >= -9223372036854775808.0 && f < 9223372036854775808.0)))
    rt_fail("integer overflow", pos);
  return (int64_t)f; /* C's conversion truncates toward zero */
}

/* Fails with `cannot parse "TEXT"`. */
_Noreturn static void fail_parse(rt_str *s, const char *pos) {
  char msg[16 + 2 * QUOTE_MAX + 8];
  int64_t n = s ? s->len : 0, o = 0;
  memcpy(msg, "cannot parse \"", 14);
  o = 14;
  for (int64_t i = 0; i < n && i < QUOTE_MAX; i++) {
    char c = s->data[i], esc = rt_quote_escape(c);
    if (esc) {
      msg[o++] = '\\';
      msg[o++] = esc;
    } else {
      msg[o++] = c; /* a NUL byte in TEXT ends the reason there, as C sees it */
    }
  }
  if (n > QUOTE_MAX) {
    memcpy(msg + o, "...", 3);
    o += 3;
  }
  msg[o++] = '"';
  msg[o] = 0;
  rt_fail(msg, pos);
}

int64_t rt_parse_int(rt_str *s, const char *pos) {
  int64_t n = s ? s->len : 0, i = 0;
  bool neg = false;
  if (i < n && (s->data[i] == '+' || s->data[i] == '-')) neg = s->data[i++] == '-';
  if (i == n) fail_parse(s, pos); /* no digits */
  /* Accumulate the magnitude as unsigned: the limit is 2^63 - 1, or 2^63 if negative. */
  uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, v = 0;
  for (; i < n; i++) {
    unsigned d = (unsigned char)s->data[i] - '0';
    if (d > 9) fail_parse(s, pos);
    if (v > (limit - d) / 10) fail_parse(s, pos); /* v * 10 + d > limit */
    v = v * 10 + d;
  }
  return neg ? (int64_t)(0 - v) : (int64_t)v;
}

static inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Case-insensitive equality of s[i..n) with lower-case `word`. */
static bool word_is(const char *p, int64_t n, const char *word) {
  int64_t k = (int64_t)strlen(word);
  if (n != k) return false;
  for (int64_t i = 0; i < k; i++)
    if ((p[i] | 0x20) != word[i]) return false;
  return true;
}

/* Accepted: [+-]? ( D+ ('.' D+)? ([eE] [+-]? D+)? | inf | infinity | nan ), the last
 * three in any case.  (A Float literal's forms, an Int's digits included; not "1."
 * nor ".5", which are not literals either.) */
double rt_parse_float(rt_str *s, const char *pos) {
  int64_t n = s ? s->len : 0, i = 0;
  const char *p = s ? s->data : "";
  if (i < n && (p[i] == '+' || p[i] == '-')) i++;
  int64_t body = i;
  if (word_is(p + body, n - body, "inf") || word_is(p + body, n - body, "infinity"))
    return p[0] == '-' ? -INFINITY : INFINITY;
  if (word_is(p + body, n - body, "nan")) return p[0] == '-' ? -NAN : NAN;
  int64_t d0 = i;
  while (i < n && is_digit(p[i])) i++;
  if (i == d0) fail_parse(s, pos);
  if (i < n && p[i] == '.') {
    int64_t f0 = ++i;
    while (i < n && is_digit(p[i])) i++;
    if (i == f0) fail_parse(s, pos);
  }
  if (i < n && (p[i] == 'e' || p[i] == 'E')) {
    i++;
    if (i < n && (p[i] == '+' || p[i] == '-')) i++;
    int64_t e0 = i;
    while (i < n && is_digit(p[i])) i++;
    if (i == e0) fail_parse(s, pos);
  }
  if (i != n) fail_parse(s, pos);
  /* Validated, and data[len] == 0: strtod reads exactly this text, correctly rounded
   * (overflow gives ±inf and underflow ±0, as Python's float()). */
  return strtod(p, NULL);
}

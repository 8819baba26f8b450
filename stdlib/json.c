/* json.c — the C half of std.json (stdlib/json.actor): RFC 8259 JSON to and
 * from the language's values, through the FFI's Any (docs/language.md, "extern fn").
 *
 * Encoding (json_encode, json_pretty) follows the value's type descriptor:
 *   Int -> a decimal integer; Float -> the shortest text that reads back as the same
 *   double (Python's repr: 2.5, 5.0, 1e+16), and a failure for nan and infinities;
 *   Bool -> true/false; String -> a string, `"` `\` and control bytes escaped
 *   (\b \f \n \r \t, others \u00XX), other bytes as they are after checking they are
 *   UTF-8; [T] -> an array; {K: V} -> an object in insertion order, Int and Bool keys
 *   written as strings ("1", "true"), an enum's variants without fields by their names;
 *   a record -> an object of its fields in declaration order ({"x":1,"y":2}); an enum
 *   value -> its variant's name ("Empty") when it has no fields, else an object with
 *   one key, the name, whose value is the object of its fields ({"Circle":{"r":2.0}}).
 *   A map whose keys are records (or enums with fields) has no JSON form (an object's
 *   keys are strings) and fails, as do actor references and Timers, which have none:
 *   json.actor declares the value `Data`, so the compiler refuses them; a type holding
 *   one that reaches here anyway fails, whatever the value (none, an empty list).
 *
 * Decoding (json_decode) parses and converts in one pass, checking the text against
 * the wanted type: Int takes an integral number in range (3, -7, 1e3, 2.0); Float any
 * number (1e400 is out of range); Bool true/false; String a string; [T] an array; a map
 * an object, whose keys are converted to Int (decimal digits), Bool, String or variant
 * keys; duplicate keys: the last value wins, at the first key's place.  A record takes
 * an object: its fields by name in any order, unknown keys skipped, a missing field a
 * failure (json: missing field "y" in Point); an enum value the forms it is encoded as
 * (a variant without fields also as {"Empty": {}}), an unknown name a failure.  `null` gives the
 * wanted type's zero value (0, 0.0, false, "", [], {}), as Go's encoding/json does: the
 * language has no optional values, and a program would otherwise have no way to read
 * a document with nulls.  The first problem fails the calling actor with
 *   json: expected WHAT at offset N, found WHAT
 * (N counts bytes from 0) or another "json: ... at offset N" reason.  Nesting is
 * limited to JSON_MAX_DEPTH levels (the decoder recurses), and every level checks the
 * thread's stack (rt_stack_low), as generated code does: called deep in a recursion,
 * where even fewer levels would not fit, json_decode, json_valid and json_error fail
 * with "stack overflow" instead of crashing.  Encoding checks it too.
 * Strings must be UTF-8 (overlong forms, surrogates and bytes above U+10FFFF are
 * invalid); \uXXXX escapes join surrogate pairs and refuse lone surrogates.
 *
 * Ownership on failure: every function that fails returns false owning nothing (what
 * it built is released on the way out), so the entry points call rt_fail with no
 * allocation left behind. */
#include "values/rt_values.h"
#include "actor_std.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>

#define JSON_MAX_DEPTH 1000

/* ---- UTF-8 ----------------------------------------------------------------------- */

/* The length (2..4) of the valid multi-byte UTF-8 sequence at p (p[0] >= 0x80), or 0.
 * RFC 3629: no overlong forms, no surrogates (U+D800..DFFF), nothing above U+10FFFF. */
static int utf8_seq(const unsigned char *p, const unsigned char *end) {
  unsigned c = p[0];
  int64_t left = end - p;
  if (c >= 0xC2 && c <= 0xDF) return left >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (left < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return 0;
    if (c == 0xE0 && p[1] < 0xA0) return 0; /* overlong */
    if (c == 0xED && p[1] > 0x9F) return 0; /* surrogate */
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (left < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80) return 0;
    if (c == 0xF0 && p[1] < 0x90) return 0; /* overlong */
    if (c == 0xF4 && p[1] > 0x8F) return 0; /* above U+10FFFF */
    return 4;
  }
  return 0;
}

static void put_utf8(rt_buf *b, uint32_t cp) {
  char u[4];
  int n;
  if (cp < 0x80) {
    u[0] = (char)cp;
    n = 1;
  } else if (cp < 0x800) {
    u[0] = (char)(0xC0 | cp >> 6);
    u[1] = (char)(0x80 | (cp & 0x3F));
    n = 2;
  } else if (cp < 0x10000) {
    u[0] = (char)(0xE0 | cp >> 12);
    u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
    u[2] = (char)(0x80 | (cp & 0x3F));
    n = 3;
  } else {
    u[0] = (char)(0xF0 | cp >> 18);
    u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    u[3] = (char)(0x80 | (cp & 0x3F));
    n = 4;
  }
  rt_buf_put(b, u, n);
}

/* ---- types ----------------------------------------------------------------------- */

/* An enum whose variants all have no fields: its values may be object keys. */
static bool names_only(const rt_type *t) {
  if (t->kind != RT_T_ENUM) return false;
  for (uint32_t k = 0; k < t->data->nvariants; k++)
    if (t->data->variants[k].nfields) return false;
  return true;
}

/* What a type holds that JSON cannot ("an actor reference", "a Timer", "a map with
 * Point keys"), or NULL.  seen: the records and enums being looked into (a type met
 * again adds nothing; past 64 levels the rest is not looked at). */
static const char *non_json_in(const rt_type *t, const rt_type **seen, int nseen, char *buf) {
  switch (t->kind) {
  case RT_T_ACTOR: return "an actor reference";
  case RT_T_TIMER: return "a Timer";
  case RT_T_REPLY: return "a reply handle";
  case RT_T_LIST: return non_json_in(t->a, seen, nseen, buf);
  case RT_T_MAP: {
    if ((t->a->kind == RT_T_RECORD || t->a->kind == RT_T_ENUM) && !names_only(t->a)) {
      snprintf(buf, 128, "a map with %.40s keys (the keys of a JSON object are strings)", t->a->data->name);
      return buf;
    }
    const char *k = non_json_in(t->a, seen, nseen, buf);
    return k ? k : non_json_in(t->b, seen, nseen, buf);
  }
  case RT_T_RECORD:
  case RT_T_ENUM: {
    if (nseen == 64) return NULL;
    for (int i = 0; i < nseen; i++)
      if (seen[i] == t) return NULL;
    seen[nseen++] = t;
    for (uint32_t k = 0; k < t->data->nvariants; k++) {
      const rt_variant *v = &t->data->variants[k];
      for (uint32_t i = 0; i < v->nfields; i++) {
        const char *w = non_json_in(v->field_types[i], seen, nseen, buf);
        if (w) return w;
      }
    }
    return NULL;
  }
  default: return NULL;
  }
}

static const char *non_json(const rt_type *t, char buf[128]) {
  const rt_type *seen[64];
  return non_json_in(t, seen, 0, buf);
}

/* ---- encoding: numbers ------------------------------------------------------------
 * Floats are written as Python's repr (rt_fmt_float), which is also the shortest JSON
 * number that reads back as the same double. */

/* Powers of ten that are exact doubles (decoding's fast path). */
static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                     1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static int put_digits(char *out, uint64_t u) {
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  for (int i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
  return n;
}

/* Appends x's JSON form; false for nan and infinities. */
static bool put_float(rt_buf *b, double x) {
  if (!isfinite(x)) return false;
  char tmp[32];
  rt_buf_put(b, tmp, rt_fmt_float(x, tmp));
  return true;
}

static void put_int(rt_buf *b, int64_t v) {
  char tmp[24], *o = tmp;
  uint64_t u = (uint64_t)v;
  if (v < 0) {
    *o++ = '-';
    u = 0 - u; /* INT64_MIN included */
  }
  o += put_digits(o, u);
  rt_buf_put(b, tmp, o - tmp);
}

/* ---- encoding: values ------------------------------------------------------------ */

typedef struct jenc {
  rt_buf b;
  bool pretty;
  char err[160]; /* why encoding failed */
} jenc;

/* Which bytes a string may hold unescaped and unchecked: printable ASCII but " \. */
static bool plain[256];
static void init_plain(void) {
  for (int c = 0x20; c < 0x80; c++) plain[c] = c != '"' && c != '\\';
}
/* One once for encoding and decoding: two would each run init_plain, and the second
 * would write the table while another thread reads it. */
static pthread_once_t plain_once = PTHREAD_ONCE_INIT;

static bool put_string(jenc *e, const rt_str *s) {
  const unsigned char *p = s ? (const unsigned char *)s->data : (const unsigned char *)"";
  const unsigned char *end = p + (s ? s->len : 0), *run = p;
  rt_buf *b = &e->b;
  rt_buf_putc(b, '"');
  while (p < end) {
    unsigned c = *p;
    if (plain[c]) {
      p++;
      continue;
    }
    if (c >= 0x80) {
      int k = utf8_seq(p, end);
      if (!k) {
        rt_buf_put(b, (const char *)run, p - run);
        snprintf(e->err, sizeof e->err, "json: cannot encode a string that is not UTF-8 (byte %lld)",
                 (long long)(p - (const unsigned char *)s->data));
        return false;
      }
      p += k;
      continue;
    }
    rt_buf_put(b, (const char *)run, p - run);
    char esc[8] = {'\\', 0};
    int n = 2;
    switch (c) {
    case '"': esc[1] = '"'; break;
    case '\\': esc[1] = '\\'; break;
    case '\b': esc[1] = 'b'; break;
    case '\f': esc[1] = 'f'; break;
    case '\n': esc[1] = 'n'; break;
    case '\r': esc[1] = 'r'; break;
    case '\t': esc[1] = 't'; break;
    default: n = snprintf(esc, sizeof esc, "\\u%04x", c); break;
    }
    rt_buf_put(b, esc, n);
    run = ++p;
  }
  rt_buf_put(b, (const char *)run, p - run);
  rt_buf_putc(b, '"');
  return true;
}

static void newline(jenc *e, int level) {
  if (!e->pretty) return;
  rt_buf_putc(&e->b, '\n');
  for (int i = 0; i < level; i++) rt_buf_put(&e->b, "  ", 2);
}

static bool enc(jenc *e, rt_word v, const rt_type *t, int level) {
  rt_buf *b = &e->b;
  switch (t->kind) {
  case RT_T_INT: put_int(b, (int64_t)v); return true;
  case RT_T_FLOAT: {
    double x;
    memcpy(&x, &v, sizeof x);
    if (put_float(b, x)) return true;
    snprintf(e->err, sizeof e->err, "json: cannot encode %s (JSON numbers are finite)",
             x != x ? "nan" : x > 0 ? "inf" : "-inf");
    return false;
  }
  case RT_T_BOOL: rt_buf_puts(b, v ? "true" : "false"); return true;
  case RT_T_STRING: return put_string(e, (rt_str *)(uintptr_t)v);
  case RT_T_LIST: {
    if (RT_UNLIKELY(rt_stack_low())) goto no_stack;
    rt_list *l = (rt_list *)(uintptr_t)v;
    int64_t n = l ? l->len : 0;
    rt_buf_putc(b, '[');
    for (int64_t i = 0; i < n; i++) {
      if (i) rt_buf_putc(b, ',');
      newline(e, level + 1);
      if (!enc(e, l->data[i], t->a, level + 1)) return false;
    }
    if (n) newline(e, level);
    rt_buf_putc(b, ']');
    return true;
  }
  case RT_T_MAP: {
    if (RT_UNLIKELY(rt_stack_low())) goto no_stack;
    rt_map *m = (rt_map *)(uintptr_t)v;
    rt_word k, x;
    int64_t it = 0;
    bool first = true;
    rt_buf_putc(b, '{');
    while (rt_map_next(m, &it, &k, &x)) {
      if (!first) rt_buf_putc(b, ',');
      first = false;
      newline(e, level + 1);
      switch (t->a->kind) {
      case RT_T_STRING:
        if (!put_string(e, (rt_str *)(uintptr_t)k)) return false;
        break;
      case RT_T_INT:
        rt_buf_putc(b, '"');
        put_int(b, (int64_t)k);
        rt_buf_putc(b, '"');
        break;
      case RT_T_ENUM: /* of variants without fields (non_json) */
        rt_buf_putc(b, '"');
        rt_buf_puts(b, t->a->data->variants[rt_data_variant((const rt_data *)(uintptr_t)k)].name);
        rt_buf_putc(b, '"');
        break;
      default: rt_buf_puts(b, k ? "\"true\"" : "\"false\""); break; /* Bool */
      }
      rt_buf_put(b, e->pretty ? ": " : ":", e->pretty ? 2 : 1);
      if (!enc(e, x, t->b, level + 1)) return false;
    }
    if (!first) newline(e, level);
    rt_buf_putc(b, '}');
    return true;
  }
  case RT_T_RECORD:
  case RT_T_ENUM: {
    const rt_data *dv = (const rt_data *)(uintptr_t)v;
    const rt_variant *var = &t->data->variants[rt_data_variant(dv)];
    if (t->kind == RT_T_ENUM) { /* "Name", or {"Name": {fields}} */
      if (var->nfields == 0) {
        rt_buf_putc(b, '"');
        rt_buf_puts(b, var->name);
        rt_buf_putc(b, '"');
        return true;
      }
      rt_buf_putc(b, '{');
      newline(e, ++level);
      rt_buf_putc(b, '"');
      rt_buf_puts(b, var->name);
      rt_buf_put(b, e->pretty ? "\": " : "\":", e->pretty ? 3 : 2);
    }
    rt_buf_putc(b, '{');
    for (uint32_t i = 0; i < var->nfields; i++) {
      if (i) rt_buf_putc(b, ',');
      newline(e, level + 1);
      rt_buf_putc(b, '"');
      rt_buf_puts(b, var->field_names[i]);
      rt_buf_put(b, e->pretty ? "\": " : "\":", e->pretty ? 3 : 2);
      if (!enc(e, dv ? dv->f[i] : 0, var->field_types[i], level + 1)) return false;
    }
    if (var->nfields) newline(e, level);
    rt_buf_putc(b, '}');
    if (t->kind == RT_T_ENUM) {
      newline(e, level - 1);
      rt_buf_putc(b, '}');
    }
    return true;
  }
  default: return false; /* refused by non_json before we start */
  }
no_stack: /* called deep in a recursion: no room for ours */
  snprintf(e->err, sizeof e->err, "stack overflow");
  return false;
}

static rt_str *encode(rt_word v, const rt_type *t, bool pretty) {
  pthread_once(&plain_once, init_plain);
  char buf[128];
  const char *what = non_json(t, buf);
  if (what) {
    char msg[160];
    snprintf(msg, sizeof msg, "json: cannot encode %s", what);
    rt_fail(msg, NULL);
  }
  jenc e = {.pretty = pretty};
  if (!enc(&e, v, t, 0)) {
    rt_buf_free(&e.b);
    rt_fail(e.err, NULL);
  }
  return rt_buf_finish(&e.b);
}

rt_str *actor_std_json_encode(rt_word v, const rt_type *t) { return encode(v, t, false); }
rt_str *actor_std_json_pretty(rt_word v, const rt_type *t) { return encode(v, t, true); }

/* ---- decoding -------------------------------------------------------------------- */

typedef struct jdec {
  const unsigned char *s;
  int64_t n, i; /* the text, its length, the position */
  int depth;
  bool failed;
  bool no_stack; /* the thread's stack ran out before JSON_MAX_DEPTH: "stack overflow" */
  char err[320]; /* the first problem */
} jdec;

static bool failf(jdec *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool failf(jdec *d, const char *fmt, ...) {
  if (d->failed) return false;
  d->failed = true;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(d->err, sizeof d->err, fmt, ap);
  va_end(ap);
  return false;
}

static inline void skip_ws(jdec *d) {
  while (d->i < d->n) {
    unsigned char c = d->s[d->i];
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') break;
    d->i++;
  }
}

static bool word_at(const jdec *d, int64_t at, const char *w) {
  size_t k = strlen(w);
  return d->n - at >= (int64_t)k && memcmp(d->s + at, w, k) == 0;
}

/* What the text holds at `at`, for messages: "a string", "'x'", "the end of the text". */
static const char *found_at(const jdec *d, int64_t at, char buf[16]) {
  if (at >= d->n) return "the end of the text";
  unsigned char c = d->s[at];
  switch (c) {
  case '"': return "a string";
  case '[': return "an array";
  case '{': return "an object";
  case 't':
    if (word_at(d, at, "true")) return "true";
    break;
  case 'f':
    if (word_at(d, at, "false")) return "false";
    break;
  case 'n':
    if (word_at(d, at, "null")) return "null";
    break;
  default:
    if (c == '-' || (c >= '0' && c <= '9')) return "a number";
  }
  if (c >= 0x20 && c < 0x7F)
    snprintf(buf, 16, "'%c'", c);
  else
    snprintf(buf, 16, "byte 0x%02X", c);
  return buf;
}

static bool expected(jdec *d, const char *what) {
  char buf[16];
  return failf(d, "json: expected %s at offset %lld, found %s", what, (long long)d->i, found_at(d, d->i, buf));
}

/* What a wanted type is called in messages. */
static const char *want_name(const rt_type *t) {
  switch (t->kind) {
  case RT_T_INT: return "an integer";
  case RT_T_FLOAT: return "a number";
  case RT_T_BOOL: return "true or false";
  case RT_T_STRING: return "a string";
  case RT_T_LIST: return "an array";
  case RT_T_MAP: return "an object";
  case RT_T_RECORD: return "an object";
  case RT_T_ENUM: return "a string or an object";
  default: return "a value";
  }
}

/* Four hex digits at s[i..i+4) as a number, or -1. */
static int32_t hex4(const unsigned char *s, int64_t i, int64_t n) {
  if (n - i < 4) return -1;
  int32_t v = 0;
  for (int k = 0; k < 4; k++) {
    unsigned c = s[i + k], h;
    if (c >= '0' && c <= '9')
      h = c - '0';
    else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
      h = (c | 0x20) - 'a' + 10;
    else
      return -1;
    v = v * 16 + (int32_t)h;
  }
  return v;
}

/* A string at d->i (which holds '"'); *out gets it (owned) unless out is NULL. */
static bool dec_string(jdec *d, rt_str **out) {
  const unsigned char *s = d->s;
  int64_t open = d->i, i = d->i + 1, n = d->n, run = i;
  rt_buf b = {0};
  bool escaped = false;
  for (;;) {
    /* the common bytes, quickly */
    while (i < n && plain[s[i]]) i++;
    if (i >= n) {
      rt_buf_free(&b);
      return failf(d, "json: unterminated string at offset %lld", (long long)open);
    }
    unsigned c = s[i];
    if (c == '"') break;
    if (c >= 0x80) {
      int k = utf8_seq(s + i, s + n);
      if (!k) {
        rt_buf_free(&b);
        return failf(d, "json: invalid UTF-8 in a string at offset %lld", (long long)i);
      }
      i += k;
      continue;
    }
    if (c < 0x20) {
      rt_buf_free(&b);
      return failf(d, "json: control character in a string at offset %lld (write it as an escape)", (long long)i);
    }
    /* c == '\\' */
    if (out) rt_buf_put(&b, (const char *)s + run, i - run);
    escaped = true;
    int64_t at = i;
    if (i + 1 >= n) {
      rt_buf_free(&b);
      return failf(d, "json: unterminated string at offset %lld", (long long)open);
    }
    char e = (char)s[i + 1], put = 0;
    i += 2;
    switch (e) {
    case '"': put = '"'; break;
    case '\\': put = '\\'; break;
    case '/': put = '/'; break;
    case 'b': put = '\b'; break;
    case 'f': put = '\f'; break;
    case 'n': put = '\n'; break;
    case 'r': put = '\r'; break;
    case 't': put = '\t'; break;
    case 'u': {
      int32_t u = hex4(s, i, n);
      if (u < 0) {
        rt_buf_free(&b);
        return failf(d, "json: invalid \\u escape at offset %lld (four hex digits wanted)", (long long)at);
      }
      i += 4;
      uint32_t cp = (uint32_t)u;
      if (cp >= 0xD800 && cp <= 0xDBFF) { /* a high surrogate: its low half must follow */
        int32_t lo = i + 1 < n && s[i] == '\\' && s[i + 1] == 'u' ? hex4(s, i + 2, n) : -1;
        if (lo < 0xDC00 || lo > 0xDFFF) {
          rt_buf_free(&b);
          return failf(d, "json: lone surrogate \\u%04X at offset %lld", (unsigned)cp, (long long)at);
        }
        cp = 0x10000 + ((cp - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
        i += 6;
      } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        rt_buf_free(&b);
        return failf(d, "json: lone surrogate \\u%04X at offset %lld", (unsigned)cp, (long long)at);
      }
      if (out) put_utf8(&b, cp);
      break;
    }
    default: {
      rt_buf_free(&b);
      char buf[16];
      if ((unsigned char)e >= 0x20 && (unsigned char)e < 0x7F)
        snprintf(buf, sizeof buf, "\\%c", e);
      else
        snprintf(buf, sizeof buf, "\\ byte 0x%02X", (unsigned char)e);
      return failf(d, "json: invalid escape %s at offset %lld", buf, (long long)at);
    }
    }
    if (put && out) rt_buf_putc(&b, put);
    run = i;
  }
  d->i = i + 1;
  if (!out) return true;
  if (!escaped) {
    *out = rt_str_new((const char *)s + open + 1, i - open - 1);
  } else {
    rt_buf_put(&b, (const char *)s + run, i - run);
    *out = rt_buf_finish(&b);
  }
  return true;
}

/* A number at d->i: checks the grammar, then converts to t (NULL: only check). */
static bool dec_number(jdec *d, const rt_type *t, rt_word *out) {
  const unsigned char *s = d->s;
  int64_t start = d->i, i = start, n = d->n;
  bool neg = false;
  if (i < n && s[i] == '-') {
    neg = true;
    i++;
  }
  int64_t int_start = i;
  if (i < n && s[i] == '0') {
    i++;
  } else {
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
  }
  int64_t int_end = i, frac_start = i, frac_end = i;
  if (int_end == int_start) return failf(d, "json: invalid number at offset %lld", (long long)start);
  if (i < n && s[i] == '.') {
    frac_start = ++i;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    frac_end = i;
    if (frac_end == frac_start) return failf(d, "json: invalid number at offset %lld", (long long)start);
  }
  int64_t exp = 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    bool eneg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
    int64_t e0 = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
      if (exp < 100000) exp = exp * 10 + (s[i] - '0'); /* saturates: far beyond any double */
      i++;
    }
    if (i == e0) return failf(d, "json: invalid number at offset %lld", (long long)start);
    if (eneg) exp = -exp;
  }
  if (i < n && s[i] >= '0' && s[i] <= '9') /* 0123 */
    return failf(d, "json: invalid number at offset %lld (no leading zeros)", (long long)start);
  d->i = i;
  if (!t) return true;

  /* The significant digits (integer and fraction parts, leading zeros skipped) and
   * the decimal exponent of their last one. */
  char dig[20];
  int nd = 0;
  int64_t dropped = 0; /* significant digits beyond dig[] */
  bool nonzero_dropped = false;
  for (int64_t k = int_start; k < frac_end; k++) {
    if (k == int_end) k = frac_start;
    if (k >= frac_end) break;
    char c = (char)s[k];
    if (nd == 0 && c == '0') continue;
    if (nd < 19) {
      dig[nd++] = c;
    } else {
      dropped++;
      nonzero_dropped |= c != '0';
    }
  }
  int64_t exp10 = exp - (frac_end - frac_start) + dropped; /* value = dig * 10^exp10 */

  if (t->kind == RT_T_INT) {
    char buf[48];
    int tl = (int)(i - start < 40 ? i - start : 40);
    snprintf(buf, sizeof buf, "%.*s%s", tl, (const char *)s + start, i - start > 40 ? "..." : "");
    if (nonzero_dropped) goto not_integral_or_big;
    while (nd > 0 && dig[nd - 1] == '0') { /* trailing zeros move into the exponent */
      nd--;
      exp10++;
    }
    if (nd == 0) {
      *out = 0;
      return true;
    }
    if (exp10 < 0) return failf(d, "json: expected an integer at offset %lld, found %s", (long long)start, buf);
    {
      uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
      for (int k = 0; k < nd; k++) {
        unsigned dd = (unsigned)(dig[k] - '0');
        if (v > (limit - dd) / 10) goto out_of_range;
        v = v * 10 + dd;
      }
      for (int64_t k = 0; k < exp10; k++) {
        if (v > limit / 10) goto out_of_range;
        v *= 10;
      }
      *out = (rt_word)(neg ? 0 - v : v);
      return true;
    }
  not_integral_or_big:
    /* more than 19 significant digits: out of range if integral, else not integral */
    if (exp10 >= 0) goto out_of_range;
    return failf(d, "json: expected an integer at offset %lld, found %s", (long long)start, buf);
  out_of_range:
    return failf(d, "json: integer out of range at offset %lld (found %s)", (long long)start, buf);
  }

  /* Float.  Clinger's fast path: at most 15 digits and a power of ten up to 10^22 are
   * both exact doubles, and one correctly rounded operation gives the nearest double. */
  double x;
  if (nd == 0) {
    x = 0;
  } else if (!dropped && nd <= 15 && exp10 >= -22 && exp10 <= 22) {
    uint64_t m = 0;
    for (int k = 0; k < nd; k++) m = m * 10 + (unsigned)(dig[k] - '0');
    x = exp10 < 0 ? (double)m / pow10_exact[-exp10] : (double)m * pow10_exact[exp10];
  } else {
    /* strtod wants a C string: copy the token (the text need not end after it) */
    int64_t len = i - start;
    char small[128], *tok = len < (int64_t)sizeof small ? small : rt_value_try_alloc((size_t)len + 1);
    if (!tok) return failf(d, "out of memory (%lld bytes)", (long long)len + 1);
    memcpy(tok, s + start, (size_t)len);
    tok[len] = 0;
    x = strtod(tok, NULL);
    if (tok != small) rt_free(tok);
    if (isinf(x)) return failf(d, "json: number out of range at offset %lld", (long long)start);
  }
  if (neg) x = -x;
  memcpy(out, &x, sizeof x);
  return true;
}

static bool dec_value(jdec *d, const rt_type *t, rt_word *out);

/* A map key (a JSON string, already decoded) converted to the key type kt. */
static bool convert_key(jdec *d, rt_str *key, const rt_type *kt, int64_t at, rt_word *out) {
  int64_t n = key ? key->len : 0;
  const char *p = key ? key->data : "";
  if (kt->kind == RT_T_STRING) {
    *out = (rt_word)(uintptr_t)key;
    return true;
  }
  if (kt->kind == RT_T_ENUM) { /* of variants without fields (non_json) */
    for (uint32_t k = 0; k < kt->data->nvariants; k++) {
      const char *name = kt->data->variants[k].name;
      if ((int64_t)strlen(name) == n && !memcmp(p, name, (size_t)n)) {
        *out = rt_data_unit(kt, k);
        rt_release(key);
        return true;
      }
    }
    failf(d, "json: expected a variant of %s as a key at offset %lld, found \"%.*s%s\"", kt->data->name, (long long)at,
          (int)(n > 40 ? 40 : n), p, n > 40 ? "..." : "");
    rt_release(key);
    return false;
  }
  if (kt->kind == RT_T_BOOL) {
    if (n == 4 && !memcmp(p, "true", 4)) *out = 1;
    else if (n == 5 && !memcmp(p, "false", 5)) *out = 0;
    else goto bad;
    rt_release(key);
    return true;
  }
  { /* Int: an optional '-' and decimal digits */
    int64_t i = 0;
    bool neg = n > 0 && p[0] == '-';
    if (neg) i++;
    if (i == n) goto bad;
    uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
      unsigned dd = (unsigned char)p[i] - '0';
      if (dd > 9 || v > (limit - dd) / 10) goto bad;
      v = v * 10 + dd;
    }
    *out = (rt_word)(neg ? 0 - v : v);
    rt_release(key);
    return true;
  }
bad:
  failf(d, "json: expected %s key at offset %lld, found \"%.*s%s\"", kt->kind == RT_T_BOOL ? "a true or false" : "an integer",
        (long long)at, (int)(n > 40 ? 40 : n), p, n > 40 ? "..." : "");
  rt_release(key);
  return false;
}

/* A container being decoded, released when its frame is left without handing it out:
 * by a `return false`, or by a failure unwinding it (out of memory in a push). */
static void release_list(rt_list **l) { rt_release(*l); }
static void release_map(rt_map **m) { rt_release(*m); }

static bool dec_array(jdec *d, const rt_type *t, rt_word *out) {
  rt_list *l __attribute__((cleanup(release_list))) = NULL;
  d->i++; /* [ */
  skip_ws(d);
  if (d->i < d->n && d->s[d->i] == ']') {
    d->i++;
    if (out) *out = 0;
    return true;
  }
  for (;;) {
    rt_word v = 0;
    if (!dec_value(d, t ? t->a : NULL, out ? &v : NULL)) return false;
    if (out) rt_list_push(&l, t, v);
    skip_ws(d);
    if (d->i < d->n && d->s[d->i] == ',') {
      d->i++;
      continue;
    }
    if (d->i < d->n && d->s[d->i] == ']') {
      d->i++;
      break;
    }
    expected(d, "',' or ']'");
    return false;
  }
  if (out) *out = (rt_word)(uintptr_t)l;
  l = NULL; /* handed out */
  return true;
}

static bool dec_object(jdec *d, const rt_type *t, rt_word *out) {
  rt_map *m __attribute__((cleanup(release_map))) = NULL;
  d->i++; /* { */
  skip_ws(d);
  if (d->i < d->n && d->s[d->i] == '}') {
    d->i++;
    if (out) *out = 0;
    return true;
  }
  for (;;) {
    skip_ws(d);
    if (d->i >= d->n || d->s[d->i] != '"') {
      expected(d, "a string key");
      return false;
    }
    int64_t key_at = d->i;
    rt_str *ks = NULL;
    if (!dec_string(d, out ? &ks : NULL)) return false;
    rt_word k = 0, v = 0;
    if (out && !convert_key(d, ks, t->a, key_at, &k)) return false;
    skip_ws(d);
    if (d->i >= d->n || d->s[d->i] != ':') {
      expected(d, "':'");
      if (out) rt_word_release(k, t->a);
      return false;
    }
    d->i++;
    if (!dec_value(d, t ? t->b : NULL, out ? &v : NULL)) {
      if (out) rt_word_release(k, t->a);
      return false;
    }
    if (out) rt_map_set(&m, t, k, v);
    skip_ws(d);
    if (d->i < d->n && d->s[d->i] == ',') {
      d->i++;
      continue;
    }
    if (d->i < d->n && d->s[d->i] == '}') {
      d->i++;
      break;
    }
    expected(d, "',' or '}'");
    return false;
  }
  if (out) *out = (rt_word)(uintptr_t)m;
  m = NULL; /* handed out */
  return true;
}

/* The fields of variant k of t (a record: k = 0) from the object at d->i: by name in
 * any order, unknown keys skipped, every field required; the value into *out, owned. */
static bool dec_fields(jdec *d, const rt_type *t, uint32_t k, rt_word *out) {
  const rt_variant *v = &t->data->variants[k];
  uint32_t nf = v->nfields;
  rt_word *vals = nf ? rt_zalloc(nf * (sizeof(rt_word) + 1)) : NULL;
  unsigned char *seen = vals ? (unsigned char *)(vals + nf) : NULL; /* after the values */
  d->i++; /* { */
  skip_ws(d);
  if (d->i < d->n && d->s[d->i] == '}') {
    d->i++;
  } else {
    for (;;) {
      skip_ws(d);
      if (d->i >= d->n || d->s[d->i] != '"') {
        expected(d, "a string key");
        goto fail;
      }
      rt_str *key = NULL;
      if (!dec_string(d, &key)) goto fail;
      uint32_t f = 0;
      int64_t kn = key ? key->len : 0;
      while (f < nf && !((int64_t)strlen(v->field_names[f]) == kn && !memcmp(v->field_names[f], key->data, (size_t)kn))) f++;
      rt_release(key);
      skip_ws(d);
      if (d->i >= d->n || d->s[d->i] != ':') {
        expected(d, "':'");
        goto fail;
      }
      d->i++;
      if (f < nf) { /* a field (again: the last one wins) */
        rt_word x = 0;
        if (!dec_value(d, v->field_types[f], &x)) goto fail;
        rt_word_release(vals[f], v->field_types[f]);
        vals[f] = x;
        seen[f] = 1;
      } else if (!dec_value(d, NULL, NULL)) { /* an unknown key: skipped */
        goto fail;
      }
      skip_ws(d);
      if (d->i < d->n && d->s[d->i] == ',') {
        d->i++;
        continue;
      }
      if (d->i < d->n && d->s[d->i] == '}') {
        d->i++;
        break;
      }
      expected(d, "',' or '}'");
      goto fail;
    }
  }
  for (uint32_t f = 0; f < nf; f++)
    if (!seen[f]) {
      failf(d, "json: missing field \"%s\" in %s", v->field_names[f], v->name);
      goto fail;
    }
  if (nf == 0) {
    *out = t->kind == RT_T_ENUM ? rt_data_unit(t, k) : 0;
  } else {
    rt_data *r = rt_data_new(t, k);
    memcpy(r->f, vals, nf * sizeof(rt_word));
    *out = (rt_word)(uintptr_t)r;
  }
  rt_free(vals);
  return true;
fail:
  for (uint32_t f = 0; f < nf; f++) rt_word_release(vals[f], v->field_types[f]);
  rt_free(vals);
  return false;
}

/* The variant of enum t named by the string at d->i (into *k), or a failure. */
static bool variant_name(jdec *d, const rt_type *t, uint32_t *k) {
  int64_t at = d->i;
  rt_str *name = NULL;
  if (!dec_string(d, &name)) return false;
  int64_t n = name ? name->len : 0;
  const char *p = name ? name->data : "";
  for (*k = 0; *k < t->data->nvariants; ++*k) {
    const char *vn = t->data->variants[*k].name;
    if ((int64_t)strlen(vn) == n && !memcmp(vn, p, (size_t)n)) break;
  }
  bool ok = *k < t->data->nvariants;
  if (!ok)
    failf(d, "json: unknown variant \"%.*s%s\" of %s at offset %lld", (int)(n > 40 ? 40 : n), p, n > 40 ? "..." : "",
          t->data->name, (long long)at);
  rt_release(name);
  return ok;
}

/* An enum value: "Name" (a variant without fields) or {"Name": {fields}}. */
static bool dec_variant(jdec *d, const rt_type *t, rt_word *out) {
  uint32_t k;
  if (d->s[d->i] == '"') {
    int64_t at = d->i;
    if (!variant_name(d, t, &k)) return false;
    const rt_variant *v = &t->data->variants[k];
    if (v->nfields)
      return failf(d, "json: variant %s of %s has fields: expected {\"%s\": {...}} at offset %lld", v->name,
                   t->data->name, v->name, (long long)at);
    *out = rt_data_unit(t, k);
    return true;
  }
  d->i++; /* { */
  skip_ws(d);
  if (d->i >= d->n || d->s[d->i] != '"') return expected(d, "a variant's name");
  if (!variant_name(d, t, &k)) return false;
  skip_ws(d);
  if (d->i >= d->n || d->s[d->i] != ':') return expected(d, "':'");
  d->i++;
  skip_ws(d);
  if (d->i >= d->n || d->s[d->i] != '{') return expected(d, "an object of the variant's fields");
  if (!dec_fields(d, t, k, out)) return false;
  skip_ws(d);
  if (d->i >= d->n || d->s[d->i] != '}') {
    rt_word_release(*out, t);
    return expected(d, "'}' (a variant is an object of one key)");
  }
  d->i++;
  return true;
}

/* A value of type t at d->i (after white space) into *out, owned.  t == NULL (and
 * out == NULL): only check the syntax. */
static bool dec_value(jdec *d, const rt_type *t, rt_word *out) {
  skip_ws(d);
  if (d->i >= d->n) return expected(d, t ? want_name(t) : "a value");
  unsigned char c = d->s[d->i];
  unsigned kind = t ? t->kind : 0;
  switch (c) {
  case '"': {
    if (t && kind == RT_T_ENUM) return dec_variant(d, t, out);
    if (t && kind != RT_T_STRING) break;
    rt_str *str = NULL;
    if (!dec_string(d, out ? &str : NULL)) return false;
    if (out) *out = (rt_word)(uintptr_t)str;
    return true;
  }
  case '[':
  case '{': {
    bool data = c == '{' && (kind == RT_T_RECORD || kind == RT_T_ENUM);
    if (t && kind != (c == '[' ? RT_T_LIST : RT_T_MAP) && !data) break;
    if (++d->depth > JSON_MAX_DEPTH)
      return failf(d, "json: nesting deeper than %d levels at offset %lld", JSON_MAX_DEPTH, (long long)d->i);
    if (RT_UNLIKELY(rt_stack_low())) { /* called deep in a recursion: no room for ours */
      d->no_stack = true;
      return failf(d, "stack overflow");
    }
    bool ok = data ? (kind == RT_T_RECORD ? dec_fields(d, t, 0, out) : dec_variant(d, t, out))
              : c == '[' ? dec_array(d, t, out) : dec_object(d, t, out);
    d->depth--;
    return ok;
  }
  case 't':
  case 'f':
    if (!word_at(d, d->i, c == 't' ? "true" : "false")) return expected(d, t ? want_name(t) : "a value");
    if (t && kind != RT_T_BOOL) break;
    d->i += c == 't' ? 4 : 5;
    if (out) *out = c == 't';
    return true;
  case 'n':
    if (!word_at(d, d->i, "null")) return expected(d, t ? want_name(t) : "a value");
    d->i += 4;
    if (out) *out = 0; /* the zero value of every type */
    return true;
  default:
    if (c == '-' || (c >= '0' && c <= '9')) {
      if (t && kind != RT_T_INT && kind != RT_T_FLOAT) break;
      return dec_number(d, t, out);
    }
    return expected(d, t ? want_name(t) : "a value");
  }
  return expected(d, want_name(t)); /* a value of another type */
}

/* The whole text as one value of type t (NULL: only check); false with d->err. */
static bool dec_text(jdec *d, rt_str *text, const rt_type *t, rt_word *out) {
  pthread_once(&plain_once, init_plain);
  d->s = text ? (const unsigned char *)text->data : (const unsigned char *)"";
  d->n = text ? text->len : 0;
  if (!dec_value(d, t, out)) return false;
  skip_ws(d);
  if (d->i < d->n) {
    if (out) rt_word_release(*out, t);
    return expected(d, "the end of the text");
  }
  return true;
}

rt_word actor_std_json_decode(rt_str *text, const rt_type *want, const char *pos) {
  char buf[128];
  const char *what = non_json(want, buf);
  if (what) {
    char msg[160];
    snprintf(msg, sizeof msg, "json: cannot decode %s", what);
    rt_fail(msg, pos);
  }
  jdec d = {0};
  rt_word v = 0;
  if (!dec_text(&d, text, want, &v)) rt_fail(d.err, pos);
  return v;
}

/* json_valid and json_error cannot answer without the stack to look: they fail. */
bool actor_std_json_valid(rt_str *text) {
  jdec d = {0};
  bool ok = dec_text(&d, text, NULL, NULL);
  if (d.no_stack) rt_fail(d.err, NULL);
  return ok;
}

rt_str *actor_std_json_error(rt_str *text) {
  jdec d = {0};
  if (dec_text(&d, text, NULL, NULL)) return NULL;
  if (d.no_stack) rt_fail(d.err, NULL);
  return rt_str_new(d.err, (int64_t)strlen(d.err));
}

/* test_json.c — std.json's C half (stdlib/json.c) on its own, outside any
 * actor: encoding of every type, the Float text checked against rt_str_of_float on
 * millions of doubles, decoding into every type, each failure reason with its offset,
 * UTF-8 and \u escapes, nesting limits, null, map keys, and a 1 MB document each way
 * (timed; the times are printed).  Failures are caught with rt_fail_catch; run under
 * ASan/LSan (make test-rt-asan) it also shows nothing leaks on the failure paths. */
#include "rt_test.h"
#include "actor_std.h"

#include <math.h>
#include <time.h>

static const rt_type t_li = {.kind = RT_T_LIST, .a = &rt_type_int};
static const rt_type t_lf = {.kind = RT_T_LIST, .a = &rt_type_float};
static const rt_type t_ls = {.kind = RT_T_LIST, .a = &rt_type_string};
static const rt_type t_lli = {.kind = RT_T_LIST, .a = &t_li};
static const rt_type t_msi = {.kind = RT_T_MAP, .a = &rt_type_string, .b = &rt_type_int};
static const rt_type t_mis = {.kind = RT_T_MAP, .a = &rt_type_int, .b = &rt_type_string};
static const rt_type t_mbi = {.kind = RT_T_MAP, .a = &rt_type_bool, .b = &rt_type_int};
static const rt_type t_msli = {.kind = RT_T_MAP, .a = &rt_type_string, .b = &t_li};
static const rt_type t_lmsi = {.kind = RT_T_LIST, .a = &t_msi};
static const rt_type t_la = {.kind = RT_T_LIST, .a = &rt_type_actor};
static const rt_type t_mst = {.kind = RT_T_MAP, .a = &rt_type_string, .b = &rt_type_timer};

static rt_str *S(const char *s) { return rt_str_new(s, (int64_t)strlen(s)); }
static rt_word W(double x) {
  rt_word w;
  memcpy(&w, &x, sizeof w);
  return w;
}

/* ---- catching failures ------------------------------------------------------------- */

typedef struct call {
  int op; /* 0 decode, 1 encode, 2 pretty */
  rt_str *text;
  const rt_type *t;
  rt_word v;   /* encode's input */
  rt_word out; /* decode's result */
  rt_str *str; /* encode's result */
} call;

static void run_call(void *p) {
  call *c = p;
  if (c->op == 0)
    c->out = actor_std_json_decode(c->text, c->t, "t.actor:1:1");
  else if (c->op == 1)
    c->str = actor_std_json_encode(c->v, c->t);
  else
    c->str = actor_std_json_pretty(c->v, c->t);
}

static char last_reason[400];

/* Decodes text as t; on success compares the printed form with `shown`, on failure the
 * reason with `why` (exactly one of them is non-NULL). */
static void decode_is(const char *text, int64_t len, const rt_type *t, const char *shown, const char *why, int line) {
  call c = {0, rt_str_new(text, len), t, 0, 0, NULL};
  bool ok = rt_fail_catch(run_call, &c, last_reason, sizeof last_reason);
  if (ok && shown) {
    rt_str *s = rt_str_of(c.out, t);
    bool same = strcmp(s ? s->data : "", shown) == 0;
    if (same)
      atomic_fetch_add(&t_passed, 1);
    else {
      atomic_fetch_add(&t_failed, 1);
      fprintf(stderr, "test_json.c:%d: decoded %s, want %s\n", line, s ? s->data : "", shown);
    }
    rt_release(s);
  } else if (!ok && why) {
    if (strcmp(last_reason, why) == 0)
      atomic_fetch_add(&t_passed, 1);
    else {
      atomic_fetch_add(&t_failed, 1);
      fprintf(stderr, "test_json.c:%d: failed with \"%s\", want \"%s\"\n", line, last_reason, why);
    }
  } else {
    atomic_fetch_add(&t_failed, 1);
    fprintf(stderr, "test_json.c:%d: %s (%s)\n", line, ok ? "decoded, want a failure" : "failed", ok ? why : last_reason);
  }
  if (ok) rt_word_release(c.out, t);
  rt_release(c.text);
}
#define DEC(text, t, shown) decode_is((text), (int64_t)strlen(text), (t), (shown), NULL, __LINE__)
#define DEC_N(text, n, t, shown) decode_is((text), (n), (t), (shown), NULL, __LINE__)
#define BAD(text, t, why) decode_is((text), (int64_t)strlen(text), (t), NULL, (why), __LINE__)
#define BAD_N(text, n, t, why) decode_is((text), (n), (t), NULL, (why), __LINE__)

/* Encodes v (of type t); compares the text with `want` or the reason with `why`. */
static void encode_is(int op, rt_word v, const rt_type *t, const char *want, const char *why, int line) {
  call c = {op, NULL, t, v, 0, NULL};
  bool ok = rt_fail_catch(run_call, &c, last_reason, sizeof last_reason);
  const char *got = ok ? (c.str ? c.str->data : "") : last_reason;
  const char *exp = ok ? want : why;
  if (exp && strcmp(got, exp) == 0)
    atomic_fetch_add(&t_passed, 1);
  else {
    atomic_fetch_add(&t_failed, 1);
    fprintf(stderr, "test_json.c:%d: %s \"%s\", want %s \"%s\"\n", line, ok ? "encoded" : "failed with", got,
            want ? "text" : "failure", want ? want : why);
  }
  rt_release(c.str);
}
#define ENC(v, t, want) encode_is(1, (v), (t), (want), NULL, __LINE__)
#define ENC_BAD(v, t, why) encode_is(1, (v), (t), NULL, (why), __LINE__)
#define PRETTY(v, t, want) encode_is(2, (v), (t), (want), NULL, __LINE__)

static rt_list *ints(int n, const int64_t *xs) {
  rt_list *l = NULL;
  for (int i = 0; i < n; i++) rt_list_push(&l, &t_li, (rt_word)xs[i]);
  return l;
}

/* ---- encoding ---------------------------------------------------------------------- */

static void test_encode_scalars(void) {
  ENC(0, &rt_type_int, "0");
  ENC((rt_word)-42, &rt_type_int, "-42");
  ENC((rt_word)INT64_MIN, &rt_type_int, "-9223372036854775808");
  ENC((rt_word)INT64_MAX, &rt_type_int, "9223372036854775807");
  ENC(1, &rt_type_bool, "true");
  ENC(0, &rt_type_bool, "false");
  ENC(W(2.5), &rt_type_float, "2.5");
  ENC(W(5.0), &rt_type_float, "5.0");
  ENC(W(-0.0), &rt_type_float, "-0.0");
  ENC(W(0.1 + 0.2), &rt_type_float, "0.30000000000000004");
  ENC(W(1e16), &rt_type_float, "1e+16");
  ENC(W(1.5e-7), &rt_type_float, "1.5e-07");
  ENC(W(1e-4), &rt_type_float, "0.0001");
  ENC(W(123456789012345.6), &rt_type_float, "123456789012345.6");
  ENC(W(5e-324), &rt_type_float, "5e-324");
  ENC(W(1.7976931348623157e308), &rt_type_float, "1.7976931348623157e+308");
  ENC_BAD(W(NAN), &rt_type_float, "json: cannot encode nan (JSON numbers are finite)");
  ENC_BAD(W(INFINITY), &rt_type_float, "json: cannot encode inf (JSON numbers are finite)");
  ENC_BAD(W(-INFINITY), &rt_type_float, "json: cannot encode -inf (JSON numbers are finite)");
}

static void test_encode_strings(void) {
  rt_str *s = S("plain");
  ENC((rt_word)(uintptr_t)s, &rt_type_string, "\"plain\"");
  rt_release(s);
  ENC(0, &rt_type_string, "\"\"");
  s = S("q\" b\\ n\n r\r t\t b\b f\f \x01 \x1f \x7f / é €");
  ENC((rt_word)(uintptr_t)s, &rt_type_string, "\"q\\\" b\\\\ n\\n r\\r t\\t b\\b f\\f \\u0001 \\u001f \x7f / é €\"");
  rt_release(s);
  s = rt_str_new("a\0b", 3);
  ENC((rt_word)(uintptr_t)s, &rt_type_string, "\"a\\u0000b\"");
  rt_release(s);
  s = S("😀 \xf4\x8f\xbf\xbf");
  ENC((rt_word)(uintptr_t)s, &rt_type_string, "\"😀 \xf4\x8f\xbf\xbf\"");
  rt_release(s);
  const char *bad[] = {"ab\xff", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82", "x\x80"};
  const char *why[] = {
      "json: cannot encode a string that is not UTF-8 (byte 2)", "json: cannot encode a string that is not UTF-8 (byte 0)",
      "json: cannot encode a string that is not UTF-8 (byte 0)", "json: cannot encode a string that is not UTF-8 (byte 0)",
      "json: cannot encode a string that is not UTF-8 (byte 0)", "json: cannot encode a string that is not UTF-8 (byte 1)"};
  for (int i = 0; i < 6; i++) {
    s = S(bad[i]);
    ENC_BAD((rt_word)(uintptr_t)s, &rt_type_string, why[i]);
    rt_release(s);
  }
}

static void test_encode_containers(void) {
  int64_t xs[] = {1, -2, 3};
  rt_list *l = ints(3, xs);
  ENC((rt_word)(uintptr_t)l, &t_li, "[1,-2,3]");
  PRETTY((rt_word)(uintptr_t)l, &t_li, "[\n  1,\n  -2,\n  3\n]");
  ENC(0, &t_li, "[]");
  PRETTY(0, &t_li, "[]");

  rt_map *m = NULL;
  rt_map_set(&m, &t_msli, (rt_word)(uintptr_t)S("b"), (rt_word)(uintptr_t)l); /* l moves into m */
  rt_map_set(&m, &t_msli, (rt_word)(uintptr_t)S("a \"quoted\""), 0);
  ENC((rt_word)(uintptr_t)m, &t_msli, "{\"b\":[1,-2,3],\"a \\\"quoted\\\"\":[]}");
  PRETTY((rt_word)(uintptr_t)m, &t_msli, "{\n  \"b\": [\n    1,\n    -2,\n    3\n  ],\n  \"a \\\"quoted\\\"\": []\n}");
  rt_release(m);
  ENC(0, &t_msi, "{}");
  PRETTY(0, &t_msi, "{}");

  m = NULL;
  rt_map_set(&m, &t_mis, (rt_word)-7, (rt_word)(uintptr_t)S("x"));
  rt_map_set(&m, &t_mis, 12, 0);
  ENC((rt_word)(uintptr_t)m, &t_mis, "{\"-7\":\"x\",\"12\":\"\"}");
  rt_release(m);
  m = NULL;
  rt_map_set(&m, &t_mbi, 1, 1);
  rt_map_set(&m, &t_mbi, 0, 2);
  ENC((rt_word)(uintptr_t)m, &t_mbi, "{\"true\":1,\"false\":2}");
  rt_release(m);

  rt_list *fl = NULL;
  rt_list_push(&fl, &t_lf, W(1.0));
  rt_list_push(&fl, &t_lf, W(NAN));
  ENC_BAD((rt_word)(uintptr_t)fl, &t_lf, "json: cannot encode nan (JSON numbers are finite)");
  rt_release(fl);

  ENC_BAD(0, &t_la, "json: cannot encode an actor reference");
  ENC_BAD(0, &t_mst, "json: cannot encode a Timer");
  BAD("[]", &t_la, "json: cannot decode an actor reference");
}

/* The Float text against rt_str_of_float (Python's repr, rt_fmt.c). */
static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static int float_mismatches;
static void float_same(double x) {
  if (!isfinite(x)) return;
  rt_str *want = rt_str_of_float(x);
  call c = {1, NULL, &rt_type_float, W(x), 0, NULL};
  bool ok = rt_fail_catch(run_call, &c, last_reason, sizeof last_reason);
  if (!ok || !rt_str_eq(want, c.str)) {
    if (float_mismatches++ < 10)
      fprintf(stderr, "test_json.c: %.17g: json %s, repr %s\n", x, ok && c.str ? c.str->data : last_reason, want->data);
  }
  rt_release(want);
  rt_release(c.str);
}

static void test_float_text(void) {
  long n = t_scale(100000);
  for (long i = 0; i < n; i++) {
    uint64_t bits = next();
    double x;
    memcpy(&x, &bits, sizeof x);
    float_same(x);
    float_same((double)(int64_t)(next() % 2000001) / 1000.0 - 1000.0); /* 3 decimals */
    float_same((double)(next() % 100000) / 100.0);                        /* 2 decimals */
    float_same((double)(next() >> 11) / 9007199254740992.0 * 1000.0);    /* 15-17 digits */
    float_same((double)(next() % 1000000) * pow(10, (int)(next() % 40) - 20));
  }
  for (int e = -1074; e <= 1023; e++) {
    float_same(ldexp(1, e));
    float_same(nextafter(ldexp(1, e), 0));
    float_same(nextafter(ldexp(1, e), INFINITY));
  }
  for (int e = -330; e <= 310; e++) {
    float_same(pow(10, e));
    float_same(1.5 * pow(10, e));
  }
  for (int i = 0; i < 100000; i++) float_same(i / 8.0);
  CHECK_EQ(float_mismatches, 0);
}

/* ---- decoding ---------------------------------------------------------------------- */

static void test_decode_values(void) {
  DEC("42", &rt_type_int, "42");
  DEC(" \t\r\n-7 \n", &rt_type_int, "-7");
  DEC("-9223372036854775808", &rt_type_int, "-9223372036854775808");
  DEC("9223372036854775807", &rt_type_int, "9223372036854775807");
  DEC("1e3", &rt_type_int, "1000");
  DEC("2.000", &rt_type_int, "2");
  DEC("1.5e1", &rt_type_int, "15");
  DEC("-0", &rt_type_int, "0");
  DEC("0.0e5", &rt_type_int, "0");
  DEC("922337203685477580.7e1", &rt_type_int, "9223372036854775807");
  DEC("1.5", &rt_type_float, "1.5");
  DEC("3", &rt_type_float, "3.0");
  DEC("-0", &rt_type_float, "-0.0");
  DEC("1E-2", &rt_type_float, "0.01");
  DEC("0.30000000000000004", &rt_type_float, "0.30000000000000004");
  DEC("1.7976931348623157e308", &rt_type_float, "1.7976931348623157e+308");
  DEC("4.9406564584124654e-324", &rt_type_float, "5e-324");
  DEC("1e-400", &rt_type_float, "0.0");
  DEC("123456789012345678901234567890", &rt_type_float, "1.2345678901234568e+29");
  DEC("0.1000000000000000055511151231257827021181583404541015625", &rt_type_float, "0.1");
  DEC("true", &rt_type_bool, "true");
  DEC("false", &rt_type_bool, "false");
  DEC("\"hi\"", &rt_type_string, "hi");
  DEC("\"\"", &rt_type_string, "");
  DEC("[1, 2 ,3]", &t_li, "[1, 2, 3]");
  DEC("[]", &t_li, "[]");
  DEC("[[1], [], [2, 3]]", &t_lli, "[[1], [], [2, 3]]");
  DEC("[1.5, 2, -3e2]", &t_lf, "[1.5, 2.0, -300.0]");
  DEC("{\"a\": 1, \"b\": 2}", &t_msi, "{\"a\": 1, \"b\": 2}");
  DEC("{}", &t_msi, "{}");
  DEC("{\"a\": 1, \"b\": 2, \"a\": 3}", &t_msi, "{\"a\": 3, \"b\": 2}"); /* last wins, first place */
  DEC("{\"x\": [1, 2], \"y\": []}", &t_msli, "{\"x\": [1, 2], \"y\": []}");
  DEC("[{\"a\": 1}, {}]", &t_lmsi, "[{\"a\": 1}, {}]");
  DEC("{\"1\": \"one\", \"-20\": \"minus twenty\"}", &t_mis, "{1: \"one\", -20: \"minus twenty\"}");
  DEC("{\"true\": 1, \"false\": 0}", &t_mbi, "{true: 1, false: 0}");
  /* null is the zero value */
  DEC("null", &rt_type_int, "0");
  DEC("null", &rt_type_string, "");
  DEC("[1, null, 3]", &t_li, "[1, 0, 3]");
  DEC("{\"a\": null}", &t_msli, "{\"a\": []}");
  DEC("null", &t_msi, "{}");
}

static void test_decode_strings(void) {
  DEC("\"\\\" \\\\ \\/ \\b\\f\\n\\r\\t\"", &rt_type_string, "\" \\ / \b\f\n\r\t");
  DEC("\"\\u0041\\u00e9\\u20AC\"", &rt_type_string, "Aé€");
  DEC("\"\\ud83d\\ude00 x\"", &rt_type_string, "😀 x");
  DEC("\"é € 😀\"", &rt_type_string, "é € 😀");
  DEC_N("\"a\\u0000b\"", 10, &rt_type_string, "a"); /* a NUL inside; printed by C up to it */
  BAD("\"abc", &rt_type_string, "json: unterminated string at offset 0");
  BAD("[\"abc\\", &t_ls, "json: unterminated string at offset 1");
  BAD("\"a\nb\"", &rt_type_string, "json: control character in a string at offset 2 (write it as an escape)");
  BAD("\"a\\x\"", &rt_type_string, "json: invalid escape \\x at offset 2");
  BAD("\"\\u12\"", &rt_type_string, "json: invalid \\u escape at offset 1 (four hex digits wanted)");
  BAD("\"\\u12G4\"", &rt_type_string, "json: invalid \\u escape at offset 1 (four hex digits wanted)");
  BAD("\"ab\\ud800\"", &rt_type_string, "json: lone surrogate \\uD800 at offset 3");
  BAD("\"\\ud800\\u0041\"", &rt_type_string, "json: lone surrogate \\uD800 at offset 1");
  BAD("\"\\udc00\"", &rt_type_string, "json: lone surrogate \\uDC00 at offset 1");
  BAD("\"\xff\"", &rt_type_string, "json: invalid UTF-8 in a string at offset 1");
  BAD("\"\xc0\xaf\"", &rt_type_string, "json: invalid UTF-8 in a string at offset 1");        /* overlong / */
  BAD("\"\xe0\x80\xaf\"", &rt_type_string, "json: invalid UTF-8 in a string at offset 1");    /* overlong */
  BAD("\"\xed\xa0\x80\"", &rt_type_string, "json: invalid UTF-8 in a string at offset 1");    /* surrogate */
  BAD("\"\xf4\x90\x80\x80\"", &rt_type_string, "json: invalid UTF-8 in a string at offset 1"); /* > U+10FFFF */
  BAD("\"ok \xe2\x82\"", &rt_type_string, "json: invalid UTF-8 in a string at offset 4");     /* cut short */
  BAD("[\xc3\xa9]", &t_ls, "json: expected a string at offset 1, found byte 0xC3");
}

static void test_decode_errors(void) {
  BAD("", &rt_type_int, "json: expected an integer at offset 0, found the end of the text");
  BAD("   ", &t_li, "json: expected an array at offset 3, found the end of the text");
  BAD("[1, 2", &t_li, "json: expected ',' or ']' at offset 5, found the end of the text");
  BAD("[1 2]", &t_li, "json: expected ',' or ']' at offset 3, found a number");
  BAD("[1,]", &t_li, "json: expected an integer at offset 3, found ']'");
  BAD("{\"a\" 1}", &t_msi, "json: expected ':' at offset 5, found a number");
  BAD("{\"a\": 1,}", &t_msi, "json: expected a string key at offset 8, found '}'");
  BAD("{a: 1}", &t_msi, "json: expected a string key at offset 1, found 'a'");
  BAD("{\"a\": 1 \"b\": 2}", &t_msi, "json: expected ',' or '}' at offset 8, found a string");
  BAD("[1] x", &t_li, "json: expected the end of the text at offset 4, found 'x'");
  BAD("1 2", &rt_type_int, "json: expected the end of the text at offset 2, found a number");
  BAD("tru", &rt_type_bool, "json: expected true or false at offset 0, found 't'");
  BAD("nul", &rt_type_int, "json: expected an integer at offset 0, found 'n'");
  BAD("True", &rt_type_bool, "json: expected true or false at offset 0, found 'T'");
  /* the wrong type */
  BAD("  {\"a\": 1}", &t_li, "json: expected an array at offset 2, found an object");
  BAD("[1, \"2\"]", &t_li, "json: expected an integer at offset 4, found a string");
  BAD("[1, true]", &t_lf, "json: expected a number at offset 4, found true");
  BAD("\"x\"", &rt_type_bool, "json: expected true or false at offset 0, found a string");
  BAD("5", &rt_type_string, "json: expected a string at offset 0, found a number");
  BAD("[[1], 2]", &t_lli, "json: expected an array at offset 6, found a number");
  BAD("{\"a\": [1, 2.5]}", &t_msli, "json: expected an integer at offset 10, found 2.5");
  BAD("[]", &t_msi, "json: expected an object at offset 0, found an array");
  /* numbers */
  BAD("01", &rt_type_int, "json: invalid number at offset 0 (no leading zeros)");
  BAD("-", &rt_type_int, "json: invalid number at offset 0");
  BAD("1.", &rt_type_float, "json: invalid number at offset 0");
  BAD("1.e5", &rt_type_float, "json: invalid number at offset 0");
  BAD("1e", &rt_type_float, "json: invalid number at offset 0");
  BAD("[1e+]", &t_lf, "json: invalid number at offset 1");
  BAD(".5", &rt_type_float, "json: expected a number at offset 0, found '.'");
  BAD("+1", &rt_type_int, "json: expected an integer at offset 0, found '+'");
  BAD("NaN", &rt_type_float, "json: expected a number at offset 0, found 'N'");
  BAD("1.5", &rt_type_int, "json: expected an integer at offset 0, found 1.5");
  BAD("1e-1", &rt_type_int, "json: expected an integer at offset 0, found 1e-1");
  BAD("9223372036854775808", &rt_type_int, "json: integer out of range at offset 0 (found 9223372036854775808)");
  BAD("-9223372036854775809", &rt_type_int, "json: integer out of range at offset 0 (found -9223372036854775809)");
  BAD("1e19", &rt_type_int, "json: integer out of range at offset 0 (found 1e19)");
  BAD("1e999999999999", &rt_type_int, "json: integer out of range at offset 0 (found 1e999999999999)");
  BAD("[1e400]", &t_lf, "json: number out of range at offset 1");
  BAD("-1e400", &rt_type_float, "json: number out of range at offset 0");
  /* keys */
  BAD("{\"1x\": \"a\"}", &t_mis, "json: expected an integer key at offset 1, found \"1x\"");
  BAD("{\"99999999999999999999\": \"a\"}", &t_mis,
      "json: expected an integer key at offset 1, found \"99999999999999999999\"");
  BAD("{\"yes\": 1}", &t_mbi, "json: expected a true or false key at offset 1, found \"yes\"");
  BAD("{\"1\": \"a\", \"2\": 3}", &t_mis, "json: expected a string at offset 16, found a number");
  /* the text's own bytes */
  BAD_N("[1,\0 2]", 7, &t_li, "json: expected an integer at offset 3, found byte 0x00");
  BAD("\xef\xbb\xbf[]", &t_li, "json: expected an array at offset 0, found byte 0xEF"); /* no BOM */
}

static void test_nesting(void) {
  /* 1000 levels are fine, 1001 are not; much deeper text fails the same way */
  int n = 100000;
  char *deep = malloc((size_t)n * 2 + 1);
  for (int i = 0; i < n; i++) deep[i] = '[', deep[2 * n - 1 - i] = ']';
  deep[2 * n] = 0;
  rt_str *t1000 = rt_str_new(deep + n - 1000, 2000), *t1001 = rt_str_new(deep + n - 1001, 2002),
         *tall = rt_str_new(deep, 2 * n);
  CHECK(actor_std_json_valid(t1000));
  CHECK(!actor_std_json_valid(t1001));
  CHECK(!actor_std_json_valid(tall));
  rt_str *why = actor_std_json_error(tall);
  CHECK(why && strcmp(why->data, "json: nesting deeper than 1000 levels at offset 1000") == 0);
  rt_release(why);
  why = actor_std_json_error(t1000);
  CHECK(why == NULL);
  BAD_N(deep, 2 * n, &t_lli, "json: expected an integer at offset 2, found an array");
  rt_release(t1000), rt_release(t1001), rt_release(tall);
  /* objects too */
  rt_buf b = {0};
  for (int i = 0; i < 2000; i++) rt_buf_puts(&b, "{\"a\":");
  rt_str *objs = rt_buf_finish(&b);
  why = actor_std_json_error(objs);
  CHECK(why && strcmp(why->data, "json: nesting deeper than 1000 levels at offset 5000") == 0);
  rt_release(why);
  rt_release(objs);
  free(deep);
}

static void test_valid(void) {
  const char *good[] = {"0", "-0.5e-3", "\"\"", "[]", "{}", " [1, {\"a\": [true, false, null]}, \"x\"] ",
                        "{\"\\ud83d\\ude00\": \"\\\\\"}", "1E+2"};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    rt_str *s = S(good[i]);
    CHECK(actor_std_json_valid(s));
    rt_release(s);
  }
  const char *bad[] = {"", "[", "]", "{\"a\"}", "[1,]", "01", "\"\\u00\"", "nul", "[] []", "{\"a\":1,}", "'x'"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    rt_str *s = S(bad[i]);
    CHECK(!actor_std_json_valid(s));
    rt_str *why = actor_std_json_error(s);
    CHECK(why && strncmp(why->data, "json: ", 6) == 0);
    rt_release(why);
    rt_release(s);
  }
  rt_str *e = actor_std_json_error(NULL);
  CHECK(e && strcmp(e->data, "json: expected a value at offset 0, found the end of the text") == 0);
  rt_release(e);
}

/* Round trips: decode(encode(v)) == v and encode(decode(text)) == text. */
static void test_round_trip(void) {
  const char *texts[] = {"[[1,2],[],[-3]]", "{\"k\":[1,2,3],\"\":[],\"\\n\\u0001\":[4]}"};
  const rt_type *types[] = {&t_lli, &t_msli};
  for (int i = 0; i < 2; i++) {
    rt_str *t = S(texts[i]);
    call c = {0, t, types[i], 0, 0, NULL};
    CHECK(rt_fail_catch(run_call, &c, NULL, 0));
    rt_str *back = actor_std_json_encode(c.out, types[i]);
    CHECK(rt_str_eq(back, t));
    rt_release(back);
    rt_word_release(c.out, types[i]);
    rt_release(t);
  }
}

/* ---- a 1 MB document each way ------------------------------------------------------ */

static double secs(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const rt_type t_mss = {.kind = RT_T_MAP, .a = &rt_type_string, .b = &rt_type_string};
static const rt_type t_lmss = {.kind = RT_T_LIST, .a = &t_mss};

static void test_big(void) {
  /* records of strings, ints and floats: [{"id": "...", "n": "...", ...}] as text */
  rt_buf b = {0};
  rt_buf_putc(&b, '[');
  int records = 0;
  while (b.len < (1 << 20)) {
    if (records) rt_buf_putc(&b, ',');
    char rec[200];
    int n = snprintf(rec, sizeof rec, "{\"id\":\"device-%d\",\"place\":\"hall é %d\",\"note\":\"ok\\n\"}", records,
                     records % 97);
    rt_buf_put(&b, rec, n);
    records++;
  }
  rt_buf_putc(&b, ']');
  rt_str *text = rt_buf_finish(&b);
  double t0 = secs();
  call c = {0, text, &t_lmss, 0, 0, NULL};
  CHECK(rt_fail_catch(run_call, &c, NULL, 0));
  double t1 = secs();
  rt_str *back = actor_std_json_encode(c.out, &t_lmss);
  double t2 = secs();
  CHECK(rt_str_eq(back, text));
  CHECK_EQ(rt_list_len((rt_list *)(uintptr_t)c.out), records);
  printf("1 MB of objects (%d records): decode %.1f ms, encode %.1f ms\n", records, (t1 - t0) * 1e3, (t2 - t1) * 1e3);
  rt_release(back);
  rt_word_release(c.out, &t_lmss);
  rt_release(text);

  /* floats and ints */
  rt_list *fl = NULL, *il = NULL;
  for (int i = 0; i < 60000; i++) {
    rt_list_push(&fl, &t_lf, W((double)(next() % 1000000) / 100.0));
    rt_list_push(&il, &t_li, (rt_word)(next() % 1000000000000ull));
  }
  t0 = secs();
  rt_str *ft = actor_std_json_encode((rt_word)(uintptr_t)fl, &t_lf), *it = actor_std_json_encode((rt_word)(uintptr_t)il, &t_li);
  t1 = secs();
  call cf = {0, ft, &t_lf, 0, 0, NULL}, ci = {0, it, &t_li, 0, 0, NULL};
  CHECK(rt_fail_catch(run_call, &cf, NULL, 0));
  CHECK(rt_fail_catch(run_call, &ci, NULL, 0));
  t2 = secs();
  CHECK(rt_eq(cf.out, (rt_word)(uintptr_t)fl, &t_lf));
  CHECK(rt_eq(ci.out, (rt_word)(uintptr_t)il, &t_li));
  printf("%lld bytes of numbers (60000 floats, 60000 ints): encode %.1f ms, decode %.1f ms\n",
         (long long)(ft->len + it->len), (t1 - t0) * 1e3, (t2 - t1) * 1e3);
  rt_word_release(cf.out, &t_lf);
  rt_word_release(ci.out, &t_li);
  rt_release(ft), rt_release(it), rt_release(fl), rt_release(il);

  /* 17-digit floats: the slowest kind */
  fl = NULL;
  for (int i = 0; i < 50000; i++) rt_list_push(&fl, &t_lf, W((double)(next() >> 11) / 9007199254740992.0));
  t0 = secs();
  ft = actor_std_json_encode((rt_word)(uintptr_t)fl, &t_lf);
  t1 = secs();
  cf = (call){0, ft, &t_lf, 0, 0, NULL};
  CHECK(rt_fail_catch(run_call, &cf, NULL, 0));
  t2 = secs();
  CHECK(rt_eq(cf.out, (rt_word)(uintptr_t)fl, &t_lf));
  printf("%lld bytes of 17-digit floats (50000): encode %.1f ms, decode %.1f ms\n", (long long)ft->len,
         (t1 - t0) * 1e3, (t2 - t1) * 1e3);
  rt_word_release(cf.out, &t_lf);
  rt_release(ft), rt_release(fl);
}

int main(void) {
  test_encode_scalars();
  test_encode_strings();
  test_encode_containers();
  test_float_text();
  test_decode_values();
  test_decode_strings();
  test_decode_errors();
  test_nesting();
  test_valid();
  test_round_trip();
  test_big();
  return t_finish("test_json");
}

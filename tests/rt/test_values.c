/* test_values.c — unit tests for the value library (runtime/values: rt_str.c,
 * rt_fmt.c, rt_list.c, rt_map.c, rt_data.c, rt_conv.c, rt_value.c), linked with runtime/base
 * alone and tests/rt/stub_core.c in place of what the core registers: so it also
 * shows that the value library needs nothing from the layers above.  Failures unwind
 * to a guard in the test, as they do to a worker's in a program.  Prints "test_values: N passed, N failed" and exits 1 on any failure.
 * Meant to be run under valgrind --leak-check=full (or built with ASan): every test
 * releases what it makes, failure paths included. */
#include "values/rt_values.h"

#include <inttypes.h>
#include <malloc.h>
#include <math.h>
#include <setjmp.h>
#include <unistd.h>

/* ---- stub_core.c ----------------------------------------------------------------- */

void stub_core_init(void);
extern char stub_fail_reason[1024];
extern char stub_fail_pos[128];
extern int stub_actors_freed, stub_timers_freed;
rt_actor *stub_actor_new(const char *kind, uint64_t number);
struct rt_timer *stub_timer_new(uint64_t number);

/* ---- harness --------------------------------------------------------------------- */

static int passed, failed;

static void check(bool ok, int line, const char *what) {
  if (ok) {
    passed++;
  } else {
    failed++;
    fprintf(stderr, "test_values.c:%d: FAILED: %s\n", line, what);
  }
}
#define CHECK(c) check((c), __LINE__, #c)

/* Compares s (owned: released here) with exp. */
static void check_str(rt_str *s, const char *exp, int line) {
  int64_t n = s ? s->len : 0;
  bool ok = n == (int64_t)strlen(exp) && memcmp(s ? s->data : "", exp, (size_t)n) == 0 &&
            (!s || s->data[n] == 0);
  if (ok) {
    passed++;
  } else {
    failed++;
    fprintf(stderr, "test_values.c:%d: FAILED: got \"%.*s\", expected \"%s\"\n", line, (int)n,
            s ? s->data : "", exp);
  }
  rt_release(s);
}
#define CHECK_STR(s, exp) check_str((s), (exp), __LINE__)
#define CHECK_SHOW(v, t, exp) check_str(rt_str_of((v), (t)), (exp), __LINE__)

#define POS "t.actor:1:2"

static void check_reason(const char *why, int line) {
  bool ok = strcmp(stub_fail_reason, why) == 0 && strcmp(stub_fail_pos, POS) == 0;
  if (ok) {
    passed++;
  } else {
    failed++;
    fprintf(stderr, "test_values.c:%d: FAILED: failed with \"%s\" at %s, expected \"%s\" at %s\n",
            line, stub_fail_reason, stub_fail_pos, why, POS);
  }
}

/* Runs stmt, which must call rt_fail(why, POS): the failure unwinds to a guard in
 * this frame, and the stub's reporter has recorded the reason and position. */
#define EXPECT_FAIL(stmt, why)                                                          \
  do {                                                                                 \
    rt_fail_guard g_;                                                                  \
    rt_fail_push(&g_, false);                                                          \
    if (setjmp(g_.jb) == 0) {                                                          \
      (void)(stmt);                                                                    \
      rt_fail_pop(&g_);                                                                \
      check(false, __LINE__, "expected a failure: " #stmt);                            \
    } else {                                                                           \
      rt_fail_pop(&g_);                                                                \
      rt_release(rt_fail_take_reason());                                               \
      check_reason((why), __LINE__);                                                   \
    }                                                                                  \
  } while (0)

/* Temporaries released at the end of each test (so checks can be one-liners). */
static void *temps[4096];
static int ntemps;
static void *tmp(void *obj) {
  if (ntemps == (int)(sizeof temps / sizeof temps[0])) abort();
  temps[ntemps++] = obj;
  return obj;
}
static void release_temps(void) {
  while (ntemps) rt_release(temps[--ntemps]);
}

/* A String temporary. */
static rt_str *S(const char *c) { return tmp(rt_str_new(c, (int64_t)strlen(c))); }
static inline rt_word W(const void *p) { return (rt_word)(uintptr_t)p; }
static inline rt_word Fw(double d) {
  rt_word w;
  memcpy(&w, &d, sizeof w);
  return w;
}
static inline double wF(rt_word w) {
  double d;
  memcpy(&d, &w, sizeof d);
  return d;
}
static inline rt_str *Ws(rt_word w) { return (rt_str *)(uintptr_t)w; }

/* Type descriptors, as the compiler would emit them. */
static const rt_type t_lint = {.kind = RT_T_LIST, .a = &rt_type_int};
static const rt_type t_lfloat = {.kind = RT_T_LIST, .a = &rt_type_float};
static const rt_type t_lbool = {.kind = RT_T_LIST, .a = &rt_type_bool};
static const rt_type t_lstr = {.kind = RT_T_LIST, .a = &rt_type_string};
static const rt_type t_llint = {.kind = RT_T_LIST, .a = &t_lint};
static const rt_type t_lactor = {.kind = RT_T_LIST, .a = &rt_type_actor};
static const rt_type t_ltimer = {.kind = RT_T_LIST, .a = &rt_type_timer};
static const rt_type t_m_si = {.kind = RT_T_MAP, .a = &rt_type_string, .b = &rt_type_int};
static const rt_type t_m_is = {.kind = RT_T_MAP, .a = &rt_type_int, .b = &rt_type_string};
static const rt_type t_m_ii = {.kind = RT_T_MAP, .a = &rt_type_int, .b = &rt_type_int};
static const rt_type t_m_bf = {.kind = RT_T_MAP, .a = &rt_type_bool, .b = &rt_type_float};
static const rt_type t_m_ai = {.kind = RT_T_MAP, .a = &rt_type_actor, .b = &rt_type_int};
static const rt_type t_m_sl = {.kind = RT_T_MAP, .a = &rt_type_string, .b = &t_lint};
static const rt_type t_lm_si = {.kind = RT_T_LIST, .a = &t_m_si};

/* A list of Ints from a literal array. */
static rt_list *ints(int64_t n, const int64_t *v) {
  return rt_list_from(&t_lint, n, (const rt_word *)v);
}
#define INTS(...) ints(sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t), (int64_t[]){__VA_ARGS__})

/* A list of Strings (new references) from C strings. */
static rt_list *strs(int n, const char *const *v) {
  rt_list *l = NULL;
  for (int i = 0; i < n; i++) rt_list_push(&l, &t_lstr, W(rt_str_new(v[i], (int64_t)strlen(v[i]))));
  return l;
}
#define STRS(...) strs(sizeof((const char *[]){__VA_ARGS__}) / sizeof(char *), (const char *[]){__VA_ARGS__})

static int64_t rc_of(void *obj) { return obj ? (int64_t)((rt_hdr *)obj)->rc : -1; }

/* A static String, as the compiler emits literals (rc RT_RC_STATIC, read-only). */
static const rt_str static_hello = RT_STATIC_STR("hello");
#define HELLO ((rt_str *)&static_hello)

/* ---- strings --------------------------------------------------------------------- */

static void test_strings(void) {
  rt_str *abc = S("abc");
  CHECK(rt_str_len(abc) == 3 && abc->data[3] == 0 && rc_of(abc) == 1);
  CHECK(rt_str_new("", 0) == NULL);
  CHECK(rt_str_len(NULL) == 0);
  CHECK(rt_str_eq(NULL, S("")));
  CHECK(rt_str_eq(abc, S("abc")));
  CHECK(!rt_str_eq(abc, S("abd")));
  CHECK(!rt_str_eq(abc, S("ab")));
  CHECK(rt_str_cmp(abc, S("abd")) < 0);
  CHECK(rt_str_cmp(S("abd"), abc) > 0);
  CHECK(rt_str_cmp(S("ab"), abc) < 0);
  CHECK(rt_str_cmp(abc, S("ab")) > 0);
  CHECK(rt_str_cmp(abc, S("abc")) == 0);
  CHECK(rt_str_cmp(NULL, abc) < 0 && rt_str_cmp(NULL, NULL) == 0);
  CHECK(rt_str_cmp(S("\xc3\xa9"), S("z")) > 0); /* bytewise: 0xC3 > 'z' */

  /* concatenation */
  CHECK_STR(rt_str_cat(abc, S("de")), "abcde");
  CHECK_STR(rt_str_cat(NULL, NULL), "");
  rt_str *same = rt_str_cat(abc, NULL); /* a + "" is a, shared */
  CHECK(same == abc && rc_of(abc) == 2);
  rt_release(same);
  CHECK(rt_str_cat(NULL, HELLO) == HELLO && rc_of(HELLO) == RT_RC_STATIC);
  CHECK_STR(rt_str_cat(HELLO, HELLO), "hellohello");
  rt_str *parts[] = {S("n = "), NULL, S("42"), S(""), S("!")};
  CHECK_STR(rt_str_cat_n(5, parts), "n = 42!");
  CHECK(rt_str_cat_n(0, NULL) == NULL);
  rt_str *one[] = {NULL, abc, NULL};
  same = rt_str_cat_n(3, one);
  CHECK(same == abc);
  rt_release(same);

  /* search */
  rt_str *hw = S("Hello, World");
  CHECK(rt_str_contains(hw, S("World")));
  CHECK(!rt_str_contains(hw, S("world")));
  CHECK(rt_str_contains(hw, NULL) && rt_str_contains(NULL, NULL));
  CHECK(!rt_str_contains(NULL, S("a")));
  CHECK(rt_str_starts_with(hw, S("Hell")) && !rt_str_starts_with(hw, S("ell")));
  CHECK(rt_str_starts_with(hw, NULL) && !rt_str_starts_with(S("He"), S("Hello")));
  CHECK(rt_str_ends_with(hw, S("ld")) && !rt_str_ends_with(hw, S("x")));
  CHECK(rt_str_ends_with(hw, NULL) && !rt_str_ends_with(S("ld"), S("World")));
  CHECK(rt_str_find(hw, S("o")) == 4);
  CHECK(rt_str_find(hw, S("orl")) == 8);
  CHECK(rt_str_find(hw, S("zzz")) == -1);
  CHECK(rt_str_find(hw, NULL) == 0 && rt_str_find(NULL, NULL) == 0);
  CHECK(rt_str_find(S("aaab"), S("aab")) == 1);
  CHECK(rt_str_find(S("h\xc3\xa9llo"), S("llo")) == 3); /* byte positions */

  /* slice */
  CHECK_STR(rt_str_slice(hw, 7, 12, POS), "World");
  CHECK_STR(rt_str_slice(hw, 0, 0, POS), "");
  CHECK_STR(rt_str_slice(hw, 12, 12, POS), "");
  same = rt_str_slice(hw, 0, 12, POS);
  CHECK(same == hw);
  rt_release(same);
  CHECK_STR(rt_str_slice(NULL, 0, 0, POS), "");
  EXPECT_FAIL(rt_str_slice(hw, -1, 2, POS), "slice(-1, 2) out of range (length 12)");
  EXPECT_FAIL(rt_str_slice(hw, 3, 2, POS), "slice(3, 2) out of range (length 12)");
  EXPECT_FAIL(rt_str_slice(hw, 0, 13, POS), "slice(0, 13) out of range (length 12)");
  EXPECT_FAIL(rt_str_slice(NULL, 0, 1, POS), "slice(0, 1) out of range (length 0)");

  /* trim, upper, lower */
  CHECK_STR(rt_str_trim(S("  Hello, World  ")), "Hello, World");
  CHECK_STR(rt_str_trim(S("\t\n\v\f\r x y \r\n")), "x y");
  CHECK_STR(rt_str_trim(S(" \t ")), "");
  CHECK_STR(rt_str_trim(NULL), "");
  CHECK_STR(rt_str_trim(S("\xc2\xa0x")), "\xc2\xa0x"); /* no-break space is not ASCII */
  same = rt_str_trim(abc);
  CHECK(same == abc);
  rt_release(same);
  CHECK_STR(rt_str_upper(S("Hello, World \xc3\xa9")), "HELLO, WORLD \xc3\xa9");
  CHECK_STR(rt_str_lower(S("Hello, World \xc3\x89")), "hello, world \xc3\x89");
  CHECK_STR(rt_str_upper(NULL), "");
  same = rt_str_upper(S("ABC 1"));
  CHECK_STR(same, "ABC 1");
  CHECK(tmp(rt_str_upper(HELLO)) != HELLO); /* a static string is read, never written */
  CHECK(strcmp(static_hello.data, "hello") == 0);
  CHECK(rt_str_lower(HELLO) == HELLO);

  /* repeat */
  CHECK_STR(rt_str_repeat(S("ab"), 3, POS), "ababab");
  CHECK_STR(rt_str_repeat(S("ab"), 0, POS), "");
  CHECK_STR(rt_str_repeat(NULL, 5, POS), "");
  CHECK_STR(rt_str_repeat(S("xyz"), 1, POS), "xyz");
  rt_str *big = rt_str_repeat(S("abc"), 1001, POS);
  CHECK(rt_str_len(big) == 3003 && memcmp(big->data + 3000, "abc", 4) == 0);
  rt_release(big);
  EXPECT_FAIL(rt_str_repeat(S("ab"), -1, POS), "negative count");

  /* printed forms of Int and Bool */
  CHECK_STR(rt_str_of_int(0), "0");
  CHECK_STR(rt_str_of_int(-42), "-42");
  CHECK_STR(rt_str_of_int(INT64_MAX), "9223372036854775807");
  CHECK_STR(rt_str_of_int(INT64_MIN), "-9223372036854775808");
  CHECK_STR(rt_str_of_bool(true), "true");
  CHECK_STR(rt_str_of_bool(false), "false");
  release_temps();
}

static void test_split_join(void) {
  rt_list *l = tmp(rt_str_split(S("a,b,,c"), S(","), POS));
  CHECK(rt_list_len(l) == 4 && l->type->a == &rt_type_string);
  CHECK_SHOW(W(l), &t_lstr, "[\"a\", \"b\", \"\", \"c\"]");
  CHECK_SHOW(W(tmp(rt_str_split(NULL, S(","), POS))), &t_lstr, "[\"\"]");
  CHECK_SHOW(W(tmp(rt_str_split(S(",a,"), S(","), POS))), &t_lstr, "[\"\", \"a\", \"\"]");
  CHECK_SHOW(W(tmp(rt_str_split(S("a<->b<->c"), S("<->"), POS))), &t_lstr, "[\"a\", \"b\", \"c\"]");
  CHECK_SHOW(W(tmp(rt_str_split(S("aaaa"), S("aa"), POS))), &t_lstr, "[\"\", \"\", \"\"]");
  CHECK_SHOW(W(tmp(rt_str_split(S("ab"), S("abc"), POS))), &t_lstr, "[\"ab\"]");
  rt_str *whole = S("no separator");
  l = tmp(rt_str_split(whole, S(","), POS));
  CHECK(rt_list_len(l) == 1 && Ws(l->data[0]) == whole); /* shared, not copied */
  EXPECT_FAIL(rt_str_split(S("abc"), S(""), POS), "empty separator");
  EXPECT_FAIL(rt_str_split(S("abc"), NULL, POS), "empty separator");

  CHECK_STR(rt_list_join(tmp(STRS("x", "y", "z")), S("-"), POS), "x-y-z");
  CHECK_STR(rt_list_join(tmp(STRS("x", "y", "z")), NULL, POS), "xyz");
  CHECK_STR(rt_list_join(tmp(STRS("", "", "")), S(", "), POS), ", , ");
  CHECK_STR(rt_list_join(NULL, S("-"), POS), "");
  CHECK_STR(rt_list_join(tmp(STRS("solo")), S("-"), POS), "solo");
  CHECK_STR(rt_list_join(tmp(STRS("")), S("-"), POS), "");
  CHECK_STR(rt_list_join(tmp(rt_str_split(S("a,b,,c"), S(","), POS)), S(";"), POS), "a;b;;c");
  release_temps();
}

/* ---- floats ---------------------------------------------------------------------- */

static void test_float_repr(void) {
  static const struct {
    double v;
    const char *s;
  } cases[] = {
      {0.1 + 0.2, "0.30000000000000004"},
      {5.0, "5.0"},
      {1e16, "1e+16"},
      {1e-05, "1e-05"},
      {0.0001, "0.0001"},
      {123456789012345.0, "123456789012345.0"},
      {1234567890123456.0, "1234567890123456.0"},
      {9999999999999998.0, "9999999999999998.0"},
      {1e15, "1000000000000000.0"},
      {1.2345678901234568e16, "1.2345678901234568e+16"},
      {1.2345678901234566e16, "1.2345678901234566e+16"},
      {12345678901234567890.0, "1.2345678901234567e+19"},
      {2.5, "2.5"},
      {-2.5, "-2.5"},
      {0.0, "0.0"},
      {-0.0, "-0.0"},
      {0.1, "0.1"},
      {1.0 / 3, "0.3333333333333333"},
      {2.0 / 3, "0.6666666666666666"},
      {100.0, "100.0"},
      {123.456, "123.456"},
      {0.001, "0.001"},
      {0.00012345, "0.00012345"},
      {1.5e-07, "1.5e-07"},
      {2.5e+20, "2.5e+20"},
      {1e22, "1e+22"},
      {1e100, "1e+100"},
      {-1e-100, "-1e-100"},
      {5e-324, "5e-324"},
      {1e-323, "1e-323"},
      {2.2250738585072014e-308, "2.2250738585072014e-308"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {9007199254740993.0, "9007199254740992.0"},
      {4.35, "4.35"},
      {1.5, "1.5"},
      {7.5 - 6.0, "1.5"},
      {299792458.0, "299792458.0"},
      {6.02214076e23, "6.02214076e+23"},
      /* powers of two where the nearest p-digit decimal does not read back but the one
       * on the other side does (the interval of doubles is lopsided there) */
      {0x1p-1022 * 0x1p+0, "2.2250738585072014e-308"},
      {0x1p+1023, "8.98846567431158e+307"},
      {0x1p-1000, "9.332636185032189e-302"},
      {0x1p+200, "1.6069380442589903e+60"},
      {0x1p+970, "9.9792015476736e+291"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    check_str(rt_str_of_float(cases[i].v), cases[i].s, __LINE__);
    check_str(rt_str_of(Fw(cases[i].v), &rt_type_float), cases[i].s, __LINE__);
  }
  CHECK_STR(rt_str_of_float(INFINITY), "inf");
  CHECK_STR(rt_str_of_float(-INFINITY), "-inf");
  CHECK_STR(rt_str_of_float(NAN), "nan");
  CHECK_STR(rt_str_of_float(-NAN), "nan");

  /* Round trip over many doubles: parse_float(str(x)) == x, and no digit can be cut
   * (the string with its last digit dropped and rounded either way reads back as
   * something else, checked loosely through the digit count of %.{n-1}g). */
  uint64_t seed = 88172645463325252ull;
  int bad = 0;
  for (int i = 0; i < 200000; i++) {
    seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
    double x = wF(seed);
    if (i % 3 == 1) x = (double)(int64_t)(seed >> 20) / 1000.0; /* short decimals */
    if (i % 3 == 2) x = ldexp((double)(seed >> 11), -(int)(seed % 80)); /* near powers */
    if (isnan(x) || isinf(x)) continue;
    rt_str *s = rt_str_of_float(x);
    double y = rt_parse_float(s, POS);
    if (y != x) {
      bad++;
      fprintf(stderr, "round trip: %a printed %s read %a\n", x, s->data, y);
    }
    /* as many significant digits as %.17g would need at most */
    int digits = 0;
    bool lead = true;
    for (int64_t k = 0; k < s->len && s->data[k] != 'e'; k++) {
      if (s->data[k] < '0' || s->data[k] > '9') continue;
      lead &= s->data[k] == '0';
      digits += !lead;
    }
    if (digits > 17) {
      bad++;
      fprintf(stderr, "too many digits: %a printed %s\n", x, s->data);
    }
    rt_release(s);
  }
  CHECK(bad == 0);
}

/* ---- printed forms --------------------------------------------------------------- */

static void test_printed_forms(void) {
  CHECK_SHOW(42, &rt_type_int, "42");
  CHECK_SHOW((rt_word)-7, &rt_type_int, "-7");
  CHECK_SHOW(1, &rt_type_bool, "true");
  CHECK_SHOW(0, &rt_type_bool, "false");
  CHECK_SHOW(W(S("he said \"hi\"\n")), &rt_type_string, "he said \"hi\"\n"); /* top level */
  rt_str *s = S("x");
  rt_str *shown = rt_str_of(W(s), &rt_type_string);
  CHECK(shown == s);
  rt_release(shown);
  CHECK_SHOW(0, &rt_type_string, "");

  CHECK_SHOW(W(tmp(INTS(1, 2, 3))), &t_lint, "[1, 2, 3]");
  CHECK_SHOW(0, &t_lint, "[]");
  CHECK_SHOW(W(tmp(STRS("a\"b", "c\\d", "e\nf\tg\rh", "{i}", ""))), &t_lstr,
             "[\"a\\\"b\", \"c\\\\d\", \"e\\nf\\tg\\rh\", \"{i}\", \"\"]");
  rt_word fl[] = {Fw(0.5), Fw(NAN), Fw(-0.0), Fw(1e16)};
  CHECK_SHOW(W(tmp(rt_list_from(&t_lfloat, 4, fl))), &t_lfloat, "[0.5, nan, -0.0, 1e+16]");
  rt_word bl[] = {1, 0};
  CHECK_SHOW(W(tmp(rt_list_from(&t_lbool, 2, bl))), &t_lbool, "[true, false]");
  rt_word nested[] = {W(INTS(1, 2)), W(INTS(3)), 0};
  CHECK_SHOW(W(tmp(rt_list_from(&t_llint, 3, nested))), &t_llint, "[[1, 2], [3], []]");

  rt_map *m = rt_map_new(&t_m_si);
  CHECK_SHOW(W(m), &t_m_si, "{}");
  CHECK_SHOW(0, &t_m_si, "{}");
  rt_map_set(&m, &t_m_si, W(rt_str_new("a", 1)), 1);
  rt_map_set(&m, &t_m_si, W(rt_str_new("q\"", 2)), (rt_word)-2);
  tmp(m); /* after the sets: a change may move the map */
  CHECK_SHOW(W(m), &t_m_si, "{\"a\": 1, \"q\\\"\": -2}");
  rt_map *mi = NULL;
  rt_map_set(&mi, &t_m_is, 2, W(rt_str_new("x", 1)));
  rt_map_set(&mi, &t_m_is, 1, W(rt_str_new("one", 3)));
  tmp(mi);
  CHECK_SHOW(W(mi), &t_m_is, "{2: \"x\", 1: \"one\"}");
  rt_map *mb = NULL;
  rt_map_set(&mb, &t_m_bf, 1, Fw(2.5));
  rt_map_set(&mb, &t_m_bf, 0, Fw(5.0));
  tmp(mb);
  CHECK_SHOW(W(mb), &t_m_bf, "{true: 2.5, false: 5.0}");
  rt_map *ml = NULL;
  rt_map_set(&ml, &t_m_sl, W(rt_str_new("k", 1)), W(INTS(1, 2)));
  rt_map_set(&ml, &t_m_sl, W(rt_str_new("e", 1)), 0);
  tmp(ml);
  CHECK_SHOW(W(ml), &t_m_sl, "{\"k\": [1, 2], \"e\": []}");
  rt_map *mz = NULL;
  rt_map_set(&mz, &t_m_si, W(rt_str_new("z", 1)), 26);
  rt_word lm[] = {W(mz), 0};
  CHECK_SHOW(W(tmp(rt_list_from(&t_lm_si, 2, lm))), &t_lm_si, "[{\"z\": 26}, {}]");

  /* actor references and timers */
  rt_actor *c7 = tmp(stub_actor_new("Counter", 7));
  CHECK_SHOW(W(c7), &rt_type_actor, "Counter#7");
  CHECK_SHOW(0, &rt_type_actor, "none");
  rt_word al[] = {W(c7), 0};
  rt_retain(c7);
  CHECK_SHOW(W(tmp(rt_list_from(&t_lactor, 2, al))), &t_lactor, "[Counter#7, none]");
  struct rt_timer *t3 = tmp(stub_timer_new(3));
  CHECK_SHOW(W(t3), &rt_type_timer, "Timer#3");
  CHECK_SHOW(0, &rt_type_timer, "Timer#0");
  rt_word tl[] = {W(t3), 0};
  rt_retain(t3);
  CHECK_SHOW(W(tmp(rt_list_from(&t_ltimer, 2, tl))), &t_ltimer, "[Timer#3, Timer#0]");
  rt_map *ma = NULL;
  rt_retain(c7);
  rt_map_set(&ma, &t_m_ai, W(c7), 1);
  rt_map_set(&ma, &t_m_ai, 0, 2);
  tmp(ma);
  CHECK_SHOW(W(ma), &t_m_ai, "{Counter#7: 1, none: 2}");
  int freed = stub_actors_freed;
  release_temps();
  CHECK(stub_actors_freed == freed + 1 && stub_timers_freed >= 1);
}

static void test_buf(void) {
  rt_buf b = {0};
  CHECK(rt_buf_finish(&b) == NULL);
  rt_buf_puts(&b, "abc");
  rt_buf_putc(&b, '-');
  rt_buf_put(&b, "xyz", 2);
  rt_buf_put(&b, "ignored", 0);
  CHECK(b.len == 6 && memcmp(b.p, "abc-xy", 6) == 0);
  CHECK_STR(rt_buf_finish(&b), "abc-xy");
  CHECK(b.p == NULL && b.len == 0);
  for (int i = 0; i < 10000; i++) rt_buf_put(&b, "0123456789", 10);
  rt_buf_value(&b, 5, &rt_type_int, false);
  rt_buf_value(&b, W(S("q")), &rt_type_string, true);
  rt_buf_value(&b, W(S("q")), &rt_type_string, false);
  rt_str *s = rt_buf_finish(&b);
  CHECK(rt_str_len(s) == 100005 && memcmp(s->data + 99990, "01234567895\"q\"q", 16) == 0);
  rt_release(s);
  rt_buf_puts(&b, "dropped");
  rt_buf_free(&b);
  CHECK(b.p == NULL);
  rt_buf_free(&b);
  release_temps();
}

/* ---- lists ----------------------------------------------------------------------- */

static void test_lists(void) {
  rt_list *l = NULL;
  CHECK(rt_list_len(NULL) == 0);
  for (int64_t i = 0; i < 5; i++) rt_list_push(&l, &t_lint, (rt_word)(i * i));
  CHECK_SHOW(W(l), &t_lint, "[0, 1, 4, 9, 16]");
  CHECK(rt_list_get(l, 2, POS) == 4);
  EXPECT_FAIL(rt_list_get(l, 5, POS), "index 5 out of range (length 5)");
  EXPECT_FAIL(rt_list_get(l, -1, POS), "index -1 out of range (length 5)");
  EXPECT_FAIL(rt_list_get(NULL, 0, POS), "index 0 out of range (length 0)");
  EXPECT_FAIL(rt_list_get(l, INT64_MIN, POS), "index -9223372036854775808 out of range (length 5)");
  *rt_list_at_mut(&l, 2, POS) = 100;
  CHECK_SHOW(W(l), &t_lint, "[0, 1, 100, 9, 16]");
  EXPECT_FAIL(rt_list_at_mut(&l, 5, POS), "index 5 out of range (length 5)");
  rt_list *nil = NULL;
  EXPECT_FAIL(rt_list_at_mut(&nil, 0, POS), "index 0 out of range (length 0)");
  CHECK(rt_list_pop(&l, POS) == 16);
  CHECK_SHOW(W(l), &t_lint, "[0, 1, 100, 9]");
  rt_list_insert(&l, &t_lint, 0, (rt_word)-1, POS);
  rt_list_insert(&l, &t_lint, 5, 50, POS);
  rt_list_insert(&l, &t_lint, 2, 7, POS);
  CHECK_SHOW(W(l), &t_lint, "[-1, 0, 7, 1, 100, 9, 50]");
  EXPECT_FAIL(rt_list_insert(&l, &t_lint, 8, 0, POS), "insert: index 8 out of range (length 7)");
  EXPECT_FAIL(rt_list_insert(&l, &t_lint, -1, 0, POS), "insert: index -1 out of range (length 7)");
  CHECK(rt_list_remove(&l, 1, POS) == 0);
  CHECK(rt_list_remove(&l, 5, POS) == 50);
  CHECK_SHOW(W(l), &t_lint, "[-1, 7, 1, 100, 9]");
  EXPECT_FAIL(rt_list_remove(&l, 5, POS), "remove: index 5 out of range (length 5)");
  EXPECT_FAIL(rt_list_remove(&nil, 0, POS), "remove: index 0 out of range (length 0)");
  CHECK(rt_list_contains(l, 100) && !rt_list_contains(l, 2) && !rt_list_contains(NULL, 0));
  CHECK_SHOW(W(tmp(rt_list_slice(l, 1, 3, POS))), &t_lint, "[7, 1]");
  CHECK(rt_list_slice(l, 2, 2, POS) == NULL);
  rt_list *whole = rt_list_slice(l, 0, 5, POS);
  CHECK(whole == l && rc_of(l) == 2);
  rt_release(whole);
  EXPECT_FAIL(rt_list_slice(l, 3, 2, POS), "slice(3, 2) out of range (length 5)");
  EXPECT_FAIL(rt_list_slice(l, -1, 2, POS), "slice(-1, 2) out of range (length 5)");
  EXPECT_FAIL(rt_list_slice(l, 0, 6, POS), "slice(0, 6) out of range (length 5)");
  CHECK(rt_list_slice(NULL, 0, 0, POS) == NULL);
  rt_list_reverse(&l);
  CHECK_SHOW(W(l), &t_lint, "[9, 100, 1, 7, -1]");
  rt_list_sort(&l);
  CHECK_SHOW(W(l), &t_lint, "[-1, 1, 7, 9, 100]");
  rt_list_sort(&nil);
  rt_list_reverse(&nil);
  CHECK(nil == NULL);
  while (rt_list_len(l)) rt_list_pop(&l, POS);
  EXPECT_FAIL(rt_list_pop(&l, POS), "pop() on an empty list");
  EXPECT_FAIL(rt_list_pop(&nil, POS), "pop() on an empty list");
  rt_release(l);

  /* many pushes: growth past the inline slots, amortised */
  l = NULL;
  for (int64_t i = 0; i < 100000; i++) rt_list_push(&l, &t_lint, (rt_word)i);
  bool ok = rt_list_len(l) == 100000;
  for (int64_t i = 0; i < 100000; i++) ok &= rt_list_get(l, i, POS) == (rt_word)i;
  CHECK(ok);
  rt_release(l);

  /* Strings: elements owned by the list */
  rt_list *sl = STRS("b", "a", "c");
  rt_str *a = Ws(rt_list_get(sl, 1, POS));
  CHECK(rc_of(a) == 1);
  rt_str *popped = Ws(rt_list_pop(&sl, POS)); /* owned */
  CHECK_STR(popped, "c");
  rt_str *removed = Ws(rt_list_remove(&sl, 0, POS));
  CHECK_STR(removed, "b");
  rt_str *slot = Ws(*rt_list_at_mut(&sl, 0, POS));
  *rt_list_at_mut(&sl, 0, POS) = W(rt_str_new("z", 1));
  rt_release(slot); /* the caller releases what it overwrote */
  CHECK_SHOW(W(sl), &t_lstr, "[\"z\"]");
  CHECK(rt_list_contains(sl, W(S("z"))) && !rt_list_contains(sl, W(S("y"))));
  rt_str *x = rt_str_new("x", 1);
  EXPECT_FAIL(rt_list_insert(&sl, &t_lstr, 5, W(x), POS), "insert: index 5 out of range (length 1)");
  rt_release(x); /* still the caller's: insert takes it only once it is stored */
  rt_release(sl);

  /* Floats: contains uses ==, so nan is never found; -0.0 finds 0.0 */
  rt_word fv[] = {Fw(1.5), Fw(NAN), Fw(-0.0)};
  rt_list *fl = tmp(rt_list_from(&t_lfloat, 3, fv));
  CHECK(rt_list_contains(fl, Fw(1.5)) && !rt_list_contains(fl, Fw(NAN)) && rt_list_contains(fl, Fw(0.0)));
  /* lists of lists */
  rt_word ll[] = {W(INTS(1, 2)), W(INTS(3))};
  rt_list *lol = tmp(rt_list_from(&t_llint, 2, ll));
  CHECK(rt_list_contains(lol, W(tmp(INTS(3)))) && !rt_list_contains(lol, W(tmp(INTS(2, 1)))));
  CHECK(!rt_list_contains(lol, 0));
  rt_list *lol2 = tmp(rt_list_slice(lol, 1, 2, POS));
  CHECK(rc_of(Ws(lol2->data[0])) == 2); /* the slice shares the inner list */

  /* rt_list_from(0) is the empty list */
  CHECK(rt_list_from(&t_lint, 0, NULL) == NULL);
  rt_list *nc = rt_list_new_cap(&t_lint, 0);
  CHECK(nc && nc->len == 0 && nc->cap >= 1);
  rt_list_push(&nc, &t_lint, 1);
  rt_list_push(&nc, &t_lint, 2);
  CHECK_SHOW(W(nc), &t_lint, "[1, 2]");
  rt_release(nc);
  release_temps();
}

static void test_list_cow(void) {
  /* Each mutator on a shared list leaves the other holder's view unchanged. */
  rt_list *orig = INTS(1, 2, 3);
  rt_list *mine;

#define SHARED_CASE(op, expect_mine)                                                      \
  do {                                                                                 \
    mine = orig;                                                                       \
    rt_retain(orig);                                                                   \
    op;                                                                                \
    CHECK(mine != orig && rc_of(orig) == 1 && rc_of(mine) == 1);                       \
    CHECK_SHOW(W(orig), &t_lint, "[1, 2, 3]");                                         \
    CHECK_SHOW(W(mine), &t_lint, expect_mine);                                         \
    rt_release(mine);                                                                  \
  } while (0)

  SHARED_CASE(rt_list_push(&mine, &t_lint, 4), "[1, 2, 3, 4]");
  SHARED_CASE(CHECK(rt_list_pop(&mine, POS) == 3), "[1, 2]");
  SHARED_CASE(rt_list_insert(&mine, &t_lint, 1, 9, POS), "[1, 9, 2, 3]");
  SHARED_CASE(CHECK(rt_list_remove(&mine, 0, POS) == 1), "[2, 3]");
  SHARED_CASE(*rt_list_at_mut(&mine, 2, POS) = 0, "[1, 2, 0]");
  SHARED_CASE(rt_list_reverse(&mine), "[3, 2, 1]");
#undef SHARED_CASE
  rt_release(orig);

  orig = INTS(3, 1, 2);
  mine = orig;
  rt_retain(orig);
  rt_list_sort(&mine);
  CHECK(mine != orig && rc_of(orig) == 1 && rc_of(mine) == 1);
  CHECK_SHOW(W(orig), &t_lint, "[3, 1, 2]");
  CHECK_SHOW(W(mine), &t_lint, "[1, 2, 3]");
  rt_release(mine);
  rt_release(orig);

  /* pop of the last element of a shared one-element list */
  orig = INTS(5);
  mine = orig;
  rt_retain(orig);
  CHECK(rt_list_pop(&mine, POS) == 5 && rt_list_len(mine) == 0 && rt_list_len(orig) == 1);
  rt_release(mine);
  rt_release(orig);

  /* shared lists of strings: the copy retains the elements, pop hands one out */
  rt_list *so = STRS("p", "q");
  rt_list *sm = so;
  rt_retain(so);
  rt_str *q = Ws(rt_list_pop(&sm, POS));
  CHECK(rc_of(q) == 2 && rc_of(Ws(so->data[0])) == 2);
  rt_release(q);
  rt_release(so);
  CHECK_SHOW(W(sm), &t_lstr, "[\"p\"]");
  rt_release(sm);

  /* a unique list is changed in place */
  rt_list *u = INTS(3, 1, 2);
  rt_list *before = u;
  rt_list_sort(&u);
  rt_list_push(&u, &t_lint, 4);
  rt_list_reverse(&u);
  CHECK(u == before);
  rt_release(u);

  /* a static list (never unique) is copied, never written */
  static rt_word sdata[] = {1, 2};
  static rt_list slist = {.h = {.rc = RT_RC_STATIC, .tag = RT_TAG_LIST}, .len = 2, .cap = 2, .type = &t_lint, .data = sdata};
  rt_list *sp = &slist;
  rt_list_push(&sp, &t_lint, 3);
  CHECK(sp != &slist && slist.len == 2 && sdata[1] == 2);
  CHECK_SHOW(W(sp), &t_lint, "[1, 2, 3]");
  rt_release(sp);
  rt_release(&slist); /* ignored */
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

static void test_sort(void) {
  /* Ints: random, sorted, reversed, all equal, few distinct: against qsort */
  uint64_t seed = 12345;
  for (int shape = 0; shape < 5; shape++) {
    int64_t n = 50000;
    int64_t *ref = malloc((size_t)n * sizeof *ref);
    rt_list *l = NULL;
    for (int64_t i = 0; i < n; i++) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      int64_t v = shape == 0   ? (int64_t)seed
                  : shape == 1 ? i
                  : shape == 2 ? n - i
                  : shape == 3 ? 7
                               : (int64_t)(seed >> 61);
      ref[i] = v;
      rt_list_push(&l, &t_lint, (rt_word)v);
    }
    qsort(ref, (size_t)n, sizeof *ref, cmp_i64);
    rt_list_sort(&l);
    CHECK(memcmp(ref, l->data, (size_t)n * sizeof *ref) == 0);
    free(ref);
    rt_release(l);
  }
  /* organ pipe: a classic median-of-three adversary */
  rt_list *op = NULL;
  for (int64_t i = 0; i < 20000; i++) rt_list_push(&op, &t_lint, (rt_word)(i < 10000 ? i : 20000 - i));
  rt_list_sort(&op);
  bool ok = true;
  for (int64_t i = 1; i < op->len; i++) ok &= (int64_t)op->data[i - 1] <= (int64_t)op->data[i];
  CHECK(ok);
  rt_release(op);

  /* Floats: IEEE order, NaNs last */
  rt_word fv[] = {Fw(3.5), Fw(NAN), Fw(-1.0), Fw(INFINITY), Fw(0.0), Fw(-INFINITY), Fw(-NAN), Fw(-0.0), Fw(1e-300), Fw(-2.5)};
  rt_list *fl = rt_list_from(&t_lfloat, 10, fv);
  rt_list_sort(&fl);
  CHECK_SHOW(W(fl), &t_lfloat, "[-inf, -2.5, -1.0, -0.0, 0.0, 1e-300, 3.5, inf, nan, nan]");
  rt_release(fl);
  fl = NULL;
  for (int i = 0; i < 3000; i++) rt_list_push(&fl, &t_lfloat, Fw(sin(i) * 1000));
  rt_list_sort(&fl);
  ok = true;
  for (int64_t i = 1; i < fl->len; i++) ok &= wF(fl->data[i - 1]) <= wF(fl->data[i]);
  CHECK(ok);
  rt_release(fl);

  /* Strings: bytewise */
  rt_list *sl = STRS("pear", "apple", "Zebra", "", "app", "\xc3\xa9t\xc3\xa9", "apple");
  rt_list_sort(&sl);
  CHECK_SHOW(W(sl), &t_lstr, "[\"\", \"Zebra\", \"app\", \"apple\", \"apple\", \"pear\", \"\xc3\xa9t\xc3\xa9\"]");
  rt_release(sl);
  sl = NULL;
  char buf[16];
  for (int i = 0; i < 5000; i++) {
    snprintf(buf, sizeof buf, "k%d", (i * 7919) % 5000);
    rt_list_push(&sl, &t_lstr, W(rt_str_new(buf, (int64_t)strlen(buf))));
  }
  rt_list_sort(&sl);
  ok = true;
  for (int64_t i = 1; i < sl->len; i++) ok &= rt_str_cmp(Ws(sl->data[i - 1]), Ws(sl->data[i])) < 0;
  CHECK(ok);
  rt_release(sl);

  /* Bools */
  rt_word bv[] = {1, 0, 1, 0};
  rt_list *bl = rt_list_from(&t_lbool, 4, bv);
  rt_list_sort(&bl);
  CHECK_SHOW(W(bl), &t_lbool, "[false, false, true, true]");
  rt_release(bl);
}

/* ---- maps ------------------------------------------------------------------------ */

static void test_maps(void) {
  rt_map *m = NULL;
  CHECK(rt_map_len(NULL) == 0 && !rt_map_has(NULL, 1) && rt_map_get_or(NULL, 1, 9) == 9);
  rt_map_set(&m, &t_m_si, W(rt_str_new("zoe", 3)), 31);
  rt_map_set(&m, &t_m_si, W(rt_str_new("adam", 4)), 40);
  rt_map_set(&m, &t_m_si, W(rt_str_new("mia", 3)), 7);
  CHECK_SHOW(W(m), &t_m_si, "{\"zoe\": 31, \"adam\": 40, \"mia\": 7}");
  CHECK(rt_map_len(m) == 3);
  CHECK(rt_map_get(m, W(S("adam")), &t_m_si, POS) == 40);
  CHECK(!rt_map_has(m, W(S("bob"))) && rt_map_has(m, W(S("mia"))));
  CHECK(rt_map_get_or(m, W(S("bob")), (rt_word)-1) == (rt_word)-1);
  CHECK(rt_map_get_or(m, W(S("zoe")), (rt_word)-1) == 31);
  EXPECT_FAIL(rt_map_get(m, W(S("bob")), &t_m_si, POS), "missing key \"bob\"");
  EXPECT_FAIL(rt_map_get(NULL, 0, &t_m_si, POS), "missing key \"\"");
  EXPECT_FAIL(rt_map_get(NULL, (rt_word)-7, &t_m_ii, POS), "missing key -7");
  EXPECT_FAIL(rt_map_get(m, W(S("a \"quoted\"\nkey")), &t_m_si, POS), "missing key \"a \\\"quoted\\\"\\nkey\"");
  EXPECT_FAIL(rt_map_at_mut(&m, W(S("bob")), &t_m_si, POS), "missing key \"bob\"");
  rt_map *nil = NULL;
  EXPECT_FAIL(rt_map_at_mut(&nil, 3, &t_m_ii, POS), "missing key 3");
  { /* a long key is cut at RT_REASON_KEY_BYTES bytes of its printed form, at a character's start */
    char key[200], want[200];
    memset(key, 'x', 150);
    snprintf(want, sizeof want, "missing key \"%.99s...", key);
    EXPECT_FAIL(rt_map_get(m, W(tmp(rt_str_new(key, 150))), &t_m_si, POS), want);
    for (int i = 0; i < 60; i++) memcpy(key + 2 * i, "\xc3\xa9", 2); /* é */
    snprintf(want, sizeof want, "missing key \"%.98s...", key);
    EXPECT_FAIL(rt_map_get(m, W(tmp(rt_str_new(key, 120))), &t_m_si, POS), want);
  }

  /* replace keeps the place (and releases the passed key), remove then re-add goes last */
  rt_str *zoe2 = rt_str_new("zoe", 3);
  rt_map_set(&m, &t_m_si, W(zoe2), 32);
  CHECK(rt_map_remove(&m, W(S("adam"))));
  CHECK(!rt_map_remove(&m, W(S("adam"))));
  CHECK(!rt_map_remove(&nil, W(S("adam"))));
  CHECK_SHOW(W(m), &t_m_si, "{\"zoe\": 32, \"mia\": 7}");
  rt_map_set(&m, &t_m_si, W(rt_str_new("adam", 4)), 41);
  CHECK_SHOW(W(m), &t_m_si, "{\"zoe\": 32, \"mia\": 7, \"adam\": 41}");
  *rt_map_at_mut(&m, W(S("mia")), &t_m_si, POS) += 1;
  CHECK(rt_map_get(m, W(S("mia")), &t_m_si, POS) == 8);
  CHECK_SHOW(W(tmp(rt_map_keys(m, &t_lstr))), &t_lstr, "[\"zoe\", \"mia\", \"adam\"]");
  CHECK_SHOW(W(tmp(rt_map_values(m, &t_lint))), &t_lint, "[32, 8, 41]");
  CHECK(rt_map_keys(NULL, &t_lstr) == NULL && rt_map_values(NULL, &t_lint) == NULL);

  /* iteration */
  int64_t it = 0;
  rt_word k, v;
  rt_buf b = {0};
  while (rt_map_next(m, &it, &k, &v)) {
    rt_buf_value(&b, k, &rt_type_string, false);
    rt_buf_putc(&b, '=');
    rt_buf_value(&b, v, &rt_type_int, false);
    rt_buf_putc(&b, ' ');
  }
  CHECK_STR(rt_buf_finish(&b), "zoe=32 mia=8 adam=41 ");
  CHECK(!rt_map_next(m, &it, &k, &v));
  it = 0;
  CHECK(!rt_map_next(NULL, &it, &k, &v));

  /* a removed key, borrowed from the map itself */
  int64_t it2 = 0;
  rt_map_next(m, &it2, &k, &v);
  CHECK(rt_map_remove(&m, k)); /* "zoe" */
  CHECK_SHOW(W(m), &t_m_si, "{\"mia\": 8, \"adam\": 41}");
  rt_release(m);

  /* Int keys, the map created by the first set; Bool keys; actor keys by identity */
  rt_map *mi = NULL;
  rt_map_set(&mi, &t_m_is, 1, W(rt_str_new("one", 3)));
  rt_map_set(&mi, &t_m_is, 2, W(rt_str_new("two", 3)));
  rt_map_set(&mi, &t_m_is, 1, W(rt_str_new("uno", 3))); /* the old value is released */
  CHECK_SHOW(W(mi), &t_m_is, "{1: \"uno\", 2: \"two\"}");
  CHECK(rt_str_eq(Ws(rt_map_get(mi, 2, &t_m_is, POS)), S("two")));
  rt_release(mi);
  rt_map *mb = rt_map_new(&t_m_bf);
  rt_map_set(&mb, &t_m_bf, 0, Fw(1.0));
  rt_map_set(&mb, &t_m_bf, 1, Fw(2.0));
  CHECK(rt_map_has(mb, 0) && rt_map_has(mb, 1) && wF(rt_map_get(mb, 1, &t_m_bf, POS)) == 2.0);
  rt_release(mb);
  rt_actor *a1 = stub_actor_new("W", 1), *a2 = stub_actor_new("W", 2);
  rt_map *ma = NULL;
  rt_retain(a1);
  rt_map_set(&ma, &t_m_ai, W(a1), 10);
  CHECK(rt_map_has(ma, W(a1)) && !rt_map_has(ma, W(a2)) && !rt_map_has(ma, 0));
  rt_release(ma);
  rt_release(a1);
  rt_release(a2);
  release_temps();
}

static void test_map_cow(void) {
  rt_map *orig = NULL;
  rt_map_set(&orig, &t_m_si, W(rt_str_new("a", 1)), 1);
  rt_map_set(&orig, &t_m_si, W(rt_str_new("b", 1)), 2);
  rt_map *mine;

#define SHARED_CASE(op, expect_mine)                                                      \
  do {                                                                                 \
    mine = orig;                                                                       \
    rt_retain(orig);                                                                   \
    op;                                                                                \
    CHECK(mine != orig && rc_of(orig) == 1 && rc_of(mine) == 1);                       \
    CHECK_SHOW(W(orig), &t_m_si, "{\"a\": 1, \"b\": 2}");                              \
    CHECK_SHOW(W(mine), &t_m_si, expect_mine);                                         \
    rt_release(mine);                                                                  \
  } while (0)

  SHARED_CASE(rt_map_set(&mine, &t_m_si, W(rt_str_new("c", 1)), 3), "{\"a\": 1, \"b\": 2, \"c\": 3}");
  SHARED_CASE(rt_map_set(&mine, &t_m_si, W(rt_str_new("a", 1)), 9), "{\"a\": 9, \"b\": 2}");
  SHARED_CASE(CHECK(rt_map_remove(&mine, W(S("a")))), "{\"b\": 2}");
  SHARED_CASE(*rt_map_at_mut(&mine, W(S("b")), &t_m_si, POS) = 5, "{\"a\": 1, \"b\": 5}");
#undef SHARED_CASE

  /* removing a missing key from a shared map does not copy it */
  mine = orig;
  rt_retain(orig);
  CHECK(!rt_map_remove(&mine, W(S("zz"))) && mine == orig && rc_of(orig) == 2);
  rt_release(mine);

  /* a shared map with tombstones copies compactly, in order */
  rt_map_set(&orig, &t_m_si, W(rt_str_new("c", 1)), 3);
  rt_map_remove(&orig, W(S("a")));
  rt_map_set(&orig, &t_m_si, W(rt_str_new("a", 1)), 4);
  mine = orig;
  rt_retain(orig);
  *rt_map_at_mut(&mine, W(S("c")), &t_m_si, POS) = 30;
  CHECK_SHOW(W(orig), &t_m_si, "{\"b\": 2, \"c\": 3, \"a\": 4}");
  CHECK_SHOW(W(mine), &t_m_si, "{\"b\": 2, \"c\": 30, \"a\": 4}");
  rt_release(mine);
  rt_release(orig);
  release_temps();
}

/* A map against a naive model (an array in insertion order) under random operations,
 * and tombstone compaction: memory stays bounded over many insert/remove cycles. */
static void test_map_model(void) {
  enum { KEYS = 300 };
  int64_t order[KEYS], nord = 0, val[KEYS];
  bool present[KEYS] = {0};
  rt_map *m = NULL;
  uint64_t seed = 99;
  bool ok = true;
  for (int step = 0; step < 200000; step++) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    int64_t key = (int64_t)((seed >> 33) % KEYS) - 100; /* negative keys too */
    int64_t ki = key + 100;
    int op = (int)((seed >> 20) % 3);
    if (op < 2) { /* set */
      rt_map_set(&m, &t_m_ii, (rt_word)key, (rt_word)step);
      if (!present[ki]) {
        present[ki] = true;
        order[nord++] = key;
      }
      val[ki] = step;
    } else { /* remove */
      bool had = rt_map_remove(&m, (rt_word)key);
      ok &= had == present[ki];
      if (had) {
        present[ki] = false;
        int64_t j = 0;
        while (order[j] != key) j++;
        memmove(order + j, order + j + 1, (size_t)(nord - j - 1) * sizeof order[0]);
        nord--;
      }
    }
    if (step % 997 == 0 || step > 199000) {
      ok &= rt_map_len(m) == nord;
      int64_t it = 0, j = 0;
      rt_word k, v;
      while (rt_map_next(m, &it, &k, &v)) {
        ok &= j < nord && (int64_t)k == order[j] && (int64_t)v == val[order[j] + 100];
        j++;
      }
      ok &= j == nord;
      for (int64_t q = -100; q < KEYS - 100; q++) ok &= rt_map_has(m, (rt_word)q) == present[q + 100];
    }
  }
  CHECK(ok);
  rt_release(m);

  /* insert/remove cycles with a few live keys: tombstones are reclaimed */
  m = NULL;
  for (int64_t i = 0; i < 10; i++) rt_map_set(&m, &t_m_ii, (rt_word)i, (rt_word)i);
  struct mallinfo2 before = mallinfo2();
  for (int64_t i = 10; i < 1000000; i++) {
    rt_map_set(&m, &t_m_ii, (rt_word)i, (rt_word)i);
    rt_map_remove(&m, (rt_word)i);
  }
  struct mallinfo2 after = mallinfo2();
  CHECK(after.uordblks < before.uordblks + 4096);
  CHECK(rt_map_len(m) == 10);
  CHECK_SHOW(W(tmp(rt_map_keys(m, &t_lint))), &t_lint, "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]");
  /* a queue: remove the oldest, add a newest; the first live entry stays near the
   * start (tombstones never outnumber live entries) */
  int64_t longest = 0;
  for (int64_t i = 10; i < 200000; i++) {
    int64_t it = 0;
    rt_word k, v;
    rt_map_next(m, &it, &k, &v);
    if (it > longest) longest = it;
    rt_map_remove(&m, k);
    rt_map_set(&m, &t_m_ii, (rt_word)i, 0);
  }
  CHECK(longest <= 11);
  CHECK_SHOW(W(tmp(rt_map_keys(m, &t_lint))), &t_lint,
             "[199990, 199991, 199992, 199993, 199994, 199995, 199996, 199997, 199998, 199999]");
  rt_release(m);

  /* growth to many keys, then removal of all */
  m = NULL;
  for (int64_t i = 0; i < 100000; i++) rt_map_set(&m, &t_m_ii, (rt_word)(i * 7919), (rt_word)i);
  ok = rt_map_len(m) == 100000;
  for (int64_t i = 0; i < 100000; i++) ok &= rt_map_get(m, (rt_word)(i * 7919), &t_m_ii, POS) == (rt_word)i;
  for (int64_t i = 0; i < 100000; i++) ok &= rt_map_remove(&m, (rt_word)(i * 7919));
  ok &= rt_map_len(m) == 0;
  int64_t it = 0;
  rt_word k, v;
  ok &= !rt_map_next(m, &it, &k, &v);
  CHECK(ok);
  rt_release(m);
  release_temps();
}

/* ---- equality and hashing -------------------------------------------------------- */

static void test_eq_hash(void) {
  CHECK(rt_eq(5, 5, &rt_type_int) && !rt_eq(5, 6, &rt_type_int));
  CHECK(rt_eq(1, 1, &rt_type_bool) && !rt_eq(0, 1, &rt_type_bool));
  CHECK(rt_eq(Fw(0.0), Fw(-0.0), &rt_type_float) && !rt_eq(Fw(NAN), Fw(NAN), &rt_type_float));
  CHECK(rt_hash(Fw(0.0), &rt_type_float) == rt_hash(Fw(-0.0), &rt_type_float));
  rt_str *a = S("abcdefghijklmnopq"), *a2 = S("abcdefghijklmnopq");
  CHECK(rt_eq(W(a), W(a2), &rt_type_string) && rt_hash(W(a), &rt_type_string) == rt_hash(W(a2), &rt_type_string));
  CHECK(!rt_eq(W(a), W(S("abcdefghijklmnopr")), &rt_type_string));
  CHECK(rt_hash(W(a), &rt_type_string) != rt_hash(W(S("abcdefghijklmnopr")), &rt_type_string));
  CHECK(rt_eq(0, W(S("")), &rt_type_string) && rt_hash(0, &rt_type_string) == rt_hash(W(S("")), &rt_type_string));
  CHECK(rt_hash(1, &rt_type_int) != rt_hash(2, &rt_type_int));
  rt_actor *x = tmp(stub_actor_new("A", 1)), *y = tmp(stub_actor_new("A", 1));
  CHECK(rt_eq(W(x), W(x), &rt_type_actor) && !rt_eq(W(x), W(y), &rt_type_actor) && !rt_eq(W(x), 0, &rt_type_actor));
  CHECK(rt_eq(0, 0, &rt_type_actor) && rt_eq(0, 0, &rt_type_timer));

  /* lists */
  rt_list *l1 = tmp(INTS(1, 2)), *l2 = tmp(INTS(1, 2)), *l3 = tmp(INTS(2, 1));
  CHECK(rt_eq(W(l1), W(l2), &t_lint) && !rt_eq(W(l1), W(l3), &t_lint));
  CHECK(!rt_eq(W(l1), W(tmp(INTS(1, 2, 3))), &t_lint));
  CHECK(rt_eq(0, 0, &t_lint) && !rt_eq(0, W(l1), &t_lint));
  CHECK(rt_eq(0, W(tmp(rt_list_new_cap(&t_lint, 4))), &t_lint)); /* [] == [] */
  CHECK(rt_hash(W(l1), &t_lint) == rt_hash(W(l2), &t_lint));
  CHECK(rt_eq(W(tmp(STRS("a", ""))), W(tmp(STRS("a", ""))), &t_lstr));
  CHECK(!rt_eq(W(tmp(STRS("a", "b"))), W(tmp(STRS("a", ""))), &t_lstr));
  rt_word nv[] = {W(INTS(1)), W(INTS(2, 3))}, nv2[] = {W(INTS(1)), W(INTS(2, 3))};
  rt_list *n1 = tmp(rt_list_from(&t_llint, 2, nv)), *n2 = tmp(rt_list_from(&t_llint, 2, nv2));
  CHECK(rt_eq(W(n1), W(n2), &t_llint) && rt_hash(W(n1), &t_llint) == rt_hash(W(n2), &t_llint));
  rt_word fv[] = {Fw(NAN)};
  rt_list *fl = tmp(rt_list_from(&t_lfloat, 1, fv));
  CHECK(!rt_eq(W(fl), W(fl), &t_lfloat)); /* [nan] != [nan], even the same list */
  CHECK(rt_list_eq(l1, l1, &t_lint));

  /* maps: insertion order ignored */
  rt_map *m1 = NULL, *m2 = NULL;
  rt_map_set(&m1, &t_m_si, W(rt_str_new("a", 1)), 1);
  rt_map_set(&m1, &t_m_si, W(rt_str_new("b", 1)), 2);
  rt_map_set(&m2, &t_m_si, W(rt_str_new("b", 1)), 2);
  rt_map_set(&m2, &t_m_si, W(rt_str_new("a", 1)), 1);
  tmp(m1);
  tmp(m2);
  CHECK(rt_eq(W(m1), W(m2), &t_m_si) && rt_hash(W(m1), &t_m_si) == rt_hash(W(m2), &t_m_si));
  rt_map *m2b = m2; /* shared: the change below copies */
  rt_retain(m2b);
  *rt_map_at_mut(&m2b, W(S("a")), &t_m_si, POS) = 5;
  CHECK(m2b != m2 && rt_eq(W(m1), W(m2), &t_m_si));
  m2 = tmp(m2b);
  CHECK(!rt_eq(W(m1), W(m2), &t_m_si));
  rt_map *m3 = NULL;
  rt_map_set(&m3, &t_m_si, W(rt_str_new("a", 1)), 1);
  rt_map_set(&m3, &t_m_si, W(rt_str_new("c", 1)), 2);
  tmp(m3);
  CHECK(!rt_eq(W(m1), W(m3), &t_m_si));
  CHECK(rt_eq(0, W(tmp(rt_map_new(&t_m_si))), &t_m_si) && !rt_eq(0, W(m1), &t_m_si));
  rt_map *mf = NULL;
  rt_map_set(&mf, &t_m_bf, 1, Fw(NAN));
  tmp(mf);
  CHECK(!rt_eq(W(mf), W(mf), &t_m_bf));
  release_temps();
}

/* ---- records and enums ----------------------------------------------------------- */

/* record Point(x: Int, y: Int); record Named(name: String, pos: Point, tags: [String]);
 * enum Shape { Empty; Circle(r: Float); Rect(w: Float, h: Float) }; enum Dir { North;
 * East }; enum Chain { Nil; Cons(h: Int, t: Chain) }: descriptors as the compiler
 * emits them, the variants without fields after the first as static values. */
static const char *const point_names[] = {"x", "y"};
static const rt_type *const point_types[] = {&rt_type_int, &rt_type_int};
static const rt_variant point_v[] = {{.name = "Point", .nfields = 2, .field_names = point_names, .field_types = point_types}};
static const rt_data_desc point_d = {.name = "Point", .nvariants = 1, .variants = point_v};
static const rt_type t_point = {.kind = RT_T_RECORD, .data = &point_d};
static const rt_type t_m_point_s = {.kind = RT_T_MAP, .a = &t_point, .b = &rt_type_string};
static const rt_type t_lpoint = {.kind = RT_T_LIST, .a = &t_point};

static const char *const named_names[] = {"name", "pos", "tags"};
static const rt_type *const named_types[] = {&rt_type_string, &t_point, &t_lstr};
static const rt_variant named_v[] = {{.name = "Named", .nfields = 3, .field_names = named_names, .field_types = named_types}};
static const rt_data_desc named_d = {.name = "Named", .nvariants = 1, .variants = named_v};
static const rt_type t_named = {.kind = RT_T_RECORD, .data = &named_d};

static const char *const circle_names[] = {"r"}, *const rect_names[] = {"w", "h"};
static const rt_type *const circle_types[] = {&rt_type_float}, *const rect_types[] = {&rt_type_float, &rt_type_float};
static const rt_variant shape_v[] = {
    {.name = "Empty"},
    {.name = "Circle", .nfields = 1, .field_names = circle_names, .field_types = circle_types},
    {.name = "Rect", .nfields = 2, .field_names = rect_names, .field_types = rect_types},
};
static const rt_data_desc shape_d = {.name = "Shape", .nvariants = 3, .flags = RT_DATA_FLOATS, .variants = shape_v};
static const rt_type t_shape = {.kind = RT_T_ENUM, .data = &shape_d};

static const rt_type t_dir;
static const rt_data unit_east = {.h = {.rc = RT_RC_STATIC, .tag = RT_TAG_DATA | 1u << RT_DATA_VARIANT_SHIFT},
                                  .type = &t_dir};
static const rt_variant dir_v[] = {{.name = "North"}, {.name = "East", .unit = &unit_east}};
static const rt_data_desc dir_d = {.name = "Dir", .nvariants = 2, .variants = dir_v};
static const rt_type t_dir = {.kind = RT_T_ENUM, .data = &dir_d};
static const rt_type t_m_dir_i = {.kind = RT_T_MAP, .a = &t_dir, .b = &rt_type_int};

static const rt_type t_chain;
static const char *const cons_names[] = {"h", "t"};
static const rt_type *const cons_types[] = {&rt_type_int, &t_chain};
static const rt_variant chain_v[] = {{.name = "Nil"}, {.name = "Cons", .nfields = 2, .field_names = cons_names, .field_types = cons_types}};
static const rt_data_desc chain_d = {.name = "Chain", .nvariants = 2, .variants = chain_v};
static const rt_type t_chain = {.kind = RT_T_ENUM, .data = &chain_d};

static rt_data *point(int64_t x, int64_t y) {
  rt_data *p = rt_data_new(&t_point, 0);
  p->f[0] = (rt_word)x;
  p->f[1] = (rt_word)y;
  return p;
}

static rt_data *variant(const rt_type *t, uint32_t k, double a, double b) {
  rt_data *v = rt_data_new(t, k);
  if (k >= 1) v->f[0] = Fw(a);
  if (k == 2) v->f[1] = Fw(b);
  return v;
}

static void test_data(void) {
  /* a new value: counted, tagged with its variant, its fields zero */
  rt_data *r = tmp(rt_data_new(&t_shape, 2));
  CHECK(rc_of(r) == 1 && rt_tag_of(r) == RT_TAG_DATA && rt_data_variant(r) == 2 && r->type == &t_shape);
  CHECK(r->f[0] == 0 && r->f[1] == 0);
  CHECK(rt_data_variant(NULL) == 0);

  /* printed forms: NULL is the zero value; Strings inside quoted */
  CHECK_SHOW(0, &t_point, "Point(x: 0, y: 0)");
  CHECK_SHOW(W(tmp(point(1, -2))), &t_point, "Point(x: 1, y: -2)");
  CHECK_SHOW(0, &t_named, "Named(name: \"\", pos: Point(x: 0, y: 0), tags: [])");
  CHECK_SHOW(0, &t_shape, "Empty");
  CHECK_SHOW(W(tmp(variant(&t_shape, 1, 2.0, 0))), &t_shape, "Circle(r: 2.0)");
  CHECK_SHOW(W(r), &t_shape, "Rect(w: 0.0, h: 0.0)");
  CHECK_SHOW(W(&unit_east), &t_dir, "East");
  rt_data *n = tmp(rt_data_new(&t_named, 0));
  n->f[0] = W(rt_str_new("a \"b\"\n", 6));
  n->f[2] = W(STRS("t"));
  CHECK_SHOW(W(n), &t_named, "Named(name: \"a \\\"b\\\"\\n\", pos: Point(x: 0, y: 0), tags: [\"t\"])");
  CHECK_SHOW(W(tmp(rt_list_from(&t_lpoint, 2, (rt_word[]){W(point(1, 1)), 0}))), &t_lpoint,
             "[Point(x: 1, y: 1), Point(x: 0, y: 0)]");

  /* field_mut: NULL becomes a zero record; a unique one changes in place; a shared
   * one is copied first (its Strings and lists retained, not copied) */
  rt_data *p = NULL;
  *rt_data_field_mut(&p, &t_point, 1) = 7;
  CHECK(p && rc_of(p) == 1 && p->f[0] == 0 && p->f[1] == 7);
  rt_data *same = p;
  *rt_data_field_mut(&p, &t_point, 0) = 3;
  CHECK(p == same && p->f[0] == 3);
  tmp(p);
  rt_retain(n);
  rt_data *n2 = n;
  rt_str *name = Ws(n->f[0]);
  rt_word *pos = rt_data_field_mut(&n2, &t_named, 1);
  CHECK(n2 != n && rc_of(n) == 1 && rc_of(n2) == 1 && rc_of(name) == 2 && Ws(n2->f[0]) == name);
  *rt_data_field_mut((rt_data **)pos, &t_point, 0) = 9;
  CHECK_SHOW(W(n), &t_named, "Named(name: \"a \\\"b\\\"\\n\", pos: Point(x: 0, y: 0), tags: [\"t\"])");
  CHECK_SHOW(W(n2), &t_named, "Named(name: \"a \\\"b\\\"\\n\", pos: Point(x: 9, y: 0), tags: [\"t\"])");
  tmp(n2);

  /* ==: the variant, then the fields; NULL equals an all-zero value, with the same
   * hash; a Float field makes x == x depend on it (nan) */
  CHECK(rt_eq(0, W(tmp(point(0, 0))), &t_point) && rt_hash(0, &t_point) == rt_hash(W(tmp(point(0, 0))), &t_point));
  CHECK(rt_eq(W(tmp(point(1, 2))), W(tmp(point(1, 2))), &t_point) && !rt_eq(W(tmp(point(1, 2))), W(tmp(point(2, 1))), &t_point));
  CHECK(rt_hash(W(tmp(point(1, 2))), &t_point) == rt_hash(W(tmp(point(1, 2))), &t_point));
  CHECK(rt_hash(W(tmp(point(1, 2))), &t_point) != rt_hash(W(tmp(point(2, 1))), &t_point));
  CHECK(rt_eq(0, W(tmp(rt_data_new(&t_shape, 0))), &t_shape));
  CHECK(!rt_eq(0, W(tmp(rt_data_new(&t_shape, 1))), &t_shape)); /* Empty != Circle(r: 0.0) */
  CHECK(rt_eq(W(tmp(variant(&t_shape, 2, 1, 2))), W(tmp(variant(&t_shape, 2, 1, 2))), &t_shape));
  CHECK(!rt_eq(W(tmp(variant(&t_shape, 2, 1, 2))), W(tmp(variant(&t_shape, 2, 2, 1))), &t_shape));
  rt_data *nan = tmp(variant(&t_shape, 1, NAN, 0));
  CHECK(!rt_eq(W(nan), W(nan), &t_shape));
  CHECK(rt_eq(W(&unit_east), W(tmp(rt_data_new(&t_dir, 1))), &t_dir) && !rt_eq(W(&unit_east), 0, &t_dir));
  CHECK(rt_eq(W(n2), W(n2), &t_named) && !rt_eq(W(n), W(n2), &t_named));
  rt_list *pl = tmp(rt_list_from(&t_lpoint, 2, (rt_word[]){W(point(1, 1)), 0}));
  CHECK(rt_list_contains(pl, W(tmp(point(0, 0)))) && !rt_list_contains(pl, W(tmp(point(0, 1)))));

  /* map keys: equal values are one key, NULL and a zero record included */
  rt_map *m = NULL;
  rt_map_set(&m, &t_m_point_s, W(point(1, 2)), W(rt_str_new("a", 1)));
  rt_map_set(&m, &t_m_point_s, 0, W(rt_str_new("zero", 4)));
  rt_map_set(&m, &t_m_point_s, W(point(0, 0)), W(rt_str_new("zero again", 10)));
  rt_map_set(&m, &t_m_point_s, W(point(1, 2)), W(rt_str_new("b", 1)));
  tmp(m);
  CHECK(rt_map_len(m) == 2 && rt_map_has(m, W(tmp(point(1, 2)))) && rt_map_has(m, 0) && !rt_map_has(m, W(tmp(point(2, 1)))));
  CHECK_SHOW(W(m), &t_m_point_s, "{Point(x: 1, y: 2): \"b\", Point(x: 0, y: 0): \"zero again\"}");
  rt_map *dm = NULL;
  rt_map_set(&dm, &t_m_dir_i, W(&unit_east), 1);
  rt_map_set(&dm, &t_m_dir_i, W(rt_data_new(&t_dir, 1)), 2);
  rt_map_set(&dm, &t_m_dir_i, 0, 3);
  tmp(dm);
  CHECK_SHOW(W(dm), &t_m_dir_i, "{East: 2, North: 3}");

  /* a long chain of variants frees in a loop, not a recursion a million deep */
  rt_data *chain = NULL;
  for (int64_t i = 0; i < 1000000; i++) {
    rt_data *c = rt_data_new(&t_chain, 1);
    c->f[0] = (rt_word)i;
    c->f[1] = W(chain);
    chain = c;
  }
  rt_release(chain);
  CHECK(true);
  release_temps();
}

/* ---- values too large ------------------------------------------------------------ */

/* Runs stmt, which must fail with "out of memory (N bytes)" (at any position). */
#define EXPECT_OOM(stmt)                                                                \
  do {                                                                                 \
    rt_fail_guard g_;                                                                  \
    rt_fail_push(&g_, false);                                                          \
    if (setjmp(g_.jb) == 0) {                                                          \
      (void)(stmt);                                                                    \
      rt_fail_pop(&g_);                                                                \
      check(false, __LINE__, "expected out of memory: " #stmt);                        \
    } else {                                                                           \
      rt_fail_pop(&g_);                                                                \
      rt_release(rt_fail_take_reason());                                               \
      check(strncmp(stub_fail_reason, "out of memory (", 15) == 0, __LINE__, #stmt);  \
    }                                                                                  \
  } while (0)

/* Pushes v (retained for the list) until the list cannot grow; returns how many went in. */
static int64_t push_until_full(rt_list **l, rt_str *v) {
  volatile int64_t n = 0; /* kept across the longjmp */
  for (;;) {
    rt_fail_guard g;
    rt_fail_push(&g, true);
    if (setjmp(g.jb) != 0) {
      rt_fail_pop(&g);
      rt_release(rt_fail_take_reason());
      return n;
    }
    rt_retain(v);
    rt_list_push(l, &t_lstr, W(v));
    rt_fail_pop(&g);
    n++;
  }
}

static int64_t set_until_full(rt_map **m, rt_str *v) {
  volatile int64_t n = 0;
  for (;;) {
    rt_fail_guard g;
    rt_fail_push(&g, true);
    if (setjmp(g.jb) != 0) {
      rt_fail_pop(&g);
      rt_release(rt_fail_take_reason());
      return n;
    }
    rt_retain(v);
    rt_map_set(m, &t_m_is, (rt_word)n, W(v)); /* Int keys: nothing to release */
    rt_fail_pop(&g);
    n++;
  }
}

/* A size computed from values that overflows is "integer overflow"; a value too large
 * for the system (here: above a limit of 1 MiB the test sets) fails with "out of
 * memory (N bytes)", leaving what it was to change as it was and releasing what was
 * handed to it. */
static void test_too_large(void) {
  EXPECT_FAIL(rt_str_repeat(S("xy"), INT64_MAX, POS), "integer overflow");
  EXPECT_FAIL(rt_str_repeat(S("x"), INT64_MAX / 2 + 2, POS), "out of memory (4611686018427387922 bytes)");
  rt_mem_set_value_limit(1 << 20);
  EXPECT_FAIL(rt_str_repeat(S("x"), 2 << 20, POS), "out of memory (2097169 bytes)");
  rt_str *big = tmp(rt_str_repeat(S("x"), 600000, POS));
  CHECK(rt_str_len(big) == 600000);
  EXPECT_FAIL(rt_list_join(tmp(STRS("a", "b", "c")), big, POS), "out of memory (1200020 bytes)");
  EXPECT_OOM(rt_str_cat(big, big));
  rt_str *parts[3] = {big, S("-"), big};
  EXPECT_OOM(rt_str_cat_n(3, parts));

  /* a list that cannot grow keeps its elements; the one pushed is released */
  rt_str *v = rt_str_new("element", 7);
  rt_list *l = NULL;
  int64_t n = push_until_full(&l, v);
  CHECK(n == (1 << 20) / 8 && rt_list_len(l) == n && rc_of(v) == n + 1);
  CHECK(Ws(l->data[n - 1]) == v);
  /* its printed form is larger than the limit: the buffer is freed, the actor fails */
  EXPECT_OOM(rt_str_of(W(l), &t_lstr));
  rt_release(l);
  CHECK(rc_of(v) == 1);

  /* a map that cannot grow keeps its entries; the key and value handed in are released */
  rt_map *m = NULL;
  n = set_until_full(&m, v);
  CHECK(n > 1000 && rt_map_len(m) == n && rc_of(v) == n + 1);
  CHECK(Ws(rt_map_get(m, (rt_word)(n - 1), &t_m_is, POS)) == v);
  rt_release(m);
  CHECK(rc_of(v) == 1);
  rt_release(v);

  /* a buffer that cannot grow */
  rt_buf b = {0};
  rt_buf_put(&b, big->data, big->len);
  EXPECT_OOM(rt_buf_put(&b, big->data, big->len));
  CHECK(b.p == NULL && b.len == 0);
  rt_mem_set_value_limit((size_t)-1);
  release_temps();
}

/* The map keys' hash is keyed: SipHash (the reference's test vectors, with the
 * round counts as parameters), different keys give different hashes, and each process
 * draws its own keys (two runs of this program hash a string differently). */
static const char *const probe_key = "room1234";

/* The hash of probe_key in a new process running this program ("hash"), or 0. */
static uint64_t hash_in_child(void) {
  char self[4096], cmd[4200];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return 0;
  self[n] = 0;
  snprintf(cmd, sizeof cmd, "'%s' hash", self);
  FILE *f = popen(cmd, "r");
  unsigned long long h = 0;
  if (f) {
    if (fscanf(f, "%llx", &h) != 1) h = 0;
    pclose(f);
  }
  return h;
}

static void test_keyed_hash(void) {
  unsigned char key[16], msg[64];
  for (int i = 0; i < 16; i++) key[i] = (unsigned char)i;
  for (int i = 0; i < 64; i++) msg[i] = (unsigned char)i;
  CHECK(rt_siphash(key, msg, 15, 2, 4) == 0xa129ca6149be45e5ull); /* the paper's example */
  CHECK(rt_siphash(key, msg, 0, 2, 4) == 0x726fdb47dd0e0e31ull);  /* vectors.h, length 0 */
  CHECK(rt_siphash(key, msg, 15, 1, 3) != rt_siphash(key, msg, 15, 2, 4));
  uint64_t c1 = hash_in_child(), c2 = hash_in_child();
  CHECK(c1 != 0 && c2 != 0 && c1 != c2);
  rt_str *s = S(probe_key);
  uint64_t h1 = rt_hash(W(s), &rt_type_string), i1 = rt_hash(7, &rt_type_int);
  CHECK(h1 != c1 && h1 != c2);
  rt_hash_set_keys(1, 2, 3);
  uint64_t h2 = rt_hash(W(s), &rt_type_string), i2 = rt_hash(7, &rt_type_int);
  unsigned char k12[16] = {1, 0, 0, 0, 0, 0, 0, 0, 2};
  CHECK(h2 == rt_siphash(k12, "room1234", 8, 1, 3));
  CHECK(h1 != h2 && i1 != i2);
  release_temps();
}

/* ---- conversions ----------------------------------------------------------------- */

/* parse_int / parse_float of text must fail with `cannot parse "text"`. */
static void expect_parse_fail(bool as_float, const char *text) {
  char why[256];
  snprintf(why, sizeof why, "cannot parse \"%s\"", text);
  if (as_float)
    EXPECT_FAIL(rt_parse_float(S(text), POS), why);
  else
    EXPECT_FAIL(rt_parse_int(S(text), POS), why);
}

static void test_conversions(void) {
  CHECK(rt_float_to_int(3.9, POS) == 3 && rt_float_to_int(-3.9, POS) == -3);
  CHECK(rt_float_to_int(-0.0, POS) == 0);
  CHECK(rt_float_to_int(-9223372036854775808.0, POS) == INT64_MIN);
  CHECK(rt_float_to_int(9223372036854774784.0, POS) == 9223372036854774784); /* largest below 2^63 */
  EXPECT_FAIL(rt_float_to_int(9223372036854775808.0, POS), "integer overflow");
  EXPECT_FAIL(rt_float_to_int(-9223372036854777856.0, POS), "integer overflow");
  EXPECT_FAIL(rt_float_to_int(1e300, POS), "integer overflow");
  EXPECT_FAIL(rt_float_to_int(INFINITY, POS), "integer overflow");
  EXPECT_FAIL(rt_float_to_int(-INFINITY, POS), "integer overflow");
  EXPECT_FAIL(rt_float_to_int(NAN, POS), "invalid conversion of nan to Int");

  CHECK(rt_parse_int(S("0"), POS) == 0);
  CHECK(rt_parse_int(S("-0"), POS) == 0);
  CHECK(rt_parse_int(S("+5"), POS) == 5);
  CHECK(rt_parse_int(S("007"), POS) == 7);
  CHECK(rt_parse_int(S("-42"), POS) == -42);
  CHECK(rt_parse_int(S("9223372036854775807"), POS) == INT64_MAX);
  CHECK(rt_parse_int(S("-9223372036854775808"), POS) == INT64_MIN);
  CHECK(rt_parse_int(S("00000000000000000000000000009"), POS) == 9);
  static const char *bad_ints[] = {"",    "-",   "+",    " 1",   "1 ",   "1.0", "9223372036854775808",
                                   "-9223372036854775809", "0x10", "1_000", "--1", "1e3", "١"};
  for (size_t i = 0; i < sizeof bad_ints / sizeof bad_ints[0]; i++) expect_parse_fail(false, bad_ints[i]);
  EXPECT_FAIL(rt_parse_int(NULL, POS), "cannot parse \"\"");
  EXPECT_FAIL(rt_parse_int(S("a\"b\\c\nd\te\r"), POS), "cannot parse \"a\\\"b\\\\c\\nd\\te\\r\"");
  EXPECT_FAIL(rt_parse_int(tmp(rt_str_new("12\0" "3", 4)), POS), "cannot parse \"12");
  rt_str *longs = tmp(rt_str_repeat(S("x"), 1000, POS));
  char why[300] = "cannot parse \"";
  memset(why + 14, 'x', 200);
  strcpy(why + 214, "...\"");
  EXPECT_FAIL(rt_parse_int(longs, POS), why);

  CHECK(rt_parse_float(S("1"), POS) == 1.0);
  CHECK(rt_parse_float(S("1.5"), POS) == 1.5);
  CHECK(rt_parse_float(S("-2.5e-3"), POS) == -2.5e-3);
  CHECK(rt_parse_float(S("1E5"), POS) == 1e5);
  CHECK(rt_parse_float(S("+1e+2"), POS) == 100.0);
  CHECK(rt_parse_float(S("0.30000000000000004"), POS) == 0.1 + 0.2);
  CHECK(rt_parse_float(S("1e400"), POS) == INFINITY);
  CHECK(rt_parse_float(S("-1e-400"), POS) == 0 && signbit(rt_parse_float(S("-1e-400"), POS)));
  CHECK(rt_parse_float(S("inf"), POS) == INFINITY);
  CHECK(rt_parse_float(S("-Infinity"), POS) == -INFINITY);
  CHECK(rt_parse_float(S("+INF"), POS) == INFINITY);
  CHECK(isnan(rt_parse_float(S("NaN"), POS)) && isnan(rt_parse_float(S("-nan"), POS)));
  static const char *bad_floats[] = {"",    "1.",    ".5",  "e5", "1e",   "1e+",  " 1",  "1 ", "abc",
                                     "infx", "0x1p3", "in",  "nan1", "1.5.2", "1e5.0", "+-1", "-", "1,5"};
  for (size_t i = 0; i < sizeof bad_floats / sizeof bad_floats[0]; i++) expect_parse_fail(true, bad_floats[i]);
  EXPECT_FAIL(rt_parse_float(NULL, POS), "cannot parse \"\"");
  release_temps();
}

/* ---- closures and retain/release by type ----------------------------------------- */

static int drops;
static void drop_closure(rt_closure *c) {
  drops++;
  rt_release(*(rt_str **)(c + 1)); /* a captured String */
}

static void test_closures_words(void) {
  rt_closure *c = rt_closure_new(sizeof(rt_closure) + 16);
  CHECK(rc_of(c) == 1 && rt_tag_of(c) == RT_TAG_CLOSURE);
  CHECK(!c->run && !c->run_else && !c->drop && !c->answer_type);
  CHECK(*(uint64_t *)(c + 1) == 0 && *((uint64_t *)(c + 1) + 1) == 0);
  *(rt_str **)(c + 1) = rt_str_new("captured", 8);
  c->drop = drop_closure;
  rt_retain(c);
  rt_release(c);
  CHECK(drops == 0);
  rt_release(c);
  CHECK(drops == 1);
  rt_release(rt_closure_new(sizeof(rt_closure))); /* no drop function */

  rt_str *s = rt_str_new("w", 1);
  rt_word_retain(W(s), &rt_type_string);
  CHECK(rc_of(s) == 2);
  rt_word_release(W(s), &rt_type_string);
  rt_word_release(W(s), &rt_type_string); /* freed */
  rt_word_retain(12345, &rt_type_int);     /* not a pointer: ignored */
  rt_word_release(12345, &rt_type_int);
  rt_word_release(Fw(1.5), &rt_type_float);
  rt_word_retain(0, &t_lint);
  rt_word_release(0, &t_m_si);
  CHECK(rt_type_int.kind == RT_T_INT && rt_type_float.kind == RT_T_FLOAT && rt_type_bool.kind == RT_T_BOOL &&
        rt_type_string.kind == RT_T_STRING && rt_type_actor.kind == RT_T_ACTOR &&
        rt_type_timer.kind == RT_T_TIMER);
  CHECK(!rt_type_is_ref(&rt_type_float) && rt_type_is_ref(&rt_type_string) && rt_type_is_ref(&t_m_si));
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "hash") == 0) { /* hash_in_child */
    rt_str *s = rt_str_new(probe_key, (int64_t)strlen(probe_key));
    printf("%llx\n", (unsigned long long)rt_hash((rt_word)(uintptr_t)s, &rt_type_string));
    rt_release(s);
    return 0;
  }
  stub_core_init();
  test_strings();
  test_split_join();
  test_float_repr();
  test_printed_forms();
  test_buf();
  test_lists();
  test_list_cow();
  test_sort();
  test_maps();
  test_map_cow();
  test_map_model();
  test_eq_hash();
  test_data();
  test_conversions();
  test_closures_words();
  test_too_large();
  test_keyed_hash(); /* last: it changes the hash keys, which maps made before would not survive */
  printf("test_values: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}

/* rt_values.h — the value library (runtime/values/): reference counting, strings,
 * lists, maps, printed forms, equality, hashing, conversions and closures, on top of
 * runtime/base.  What it shares inside itself and with the layers above; the public
 * half is in include/actor_rt.h.
 *
 * Actors and timers are values too (references that print as NAME#NUMBER), but their
 * types belong to the core: the core registers how such objects are freed and printed
 * (rt_obj_register), so nothing here calls up into it. */
#ifndef RT_VALUES_H
#define RT_VALUES_H

#include "base/rt_base.h"

/* ---- rt_obj.c: reference counts, and the objects of the layers above ----------- */

/* Frees an object whose count reached zero: dispatches on the tag. */
void rt_obj_free(void *obj);
/* Lets go of one reference to obj (not NULL) as rt_release does, but instead of freeing
 * the object returns true when that was the last: the caller frees it (in a loop,
 * where rt_release would recurse). */
bool rt_release_last(void *obj);

/* How objects whose type belongs to a layer above (RT_TAG_ACTOR, RT_TAG_TIMER) are
 * freed when their count reaches zero and printed: NAME#NUMBER.  The core registers
 * both classes before the first actor or timer exists (rt_sched_init). */
typedef struct rt_obj_class {
  void (*free)(void *obj);
  const char *(*name)(const void *obj); /* the kind's name: "Worker", "Timer" */
  uint64_t (*number)(const void *obj);  /* in creation order: Worker#5 */
} rt_obj_class;
void rt_obj_register(uint32_t tag, const rt_obj_class *c);
const rt_obj_class *rt_obj_class_of(uint32_t tag); /* an internal error when unregistered */

/* ---- rt_str.c: strings ----------------------------------------------------------- */

/* The initialiser of a static String (rc RT_RC_STATIC: never counted, written or
 * freed), as the compiler emits literals:  static const rt_str s = RT_STATIC_STR("no");
 * (an initialised flexible array member, a GNU C extension gcc and clang accept). */
#define RT_STATIC_STR(lit) {.h = {.rc = RT_RC_STATIC, .tag = RT_TAG_STR}, .len = sizeof(lit) - 1, .data = lit}

/* ---- rt_fmt.c: printed forms and the byte buffer ------------------------------- */

/* A growable byte buffer for building strings (printed forms, joins). */
typedef struct rt_buf {
  char *p;
  int64_t len, cap;
  int64_t limit; /* 0: none; else printed forms stop adding elements and fields past it */
} rt_buf;
/* A bounded buffer (limit set) that has reached its limit: rt_buf_value adds no more
 * elements of lists and maps, nor fields of records, so a huge value's printed form
 * costs no more than its first `limit` bytes (the trace's message arguments). */
static inline bool rt_buf_full(const rt_buf *b) { return RT_UNLIKELY(b->limit != 0) && b->len >= b->limit; }
void rt_buf_put(rt_buf *b, const char *s, int64_t n);
void rt_buf_putc(rt_buf *b, char c);
void rt_buf_puts(rt_buf *b, const char *s);
/* Appends the printed form of v (strings quoted when `quoted`: inside containers). */
void rt_buf_value(rt_buf *b, rt_word v, const rt_type *t, bool quoted);
rt_str *rt_buf_finish(rt_buf *b); /* the buffer's bytes as a String; frees the buffer */
void rt_buf_free(rt_buf *b);
int rt_fmt_float(double v, char out[32]); /* Python's repr of v; returns its length */
/* The reasons that say which index or key (LANGUAGE.md §7): "index 7 out of range
 * (length 3)" (what: NULL, or "insert" for "insert: index 7 ..."), "slice(2, 9) out
 * of range (length 4)", and "missing key "bob"" (the key's printed form, cut at
 * RT_REASON_KEY_BYTES bytes). */
enum { RT_REASON_KEY_BYTES = 100 };
_Noreturn void rt_fail_index(const char *what, int64_t i, int64_t len, const char *pos);
_Noreturn void rt_fail_slice(int64_t a, int64_t b, int64_t len, const char *pos);
_Noreturn void rt_fail_key(rt_word k, const rt_type *key_type, const char *pos);
/* The letter after '\\' that c takes in a String's quoted form (inside lists and maps,
 * and in `cannot parse "TEXT"`), or 0 when c is written as it is. */
static inline char rt_quote_escape(char c) {
  switch (c) {
  case '"': return '"';
  case '\\': return '\\';
  case '\n': return 'n';
  case '\t': return 't';
  case '\r': return 'r';
  default: return 0;
  }
}

/* ---- rt_list.c, rt_map.c: containers ------------------------------------------- */

rt_list *rt_list_new_cap(const rt_type *lt, int64_t cap);
void rt_list_free(rt_list *l);
bool rt_list_eq(rt_list *a, rt_list *b, const rt_type *lt);
uint64_t rt_list_hash(rt_list *l, const rt_type *lt);
void rt_map_free(rt_map *m);
bool rt_map_eq(rt_map *a, rt_map *b, const rt_type *mt);
uint64_t rt_map_hash(rt_map *m, const rt_type *mt);

/* ---- rt_data.c: records and enums ---------------------------------------------- */

/* The variant of d (0 for NULL, the zero value). */
static inline uint32_t rt_data_variant(const rt_data *d) { return d ? d->h.tag >> RT_DATA_VARIANT_SHIFT : 0; }
/* A variant that has no fields as a value: NULL for the first, else its static value. */
static inline rt_word rt_data_unit(const rt_type *t, uint32_t k) { return (rt_word)(uintptr_t)t->data->variants[k].unit; }
void rt_data_free(rt_data *d);
bool rt_data_eq(const rt_data *a, const rt_data *b, const rt_type *t);
uint64_t rt_data_hash(const rt_data *d, const rt_type *t);
void rt_data_put(rt_buf *b, const rt_data *d, const rt_type *t); /* the printed form */

/* ---- rt_value.c: what every value shares --------------------------------------- */

/* A map key's hash, keyed per process (SipHash-1-3 for strings: see rt_value.c). */
uint64_t rt_hash(rt_word v, const rt_type *t);
/* Tests: SipHash-c-d of p[0..n) under a 16-byte key (the reference's test vectors),
 * and setting this process's hash keys. */
uint64_t rt_siphash(const unsigned char key[16], const void *p, size_t n, int c, int d);
void rt_hash_set_keys(uint64_t k0, uint64_t k1, uint64_t kw);
void rt_word_retain(rt_word v, const rt_type *t);
void rt_word_release(rt_word v, const rt_type *t);
void rt_closure_free(rt_closure *c);

#endif

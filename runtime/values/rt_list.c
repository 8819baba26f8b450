/* rt_list.c — Lists ([T]): construction, the built-in List methods of LANGUAGE.md §6
 * (join is in rt_str.c: it builds a string), copy on write, list equality and hashing.
 *
 * Invariants
 *   - NULL is the empty list.  Functions that would return an empty new list return
 *     NULL (no allocation); rt_list_new_cap always allocates.
 *   - A list owns its elements: data[0..len) hold one reference each (for reference
 *     element types, l->type->a), released when removed, overwritten or freed.
 *   - A list is changed in place only when the caller's variable holds the only
 *     reference (rt_is_unique); otherwise the functions taking rt_list **pl copy it
 *     first (retaining the elements into the copy), drop the caller's reference to the
 *     shared one, and store the copy in *pl.  Static lists (rc RT_RC_STATIC) are never
 *     unique, so they are never written.
 *   - Storage: a new list keeps its first `cap` slots in the same allocation, right
 *     after the header (data == inline_data(l)); growing past them moves the elements
 *     to a separate buffer, grown by doubling.  The header itself never moves, so a
 *     list's address is stable for as long as it lives.
 *   - Growing or copying a list too large for the system fails the calling actor
 *     ("out of memory (N bytes)", rt_value_alloc) and leaves the list as it was; a
 *     word handed in to be stored is released then.
 */
#include "values/rt_values.h"

static inline rt_word *inline_data(rt_list *l) { return (rt_word *)(l + 1); }
static inline const rt_type *elem_type(const rt_list *l) { return l->type->a; }

#define LIST_MIN_CAP 4

/* ---- allocation and copy on write ------------------------------------------------ */

/* More elements than any memory holds: the size in bytes would not fit a size_t. */
#define CAP_MAX ((int64_t)(((size_t)-1 - sizeof(rt_list)) / sizeof(rt_word) / 2))

rt_list *rt_list_new_cap(const rt_type *lt, int64_t cap) {
  if (cap < 1) cap = 1;
  if (RT_UNLIKELY(cap > CAP_MAX)) rt_fail_oom((size_t)-1, NULL);
  rt_list *l = rt_value_alloc(sizeof(rt_list) + (size_t)cap * sizeof(rt_word));
  rt_hdr_init(l, RT_TAG_LIST);
  l->len = 0;
  l->cap = cap;
  l->type = lt;
  l->data = inline_data(l);
  return l;
}

void rt_list_free(rt_list *l) {
  if (rt_type_is_ref(elem_type(l)))
    for (int64_t i = 0; i < l->len; i++) rt_release((void *)(uintptr_t)l->data[i]);
  if (l->data != inline_data(l)) rt_free(l->data);
  rt_free(l);
}

/* A copy of l's elements [a, b) with room for `extra` more; the elements retained. */
static rt_list *copy_range(rt_list *l, int64_t a, int64_t b, int64_t extra) {
  rt_list *c = rt_list_new_cap(l->type, b - a + extra);
  memcpy(c->data, l->data + a, (size_t)(b - a) * sizeof(rt_word));
  c->len = b - a;
  if (rt_type_is_ref(elem_type(l)))
    for (int64_t i = 0; i < c->len; i++) rt_retain((void *)(uintptr_t)c->data[i]);
  return c;
}

/* Makes *pl a list the caller may change: creates it (of type lt) when NULL, copies it
 * when shared, leaving room for `extra` more elements in a fresh copy. */
static rt_list *make_unique(rt_list **pl, const rt_type *lt, int64_t extra) {
  rt_list *l = *pl;
  if (!l) return *pl = rt_list_new_cap(lt, extra > LIST_MIN_CAP ? extra : LIST_MIN_CAP);
  if (RT_LIKELY(rt_is_unique(l))) return l;
  rt_list *c = copy_range(l, 0, l->len, extra);
  rt_release(l);
  return *pl = c;
}

/* Room for n more elements in a unique list.  Too large: the actor fails with the list
 * as it was. */
static void reserve(rt_list *l, int64_t n) {
  if (RT_LIKELY(l->cap - l->len >= n)) return;
  int64_t cap = l->cap * 2; /* cap <= CAP_MAX: no overflow */
  if (cap < l->len + n) cap = l->len + n;
  if (cap < LIST_MIN_CAP) cap = LIST_MIN_CAP;
  if (RT_UNLIKELY(cap > CAP_MAX)) rt_fail_oom((size_t)-1, NULL);
  if (l->data == inline_data(l)) {
    rt_word *d = rt_value_alloc((size_t)cap * sizeof(rt_word));
    memcpy(d, l->data, (size_t)l->len * sizeof(rt_word));
    l->data = d;
  } else {
    l->data = rt_value_realloc(l->data, (size_t)cap * sizeof(rt_word));
  }
  l->cap = cap;
}

/* A word handed to a function that may fail before it has stored it: released if the
 * failure unwinds (a cleanup, under -fexceptions), kept once `t` is cleared. */
typedef struct held_word {
  rt_word v;
  const rt_type *t; /* NULL once the word has been stored */
} held_word;
static void drop_held(held_word *h) {
  if (h->t) rt_word_release(h->v, h->t);
}

/* ---- construction and access ----------------------------------------------------- */

rt_list *rt_list_from(const rt_type *lt, int64_t n, const rt_word *elems) {
  if (n <= 0) return NULL;
  rt_list *l = rt_list_new_cap(lt, n);
  memcpy(l->data, elems, (size_t)n * sizeof(rt_word));
  l->len = n;
  return l;
}

int64_t rt_list_len(rt_list *l) { return l ? l->len : 0; }

static inline bool in_range(int64_t i, int64_t n) { return (uint64_t)i < (uint64_t)n; }

/* An index out of range (what: NULL for a[i], or "remove"), apart and cold: it takes
 * the list rather than its length, so that the fast paths keep nothing for it (with
 * the length as an argument, rt_list_get held it in a register: one instruction more
 * per read). */
static __attribute__((noinline, cold, noreturn)) void fail_index(const char *what, rt_list *l, int64_t i,
                                                                 const char *pos) {
  rt_fail_index(what, i, rt_list_len(l), pos);
}

rt_word rt_list_get(rt_list *l, int64_t i, const char *pos) {
  if (RT_UNLIKELY(!in_range(i, rt_list_len(l)))) fail_index(NULL, l, i, pos);
  return l->data[i];
}

rt_word *rt_list_at_mut(rt_list **pl, int64_t i, const char *pos) {
  if (RT_UNLIKELY(!in_range(i, rt_list_len(*pl)))) fail_index(NULL, *pl, i, pos);
  return &make_unique(pl, NULL, 0)->data[i];
}

/* ---- changing a list ------------------------------------------------------------- */

void rt_list_push(rt_list **pl, const rt_type *lt, rt_word v) {
  held_word held __attribute__((cleanup(drop_held))) = {v, lt->a};
  rt_list *l = make_unique(pl, lt, 1);
  reserve(l, 1);
  l->data[l->len++] = v;
  held.t = NULL;
}

rt_word rt_list_pop(rt_list **pl, const char *pos) {
  if (RT_UNLIKELY(rt_list_len(*pl) == 0)) rt_fail("pop() on an empty list", pos);
  rt_list *l = *pl;
  if (!rt_is_unique(l)) {
    /* Copy all but the last element, and hand out a new reference to the last. */
    rt_word v = l->data[l->len - 1];
    rt_word_retain(v, elem_type(l));
    *pl = l->len > 1 ? copy_range(l, 0, l->len - 1, 0) : NULL;
    rt_release(l);
    return v;
  }
  return l->data[--l->len];
}

/* v stays the caller's until it is stored: when insert fails, the caller still holds
 * it (the generated code keeps it in its temp until the call returns, and releases it
 * when the failure unwinds). */
void rt_list_insert(rt_list **pl, const rt_type *lt, int64_t i, rt_word v, const char *pos) {
  int64_t n = rt_list_len(*pl);
  if (RT_UNLIKELY(i < 0 || i > n)) rt_fail_index("insert", i, n, pos); /* v stays the caller's */
  rt_list *l = make_unique(pl, lt, 1);
  reserve(l, 1);
  memmove(l->data + i + 1, l->data + i, (size_t)(n - i) * sizeof(rt_word));
  l->data[i] = v;
  l->len++;
}

rt_word rt_list_remove(rt_list **pl, int64_t i, const char *pos) {
  if (RT_UNLIKELY(!in_range(i, rt_list_len(*pl)))) fail_index("remove", *pl, i, pos);
  rt_list *l = make_unique(pl, NULL, 0);
  rt_word v = l->data[i];
  memmove(l->data + i, l->data + i + 1, (size_t)(l->len - i - 1) * sizeof(rt_word));
  l->len--;
  return v;
}

void rt_list_reverse(rt_list **pl) {
  if (rt_list_len(*pl) < 2) return;
  rt_list *l = make_unique(pl, NULL, 0);
  for (int64_t i = 0, j = l->len - 1; i < j; i++, j--) {
    rt_word t = l->data[i];
    l->data[i] = l->data[j];
    l->data[j] = t;
  }
}

/* ---- reading a list -------------------------------------------------------------- */

bool rt_list_contains(rt_list *l, rt_word v) {
  if (!l) return false;
  const rt_type *t = elem_type(l);
  switch (t->kind) {
  case RT_T_INT:
  case RT_T_BOOL:
  case RT_T_ACTOR:
  case RT_T_TIMER:
  case RT_T_REPLY:
    for (int64_t i = 0; i < l->len; i++)
      if (l->data[i] == v) return true;
    return false;
  case RT_T_STRING:
    for (int64_t i = 0; i < l->len; i++)
      if (rt_str_eq((rt_str *)(uintptr_t)l->data[i], (rt_str *)(uintptr_t)v)) return true;
    return false;
  default:
    for (int64_t i = 0; i < l->len; i++)
      if (rt_eq(l->data[i], v, t)) return true;
    return false;
  }
}

rt_list *rt_list_slice(rt_list *l, int64_t a, int64_t b, const char *pos) {
  int64_t n = rt_list_len(l);
  if (RT_UNLIKELY(a < 0 || a > b || b > n)) rt_fail_slice(a, b, n, pos);
  if (a == b) return NULL;
  if (a == 0 && b == n) { /* the whole list: share it (copy on write keeps it a value) */
    rt_retain(l);
    return l;
  }
  return copy_range(l, a, b, 0);
}

/* True when values of type t may contain a Float, whose nan is not equal to itself: then
 * a list is not necessarily equal to itself and identity proves nothing. */
static bool may_hold_float(const rt_type *t) {
  switch (t->kind) {
  case RT_T_FLOAT: return true;
  case RT_T_LIST: return may_hold_float(t->a);
  case RT_T_MAP: return may_hold_float(t->b);
  default: return false;
  }
}

/* Called by rt_eq (rt_value.c) for lists; lt is the list type. */
bool rt_list_eq(rt_list *a, rt_list *b, const rt_type *lt) {
  int64_t n = rt_list_len(a);
  if (n != rt_list_len(b)) return false;
  if (n == 0 || (a == b && !may_hold_float(lt->a))) return true;
  const rt_type *t = lt->a;
  switch (t->kind) {
  case RT_T_INT:
  case RT_T_BOOL:
  case RT_T_ACTOR:
  case RT_T_TIMER:
  case RT_T_REPLY: return memcmp(a->data, b->data, (size_t)n * sizeof(rt_word)) == 0;
  case RT_T_STRING:
    for (int64_t i = 0; i < n; i++)
      if (!rt_str_eq((rt_str *)(uintptr_t)a->data[i], (rt_str *)(uintptr_t)b->data[i])) return false;
    return true;
  default: /* nested values: rt_eq recurses (deep in a recursion: stack overflow) */
    if (RT_UNLIKELY(rt_stack_low())) rt_fail("stack overflow", NULL);
    for (int64_t i = 0; i < n; i++)
      if (!rt_eq(a->data[i], b->data[i], t)) return false;
    return true;
  }
}

/* Called by rt_hash (rt_value.c) for lists: consistent with rt_list_eq. */
uint64_t rt_list_hash(rt_list *l, const rt_type *lt) {
  if (RT_UNLIKELY(rt_stack_low())) rt_fail("stack overflow", NULL); /* it recurses */
  uint64_t h = 0x6a09e667f3bcc909ull;
  for (int64_t i = 0, n = rt_list_len(l); i < n; i++)
    h = (h ^ rt_hash(l->data[i], lt->a)) * 0x100000001b3ull + (uint64_t)i;
  return rt_hash(h, &rt_type_int);
}

/* ---- sort -------------------------------------------------------------------------
 * Introsort (quicksort with median-of-three pivots, insertion sort for short runs,
 * heapsort past 2*log2(n) levels, so never quadratic), specialised per element kind:
 * Ints compare as int64_t, Strings bytewise through rt_str_cmp, and Floats are mapped
 * to int64_t keys whose order is the IEEE order (-0.0 just before 0.0) once the NaNs
 * have been moved to the end.  Not stable (LANGUAGE.md does not ask for it). */

#define SORT_SWAP(T, x, y)                                                              \
  do {                                                                                 \
    T t_ = (x);                                                                        \
    (x) = (y);                                                                         \
    (y) = t_;                                                                          \
  } while (0)

#define DEFINE_SORT(NAME, T, LESS)                                                     \
  static void NAME##_insertion(T *a, int64_t n) {                                      \
    for (int64_t i = 1; i < n; i++) {                                                  \
      T x = a[i];                                                                      \
      int64_t j = i;                                                                   \
      for (; j > 0 && LESS(x, a[j - 1]); j--) a[j] = a[j - 1];                         \
      a[j] = x;                                                                        \
    }                                                                                  \
  }                                                                                    \
  static void NAME##_sift(T *a, int64_t i, int64_t n) {                                \
    T x = a[i];                                                                        \
    for (;;) {                                                                         \
      int64_t c = 2 * i + 1;                                                           \
      if (c >= n) break;                                                               \
      if (c + 1 < n && LESS(a[c], a[c + 1])) c++;                                      \
      if (!LESS(x, a[c])) break;                                                       \
      a[i] = a[c];                                                                     \
      i = c;                                                                           \
    }                                                                                  \
    a[i] = x;                                                                          \
  }                                                                                    \
  static void NAME##_heap(T *a, int64_t n) {                                           \
    for (int64_t i = n / 2; i-- > 0;) NAME##_sift(a, i, n);                            \
    for (int64_t end = n - 1; end > 0; end--) {                                        \
      SORT_SWAP(T, a[0], a[end]);                                                      \
      NAME##_sift(a, 0, end);                                                          \
    }                                                                                  \
  }                                                                                    \
  static void NAME##_intro(T *a, int64_t n, int depth) {                               \
    while (n > 16) {                                                                   \
      if (depth-- == 0) {                                                              \
        NAME##_heap(a, n);                                                             \
        return;                                                                        \
      }                                                                                \
      /* median of three to a[0], then a Hoare partition around it */                  \
      int64_t m = n / 2, z = n - 1;                                                    \
      if (LESS(a[m], a[0])) SORT_SWAP(T, a[m], a[0]);                                  \
      if (LESS(a[z], a[m])) {                                                          \
        SORT_SWAP(T, a[z], a[m]);                                                      \
        if (LESS(a[m], a[0])) SORT_SWAP(T, a[m], a[0]);                                \
      }                                                                                \
      SORT_SWAP(T, a[m], a[0]);                                                        \
      T p = a[0];                                                                      \
      int64_t i = 0, j = n;                                                            \
      for (;;) {                                                                       \
        do i++; while (i < n && LESS(a[i], p));                                        \
        do j--; while (LESS(p, a[j]));                                                 \
        if (i >= j) break;                                                             \
        SORT_SWAP(T, a[i], a[j]);                                                      \
      }                                                                                \
      a[0] = a[j];                                                                     \
      a[j] = p;                                                                        \
      /* recurse into the smaller side, loop on the larger: O(log n) stack */          \
      if (j < n - j - 1) {                                                             \
        NAME##_intro(a, j, depth);                                                     \
        a += j + 1, n -= j + 1;                                                        \
      } else {                                                                         \
        NAME##_intro(a + j + 1, n - j - 1, depth);                                     \
        n = j;                                                                         \
      }                                                                                \
    }                                                                                  \
    NAME##_insertion(a, n);                                                            \
  }                                                                                    \
  static void NAME##_sort(T *a, int64_t n) {                                           \
    int depth = 0;                                                                     \
    for (int64_t k = n; k > 1; k >>= 1) depth += 2;                                    \
    NAME##_intro(a, n, depth);                                                         \
  }

#define INT_LESS(x, y) ((x) < (y))
#define STR_LESS(x, y) (rt_str_cmp((x), (y)) < 0)
DEFINE_SORT(isort, int64_t, INT_LESS)
DEFINE_SORT(ssort, rt_str *, STR_LESS)

/* A double's bits as an int64_t whose signed order is the double's order (for all but
 * NaN): negative doubles have their magnitude bits flipped.  Its own inverse. */
static inline int64_t float_key(int64_t bits) { return bits ^ (int64_t)((uint64_t)(bits >> 63) >> 1); }

static void sort_floats(int64_t *a, int64_t n) {
  /* NaNs last (in any order): swap them to the end, sort the rest. */
  int64_t m = n;
  for (int64_t i = 0; i < m;) {
    double d;
    memcpy(&d, &a[i], sizeof d);
    if (d != d) {
      int64_t t = a[i];
      a[i] = a[--m];
      a[m] = t;
    } else {
      a[i] = float_key(a[i]);
      i++;
    }
  }
  isort_sort(a, m);
  for (int64_t i = 0; i < m; i++) a[i] = float_key(a[i]);
}

void rt_list_sort(rt_list **pl) {
  if (rt_list_len(*pl) < 2) return;
  rt_list *l = make_unique(pl, NULL, 0);
  switch (elem_type(l)->kind) {
  case RT_T_INT:
  case RT_T_BOOL: isort_sort((int64_t *)l->data, l->len); break;
  case RT_T_FLOAT: sort_floats((int64_t *)l->data, l->len); break;
  case RT_T_STRING: ssort_sort((rt_str **)l->data, l->len); break;
  default: break; /* the compiler allows sort() only on [Int], [Float], [String] */
  }
}

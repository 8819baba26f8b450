/* rt_map.c — Maps ({K: V}): an insertion-ordered hash map with the built-in Map
 * methods of LANGUAGE.md §6, copy on write, map equality and hashing.
 *
 * Layout (as CPython's compact dict): one allocation holding the header, an index of
 * `mask + 1` int32 slots (a power of two, at least 8), then an array of `ecap` entries
 * {hash, key, value} in insertion order.  An index slot is SLOT_EMPTY, SLOT_DUMMY (an
 * entry was removed; probing goes on past it) or the number of an entry.  Probing
 * follows CPython's perturbed sequence i = 5i + 1 + perturb, perturb >>= 5, which
 * visits every slot.
 *
 * Invariants
 *   - NULL is the empty map; rt_map_new allocates one with room to grow.
 *   - entries[0..used) are filled in insertion order; a removed entry keeps its place
 *     as a tombstone (hash == TOMBSTONE, key and value released and zeroed) until the
 *     next rebuild, so a re-added key goes to the end.  len counts live entries.
 *   - ecap == (mask + 1) * 2 / 3, so at least a third of the slots are always empty
 *     and every probe ends.  A live entry's hash has its top bit clear.
 *   - Rebuilds (which drop the tombstones and size the index at 3 * len, so that the
 *     entries array is at most half full afterwards) happen when an insert finds the
 *     entries array full, and when a remove leaves more tombstones than live entries;
 *     both keep every operation amortised O(1) and iteration O(len).
 *   - A map owns its keys and values (types type->a and type->b).  It is changed in
 *     place only when unique (rt_is_unique); the functions taking rt_map **pm copy a
 *     shared map first.  A change may move the whole map to a new allocation (*pm is
 *     updated), so pointers into a map, and rt_map_next positions, are valid only until
 *     the map is next changed.
 *   - A map too large for the system fails the calling actor ("out of memory (N
 *     bytes)") with the map as it was; a key and value handed in are released then.
 */
#include "values/rt_values.h"

#define SLOT_EMPTY (-1)
#define SLOT_DUMMY (-2)
#define TOMBSTONE (1ull << 63)
#define MIN_INDEX 8
#define MAX_INDEX (1ull << 31) /* entry numbers must fit an int32 slot */

typedef struct map_entry {
  uint64_t hash; /* rt_hash of key with the top bit cleared, or TOMBSTONE */
  rt_word key;
  rt_word val;
} map_entry;

struct rt_map {
  rt_hdr h;
  const rt_type *type; /* the map type: a = key type, b = value type */
  int64_t len;         /* live entries */
  int64_t used;        /* entries filled, live or tombstones */
  int64_t ecap;        /* entries available: (mask + 1) * 2 / 3 */
  uint64_t mask;       /* index slots - 1 */
  map_entry *entries;  /* inside this allocation, after the index */
  int32_t index[];
};

static inline const rt_type *key_type(const rt_map *m) { return m->type->a; }
static inline const rt_type *val_type(const rt_map *m) { return m->type->b; }

static inline uint64_t key_hash(rt_word k, const rt_type *kt) { return rt_hash(k, kt) & ~TOMBSTONE; }

static inline bool key_eq(rt_word a, rt_word b, const rt_type *kt) {
  switch (kt->kind) {
  case RT_T_INT:
  case RT_T_BOOL:
  case RT_T_ACTOR:
  case RT_T_TIMER: return a == b;
  case RT_T_STRING: return rt_str_eq((rt_str *)(uintptr_t)a, (rt_str *)(uintptr_t)b);
  default: return rt_eq(a, b, kt);
  }
}

/* ---- allocation ------------------------------------------------------------------ */

/* The bytes of a map with `size` index slots. */
static size_t map_bytes(uint64_t size) {
  return sizeof(rt_map) + size * sizeof(int32_t) + (size_t)(size * 2 / 3) * sizeof(map_entry);
}

/* The index size for holding n live entries with room to grow: a power of two >= 3n.
 * More than MAX_INDEX slots: the map is too large (a failure of the calling actor). */
static uint64_t index_size_for(int64_t n) {
  uint64_t size = MIN_INDEX;
  while (size < (uint64_t)n * 3) size <<= 1;
  if (RT_UNLIKELY(size > MAX_INDEX)) rt_fail_oom(map_bytes(size), NULL);
  return size;
}

/* An empty map with `size` index slots (a power of two); too large for the system: the
 * calling actor fails, nothing changed. */
static rt_map *map_alloc(const rt_type *mt, uint64_t size) {
  int64_t ecap = (int64_t)(size * 2 / 3);
  rt_map *m = rt_value_alloc(map_bytes(size));
  rt_hdr_init(m, RT_TAG_MAP);
  m->type = mt;
  m->len = m->used = 0;
  m->ecap = ecap;
  m->mask = size - 1;
  m->entries = (map_entry *)(m->index + size); /* size >= 8: 8-byte aligned */
  memset(m->index, 0xFF, size * sizeof(int32_t)); /* all SLOT_EMPTY */
  return m;
}

rt_map *rt_map_new(const rt_type *mt) { return map_alloc(mt, MIN_INDEX); }

void rt_map_free(rt_map *m) {
  bool rk = rt_type_is_ref(key_type(m)), rv = rt_type_is_ref(val_type(m));
  if (rk || rv)
    for (int64_t i = 0; i < m->used; i++) {
      map_entry *e = &m->entries[i];
      if (e->hash == TOMBSTONE) continue;
      if (rk) rt_release((void *)(uintptr_t)e->key);
      if (rv) rt_release((void *)(uintptr_t)e->val);
    }
  rt_free(m);
}

/* ---- the index ------------------------------------------------------------------- */

/* The entry number holding k (hash h), or -1. */
static int64_t find(const rt_map *m, rt_word k, uint64_t h) {
  const rt_type *kt = key_type(m);
  uint64_t i = h & m->mask, perturb = h;
  for (;;) {
    int32_t ix = m->index[i];
    if (ix == SLOT_EMPTY) return -1;
    if (ix >= 0) {
      const map_entry *e = &m->entries[ix];
      if (e->hash == h && key_eq(e->key, k, kt)) return ix;
    }
    perturb >>= 5;
    i = (i * 5 + perturb + 1) & m->mask;
  }
}

/* Points an empty index slot on h's probe sequence at entry ix. */
static void index_put(rt_map *m, uint64_t h, int64_t ix) {
  uint64_t i = h & m->mask, perturb = h;
  while (m->index[i] != SLOT_EMPTY) {
    perturb >>= 5;
    i = (i * 5 + perturb + 1) & m->mask;
  }
  m->index[i] = (int32_t)ix;
}

/* Drops the tombstones of a unique map and gives it an index of `size` slots: in place
 * when the size stays, else in a new allocation (the old one is freed).  The entries
 * move; they are not retained or released. */
static rt_map *rebuild(rt_map *m, uint64_t size) {
  rt_map *r = m;
  if (size != m->mask + 1) {
    r = map_alloc(m->type, size);
  } else {
    memset(m->index, 0xFF, size * sizeof(int32_t));
  }
  int64_t n = 0;
  for (int64_t i = 0; i < m->used; i++) {
    if (m->entries[i].hash == TOMBSTONE) continue;
    r->entries[n] = m->entries[i]; /* n <= i: moving down is safe in place */
    index_put(r, r->entries[n].hash, n);
    n++;
  }
  r->len = r->used = n;
  if (r != m) rt_free(m);
  return r;
}

/* A copy of m whose keys and values are retained: for copy on write. */
static rt_map *copy(rt_map *m) {
  bool rk = rt_type_is_ref(key_type(m)), rv = rt_type_is_ref(val_type(m));
  rt_map *c;
  if (m->used == m->len) { /* no tombstones: the layout can be copied as it is */
    c = map_alloc(m->type, m->mask + 1);
    memcpy(c->index, m->index, (m->mask + 1) * sizeof(int32_t));
    memcpy(c->entries, m->entries, (size_t)m->used * sizeof(map_entry));
    c->len = c->used = m->len;
  } else {
    c = map_alloc(m->type, index_size_for(m->len));
    int64_t n = 0;
    for (int64_t i = 0; i < m->used; i++) {
      if (m->entries[i].hash == TOMBSTONE) continue;
      c->entries[n] = m->entries[i];
      index_put(c, c->entries[n].hash, n);
      n++;
    }
    c->len = c->used = n;
  }
  if (rk || rv)
    for (int64_t i = 0; i < c->used; i++) {
      if (rk) rt_retain((void *)(uintptr_t)c->entries[i].key);
      if (rv) rt_retain((void *)(uintptr_t)c->entries[i].val);
    }
  return c;
}

/* Makes *pm a map the caller may change: creates it (of type mt) when NULL, copies it
 * when shared. */
static rt_map *make_unique(rt_map **pm, const rt_type *mt) {
  rt_map *m = *pm;
  if (!m) return *pm = rt_map_new(mt);
  if (RT_LIKELY(rt_is_unique(m))) return m;
  rt_map *c = copy(m);
  rt_release(m);
  return *pm = c;
}

/* ---- the Map methods ------------------------------------------------------------- */

int64_t rt_map_len(rt_map *m) { return m ? m->len : 0; }

/* Words handed to rt_map_set, released if it fails before storing them (a cleanup, run
 * by the unwinding under -fexceptions). */
typedef struct held_pair {
  rt_word k, v;
  const rt_type *mt; /* NULL once they are stored */
} held_pair;
static void drop_held(held_pair *h) {
  if (!h->mt) return;
  rt_word_release(h->k, h->mt->a);
  rt_word_release(h->v, h->mt->b);
}

void rt_map_set(rt_map **pm, const rt_type *mt, rt_word k, rt_word v) {
  held_pair held __attribute__((cleanup(drop_held))) = {k, v, mt};
  rt_map *m = make_unique(pm, mt);
  uint64_t h = key_hash(k, key_type(m));
  int64_t ix = find(m, k, h);
  if (ix >= 0) { /* replace: the key keeps its place; the map keeps its own key */
    held.mt = NULL;
    map_entry *e = &m->entries[ix];
    rt_word old = e->val;
    e->val = v;
    rt_word_release(old, val_type(m));
    rt_word_release(k, key_type(m));
    return;
  }
  if (m->used == m->ecap) *pm = m = rebuild(m, index_size_for(m->len + 1));
  held.mt = NULL;
  ix = m->used++;
  m->entries[ix] = (map_entry){h, k, v};
  index_put(m, h, ix);
  m->len++;
}

/* (mt is only for an empty map, which is NULL: a map knows its own key type, and the
 * fast path keeps nothing for the failure but what it keeps anyway) */
rt_word rt_map_get(rt_map *m, rt_word k, const rt_type *mt, const char *pos) {
  if (RT_UNLIKELY(!m)) rt_fail_key(k, mt->a, pos);
  int64_t ix = find(m, k, key_hash(k, key_type(m)));
  if (RT_UNLIKELY(ix < 0)) rt_fail_key(k, key_type(m), pos);
  return m->entries[ix].val;
}

rt_word rt_map_get_or(rt_map *m, rt_word k, rt_word dflt) {
  int64_t ix = m ? find(m, k, key_hash(k, key_type(m))) : -1;
  return ix < 0 ? dflt : m->entries[ix].val;
}

rt_word *rt_map_at_mut(rt_map **pm, rt_word k, const rt_type *mt, const char *pos) {
  rt_map *m = *pm;
  if (RT_UNLIKELY(!m)) rt_fail_key(k, mt->a, pos); /* (mt: as in rt_map_get) */
  uint64_t h = key_hash(k, key_type(m));
  int64_t ix = find(m, k, h);
  if (RT_UNLIKELY(ix < 0)) rt_fail_key(k, key_type(m), pos);
  if (!rt_is_unique(m)) { /* the copy may lay the entries out differently */
    m = make_unique(pm, NULL);
    ix = find(m, k, h);
  }
  return &m->entries[ix].val;
}

bool rt_map_has(rt_map *m, rt_word k) { return m && find(m, k, key_hash(k, key_type(m))) >= 0; }

bool rt_map_remove(rt_map **pm, rt_word k) {
  rt_map *m = *pm;
  if (!m) return false;
  uint64_t h = key_hash(k, key_type(m));
  if (find(m, k, h) < 0) return false; /* nothing to change: no copy */
  m = make_unique(pm, NULL);
  /* Find the slot (not just the entry) so it can become a dummy. */
  uint64_t i = h & m->mask, perturb = h;
  for (;;) {
    int32_t ix = m->index[i];
    if (ix >= 0 && m->entries[ix].hash == h && key_eq(m->entries[ix].key, k, key_type(m))) {
      map_entry *e = &m->entries[ix];
      rt_word ok = e->key, ov = e->val;
      *e = (map_entry){TOMBSTONE, 0, 0};
      m->index[i] = SLOT_DUMMY;
      m->len--;
      /* Release once the map is consistent (k may be borrowed from the very key), and
       * before the rebuild, which may fail. */
      rt_word_release(ok, key_type(m));
      rt_word_release(ov, val_type(m));
      if (m->used - m->len > m->len) *pm = m = rebuild(m, index_size_for(m->len));
      return true;
    }
    perturb >>= 5;
    i = (i * 5 + perturb + 1) & m->mask;
  }
}

/* The keys or the values as a new list (retained), in insertion order. */
static rt_list *column(rt_map *m, const rt_type *lt, bool keys) {
  int64_t n = rt_map_len(m);
  if (n == 0) return NULL;
  rt_list *l = rt_list_new_cap(lt, n);
  const rt_type *t = keys ? key_type(m) : val_type(m);
  bool ref = rt_type_is_ref(t);
  for (int64_t i = 0, j = 0; i < m->used; i++) {
    const map_entry *e = &m->entries[i];
    if (e->hash == TOMBSTONE) continue;
    rt_word w = keys ? e->key : e->val;
    if (ref) rt_retain((void *)(uintptr_t)w);
    l->data[j++] = w;
  }
  l->len = n;
  return l;
}

rt_list *rt_map_keys(rt_map *m, const rt_type *list_of_keys) { return column(m, list_of_keys, true); }
rt_list *rt_map_values(rt_map *m, const rt_type *list_of_values) { return column(m, list_of_values, false); }

bool rt_map_next(rt_map *m, int64_t *it, rt_word *k, rt_word *v) {
  if (!m) return false;
  for (int64_t i = *it; i < m->used; i++) {
    const map_entry *e = &m->entries[i];
    if (e->hash == TOMBSTONE) continue;
    *k = e->key;
    *v = e->val;
    *it = i + 1;
    return true;
  }
  *it = m->used;
  return false;
}

/* ---- equality and hashing (called by rt_eq / rt_hash in rt_value.c) -------------- */

/* Same keys with equal values, whatever the insertion order. */
bool rt_map_eq(rt_map *a, rt_map *b, const rt_type *mt) {
  if (RT_UNLIKELY(rt_stack_low())) rt_fail("stack overflow", NULL); /* it recurses */
  int64_t n = rt_map_len(a);
  if (n != rt_map_len(b)) return false;
  if (n == 0) return true;
  for (int64_t i = 0; i < a->used; i++) {
    const map_entry *e = &a->entries[i];
    if (e->hash == TOMBSTONE) continue;
    int64_t ix = find(b, e->key, e->hash);
    if (ix < 0 || !rt_eq(e->val, b->entries[ix].val, mt->b)) return false;
  }
  return true;
}

/* Order-independent: a sum over the entries. */
uint64_t rt_map_hash(rt_map *m, const rt_type *mt) {
  if (RT_UNLIKELY(rt_stack_low())) rt_fail("stack overflow", NULL); /* it recurses */
  uint64_t h = (uint64_t)rt_map_len(m);
  for (int64_t i = 0; m && i < m->used; i++) {
    const map_entry *e = &m->entries[i];
    if (e->hash == TOMBSTONE) continue;
    h += rt_hash(e->hash ^ (rt_hash(e->val, mt->b) * 0x9e3779b97f4a7c15ull), &rt_type_int);
  }
  return h;
}

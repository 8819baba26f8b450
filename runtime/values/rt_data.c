/* rt_data.c — records and enums (LANGUAGE.md §9): making a value, changing a record's
 * field in place (copy on write), copying, freeing, equality and hashing consistent
 * with it.  Their printed form is rt_fmt.c's, their JSON stdlib/json.c's.
 *
 * Invariants (actor_rt.h, rt_data)
 *   - NULL is the zero value of every record and enum type: the record with every
 *     field at its zero value, the enum's first variant with its fields at theirs.
 *     Every function here treats NULL and an allocated value whose fields are all
 *     zero alike (equal, same hash).
 *   - An object's variant is in its tag (RT_TAG_DATA | variant << RT_DATA_VARIANT_SHIFT;
 *     a record's is 0), its type (the record or enum type) beside it, then the fields.
 *   - A value owns its fields (each of its field's type).  It is changed in place only
 *     when unique (rt_is_unique); rt_data_field_mut copies a shared one first, so no
 *     other holder ever sees the change.  A variant without fields other than the
 *     first may be a static object (RT_RC_STATIC, emitted by the compiler): never
 *     counted, changed or freed. */
#include "values/rt_values.h"

static inline uint32_t variant_of(const rt_data *d) { return rt_data_variant(d); }
static inline const rt_variant *variant_desc(const rt_type *t, uint32_t k) { return &t->data->variants[k]; }
static inline rt_word field(const rt_data *d, uint32_t i) { return d ? d->f[i] : 0; }

static inline bool is_data_type(const rt_type *t) { return t->kind == RT_T_RECORD || t->kind == RT_T_ENUM; }

rt_data *rt_data_new(const rt_type *t, uint32_t variant) {
  uint32_t n = variant_desc(t, variant)->nfields;
  rt_data *d = rt_zalloc(sizeof(rt_data) + n * sizeof(rt_word));
  rt_hdr_init(d, RT_TAG_DATA | variant << RT_DATA_VARIANT_SHIFT);
  d->type = t;
  return d;
}

/* A new value with d's variant and fields (each retained): d's own copy to change. */
static rt_data *copy(const rt_data *d) {
  const rt_variant *v = variant_desc(d->type, variant_of(d));
  rt_data *c = rt_data_new(d->type, variant_of(d));
  for (uint32_t i = 0; i < v->nfields; i++) {
    c->f[i] = d->f[i];
    rt_word_retain(d->f[i], v->field_types[i]);
  }
  return c;
}

rt_word *rt_data_field_mut(rt_data **pd, const rt_type *t, uint32_t i) {
  rt_data *d = *pd;
  if (!d) {
    d = *pd = rt_data_new(t, 0);
  } else if (!rt_is_unique(d)) {
    rt_data *c = copy(d);
    rt_release(d);
    d = *pd = c;
  }
  return &d->f[i];
}

/* Frees d (whose count reached zero) and what it owns.  A field holding another
 * record or enum value is let go last, without recursion when this was its last
 * reference, so that a long chain (a list built of variants) frees in a loop. */
void rt_data_free(rt_data *d) {
  while (d) {
    const rt_variant *v = variant_desc(d->type, variant_of(d));
    rt_data *next = NULL;
    for (uint32_t i = v->nfields; i-- > 0;) {
      const rt_type *ft = v->field_types[i];
      if (!next && is_data_type(ft) && d->f[i]) {
        next = (rt_data *)(uintptr_t)d->f[i];
        continue;
      }
      rt_word_release(d->f[i], ft);
    }
    rt_free(d);
    d = next && rt_release_last(next) ? next : NULL;
  }
}

/* Called by rt_eq (rt_value.c): variant first, then each field with ==. */
bool rt_data_eq(const rt_data *a, const rt_data *b, const rt_type *t) {
  if (a == b && !(t->data->flags & RT_DATA_FLOATS)) return true;
  uint32_t k = variant_of(a);
  if (k != variant_of(b)) return false;
  const rt_variant *v = variant_desc(t, k);
  for (uint32_t i = 0; i < v->nfields; i++)
    if (!rt_eq(field(a, i), field(b, i), v->field_types[i])) return false;
  return true;
}

/* Called by rt_hash (rt_value.c): consistent with rt_data_eq (NULL hashes as the zero
 * value it stands for). */
uint64_t rt_data_hash(const rt_data *d, const rt_type *t) {
  uint32_t k = variant_of(d);
  const rt_variant *v = variant_desc(t, k);
  uint64_t h = 0xbb67ae8584caa73bull ^ k;
  for (uint32_t i = 0; i < v->nfields; i++) h = (h ^ rt_hash(field(d, i), v->field_types[i])) * 0x100000001b3ull + i;
  return rt_hash(h, &rt_type_int);
}

/* The printed form (LANGUAGE.md §6): Point(x: 1, y: 2), Tick(), Circle(r: 2.0), Empty. */
void rt_data_put(rt_buf *b, const rt_data *d, const rt_type *t) {
  const rt_variant *v = variant_desc(t, variant_of(d));
  rt_buf_puts(b, v->name);
  if (v->nfields == 0 && t->kind == RT_T_ENUM) return;
  rt_buf_putc(b, '(');
  for (uint32_t i = 0; i < v->nfields; i++) {
    if (rt_buf_full(b)) break;
    if (i) rt_buf_put(b, ", ", 2);
    rt_buf_puts(b, v->field_names[i]);
    rt_buf_put(b, ": ", 2);
    rt_buf_value(b, field(d, i), v->field_types[i], true);
  }
  rt_buf_putc(b, ')');
}

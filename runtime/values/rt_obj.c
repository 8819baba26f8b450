/* rt_obj.c — reference counting shared by every heap value: strings, lists, maps,
 * actor references, timers and closures all start with an rt_hdr.  Freeing dispatches
 * on the tag: the value library's own types here, actors and timers through the
 * classes the core registered (rt_obj_register). */
#include "values/rt_values.h"

/* Written once per tag before the first object of that tag exists (the core's
 * initialisation, before its threads start); read when such an object is freed or
 * printed. */
static const rt_obj_class *classes[8];

void rt_obj_register(uint32_t tag, const rt_obj_class *c) {
  if (tag >= sizeof classes / sizeof classes[0]) abort();
  if (classes[tag] != c) classes[tag] = c; /* the same again: no write (other threads read it) */
}

const rt_obj_class *rt_obj_class_of(uint32_t tag) {
  const rt_obj_class *c = tag < sizeof classes / sizeof classes[0] ? classes[tag] : NULL;
  if (RT_UNLIKELY(!c)) {
    fprintf(stderr, "actor runtime: internal error: no class registered for objects with tag %u\n", tag);
    abort();
  }
  return c;
}

void rt_retain(void *obj) {
  if (!obj) return;
  /* relaxed: taking a new reference needs no ordering; the holder we copy from keeps
   * the object alive meanwhile (as in every reference-counting scheme). */
  if (atomic_load_explicit(rt_rc(obj), memory_order_relaxed) != RT_RC_STATIC)
    atomic_fetch_add_explicit(rt_rc(obj), 1, memory_order_relaxed);
}

void rt_release(void *obj) {
  if (!obj) return;
  /* relaxed: a static object's count never changes, whoever reads it. */
  if (atomic_load_explicit(rt_rc(obj), memory_order_relaxed) == RT_RC_STATIC) return;
  /* release: our earlier uses of the object happen before whoever frees it;
   * the acquire fence on the last reference makes all holders' uses visible to the
   * freeing thread. */
#ifdef RT_TSAN
  /* ThreadSanitizer ignores the fence below: let the decrement itself acquire. */
  if (atomic_fetch_sub_explicit(rt_rc(obj), 1, memory_order_acq_rel) == 1) rt_obj_free(obj);
#else
  if (atomic_fetch_sub_explicit(rt_rc(obj), 1, memory_order_release) == 1) {
    atomic_thread_fence(memory_order_acquire);
    rt_obj_free(obj);
  }
#endif
}

void rt_obj_free(void *obj) {
  switch (rt_tag_of(obj)) {
  case RT_TAG_STR: rt_free(obj); break;
  case RT_TAG_LIST: rt_list_free(obj); break;
  case RT_TAG_MAP: rt_map_free(obj); break;
  case RT_TAG_ACTOR:
  case RT_TAG_TIMER: rt_obj_class_of(rt_tag_of(obj))->free(obj); break;
  case RT_TAG_CLOSURE: rt_closure_free(obj); break;
  default:
    fprintf(stderr, "actor runtime: internal error: freeing an object with tag %u\n", rt_tag_of(obj));
    abort();
  }
}

/* rt_base.h — the runtime's bottom layer (runtime/base/), which every other layer may
 * use and which uses nothing of theirs: allocation, the object header, failing (raise,
 * unwind, guards), the clock, helper threads and the stack limit.  docs/runtime.md
 * has the map of layers.
 *
 * Conventions for the whole runtime:
 *   - every allocation goes through rt_alloc/rt_zalloc/rt_realloc, which report
 *     running out of memory and end the process instead of returning NULL -- except a
 *     value's storage whose size the program computed (rt_value_alloc ...), which
 *     fails the asking actor instead;
 *   - every memory_order carries a comment saying why it is enough;
 *   - each layer's header has one section per file, in the file's prefix, and a
 *     layer includes only its own headers and those of the layers below. */
#ifndef RT_BASE_H
#define RT_BASE_H

#include "include/actor_rt.h"

#include <setjmp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RT_LIKELY(x) __builtin_expect(!!(x), 1)
#define RT_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* RT_TSAN: built with ThreadSanitizer, which does not model atomic_thread_fence.
 * RT_ASAN: built with AddressSanitizer (the pools step aside; see rt_pool.c). */
#if defined(__SANITIZE_THREAD__)
#define RT_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RT_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define RT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RT_ASAN 1
#endif
#endif

/* ---- rt_mem.c: allocation ------------------------------------------------------- */

/* The runtime's own memory: never NULL; when malloc refuses, the process ends with
 * status 70 ("actor runtime: out of memory (allocating N bytes)"). */
void *rt_alloc(size_t n);
void *rt_zalloc(size_t n);
void *rt_realloc(void *p, size_t n);
void rt_free(void *p);
_Noreturn void rt_out_of_memory(size_t n);
/* Called by rt_out_of_memory before it reports (the core flushes stdout). */
void rt_mem_set_before_exit(void (*fn)(void));
/* A value's storage, its size computed from the program's values (strings, lists,
 * maps, printed forms).  Too large for what the system has, or refused by malloc: the
 * try_ forms return NULL (p untouched) -- a caller holding memory frees it, then calls
 * rt_fail_oom -- and the others fail the calling actor with "out of memory (N bytes)".
 * A small value refused ends the process (it is out of memory); outside any failure
 * guard, so does any refusal.  Values of up to rt_value_unchecked bytes go straight to
 * malloc (inline: as cheap as rt_alloc); larger ones are checked first. */
extern size_t rt_value_unchecked;
void *rt_value_try_alloc_slow(size_t n);
void *rt_value_try_realloc(void *p, size_t n);
_Noreturn void rt_fail_oom(size_t n, const char *pos);
static inline void *rt_value_try_alloc(size_t n) {
  if (RT_LIKELY(n - 1 < rt_value_unchecked)) { /* n >= 1 */
    void *p = malloc(n);
    if (RT_LIKELY(p != NULL)) return p;
  }
  return rt_value_try_alloc_slow(n);
}
static inline void *rt_value_alloc(size_t n) {
  void *p = rt_value_try_alloc(n);
  if (RT_UNLIKELY(!p)) rt_fail_oom(n, NULL);
  return p;
}
void *rt_value_realloc(void *p, size_t n);
/* Tests: values above n bytes are too large (default: no limit but the system's). */
void rt_mem_set_value_limit(size_t n);

/* ---- the object header (actor_rt.h's rt_hdr; counting is values/rt_obj.c's) ------ */

static inline _Atomic uint32_t *rt_rc(void *obj) { return (_Atomic uint32_t *)&((rt_hdr *)obj)->rc; }
static inline uint32_t rt_tag_of(const void *obj) { return ((const rt_hdr *)obj)->tag & 0xFF; }

/* True when obj is the only reference holder (so it may be changed in place).
 * acquire: pairs with the release decrement of a holder that just let go, so its
 * last reads of the object happen before our writes. */
static inline bool rt_is_unique(void *obj) {
  return atomic_load_explicit(rt_rc(obj), memory_order_acquire) == 1;
}

/* Initialise a freshly allocated object's header. */
static inline void rt_hdr_init(void *obj, uint32_t tag) {
  ((rt_hdr *)obj)->rc = 1;
  ((rt_hdr *)obj)->tag = tag;
}

/* ---- rt_fail.c: failing --------------------------------------------------------- */

/* A failure guard: rt_fail unwinds to the innermost one (running every frame's
 * cleanups) and longjmps into it.  The guard's frame is the function that declares
 * the rt_fail_guard and calls setjmp(g.jb) itself:
 *     rt_fail_guard g; rt_fail_push(&g, false);
 *     if (setjmp(g.jb)) { ...failed: rt_fail_take_reason()... }
 *     ...; rt_fail_pop(&g);                                                          */
typedef struct rt_fail_guard {
  jmp_buf jb;
  struct rt_fail_guard *prev;
  bool quiet; /* no failure report (rt_fail_catch) */
} rt_fail_guard;
void rt_fail_push(rt_fail_guard *g, bool quiet);
void rt_fail_pop(rt_fail_guard *g);
/* The last failure's reason, owned (a String: NULL when the reason is ""). */
rt_str *rt_fail_take_reason(void);
/* Runs fn(arg) under a quiet guard (unit tests of code that may fail, outside any
 * actor): true if it returned, false if it failed; the reason is copied to reason. */
bool rt_fail_catch(void (*fn)(void *), void *arg, char *reason, size_t cap);
/* Whether rt_fail has somewhere to go on this thread (a guard, or rt_fail_hook). */
bool rt_fail_guarded(void);
/* How a failure is reported (the core's rt_actor_report_failure: "actor NAME#N failed
 * in HANDLER at POS: REASON"), set once by the layer that runs actors.  Until then,
 * and outside any guard, the report is "actor ? failed at POS: REASON" on stderr. */
void rt_fail_set_reporter(void (*report)(const char *reason, const char *pos));
/* Outside any guard rt_fail reports and aborts, unless this hook is set: it is called
 * instead (it may longjmp away; if it returns, abort). */
extern void (*rt_fail_hook)(const char *reason, const char *pos);

/* ---- rt_clock.c: the monotonic clock -------------------------------------------- */

int64_t rt_mono_ns(void); /* CLOCK_MONOTONIC in nanoseconds */

/* ---- rt_thread.c: the runtime's helper threads ---------------------------------- */

/* Starts fn(arg) on a detached thread (stack_bytes 0: the system's default size);
 * returns 0 or pthread_create's error. */
int rt_thread_detached(void *(*fn)(void *), void *arg, size_t stack_bytes);

/* ---- rt_stack.c: the stack limit recursive functions check ---------------------- */

/* Worker threads' stacks: deep recursion fails the actor ("stack overflow") well
 * before this is used up; the pages are only touched as far as a program recurses.
 * Under an address-space limit (ulimit -v) the workers' stacks share a quarter of it,
 * at least RT_WORKER_STACK_MIN each (rt_sched.c). */
#define RT_WORKER_STACK_BYTES ((size_t)256 << 20)
#define RT_WORKER_STACK_MIN ((size_t)4 << 20)
void rt_stack_thread_init(void); /* call first thing on every worker thread */
/* True when the calling frame is within the reserve at the stack's end: C code that
 * recurses on a program's data (JSON, printed forms, equality) checks it and fails
 * ("stack overflow") or gives up, as generated code does at every recursive call. */
static inline bool rt_stack_low(void) {
  return (uintptr_t)__builtin_frame_address(0) < rt_stack_limit;
}

#endif

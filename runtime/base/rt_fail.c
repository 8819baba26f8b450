/* rt_fail.c — failing: rt_fail and its helpers, failure guards, and the unwinding
 * that runs every frame's cleanups between the failure and the guard.
 *
 * rt_fail copies the reason, reports the failure (through the reporter the core sets:
 * rt_actor_report_failure), then unwinds the stack with _Unwind_ForcedUnwind, as
 * glibc's pthread_cancel does: the unwinder runs each frame's cleanup landing pad (the
 * compiler emits them to release what the frame owns; C code gets them from
 * __attribute__((cleanup)) under -fexceptions), and our stop function longjmps into
 * the guard as soon as the frame being unwound is the guard's own (its CFA lies above
 * the guard record, a local of that frame) or the stack ends (a frame without unwind
 * information).  The guard then finishes the failure: for actors that is
 * rt_actor_after_failure, called from the scheduler's loop, which drops the message,
 * answers a request's else-block, and ends the actor.
 *
 * The reason is kept as a String (actor_rt.h's rt_str, NULL for ""), made here from
 * the ABI's layout: this layer is below the value library's constructors.
 *
 * Outside any guard (a unit test of the value modules calling code that fails), the
 * report says "actor ? failed" and the process aborts, unless rt_fail_hook is set. */
#include "base/rt_base.h"

#include <unistd.h>
#include <unwind.h>

#ifdef RT_ASAN
/* As __cxa_throw does: the frames about to be unwound (and the ones the landing pads
 * will reuse) must not keep stale poisoned stack shadow. */
void __asan_handle_no_return(void);
#endif

void (*rt_fail_hook)(const char *reason, const char *pos);
static void (*reporter)(const char *reason, const char *pos);

void rt_fail_set_reporter(void (*report)(const char *reason, const char *pos)) { reporter = report; }

static __thread rt_fail_guard *guard_top;
static __thread rt_str *fail_reason; /* the failure being unwound (owned) */
static __thread struct _Unwind_Exception fail_exc;

void rt_fail_push(rt_fail_guard *g, bool quiet) {
  g->prev = guard_top;
  g->quiet = quiet;
  guard_top = g;
}

void rt_fail_pop(rt_fail_guard *g) { guard_top = g->prev; }

bool rt_fail_guarded(void) { return guard_top != NULL || rt_fail_hook != NULL; }

rt_str *rt_fail_take_reason(void) {
  rt_str *r = fail_reason;
  fail_reason = NULL;
  return r;
}

static _Unwind_Reason_Code fail_stop(int version, _Unwind_Action actions, _Unwind_Exception_Class cls,
                                     struct _Unwind_Exception *exc, struct _Unwind_Context *ctx, void *param) {
  (void)version, (void)cls, (void)exc;
  rt_fail_guard *g = param;
  /* Frames called by the guard's function have CFAs at or below its locals; the
   * guard's own frame has its CFA above them. */
  if ((actions & _UA_END_OF_STACK) || _Unwind_GetCFA(ctx) > (_Unwind_Ptr)(uintptr_t)g) longjmp(g->jb, 1);
  return _URC_NO_REASON;
}

static void fail_exc_cleanup(_Unwind_Reason_Code code, struct _Unwind_Exception *exc) { (void)code, (void)exc; }

__thread const char *rt_call_pos;

/* A String holding the reason's bytes (rc 1; NULL for the empty string). */
static rt_str *reason_new(const char *p, int64_t len) {
  if (len <= 0) return NULL;
  rt_str *s = rt_alloc(sizeof(rt_str) + (size_t)len + 1);
  rt_hdr_init(s, RT_TAG_STR);
  s->len = len;
  memcpy(s->data, p, (size_t)len);
  s->data[len] = 0;
  return s;
}

static void report(const char *reason, const char *pos) {
  if (reporter) {
    reporter(reason, pos);
    return;
  }
  char line[1200];
  int n = snprintf(line, sizeof line, "actor ? failed at %s: %s\n", pos ? pos : "?", reason);
  if (n <= 0) return;
  if (n >= (int)sizeof line) {
    n = (int)sizeof line - 1;
    line[n - 1] = '\n';
  }
  ssize_t w = write(2, line, (size_t)n);
  (void)w;
}

_Noreturn static void fail_with(const char *reason, int64_t len, const char *pos) {
  /* C code reached through an extern fn knows no position: the call's is in
   * rt_call_pos (set around the call by the generated code). */
  if (!pos) pos = rt_call_pos;
  rt_call_pos = NULL;
  /* Copy first: the reason may live in a frame (or a String) the unwinding frees.  A
   * reason nobody took is this file's alone (rc 1): freed here. */
  rt_free(fail_reason);
  fail_reason = reason_new(reason, len);
  const char *text = fail_reason ? fail_reason->data : "";
  rt_fail_guard *g = guard_top;
  if (!g) {
    report(text, pos);
    if (rt_fail_hook) rt_fail_hook(text, pos);
    abort();
  }
  if (!g->quiet) report(text, pos);

  memset(&fail_exc, 0, sizeof fail_exc);
  fail_exc.exception_class = 0x4143544f52464149ull; /* "ACTORFAI" */
  fail_exc.exception_cleanup = fail_exc_cleanup;
#ifdef RT_ASAN
  __asan_handle_no_return();
#endif
  _Unwind_ForcedUnwind(&fail_exc, fail_stop, g);
  /* The unwinder could not even start: skip the cleanups rather than crash. */
  longjmp(g->jb, 1);
}

_Noreturn void rt_fail(const char *reason, const char *pos) {
  if (!reason) reason = "";
  fail_with(reason, (int64_t)strlen(reason), pos);
}

_Noreturn void rt_fail_str(rt_str *reason, const char *pos) {
  fail_with(reason ? reason->data : "", reason ? reason->len : 0, pos);
}

_Noreturn void rt_fail_overflow(const char *pos) { rt_fail("integer overflow", pos); }
_Noreturn void rt_fail_divzero(const char *pos) { rt_fail("division by zero", pos); }
_Noreturn void rt_fail_assert(const char *pos) { rt_fail("assertion failed", pos); }
_Noreturn void rt_fail_none(const char *pos) { rt_fail("send to none", pos); }

/* noinline: the guard must be this function's own frame. */
static __attribute__((noinline)) bool catch_in_frame(void (*fn)(void *), void *arg) {
  rt_fail_guard g;
  rt_fail_push(&g, true);
  if (setjmp(g.jb) != 0) {
    rt_fail_pop(&g);
    return false;
  }
  fn(arg);
  rt_fail_pop(&g);
  return true;
}

bool rt_fail_catch(void (*fn)(void *), void *arg, char *reason, size_t cap) {
  if (catch_in_frame(fn, arg)) return true;
  rt_str *r = rt_fail_take_reason(); /* rc 1: this file made it */
  if (reason && cap) snprintf(reason, cap, "%s", r ? r->data : "");
  rt_free(r);
  return false;
}

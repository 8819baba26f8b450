/* stub_core.c — for tests/rt/test_values.c only: stand-ins for the core symbols the
 * value library links against (failure, actors, timers), which live in the real
 * runtime's rt_actor.c / rt_timer.c / rt_fail.c.
 *
 * rt_fail records the reason and position and longjmps to the jmp_buf the test set
 * in stub_fail_jmp (aborts when none is set: an unexpected failure).  Actors use the
 * real header (struct rt_actor, rt_internal.h) with a kind of their own that only has
 * a name; timers are minimal objects with a header and a number. */
#include "rt_internal.h"

#include <setjmp.h>

jmp_buf *stub_fail_jmp;
char stub_fail_reason[1024];
char stub_fail_pos[128];
int stub_actors_freed, stub_timers_freed;

/* An actor and the kind it points at, in one block. */
typedef struct stub_actor {
  struct rt_actor a;
  rt_kind kind;
} stub_actor;

struct rt_timer {
  rt_hdr h;
  uint64_t number;
};

_Noreturn void rt_fail(const char *reason, const char *pos) {
  /* Copy before jumping: callers may pass a reason built in their own frame. */
  snprintf(stub_fail_reason, sizeof stub_fail_reason, "%s", reason);
  snprintf(stub_fail_pos, sizeof stub_fail_pos, "%s", pos ? pos : "(null)");
  if (!stub_fail_jmp) {
    fprintf(stderr, "stub_core: unexpected rt_fail(\"%s\", %s)\n", stub_fail_reason, stub_fail_pos);
    abort();
  }
  jmp_buf *j = stub_fail_jmp;
  stub_fail_jmp = NULL;
  longjmp(*j, 1);
}

_Noreturn void rt_fail_str(rt_str *reason, const char *pos) { rt_fail(reason ? reason->data : "", pos); }
_Noreturn void rt_fail_overflow(const char *pos) { rt_fail("integer overflow", pos); }
_Noreturn void rt_fail_divzero(const char *pos) { rt_fail("division by zero", pos); }
_Noreturn void rt_fail_assert(const char *pos) { rt_fail("assertion failed", pos); }
_Noreturn void rt_fail_none(const char *pos) { rt_fail("send to none", pos); }

rt_actor *stub_actor_new(const char *kind_name, uint64_t number) {
  stub_actor *s = rt_zalloc(sizeof *s);
  rt_hdr_init(&s->a, RT_TAG_ACTOR);
  s->kind.name = kind_name;
  s->a.kind = &s->kind;
  s->a.number = number;
  return &s->a;
}

struct rt_timer *stub_timer_new(uint64_t number) {
  struct rt_timer *t = rt_alloc(sizeof *t);
  rt_hdr_init(t, RT_TAG_TIMER);
  t->number = number;
  return t;
}

const char *rt_actor_kind_name(const rt_actor *a) { return a->kind->name; }
uint64_t rt_actor_number(const rt_actor *a) { return a->number; }
void rt_actor_free(rt_actor *a) {
  stub_actors_freed++;
  rt_free(a);
}

uint64_t rt_timer_number(const struct rt_timer *t) { return t->number; }
void rt_timer_free(struct rt_timer *t) {
  stub_timers_freed++;
  rt_free(t);
}

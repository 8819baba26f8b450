/* stub_core.c — for tests/rt/test_values.c only: what the core registers with the
 * layers below it (values/rt_values.h, base/rt_base.h), so that the value library can
 * be tested linked with runtime/base alone:
 *   - how actors and timers are freed and printed (rt_obj_register): stand-in actors
 *     and timers here are a header, a name and a number;
 *   - how failures are reported (rt_fail_set_reporter): the reason and position are
 *     recorded in stub_fail_reason and stub_fail_pos for the test to check.
 * Call stub_core_init() first. */
#include "values/rt_values.h"

char stub_fail_reason[1024];
char stub_fail_pos[128];
int stub_actors_freed, stub_timers_freed;

typedef struct stub_obj {
  rt_hdr h;
  const char *name;
  uint64_t number;
} stub_obj;

static void stub_report(const char *reason, const char *pos) {
  snprintf(stub_fail_reason, sizeof stub_fail_reason, "%s", reason);
  snprintf(stub_fail_pos, sizeof stub_fail_pos, "%s", pos ? pos : "(null)");
}

static void actor_free(void *a) {
  stub_actors_freed++;
  rt_free(a);
}
static void timer_free(void *t) {
  stub_timers_freed++;
  rt_free(t);
}
static const char *obj_name(const void *o) { return ((const stub_obj *)o)->name; }
static uint64_t obj_number(const void *o) { return ((const stub_obj *)o)->number; }
static const rt_obj_class actor_class = {actor_free, obj_name, obj_number};
static const rt_obj_class timer_class = {timer_free, obj_name, obj_number};

void stub_core_init(void);
void stub_core_init(void) {
  rt_obj_register(RT_TAG_ACTOR, &actor_class);
  rt_obj_register(RT_TAG_TIMER, &timer_class);
  rt_fail_set_reporter(stub_report);
}

static stub_obj *stub_new(uint32_t tag, const char *name, uint64_t number) {
  stub_obj *o = rt_zalloc(sizeof *o);
  rt_hdr_init(o, tag);
  o->name = name;
  o->number = number;
  return o;
}

rt_actor *stub_actor_new(const char *kind_name, uint64_t number);
rt_actor *stub_actor_new(const char *kind_name, uint64_t number) {
  return (rt_actor *)stub_new(RT_TAG_ACTOR, kind_name, number);
}

struct rt_timer *stub_timer_new(uint64_t number);
struct rt_timer *stub_timer_new(uint64_t number) { return (struct rt_timer *)stub_new(RT_TAG_TIMER, "Timer", number); }

/* test_timer.c — after, every, cancel, cancel of a firing already queued, the timers
 * of an actor that stops or fails, many timers at once (each fires once, in due
 * order), Timer numbering, every 0 and negative delays. */
#include "rt_test.h"

static const uint8_t no_answers[16];

/* A timer body that counts its runs and records the handler name it ran under. */
typedef struct tbody {
  rt_closure c;
  _Atomic int64_t *counter;
  int64_t cancel_at;        /* cancel this timer after so many runs (0: never) */
  struct rt_timer **self_t; /* the timer to cancel */
  int64_t tag;              /* recorded in fire_order */
  bool fail;                /* fail instead */
} tbody;

static char last_handler[32];
static _Atomic int64_t fire_order[4096], fire_n;

static void body_run(rt_actor *self, rt_closure *c, rt_word answer) {
  tbody *b = (tbody *)c;
  snprintf(last_handler, sizeof last_handler, "%s", rt_cur.handler);
  if (b->fail) rt_fail("timer body broke", "timer.actor:1:1");
  int64_t n = atomic_fetch_add(b->counter, 1) + 1;
  if (b->tag) {
    int64_t i = atomic_fetch_add(&fire_n, 1);
    if (i < 4096) fire_order[i] = b->tag;
  }
  if (b->cancel_at && n == b->cancel_at) rt_timer_cancel(*b->self_t);
}

static _Atomic int64_t bodies_dropped;
static void body_drop(rt_closure *c) { atomic_fetch_add(&bodies_dropped, 1); }

static rt_closure *mkbody(_Atomic int64_t *counter) {
  tbody *b = (tbody *)rt_closure_new(sizeof *b);
  b->c.run = body_run;
  b->c.drop = body_drop;
  b->counter = counter;
  return &b->c;
}

/* An actor whose handler runs a test-specific function. */
typedef void (*step_fn)(rt_actor *self, tmsg *m);
static void runner_dispatch(rt_actor *self, rt_msg *m) {
  tmsg *t = (tmsg *)m;
  ((step_fn)(uintptr_t)t->b)(self, t);
}
static const char *const runner_names[] = {"step"};
static const rt_kind runner_kind = {.name = "Runner", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                    .handler_names = runner_names, .handler_answers = no_answers,
                                    .down_handler = -1, .dispatch = runner_dispatch, .drop_msg = tmsg_drop,
                                    .drop_state = t_nop_actor, .drop_params = t_nop_actor};

static void run_step(step_fn f, int64_t arg) {
  tspawn_send(&runner_kind, 0, arg, (int64_t)(uintptr_t)f, NULL);
  rt_sched_run();
}

/* ---- after ---------------------------------------------------------------------------------- */
static _Atomic int64_t after_count;
static struct rt_timer *t_first, *t_second;
static void arm_after(rt_actor *self, tmsg *m) {
  t_first = rt_timer_start(self, 5, false, mkbody(&after_count));
  t_second = rt_timer_start(self, -5, false, mkbody(&after_count)); /* negative: as 0 */
}
static void test_after(void) {
  atomic_store(&after_count, 0);
  run_step(arm_after, 0);
  CHECK_EQ(atomic_load(&after_count), 2);
  CHECK(strcmp(last_handler, "after") == 0);
  CHECK_EQ(rt_timer_number(t_second), rt_timer_number(t_first) + 1);
  rt_timer_cancel(t_first); /* after it ran: no effect */
  rt_release(t_first);
  rt_release(t_second);
}

/* ---- every, cancelling itself ------------------------------------------------------------- */
static _Atomic int64_t every_count, every0_count;
static struct rt_timer *t_every, *t_every0;
static void arm_every(rt_actor *self, tmsg *m) {
  rt_closure *c = mkbody(&every_count);
  ((tbody *)c)->cancel_at = 3;
  ((tbody *)c)->self_t = &t_every;
  t_every = rt_timer_start(self, 3, true, c);
  c = mkbody(&every0_count);
  ((tbody *)c)->cancel_at = 5;
  ((tbody *)c)->self_t = &t_every0;
  t_every0 = rt_timer_start(self, 0, true, c); /* every 0: as every 1 */
}
static void test_every(void) {
  run_step(arm_every, 0);
  CHECK_EQ(atomic_load(&every_count), 3);
  CHECK_EQ(atomic_load(&every0_count), 5);
  CHECK(strcmp(last_handler, "every") == 0);
  rt_release(t_every);
  rt_release(t_every0);
}

/* ---- cancel before it fires ------------------------------------------------------------- */
static _Atomic int64_t cancelled_count;
static void arm_cancel(rt_actor *self, tmsg *m) {
  struct rt_timer *t = rt_timer_start(self, 20000, false, mkbody(&cancelled_count));
  struct rt_timer *e = rt_timer_start(self, 10000, true, mkbody(&cancelled_count));
  rt_timer_cancel(t);
  rt_timer_cancel(e);
  rt_timer_cancel(t); /* twice: no effect */
  rt_release(t);
  rt_release(e);
  rt_timer_cancel(NULL); /* the zero Timer */
}
static void test_cancel(void) {
  int64_t t0 = rt_mono_ns();
  run_step(arm_cancel, 0); /* ends (a hold left behind would hang here) */
  CHECK_EQ(atomic_load(&cancelled_count), 0);
  CHECK(rt_mono_ns() - t0 < 10000000000ll);
}

/* ---- cancel of a firing already in the mailbox -------------------------------------------- */
static _Atomic int64_t queued_count;
static bool wait_for_mail(rt_actor *self) {
  int64_t until = rt_mono_ns() + 10000000000ll;
  /* A firing has been pushed once the head moved past the message being handled. */
  while (atomic_load(&self->mb.head) == self->mb.tail)
    if (rt_mono_ns() > until) return false;
  return true;
}
static void arm_queued(rt_actor *self, tmsg *m) {
  struct rt_timer *t = rt_timer_start(self, 0, m->a == 1, mkbody(&queued_count));
  CHECK(wait_for_mail(self));
  rt_timer_cancel(t); /* the firing is queued behind this message: it must be skipped */
  rt_release(t);
}
static void test_cancel_queued(void) {
  atomic_store(&queued_count, 0);
  run_step(arm_queued, 0); /* after */
  run_step(arm_queued, 1); /* every */
  CHECK_EQ(atomic_load(&queued_count), 0);
}

/* ---- the timers of an actor that stops or fails -------------------------------------------- */
static _Atomic int64_t stopped_count;
static struct rt_timer *kept;
static void arm_and_stop(rt_actor *self, tmsg *m) {
  rt_release(rt_timer_start(self, 10000, true, mkbody(&stopped_count)));
  kept = rt_timer_start(self, 0, false, mkbody(&stopped_count));
  CHECK(wait_for_mail(self)); /* its firing is queued: a dead letter after the stop */
  rt_release(rt_timer_start(self, 30000, false, mkbody(&stopped_count)));
  rt_stop(self);
}
static _Atomic int64_t failing_count;
static void arm_and_fail(rt_actor *self, tmsg *m) {
  rt_release(rt_timer_start(self, 30000, true, mkbody(&failing_count)));
  rt_closure *c = mkbody(&failing_count);
  ((tbody *)c)->fail = true;
  rt_release(rt_timer_start(self, 1, true, c));
}
static void test_owner_ends(void) {
  rt_stats before = t_stats();
  run_step(arm_and_stop, 0); /* ends at once: the stop cancelled every timer */
  rt_stats after = t_stats();
  CHECK_EQ(atomic_load(&stopped_count), 0);
  CHECK_EQ(after.dead_letters - before.dead_letters, 1);
  rt_timer_cancel(kept); /* its owner is gone: harmless */
  rt_release(kept);
  t_capture_begin();
  run_step(arm_and_fail, 0);
  char err[512];
  t_capture_end(err, sizeof err);
  CHECK(strstr(err, "failed in every at timer.actor:1:1: timer body broke") != NULL);
  CHECK_EQ(atomic_load(&failing_count), 0);
  rt_actor_reset_failed();
}

/* ---- many timers: each fires once, in due order ------------------------------------------- */
static _Atomic int64_t many_count;
static int64_t nmany;
static void arm_many(rt_actor *self, tmsg *m) {
  for (int64_t i = 0; i < nmany; i++) {
    int64_t ms = (i * 7919) % 50; /* a scrambled order of due times */
    rt_closure *c = mkbody(&many_count);
    ((tbody *)c)->tag = rt_mono_ns() + ms * 1000000; /* about when it is due */
    rt_release(rt_timer_start(self, ms, false, c));
  }
}
static void test_many(void) {
  nmany = 2000;
  atomic_store(&fire_n, 0);
  int64_t dropped0 = atomic_load(&bodies_dropped);
  run_step(arm_many, 0);
  CHECK_EQ(atomic_load(&many_count), nmany);
  /* In due order: a timer never runs before one due well (5 ms) earlier.  (The
   * tags are read just before each timer starts, so close ones may swap.) */
  long disorder = 0;
  int64_t latest = 0;
  for (int64_t i = 0; i < nmany; i++) {
    if (fire_order[i] < latest - 5000000) disorder++;
    if (fire_order[i] > latest) latest = fire_order[i];
  }
  CHECK_EQ(disorder, 0);
  CHECK_EQ(atomic_load(&bodies_dropped) - dropped0, nmany); /* every Timer freed */
}

int main(void) {
  rt_sched_init();
  test_after();
  test_every();
  test_cancel();
  test_cancel_queued();
  test_owner_ends();
  test_many();
  return t_finish("test_timer");
}

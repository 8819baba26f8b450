/* test_quiesce.c — the program ends exactly when it is quiescent: not while work is
 * queued or running anywhere (work spread over every worker, and many short runs in
 * a row), not while a timer is pending (it ends after the firing), not while a hold
 * is taken (a thread that is not a worker sends, then lets go), and at once when
 * there is nothing to do. */
#include "rt_test.h"

static const uint8_t no_answers[16];

/* ---- chains: each actor keeps sending to itself and to random others -------------------- */
#define NCHAIN 64
static rt_actor *chains[NCHAIN];
static _Atomic int64_t chain_handled;
static void chain_dispatch(rt_actor *self, rt_msg *m) {
  tmsg *t = (tmsg *)m;
  atomic_fetch_add(&chain_handled, 1);
  if (t->a > 0) {
    tsend(self, 0, t->a - 1, 0, NULL);
    if (t->a % 7 == 0) tsend(chains[rt_random(NCHAIN, "test")], 0, 0, 0, NULL); /* a leaf message */
  }
}
static const char *const chain_names[] = {"step"};
static const rt_kind chain_kind = {.name = "Chain", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                   .handler_names = chain_names, .handler_answers = no_answers,
                                   .down_handler = -1, .dispatch = chain_dispatch, .drop_msg = tmsg_drop,
                                   .drop_state = t_nop_actor, .drop_params = t_nop_actor};

static void spread(void) {
  int64_t len = t_scale(20000);
  atomic_store(&chain_handled, 0);
  for (int i = 0; i < NCHAIN; i++) {
    chains[i] = rt_spawn(&chain_kind);
    rt_actor_start(chains[i]);
  }
  for (int i = 0; i < NCHAIN; i++) tsend(chains[i], 0, len, 0, NULL);
  rt_sched_run();
  /* each chain: len + 1 steps, plus one leaf per multiple of 7 in 1..len */
  CHECK_EQ(atomic_load(&chain_handled), NCHAIN * (len + 1 + len / 7));
  for (int i = 0; i < NCHAIN; i++) rt_release(chains[i]);
}

static void many_runs(void) {
  int runs = (int)t_scale(300);
  long bad = 0;
  for (int r = 0; r < runs; r++) {
    atomic_store(&chain_handled, 0);
    for (int i = 0; i < 4; i++) {
      chains[i] = rt_spawn(&chain_kind);
      rt_actor_start(chains[i]);
    }
    for (int i = 4; i < NCHAIN; i++) chains[i] = chains[i % 4];
    for (int i = 0; i < 4; i++) tsend(chains[i], 0, 20, 0, NULL);
    rt_sched_run();
    if (atomic_load(&chain_handled) != 4 * (21 + 2)) bad++;
    for (int i = 0; i < 4; i++) rt_release(chains[i]);
  }
  CHECK_EQ(bad, 0);
}

static void nothing(void) {
  rt_sched_run(); /* returns: nothing to do */
  CHECK(1);
}

/* ---- a pending timer keeps the program alive until it fires ----------------------------- */
static _Atomic int64_t fired_at;
static void timer_body(rt_actor *self, rt_closure *c, rt_word answer) { atomic_store(&fired_at, rt_mono_ns()); }
static void armer_dispatch(rt_actor *self, rt_msg *m) {
  tmsg *t = (tmsg *)m;
  rt_closure *c = rt_closure_new(sizeof(rt_closure));
  c->run = timer_body;
  rt_release(rt_timer_start(self, t->a, false, c));
}
static const char *const armer_names[] = {"arm"};
static const rt_kind armer_kind = {.name = "Armer", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                   .handler_names = armer_names, .handler_answers = no_answers,
                                   .down_handler = -1, .dispatch = armer_dispatch, .drop_msg = tmsg_drop,
                                   .drop_state = t_nop_actor, .drop_params = t_nop_actor};
static void pending_timer(void) {
  atomic_store(&fired_at, 0);
  int64_t t0 = rt_mono_ns();
  rt_actor *a = rt_spawn(&armer_kind);
  rt_actor_start(a);
  tsend(a, 0, 40, 0, NULL);
  rt_sched_run();
  int64_t t1 = rt_mono_ns();
  CHECK(atomic_load(&fired_at) != 0);               /* it fired before the end */
  CHECK(atomic_load(&fired_at) - t0 >= 40000000);   /* not before it was due */
  CHECK(t1 >= atomic_load(&fired_at));
  rt_release(a);
}

/* ---- a hold: another thread sends, then lets go -------------------------------------------- */
static _Atomic int64_t held_handled;
static void held_dispatch(rt_actor *self, rt_msg *m) { atomic_fetch_add(&held_handled, ((tmsg *)m)->a); }
static const char *const held_names[] = {"data"};
static const rt_kind held_kind = {.name = "Held", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                  .handler_names = held_names, .handler_answers = no_answers, .down_handler = -1,
                                  .dispatch = held_dispatch, .drop_msg = tmsg_drop, .drop_state = t_nop_actor,
                                  .drop_params = t_nop_actor};
static rt_actor *held_actor;
static void *io_thread(void *arg) {
  for (int i = 1; i <= 5; i++) {
    usleep(10000);
    tsend(held_actor, 0, i, 0, NULL); /* from a thread that is not a worker */
  }
  rt_sched_unhold();
  rt_pool_thread_exit();
  return NULL;
}
static void holds(void) {
  held_actor = rt_spawn(&held_kind);
  rt_actor_start(held_actor);
  rt_sched_hold();
  pthread_t th;
  pthread_create(&th, NULL, io_thread, NULL);
  rt_sched_run();
  CHECK_EQ(atomic_load(&held_handled), 15);
  pthread_join(th, NULL);
  rt_release(held_actor);
}

int main(void) {
  rt_sched_init();
  nothing();
  spread();
  many_runs();
  pending_timer();
  holds();
  nothing();
  return t_finish("test_quiesce");
}

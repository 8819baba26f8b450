/* test_sched.c — the scheduler's queues: a burst that wakes thousands of idle actors
 * at once (runnext, the local ring, its overflow into the global queue, stealing), a
 * tree of actors with init, batch yields, runnext fairness, many senders to one
 * actor (per-sender FIFO), a long handler feeding a consumer, causal order, and a
 * handler stuck in a long call while the actors it made runnable wait for a worker. */
#include "rt_test.h"

static const uint8_t no_answers[16];

/* ---- a generic collector ---------------------------------------------------------------- */
static _Atomic int64_t col_count, col_sum;
static void collector_dispatch(rt_actor *self, rt_msg *m) {
  atomic_fetch_add(&col_count, 1);
  atomic_fetch_add(&col_sum, ((tmsg *)m)->a);
}
static const char *const collector_names[] = {"add"};
static const rt_kind collector_kind = {.name = "Collector", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                       .handler_names = collector_names, .handler_answers = no_answers,
                                       .down_handler = -1, .dispatch = collector_dispatch, .drop_msg = tmsg_drop,
                                       .drop_state = t_nop_actor, .drop_params = t_nop_actor};

/* ---- burst: one handler wakes K idle actors ------------------------------------------------ */
static void echo_dispatch(rt_actor *self, rt_msg *m) {
  tmsg *t = (tmsg *)m;
  tsend(t->ref, 0, t->a, 0, NULL);
  rt_stop(self);
}
static const char *const echo_names[] = {"echo"};
static const rt_kind echo_kind = {.name = "Echo", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                  .handler_names = echo_names, .handler_answers = no_answers, .down_handler = -1,
                                  .dispatch = echo_dispatch, .drop_msg = tmsg_drop, .drop_state = t_nop_actor,
                                  .drop_params = t_nop_actor};
static void burster_dispatch(rt_actor *self, rt_msg *m) {
  tmsg *t = (tmsg *)m;
  for (int64_t i = 1; i <= t->a; i++) {
    tspawn_send(&echo_kind, 0, i, 0, t->ref);
  }
}
static const char *const burster_names[] = {"go"};
static const rt_kind burster_kind = {.name = "Burster", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                     .handler_names = burster_names, .handler_answers = no_answers,
                                     .down_handler = -1, .dispatch = burster_dispatch, .drop_msg = tmsg_drop,
                                     .drop_state = t_nop_actor, .drop_params = t_nop_actor};

static void burst(void) {
  int64_t k = t_scale(20000);
  atomic_store(&col_count, 0);
  atomic_store(&col_sum, 0);
  rt_actor *c = rt_spawn(&collector_kind);
  rt_actor_start(c);
  for (int r = 0; r < 3; r++) { /* three bursters at once */
    tspawn_send(&burster_kind, 0, k, 0, c);
  }
  rt_sched_run();
  CHECK_EQ(atomic_load(&col_count), 3 * k);
  CHECK_EQ(atomic_load(&col_sum), 3 * k * (k + 1) / 2);
  rt_release(c);
}

/* ---- a tree of actors that have init ------------------------------------------------------- */
typedef struct { int64_t ready; rt_actor *parent; int64_t acc, waiting; } tree_st;
typedef struct { rt_msg h; rt_actor *up; int64_t num, size; } tree_run;
static _Atomic int64_t tree_result, tree_not_ready;
static void tree_dispatch(rt_actor *self, rt_msg *m);
static void tree_init(rt_actor *self) { STATE(self, tree_st)->ready = 1; }
static void tree_drop_msg(rt_msg *m) {
  if (m->id == 0) rt_release(((tree_run *)m)->up);
}
static void tree_drop_state(rt_actor *self) {
  rt_release(STATE(self, tree_st)->parent);
  memset(STATE(self, tree_st), 0, sizeof(tree_st));
}
static const char *const tree_names[] = {"run", "result"};
static const rt_kind tree_kind = {.name = "Tree", .size = RT_ACTOR_STATE_OFFSET + sizeof(tree_st), .nhandlers = 2,
                                  .handler_names = tree_names, .handler_answers = no_answers, .down_handler = -1,
                                  .init = tree_init, .dispatch = tree_dispatch, .drop_msg = tree_drop_msg,
                                  .drop_state = tree_drop_state, .drop_params = t_nop_actor};
static void tree_up(tree_st *s, int64_t v) {
  if (s->parent)
    tsend(s->parent, 1, v, 0, NULL);
  else
    atomic_store(&tree_result, v);
}
static void tree_dispatch(rt_actor *self, rt_msg *m) {
  tree_st *s = STATE(self, tree_st);
  if (!s->ready) atomic_fetch_add(&tree_not_ready, 1);
  if (m->id == 0) {
    tree_run *r = (tree_run *)m;
    s->parent = r->up;
    rt_retain(s->parent);
    if (r->size == 1) {
      tree_up(s, r->num);
      rt_stop(self);
      return;
    }
    s->waiting = 10;
    for (int i = 0; i < 10; i++) {
      rt_actor *c = rt_spawn(&tree_kind);
      rt_actor_start(c);
      tree_run *cm = (tree_run *)rt_msg_alloc(sizeof *cm);
      cm->h.id = 0;
      rt_retain(self);
      cm->up = self;
      cm->num = r->num + i * (r->size / 10);
      cm->size = r->size / 10;
      rt_send(c, &cm->h);
      rt_release(c);
    }
  } else {
    s->acc += ((tmsg *)m)->a;
    if (--s->waiting == 0) {
      tree_up(s, s->acc);
      rt_stop(self);
    }
  }
}

static void tree(void) {
  int64_t n = getenv("RT_TEST_SCALE") ? 10000 : 100000;
  rt_actor *r = rt_spawn(&tree_kind);
  rt_actor_start(r);
  tree_run *cm = (tree_run *)rt_msg_alloc(sizeof *cm);
  cm->h.id = 0;
  cm->up = NULL;
  cm->num = 0;
  cm->size = n;
  rt_send(r, &cm->h);
  rt_release(r);
  rt_sched_run();
  CHECK_EQ(atomic_load(&tree_result), n * (n - 1) / 2);
  CHECK_EQ(atomic_load(&tree_not_ready), 0);
}

/* ---- batches: a long mailbox yields to others ----------------------------------------------- */
static _Atomic int64_t busy_count, busy_at_other;
static rt_actor *other_actor;
static void other_dispatch(rt_actor *self, rt_msg *m) { atomic_store(&busy_at_other, atomic_load(&busy_count)); }
static const char *const other_names[] = {"poke"};
static const rt_kind other_kind = {.name = "Other", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                   .handler_names = other_names, .handler_answers = no_answers,
                                   .down_handler = -1, .dispatch = other_dispatch, .drop_msg = tmsg_drop,
                                   .drop_state = t_nop_actor, .drop_params = t_nop_actor};
static void busy_dispatch(rt_actor *self, rt_msg *m) {
  if (atomic_fetch_add(&busy_count, 1) == 0) tsend(other_actor, 0, 0, 0, NULL);
}
static const char *const busy_names[] = {"work"};
static const rt_kind busy_kind = {.name = "Busy", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                  .handler_names = busy_names, .handler_answers = no_answers, .down_handler = -1,
                                  .dispatch = busy_dispatch, .drop_msg = tmsg_drop, .drop_state = t_nop_actor,
                                  .drop_params = t_nop_actor};

static void batches(void) {
  rt_actor *b = rt_spawn(&busy_kind);
  rt_actor_start(b);
  other_actor = rt_spawn(&other_kind);
  rt_actor_start(other_actor);
  for (int i = 0; i < 10000; i++) tsend(b, 0, i, 0, NULL);
  atomic_store(&busy_at_other, -1);
  rt_sched_run();
  CHECK_EQ(atomic_load(&busy_count), 10000);
  /* The other actor ran while the busy one still had most of its mailbox: a turn is
   * a batch, not everything queued. */
  CHECK(atomic_load(&busy_at_other) >= 1 && atomic_load(&busy_at_other) < 10000);
  rt_release(b);
  rt_release(other_actor);
}

/* ---- runnext fairness: an endless ping-pong does not starve the queue ------------------------ */
static _Atomic int stop_pair;
static _Atomic int64_t pair_rounds;
static void pair_dispatch(rt_actor *self, rt_msg *m) {
  tmsg *t = (tmsg *)m;
  atomic_fetch_add(&pair_rounds, 1);
  if (atomic_load(&stop_pair)) return;
  tsend(t->ref, 0, 0, 0, self);
}
static const char *const pair_names[] = {"ball"};
static const rt_kind pair_kind = {.name = "Pair", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                  .handler_names = pair_names, .handler_answers = no_answers, .down_handler = -1,
                                  .dispatch = pair_dispatch, .drop_msg = tmsg_drop, .drop_state = t_nop_actor,
                                  .drop_params = t_nop_actor};
static void stopper_dispatch(rt_actor *self, rt_msg *m) { atomic_store(&stop_pair, 1); }
static const char *const stopper_names[] = {"stop"};
static const rt_kind stopper_kind = {.name = "Stopper", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                     .handler_names = stopper_names, .handler_answers = no_answers,
                                     .down_handler = -1, .dispatch = stopper_dispatch, .drop_msg = tmsg_drop,
                                     .drop_state = t_nop_actor, .drop_params = t_nop_actor};
static void fairness(void) {
  rt_actor *s = rt_spawn(&stopper_kind), *a = rt_spawn(&pair_kind), *b = rt_spawn(&pair_kind);
  rt_actor_start(s);
  rt_actor_start(a);
  rt_actor_start(b);
  tsend(s, 0, 0, 0, NULL); /* queued behind the pair on worker 0 */
  tsend(a, 0, 0, 0, b);
  rt_sched_run(); /* would never end if the pair kept the worker */
  CHECK(atomic_load(&stop_pair) == 1);
  CHECK(atomic_load(&pair_rounds) >= 1);
  rt_release(s);
  rt_release(a);
  rt_release(b);
}

/* ---- many senders to one actor: per-sender FIFO ------------------------------------------- */
#define NSEND 8
typedef struct { int64_t last[NSEND]; int64_t count, errors; } sink_st;
static _Atomic int64_t sink_count, sink_errors;
static void sink_dispatch(rt_actor *self, rt_msg *m) {
  sink_st *s = STATE(self, sink_st);
  tmsg *t = (tmsg *)m;
  if (t->a != s->last[t->b] + 1) s->errors++;
  s->last[t->b] = t->a;
  s->count++;
  atomic_store(&sink_count, s->count);
  atomic_store(&sink_errors, s->errors);
}
static const char *const sink_names[] = {"msg"};
static const rt_kind sink_kind = {.name = "Sink", .size = RT_ACTOR_STATE_OFFSET + sizeof(sink_st), .nhandlers = 1,
                                  .handler_names = sink_names, .handler_answers = no_answers, .down_handler = -1,
                                  .dispatch = sink_dispatch, .drop_msg = tmsg_drop, .drop_state = t_nop_actor,
                                  .drop_params = t_nop_actor};
static int64_t per_sender;
static void sender_dispatch(rt_actor *self, rt_msg *m) {
  tmsg *t = (tmsg *)m;
  /* In slices, re-sending to itself, so senders interleave on every worker. */
  int64_t from = t->a, id = t->b;
  int64_t to = from + 1000 < per_sender ? from + 1000 : per_sender;
  for (int64_t i = from + 1; i <= to; i++) tsend(t->ref, 0, i, id, NULL);
  if (to < per_sender) tsend(self, 0, to, id, t->ref);
}
static const char *const sender_names[] = {"go"};
static const rt_kind sender_kind = {.name = "Sender", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                    .handler_names = sender_names, .handler_answers = no_answers,
                                    .down_handler = -1, .dispatch = sender_dispatch, .drop_msg = tmsg_drop,
                                    .drop_state = t_nop_actor, .drop_params = t_nop_actor};
static void many_senders(void) {
  per_sender = t_scale(50000);
  rt_actor *sink = rt_spawn(&sink_kind);
  rt_actor_start(sink);
  for (int i = 0; i < NSEND; i++) {
    tspawn_send(&sender_kind, 0, 0, i, sink);
  }
  rt_sched_run();
  CHECK_EQ(atomic_load(&sink_count), NSEND * per_sender);
  CHECK_EQ(atomic_load(&sink_errors), 0);
  for (int i = 0; i < NSEND; i++) CHECK_EQ(STATE(sink, sink_st)->last[i], per_sender);
  rt_release(sink);
}

/* ---- a long handler feeding a consumer, then a request behind the messages -------------- */
typedef struct { int64_t total; } counter_st;
static void counter_dispatch(rt_actor *self, rt_msg *m) {
  counter_st *s = STATE(self, counter_st);
  if (m->id == 0)
    s->total++;
  else
    rt_reply(self, m, (rt_word)s->total);
}
static void nothing_drop(rt_msg *m) { (void)m; }
static const char *const counter_names[] = {"inc", "get"};
static const uint8_t counter_answers[] = {0, 1};
static const rt_type *const counter_types[] = {NULL, &rt_type_int};
static const rt_kind counter_kind = {.name = "Counter", .size = RT_ACTOR_STATE_OFFSET + sizeof(counter_st),
                                     .nhandlers = 2, .handler_names = counter_names,
                                     .handler_answers = counter_answers, .answer_types = counter_types,
                                     .down_handler = -1, .dispatch = counter_dispatch, .drop_msg = nothing_drop,
                                     .drop_state = t_nop_actor, .drop_params = t_nop_actor};
static _Atomic int64_t counted = -1;
static void got_total(rt_actor *self, rt_closure *c, rt_word answer) { atomic_store(&counted, (int64_t)answer); }
static void producer_dispatch(rt_actor *self, rt_msg *m) {
  tmsg *t = (tmsg *)m;
  for (int64_t i = 0; i < t->a; i++) {
    rt_msg *inc = rt_msg_alloc(sizeof(rt_msg));
    inc->id = 0;
    rt_send(t->ref, inc);
  }
  rt_closure *c = rt_closure_new(sizeof(rt_closure));
  c->run = got_total;
  c->answer_type = &rt_type_int;
  trequest(self, t->ref, 1, 0, c);
}
static const char *const producer_names[] = {"run"};
static const rt_kind producer_kind = {.name = "Producer", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                      .handler_names = producer_names, .handler_answers = no_answers,
                                      .down_handler = -1, .dispatch = producer_dispatch, .drop_msg = tmsg_drop,
                                      .drop_state = t_nop_actor, .drop_params = t_nop_actor};
static void counting(void) {
  int64_t n = t_scale(1000000);
  rt_actor *p = rt_spawn(&producer_kind), *c = rt_spawn(&counter_kind);
  rt_actor_start(p);
  rt_actor_start(c);
  tsend(p, 0, n, 0, c);
  rt_release(p);
  rt_release(c);
  rt_sched_run();
  CHECK_EQ(atomic_load(&counted), n);
}

/* ---- causality: m1 sent before a message that leads to m2 arrives first ---------------- */
static _Atomic int64_t causal_errors, causal_seen;
typedef struct { int64_t expect_second[64]; } judge_st;
static void judge_dispatch(rt_actor *self, rt_msg *m) {
  judge_st *s = STATE(self, judge_st);
  tmsg *t = (tmsg *)m;
  if (t->b == 1)
    s->expect_second[t->a] = 1;
  else if (!s->expect_second[t->a])
    atomic_fetch_add(&causal_errors, 1);
  else
    s->expect_second[t->a] = 0;
  atomic_fetch_add(&causal_seen, 1);
}
static const char *const judge_names[] = {"m"};
static const rt_kind judge_kind = {.name = "Judge", .size = RT_ACTOR_STATE_OFFSET + sizeof(judge_st), .nhandlers = 1,
                                   .handler_names = judge_names, .handler_answers = no_answers,
                                   .down_handler = -1, .dispatch = judge_dispatch, .drop_msg = tmsg_drop,
                                   .drop_state = t_nop_actor, .drop_params = t_nop_actor};
static rt_actor *judge;
static void relay_dispatch(rt_actor *self, rt_msg *m) {
  tmsg *t = (tmsg *)m;
  if (m->id == 0) { /* first hop: m1 to the judge, then tell the relay */
    tsend(judge, 0, t->a, 1, NULL);
    tsend(t->ref, 1, t->a, 0, NULL);
  } else { /* second hop: m2 */
    tsend(judge, 0, t->a, 2, NULL);
  }
}
static const char *const relay_names[] = {"first", "second"};
static const rt_kind relay_kind = {.name = "Relay", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 2,
                                   .handler_names = relay_names, .handler_answers = no_answers,
                                   .down_handler = -1, .dispatch = relay_dispatch, .drop_msg = tmsg_drop,
                                   .drop_state = t_nop_actor, .drop_params = t_nop_actor};
static void causality(void) {
  int rounds = (int)t_scale(200);
  judge = rt_spawn(&judge_kind);
  rt_actor_start(judge);
  for (int r = 0; r < rounds; r++) {
    for (int i = 0; i < 64; i++) {
      rt_actor *a = rt_spawn(&relay_kind), *b = rt_spawn(&relay_kind);
      rt_actor_start(a);
      rt_actor_start(b);
      tsend(a, 0, i, 0, b);
      rt_release(a);
      rt_release(b);
    }
    rt_sched_run();
  }
  CHECK_EQ(atomic_load(&causal_seen), 2 * 64 * rounds);
  CHECK_EQ(atomic_load(&causal_errors), 0);
  rt_release(judge);
}

/* ---- a handler stuck in a long call: the others still run ------------------------------ */
/* A handler makes 32 actors runnable (they land in its worker's ring) and then blocks,
 * as a blocking foreign call would, until all of them have run -- which other workers
 * must do.  With more workers than cores (ACTOR_THREADS=8 ACTOR_CORES=1 in the test
 * runs) no parked worker is woken for them while the stuck one counts as awake: the
 * watch must see that it makes no progress and wake one.  Needs two workers. */
static _Atomic int stuck_ran;
static void ran_dispatch(rt_actor *self, rt_msg *m) {
  if (((tmsg *)m)->a >= 0) atomic_fetch_add(&stuck_ran, 1);
}
static const char *const ran_names[] = {"run"};
static const rt_kind ran_kind = {.name = "Ran", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                 .handler_names = ran_names, .handler_answers = no_answers, .down_handler = -1,
                                 .dispatch = ran_dispatch, .drop_msg = tmsg_drop, .drop_state = t_nop_actor,
                                 .drop_params = t_nop_actor};
static _Atomic int64_t stuck_waited_ms;
static void blocker_dispatch(rt_actor *self, rt_msg *m) {
  for (int i = 0; i < 32; i++) {
    tspawn_send(&ran_kind, 0, i, 0, NULL);
  }
  /* one more, uncounted: it takes the private runnext slot, so the 32 are all in the
   * ring, where other workers can take them */
  tspawn_send(&ran_kind, 0, -1, 0, NULL);
  int64_t ms = 0;
  while (atomic_load(&stuck_ran) < 32 && ms < 10000) {
    usleep(1000);
    ms++;
  }
  atomic_store(&stuck_waited_ms, ms);
}
static const char *const blocker_names[] = {"block"};
static const rt_kind blocker_kind = {.name = "Blocker", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                     .handler_names = blocker_names, .handler_answers = no_answers,
                                     .down_handler = -1, .dispatch = blocker_dispatch, .drop_msg = tmsg_drop,
                                     .drop_state = t_nop_actor, .drop_params = t_nop_actor};
static void stuck_handler(void) {
  if (rt_sched_threads() < 2) return;
  atomic_store(&stuck_ran, 0);
  tspawn_send(&blocker_kind, 0, 0, 0, NULL);
  rt_sched_run();
  CHECK_EQ(atomic_load(&stuck_ran), 32);
  /* they ran while it was blocked (10 s is the test's give-up; the watch looks every ms) */
  CHECK(atomic_load(&stuck_waited_ms) < 10000);
}

int main(void) {
  rt_sched_init();
  stuck_handler();
  burst();
  tree();
  batches();
  fairness();
  many_senders();
  counting();
  causality();
  return t_finish("test_sched");
}

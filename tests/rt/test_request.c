/* test_request.c — requests and replies: then-blocks with Int and String answers,
 * else-blocks with the target's failure reason, "dead" (target ended before or while
 * the request waited) and "none", requests without blocks, a cont without an else,
 * a requester restarted (incarnation changed) or ended before the answer, and blocks
 * that fail ("failed in then" / "failed in else").  Every closure is freed. */
#include "rt_test.h"

static const uint8_t no_answers[16];

/* ---- the oracle ---------------------------------------------------------------------------- */
enum { OR_ANSWER, OR_NAME, OR_QUIT, OR_SLOW };
static void oracle_dispatch(rt_actor *self, rt_msg *m) {
  treq *r = (treq *)m;
  switch (m->id) {
  case OR_ANSWER:
    if (r->a < 0) rt_fail("cannot answer", "oracle.actor:3:27");
    rt_reply(self, m, (rt_word)(r->a * 2));
    break;
  case OR_NAME: rt_reply(self, m, (rt_word)(uintptr_t)rt_str_new("four", 4)); break;
  case OR_QUIT: rt_stop(self); break;
  case OR_SLOW: usleep(20000); break;
  }
}
static void nothing_drop(rt_msg *m) { (void)m; }
static const char *const oracle_names[] = {"answer", "name", "quit", "slow"};
static const uint8_t oracle_answers[] = {1, 1, 0, 0};
static const rt_type *const oracle_types[] = {&rt_type_int, &rt_type_string, NULL, NULL};
static const rt_kind oracle_kind = {.name = "Oracle", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 4,
                                    .handler_names = oracle_names, .handler_answers = oracle_answers,
                                    .answer_types = oracle_types, .down_handler = -1, .dispatch = oracle_dispatch,
                                    .drop_msg = nothing_drop, .drop_state = t_nop_actor,
                                    .drop_params = t_nop_actor};

/* ---- continuations --------------------------------------------------------------------------- */
typedef struct tcont {
  rt_closure c;
  int64_t id;
  int fail_in; /* 1: the then-block fails, 2: the else-block fails */
} tcont;

#define MAXR 64
static int64_t answers[MAXR];
static char reasons[MAXR][64];
static char handler_seen[MAXR][16];
static _Atomic int64_t conts_made, conts_dropped;

static void cont_run(rt_actor *self, rt_closure *c, rt_word answer) {
  tcont *k = (tcont *)c;
  snprintf(handler_seen[k->id], 16, "%s", rt_cur.handler);
  if (k->c.answer_type == &rt_type_string)
    answers[k->id] = ((rt_str *)(uintptr_t)answer)->len; /* borrowed */
  else
    answers[k->id] = (int64_t)answer;
  if (k->fail_in == 1) rt_fail("then broke", "asker.actor:9:9");
}
static void cont_else(rt_actor *self, rt_closure *c, rt_str *reason) {
  tcont *k = (tcont *)c;
  snprintf(handler_seen[k->id], 16, "%s", rt_cur.handler);
  snprintf(reasons[k->id], 64, "%s", reason ? reason->data : "");
  if (k->fail_in == 2) rt_fail("else broke", "asker.actor:10:10");
}
static void cont_drop(rt_closure *c) { atomic_fetch_add(&conts_dropped, 1); }

static rt_closure *mkcont(int64_t id, bool with_else, const rt_type *t) {
  tcont *k = (tcont *)rt_closure_new(sizeof *k);
  k->c.run = cont_run;
  k->c.run_else = with_else ? cont_else : NULL;
  k->c.drop = cont_drop;
  k->c.answer_type = t;
  k->id = id;
  atomic_fetch_add(&conts_made, 1);
  return &k->c;
}

/* ---- the asker: its handler runs a test-specific function ------------------------------- */
typedef void (*step_fn)(rt_actor *self, rt_actor *target);
static void asker_dispatch(rt_actor *self, rt_msg *m) {
  tmsg *t = (tmsg *)m;
  if (m->id == 0) ((step_fn)(uintptr_t)t->b)(self, t->ref);
  if (m->id == 1) self->incarnation++; /* what a restart does */
  if (m->id == 2) rt_stop(self);
}
static const char *const asker_names[] = {"go", "restart", "stop"};
static const rt_kind asker_kind = {.name = "Asker", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 3,
                                   .handler_names = asker_names, .handler_answers = no_answers,
                                   .down_handler = -1, .dispatch = asker_dispatch, .drop_msg = tmsg_drop,
                                   .drop_state = t_nop_actor, .drop_params = t_nop_actor};

static void run_asker(step_fn f, rt_actor *target) {
  memset(answers, 0, sizeof answers);
  memset(reasons, 0, sizeof reasons);
  memset(handler_seen, 0, sizeof handler_seen);
  tspawn_send(&asker_kind, 0, 0, (int64_t)(uintptr_t)f, target);
  rt_sched_run();
}

static rt_actor *new_oracle(void) {
  rt_actor *o = rt_spawn(&oracle_kind);
  rt_actor_start(o);
  return o;
}

/* ---- the cases --------------------------------------------------------------------------- */
static void ask_basic(rt_actor *self, rt_actor *o) {
  trequest(self, o, OR_ANSWER, 21, mkcont(0, true, &rt_type_int));
  trequest(self, o, OR_NAME, 0, mkcont(2, true, &rt_type_string));
  trequest(self, o, OR_ANSWER, 5, NULL);                              /* no blocks */
  trequest(self, o, OR_NAME, 0, NULL);                                /* no blocks, String answer */
  trequest(self, NULL, OR_ANSWER, 1, mkcont(3, true, &rt_type_int));  /* none */
  trequest(self, NULL, OR_ANSWER, 1, mkcont(4, false, &rt_type_int)); /* none, no else */
  trequest(self, o, OR_ANSWER, -1, mkcont(1, true, &rt_type_int));   /* fails: the oracle ends */
  trequest(self, o, OR_ANSWER, 7, mkcont(5, true, &rt_type_int));    /* then: dead */
}
static void basic(void) {
  rt_actor *o = new_oracle();
  t_capture_begin();
  run_asker(ask_basic, o);
  char err[512];
  t_capture_end(err, sizeof err);
  CHECK_EQ(answers[0], 42);
  CHECK(strcmp(handler_seen[0], "then") == 0);
  CHECK(strcmp(reasons[1], "cannot answer") == 0);
  CHECK(strcmp(handler_seen[1], "else") == 0);
  CHECK_EQ(answers[2], 4);
  CHECK(strcmp(reasons[3], "none") == 0);
  CHECK(handler_seen[4][0] == 0);
  CHECK(strcmp(reasons[5], "dead") == 0);
  CHECK(strstr(err, "failed in answer at oracle.actor:3:27: cannot answer") != NULL);
  CHECK(rt_actor_any_failed());
  rt_actor_reset_failed();
  rt_release(o);
}

/* dead: a target that stopped before; a request queued behind its stop */
static void ask_dead(rt_actor *self, rt_actor *o) {
  trequest(self, o, OR_ANSWER, 1, mkcont(0, true, &rt_type_int));
  trequest(self, o, OR_ANSWER, 1, mkcont(1, false, &rt_type_int)); /* no else: dropped */
}
static void ask_queued(rt_actor *self, rt_actor *o) {
  tsend(o, OR_QUIT, 0, 0, NULL);
  trequest(self, o, OR_ANSWER, 1, mkcont(0, true, &rt_type_int));
}
static void dead(void) {
  rt_stats before = t_stats();
  rt_actor *o = new_oracle();
  tsend(o, OR_QUIT, 0, 0, NULL);
  rt_sched_run();
  run_asker(ask_dead, o);
  CHECK(strcmp(reasons[0], "dead") == 0);
  CHECK_EQ(answers[0], 0);
  rt_release(o);
  o = new_oracle();
  run_asker(ask_queued, o);
  CHECK(strcmp(reasons[0], "dead") == 0);
  rt_release(o);
  rt_stats after = t_stats();
  CHECK_EQ(after.dead_letters - before.dead_letters, 3);
  CHECK(!rt_actor_any_failed());
}

/* restarted (incarnation changed) or ended before the answer comes */
static void ask_restart(rt_actor *self, rt_actor *o) {
  tsend(o, OR_SLOW, 0, 0, NULL);
  trequest(self, o, OR_ANSWER, 1, mkcont(0, true, &rt_type_int));
  trequest(self, o, OR_ANSWER, -1, mkcont(1, true, &rt_type_int));
  tsend(self, 1, 0, 0, NULL); /* restart before the answers arrive (the oracle is slow) */
}
static void ask_then_stop(rt_actor *self, rt_actor *o) {
  tsend(o, OR_SLOW, 0, 0, NULL);
  trequest(self, o, OR_NAME, 0, mkcont(0, true, &rt_type_string));
  tsend(self, 2, 0, 0, NULL);
}
static void stale(void) {
  rt_actor *o = new_oracle();
  t_capture_begin();
  run_asker(ask_restart, o);
  char err[512];
  t_capture_end(err, sizeof err);
  CHECK(handler_seen[0][0] == 0 && handler_seen[1][0] == 0);
  rt_actor_reset_failed();
  rt_release(o);
  o = new_oracle();
  rt_stats before = t_stats();
  run_asker(ask_then_stop, o);
  rt_stats after = t_stats();
  CHECK(handler_seen[0][0] == 0);
  CHECK_EQ(after.dead_letters - before.dead_letters, 1); /* the reply */
  rt_release(o);
}

/* blocks that fail */
static void ask_failing_blocks(rt_actor *self, rt_actor *o) {
  rt_closure *c = mkcont(0, true, &rt_type_int);
  ((tcont *)c)->fail_in = 2;
  trequest(self, o, OR_ANSWER, -1, c); /* else runs and fails: the asker ends */
  trequest(self, o, OR_ANSWER, 2, mkcont(1, true, &rt_type_int)); /* a dead letter then */
}
static void ask_failing_then(rt_actor *self, rt_actor *o) {
  rt_closure *c = mkcont(0, true, &rt_type_int);
  ((tcont *)c)->fail_in = 1;
  trequest(self, o, OR_ANSWER, 2, c);
}
static void failing_blocks(void) {
  rt_actor *o = new_oracle();
  t_capture_begin();
  run_asker(ask_failing_then, o);
  char err[1024];
  t_capture_end(err, sizeof err);
  CHECK(strstr(err, "failed in then at asker.actor:9:9: then broke") != NULL);
  CHECK_EQ(answers[0], 4);
  rt_release(o);
  o = new_oracle();
  t_capture_begin();
  run_asker(ask_failing_blocks, o);
  t_capture_end(err, sizeof err);
  CHECK(strstr(err, "failed in else at asker.actor:10:10: else broke") != NULL);
  CHECK(strcmp(reasons[0], "cannot answer") == 0);
  CHECK(handler_seen[1][0] == 0);
  rt_actor_reset_failed();
  rt_release(o);
}

/* many requests from many askers: answers in order, all closures freed */
static _Atomic int64_t order_errors, many_answers;
typedef struct { rt_closure c; int64_t expect; int64_t *next; } ocont;
static void ocont_run(rt_actor *self, rt_closure *c, rt_word answer) {
  ocont *k = (ocont *)c;
  if ((int64_t)answer != k->expect * 2 || *k->next != k->expect) atomic_fetch_add(&order_errors, 1);
  (*k->next)++;
  atomic_fetch_add(&many_answers, 1);
}
typedef struct { int64_t next; } oasker_st;
static void oasker_dispatch(rt_actor *self, rt_msg *m) {
  tmsg *t = (tmsg *)m;
  for (int64_t i = 0; i < t->a; i++) {
    ocont *k = (ocont *)rt_closure_new(sizeof *k);
    k->c.run = ocont_run;
    k->c.answer_type = &rt_type_int;
    k->expect = i;
    k->next = &STATE(self, oasker_st)->next;
    trequest(self, t->ref, OR_ANSWER, i, &k->c);
  }
}
static const char *const oasker_names[] = {"go"};
static const rt_kind oasker_kind = {.name = "Oasker", .size = RT_ACTOR_STATE_OFFSET + sizeof(oasker_st),
                                    .nhandlers = 1, .handler_names = oasker_names, .handler_answers = no_answers,
                                    .down_handler = -1, .dispatch = oasker_dispatch, .drop_msg = tmsg_drop,
                                    .drop_state = t_nop_actor, .drop_params = t_nop_actor};
static void many(void) {
  int64_t n = t_scale(20000);
  rt_actor *o[4];
  for (int i = 0; i < 4; i++) o[i] = new_oracle();
  for (int i = 0; i < 16; i++) {
    tspawn_send(&oasker_kind, 0, n, 0, o[i % 4]);
  }
  rt_sched_run();
  CHECK_EQ(atomic_load(&many_answers), 16 * n);
  CHECK_EQ(atomic_load(&order_errors), 0);
  for (int i = 0; i < 4; i++) rt_release(o[i]);
}

int main(void) {
  rt_sched_init();
  basic();
  dead();
  stale();
  failing_blocks();
  many();
  CHECK_EQ(atomic_load(&conts_dropped), atomic_load(&conts_made));
  return t_finish("test_request");
}

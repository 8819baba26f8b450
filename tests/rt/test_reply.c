/* test_reply.c — reply handles and time limits (§13), below the compiler: answers
 * racing from several threads (the first stands, the others' values are released),
 * "no answer" when the last copy of an unanswered handle goes (from another thread,
 * at the end of the turn that let it go -- after what that turn sent --, with the
 * state of an actor that fails, stops or restarts, and with a dead letter), a handler
 * failing after it made a handle (its reason, not "no answer"), Reply#0, numbering,
 * and `within` racing answers (exactly one outcome per request; MS <= 0 at once).
 * Every closure is freed, and (under the sanitizers) every answer. */
#include "rt_test.h"

#include <pthread.h>

static const uint8_t no_answers[16];

/* ---- outcomes: what each request's then or else saw ---------------------------------- */
#define MAXR 4096
static _Atomic int outcomes[MAXR];   /* then- and else-blocks run, per request id */
static int64_t answer_of[MAXR];
static char reason_of[MAXR][32];
static _Atomic int64_t conts_made, conts_dropped;
static char order[256];              /* what the asker saw, in order (the ordering case) */
static int norder;
static bool log_order;               /* (set only while a single asker runs) */

typedef struct tcont {
  rt_closure c;
  int64_t id;
} tcont;

static void cont_run(rt_actor *self, rt_closure *c, rt_word answer) {
  tcont *k = (tcont *)c;
  atomic_fetch_add(&outcomes[k->id], 1);
  if (k->c.answer_type == &rt_type_string)
    answer_of[k->id] = ((rt_str *)(uintptr_t)answer)->data[0]; /* borrowed */
  else
    answer_of[k->id] = (int64_t)answer;
  if (log_order && norder < (int)sizeof order - 1) order[norder++] = 'a';
}
static void cont_else(rt_actor *self, rt_closure *c, rt_str *reason) {
  tcont *k = (tcont *)c;
  atomic_fetch_add(&outcomes[k->id], 1);
  snprintf(reason_of[k->id], sizeof reason_of[0], "%s", reason ? reason->data : "");
  if (log_order && norder < (int)sizeof order - 1) order[norder++] = 'e';
}
static void cont_drop(rt_closure *c) { atomic_fetch_add(&conts_dropped, 1); }

static rt_closure *mkcont(int64_t id, const rt_type *t) {
  tcont *k = (tcont *)rt_closure_new(sizeof *k);
  k->c.run = cont_run;
  k->c.run_else = cont_else;
  k->c.drop = cont_drop;
  k->c.answer_type = t;
  k->id = id;
  atomic_fetch_add(&conts_made, 1);
  return &k->c;
}

static void reset(void) {
  for (int i = 0; i < MAXR; i++) atomic_store(&outcomes[i], 0);
  memset(answer_of, 0, sizeof answer_of);
  memset(reason_of, 0, sizeof reason_of);
  norder = 0;
  memset(order, 0, sizeof order);
}

/* `to ? h(a) within ms then ... else ...` as generated code does it. */
static void trequest_within(rt_actor *self, rt_actor *to, uint32_t id, int64_t a, rt_closure *cont, int64_t ms) {
  treq *m = (treq *)rt_msg_alloc(sizeof *m);
  m->h.id = id;
  rt_request_info(&m->ri, self, cont);
  rt_request_within(self, cont, ms);
  m->a = a;
  rt_send(to, &m->h);
}

/* ---- the holder: keeps handles in its state, or hands them out ------------------------- */
enum { H_HOLD, H_DROP_THEN_TELL, H_HOLD_THEN_FAIL, H_STOP, H_SLOW, H_EXPORT, H_N };
#define HOLD_MAX 64
typedef struct holder_st {
  int n;
  rt_handle *held[HOLD_MAX];
} holder_st;

static rt_handle *exported[MAXR]; /* handles handed to the test's threads (owned) */
static _Atomic int nexported;

static void holder_drop_state(rt_actor *self) {
  holder_st *s = STATE(self, holder_st);
  for (int i = 0; i < s->n; i++) rt_release(s->held[i]);
  s->n = 0;
}

static void holder_dispatch(rt_actor *self, rt_msg *m) {
  holder_st *s = STATE(self, holder_st);
  switch (m->id) {
  case H_HOLD: { /* -> String: keeps `reply` and returns later */
    rt_handle *h = rt_reply_handle(m);
    rt_retain(h);
    s->held[s->n++] = h;
    break;
  }
  case H_DROP_THEN_TELL: { /* lets every handle go, then sends to ref: ref hears that first */
    tmsg *t = (tmsg *)m;
    holder_drop_state(self);
    tsend(t->ref, 1, 0, 0, NULL);
    break;
  }
  case H_HOLD_THEN_FAIL: { /* -> String: keeps `reply`, then fails */
    rt_handle *h = rt_reply_handle(m);
    rt_retain(h);
    s->held[s->n++] = h;
    rt_fail("failed holding", "holder.actor:7:5");
  }
  case H_STOP: rt_stop(self); break;
  case H_SLOW: { /* -> Int: answers after 0..1.5 ms */
    treq *r = (treq *)m;
    usleep((useconds_t)(r->a % 1500));
    rt_reply(self, m, (rt_word)r->a);
    break;
  }
  case H_EXPORT: { /* -> String: the handle goes to the test's threads */
    rt_handle *h = rt_reply_handle(m);
    rt_retain(h);
    exported[atomic_fetch_add(&nexported, 1)] = h;
    break;
  }
  }
}
static void holder_drop_msg(rt_msg *m) {
  if (m->id == H_DROP_THEN_TELL) tmsg_drop(m);
}
static const char *const holder_names[H_N] = {"hold", "drop_then_tell", "hold_then_fail", "stop", "slow", "export"};
static const uint8_t holder_answers[H_N] = {1, 0, 1, 0, 1, 1};
static const rt_type *const holder_types[H_N] = {&rt_type_string, NULL, &rt_type_string, NULL, &rt_type_int,
                                                 &rt_type_string};
static const rt_kind holder_kind = {.name = "Holder", .size = RT_ACTOR_STATE_OFFSET + sizeof(holder_st),
                                    .nhandlers = H_N, .handler_names = holder_names, .handler_answers = holder_answers,
                                    .answer_types = holder_types, .down_handler = -1, .dispatch = holder_dispatch,
                                    .drop_msg = holder_drop_msg, .drop_state = holder_drop_state,
                                    .drop_params = t_nop_actor};

static rt_actor *new_holder(void) {
  rt_actor *h = rt_spawn(&holder_kind);
  rt_actor_start(h);
  return h;
}

/* ---- the asker: runs a step function in itself; message 1 is logged as 'x' ------------ */
typedef void (*step_fn)(rt_actor *self, rt_actor *target, int64_t n);
static void asker_dispatch(rt_actor *self, rt_msg *m) {
  tmsg *t = (tmsg *)m;
  if (m->id == 0) ((step_fn)(uintptr_t)t->b)(self, t->ref, t->a);
  if (m->id == 1 && log_order && norder < (int)sizeof order - 1) order[norder++] = 'x';
}
static const char *const asker_names[] = {"go", "told"};
static const rt_kind asker_kind = {.name = "Asker", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 2,
                                   .handler_names = asker_names, .handler_answers = no_answers,
                                   .down_handler = -1, .dispatch = asker_dispatch, .drop_msg = tmsg_drop,
                                   .drop_state = t_nop_actor, .drop_params = t_nop_actor};

static rt_actor *asker;
static void run_asker(step_fn f, rt_actor *target, int64_t n) {
  asker = rt_spawn(&asker_kind);
  rt_actor_start(asker);
  tsend(asker, 0, n, (int64_t)(uintptr_t)f, target);
  rt_sched_run();
}

/* ---- first answer wins, from several threads ------------------------------------------ */
static void ask_export(rt_actor *self, rt_actor *h, int64_t n) {
  for (int64_t i = 0; i < n; i++) trequest(self, h, H_EXPORT, 0, mkcont(i, &rt_type_string));
}

static void *answerer(void *arg) {
  int id = (int)(intptr_t)arg;
  int n = atomic_load(&nexported);
  for (int i = 0; i < n; i++) {
    int k = (i + id) % n; /* each thread starts somewhere else */
    if (id == 3) {
      rt_reply_fail(exported[k], rt_reason_dead);
    } else {
      char c = (char)('A' + id);
      rt_reply_answer(exported[k], (rt_word)(uintptr_t)rt_str_new(&c, 1), &rt_type_string);
    }
  }
  return NULL;
}

static void first_wins(void) {
  reset();
  atomic_store(&nexported, 0);
  int64_t n = t_scale(2000) < MAXR ? t_scale(2000) : MAXR;
  rt_actor *h = new_holder();
  run_asker(ask_export, h, n);
  CHECK_EQ(atomic_load(&nexported), n);
  pthread_t th[4];
  for (int i = 0; i < 4; i++) pthread_create(&th[i], NULL, answerer, (void *)(intptr_t)i);
  for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
  for (int i = 0; i < n; i++) rt_release(exported[i]);
  rt_sched_run(); /* the answers reach the asker */
  int bad = 0, answered = 0, failed = 0;
  for (int i = 0; i < n; i++) {
    if (atomic_load(&outcomes[i]) != 1) bad++;
    if (answer_of[i] >= 'A' && answer_of[i] <= 'C') answered++;
    if (!strcmp(reason_of[i], "dead")) failed++;
  }
  CHECK_EQ(bad, 0);
  CHECK_EQ(answered + failed, n);
  rt_release(asker);
  rt_release(h);
}

/* ---- "no answer" ------------------------------------------------------------------------ */
/* handles let go by another thread, unanswered */
static void no_answer_elsewhere(void) {
  reset();
  atomic_store(&nexported, 0);
  rt_actor *h = new_holder();
  run_asker(ask_export, h, 8);
  for (int i = 0; i < 8; i++) rt_release(exported[i]);
  rt_sched_run();
  int ok = 0;
  for (int i = 0; i < 8; i++) ok += atomic_load(&outcomes[i]) == 1 && !strcmp(reason_of[i], "no answer");
  CHECK_EQ(ok, 8);
  rt_release(asker);
  rt_release(h);
}

/* inside a turn: the turn's later sends arrive first (the asker sees x, then the else) */
static void ask_hold_then_drop(rt_actor *self, rt_actor *h, int64_t n) {
  trequest(self, h, H_HOLD, 0, mkcont(0, &rt_type_string));
  trequest(self, h, H_HOLD, 0, mkcont(1, &rt_type_string));
  tsend(h, H_DROP_THEN_TELL, 0, 0, self);
}
static void end_of_turn(void) {
  reset();
  rt_actor *h = new_holder();
  log_order = true;
  run_asker(ask_hold_then_drop, h, 0);
  log_order = false;
  CHECK(!strcmp(order, "xee"));
  CHECK(!strcmp(reason_of[0], "no answer") && !strcmp(reason_of[1], "no answer"));
  rt_release(asker);
  rt_release(h);
}

/* the holder fails holding: the request it was handling hears the failure's reason,
 * those it held before "no answer", one queued behind "dead" */
static void ask_then_fail(rt_actor *self, rt_actor *h, int64_t n) {
  trequest(self, h, H_HOLD, 0, mkcont(0, &rt_type_string));
  trequest(self, h, H_HOLD_THEN_FAIL, 0, mkcont(1, &rt_type_string));
  trequest(self, h, H_HOLD, 0, mkcont(2, &rt_type_string));
}
static void ask_then_stop(rt_actor *self, rt_actor *h, int64_t n) {
  trequest(self, h, H_HOLD, 0, mkcont(0, &rt_type_string));
  tsend(h, H_STOP, 0, 0, NULL);
  trequest(self, h, H_HOLD, 0, mkcont(1, &rt_type_string));
}
static void holder_ends(void) {
  reset();
  rt_actor *h = new_holder();
  t_capture_begin();
  run_asker(ask_then_fail, h, 0);
  char err[512];
  t_capture_end(err, sizeof err);
  CHECK(!strcmp(reason_of[0], "no answer"));
  CHECK(!strcmp(reason_of[1], "failed holding"));
  CHECK(!strcmp(reason_of[2], "dead"));
  for (int i = 0; i < 3; i++) CHECK_EQ(atomic_load(&outcomes[i]), 1);
  CHECK(strstr(err, "failed in hold_then_fail at holder.actor:7:5: failed holding") != NULL);
  rt_actor_reset_failed();
  rt_release(asker);
  rt_release(h);

  reset();
  h = new_holder();
  run_asker(ask_then_stop, h, 0);
  CHECK(!strcmp(reason_of[0], "no answer"));
  CHECK(!strcmp(reason_of[1], "dead"));
  rt_release(asker);
  rt_release(h);
}

/* a handle in a message to a dead actor goes with the dead letter */
typedef struct hmsg {
  rt_msg h;
  rt_handle *r; /* owned */
} hmsg;
static void sink_dispatch(rt_actor *self, rt_msg *m) {
  if (m->id == 0) rt_stop(self);
}
static void sink_drop_msg(rt_msg *m) {
  if (m->id == 0) tmsg_drop(m);
  else rt_release(((hmsg *)m)->r);
}
static const char *const sink_names[] = {"quit", "take"};
static const rt_kind sink_kind = {.name = "Sink", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 2,
                                  .handler_names = sink_names, .handler_answers = no_answers, .down_handler = -1,
                                  .dispatch = sink_dispatch, .drop_msg = sink_drop_msg,
                                  .drop_state = t_nop_actor, .drop_params = t_nop_actor};
static void dead_letter(void) {
  reset();
  atomic_store(&nexported, 0);
  rt_actor *h = new_holder();
  run_asker(ask_export, h, 1);
  rt_actor *sink = rt_spawn(&sink_kind);
  rt_actor_start(sink);
  tsend(sink, 0, 0, 0, NULL); /* quit */
  rt_sched_run();
  hmsg *m = (hmsg *)rt_msg_alloc(sizeof *m);
  m->h.id = 1; /* take(r) */
  m->r = exported[0]; /* our reference moves into the message */
  rt_send(sink, &m->h);
  rt_sched_run();
  CHECK(!strcmp(reason_of[0], "no answer"));
  CHECK_EQ(atomic_load(&outcomes[0]), 1);
  rt_release(sink);
  rt_release(asker);
  rt_release(h);
}

/* ---- Reply#0, numbers ---------------------------------------------------------------- */
static void zero_and_numbers(void) {
  rt_reply_answer(NULL, (rt_word)(uintptr_t)rt_str_new("freed", 5), &rt_type_string); /* released */
  rt_reply_fail(NULL, rt_reason_dead);
  rt_str *s = rt_str_of(0, &rt_type_reply);
  CHECK(!strcmp(s->data, "Reply#0"));
  rt_release(s);
  reset();
  atomic_store(&nexported, 0);
  rt_actor *h = new_holder();
  run_asker(ask_export, h, 3);
  uint64_t n0 = rt_obj_class_of(RT_TAG_REPLY)->number(exported[0]);
  CHECK(n0 > 0);
  for (int i = 1; i < 3; i++) CHECK_EQ(rt_obj_class_of(RT_TAG_REPLY)->number(exported[i]), n0 + (uint64_t)i);
  s = rt_str_of((rt_word)(uintptr_t)exported[1], &rt_type_reply);
  char want[32];
  snprintf(want, sizeof want, "Reply#%llu", (unsigned long long)(n0 + 1));
  CHECK(!strcmp(s->data, want));
  rt_release(s);
  CHECK(rt_eq((rt_word)(uintptr_t)exported[1], (rt_word)(uintptr_t)exported[1], &rt_type_reply));
  CHECK(!rt_eq((rt_word)(uintptr_t)exported[1], (rt_word)(uintptr_t)exported[2], &rt_type_reply));
  for (int i = 0; i < 3; i++) rt_reply_answer(exported[i], (rt_word)(uintptr_t)rt_str_new("ok", 2), &rt_type_string);
  rt_reply_answer(exported[0], (rt_word)(uintptr_t)rt_str_new("no", 2), &rt_type_string); /* a second: released */
  for (int i = 0; i < 3; i++) rt_release(exported[i]);
  rt_sched_run();
  for (int i = 0; i < 3; i++) CHECK(atomic_load(&outcomes[i]) == 1 && answer_of[i] == 'o');
  rt_release(asker);
  rt_release(h);
}

/* ---- within ---------------------------------------------------------------------------- */
/* n: the count in the low 16 bits, the first request id above them */
static void ask_within(rt_actor *self, rt_actor *h, int64_t n) {
  int64_t base = n >> 16, count = n & 0xFFFF;
  for (int64_t i = base; i < base + count; i++) {
    int64_t ms = i % 4 == 0 ? 0 : 1; /* every fourth gives up at once */
    trequest_within(self, h, H_SLOW, i * 97, mkcont(i, &rt_type_int), ms);
  }
}
static void within_races(void) {
  reset();
  int64_t n = t_scale(400);
  rt_actor *h[4];
  for (int i = 0; i < 4; i++) h[i] = new_holder();
  /* four askers at once, each to its own slow target */
  rt_actor *a[4];
  for (int i = 0; i < 4; i++) {
    a[i] = rt_spawn(&asker_kind);
    rt_actor_start(a[i]);
  }
  /* each asker its own range of request ids */
  for (int i = 0; i < 4; i++) tsend(a[i], 0, (i * n) << 16 | n, (int64_t)(uintptr_t)ask_within, h[i]);
  rt_sched_run();
  int bad = 0, timeouts = 0, answers = 0, at_once = 0;
  for (int64_t i = 0; i < 4 * n; i++) {
    bool timed_out = !strcmp(reason_of[i], "timeout"), answered = answer_of[i] == i * 97 && reason_of[i][0] == 0;
    if (atomic_load(&outcomes[i]) != 1 || timed_out == answered) bad++;
    timeouts += timed_out;
    answers += answered;
    if (i % 4 == 0) at_once += timed_out;
  }
  CHECK_EQ(bad, 0);                /* one outcome each: the answer or the timeout */
  CHECK_EQ(at_once, n);            /* MS <= 0: at once, though the answer comes quickly */
  CHECK_EQ(timeouts + answers, 4 * n);
  for (int i = 0; i < 4; i++) {
    rt_release(a[i]);
    rt_release(h[i]);
  }
}

/* a limit still waiting keeps the program alive; an answer in time ends it */
static void ask_long_limit(rt_actor *self, rt_actor *h, int64_t n) {
  trequest_within(self, h, H_SLOW, 3, mkcont(0, &rt_type_int), 60000); /* answered at once: ends the limit */
  trequest_within(self, h, H_HOLD, 0, mkcont(1, &rt_type_string), 30); /* held: times out */
}
static void within_lifetime(void) {
  reset();
  rt_actor *h = new_holder();
  int64_t t0 = rt_now_ms();
  run_asker(ask_long_limit, h, 0);
  int64_t took = rt_now_ms() - t0;
  CHECK_EQ(answer_of[0], 3);
  CHECK(!strcmp(reason_of[1], "timeout"));
  CHECK(took >= 30);     /* the limit held the program until it fired ... */
  CHECK(took < 30000);   /* ... and the answered one's did not */
  rt_release(asker);
  rt_release(h);         /* (the held handle goes with the holder at exit) */
}

int main(void) {
  rt_sched_init();
  first_wins();
  no_answer_elsewhere();
  end_of_turn();
  holder_ends();
  dead_letter();
  zero_and_numbers();
  within_races();
  within_lifetime();
  CHECK_EQ(atomic_load(&conts_dropped) + 1, atomic_load(&conts_made)); /* (the holder still holds one) */
  return t_finish("test_reply");
}

/* bench_core.c — the benchmarks of ../shared/bench, written by hand against the
 * runtime as the compiler would emit them (not a test: `make bench-core`, then e.g.
 * `time build/tests/bench_core pingpong 1000000`).  Prints the result number. */
#include "rt_test.h"

static const uint8_t no_answers[16];
static int64_t result;

/* ---- pingpong ------------------------------------------------------------------------ */
typedef struct { int64_t limit; rt_actor *peer; } pinger_st;
static void ponger_dispatch(rt_actor *self, rt_msg *m) {
  tmsg *t = (tmsg *)m;
  tsend(t->ref, 0, t->a, 0, NULL);
}
static const char *const ponger_names[] = {"ping", "quit"};
static const rt_kind ponger_kind = {.name = "Ponger", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                    .handler_names = ponger_names, .handler_answers = no_answers, .down_handler = -1,
                                    .dispatch = ponger_dispatch, .drop_msg = tmsg_drop, .drop_state = t_nop_actor,
                                    .drop_params = t_nop_actor};
static void pinger_dispatch(rt_actor *self, rt_msg *m) {
  pinger_st *s = STATE(self, pinger_st);
  tmsg *t = (tmsg *)m;
  if (m->id == 1) {
    s->peer = t->ref;
    rt_retain(s->peer);
    tsend(s->peer, 0, 1, 0, self);
  } else if (t->a == s->limit) {
    result = t->a;
  } else {
    tsend(s->peer, 0, t->a + 1, 0, self);
  }
}
static const char *const pinger_names[] = {"pong", "go"};
static const rt_kind pinger_kind = {.name = "Pinger", .size = RT_ACTOR_STATE_OFFSET + sizeof(pinger_st),
                                    .nhandlers = 2, .handler_names = pinger_names, .handler_answers = no_answers,
                                    .down_handler = -1, .dispatch = pinger_dispatch, .drop_msg = tmsg_drop,
                                    .drop_state = t_nop_actor, .drop_params = t_nop_actor};

/* ---- ring ----------------------------------------------------------------------------- */
typedef struct { int64_t id; rt_actor *next; } node_st;
static void node_dispatch(rt_actor *self, rt_msg *m) {
  node_st *s = STATE(self, node_st);
  tmsg *t = (tmsg *)m;
  if (m->id == 0) {
    s->next = t->ref;
    rt_retain(s->next);
  } else if (t->a == 0) {
    result = s->id;
  } else {
    tsend(s->next, 1, t->a - 1, 0, NULL);
  }
}
static const char *const node_names[] = {"link", "token"};
static const rt_kind node_kind = {.name = "Node", .size = RT_ACTOR_STATE_OFFSET + sizeof(node_st), .nhandlers = 2,
                                  .handler_names = node_names, .handler_answers = no_answers, .down_handler = -1,
                                  .dispatch = node_dispatch, .drop_msg = tmsg_drop, .drop_state = t_nop_actor,
                                  .drop_params = t_nop_actor};

/* ---- counting -------------------------------------------------------------------------- */
typedef struct { int64_t total; } counter_st;
static void counter_dispatch(rt_actor *self, rt_msg *m) {
  counter_st *s = STATE(self, counter_st);
  if (m->id == 0)
    s->total++;
  else
    rt_reply(self, m, (rt_word)s->total);
}
static void counter_drop(rt_msg *m) { (void)m; }
static const char *const counter_names[] = {"inc", "get"};
static const uint8_t counter_answers[] = {0, 1};
static const rt_type *const counter_types[] = {NULL, &rt_type_int};
static const rt_kind counter_kind = {.name = "Counter", .size = RT_ACTOR_STATE_OFFSET + sizeof(counter_st),
                                     .nhandlers = 2, .handler_names = counter_names,
                                     .handler_answers = counter_answers, .answer_types = counter_types,
                                     .down_handler = -1, .dispatch = counter_dispatch, .drop_msg = counter_drop,
                                     .drop_state = t_nop_actor, .drop_params = t_nop_actor};
static void got_total(rt_actor *self, rt_closure *c, rt_word answer) { result = (int64_t)answer; }
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

/* ---- spawn ---------------------------------------------------------------------------- */
typedef struct { int64_t n, sum, seen; } driver_st;
static void worker_dispatch(rt_actor *self, rt_msg *m) {
  tmsg *t = (tmsg *)m;
  tsend(t->ref, 1, t->a, 0, NULL);
  rt_stop(self);
}
static const char *const worker_names[] = {"echo"};
static const rt_kind worker_kind = {.name = "Worker", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                    .handler_names = worker_names, .handler_answers = no_answers, .down_handler = -1,
                                    .dispatch = worker_dispatch, .drop_msg = tmsg_drop, .drop_state = t_nop_actor,
                                    .drop_params = t_nop_actor};
static void driver_dispatch(rt_actor *self, rt_msg *m) {
  driver_st *s = STATE(self, driver_st);
  tmsg *t = (tmsg *)m;
  if (m->id == 0) {
    rt_actor **w = rt_alloc(sizeof *w * (size_t)s->n);
    for (int64_t i = 0; i < s->n; i++) {
      w[i] = rt_spawn(&worker_kind);
      rt_actor_start(w[i]);
    }
    for (int64_t i = 0; i < s->n; i++) tsend(w[i], 0, i + 1, 0, self);
    for (int64_t i = 0; i < s->n; i++) rt_release(w[i]);
    rt_free(w);
  } else {
    s->sum += t->a;
    if (++s->seen == s->n) result = s->sum;
  }
}
static const char *const driver_names[] = {"go", "add"};
static const rt_kind driver_kind = {.name = "Driver", .size = RT_ACTOR_STATE_OFFSET + sizeof(driver_st),
                                    .nhandlers = 2, .handler_names = driver_names, .handler_answers = no_answers,
                                    .down_handler = -1, .dispatch = driver_dispatch, .drop_msg = tmsg_drop,
                                    .drop_state = t_nop_actor, .drop_params = t_nop_actor};

/* ---- skynet ---------------------------------------------------------------------------- */
typedef struct { rt_actor *parent; int64_t acc, waiting; } sky_st;
typedef struct { rt_msg h; rt_actor *up; int64_t num, size; } sky_run;
static void sky_dispatch(rt_actor *self, rt_msg *m);
static void sky_drop_msg(rt_msg *m) {
  if (m->id == 0) rt_release(((sky_run *)m)->up);
}
static void sky_drop_state(rt_actor *self) {
  rt_release(STATE(self, sky_st)->parent);
  STATE(self, sky_st)->parent = NULL;
}
static const char *const sky_names[] = {"run", "result"};
static const rt_kind sky_kind = {.name = "Node", .size = RT_ACTOR_STATE_OFFSET + sizeof(sky_st), .nhandlers = 2,
                                 .handler_names = sky_names, .handler_answers = no_answers, .down_handler = -1,
                                 .dispatch = sky_dispatch, .drop_msg = sky_drop_msg, .drop_state = sky_drop_state,
                                 .drop_params = t_nop_actor};
static void sky_up(sky_st *s, int64_t v) {
  if (s->parent)
    tsend(s->parent, 1, v, 0, NULL);
  else
    result = v;
}
static void sky_dispatch(rt_actor *self, rt_msg *m) {
  sky_st *s = STATE(self, sky_st);
  if (m->id == 0) {
    sky_run *r = (sky_run *)m;
    s->parent = r->up;
    rt_retain(s->parent);
    if (r->size == 1) {
      sky_up(s, r->num);
      rt_stop(self);
    } else {
      s->waiting = 10;
      int64_t step = r->size / 10;
      for (int i = 0; i < 10; i++) {
        rt_actor *c = rt_spawn(&sky_kind);
        rt_actor_start(c);
        sky_run *cm = (sky_run *)rt_msg_alloc(sizeof *cm);
        cm->h.id = 0;
        rt_retain(self);
        cm->up = self;
        cm->num = r->num + i * step;
        cm->size = step;
        rt_send(c, &cm->h);
        rt_release(c);
      }
    }
  } else {
    s->acc += ((tmsg *)m)->a;
    if (--s->waiting == 0) {
      sky_up(s, s->acc);
      rt_stop(self);
    }
  }
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: bench_core pingpong|ring|counting|spawn|skynet [N]\n");
    return 2;
  }
  const char *b = argv[1];
  long n = argc > 2 ? atol(argv[2]) : 0;
  rt_sched_init();
  if (!strcmp(b, "pingpong")) {
    rt_actor *p = rt_spawn(&pinger_kind), *q = rt_spawn(&ponger_kind);
    STATE(p, pinger_st)->limit = n ? n : 1000000;
    rt_actor_start(p);
    rt_actor_start(q);
    tsend(p, 1, 0, 0, q);
    rt_release(p);
    rt_release(q);
  } else if (!strcmp(b, "ring")) {
    rt_actor *nodes[503];
    for (int i = 0; i < 503; i++) {
      nodes[i] = rt_spawn(&node_kind);
      STATE(nodes[i], node_st)->id = i + 1;
      rt_actor_start(nodes[i]);
    }
    for (int i = 0; i < 503; i++) tsend(nodes[i], 0, 0, 0, nodes[(i + 1) % 503]);
    tsend(nodes[0], 1, n ? n : 10000000, 0, NULL);
    for (int i = 0; i < 503; i++) rt_release(nodes[i]);
  } else if (!strcmp(b, "counting")) {
    rt_actor *p = rt_spawn(&producer_kind), *c = rt_spawn(&counter_kind);
    rt_actor_start(p);
    rt_actor_start(c);
    tsend(p, 0, n ? n : 10000000, 0, c);
    rt_release(p);
    rt_release(c);
  } else if (!strcmp(b, "spawn")) {
    rt_actor *d = rt_spawn(&driver_kind);
    STATE(d, driver_st)->n = n ? n : 1000000;
    rt_actor_start(d);
    tsend(d, 0, 0, 0, NULL);
    rt_release(d);
  } else if (!strcmp(b, "skynet")) {
    rt_actor *r = rt_spawn(&sky_kind);
    rt_actor_start(r);
    sky_run *cm = (sky_run *)rt_msg_alloc(sizeof *cm);
    cm->h.id = 0;
    cm->up = NULL;
    cm->num = 0;
    cm->size = n ? n : 1000000;
    rt_send(r, &cm->h);
    rt_release(r);
  } else {
    fprintf(stderr, "unknown benchmark %s\n", b);
    return 2;
  }
  rt_sched_run();
  printf("%lld\n", (long long)result);
  rt_stats_print();
  return 0;
}

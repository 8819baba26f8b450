/* test_messaging.c — actors talking: a ping-pong pair, a ring of 503 actors passing a
 * token, and a million short-lived actors (spawned idle, each sent one message, each
 * answering and stopping), with message counts and actor frees checked. */
#include "rt_test.h"

static _Atomic long freed; /* drop_params calls: actors whose memory went back */
static void count_free(rt_actor *a) {
  (void)a;
  atomic_fetch_add(&freed, 1);
}

/* ---- ping-pong ----------------------------------------------------------------------- */

enum { PONG_PING };
enum { PING_PONG, PING_GO };
typedef struct { int64_t limit, count; rt_actor *peer; } pinger_st;
static _Atomic int64_t pp_result, pp_count;

static void ponger_dispatch(rt_actor *self, rt_msg *m) {
  tmsg *t = (tmsg *)m;
  tsend(t->ref, PING_PONG, t->a, 0, NULL);
}
static const char *const ponger_names[] = {"ping"};
static const uint8_t no_answers[4];
static const rt_kind ponger_kind = {.name = "Ponger", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                    .handler_names = ponger_names, .handler_answers = no_answers,
                                    .down_handler = -1, .dispatch = ponger_dispatch, .drop_msg = tmsg_drop,
                                    .drop_state = t_nop_actor, .drop_params = count_free};

static void pinger_dispatch(rt_actor *self, rt_msg *m) {
  pinger_st *s = STATE(self, pinger_st);
  tmsg *t = (tmsg *)m;
  if (m->id == PING_GO) {
    s->peer = t->ref;
    rt_retain(s->peer);
    tsend(s->peer, PONG_PING, 1, 0, self);
    return;
  }
  s->count++;
  if (t->a == s->limit) {
    atomic_store(&pp_result, t->a);
    atomic_store(&pp_count, s->count);
    rt_stop(self);
  } else {
    tsend(s->peer, PONG_PING, t->a + 1, 0, self);
  }
}
static void pinger_drop_state(rt_actor *self) {
  pinger_st *s = STATE(self, pinger_st);
  rt_release(s->peer);
  s->peer = NULL;
  s->count = 0;
}
static const char *const pinger_names[] = {"pong", "go"};
static const rt_kind pinger_kind = {.name = "Pinger", .size = RT_ACTOR_STATE_OFFSET + sizeof(pinger_st),
                                    .nhandlers = 2, .handler_names = pinger_names,
                                    .handler_answers = no_answers, .down_handler = -1,
                                    .dispatch = pinger_dispatch, .drop_msg = tmsg_drop,
                                    .drop_state = pinger_drop_state, .drop_params = count_free};

static void pingpong(void) {
  long n = t_scale(200000);
  atomic_store(&freed, 0);
  rt_actor *p = rt_spawn(&pinger_kind);
  STATE(p, pinger_st)->limit = n;
  rt_actor_start(p);
  rt_actor *q = rt_spawn(&ponger_kind);
  rt_actor_start(q);
  tsend(p, PING_GO, 0, 0, q);
  rt_release(p);
  rt_sched_run();
  CHECK_EQ(atomic_load(&pp_result), n);
  CHECK_EQ(atomic_load(&pp_count), n);
  /* The pinger stopped and was freed; the ponger is idle, referenced only by us. */
  CHECK_EQ(atomic_load(&freed), 1);
  CHECK(!(atomic_load(&q->flags) & RT_AF_DEAD));
  rt_release(q); /* still alive ("idle forever"): not freed, reachable from the pools */
}

/* ---- ring ------------------------------------------------------------------------------- */

enum { NODE_LINK, NODE_TOKEN, NODE_QUIT };
typedef struct { int64_t id, hops; rt_actor *next; } node_st;
static _Atomic int64_t ring_winner, ring_ends;

static void node_dispatch(rt_actor *self, rt_msg *m) {
  node_st *s = STATE(self, node_st);
  tmsg *t = (tmsg *)m;
  switch (m->id) {
  case NODE_LINK:
    s->next = t->ref;
    rt_retain(s->next);
    break;
  case NODE_TOKEN:
    s->hops++;
    if (t->a == 0) {
      atomic_store(&ring_winner, s->id);
      atomic_fetch_add(&ring_ends, 1);
    } else {
      tsend(s->next, NODE_TOKEN, t->a - 1, 0, NULL);
    }
    break;
  case NODE_QUIT: rt_stop(self); break;
  }
}
static void node_drop_state(rt_actor *self) {
  node_st *s = STATE(self, node_st);
  rt_release(s->next);
  s->next = NULL;
}
static const char *const node_names[] = {"link", "token", "quit"};
static const rt_kind node_kind = {.name = "Node", .size = RT_ACTOR_STATE_OFFSET + sizeof(node_st), .nhandlers = 3,
                                  .handler_names = node_names, .handler_answers = no_answers, .down_handler = -1,
                                  .dispatch = node_dispatch, .drop_msg = tmsg_drop,
                                  .drop_state = node_drop_state, .drop_params = count_free};

static void ring(void) {
  enum { N = 503 };
  long m = t_scale(2000000);
  atomic_store(&freed, 0);
  rt_actor *nodes[N];
  for (int i = 0; i < N; i++) {
    nodes[i] = rt_spawn(&node_kind);
    STATE(nodes[i], node_st)->id = i + 1;
    rt_actor_start(nodes[i]);
  }
  for (int i = 0; i < N; i++) tsend(nodes[i], NODE_LINK, 0, 0, nodes[(i + 1) % N]);
  tsend(nodes[0], NODE_TOKEN, m, 0, NULL);
  rt_sched_run();
  CHECK_EQ(atomic_load(&ring_winner), m % N + 1);
  CHECK_EQ(atomic_load(&ring_ends), 1);
  int64_t hops = 0;
  for (int i = 0; i < N; i++) hops += STATE(nodes[i], node_st)->hops;
  CHECK_EQ(hops, m + 1);
  CHECK_EQ(atomic_load(&freed), 0); /* a cycle of references, all idle */
  for (int i = 0; i < N; i++) tsend(nodes[i], NODE_QUIT, 0, 0, NULL);
  for (int i = 0; i < N; i++) rt_release(nodes[i]);
  rt_sched_run();
  CHECK_EQ(atomic_load(&freed), N); /* stopping broke the cycle */
}

/* ---- a million short-lived actors ---------------------------------------------------- */

enum { WORKER_ECHO };
enum { DRIVER_GO, DRIVER_ADD };
typedef struct { int64_t n, sum, seen; } driver_st;
static _Atomic int64_t spawn_sum, spawn_seen;

static void worker_dispatch(rt_actor *self, rt_msg *m) {
  tmsg *t = (tmsg *)m;
  tsend(t->ref, DRIVER_ADD, t->a, 0, NULL);
  rt_stop(self);
}
static const char *const worker_names[] = {"echo"};
static const rt_kind worker_kind = {.name = "Worker", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                    .handler_names = worker_names, .handler_answers = no_answers,
                                    .down_handler = -1, .dispatch = worker_dispatch, .drop_msg = tmsg_drop,
                                    .drop_state = t_nop_actor, .drop_params = count_free};

static void driver_dispatch(rt_actor *self, rt_msg *m) {
  driver_st *s = STATE(self, driver_st);
  tmsg *t = (tmsg *)m;
  if (m->id == DRIVER_GO) {
    rt_actor **w = rt_alloc(sizeof *w * (size_t)s->n); /* the handler's [Worker] */
    for (int64_t i = 0; i < s->n; i++) {
      w[i] = rt_spawn(&worker_kind);
      rt_actor_start(w[i]);
    }
    for (int64_t i = 0; i < s->n; i++) tsend(w[i], WORKER_ECHO, i + 1, 0, self);
    for (int64_t i = 0; i < s->n; i++) rt_release(w[i]);
    rt_free(w);
    return;
  }
  s->sum += t->a;
  if (++s->seen == s->n) {
    atomic_store(&spawn_sum, s->sum);
    atomic_store(&spawn_seen, s->seen);
    rt_stop(self);
  }
}
static const char *const driver_names[] = {"go", "add"};
static const rt_kind driver_kind = {.name = "Driver", .size = RT_ACTOR_STATE_OFFSET + sizeof(driver_st),
                                    .nhandlers = 2, .handler_names = driver_names,
                                    .handler_answers = no_answers, .down_handler = -1,
                                    .dispatch = driver_dispatch, .drop_msg = tmsg_drop,
                                    .drop_state = t_nop_actor, .drop_params = count_free};

static void many_actors(void) {
  int64_t n = t_scale(1000000);
  atomic_store(&freed, 0);
  rt_stats before = t_stats();
  rt_actor *d = rt_spawn(&driver_kind);
  STATE(d, driver_st)->n = n;
  rt_actor_start(d);
  tsend(d, DRIVER_GO, 0, 0, NULL);
  rt_release(d);
  rt_sched_run();
  rt_stats after = t_stats();
  CHECK_EQ(atomic_load(&spawn_sum), n * (n + 1) / 2);
  CHECK_EQ(atomic_load(&spawn_seen), n);
  CHECK_EQ(atomic_load(&freed), n + 1); /* every worker and the driver */
  CHECK_EQ(after.spawned - before.spawned, n + 1);
  CHECK_EQ(after.handled - before.handled, 2 * n + 1);
  CHECK_EQ(after.dead_letters - before.dead_letters, 0);
}

/* ---- an actor too big for the pools ---------------------------------------------------------- */
typedef struct { int64_t words[600]; } big_st;
static _Atomic int64_t big_nonzero = -1;
static void big_dispatch(rt_actor *self, rt_msg *m) {
  int64_t nz = 0;
  for (int i = 0; i < 600; i++) nz += STATE(self, big_st)->words[i] != 0;
  atomic_store(&big_nonzero, nz);
  for (int i = 0; i < 600; i++) STATE(self, big_st)->words[i] = i + 1;
  rt_stop(self);
}
static const char *const big_names[] = {"go"};
static const rt_kind big_kind = {.name = "Big", .size = RT_ACTOR_STATE_OFFSET + sizeof(big_st), .nhandlers = 1,
                                 .handler_names = big_names, .handler_answers = no_answers, .down_handler = -1,
                                 .dispatch = big_dispatch, .drop_msg = tmsg_drop, .drop_state = t_nop_actor,
                                 .drop_params = count_free};
static void big_actor(void) {
  atomic_store(&freed, 0);
  tspawn_send(&big_kind, 0, 0, 0, NULL);
  rt_sched_run();
  CHECK_EQ(atomic_load(&big_nonzero), 0); /* the state starts zero-filled */
  CHECK_EQ(atomic_load(&freed), 1);
}

int main(void) {
  rt_sched_init();
  big_actor();
  pingpong();
  ring();
  many_actors();
  return t_finish("test_messaging");
}

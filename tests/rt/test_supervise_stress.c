/* test_supervise_stress.c — supervision under load: workers under one supervisor get
 * numbered streams of messages from several senders; a seeded PRNG picks the messages
 * a worker fails on.  Every other message must be handled exactly once, each sender's
 * messages to a worker in the order sent, whatever the restarts; with one_for_one the
 * number of restarts is the number of failing messages.  Run for each strategy, with
 * ACTOR_THREADS=1, 2 and 8 (tests/rt/run.sh) and under ThreadSanitizer (make
 * test-tsan); RT_TEST_SCALE shrinks it. */
#include "rt_test.h"

static const uint8_t no_answers[16];

#define NSEND 4
#define NWORK 16
#define BATCH 100

static long per_sender;               /* messages each sender sends */
static _Atomic uint8_t *handled;       /* [NSEND * per_sender]: times handled */
static int64_t last_seq[NWORK][NSEND]; /* written by worker w only (one thread at a time) */
static _Atomic int64_t fifo_errors, inits;
static uint64_t seed = 0x5eed5eed;

static uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}
static bool failing(int64_t s, int64_t k) { return mix(seed ^ ((uint64_t)s << 40) ^ (uint64_t)k) % 10 == 0; }
static int target(int64_t s, int64_t k) { return (int)(mix((uint64_t)k * 31 + (uint64_t)s) % NWORK); }

/* ---- workers ----------------------------------------------------------------------------- */
typedef struct wstate {
  int64_t idx;   /* parameter */
  rt_str *note;  /* field (owned) */
  int64_t count; /* field */
} wstate;

static void worker_init(rt_actor *self) {
  atomic_fetch_add(&inits, 1);
  STATE(self, wstate)->note = rt_str_new("state", 5);
}
static void worker_drop_state(rt_actor *self) {
  wstate *s = STATE(self, wstate);
  rt_release(s->note);
  s->note = NULL;
  s->count = 0;
}
static void worker_dispatch(rt_actor *self, rt_msg *m) {
  wstate *s = STATE(self, wstate);
  tmsg *t = (tmsg *)m; /* a = sequence number, b = sender */
  if (failing(t->b, t->a)) rt_fail("injected", "stress.actor:1:1");
  if (!s->note) atomic_fetch_add(&fifo_errors, 1000000); /* init did not run */
  s->count++;
  atomic_fetch_add(&handled[t->b * per_sender + t->a], 1);
  if (t->a <= last_seq[s->idx][t->b]) atomic_fetch_add(&fifo_errors, 1);
  last_seq[s->idx][t->b] = t->a;
}
static const char *const worker_names[] = {"msg"};
static const rt_kind worker_kind = {.name = "Worker", .size = RT_ACTOR_STATE_OFFSET + sizeof(wstate), .nhandlers = 1,
                                    .handler_names = worker_names, .handler_answers = no_answers,
                                    .down_handler = -1, .init = worker_init, .dispatch = worker_dispatch,
                                    .drop_msg = tmsg_drop, .drop_state = worker_drop_state,
                                    .drop_params = t_nop_actor};

/* ---- the supervisor, one kind per strategy --------------------------------------------------- */
static void crew_build(rt_actor *s) {
  for (uint32_t i = 0; i < NWORK; i++) {
    rt_actor *c = rt_spawn_child(s, &worker_kind, i);
    STATE(c, wstate)->idx = i;
    STATE(s, rt_actor *)[i] = c;
    rt_actor_start(c);
  }
}
static void crew_drop_params(rt_actor *s) {
  for (int i = 0; i < NWORK; i++) rt_release(STATE(s, rt_actor *)[i]);
}
#define CREW(var, NAME, STRAT)                                                                              \
  static const rt_sup_desc var##_desc = {                                                                   \
      .strategy = STRAT, .nchildren = NWORK, .intensity = INT64_MAX / 4, .period_ms = 1, .build = crew_build}; \
  static const rt_kind var = {.name = NAME, .size = RT_ACTOR_STATE_OFFSET + NWORK * sizeof(rt_actor *),      \
                              .down_handler = -1, .flags = RT_KIND_SUPERVISOR, .drop_state = t_nop_actor,   \
                              .drop_params = crew_drop_params, .sup = &var##_desc}
CREW(one_kind, "OneCrew", RT_ONE_FOR_ONE);
CREW(all_kind, "AllCrew", RT_ONE_FOR_ALL);
CREW(rest_kind, "RestCrew", RT_REST_FOR_ONE);

/* ---- senders: a batch per message to themselves ------------------------------------------ */
typedef struct sstate {
  int64_t id;
  rt_actor *crew; /* borrowed: the supervisor outlives the run */
} sstate;
static void sender_dispatch(rt_actor *self, rt_msg *m) {
  sstate *s = STATE(self, sstate);
  int64_t from = ((tmsg *)m)->a;
  for (int64_t k = from; k < from + BATCH && k < per_sender; k++)
    tsend(STATE(s->crew, rt_actor *)[target(s->id, k)], 0, k, s->id, NULL);
  if (from + BATCH < per_sender) tsend(self, 0, from + BATCH, 0, NULL);
}
static const char *const sender_names[] = {"go"};
static const rt_kind sender_kind = {.name = "Sender", .size = RT_ACTOR_STATE_OFFSET + sizeof(sstate), .nhandlers = 1,
                                    .handler_names = sender_names, .handler_answers = no_answers,
                                    .down_handler = -1, .dispatch = sender_dispatch, .drop_msg = tmsg_drop,
                                    .drop_state = t_nop_actor, .drop_params = t_nop_actor};

static void stress(const rt_kind *crew_kind) {
  long total = NSEND * per_sender;
  for (long i = 0; i < total; i++) atomic_store(&handled[i], 0);
  for (int w = 0; w < NWORK; w++)
    for (int s = 0; s < NSEND; s++) last_seq[w][s] = -1;
  atomic_store(&fifo_errors, 0);
  atomic_store(&inits, 0);
  long nfail = 0;
  for (int s = 0; s < NSEND; s++)
    for (long k = 0; k < per_sender; k++) nfail += failing(s, k);

  rt_stats before = t_stats();
  rt_actor *crew = rt_spawn(crew_kind);
  rt_actor_start(crew);
  for (int s = 0; s < NSEND; s++) {
    rt_actor *a = rt_spawn(&sender_kind);
    STATE(a, sstate)->id = s;
    STATE(a, sstate)->crew = crew;
    rt_actor_start(a);
    tsend(a, 0, 0, 0, NULL);
    rt_release(a);
  }
  t_capture_begin(); /* one failure report per failing message */
  rt_sched_run();
  char err[256];
  t_capture_end(err, sizeof err);
  rt_stats after = t_stats();

  long lost = 0, twice = 0, ran_failing = 0;
  for (int s = 0; s < NSEND; s++)
    for (long k = 0; k < per_sender; k++) {
      int h = atomic_load(&handled[s * per_sender + k]);
      if (failing(s, k))
        ran_failing += h != 0;
      else if (h == 0)
        lost++;
      else if (h > 1)
        twice++;
    }
  CHECK_EQ(lost, 0);
  CHECK_EQ(twice, 0);
  CHECK_EQ(ran_failing, 0);
  CHECK_EQ(atomic_load(&fifo_errors), 0);
  CHECK_EQ(after.failures - before.failures, nfail);
  long restarts = (long)(after.restarts - before.restarts);
  if (crew_kind == &one_kind) {
    CHECK_EQ(restarts, nfail);
    CHECK_EQ(atomic_load(&inits), NWORK + nfail);
  } else {
    /* each decision restarts several; a failure of an actor whose restart is already
     * pending is absorbed, and requests made before a restart runs coalesce */
    CHECK(restarts >= 1 && restarts <= nfail * NWORK);
    CHECK(atomic_load(&inits) >= NWORK + 1);
  }
  CHECK(!rt_actor_any_failed());
  rt_release(crew);
}

int main(void) {
  rt_sched_init();
  const char *e = getenv("ACTOR_SEED");
  if (e && *e) seed = strtoull(e, NULL, 10);
  per_sender = t_scale(100000);
  handled = calloc((size_t)(NSEND * per_sender), sizeof *handled);
  stress(&one_kind);
  stress(&all_kind);
  stress(&rest_kind);
  free((void *)handled);
  return t_finish("test_supervise_stress");
}

/* test_backpressure.c — a handler that sends a flood to another actor cannot grow that
 * actor's mailbox without bound: when no other worker is free, the sending thread runs
 * the consumer's turns nested in the producer's handler (rt_sched_share).  Checks, at
 * any ACTOR_THREADS: every message handled exactly once and in order; with one thread
 * the backlog (sent but not yet handled) stays small; a consumer that fails while run
 * nested fails alone — the producer's handler goes on and finishes. */
#include "rt_test.h"

static _Atomic int64_t sent, handled, max_backlog, out_of_order, producer_done;
static int64_t expect_next;
static int slow_ns; /* work per message in the consumer */

static void busy_ns(int ns) {
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  do clock_gettime(CLOCK_MONOTONIC, &t);
  while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < ns);
}

static void consumer_dispatch(rt_actor *self, rt_msg *m) {
  tmsg *t = (tmsg *)m;
  if (t->a != expect_next) atomic_fetch_add(&out_of_order, 1);
  expect_next = t->a + 1;
  if (t->b) rt_fail("told to fail", "test:1:1"); /* a failing message, when asked */
  if (slow_ns) busy_ns(slow_ns);
  atomic_fetch_add(&handled, 1);
}
static const char *const consumer_names[] = {"item"};
static const uint8_t no_answers1[1];
static const rt_kind consumer_kind = {.name = "Consumer", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                      .handler_names = consumer_names, .handler_answers = no_answers1,
                                      .down_handler = -1, .dispatch = consumer_dispatch, .drop_msg = tmsg_drop,
                                      .drop_state = t_nop_actor, .drop_params = t_nop_actor};

static rt_actor *consumer;
static int64_t flood_n, fail_at;

/* One handler sends the whole flood, watching the backlog as it goes. */
static void producer_dispatch(rt_actor *self, rt_msg *m) {
  for (int64_t i = 0; i < flood_n; i++) {
    int64_t backlog = atomic_load(&sent) - atomic_load(&handled);
    if (backlog > atomic_load(&max_backlog)) atomic_store(&max_backlog, backlog);
    atomic_fetch_add(&sent, 1);
    tsend(consumer, 0, i, i == fail_at, NULL);
  }
  atomic_store(&producer_done, 1);
}
static const char *const producer_names[] = {"go"};
static const rt_kind producer_kind = {.name = "Producer", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                      .handler_names = producer_names, .handler_answers = no_answers1,
                                      .down_handler = -1, .dispatch = producer_dispatch, .drop_msg = tmsg_drop,
                                      .drop_state = t_nop_actor, .drop_params = t_nop_actor};

static void flood(int64_t n, int64_t fail) {
  atomic_store(&sent, 0);
  atomic_store(&handled, 0);
  atomic_store(&max_backlog, 0);
  atomic_store(&out_of_order, 0);
  atomic_store(&producer_done, 0);
  expect_next = 0;
  flood_n = n;
  fail_at = fail;
  consumer = rt_spawn(&consumer_kind);
  rt_actor_start(consumer);
  rt_actor *p = rt_spawn(&producer_kind);
  rt_actor_start(p);
  tsend(p, 0, 0, 0, NULL);
  rt_sched_run();
  rt_release(p);
  rt_release(consumer);
}

int main(void) {
  rt_sched_init();
  int64_t n = t_scale(2000000);
  flood(n, -1);
  CHECK_EQ(atomic_load(&handled), n);
  CHECK_EQ(atomic_load(&out_of_order), 0);
  CHECK_EQ(atomic_load(&producer_done), 1);
  if (rt_sched_threads() == 1) /* nobody else can run the consumer: the sender does */
    CHECK(atomic_load(&max_backlog) < 10000);
  printf("threads=%d: at most %lld messages waited\n", rt_sched_threads(), (long long)atomic_load(&max_backlog));

  /* A consumer much slower than its producer, running on another worker: the
   * producer is slowed (it yields while the consumer is overloaded). */
  slow_ns = 500;
  int64_t ns = t_scale(200000);
  flood(ns, -1);
  slow_ns = 0;
  CHECK_EQ(atomic_load(&handled), ns);
  CHECK_EQ(atomic_load(&out_of_order), 0);
  if (rt_sched_threads() == 1) CHECK(atomic_load(&max_backlog) < 10000);
  printf("slow consumer, threads=%d: at most %lld messages waited\n", rt_sched_threads(), (long long)atomic_load(&max_backlog));

  /* The consumer fails on one message, possibly while run nested in the producer:
   * only it fails; the producer finishes its loop, later messages are dead letters. */
  int64_t f = n / 2;
  flood(n, f);
  CHECK_EQ(atomic_load(&producer_done), 1);
  CHECK_EQ(atomic_load(&handled), f);
  CHECK_EQ(atomic_load(&out_of_order), 0);
  return t_finish("test_backpressure");
}

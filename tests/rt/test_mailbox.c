/* test_mailbox.c — the mailbox (rt_mailbox.h) alone: single-thread push / pop /
 * markempty semantics, and a multi-producer stress run that checks every message
 * arrives exactly once, in order per producer, that exactly one party schedules the
 * queue per empty->non-empty transition, and that the pools' batch hand-off keeps a
 * producer/consumer pair's memory bounded. */
#include "rt_test.h"
#include "core/rt_mailbox.h"

#include <sched.h>

typedef struct smsg {
  rt_msg h;
  uint32_t producer;
  uint64_t seq;
} smsg;

static smsg *mk(uint32_t p, uint64_t seq) {
  smsg *m = (smsg *)rt_msg_alloc(sizeof *m);
  m->h.id = 0;
  m->producer = p;
  m->seq = seq;
  return m;
}

static int drained;
static void count_fn(rt_msg *m, void *arg) {
  (void)arg;
  drained += (int)((smsg *)m)->seq;
}

static void single_thread(void) {
  rt_mailbox mb;
  rt_mb_init(&mb, false);
  CHECK(rt_mb_pop(&mb) == NULL);
  smsg *a = mk(0, 1), *b = mk(0, 2), *c = mk(0, 3);
  CHECK(rt_mb_push(&mb, &a->h)); /* empty and unscheduled -> the pusher schedules */
  CHECK(!rt_mb_push(&mb, &b->h)); /* already scheduled */
  CHECK(rt_mb_pop(&mb) == &a->h);
  CHECK(!rt_mb_markempty(&mb)); /* b is still there */
  CHECK(rt_mb_pop(&mb) == &b->h);
  CHECK(rt_mb_pop(&mb) == NULL);
  CHECK(rt_mb_markempty(&mb));
  CHECK(rt_mb_push(&mb, &c->h)); /* marked empty -> the next push schedules again */
  smsg *d = mk(0, 4);
  CHECK(!rt_mb_push(&mb, &d->h));
  CHECK(rt_mb_pop(&mb) == &c->h);
  CHECK(rt_mb_pop(&mb) == &d->h);
  CHECK(rt_mb_markempty(&mb));
  /* push then markempty before popping: fails, the consumer keeps the queue */
  smsg *e = mk(0, 5);
  CHECK(rt_mb_push(&mb, &e->h));
  CHECK(!rt_mb_markempty(&mb));
  CHECK(rt_mb_pop(&mb) == &e->h);
  CHECK(rt_mb_markempty(&mb));
  /* drain takes everything and leaves it marked empty */
  CHECK(rt_mb_push(&mb, &mk(0, 10)->h));
  CHECK(!rt_mb_push(&mb, &mk(0, 20)->h));
  drained = 0;
  rt_mb_drain(&mb, count_fn, NULL);
  CHECK_EQ(drained, 30);
  CHECK(rt_mb_push(&mb, &mk(0, 1)->h));
  CHECK(rt_mb_pop(&mb) != NULL);
  rt_mb_fini(&mb);

  /* a message too big for the pools goes through malloc, and back */
  rt_msg *big = rt_msg_alloc(5000);
  memset(big + 1, 0xAB, 5000 - sizeof(rt_msg));
  big->id = 7;
  rt_mb_init(&mb, false);
  CHECK(rt_mb_push(&mb, big));
  CHECK(rt_mb_pop(&mb) == big);
  rt_mb_fini(&mb);

  rt_mailbox sc;
  rt_mb_init(&sc, true); /* starts scheduled (an actor with init) */
  CHECK(!rt_mb_push(&sc, &mk(0, 1)->h));
  CHECK(rt_mb_pop(&sc) != NULL);
  CHECK(rt_mb_markempty(&sc));
  rt_mb_fini(&sc);
}

/* ---- many producers, one consumer ---------------------------------------------------- */

#define NPROD 4
static rt_mailbox smb;
static _Atomic int scheduled; /* 1 while someone is responsible for the queue */
static _Atomic int double_sched;
static long per_producer;

static void *producer(void *arg) {
  uint32_t p = (uint32_t)(uintptr_t)arg;
  for (long i = 1; i <= per_producer; i++) {
    if (rt_mb_push(&smb, &mk(p, (uint64_t)i)->h)) {
      if (atomic_exchange(&scheduled, 1) != 0) atomic_fetch_add(&double_sched, 1);
    }
    if ((i & 1023) == 0) sched_yield();
  }
  rt_pool_thread_exit();
  return NULL;
}

static void stress(void) {
  per_producer = t_scale(300000);
  rt_mb_init(&smb, false);
  atomic_store(&scheduled, 0);
  pthread_t th[NPROD];
  for (uintptr_t i = 0; i < NPROD; i++) pthread_create(&th[i], NULL, producer, (void *)i);
  uint64_t last[NPROD] = {0};
  long got = 0, order_errors = 0, empties = 0;
  while (got < NPROD * per_producer) {
    while (atomic_load(&scheduled) == 0) sched_yield(); /* wait to be scheduled */
    for (;;) {
      rt_msg *m;
      while ((m = rt_mb_pop(&smb)) != NULL) {
        smsg *s = (smsg *)m;
        if (s->seq != last[s->producer] + 1) order_errors++;
        last[s->producer] = s->seq;
        got++;
      }
      atomic_store(&scheduled, 0); /* let go first: the next transition schedules */
      if (rt_mb_markempty(&smb)) {
        empties++;
        break;
      }
      atomic_store(&scheduled, 1); /* a push got in: still ours */
    }
  }
  for (int i = 0; i < NPROD; i++) pthread_join(th[i], NULL);
  CHECK_EQ(got, NPROD * per_producer);
  CHECK_EQ(order_errors, 0);
  CHECK_EQ(atomic_load(&double_sched), 0);
  CHECK(rt_mb_pop(&smb) == NULL);
  for (int i = 0; i < NPROD; i++) CHECK_EQ(last[i], per_producer);
  CHECK(empties >= 1);
  rt_mb_fini(&smb);
}

/* ---- the pools: a producer thread allocates, the consumer frees ------------------- */

static rt_mailbox pmb;
static _Atomic long in_flight;
static long pool_total;

static void *pool_producer(void *arg) {
  (void)arg;
  for (long i = 1; i <= pool_total; i++) {
    while (atomic_load(&in_flight) > 4096) sched_yield(); /* bounded queue depth */
    atomic_fetch_add(&in_flight, 1);
    rt_mb_push(&pmb, &mk(0, (uint64_t)i)->h);
  }
  rt_pool_thread_exit();
  return NULL;
}

static void pool_bounded(void) {
  pool_total = t_scale(3000000);
  rt_mb_init(&pmb, true);
  size_t before = rt_pool_chunk_bytes();
  pthread_t th;
  pthread_create(&th, NULL, pool_producer, NULL);
  long got = 0;
  while (got < pool_total) {
    rt_msg *m = rt_mb_pop(&pmb);
    if (!m) {
      sched_yield();
      continue;
    }
    got++;
    atomic_fetch_sub(&in_flight, 1);
  }
  pthread_join(th, NULL);
  rt_mb_fini(&pmb);
  size_t grew = rt_pool_chunk_bytes() - before;
  /* 3M messages of 32 bytes would be 96 MB without the hand-off; in flight are at
   * most ~4096 plus a few batches per thread. */
  CHECK(grew <= 8u << 20);
  CHECK_EQ(got, pool_total);
}

int main(void) {
  single_thread();
  stress();
  pool_bounded();
  return t_finish("test_mailbox");
}

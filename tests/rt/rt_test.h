/* rt_test.h — shared by the runtime's unit tests (tests/rt/test_*.c): checks and the
 * closing "test_NAME: N passed, N failed" line, plus the pieces a compiled program
 * would have (message layouts, send helpers, closures) written by hand.
 *
 * Tests run the scheduler themselves: rt_sched_init(), spawn and send, then
 * rt_sched_run() returns when the program is quiescent, and the test checks what
 * happened; it may run several such programs one after another. */
#ifndef RT_TEST_H
#define RT_TEST_H

#include "core/rt_core.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

static _Atomic int t_passed, t_failed;

#define CHECK(cond)                                                                  \
  do {                                                                               \
    if (cond)                                                                        \
      atomic_fetch_add(&t_passed, 1);                                                \
    else {                                                                           \
      atomic_fetch_add(&t_failed, 1);                                                \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);       \
    }                                                                                \
  } while (0)

#define CHECK_EQ(a, b)                                                               \
  do {                                                                               \
    long long va_ = (long long)(a), vb_ = (long long)(b);                            \
    if (va_ == vb_)                                                                  \
      atomic_fetch_add(&t_passed, 1);                                                \
    else {                                                                           \
      atomic_fetch_add(&t_failed, 1);                                                \
      fprintf(stderr, "%s:%d: check failed: %s == %s (%lld != %lld)\n", __FILE__, __LINE__, #a, #b, va_, vb_); \
    }                                                                                \
  } while (0)

static inline int t_finish(const char *name) {
  printf("%s: %d passed, %d failed\n", name, atomic_load(&t_passed), atomic_load(&t_failed));
  fflush(stdout);
  return atomic_load(&t_failed) ? 1 : 0;
}

/* Sizes shrink under the sanitizers (RT_TEST_SCALE=10 divides them by 10). */
static inline long t_scale(long n) {
  const char *e = getenv("RT_TEST_SCALE");
  long d = e ? atol(e) : 1;
  if (d < 1) d = 1;
  return n / d > 0 ? n / d : 1;
}

#define STATE(a, T) ((T *)((char *)(a) + RT_ACTOR_STATE_OFFSET))

/* A plain message: two Ints and an actor reference (owned by the message). */
typedef struct tmsg {
  rt_msg h;
  int64_t a, b;
  rt_actor *ref;
} tmsg;

static inline void tsend(rt_actor *to, uint32_t id, int64_t a, int64_t b, rt_actor *ref /* borrowed */) {
  tmsg *m = (tmsg *)rt_msg_alloc(sizeof *m);
  m->h.id = id;
  m->a = a;
  m->b = b;
  rt_retain(ref);
  m->ref = ref;
  rt_send(to, &m->h);
}

/* Spawns an actor of kind k, starts it and sends it one message; keeps no reference. */
static inline void tspawn_send(const rt_kind *k, uint32_t id, int64_t a, int64_t b, rt_actor *ref /* borrowed */) {
  rt_actor *x = rt_spawn(k);
  rt_actor_start(x);
  tsend(x, id, a, b, ref);
  rt_release(x);
}
static inline void tmsg_drop(rt_msg *m) { rt_release(((tmsg *)m)->ref); }
static inline void t_nop_actor(rt_actor *a) { (void)a; }

/* A request message: the header, the rt_reqinfo, one Int argument. */
typedef struct treq {
  rt_msg h;
  rt_reqinfo ri;
  int64_t a;
} treq;

static inline void trequest(rt_actor *self, rt_actor *to, uint32_t id, int64_t a, rt_closure *cont /* owned */) {
  if (!to) {
    rt_request_none(self, cont);
    return;
  }
  treq *m = (treq *)rt_msg_alloc(sizeof *m);
  m->h.id = id;
  rt_request_info(&m->ri, self, cont);
  m->a = a;
  rt_send(to, &m->h);
}

/* A scheduler-level stats delta. */
static inline rt_stats t_stats(void) {
  rt_stats s;
  rt_stats_sum(&s);
  return s;
}

/* stderr capture (failure reports are written straight to fd 2). */
static int t_cap_fd = -1, t_cap_saved = -1;
static char t_cap_path[64];
static inline void t_capture_begin(void) {
  fflush(stderr);
  snprintf(t_cap_path, sizeof t_cap_path, "/tmp/rt_test_err.XXXXXX");
  t_cap_fd = mkstemp(t_cap_path);
  t_cap_saved = dup(2);
  dup2(t_cap_fd, 2);
}
static inline void t_capture_end(char *buf, size_t cap) {
  fflush(stderr);
  dup2(t_cap_saved, 2);
  close(t_cap_saved);
  lseek(t_cap_fd, 0, SEEK_SET);
  ssize_t n = read(t_cap_fd, buf, cap - 1);
  buf[n > 0 ? n : 0] = 0;
  close(t_cap_fd);
  unlink(t_cap_path);
}

#endif

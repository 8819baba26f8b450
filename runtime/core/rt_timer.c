/* rt_timer.c — `after MS { }` and `every MS { }`: Timer objects, a binary heap of
 * pending timers ordered by due time, and one timer thread (started with the first
 * timer) that sleeps until the earliest is due and sends its firing to the owner as
 * a system message, run there as a block ("after"/"every").
 *
 * A timer's life (state, changed under T.lock, except QUEUED -> DONE by the owner):
 *   PENDING    in the heap and on its owner's list; holds the program alive
 *   QUEUED     an `after` that fired: its firing is in the owner's mailbox
 *   DONE       an `after` whose block ran
 *   CANCELLED  cancel(), or the owner ended; a queued firing is then skipped
 * References: the Timer value (rt_timer_start's result), the heap while PENDING, and
 * each queued firing.  The owner pointer is weak: it is valid while PENDING, because
 * an ending actor cancels its timers (under T.lock) before letting go of itself.
 * An `every` has at most one firing queued at a time: ticks that come while one
 * waits are skipped, so a slow owner is not flooded.
 * A restart cancels the owner's pending timers (rt_timer_cancel_all); a firing of
 * an `after` already queued then is skipped by its incarnation, which must be the
 * owner's current one for the block to run. */
#include "core/rt_core.h"

#include <time.h>

typedef struct rt_timer rt_timer;

enum { T_PENDING, T_QUEUED, T_DONE, T_CANCELLED };

struct rt_timer {
  rt_hdr h;                      /* tag RT_TAG_TIMER */
  uint64_t number;               /* Timer#N, in creation order */
  rt_closure *body;              /* owned */
  rt_actor *owner;               /* weak; NULL once no longer PENDING (T.lock) */
  int64_t due;                   /* CLOCK_MONOTONIC ns (T.lock) */
  int64_t period;                /* ns; 0 for `after` */
  uint64_t incarnation;          /* the owner's, when the timer was started */
  size_t heap_idx;               /* (T.lock) */
  struct rt_timer *onext, *oprev; /* the owner's pending list (T.lock) */
  _Atomic uint32_t state;        /* T_* */
  _Atomic bool queued;           /* an `every` firing is in the mailbox */
};

typedef struct fire_msg {
  rt_msg h;     /* RT_MSG_TIMER */
  rt_timer *t;  /* owned */
} fire_msg;

static struct {
  pthread_mutex_t lock;
  pthread_cond_t cond; /* the timer thread waits here (CLOCK_MONOTONIC) */
  bool started;
  rt_timer **heap;
  size_t n, cap;
} T = {.lock = PTHREAD_MUTEX_INITIALIZER};

static _Atomic uint64_t timer_numbers;

uint64_t rt_timer_number(const struct rt_timer *t) { return t->number; }

static void timer_free(void *p) {
  rt_timer *t = p;
  rt_release(t->body);
  rt_free(t);
}

static const char *timer_name(const void *t) { return "Timer"; }
static uint64_t timer_number(const void *t) { return ((const rt_timer *)t)->number; }
const rt_obj_class rt_timer_class = {timer_free, timer_name, timer_number};

/* ---- the heap (T.lock) -------------------------------------------------------------- */

static void heap_set(size_t i, rt_timer *t) {
  T.heap[i] = t;
  t->heap_idx = i;
}

static void sift_up(size_t i) {
  rt_timer *t = T.heap[i];
  while (i > 0) {
    size_t p = (i - 1) / 2;
    if (T.heap[p]->due <= t->due) break;
    heap_set(i, T.heap[p]);
    i = p;
  }
  heap_set(i, t);
}

static void sift_down(size_t i) {
  rt_timer *t = T.heap[i];
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= T.n) break;
    if (c + 1 < T.n && T.heap[c + 1]->due < T.heap[c]->due) c++;
    if (t->due <= T.heap[c]->due) break;
    heap_set(i, T.heap[c]);
    i = c;
  }
  heap_set(i, t);
}

static void heap_push(rt_timer *t) {
  if (T.n == T.cap) {
    T.cap = T.cap ? 2 * T.cap : 64;
    T.heap = rt_realloc(T.heap, T.cap * sizeof *T.heap);
  }
  T.heap[T.n] = t;
  t->heap_idx = T.n++;
  sift_up(t->heap_idx);
}

static void heap_remove(rt_timer *t) {
  size_t i = t->heap_idx;
  rt_timer *last = T.heap[--T.n];
  if (i < T.n) {
    heap_set(i, last);
    sift_up(i);
    sift_down(last->heap_idx);
  }
}

/* ---- the owner's list (T.lock) -------------------------------------------------------- */

static void owner_link(rt_actor_ext *e, rt_timer *t) {
  t->oprev = NULL;
  t->onext = e->timers;
  if (e->timers) e->timers->oprev = t;
  e->timers = t;
}

static void owner_unlink(rt_timer *t) {
  /* acquire: installed before the timer was linked (by rt_timer_start). */
  rt_actor_ext *e = atomic_load_explicit(&t->owner->ext, memory_order_acquire);
  if (t->oprev)
    t->oprev->onext = t->onext;
  else
    e->timers = t->onext;
  if (t->onext) t->onext->oprev = t->oprev;
  t->onext = t->oprev = NULL;
}

/* ---- the timer thread -------------------------------------------------------------- */

static void deliver(rt_actor *owner, rt_timer *t) {
  fire_msg *m = (fire_msg *)rt_msg_alloc(sizeof *m);
  m->h.id = RT_MSG_TIMER;
  m->t = t;
  rt_send(owner, &m->h);
}

static void *timer_main(void *arg) {
  (void)arg;
  pthread_mutex_lock(&T.lock);
  for (;;) {
    if (T.n == 0) {
      pthread_cond_wait(&T.cond, &T.lock);
      continue;
    }
    int64_t now = rt_mono_ns();
    rt_timer *t = T.heap[0];
    if (t->due > now) {
      struct timespec ts = {(time_t)(t->due / 1000000000), (long)(t->due % 1000000000)};
      pthread_cond_timedwait(&T.cond, &T.lock, &ts);
      continue;
    }
    heap_remove(t);
    rt_actor *owner = t->owner;
    bool once = t->period == 0, send = true;
    if (once) {
      /* relaxed: under T.lock, like every change away from PENDING. */
      atomic_store_explicit(&t->state, T_QUEUED, memory_order_relaxed);
      owner_unlink(t);
      t->owner = NULL; /* the heap's reference moves to the firing */
    } else {
      t->due += t->period;
      if (t->due <= now) t->due = now + t->period; /* fell behind: do not burst */
      heap_push(t);
      /* acq_rel: pairs with the owner's clearing (release) once it took the last. */
      if (atomic_exchange_explicit(&t->queued, true, memory_order_acq_rel))
        send = false; /* the last firing still waits: skip this tick */
      else
        rt_retain(t); /* the firing's reference */
    }
    /* The owner is alive while its timer is PENDING: it cancels its timers under
     * this lock before it lets go of itself. */
    if (send) rt_retain(owner);
    pthread_mutex_unlock(&T.lock);
    if (send) {
      deliver(owner, t);
      rt_release(owner);
    }
    if (once) rt_sched_unhold(); /* after the firing is queued: it holds now */
    pthread_mutex_lock(&T.lock);
  }
  return NULL;
}

static void start_thread_locked(void) {
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&T.cond, &ca);
  pthread_condattr_destroy(&ca);
  int err = rt_thread_detached(timer_main, NULL, 0);
  if (err) {
    fprintf(stderr, "actor runtime: cannot start the timer thread: %s\n", strerror(err));
    exit(70);
  }
  T.started = true;
}

/* ---- the ABI ---------------------------------------------------------------------- */

rt_timer *rt_timer_start(rt_actor *self, int64_t ms, bool every, rt_closure *body) {
  rt_timer *t = rt_alloc(sizeof *t);
  t->h.rc = 2; /* the result, and the heap */
  t->h.tag = RT_TAG_TIMER;
  /* relaxed: only uniqueness and per-thread order matter. */
  t->number = atomic_fetch_add_explicit(&timer_numbers, 1, memory_order_relaxed) + 1;
  t->body = body;
  t->owner = self;
  t->incarnation = rt_incarnation(self);
  if (ms < 0) ms = 0;
  if (every && ms == 0) ms = 1;
  if (ms > INT64_MAX / 2000000) ms = INT64_MAX / 2000000; /* far enough: never */
  t->period = every ? ms * 1000000 : 0;
  t->onext = t->oprev = NULL;
  atomic_init(&t->state, T_PENDING);
  atomic_init(&t->queued, false);
  rt_actor_ext *e = rt_actor_ext_get(self);
  rt_sched_hold();
  pthread_mutex_lock(&T.lock);
  if (!T.started) start_thread_locked();
  t->due = rt_mono_ns() + ms * 1000000;
  heap_push(t);
  owner_link(e, t);
  if (t->heap_idx == 0) pthread_cond_signal(&T.cond);
  pthread_mutex_unlock(&T.lock);
  return t;
}

void rt_timer_cancel(rt_timer *t) {
  if (!t) return;
  pthread_mutex_lock(&T.lock);
  /* relaxed: every change but QUEUED -> DONE is made under the lock we hold. */
  uint32_t st = atomic_load_explicit(&t->state, memory_order_relaxed);
  if (st == T_PENDING) {
    heap_remove(t);
    owner_unlink(t);
    t->owner = NULL;
    /* release: the owner's acquire load when a queued firing arrives. */
    atomic_store_explicit(&t->state, T_CANCELLED, memory_order_release);
    pthread_mutex_unlock(&T.lock);
    rt_sched_unhold();
    rt_release(t); /* the heap's reference */
    return;
  }
  if (st == T_QUEUED) {
    /* The owner may be taking it to DONE right now: whoever changes it first wins. */
    atomic_compare_exchange_strong_explicit(&t->state, &st, T_CANCELLED, memory_order_acq_rel,
                                            memory_order_relaxed);
  }
  pthread_mutex_unlock(&T.lock);
}

void rt_timer_cancel_all(rt_actor *a) {
  /* acquire: the extension's initialisation (rt_actor_ext_get). */
  rt_actor_ext *e = atomic_load_explicit(&a->ext, memory_order_acquire);
  if (!e) return;
  pthread_mutex_lock(&T.lock);
  rt_timer *list = e->timers;
  e->timers = NULL;
  for (rt_timer *t = list; t; t = t->onext) {
    heap_remove(t);
    t->owner = NULL;
    /* release: as in rt_timer_cancel. */
    atomic_store_explicit(&t->state, T_CANCELLED, memory_order_release);
  }
  pthread_mutex_unlock(&T.lock);
  while (list) {
    rt_timer *t = list;
    list = t->onext; /* no longer on any list: ours to read */
    t->onext = t->oprev = NULL;
    rt_sched_unhold();
    rt_release(t);
  }
}

void rt_timer_handle(rt_actor *a, rt_msg *m) {
  rt_timer *t = ((fire_msg *)m)->t;
  if (t->incarnation != rt_incarnation(a)) { /* the owner restarted since: skip */
    rt_timer_drop(m);
    return;
  }
  if (t->period) {
    /* release: lets the timer thread queue the next firing. */
    atomic_store_explicit(&t->queued, false, memory_order_release);
    /* acquire: pairs with cancel's release. */
    if (atomic_load_explicit(&t->state, memory_order_acquire) == T_PENDING) {
      rt_cur.handler = "every";
      t->body->run(a, t->body, 0);
    }
  } else {
    uint32_t st = T_QUEUED;
    /* acq_rel: against a concurrent cancel (see rt_timer_cancel). */
    if (atomic_compare_exchange_strong_explicit(&t->state, &st, T_DONE, memory_order_acq_rel,
                                                memory_order_relaxed)) {
      rt_cur.handler = "after";
      t->body->run(a, t->body, 0);
    }
  }
  rt_timer_drop(m);
}

void rt_timer_drop(rt_msg *m) {
  fire_msg *f = (fire_msg *)m;
  rt_timer *t = f->t;
  if (!t) return;
  /* release: as in rt_timer_handle. */
  if (t->period) atomic_store_explicit(&t->queued, false, memory_order_release);
  f->t = NULL;
  rt_release(t);
}

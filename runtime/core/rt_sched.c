/* rt_sched.c — the scheduler: ACTOR_THREADS workers, each on a thread of its own,
 * that run runnable actors, and the quiescence detection that ends the program.
 *
 * Where runnable actors wait (Go's design):
 *   runnext   one slot per worker, private to it.  An actor made runnable by the
 *             running actor goes here, displacing the previous one into the local
 *             queue, and runs next: ping-pong pairs and rings stay on one worker with
 *             no cross-thread hand-off.  After RUNNEXT_STREAK runnext picks in a row
 *             the local queue gets a turn.
 *   local     a bounded ring per worker (RQ_SIZE).  The owner puts at the tail and
 *             takes at the head; idle workers steal half from the head (CAS).  A full
 *             ring moves half of itself to the global queue.
 *   global    a locked FIFO through rt_actor.rq_next: wake-ups from threads that are
 *             not workers (the timer thread), and overflow.  Checked when the local
 *             queue is empty and every GLOBAL_EVERY picks.
 *
 * Idle workers: a worker with nothing local looks at the global queue and steals
 * (a bounded number of rounds, as a "spinning" worker; at most half the busy workers
 * spin), then parks on a futex.  Work put where others could take it (runnext
 * displaced into the ring, a full ring, the global queue, a long handler's queued
 * actors -- see rt_sched_share) wakes one parked worker, and only when no worker is
 * already spinning: a ping-pong on one worker wakes nobody.  With more workers than
 * cores (ACTOR_THREADS above the core count) a parked worker is woken only while
 * fewer workers than cores are awake: another runnable thread would only take turns
 * on a core with the busy ones (a producer on the critical path among them), and each
 * wake-up costs the waker a lock and a futex call.  The watch thread wakes one anyway
 * when the awake workers stop making progress with work queued (a blocking call).
 *
 * Quiescence: the program is over when every worker is parked (each parks only with
 * its runnext and ring empty), the global queue is empty and no hold is taken (a
 * pending timer, later an open I/O handle).  Both the last worker to park and the
 * last unhold check this under the scheduler lock, which also guards the global
 * queue and the idle list, so neither can miss the other. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "core/rt_core.h"

#include <errno.h>
#include <sched.h>
#include <time.h>
#include <linux/futex.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#define RQ_SIZE 256        /* local ring capacity (a power of two) */
#define RUNNEXT_STREAK 64  /* runnext picks in a row before the ring gets a turn */
#define GLOBAL_EVERY 61    /* picks between two looks at the global queue */
#define STEAL_ROUNDS 4     /* passes over the other workers before parking */

enum { WAKE_NONE = 0, WAKE_SPIN = 1, WAKE_EXIT = 2 };

typedef struct rt_worker {
  /* Written by the owner and by thieves (compare-exchange). */
  alignas(64) _Atomic uint32_t rq_head;
  /* Written by the owner only. */
  alignas(64) _Atomic uint32_t rq_tail;
  rt_actor *runnext; /* private to the owner: never stolen */
  uint32_t tick;     /* picks, for GLOBAL_EVERY */
  uint32_t streak;   /* runnext picks in a row */
  _Atomic uint32_t progress; /* turns and bursts of sends (owner writes; the watch reads) */
  bool spinning;     /* counted in S.nspinning */
  uint64_t rng;      /* victim order when stealing */
  int index;
  pthread_t thread;
  _Atomic(rt_actor *) rq_buf[RQ_SIZE]; /* written by the owner, read by thieves */
  /* Parking: park_word is written by wakers (and reset by the owner); on_idle and
   * idle_next under S.lock. */
  alignas(64) _Atomic uint32_t park_word;
  bool on_idle;
  struct rt_worker *idle_next;
} rt_worker;

static struct {
  int n;        /* workers */
  int ncpu;     /* cores this process may run on (sched_getaffinity, or ACTOR_CORES) */
  rt_worker *w; /* the workers; w[0] is the thread that called rt_sched_init */
  bool running; /* inside rt_sched_run (under lock) */
  bool seeded;  /* ACTOR_SCHED_SEED: one worker, a replayable pick order */
  uint64_t seed_state;
  /* Under lock: the global queue and the idle list. */
  alignas(64) pthread_mutex_t lock;
  rt_actor *gq_head, *gq_tail;
  rt_worker *idle;
  /* Written under lock, read without it as hints (or, for the quiescence check,
   * under it). */
  alignas(64) _Atomic size_t gq_len;
  _Atomic int nidle;     /* workers on the idle list */
  _Atomic int nspinning; /* workers looking for work */
  _Atomic bool shutdown; /* quiescent: workers leave */
  _Atomic uint32_t capped; /* a wake-up was skipped because the cores were full (futex word) */
  /* Any thread. */
  alignas(64) _Atomic int64_t holds;
} S = {.lock = PTHREAD_MUTEX_INITIALIZER};

__thread uint32_t rt_sched_sends;
static __thread rt_worker *self_worker;

/* ---- parking --------------------------------------------------------------------- */

static void futex_wait(_Atomic uint32_t *addr, uint32_t val) {
  syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(_Atomic uint32_t *addr) {
  syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void post(rt_worker *w, uint32_t why) {
  /* release: the woken worker (acquire load) sees what the waker did before. */
  atomic_store_explicit(&w->park_word, why, memory_order_release);
  futex_wake(&w->park_word);
}

static uint32_t wait_posted(rt_worker *w) {
  uint32_t v;
  /* acquire: pairs with post's release. */
  while ((v = atomic_load_explicit(&w->park_word, memory_order_acquire)) == WAKE_NONE)
    futex_wait(&w->park_word, WAKE_NONE);
  /* relaxed: only the owner resets its word, and only one post comes per parking. */
  atomic_store_explicit(&w->park_word, WAKE_NONE, memory_order_relaxed);
  return v;
}

/* As many workers awake (not parked) as there are cores: waking one more would only
 * make it share a core.  Work left queued meanwhile is found by the awake workers (each
 * looks at the global queue and the other rings before it parks), or, when they are
 * stuck in long calls, by a worker the watch wakes. */
static inline bool cores_full(int nidle) { return S.n - nidle >= S.ncpu; }
static void note_capped(void);

/* A worker made progress: a turn, a nested turn, a burst of sends (for the watch). */
static inline void progressed(rt_worker *w) {
  /* relaxed, no read-modify-write: only the owner writes it. */
  atomic_store_explicit(&w->progress, atomic_load_explicit(&w->progress, memory_order_relaxed) + 1,
                        memory_order_relaxed);
}

/* Under lock: takes an idle worker to wake as a spinner, if none is spinning (and,
 * unless forced, if fewer workers than cores are awake). */
static rt_worker *take_idle_locked(bool force) {
  rt_worker *w = S.idle;
  /* seq_cst: see found_work.  A spinner that stops spinning without finding our work
   * parks, and parking looks at the global queue under this lock. */
  if (!w || atomic_load_explicit(&S.nspinning, memory_order_seq_cst) != 0) return NULL;
  if (!force && cores_full(atomic_load_explicit(&S.nidle, memory_order_relaxed))) { /* relaxed: under the lock */
    note_capped();
    return NULL;
  }
  S.idle = w->idle_next;
  w->on_idle = false;
  /* relaxed: under the lock; readers outside it use these as hints. */
  atomic_fetch_sub_explicit(&S.nidle, 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&S.nspinning, 1, memory_order_relaxed);
  return w;
}

/* Wakes a worker to take surplus work, unless one is looking already. */
static void wakep(void) {
  /* seq_cst: a parking worker increments nidle (seq_cst) and then looks at the rings;
   * our ring store came before this fence, so one of us sees the other. */
  atomic_thread_fence(memory_order_seq_cst);
  int nidle = atomic_load_explicit(&S.nidle, memory_order_relaxed);
  if (nidle == 0 || atomic_load_explicit(&S.nspinning, memory_order_relaxed) != 0) return;
  if (cores_full(nidle)) { /* before the lock: a producer sending to many actors comes here per send */
    note_capped();
    return;
  }
  pthread_mutex_lock(&S.lock);
  rt_worker *w = take_idle_locked(false);
  pthread_mutex_unlock(&S.lock);
  if (w) post(w, WAKE_SPIN);
}

/* Under lock: the program is over; every parked worker leaves. */
static void quiesce_locked(void) {
  atomic_store_explicit(&S.shutdown, true, memory_order_release);
  while (S.idle) {
    rt_worker *w = S.idle;
    S.idle = w->idle_next;
    w->on_idle = false;
    post(w, WAKE_EXIT);
  }
  atomic_store_explicit(&S.nidle, 0, memory_order_relaxed); /* relaxed: under the lock */
}

/* ---- the local ring ---------------------------------------------------------------- */

static inline uint32_t rq_len(rt_worker *v) {
  /* acquire/acquire: a hint for thieves and the parking re-check. */
  uint32_t h = atomic_load_explicit(&v->rq_head, memory_order_acquire);
  uint32_t t = atomic_load_explicit(&v->rq_tail, memory_order_acquire);
  return t - h;
}

static void gq_push_chain(rt_actor *first, rt_actor *last, size_t n);

/* The ring is full: move its older half and `a` to the global queue.  False when a
 * thief took some meanwhile (then there is room: retry). */
static bool rq_put_slow(rt_worker *w, rt_actor *a, uint32_t h, uint32_t t) {
  uint32_t n = (t - h) / 2;
  rt_actor *batch[RQ_SIZE / 2 + 1];
  /* relaxed: our own slots. */
  for (uint32_t i = 0; i < n; i++)
    batch[i] = atomic_load_explicit(&w->rq_buf[(h + i) % RQ_SIZE], memory_order_relaxed);
  /* acq_rel: as a thief's take (rq_grab). */
  if (!atomic_compare_exchange_strong_explicit(&w->rq_head, &h, h + n, memory_order_acq_rel,
                                               memory_order_relaxed))
    return false;
  batch[n] = a;
  for (uint32_t i = 0; i < n; i++) batch[i]->rq_next = batch[i + 1];
  gq_push_chain(batch[0], batch[n], n + 1);
  return true;
}

/* The owner: a at the tail. */
static void rq_put(rt_worker *w, rt_actor *a) {
  for (;;) {
    /* acquire: pairs with the thieves' release on head, so their reads of the slots
     * they took are done before we reuse the slots. */
    uint32_t h = atomic_load_explicit(&w->rq_head, memory_order_acquire);
    /* relaxed: only we write tail. */
    uint32_t t = atomic_load_explicit(&w->rq_tail, memory_order_relaxed);
    if (t - h < RQ_SIZE) {
      /* relaxed: the slot is published by the release store of tail. */
      atomic_store_explicit(&w->rq_buf[t % RQ_SIZE], a, memory_order_relaxed);
      /* release: a thief that reads the new tail (acquire) sees the slot and the
       * actor's state as we left it. */
      atomic_store_explicit(&w->rq_tail, t + 1, memory_order_release);
      return;
    }
    if (rq_put_slow(w, a, h, t)) return;
  }
}

/* The owner: the actor at the head, or NULL. */
static rt_actor *rq_get(rt_worker *w) {
  for (;;) {
    /* acquire: see the slots thieves left behind consistently with head. */
    uint32_t h = atomic_load_explicit(&w->rq_head, memory_order_acquire);
    uint32_t t = atomic_load_explicit(&w->rq_tail, memory_order_relaxed); /* ours */
    if (t == h) return NULL;
    /* relaxed: we wrote the slot ourselves. */
    rt_actor *a = atomic_load_explicit(&w->rq_buf[h % RQ_SIZE], memory_order_relaxed);
    /* acq_rel: a compare-exchange against thieves; release orders our slot read
     * before a later overwrite (by us, so acquire is what matters for ordering with
     * the thieves' takes). */
    if (atomic_compare_exchange_weak_explicit(&w->rq_head, &h, h + 1, memory_order_acq_rel,
                                              memory_order_relaxed))
      return a;
  }
}

/* A thief: takes half of v's ring (rounded up) into batch; returns how many. */
static uint32_t rq_grab(rt_worker *v, rt_actor **batch) {
  for (;;) {
    /* acquire both: the slots up to tail were published by the owner's release. */
    uint32_t h = atomic_load_explicit(&v->rq_head, memory_order_acquire);
    uint32_t t = atomic_load_explicit(&v->rq_tail, memory_order_acquire);
    uint32_t n = t - h;
    n = n - n / 2;
    if (n == 0) return 0;
    if (n > RQ_SIZE / 2) continue; /* h and t read at different times: retry */
    for (uint32_t i = 0; i < n; i++)
      batch[i] = atomic_load_explicit(&v->rq_buf[(h + i) % RQ_SIZE], memory_order_relaxed);
    /* acq_rel: release: our slot reads happen before the owner reuses them (it loads
     * head with acquire); acquire: nothing more, but it costs nothing on a CAS. */
    if (atomic_compare_exchange_strong_explicit(&v->rq_head, &h, h + n, memory_order_acq_rel,
                                                memory_order_relaxed))
      return n;
  }
}

/* ---- the global queue ------------------------------------------------------------- */

static void gq_push_chain(rt_actor *first, rt_actor *last, size_t n) {
  last->rq_next = NULL;
  pthread_mutex_lock(&S.lock);
  if (S.gq_tail)
    S.gq_tail->rq_next = first;
  else
    S.gq_head = first;
  S.gq_tail = last;
  /* seq_cst: see found_work (the load is relaxed: writes are under the lock). */
  atomic_store_explicit(&S.gq_len, atomic_load_explicit(&S.gq_len, memory_order_relaxed) + n,
                        memory_order_seq_cst);
  rt_worker *wake = take_idle_locked(false);
  pthread_mutex_unlock(&S.lock);
  if (wake) post(wake, WAKE_SPIN);
}

/* Takes a fair share of the global queue, at most `max` and no more than w's ring has
 * room for: one to run, the rest into w's ring. */
static rt_actor *gq_get(rt_worker *w, size_t max) {
  rt_actor *batch[RQ_SIZE / 2];
  size_t take = 0;
  size_t room = RQ_SIZE - rq_len(w) + 1; /* +1: the one we run */
  if (max > room) max = room;
  if (max > RQ_SIZE / 2) max = RQ_SIZE / 2;
  pthread_mutex_lock(&S.lock);
  size_t len = atomic_load_explicit(&S.gq_len, memory_order_relaxed); /* relaxed: under the lock */
  if (len) {
    take = len / (size_t)S.n + 1;
    if (take > len) take = len;
    if (take > max) take = max;
    for (size_t i = 0; i < take; i++) {
      batch[i] = S.gq_head;
      S.gq_head = S.gq_head->rq_next;
    }
    if (!S.gq_head) S.gq_tail = NULL;
    atomic_store_explicit(&S.gq_len, len - take, memory_order_relaxed); /* relaxed: under the lock */
  }
  pthread_mutex_unlock(&S.lock);
  if (!take) return NULL;
  for (size_t i = 1; i < take; i++) rq_put(w, batch[i]);
  return batch[0];
}

/* ---- finding work ---------------------------------------------------------------- */

/* A spinning worker found work: it stops spinning, and if it leaves surplus behind
 * (more than it runs now) and was the last spinner, wakes another. */
static void found_work(rt_worker *w, bool surplus) {
  if (!w->spinning) return;
  w->spinning = false;
  /* seq_cst (with the load of gq_len): gq_push_chain stores gq_len and then loads
   * nspinning, both seq_cst; so either it sees us still spinning and we see its
   * work here, or it sees no spinner and wakes a worker itself. */
  int left = atomic_fetch_sub_explicit(&S.nspinning, 1, memory_order_seq_cst) - 1;
  if (left == 0 && (surplus || atomic_load_explicit(&S.gq_len, memory_order_seq_cst))) wakep();
}

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

static rt_actor *steal(rt_worker *w) {
  int n = S.n;
  if (n == 1) return NULL;
  if (!w->spinning) {
    /* relaxed: hints; at most half the busy workers spin. */
    int busy = n - atomic_load_explicit(&S.nidle, memory_order_relaxed);
    if (2 * atomic_load_explicit(&S.nspinning, memory_order_relaxed) >= busy) return NULL;
    w->spinning = true;
    atomic_fetch_add_explicit(&S.nspinning, 1, memory_order_relaxed); /* relaxed: a hint */
  }
  rt_actor *batch[RQ_SIZE / 2];
  for (int round = 0; round < STEAL_ROUNDS; round++) {
    w->rng = w->rng * 6364136223846793005ull + 1442695040888963407ull;
    int start = (int)((w->rng >> 33) % (uint64_t)n);
    for (int i = 0; i < n; i++) {
      rt_worker *v = &S.w[(start + i) % n];
      if (v == w) continue;
      uint32_t got = rq_grab(v, batch);
      if (got) {
        for (uint32_t j = 1; j < got; j++) rq_put(w, batch[j]);
        found_work(w, got > 1);
        return batch[0];
      }
    }
    /* relaxed: a hint; gq_get looks again under the lock. */
    if (atomic_load_explicit(&S.gq_len, memory_order_relaxed)) {
      rt_actor *a = gq_get(w, RQ_SIZE / 2);
      if (a) {
        found_work(w, true);
        return a;
      }
    }
    for (int k = 0; k < 32; k++) cpu_relax();
  }
  return NULL;
}

#define PARK_RETRY ((rt_actor *)1)

/* Parks w until there may be work.  Returns PARK_RETRY to look again, NULL when the
 * program is over. */
static rt_actor *park(rt_worker *w) {
  if (w->spinning) {
    w->spinning = false;
    /* relaxed: a counter of hints (see take_idle_locked). */
    atomic_fetch_sub_explicit(&S.nspinning, 1, memory_order_relaxed);
  }
  pthread_mutex_lock(&S.lock);
  /* relaxed (shutdown, gq_len): written under the lock we hold. */
  if (atomic_load_explicit(&S.shutdown, memory_order_relaxed)) {
    pthread_mutex_unlock(&S.lock);
    return NULL;
  }
  if (atomic_load_explicit(&S.gq_len, memory_order_relaxed)) {
    pthread_mutex_unlock(&S.lock);
    return PARK_RETRY;
  }
  w->on_idle = true;
  w->idle_next = S.idle;
  S.idle = w;
  /* seq_cst: pairs with the fence in wakep (see there). */
  int idle = atomic_fetch_add_explicit(&S.nidle, 1, memory_order_seq_cst) + 1;
  /* acquire: pairs with rt_sched_unhold's decrement (acq_rel): what the holder did
   * before letting go (queued a message) is visible. */
  if (idle == S.n && atomic_load_explicit(&S.holds, memory_order_acquire) == 0) {
    quiesce_locked();
    pthread_mutex_unlock(&S.lock);
    wait_posted(w); /* our own post from quiesce_locked */
    return NULL;
  }
  pthread_mutex_unlock(&S.lock);

  /* Surplus that appeared while we were registering: a worker that displaced work
   * into its ring saw nidle == 0 or a spinner, and woke nobody. */
  for (int i = 0; i < S.n; i++) {
    rt_worker *v = &S.w[i];
    if (v == w || rq_len(v) == 0) continue;
    pthread_mutex_lock(&S.lock);
    if (w->on_idle) { /* take ourselves off the list and go and steal */
      rt_worker **pp = &S.idle;
      while (*pp != w) pp = &(*pp)->idle_next;
      *pp = w->idle_next;
      w->on_idle = false;
      atomic_fetch_sub_explicit(&S.nidle, 1, memory_order_relaxed); /* relaxed: under the lock */
      pthread_mutex_unlock(&S.lock);
      return PARK_RETRY;
    }
    pthread_mutex_unlock(&S.lock);
    break; /* already woken: consume the post below */
  }

  rt_out_flush(); /* the scheduler is going idle: let output out */
  if (RT_UNLIKELY(rt_obs & RT_OBS_TRACE)) rt_obs_parked(); /* and the trace so far */
  uint32_t why = wait_posted(w);
  if (why == WAKE_EXIT) return NULL;
  w->spinning = true; /* the waker counted us in nspinning */
  return PARK_RETRY;
}

static rt_actor *find_work_slow(rt_worker *w) {
  for (;;) {
    rt_actor *a;
    /* relaxed: a hint; gq_get looks again under the lock. */
    if (atomic_load_explicit(&S.gq_len, memory_order_relaxed) && (a = gq_get(w, RQ_SIZE / 2)) != NULL) {
      found_work(w, true);
      return a;
    }
    if ((a = steal(w)) != NULL) return a;
    a = park(w);
    if (a != PARK_RETRY) return a;
  }
}

/* The seeded, replayable mode (ACTOR_SCHED_SEED=N): one worker, and every pick is
 * drawn from N among all runnable actors (the runnext slot and the global queue are
 * emptied into the ring first); rt_sched_turn_budget draws each turn's length too.
 * The same seed gives the same interleaving of actors (timers and I/O, which depend
 * on the clock and the outside world, aside). */
static uint64_t seeded_next(void) { /* splitmix64 */
  uint64_t z = (S.seed_state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static rt_actor *find_work_seeded(rt_worker *w) {
  if (w->runnext) {
    rq_put(w, w->runnext);
    w->runnext = NULL;
  }
  /* Into the ring only what fits: a put into a full ring would move half of it back
   * to the global queue, and taking that again would never end.  The rest of the
   * global queue waits for room (more than RQ_SIZE runnable actors). */
  rt_actor *a;
  uint32_t n;
  while ((n = rq_len(w)) < RQ_SIZE && atomic_load_explicit(&S.gq_len, memory_order_relaxed) &&
         (a = gq_get(w, RQ_SIZE - n)) != NULL)
    rq_put(w, a); /* relaxed: a hint; gq_get looks under the lock */
  n = rq_len(w);
  if (n == 0) return find_work_slow(w);
  /* one worker: nobody else touches the ring, so a swap with the head is safe */
  uint32_t h = atomic_load_explicit(&w->rq_head, memory_order_relaxed);
  uint32_t i = h + (uint32_t)(seeded_next() % n);
  rt_actor *x = atomic_load_explicit(&w->rq_buf[i % RQ_SIZE], memory_order_relaxed);
  atomic_store_explicit(&w->rq_buf[i % RQ_SIZE], atomic_load_explicit(&w->rq_buf[h % RQ_SIZE], memory_order_relaxed),
                        memory_order_relaxed);
  atomic_store_explicit(&w->rq_buf[h % RQ_SIZE], x, memory_order_relaxed);
  return rq_get(w);
}

uint32_t rt_sched_turn_budget(uint32_t batch) {
  return S.seeded ? 1 + (uint32_t)(seeded_next() % batch) : batch;
}

static inline rt_actor *find_work(rt_worker *w) {
  if (RT_UNLIKELY(S.seeded)) return find_work_seeded(w);
  rt_actor *a;
  /* relaxed: a hint; gq_get looks again under the lock. */
  if (RT_UNLIKELY(++w->tick % GLOBAL_EVERY == 0) && atomic_load_explicit(&S.gq_len, memory_order_relaxed) &&
      (a = gq_get(w, 1)) != NULL) /* fairness: just one */
    return a;
  if ((a = w->runnext) != NULL) {
    w->runnext = NULL;
    if (w->streak < RUNNEXT_STREAK || rq_len(w) == 0) {
      w->streak++;
      return a;
    }
    rq_put(w, a); /* the ring's turn */
  }
  w->streak = 0;
  if ((a = rq_get(w)) != NULL) return a;
  return find_work_slow(w);
}

/* ---- making actors runnable ------------------------------------------------------- */

void rt_sched_ready(rt_actor *a) {
  rt_worker *w = self_worker;
  if (RT_UNLIKELY(!w)) { /* not a worker (the timer thread) */
    gq_push_chain(a, a, 1);
    return;
  }
  rt_actor *old = w->runnext;
  w->runnext = a;
  if (old) {
    rq_put(w, old);
    wakep();
  }
}

void rt_sched_yield(rt_actor *a) { rq_put(self_worker, a); }

/* How deep "the sender runs the receiver" may nest (each level is a handler's frames
 * plus a turn of another actor on this thread's stack). */
#define HELP_DEPTH_MAX 2
static __thread int help_depth;

/* How long a flooding sender may wait, at one time, for an overloaded consumer that
 * runs elsewhere (then it goes on: waiting is a slowdown, never a block). */
#define OVERLOAD_WAIT_NS 2000000

/* A consumer whose messages cost more than this on average (measured when run
 * nested) is not run nested by this thread's shortcut: in parallel on another core
 * it pays.  The average moves slowly (one preempted run does not decide), and a slow
 * one is measured again every RESAMPLE_EVERY chances, as costs change. */
#define NESTED_NS_MAX 250
#define RESAMPLE_EVERY 64
static __thread const rt_actor *cost_of; /* whose cost is averaged: an identity only */
static __thread int64_t cost_ns;         /* moving average per message, in ns */
static __thread uint32_t slow_skips;

/* Shares in a row that found our ring still holding what an earlier share offered:
 * the woken worker did not come (the OS has not given it a CPU, say). */
static __thread uint32_t offers_unclaimed;

/* Called every RT_SCHED_SHARE_EVERY sends of one turn: this handler is producing a
 * lot; `to` got the last of them.
 *   - Other workers idle: offer them what we have queued, so consumers run in
 *     parallel.
 *   - Nobody free, or our offer went unclaimed: the actors this handler has been
 *     filling wait in this worker's runnext slot or local ring: run a turn of the
 *     next of them here, nested in the sending handler (Pony mutes such a sender; we
 *     lend it the thread instead).
 *   - `to` overloaded (many full turns in a row) while running elsewhere: yield the
 *     CPU until it catches up, for at most OVERLOAD_WAIT_NS.
 * So a fast producer slows to its consumers' pace and their mailboxes stay bounded. */
/* Offers what this worker has queued to idle workers (runnext made stealable, one
 * woken).  False when nobody is idle or spinning to take it. */
bool rt_sched_offer(void) {
  rt_worker *w = self_worker;
  /* relaxed: hints. */
  if (!w || (atomic_load_explicit(&S.nidle, memory_order_relaxed) == 0 &&
             atomic_load_explicit(&S.nspinning, memory_order_relaxed) == 0))
    return false;
  if (w->runnext) { /* make it stealable: this handler may run for long */
    rq_put(w, w->runnext);
    w->runnext = NULL;
  }
  if (rq_len(w) == 0)
    offers_unclaimed = 0;
  else if (++offers_unclaimed < 2)
    wakep();
  return true;
}

void rt_sched_share(rt_actor *to) {
  rt_sched_sends = 0;
  rt_worker *w = self_worker;
  if (!w || !rt_cur.actor) return; /* only inside a handler */
  progressed(w);
  bool slow = to == cost_of && cost_ns > NESTED_NS_MAX && ++slow_skips % RESAMPLE_EVERY != 0;
  if (w->runnext == to && !slow && help_depth < HELP_DEPTH_MAX) {
    /* The actor we keep filling emptied its mailbox and went idle since the last
     * check (our sends made it runnable again, here): it keeps up with this handler.
     * Running it nested here costs less than handing it to another core (no
     * cross-thread cache traffic per message) -- unless its messages are expensive
     * (measured here), when running it in parallel elsewhere pays. */
    w->runnext = NULL;
    help_depth++;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    uint32_t n = rt_actor_run_nested(to);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    help_depth--;
    int64_t ns = (t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec);
    if (n >= 64) { /* a fair sample */
      int64_t per = ns / n;
      cost_ns = to == cost_of ? (cost_ns * 7 + per) / 8 : per;
      cost_of = to;
    }
    return;
  }
  bool help = !rt_sched_offer() || offers_unclaimed >= 2;
  if (help && help_depth < HELP_DEPTH_MAX) {
    /* the owner's take: safe against thieves.  a is not on this thread's stack (an
     * actor that is running is in no queue). */
    rt_actor *a = w->runnext;
    if (a)
      w->runnext = NULL;
    else
      a = rq_get(w);
    if (a) {
      offers_unclaimed = 0;
      help_depth++;
      rt_actor_run_nested(a);
      help_depth--;
      progressed(w);
      return;
    }
  }
  /* relaxed: a hint; the consumer clears it when its mailbox empties. */
  if (!(atomic_load_explicit(&to->flags, memory_order_relaxed) & RT_AF_OVERLOADED)) return;
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  do {
    sched_yield();
    clock_gettime(CLOCK_MONOTONIC, &t);
  } while ((atomic_load_explicit(&to->flags, memory_order_relaxed) & RT_AF_OVERLOADED) &&
           (t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < OVERLOAD_WAIT_NS);
}

/* ---- the watch: when skipped wake-ups meet stuck workers ------------------------------ */
/* The first wake-up skipped for full cores starts this thread (Go's sysmon watches for
 * threads stuck in system calls in the same way).  While wake-ups are being skipped it
 * looks every WATCH_NS: a worker that made no progress since the last look (no turn,
 * no nested turn, no burst of sends) and has actors in its ring, or a global queue
 * while no worker made progress, gets a parked worker woken regardless of the cores.
 * When nothing is queued it sleeps until a wake-up is skipped again.  It holds nothing:
 * the program ends without it. */
#define WATCH_NS 1000000 /* 1 ms */

static void *watch_main(void *arg) {
  (void)arg;
  static uint32_t *last; /* static: reachable for LeakSanitizer while the thread lives */
  last = calloc((size_t)S.n, sizeof *last);
  if (!last) return NULL; /* no watch: the awake workers still find the work, later */
  uint64_t last_sum = 0;
  for (;;) {
    if (atomic_load_explicit(&S.capped, memory_order_relaxed) == 0) { /* relaxed: a hint */
      futex_wait(&S.capped, 0);
      continue;
    }
    struct timespec ts = {0, WATCH_NS};
    nanosleep(&ts, NULL);
    bool queued = false, stuck = false;
    uint64_t sum = 0;
    for (int i = 0; i < S.n; i++) {
      /* relaxed: hints, as every look at another worker's queues. */
      uint32_t p = atomic_load_explicit(&S.w[i].progress, memory_order_relaxed);
      uint32_t len = rq_len(&S.w[i]);
      sum += p;
      if (len) queued = true;
      if (len && p == last[i]) stuck = true;
      last[i] = p;
    }
    if (atomic_load_explicit(&S.gq_len, memory_order_relaxed)) { /* relaxed: a hint */
      queued = true;
      if (sum == last_sum) stuck = true;
    }
    last_sum = sum;
    if (!queued) {
      atomic_store_explicit(&S.capped, 0, memory_order_relaxed); /* relaxed: a hint */
      continue;
    }
    if (!stuck) continue;
    pthread_mutex_lock(&S.lock);
    /* relaxed: under the lock that writes it. */
    rt_worker *w = atomic_load_explicit(&S.shutdown, memory_order_relaxed) ? NULL : take_idle_locked(true);
    pthread_mutex_unlock(&S.lock);
    if (w) post(w, WAKE_SPIN);
  }
  return NULL;
}

static pthread_once_t watch_once = PTHREAD_ONCE_INIT;
static void watch_start(void) {
  if (rt_thread_detached(watch_main, NULL, 64 * 1024) != 0)
    fprintf(stderr, "actor runtime: cannot start the scheduler's watch thread (work may wait)\n");
}

static void note_capped(void) {
  /* relaxed: the common case (already noted) is one load of a read-mostly line. */
  if (atomic_load_explicit(&S.capped, memory_order_relaxed)) return;
  pthread_once(&watch_once, watch_start);
  atomic_store_explicit(&S.capped, 1, memory_order_relaxed); /* relaxed: a hint */
  futex_wake(&S.capped);
}

/* ---- holds and quiescence --------------------------------------------------------- */

void rt_sched_hold(void) {
  /* relaxed: the holder is running (a worker, or a thread that will unhold later);
   * the program cannot end while it runs. */
  atomic_fetch_add_explicit(&S.holds, 1, memory_order_relaxed);
}

void rt_sched_unhold(void) {
  /* acq_rel: release publishes what the holder did before (queued a message) to the
   * worker that reads holds == 0 while parking. */
  if (atomic_fetch_sub_explicit(&S.holds, 1, memory_order_acq_rel) != 1) return;
  pthread_mutex_lock(&S.lock);
  /* relaxed: shutdown, nidle and gq_len are written under the lock we hold; acquire
   * on holds: as in park. */
  if (S.running && !atomic_load_explicit(&S.shutdown, memory_order_relaxed) &&
      atomic_load_explicit(&S.nidle, memory_order_relaxed) == S.n &&
      atomic_load_explicit(&S.gq_len, memory_order_relaxed) == 0 &&
      atomic_load_explicit(&S.holds, memory_order_acquire) == 0)
    quiesce_locked();
  pthread_mutex_unlock(&S.lock);
}

/* ---- the workers ------------------------------------------------------------------- */

static void name_worker(rt_worker *w) {
  char name[32];
  snprintf(name, sizeof name, "worker %d", w->index);
  rt_obs_thread_name(name);
}

/* The failure guard lives in this frame: rt_fail unwinds the failing handler up to
 * here and longjmps back; rt_actor_after_failure finishes that actor's turn.  (A macro,
 * not an inline function: a function that calls setjmp is never inlined.) */
#define WORKER_LOOP(w, run)                                                                                      \
  do {                                                                                                           \
    rt_fail_guard g;                                                                                             \
    rt_fail_push(&g, false);                                                                                     \
    if (setjmp(g.jb) != 0) rt_actor_after_failure();                                                             \
    for (;;) {                                                                                                   \
      rt_actor *a = find_work(w);                                                                                \
      if (!a) break;                                                                                             \
      rt_sched_sends = 0;                                                                                        \
      run(a);                                                                                                    \
      progressed(w);                                                                                             \
    }                                                                                                            \
    rt_fail_pop(&g);                                                                                             \
  } while (0)

static __attribute__((noinline)) void worker_loop_plain(rt_worker *w) { WORKER_LOOP(w, rt_actor_run); }
static __attribute__((noinline, cold)) void worker_loop_observed(rt_worker *w) { WORKER_LOOP(w, rt_actor_run_observed); }

/* Observed or not is decided once, before any worker starts (rt_obs_init): the loop
 * that runs the turns is picked once per worker, not tested per turn. */
static void worker_loop(rt_worker *w) {
  if (RT_UNLIKELY(rt_obs))
    worker_loop_observed(w);
  else
    worker_loop_plain(w);
}

static void *worker_main(void *p) {
  rt_worker *w = p;
  self_worker = w;
  if (RT_UNLIKELY(rt_obs & RT_OBS_TRACE)) name_worker(w);
  rt_stack_thread_init();
  worker_loop(w);
  rt_pool_thread_exit();
  return NULL;
}

int rt_sched_worker_index(void) { return self_worker ? self_worker->index : -1; }

int64_t rt_sched_queued_here(void) {
  rt_worker *w = self_worker;
  return w ? (int64_t)rq_len(w) + (w->runnext != NULL) : 0;
}

/* relaxed: a sample. */
int64_t rt_sched_queued_global(void) { return (int64_t)atomic_load_explicit(&S.gq_len, memory_order_relaxed); }

/* The workers' stack size: RT_WORKER_STACK_BYTES (touched only as deep as the program
 * recurses), whatever ulimit -s says.  Under an address-space limit (ulimit -v) the
 * workers' stacks take at most a quarter of it together -- the heap and each thread's
 * malloc arena need the rest -- but at least RT_WORKER_STACK_MIN each. */
static size_t worker_stack_bytes(void) {
  size_t size = RT_WORKER_STACK_BYTES;
  struct rlimit rl;
  if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
    size_t share = (size_t)(rl.rlim_cur / 4 / (rlim_t)S.n);
    if (share < size) size = share;
  }
  return size < RT_WORKER_STACK_MIN ? RT_WORKER_STACK_MIN : size;
}

/* Starts w's thread; when even that stack cannot be had, with half of it, down to 1 MiB
 * (never the system's default size, which follows ulimit -s). */
static void start_worker(rt_worker *w, size_t stack) {
  int err = EAGAIN;
  for (size_t size = stack; size >= ((size_t)1 << 20) && (err == EAGAIN || err == ENOMEM); size /= 2) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, size);
    err = pthread_create(&w->thread, &attr, worker_main, w);
    pthread_attr_destroy(&attr);
  }
  if (err) {
    fprintf(stderr, "actor runtime: cannot start worker thread: %s\n", strerror(err));
    exit(70);
  }
}

void rt_sched_init(void) {
  if (S.w) return;
  const rt_opts *o = rt_opts_get(); /* first: a bad option stops the program here */
  rt_actor_hooks_init(); /* before the first actor exists */
  long onln = sysconf(_SC_NPROCESSORS_ONLN);
  int n = o->threads;
  if (n == 0) n = onln > 0 ? (onln > RT_MAX_THREADS ? RT_MAX_THREADS : (int)onln) : 1;
  if (o->sched_seeded) {
    S.seeded = true;
    S.seed_state = o->sched_seed;
    n = 1;
  }
  S.n = n;
  S.ncpu = o->cores; /* a container's CPU quota, or a test */
  if (S.ncpu == 0) {
    cpu_set_t cpus;
    S.ncpu = sched_getaffinity(0, sizeof cpus, &cpus) == 0 ? CPU_COUNT(&cpus) : onln > 0 ? (int)onln : 1;
  }
  if (S.ncpu < 1) S.ncpu = 1;
  S.w = aligned_alloc(64, sizeof(rt_worker) * (size_t)n);
  if (!S.w) rt_out_of_memory(sizeof(rt_worker) * (size_t)n);
  memset(S.w, 0, sizeof(rt_worker) * (size_t)n);
  for (int i = 0; i < n; i++) {
    S.w[i].index = i;
    S.w[i].rng = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1);
  }
  self_worker = &S.w[0];
  rt_obs_thread_name("main"); /* (it sends Main its start; the workers run on threads of their own) */
}

int rt_sched_threads(void) { return S.n; }

void rt_sched_run(void) {
  rt_sched_init();
  pthread_mutex_lock(&S.lock);
  S.running = true;
  /* relaxed: no other worker runs yet; pthread_create publishes these. */
  atomic_store_explicit(&S.shutdown, false, memory_order_relaxed);
  atomic_store_explicit(&S.nidle, 0, memory_order_relaxed);
  atomic_store_explicit(&S.nspinning, 0, memory_order_relaxed);
  S.idle = NULL;
  for (int i = 0; i < S.n; i++) {
    atomic_store_explicit(&S.w[i].park_word, WAKE_NONE, memory_order_relaxed);
    S.w[i].spinning = false;
    S.w[i].on_idle = false;
  }
  pthread_mutex_unlock(&S.lock);

  /* Every worker, worker 0 included, runs on a thread of its own whose stack the
   * runtime sizes, so the stack limit recursion is checked against is the same
   * whatever `ulimit -s` says (the main thread's stack is the rlimit's: 8 MiB, or
   * without end under `ulimit -s unlimited`).  The calling thread waits. */
  size_t stack = worker_stack_bytes();
  for (int i = 0; i < S.n; i++) start_worker(&S.w[i], stack);
  for (int i = 0; i < S.n; i++) pthread_join(S.w[i].thread, NULL);
  self_worker = &S.w[0]; /* the caller sends as worker 0 between runs (tests) */

  pthread_mutex_lock(&S.lock);
  S.running = false;
  pthread_mutex_unlock(&S.lock);
}

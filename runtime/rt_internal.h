/* rt_internal.h — what the runtime's modules share with each other (never generated
 * code: that sees only include/actor_rt.h).
 *
 * One section per module, in the module's prefix; each module's own private details
 * stay in its .c file.  Conventions for the whole runtime:
 *   - every allocation goes through rt_alloc/rt_zalloc/rt_realloc, which report
 *     running out of memory and end the process instead of returning NULL;
 *   - every memory_order carries a comment saying why it is enough.
 */
#ifndef RT_INTERNAL_H
#define RT_INTERNAL_H

#include "include/actor_rt.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RT_LIKELY(x) __builtin_expect(!!(x), 1)
#define RT_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* RT_TSAN: built with ThreadSanitizer, which does not model atomic_thread_fence.
 * RT_ASAN: built with AddressSanitizer (the pools step aside; see rt_pool.c). */
#if defined(__SANITIZE_THREAD__)
#define RT_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RT_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define RT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RT_ASAN 1
#endif
#endif

/* ---- rt_mem.c: allocation ------------------------------------------------------- */

void *rt_alloc(size_t n);
void *rt_zalloc(size_t n);
void *rt_realloc(void *p, size_t n);
void rt_free(void *p);
_Noreturn void rt_out_of_memory(size_t n);

/* ---- reference counts (rt_obj.c) ----------------------------------------------- */

static inline _Atomic uint32_t *rt_rc(void *obj) { return (_Atomic uint32_t *)&((rt_hdr *)obj)->rc; }
static inline uint32_t rt_tag_of(const void *obj) { return ((const rt_hdr *)obj)->tag & 0xFF; }

/* True when obj is the only reference holder (so it may be changed in place).
 * acquire: pairs with the release decrement of a holder that just let go, so its
 * last reads of the object happen before our writes. */
static inline bool rt_is_unique(void *obj) {
  return atomic_load_explicit(rt_rc(obj), memory_order_acquire) == 1;
}

/* Initialise a freshly allocated object's header. */
static inline void rt_hdr_init(void *obj, uint32_t tag) {
  ((rt_hdr *)obj)->rc = 1;
  ((rt_hdr *)obj)->tag = tag;
}

/* Frees an object whose count reached zero: dispatches on the tag. */
void rt_obj_free(void *obj);

/* ---- values (rt_str.c, rt_list.c, rt_map.c, rt_fmt.c) --------------------------- */

/* A growable byte buffer for building strings (printed forms, joins). */
typedef struct rt_buf {
  char *p;
  int64_t len, cap;
} rt_buf;
void rt_buf_put(rt_buf *b, const char *s, int64_t n);
void rt_buf_putc(rt_buf *b, char c);
void rt_buf_puts(rt_buf *b, const char *s);
/* Appends the printed form of v (strings quoted when `quoted`: inside containers). */
void rt_buf_value(rt_buf *b, rt_word v, const rt_type *t, bool quoted);
rt_str *rt_buf_finish(rt_buf *b); /* the buffer's bytes as a String; frees the buffer */
int rt_fmt_float(double v, char out[32]); /* Python's repr of v; returns its length */
/* The letter after '\\' that c takes in a String's quoted form (inside lists and maps,
 * and in `cannot parse "TEXT"`), or 0 when c is written as it is. */
static inline char rt_quote_escape(char c) {
  switch (c) {
  case '"': return '"';
  case '\\': return '\\';
  case '\n': return 'n';
  case '\t': return 't';
  case '\r': return 'r';
  default: return 0;
  }
}
void rt_buf_free(rt_buf *b);

void rt_list_free(rt_list *l);
void rt_map_free(rt_map *m);
void rt_closure_free(rt_closure *c);
uint64_t rt_hash(rt_word v, const rt_type *t);
void rt_word_retain(rt_word v, const rt_type *t);
void rt_word_release(rt_word v, const rt_type *t);
rt_list *rt_list_new_cap(const rt_type *lt, int64_t cap);

/* ---- actors and timers, as the value modules see them (rt_actor.c, rt_timer.c) -- */

const char *rt_actor_kind_name(const rt_actor *a);
uint64_t rt_actor_number(const rt_actor *a);
void rt_actor_free(rt_actor *a); /* reference count reached zero */
uint64_t rt_timer_number(const struct rt_timer *t);
void rt_timer_free(struct rt_timer *t);

/* ---- output (rt_io_out.c) ------------------------------------------------------ */

/* Writes the whole line (bytes + '\n') to stdout or stderr without interleaving with
 * other threads' lines. */
void rt_out_line(FILE *f, const char *p, int64_t n);
void rt_out_flush(void); /* flush stdout (when the scheduler goes idle, and at exit) */

/* ==== the core: pools, mailboxes, actors, scheduler, failure, timers ================
 * Threads: the scheduler's workers (ACTOR_THREADS of them, the main thread is worker 0)
 * run actors; the timer thread only sends.  Every section below says which thread may
 * call what. */

#include <pthread.h>
#include <setjmp.h>
#include <stdalign.h>

/* ---- pools (rt_pool.c): per-thread size classes for messages and actors --------- */

#define RT_POOL_LARGE 0xFFFFu /* the class of a block too big for the pools (malloc) */

uint32_t rt_pool_class(size_t n);          /* the class for an n-byte block */
void *rt_pool_alloc(uint32_t cls, size_t n); /* any thread; n is used for RT_POOL_LARGE */
void rt_pool_free(void *p, uint32_t cls);  /* any thread, not only the allocating one */
/* Actors: as above, plus (under AddressSanitizer, where the pools are plain malloc) a
 * registry that keeps actors alive at exit reachable for LeakSanitizer. */
void *rt_pool_alloc_actor(size_t n);
void rt_pool_actor_ended(void *a);         /* the actor is dead: leave the registry */
void rt_pool_free_actor(void *a, size_t n);
void rt_pool_thread_exit(void);            /* gives this thread's cached blocks back */
size_t rt_pool_chunk_bytes(void);          /* memory taken from malloc so far (tests) */

/* ---- messages and mailboxes (rt_mailbox.c, rt_mailbox.h) ------------------------ */

/* An intrusive MPSC queue (Vyukov) whose head is tagged "empty and not scheduled"; the
 * operations are inline in rt_mailbox.h. */
typedef struct rt_mailbox {
  _Atomic(rt_msg *) head; /* senders (exchange); low bit set = empty, not scheduled */
  rt_msg stub;            /* the first stub: only stub.next is used, written by a sender */
  rt_msg *tail;           /* the consumer: the last message taken (or the stub) */
} rt_mailbox;

void rt_msg_free(rt_msg *m); /* back to the pool (m->size holds the class) */

/* ---- stats (rt_stats.c): per-thread counters, summed at exit --------------------- */

typedef struct rt_stats {
  /* Written only by the owning thread (relaxed load + store, no RMW); read at exit. */
  _Atomic uint64_t spawned, handled, dead_letters, failures, restarts;
  struct rt_stats *next; /* the list of every thread's counters */
} rt_stats;

extern __thread rt_stats *rt_stats_tls;
rt_stats *rt_stats_register(void); /* this thread's counters, created on first use */
static inline rt_stats *rt_stats_local(void) {
  rt_stats *s = rt_stats_tls;
  return RT_LIKELY(s != NULL) ? s : rt_stats_register();
}
/* relaxed: a single writer; readers (the exit report) only need each value eventually. */
static inline void rt_stat_add(_Atomic uint64_t *c, uint64_t n) {
  atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n, memory_order_relaxed);
}
void rt_stats_sum(rt_stats *out);
void rt_stats_print(void); /* "actor stats: ..." to stderr when ACTOR_STATS=1 */

/* ---- actors (rt_actor.c, rt_request.c, rt_monitor.c) ---------------------------- */

/* The header of every actor; its state (fields) follows at RT_ACTOR_STATE_OFFSET.
 * Fields are grouped by the thread that writes them: senders (rc, mb.head,
 * mb.stub.next), the thread running the actor (mb.tail, flags, incarnation), the
 * scheduler lock (rq_next).  The header is too small to give each group its own
 * cache line without doubling an idle actor's size. */
struct rt_actor {
  rt_hdr h;                          /* rc: any thread; tag RT_TAG_ACTOR */
  rt_mailbox mb;                     /* 32 bytes */
  const rt_kind *kind;               /* set at spawn */
  uint64_t number;                   /* spawn order, Main = 1; set at spawn */
  struct rt_actor *rq_next;          /* the global run queue's link (scheduler lock) */
  _Atomic(struct rt_actor_ext *) ext; /* monitors and timers; installed once (CAS) */
  _Atomic uint32_t flags;            /* RT_AF_*: the running thread; RESTART: any (RMW) */
  uint32_t incarnation;              /* restarts; written by the running thread */
};
_Static_assert(sizeof(struct rt_actor) == RT_ACTOR_STATE_OFFSET, "actor header size");

/* Every change to flags is a read-modify-write (fetch_or / fetch_and): the running
 * thread changes INIT, STOP and DEAD while a supervisor's decision on another thread
 * may set RESTART at the same time. */
enum {
  RT_AF_INIT = 1u << 0,    /* kind->init has yet to run */
  RT_AF_STOP = 1u << 1,    /* stop() was called: end after the current handler */
  RT_AF_DEAD = 1u << 2,    /* ended: messages are dead letters */
  RT_AF_RESTART = 1u << 3, /* restart before the next message (rt_supervise.c) */
  RT_AF_OVERLOADED = 1u << 4, /* many full turns in a row: flooding senders slow down */
  RT_AF_FULL_SHIFT = 8,       /* bits 8..15: full turns in a row (saturating) */
  RT_AF_FULL_MASK = 0xFFu << 8,
};

/* What most actors never need, allocated on first use. */
typedef struct rt_actor_ext {
  pthread_mutex_t lock;      /* watchers, ended */
  bool ended;                /* monitors fired: later monitor() gets "dead" at once */
  uint32_t nwatch, capwatch;
  rt_actor **watch;          /* actors to tell `down` (owned references) */
  struct rt_timer *timers;   /* pending timers, under rt_timer.c's lock */
  /* Supervision (rt_supervise.c).  parent and child_index are written at spawn,
   * before the actor is shared; sup before its children are built. */
  struct rt_actor *parent;   /* the supervisor (weak: it ends only after this child), or NULL */
  uint32_t child_index;      /* its place among the parent's children */
  struct rt_sup *sup;        /* a supervisor's own record */
  /* std.random (rt_std_random.c): the actor's generator, all zero until first used;
   * only the thread running the actor reads or writes it. */
  uint64_t rng[4];
  /* I/O handles it owns (rt_net_handle.c): written under that file's owner lock, read
   * without it as a hint by the thread ending or restarting the actor. */
  _Atomic(struct rt_net_h *) net;
} rt_actor_ext;

rt_actor_ext *rt_actor_ext_get(rt_actor *a); /* any thread */

/* What the running thread is doing (for failure reports and the failure path). */
typedef struct rt_actor_ctx {
  rt_actor *actor;     /* the actor this thread runs, or NULL */
  rt_msg *msg;         /* the message being handled, or NULL (init) */
  const char *handler; /* "failed in NAME" */
  uint32_t budget;     /* messages left in this turn */
} rt_actor_ctx;
extern __thread rt_actor_ctx rt_cur;
uint32_t rt_actor_run_nested(rt_actor *a); /* backpressure: a turn of a inside the current handler; messages handled */

/* System messages (id >= RT_MSG_SYSTEM). */
enum {
  RT_MSG_REPLY = RT_MSG_SYSTEM, /* rt_request.c: an answer for a then-block */
  RT_MSG_REPLY_FAIL,            /* rt_request.c: a failure reason for an else-block */
  RT_MSG_TIMER,                 /* rt_timer.c: a firing */
  RT_MSG_RESTART,               /* rt_supervise.c: wakes an actor to act on RESTART */
  RT_MSG_NET_LINE,              /* rt_net_flow.c: a line of input for a handler, counted */
};

void rt_actor_run(rt_actor *a);       /* scheduler: one turn (exclusive consumer) */
void rt_actor_after_failure(void);    /* scheduler: rt_cur.actor failed; finish its turn */
void rt_actor_report_failure(const char *reason, const char *pos);
/* rt_supervise.c, after its lock: supervisor s has ended (DEAD set, its record freed);
 * tells its monitors "stopped" and drops its "alive" reference.  Afterwards s may be
 * freed. */
void rt_actor_sup_ended(rt_actor *s);
bool rt_actor_any_failed(void);       /* exit status 1 */
void rt_actor_reset_failed(void);     /* tests */
/* The reason strings the runtime gives without allocating. */
extern rt_str *const rt_reason_dead, *const rt_reason_none, *const rt_reason_stopped;

/* rt_request.c */
void rt_reqinfo_finish(rt_reqinfo *ri);             /* releases what is left */
void rt_reqinfo_fail(rt_reqinfo *ri, rt_str *why);  /* else-block with `why` (borrowed) */
void rt_request_handle(rt_actor *a, rt_msg *m);     /* REPLY, REPLY_FAIL */
void rt_request_drop(rt_msg *m);

/* rt_monitor.c */
void rt_monitor_notify(rt_actor *a, rt_str *reason); /* a ended: tell its watchers */
void rt_actor_ext_free(rt_actor_ext *ext);

/* ---- supervision (rt_supervise.c) ---------------------------------------------- */

/* rt_actor_start, before a supervisor's children are built: its record. */
void rt_sup_init(rt_actor *sup);
/* rt_actor_start, once a supervised actor is scheduled (or built): enter it in its
 * parent's table of children, where restart decisions find it. */
void rt_sup_register(rt_actor *a);
static inline bool rt_sup_is_child(rt_actor *a) {
  /* acquire: the extension's initialisation (rt_actor_ext_get). */
  rt_actor_ext *e = atomic_load_explicit(&a->ext, memory_order_acquire);
  return e && e->parent;
}
/* The running thread: supervised actor a failed (its message already dropped).
 * Decides under the supervision lock: restarts (RESTART on the actors concerned, and
 * a wake-up message to each but a), escalation, or a root's give-up, which ends the
 * process with status 1.  Afterwards a has RESTART set. */
void rt_sup_child_failed(rt_actor *a, rt_str *reason);
/* The running thread, between two messages of a (RESTART set): cancel a's timers,
 * drop its state, bump its incarnation and mark its init to run again. */
void rt_sup_restart_self(rt_actor *a);
/* The thread ending supervised actor a (stopped: DEAD set, monitors told): its parent
 * has one child fewer alive; a supervisor left with none ends (rt_actor_sup_ended),
 * and so on up the tree. */
void rt_sup_child_ended(rt_actor *a);
/* rt_actor_start, once supervisor s's build has returned or failed (and s has been
 * entered in its parent's table): s may end from now on -- at once if every child it
 * started has ended already. */
void rt_sup_built(rt_actor *s);
void rt_sup_free(struct rt_sup *s); /* rt_actor_ext_free */

/* ---- scheduler (rt_sched.c) ------------------------------------------------------ */

void rt_sched_init(void);      /* reads ACTOR_THREADS; the calling thread is worker 0 */
int rt_sched_threads(void);
/* Runs actors on this thread and the other workers until the program is quiescent.
 * May be called again afterwards (tests run several programs in one process). */
void rt_sched_run(void);
void rt_sched_ready(rt_actor *a); /* a's mailbox became non-empty: run it (any thread) */
void rt_sched_yield(rt_actor *a); /* a still has work after its turn (its worker) */
/* Something outside the mailboxes (a pending timer, an open I/O handle) keeps the
 * program alive while the count is above zero. */
void rt_sched_hold(void);
void rt_sched_unhold(void);

/* Sends in the current turn: every RT_SCHED_SHARE_EVERY of them the worker offers its
 * queued actors to idle workers (a long handler must not sit on runnable work). */
#define RT_SCHED_SHARE_EVERY 128
extern __thread uint32_t rt_sched_sends;
void rt_sched_share(rt_actor *to);
bool rt_sched_offer(void); /* make this worker's queued actors stealable; false: nobody idle */
uint32_t rt_sched_turn_budget(uint32_t batch); /* batch, or a seeded draw in 1..batch */
static inline void rt_sched_count_send(rt_actor *to /* the last send's target */) {
  if (RT_UNLIKELY(++rt_sched_sends >= RT_SCHED_SHARE_EVERY)) rt_sched_share(to);
}

/* ---- failure (rt_fail.c) --------------------------------------------------------- */

/* A failure guard: rt_fail unwinds to the innermost one (running every frame's
 * cleanups) and longjmps into it.  The guard's frame is the function that declares
 * the rt_fail_guard and calls setjmp(g.jb) itself:
 *     rt_fail_guard g; rt_fail_push(&g, false);
 *     if (setjmp(g.jb)) { ...failed: rt_fail_take_reason()... }
 *     ...; rt_fail_pop(&g);                                                          */
typedef struct rt_fail_guard {
  jmp_buf jb;
  struct rt_fail_guard *prev;
  bool quiet; /* no failure report (rt_fail_catch) */
} rt_fail_guard;
void rt_fail_push(rt_fail_guard *g, bool quiet);
void rt_fail_pop(rt_fail_guard *g);
rt_str *rt_fail_take_reason(void); /* the last failure's reason, owned */
/* Runs fn(arg) under a quiet guard (unit tests of code that may fail, outside any
 * actor): true if it returned, false if it failed; the reason is copied to reason. */
bool rt_fail_catch(void (*fn)(void *), void *arg, char *reason, size_t cap);
/* Outside any guard rt_fail prints "actor ? failed ..." and aborts, unless this hook
 * is set: it is called instead (it may longjmp away; if it returns, abort). */
extern void (*rt_fail_hook)(const char *reason, const char *pos);

/* ---- I/O handles (rt_net_handle.c, rt_net_flow.c) -------------------------------- */

/* The thread running actor a, when a ends (stops or fails unsupervised) or restarts:
 * the connections, listeners and standard input it owns are closed (or, for standard
 * input, paused) -- its state, which held their handles, is gone.  Cheap when a owns
 * none. */
void rt_net_owner_gone(rt_actor *a);

/* rt_net_flow.c: a line of input (RT_MSG_NET_LINE) reached its owner a: run its
 * handler (may fail), then count the line consumed (its connection may be read again
 * once enough are). */
void rt_net_line_handle(rt_actor *a, rt_msg *m);
/* ... a line that will not be handled (a dead letter, a failed handler): consumed too. */
void rt_net_line_drop(rt_actor *a, rt_msg *m);

/* ---- timers (rt_timer.c) --------------------------------------------------------- */

void rt_timer_handle(rt_actor *a, rt_msg *m); /* a firing reached its owner */
void rt_timer_drop(rt_msg *m);                /* a firing that will not run */
void rt_timer_cancel_all(rt_actor *a);        /* a ended */
int64_t rt_mono_ns(void);                     /* rt_builtin.c: CLOCK_MONOTONIC */

/* ---- rt_thread.c: the runtime's helper threads ------------------------------------ */

/* Starts fn(arg) on a detached thread (stack_bytes 0: the system's default size);
 * returns 0 or pthread_create's error. */
int rt_thread_detached(void *(*fn)(void *), void *arg, size_t stack_bytes);

/* ---- rt_stack.c: the stack limit recursive functions check ------------------------ */

/* Worker threads' stacks: deep recursion fails the actor ("stack overflow") well
 * before this is used up; the pages are only touched as far as a program recurses. */
#define RT_WORKER_STACK_BYTES ((size_t)256 << 20)
extern __thread uintptr_t rt_stack_limit;
void rt_stack_thread_init(void); /* call first thing on every worker thread */

#endif

/* rt_core.h — the core (runtime/core/): actors, mailboxes, the scheduler, pools,
 * timers, supervision, monitors, requests, the handling of failures, program output
 * and the built-in random(n), on top of the value library and runtime/base.  What
 * the core's files share, and what the layers above (runtime/io, the standard
 * library's C halves) may use; generated code sees only include/actor_rt.h.
 *
 * The layers above hook into the core without the core knowing them: system messages
 * of their own (rt_actor_sysmsg_register) and a call when an actor's state is gone
 * (rt_actor_on_gone).
 *
 * Threads: the scheduler's workers (ACTOR_THREADS of them, each on a thread the
 * scheduler starts) run actors; the timer thread only sends.  Every section below says which thread
 * may call what. */
#ifndef RT_CORE_H
#define RT_CORE_H

#include "values/rt_values.h"

#include <pthread.h>
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
size_t rt_pool_class_bytes(uint32_t cls);   /* the size of a block of class cls (not RT_POOL_LARGE) */

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

/* One kind's counters on one thread (ACTOR_STATS's per-kind report), kept only while
 * the runtime is observed (rt_obs).  Written by the owning thread alone. */
typedef struct rt_kstat {
  const rt_kind *kind;
  _Atomic uint64_t spawned, ended, handled, failures, restarts;
  _Atomic uint64_t busy_ns, max_ns; /* handler time: the sum and the longest */
  _Atomic uint64_t max_depth;       /* the deepest mailbox a turn started with */
  int8_t traced;             /* ACTOR_TRACE_FILTER lets it through: -1 not decided yet, 0, 1 */
} rt_kstat;

/* A thread's open-addressed table of its kinds' counters (each allocated once, so a
 * pointer to one stays good).  Grown by its owner into a new table; the old ones stay
 * allocated (on `retired`), so a report summing the counters while the owner still
 * runs (exit()) never reads freed memory. */
typedef struct rt_ktab {
  uint32_t cap, n;
  struct rt_ktab *retired;
  _Atomic(rt_kstat *) slot[]; /* NULL: free; published with release */
} rt_ktab;

typedef struct rt_stats {
  /* Written only by the owning thread (relaxed load + store, no RMW); read at exit. */
  _Atomic uint64_t spawned, handled, dead_letters, failures, restarts;
  _Atomic(rt_ktab *) kinds; /* per kind, while observed; NULL until the first */
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
static inline void rt_stat_max(_Atomic uint64_t *c, uint64_t v) {
  if (v > atomic_load_explicit(c, memory_order_relaxed)) atomic_store_explicit(c, v, memory_order_relaxed);
}
rt_kstat *rt_kstat_of(const rt_kind *k); /* this thread's counters of kind k (made on first use) */
void rt_stats_sum(rt_stats *out);
/* ACTOR_STATS (rt_opts.stats): none, the report as text (1), as JSON (json). */
enum { RT_STATS_OFF = 0, RT_STATS_TEXT = 1, RT_STATS_JSON = 2 };
void rt_stats_print(void); /* the report to stderr as ACTOR_STATS asks (at exit) */

/* ---- observation (rt_observe.c, rt_trace.c): ACTOR_TRACE, ACTOR_STATS per kind --- */

/* What is observed, set once by rt_obs_init before any actor exists and never changed:
 * the one word the hot paths test (a load and a branch) -- message allocation, a turn,
 * a spawn, an actor's end.  Zero: nothing is observed and nothing else is paid. */
enum {
  RT_OBS_TRACE = 1u << 0, /* ACTOR_TRACE: events into per-thread buffers, the file at exit */
  RT_OBS_KINDS = 1u << 1, /* per-kind counters and handler times (always with either) */
  RT_OBS_DEPTH = 1u << 2, /* ACTOR_STATS: mailbox depths counted at each turn's start */
};
extern uint32_t rt_obs;
/* RT_OBS_TRACE alone, as a byte: message allocation tests it (a compare with memory
 * and a branch); the scheduler picks its observed loop once per worker. */
extern bool rt_obs_stamp;

/* main(), once, before the scheduler and any actor: reads ACTOR_TRACE,
 * ACTOR_TRACE_FILTER (checked against p's kinds; p NULL: not checked) and ACTOR_STATS
 * (a bad value stops the program: status 2) and sets rt_obs.  Not called: nothing is
 * observed (the runtime's unit tests, unless they call it). */
void rt_obs_init(const rt_program *p);
/* The calling thread's name in the trace ("worker 3", "timer", "I/O"); no-op unless
 * tracing.  Call before the thread's first event. */
void rt_obs_thread_name(const char *name);
/* rt_msg_alloc when tracing: the block has room behind the message for its send's
 * time and flow number, stamped here (the sender's thread, its clock). */
rt_msg *rt_obs_msg_alloc(uint32_t size);
/* The thread running actor a (rt_actor.c's observed turn): */
typedef struct rt_obs_turn {
  rt_msg *mark;    /* the last message counted at the turn's start */
  uint64_t queued; /* how many were queued then */
} rt_obs_turn;
rt_obs_turn rt_obs_turn_begin(rt_actor *a);    /* mailbox depth, counters */
void rt_obs_turn_end(rt_actor *a, rt_obs_turn t, uint32_t taken); /* taken: messages the turn took */
void rt_obs_msg_begin(rt_actor *a, rt_msg *m); /* m taken, about to be handled (m NULL: init) */
void rt_obs_msg_end(rt_actor *a, rt_msg *m);   /* handled */
void rt_obs_failed(rt_actor *a, rt_msg *m);    /* a failed (m: the message it was handling, or NULL) */
/* Events of actors' lives (each caller tests rt_obs first): */
void rt_obs_spawned(rt_actor *a);
void rt_obs_ended(rt_actor *a, rt_str *reason); /* stopped (rt_reason_stopped) or failed for good */
void rt_obs_restarted(rt_actor *a);
void rt_obs_dead_letter(rt_actor *a, rt_msg *m);
void rt_obs_failure(const char *reason, const char *pos); /* the failure report (rt_cur tells whose) */
void rt_obs_gave_up(rt_actor *sup, rt_str *reason);
void rt_obs_down(rt_actor *who, rt_actor *watcher, rt_str *reason);
void rt_obs_parked(void);                      /* a worker goes idle: its trace buffer goes out */
/* The program ends: the trace's last events and its closing bracket.  rt_obs_exit
 * for exit(code) and a root's give-up (other threads may still run). */
void rt_obs_finish(void);
void rt_obs_exit(int64_t code);

/* rt_trace.c: the trace file, below rt_observe.c.  Events are written by the thread
 * they happen on into its own buffer (no lock per event); a full buffer, a worker
 * going idle and the end of the program write it out under the file's lock. */
typedef struct rt_tbuf rt_tbuf;
bool rt_trace_open(const char *path, const char *filter); /* false: cannot create it */
bool rt_trace_wants(const rt_kind *k);   /* ACTOR_TRACE_FILTER lets kind k through */
rt_tbuf *rt_trace_local(void);          /* this thread's buffer (registered on first use) */
void rt_trace_name_thread(const char *name);
uint32_t rt_trace_track(rt_tbuf *b);    /* its track: the trace's "tid" */
int64_t rt_trace_now(rt_tbuf *b);       /* ns since the trace began, strictly increasing per thread */
int64_t rt_trace_after(rt_tbuf *b, int64_t t); /* now, and later than t */
uint64_t rt_trace_next_flow(rt_tbuf *b);
/* Events, each written whole into b (strings are cut and escaped here): */
void rt_trace_slice(rt_tbuf *b, int64_t ts, int64_t dur, const rt_actor *a, const char *handler, const char *msg,
                    size_t msg_len, uint64_t flow_in);
void rt_trace_send(rt_tbuf *b, uint32_t track, int64_t ts, uint64_t flow, const rt_actor *to, const char *handler);
void rt_trace_dead_letter(rt_tbuf *b, int64_t ts, const rt_actor *a, const char *handler, uint64_t flow_in);
/* An instant: "WHAT Kind#N", with up to two string arguments (key NULL: none). */
void rt_trace_instant(rt_tbuf *b, int64_t ts, const char *what, const rt_actor *a, const char *k1, const char *v1,
                      const char *k2, const char *v2);
void rt_trace_counter(rt_tbuf *b, int64_t ts, const char *name, const char *key, int64_t value);
void rt_trace_flush_local(void);
void rt_trace_close(bool others_running);

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
  RT_AF_LOST = 1u << 5,    /* reply handles were let go in this turn: flush before the next message */
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
  /* The actor's random generator (rt_rng.c), all zero until first used; only the
   * thread running the actor reads or writes it. */
  uint64_t rng[4];
  /* The layer above's: the I/O handles it owns (runtime/io/rt_net_handle.c), written
   * under that file's owner lock, read without it as a hint by the thread ending or
   * restarting the actor. */
  _Atomic(struct rt_net_h *) net;
  /* ACTOR_STATS (rt_observe.c), the thread running the actor only: where the last
   * count of its mailbox stopped (a message still queued) and how many messages were
   * queued up to it, so that each message is counted once. */
  rt_msg *depth_mark;
  uint64_t depth_count;
} rt_actor_ext;

rt_actor_ext *rt_actor_ext_get(rt_actor *a); /* any thread */

/* What the running thread is doing (for failure reports and the failure path). */
typedef struct rt_actor_ctx {
  rt_actor *actor;     /* the actor this thread runs, or NULL */
  rt_msg *msg;         /* the message being handled, or NULL (init) */
  const char *handler; /* "failed in NAME" */
  uint32_t budget;     /* messages left in this turn */
  struct rt_handle *lost; /* handles let go unanswered in this message's turn (rt_reply.c) */
} rt_actor_ctx;
extern __thread rt_actor_ctx rt_cur;
uint32_t rt_actor_run_nested(rt_actor *a); /* backpressure: a turn of a inside the current handler; messages handled */

/* System messages (id >= RT_MSG_SYSTEM): the core's, then those of the layers above
 * (handled through rt_actor_sysmsg_register).  ORDER SYSMSG: a new layer's messages
 * get their ids here, before RT_MSG_END. */
enum {
  RT_MSG_REPLY = RT_MSG_SYSTEM, /* rt_request.c: an answer for a then-block */
  RT_MSG_REPLY_FAIL,            /* rt_request.c: a failure reason for an else-block */
  RT_MSG_TIMER,                 /* rt_timer.c: a firing */
  RT_MSG_RESTART,               /* rt_supervise.c: wakes an actor to act on RESTART */
  RT_MSG_NET_LINE,              /* runtime/io/rt_net_flow.c: a line of input for a handler, counted */
  RT_MSG_END,
};

/* The hooks of the layers above (rt_actor.c).  How the thread running actor a handles
 * a system message of an upper layer (may fail), and drops one that will not be
 * handled (a dead letter, or the message of a failed handler).  Registered once,
 * before the first message with that id is sent. */
typedef struct rt_sysmsg_ops {
  void (*handle)(rt_actor *a, rt_msg *m);
  void (*drop)(rt_actor *a, rt_msg *m);
  /* The handler's own message m wraps (laid out as the compiler lays out one without
   * rt_reqinfo), for the trace to name and print; NULL when it wraps none. */
  rt_msg *(*inner)(rt_msg *m);
} rt_sysmsg_ops;
const rt_sysmsg_ops *rt_actor_sysmsg_ops(uint32_t id); /* an upper layer's message id: its ops */
void rt_actor_sysmsg_register(uint32_t id, const rt_sysmsg_ops *ops);
/* fn(a) is called by the thread running actor a when a ends (stops or fails
 * unsupervised) or restarts, after its timers are cancelled and before its state is
 * dropped: an upper layer lets go of what a held there (runtime/io closes its
 * connections).  At most RT_GONE_HOOKS of them; registering one again is a no-op. */
#define RT_GONE_HOOKS 4
void rt_actor_on_gone(void (*fn)(rt_actor *a));

/* rt_sched_init, once: the hooks of the layers below -- actors and timers as values
 * (rt_obj_register), failure reports (rt_fail_set_reporter). */
void rt_actor_hooks_init(void);
void rt_actor_run(rt_actor *a);       /* scheduler: one turn (exclusive consumer) */
void rt_actor_run_observed(rt_actor *a); /* the same, with rt_observe.c's hooks (rt_obs set) */
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
/* After a `-> T` handler is done: releases what is left; a request it neither answered
 * nor made a handle for (return later) fails "no answer". */
void rt_reqinfo_finish(rt_reqinfo *ri);
void rt_reqinfo_fail(rt_reqinfo *ri, rt_str *why);  /* else-block with `why` (borrowed); through its handle if any */
void rt_request_handle(rt_actor *a, rt_msg *m);     /* REPLY, REPLY_FAIL */
void rt_request_drop(rt_msg *m);
/* The printed form of REPLY's answer or REPLY_FAIL's reason (the trace's arguments). */
void rt_request_describe(rt_msg *m, rt_buf *out);
/* The request's answer (owned, of cont's answer type) or failure (reason owned) to its
 * requester's then/else, as a message (REPLY / REPLY_FAIL); cont owned.  Any thread. */
void rt_request_post_answer(rt_actor *to, rt_closure *cont, uint64_t incarnation, rt_word answer);
void rt_request_post_failure(rt_actor *to, rt_closure *cont, uint64_t incarnation, rt_str *reason);
/* The firing of a request's time limit reached the requester (rt_timer.c). */
void rt_request_timeout(rt_actor *a, rt_closure *cont);
extern rt_str *const rt_reason_no_answer, *const rt_reason_timeout;

/* rt_reply.c: reply handles (§13) */
extern const rt_obj_class rt_reply_class;  /* handles as values (rt_obj_register) */
/* The thread running an actor, at the end of each message's turn (and of a failure's):
 * the requests of handles let go unanswered during it (rt_cur.lost, marked by
 * RT_AF_LOST on the actor, so that the check costs nothing per message: it rides on
 * the flags test that comes before every message) fail "no answer" now. */
void rt_reply_flush_lost(void);

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

/* ---- options (rt_opts.c): the ACTOR_* environment variables ------------------- */

#define RT_MAX_THREADS 1024 /* ACTOR_THREADS and ACTOR_CORES at most */
typedef struct rt_opts {
  int threads;          /* ACTOR_THREADS, 0 when unset */
  int cores;            /* ACTOR_CORES, 0 when unset */
  bool sched_seeded;    /* ACTOR_SCHED_SEED is set: */
  uint64_t sched_seed;  /*   its value */
  bool seeded;          /* ACTOR_SEED is set: */
  uint64_t seed;        /*   its value */
  int stats;            /* ACTOR_STATS: RT_STATS_OFF (0, unset), _TEXT (1), _JSON (json) */
  const char *trace;    /* ACTOR_TRACE: the file to write, or NULL */
  const char *trace_filter; /* ACTOR_TRACE_FILTER: "Kind,Kind" (names well formed), or NULL */
} rt_opts;
/* The options, read and checked on the first call (rt_sched_init makes it before
 * anything runs); a bad value ends the process with a line naming the variable and
 * what it accepts, status 2.  Any thread. */
const rt_opts *rt_opts_get(void);
/* A value the program cannot use after all (the trace's file cannot be made, a filter
 * names no kind of the program): the same line, status 2. */
_Noreturn void rt_opts_bad(const char *name, const char *accepts, const char *value);

/* ---- scheduler (rt_sched.c) ------------------------------------------------------ */

/* The calling worker's index and how many actors wait in its queues (its runnext slot
 * and ring), and the global queue's length: the trace's run-queue counters.  -1 on a
 * thread that is not a worker. */
int rt_sched_worker_index(void);
int64_t rt_sched_queued_here(void);
int64_t rt_sched_queued_global(void);

/* Reads the options.  Until rt_sched_run and between runs, the calling thread sends
 * as worker 0 (its runnext slot, its ring). */
void rt_sched_init(void);
int rt_sched_threads(void);
/* Runs actors on the workers' threads (stacks of RT_WORKER_STACK_BYTES, whatever
 * ulimit -s says) until the program is quiescent; the calling thread waits.  May be
 * called again afterwards (tests run several programs in one process). */
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

/* ---- timers (rt_timer.c) --------------------------------------------------------- */

void rt_timer_handle(rt_actor *a, rt_msg *m); /* a firing reached its owner */
/* A request's time limit (rt_request_within): an `after` of self's whose firing gives
 * up on the request (rt_request_timeout); cont borrowed (see rt_request.c).  Returns
 * an owned reference; no Timer number is used. */
struct rt_timer *rt_timer_start_limit(rt_actor *self, int64_t ms, rt_closure *cont);
void rt_timer_drop(rt_msg *m);                /* a firing that will not run */
void rt_timer_describe(rt_msg *m, rt_buf *out); /* Timer#N (the trace's arguments; nothing for a limit) */
const char *rt_timer_block(rt_msg *m);          /* "after", "every" or "within" (a time limit) */
void rt_timer_cancel_all(rt_actor *a);        /* a ended */
uint64_t rt_timer_number(const struct rt_timer *t); /* Timer#N */
extern const rt_obj_class rt_timer_class;     /* timers as values (rt_obj_register) */

/* ---- output (rt_out.c) ----------------------------------------------------------- */

/* Writes the whole line (bytes + '\n') to stdout or stderr without interleaving with
 * other threads' lines. */
void rt_out_line(FILE *f, const char *p, int64_t n);
void rt_out_flush(void); /* flush stdout (when the scheduler goes idle, and at exit) */

/* ---- the random generator (rt_rng.c) ------------------------------------------- */

/* The calling actor's generator (xoshiro256**), seeded on first use from ACTOR_SEED
 * (or the clock) and the actor's number; outside an actor, a per-thread one.  The
 * built-in random(n) and std.random draw from it. */
uint64_t rt_rng_next(void);
uint64_t rt_rng_below(uint64_t n); /* uniform in 0..n-1, n > 0 (Lemire's method) */
void rt_rng_seed(uint64_t seed);   /* the calling actor's (or thread's) generator */

#endif

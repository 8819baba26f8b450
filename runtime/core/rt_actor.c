/* rt_actor.c — an actor's life: spawning and starting it, sending to it, running its
 * turns (a batch of messages on the worker that took it), failing, stopping, ending
 * (dead letters; a supervisor's end, decided in rt_supervise.c) and freeing it.
 *
 * Ownership of an actor: rc counts references held in values plus one "alive"
 * reference, dropped when the actor ends, so a dead actor's header stays readable
 * (printing Worker#5) while anything refers to it.  The thread running an actor is
 * its mailbox's consumer; only that thread marks it dead, drops its state, drains its
 * mailbox and marks it empty.  A sender whose push finds a dead actor's mailbox empty
 * and unscheduled becomes its consumer and drains it (rt_send).
 *
 * Failing goes through one function, actor_fail: an unsupervised actor ends; a
 * supervised one stays (same object, same mailbox) and is restarted in place by
 * rt_supervise.c.  A restart, like init, happens in the actor itself between two
 * messages: the turn peeks at the next message, and only takes it once no restart
 * is pending (RT_AF_RESTART), so a failing init leaves the message queued. */
#include "core/rt_mailbox.h"

#define RT_BATCH 64 /* messages per turn before the actor yields its worker */

__thread rt_actor_ctx rt_cur;

static _Atomic uint64_t actor_numbers; /* the last number given */
static _Atomic bool any_failed;        /* an actor failed unsupervised: exit status 1 */

/* Static strings for the reasons the runtime gives itself (never freed). */
static const rt_str dead_s = RT_STATIC_STR("dead"), none_s = RT_STATIC_STR("none"), stopped_s = RT_STATIC_STR("stopped");
rt_str *const rt_reason_dead = (rt_str *)&dead_s, *const rt_reason_none = (rt_str *)&none_s,
             *const rt_reason_stopped = (rt_str *)&stopped_s;

/* relaxed: read at exit, after every worker has been joined (or by tests, likewise). */
bool rt_actor_any_failed(void) { return atomic_load_explicit(&any_failed, memory_order_relaxed); }
void rt_actor_reset_failed(void) { atomic_store_explicit(&any_failed, false, memory_order_relaxed); }

uint64_t rt_incarnation(rt_actor *self) { return self->incarnation; }

/* ---- what the layers below and above hook into --------------------------------------- */

/* Actors as values (values/rt_obj.c): freed when their count reaches zero, printed
 * as KIND#NUMBER. */
static void actor_free(rt_actor *a);
static void actor_obj_free(void *a) { actor_free(a); }
static const char *actor_obj_name(const void *a) { return ((const rt_actor *)a)->kind->name; }
static uint64_t actor_obj_number(const void *a) { return ((const rt_actor *)a)->number; }
static const rt_obj_class actor_class = {actor_obj_free, actor_obj_name, actor_obj_number};

void rt_actor_hooks_init(void) {
  rt_obj_register(RT_TAG_ACTOR, &actor_class);
  rt_obj_register(RT_TAG_TIMER, &rt_timer_class);
  rt_obj_register(RT_TAG_REPLY, &rt_reply_class);
  rt_fail_set_reporter(rt_actor_report_failure);
  rt_mem_set_before_exit(rt_out_flush); /* out of memory: what was printed goes out first */
}

/* System messages of the layers above, by id - RT_MSG_SYSTEM.  A pointer is written
 * before the first message with its id is sent, and read by the thread that takes the
 * message, which the mailbox's release/acquire orders after the write. */
static const rt_sysmsg_ops *sysmsg_ops[RT_MSG_END - RT_MSG_SYSTEM];

void rt_actor_sysmsg_register(uint32_t id, const rt_sysmsg_ops *ops) {
  if (id <= RT_MSG_RESTART || id >= RT_MSG_END) abort(); /* the core's own, or unknown */
  sysmsg_ops[id - RT_MSG_SYSTEM] = ops;
}

const rt_sysmsg_ops *rt_actor_sysmsg_ops(uint32_t id) { return sysmsg_ops[id - RT_MSG_SYSTEM]; }

static const rt_sysmsg_ops *sysmsg_of(rt_msg *m) {
  const rt_sysmsg_ops *o = m->id < RT_MSG_END ? sysmsg_ops[m->id - RT_MSG_SYSTEM] : NULL;
  if (RT_UNLIKELY(!o)) {
    fprintf(stderr, "actor runtime: internal error: system message %#x has no handler\n", m->id);
    abort();
  }
  return o;
}

/* The upper layers' calls when an actor's state is gone.  Registered at any time (by
 * a layer's first use), while other threads may be ending actors: each slot is
 * written once, before the count that publishes it. */
static _Atomic(void (*)(rt_actor *)) gone_hooks[RT_GONE_HOOKS];
static _Atomic int ngone;
static pthread_mutex_t gone_lock = PTHREAD_MUTEX_INITIALIZER;

void rt_actor_on_gone(void (*fn)(rt_actor *a)) {
  pthread_mutex_lock(&gone_lock);
  int n = atomic_load_explicit(&ngone, memory_order_relaxed); /* relaxed: under gone_lock */
  bool known = false;
  for (int i = 0; i < n; i++) known |= atomic_load_explicit(&gone_hooks[i], memory_order_relaxed) == fn;
  if (!known) {
    if (n == RT_GONE_HOOKS) abort();
    atomic_store_explicit(&gone_hooks[n], fn, memory_order_relaxed);
    /* release: the slot before the count that makes it visible. */
    atomic_store_explicit(&ngone, n + 1, memory_order_release);
  }
  pthread_mutex_unlock(&gone_lock);
}

static void actor_gone(rt_actor *a) {
  /* acquire: pairs with the release in rt_actor_on_gone (the slots it covers). */
  int n = atomic_load_explicit(&ngone, memory_order_acquire);
  for (int i = 0; i < n; i++) atomic_load_explicit(&gone_hooks[i], memory_order_relaxed)(a);
}

/* relaxed: INIT, STOP and DEAD are changed only by the thread running the actor (or
 * before the actor is shared), and other threads read DEAD after synchronising through
 * the mailbox.  RESTART is set by other threads; the running thread reads it after
 * the acquire of a peek, which orders it (see actor_turn).  Every change is a
 * read-modify-write, so a RESTART set meanwhile is never lost. */
static inline uint32_t flags_of(rt_actor *a) { return atomic_load_explicit(&a->flags, memory_order_relaxed); }
static inline void flags_or(rt_actor *a, uint32_t f) {
  atomic_fetch_or_explicit(&a->flags, f, memory_order_relaxed);
}
static inline void flags_clear(rt_actor *a, uint32_t f) {
  atomic_fetch_and_explicit(&a->flags, ~f, memory_order_relaxed);
}

rt_actor_ext *rt_actor_ext_get(rt_actor *a) {
  /* acquire: see the extension's initialisation by whoever installed it. */
  rt_actor_ext *e = atomic_load_explicit(&a->ext, memory_order_acquire);
  if (RT_LIKELY(e != NULL)) return e;
  rt_actor_ext *n = rt_zalloc(sizeof *n);
  pthread_mutex_init(&n->lock, NULL);
  /* seq_cst: rt_monitor pairs this with its read of DEAD, and actor_end its setting
   * of DEAD with its read of ext (see rt_monitor.c). */
  if (atomic_compare_exchange_strong_explicit(&a->ext, &e, n, memory_order_seq_cst, memory_order_acquire))
    return n;
  pthread_mutex_destroy(&n->lock);
  rt_free(n);
  return e;
}

/* ---- spawning ---------------------------------------------------------------------- */

rt_actor *rt_spawn(const rt_kind *k) {
  rt_actor *a = rt_pool_alloc_actor(k->size);
  a->h.rc = 2; /* the caller's reference and the "alive" one */
  a->h.tag = RT_TAG_ACTOR;
  rt_mb_init(&a->mb, false);
  a->kind = k;
  /* relaxed: only uniqueness and per-thread order matter; the number is published
   * with the actor itself. */
  a->number = atomic_fetch_add_explicit(&actor_numbers, 1, memory_order_relaxed) + 1;
  a->rq_next = NULL;
  atomic_init(&a->ext, NULL);
  atomic_init(&a->flags, 0);
  a->incarnation = 0;
  memset((char *)a + RT_ACTOR_STATE_OFFSET, 0, k->size - RT_ACTOR_STATE_OFFSET);
  rt_stat_add(&rt_stats_local()->spawned, 1);
  if (RT_UNLIKELY(rt_obs)) rt_obs_spawned(a);
  return a;
}

/* rt_spawn_child is in rt_supervise.c. */

static void sup_built(rt_actor **s) { rt_sup_built(*s); }

void rt_actor_start(rt_actor *a) {
  const rt_kind *k = a->kind;
  if (k->sup) {
    rt_sup_init(a);
    /* From the end of its build on, a supervisor may end (when it has no child left
     * alive): after it is entered in its parent's table, or, if the build fails (a
     * child's spawn arguments), as the failure unwinds through here. */
    rt_actor *built __attribute__((cleanup(sup_built))) = a;
    if (k->sup->build) k->sup->build(a);
    if (rt_sup_is_child(a)) rt_sup_register(a);
    return;
  }
  bool child = rt_sup_is_child(a);
  if (k->init) {
    flags_or(a, RT_AF_INIT);
    /* relaxed: nobody can send to the actor yet (a child becomes reachable to its
     * supervisor's restarts only at rt_sup_register, below); scheduling publishes it. */
    atomic_store_explicit(&a->mb.head, &a->mb.stub, memory_order_relaxed); /* scheduled */
    if (child) rt_sup_register(a);
    rt_sched_ready(a);
  } else if (child) {
    rt_sup_register(a);
  }
}

/* ---- dead letters and ending ------------------------------------------------------- */

/* A system message of a's that will not be handled (a dead letter, or a failure). */
static void drop_system(rt_actor *a, rt_msg *m) {
  if (m->id == RT_MSG_TIMER)
    rt_timer_drop(m);
  else if (m->id <= RT_MSG_REPLY_FAIL)
    rt_request_drop(m);
  else
    sysmsg_of(m)->drop(a, m);
}

static void dead_letter(rt_msg *m, void *arg) {
  rt_actor *a = arg;
  if (m->id == RT_MSG_RESTART) return; /* a wake-up for an actor that ended meanwhile */
  rt_stat_add(&rt_stats_local()->dead_letters, 1);
  if (RT_UNLIKELY(rt_obs)) rt_obs_dead_letter(a, m);
  if (m->id < RT_MSG_SYSTEM) {
    const rt_kind *k = a->kind;
    k->drop_msg(m);
    if (k->handler_answers && k->handler_answers[m->id]) rt_reqinfo_fail((rt_reqinfo *)(m + 1), rt_reason_dead);
  } else {
    drop_system(a, m);
  }
}

/* The running thread ends a, telling its monitors `reason`: rt_reason_stopped, or a
 * failure's (NULL for fail(""), the empty String).  Afterwards a may be freed. */
static void actor_end(rt_actor *a, rt_str *reason) {
  /* seq_cst: pairs with rt_monitor's read of DEAD after installing the extension. */
  atomic_fetch_or_explicit(&a->flags, RT_AF_DEAD, memory_order_seq_cst);
  flags_clear(a, RT_AF_STOP | RT_AF_INIT | RT_AF_RESTART);
  if (RT_UNLIKELY(rt_obs)) rt_obs_ended(a, reason);
  rt_timer_cancel_all(a);
  actor_gone(a);
  if (a->kind->drop_state) a->kind->drop_state(a);
  rt_monitor_notify(a, reason);
  rt_mb_drain(&a->mb, dead_letter, a);
  /* A supervised actor ends only by stopping (a failure restarts it): for good.  Its
   * supervisor may end with it (and tell its monitors after the child's). */
  if (rt_sup_is_child(a)) rt_sup_child_ended(a);
  rt_pool_actor_ended(a);
  rt_release(a); /* the "alive" reference */
}

/* A supervisor never runs, so nothing is queued to it (it has no handlers: the
 * compiler refuses sends to it, and the runtime sends it nothing); a push after its
 * end finds DEAD and is drained by its sender, as for any ended actor.  Its state --
 * its parameters and its children's references -- is released when it is freed. */
void rt_actor_sup_ended(rt_actor *s) {
  if (RT_UNLIKELY(rt_obs)) rt_obs_ended(s, rt_reason_stopped);
  rt_monitor_notify(s, rt_reason_stopped);
  rt_pool_actor_ended(s);
  rt_release(s); /* the "alive" reference */
}

/* Every failure of an actor comes here, on the thread running it, its message
 * dropped.  A supervised actor is not ended: its supervisor decides (rt_supervise.c),
 * which leaves RESTART set on it, and it stays scheduled so that it restarts at its
 * next turn, before its next message, even if its mailbox is empty. */
static void actor_fail(rt_actor *a, rt_str *reason) {
  if (rt_sup_is_child(a)) {
    flags_clear(a, RT_AF_STOP); /* its handler did not return: stop() is void */
    rt_sup_child_failed(a, reason);
    rt_sched_yield(a);
    return;
  }
  /* relaxed: read at exit, after every worker has been joined. */
  atomic_store_explicit(&any_failed, true, memory_order_relaxed);
  actor_end(a, reason);
}

void rt_stop(rt_actor *self) { flags_or(self, RT_AF_STOP); }

static void actor_free(rt_actor *a) {
  if (a->kind->drop_params) a->kind->drop_params(a);
  rt_mb_fini(&a->mb);
  /* acquire: the extension's contents, whoever installed it (the count's acquire on
   * the last release orders this anyway). */
  rt_actor_ext *e = atomic_load_explicit(&a->ext, memory_order_acquire);
  if (e) rt_actor_ext_free(e);
  rt_pool_free_actor(a, a->kind->size);
}

/* ---- sending ------------------------------------------------------------------------ */

static inline void send(rt_actor *to, rt_msg *m) {
  if (rt_mb_push(&to->mb, m)) {
    /* We made the mailbox non-empty: schedule the actor, or, if it has ended, drain it
     * (we are its consumer now).  The push's acquire made the DEAD flag visible. */
    if (RT_UNLIKELY(flags_of(to) & RT_AF_DEAD))
      rt_mb_drain(&to->mb, dead_letter, to);
    else
      rt_sched_ready(to);
  }
  rt_sched_count_send(to);
}

/* (not inlined into rt_send_iface, which jumps to it: a leaf either way) */
__attribute__((noinline)) void rt_send(rt_actor *to, rt_msg *m) { send(to, m); }

/* Through an interface (§12): the kind's table gives the handler's index, which is
 * all that differs from a direct send (the message's layout is the same: the handler
 * has the interface's parameter types, in order). */
void rt_send_iface(rt_actor *to, rt_msg *m, uint32_t iface, uint32_t slot) {
  m->id = to->kind->itabs[iface][slot];
  rt_send(to, m);
}

/* ---- running a turn ------------------------------------------------------------------ */

/* The requests of reply handles let go unanswered in the turn that just ended fail
 * "no answer" (rt_reply.c); the flag first, as flushing may let more go. */
static void flush_lost(rt_actor *a) {
  flags_clear(a, RT_AF_LOST);
  rt_reply_flush_lost();
}

static void handle_system(rt_actor *a, rt_msg *m) {
  if (m->id == RT_MSG_TIMER)
    rt_timer_handle(a, m);
  else if (m->id <= RT_MSG_REPLY_FAIL)
    rt_request_handle(a, m);
  else
    sysmsg_of(m)->handle(a, m);
}

/* Between two messages (or before the first): a restart requested by a supervisor,
 * then the field initialisers.  False when init called stop(): the turn ends. */
static bool actor_refresh(rt_actor *a) {
  if (flags_of(a) & RT_AF_RESTART) {
    rt_sup_restart_self(a);
    actor_gone(a); /* what the layers above keep for it (its I/O handles) went with its state */
  }
  if (flags_of(a) & RT_AF_INIT) {
    flags_clear(a, RT_AF_INIT);
    rt_cur.handler = "init";
    rt_cur.msg = NULL;
    if (RT_UNLIKELY(rt_obs)) rt_obs_msg_begin(a, NULL);
    a->kind->init(a);
    if (RT_UNLIKELY(rt_obs)) rt_obs_msg_end(a, NULL);
    if (flags_of(a) & RT_AF_STOP) return false;
  }
  return true;
}

/* Takes messages until the budget is spent, the mailbox looks empty or the actor
 * stops.  A failure unwinds out of here (to the worker's guard), with rt_cur telling
 * what was running.  Each message is peeked at first and taken only when no restart
 * is pending: a restart (and its init, which may fail) never loses the message.
 * Compiled twice (`obs` a constant): as it is, and observed (rt_observe.c's hooks
 * around each message), which a turn picks when rt_obs is set (rt_actor_run). */
static inline __attribute__((always_inline)) void turn(rt_actor *a, const bool obs) {
  if (RT_UNLIKELY(flags_of(a) & (RT_AF_INIT | RT_AF_RESTART)) && !actor_refresh(a)) return;
  const rt_kind *k = a->kind;
  rt_stats *st = rt_stats_local();
  rt_obs_turn ot = {NULL, 0};
  uint32_t taken = 0;
  if (obs) ot = rt_obs_turn_begin(a);
  while (rt_cur.budget) {
    rt_msg *m = rt_mb_peek(&a->mb);
    if (!m) break;
    /* Read after the peek's acquire: a restart decided before m was sent (m's send
     * happens after it) is seen here, so m goes to the restarted actor. */
    uint32_t f = flags_of(a);
    if (RT_UNLIKELY(f & (RT_AF_STOP | RT_AF_RESTART | RT_AF_LOST))) {
      if (f & RT_AF_LOST) { /* the last message's turn let handles go: "no answer" now */
        flush_lost(a);
        if (!(f & (RT_AF_STOP | RT_AF_RESTART))) continue;
      }
      if ((f & RT_AF_STOP) || !actor_refresh(a)) break;
      continue;
    }
    rt_mb_take(&a->mb, m);
    if (obs) taken++;
    rt_cur.budget--;
    rt_cur.msg = m;
    if (RT_LIKELY(m->id < RT_MSG_SYSTEM)) {
      rt_cur.handler = k->handler_names[m->id];
      if (obs) rt_obs_msg_begin(a, m);
      k->dispatch(a, m);
      k->drop_msg(m);
      if (k->handler_answers && k->handler_answers[m->id]) rt_reqinfo_finish((rt_reqinfo *)(m + 1));
      if (obs) rt_obs_msg_end(a, m);
    } else if (m->id == RT_MSG_RESTART) {
      rt_cur.msg = NULL; /* a wake-up: the restart (if still due) was done above */
      continue;
    } else {
      if (obs) rt_obs_msg_begin(a, m);
      handle_system(a, m);
      if (obs) rt_obs_msg_end(a, m);
    }
    rt_cur.msg = NULL;
    rt_stat_add(&st->handled, 1);
  }
  if (obs) rt_obs_turn_end(a, ot, taken);
}

static void actor_turn(rt_actor *a) { turn(a, false); }
static __attribute__((noinline, cold)) void actor_turn_observed(rt_actor *a) { turn(a, true); }

/* Full turns in a row after which an actor counts as overloaded (it has had at least
 * this many batches waiting): senders flooding it slow down (rt_sched_share). */
#define RT_OVERLOAD_TURNS 32

/* Keeps the overload mark: up after RT_OVERLOAD_TURNS full turns in a row, down as
 * soon as a turn ends with the mailbox looking empty. */
static void note_turn(rt_actor *a, bool full) {
  uint32_t f = flags_of(a);
  if (!full) {
    if (RT_UNLIKELY(f & (RT_AF_FULL_MASK | RT_AF_OVERLOADED))) flags_clear(a, RT_AF_FULL_MASK | RT_AF_OVERLOADED);
    return;
  }
  uint32_t n = (f & RT_AF_FULL_MASK) >> RT_AF_FULL_SHIFT;
  if (n < RT_OVERLOAD_TURNS) {
    /* RMW: a supervisor may set RESTART in the same word meanwhile */
    atomic_fetch_add_explicit(&a->flags, 1u << RT_AF_FULL_SHIFT, memory_order_relaxed);
    if (n + 1 == RT_OVERLOAD_TURNS) flags_or(a, RT_AF_OVERLOADED);
  }
}

/* After a turn (or what a failure left of it): end, yield or let go of the actor. */
static void turn_end_lost(rt_actor *a);

static void actor_turn_end(rt_actor *a) {
  uint32_t f = flags_of(a);
  if (RT_UNLIKELY(f & (RT_AF_STOP | RT_AF_LOST))) {
    if (RT_UNLIKELY(f & RT_AF_LOST)) { /* (apart: the common paths stay leaves) */
      turn_end_lost(a);
      return;
    }
    rt_cur.actor = NULL;
    actor_end(a, rt_reason_stopped);
    return;
  }
  rt_cur.actor = NULL;
  note_turn(a, rt_cur.budget == 0);
  /* Budget spent: to the back of the queue.  Otherwise the mailbox looked empty: mark
   * it so, unless a push got in first (then keep it: the message is on its way). */
  if (rt_cur.budget == 0 || !rt_mb_markempty(&a->mb)) rt_sched_yield(a);
  /* From here on another worker may be running a. */
}

/* The end of a turn that let reply handles go (the last message's turn, a restart or
 * an init): "no answer" for those, then the end of the turn as usual. */
static __attribute__((noinline, cold)) void turn_end_lost(rt_actor *a) {
  flush_lost(a);
  actor_turn_end(a);
}

void rt_actor_run(rt_actor *a) {
  rt_cur.actor = a;
  rt_cur.budget = rt_sched_turn_budget(RT_BATCH);
  actor_turn(a);
  actor_turn_end(a);
}

void rt_actor_run_observed(rt_actor *a) {
  rt_cur.actor = a;
  rt_cur.budget = rt_sched_turn_budget(RT_BATCH);
  actor_turn_observed(a);
  actor_turn_end(a);
}

/* Backpressure: a turn of `a` run by a handler's own thread, in the middle of that
 * handler (rt_sched_share calls it when the handler has filled a's mailbox and no
 * other worker is free to empty it).  a is this worker's own (taken from its private
 * runnext slot), so nobody else can be running it; the interrupted actor's context
 * and send count are put back afterwards.  A failure of a unwinds to the guard here,
 * not to the worker's, so the interrupted handler goes on. */
#define RT_HELP_BUDGET (RT_BATCH * 16)
__attribute__((noinline)) uint32_t rt_actor_run_nested(rt_actor *a) {
  volatile uint32_t handled = 0;
  const rt_actor_ctx saved = rt_cur; /* (its lost handles too: flushed when its turn ends) */
  const uint32_t saved_sends = rt_sched_sends;
  rt_cur.lost = NULL;
  rt_fail_guard g;
  rt_fail_push(&g, false);
  if (setjmp(g.jb) == 0) {
    rt_sched_sends = 0;
    rt_cur.actor = a;
    rt_cur.msg = NULL;
    rt_cur.budget = RT_HELP_BUDGET;
    if (RT_UNLIKELY(rt_obs))
      actor_turn_observed(a);
    else
      actor_turn(a);
    handled = RT_HELP_BUDGET - rt_cur.budget;
    actor_turn_end(a);
  } else {
    rt_actor_after_failure();
  }
  rt_fail_pop(&g);
  rt_cur = saved;
  rt_sched_sends = saved_sends;
  return handled;
}

void rt_actor_report_failure(const char *reason, const char *pos) {
  rt_actor *a = rt_cur.actor;
  char line[1400];
  int n;
  if (a)
    n = snprintf(line, sizeof line, "actor %s#%llu failed in %s at %s: %s", a->kind->name,
                 (unsigned long long)a->number, rt_cur.handler ? rt_cur.handler : "?", pos ? pos : "?", reason);
  else
    n = snprintf(line, sizeof line, "actor ? failed at %s: %s", pos ? pos : "?", reason);
  if (n > 0) rt_out_line(stderr, line, n < (int)sizeof line ? n : (int)sizeof line - 1);
  if (RT_UNLIKELY(rt_obs)) rt_obs_failure(reason, pos);
}

void rt_actor_after_failure(void) {
  rt_actor *a = rt_cur.actor;
  rt_msg *m = rt_cur.msg;
  rt_cur.msg = NULL;
  rt_str *reason = rt_fail_take_reason();
  rt_stat_add(&rt_stats_local()->failures, 1);
  if (RT_UNLIKELY(rt_obs)) rt_obs_failed(a, m);
  rt_stat_add(&rt_stats_local()->handled, m ? 1 : 0);
  if (m) { /* the message is dropped; a request's requester hears the reason */
    if (m->id < RT_MSG_SYSTEM) {
      const rt_kind *k = a->kind;
      k->drop_msg(m);
      if (k->handler_answers && k->handler_answers[m->id]) rt_reqinfo_fail((rt_reqinfo *)(m + 1), reason);
    } else {
      drop_system(a, m);
    }
  }
  if (flags_of(a) & RT_AF_LOST) flush_lost(a);
  rt_cur.actor = NULL;
  actor_fail(a, reason);
  rt_release(reason);
}

/* rt_supervise.c — supervision: supervisors' records (their children, their restart
 * history), restart decisions by strategy and intensity, escalation, a root's give-up,
 * the restart of an actor in place, and the end of a supervisor whose children have
 * all ended.
 *
 * The tree.  rt_spawn_child marks the child with its parent and index (in the child's
 * extension); rt_actor_start enters the started child in its parent's table, which
 * counts the children alive.  A supervisor never runs (no handlers, no init).  It ends
 * ("stopped") when its last child has ended for good -- stopped, or, for a child
 * supervisor, ended the same way -- and its build has returned: then it is marked dead,
 * its record is freed, its parent counts one child fewer (and may end in turn), its
 * monitors are told, and its "alive" reference is dropped.  Its state keeps the
 * references to its (dead) children until it is freed, so `sup.child` still names them.
 *
 * The weak pointers.  A parent's table points at its children without owning them: the
 * parent's state owns them, so they live at least as long as it does.  A child points
 * at its parent without owning it: the parent cannot end before the child has ended,
 * and an ended child never looks at its parent again.  So every pointer followed below
 * -- always under sup_lock, always from a live actor upwards or from a live supervisor
 * downwards -- is valid.
 *
 * A failure.  The failing actor's thread, after dropping the message, calls
 * rt_sup_child_failed.  Under one lock for the whole tree (sup_lock: failures are
 * rare, and one lock gives decisions a total order with no lock-ordering questions)
 * the supervisor prunes its restart history to the window, and either admits one more
 * restart -- then asks each actor its strategy names to restart -- or gives up: it
 * reports, and fails itself to its own parent, which decides the same way about it;
 * with no parent the process ends at once with status 1.  The failing actor is alive
 * (it has not ended: it is being restarted), so the supervisor deciding and every one
 * above it are alive too: a supervisor ends only after its last child, and its end is
 * decided under the same lock.
 *
 * Asking an actor to restart sets RT_AF_RESTART on it (a supervisor is restarted at
 * once, under the lock: its history is cleared and its children are asked in turn;
 * ended children are skipped: stop() is for good, and so is a supervisor's end).  After
 * the lock is released each asked actor gets an RT_MSG_RESTART message, a wake-up: it
 * may be idle with an empty mailbox.  The actor itself acts on the flag between two
 * messages (rt_actor.c peeks at the next message, sees the flag, restarts, then takes
 * the message): a handler in flight on another thread finishes first, no message is
 * lost or handled twice, and any message sent after the decision is handled by the
 * restarted actor (its send happens after the flag was set; the peek's acquire makes
 * the flag visible).  The failing actor is asked like the others, and its worker keeps
 * it scheduled.  A worker that stops while a decision asks it to restart ends all the
 * same (its end clears the flag; the wake-up becomes a silent dead letter); the
 * wake-ups are sent while the failing actor, hence the deciding supervisor and
 * everything its state owns, is still alive.
 *
 * A failure of an actor whose restart is already pending (a sibling's decision came
 * first) is absorbed: the pending restart covers it, and it is not counted again --
 * as an Erlang supervisor ignores the exit of a child it has already replaced.
 *
 * Halting: when a supervisor gives up, the decision that follows (its parent's) is
 * made in the same critical section and restarts the given-up supervisor with all its
 * children -- every outcome of an escalation does, short of the root's give-up, which
 * ends the process.  So a given-up supervisor's children are halted in the sense that
 * none handles another message before it has been rebuilt in place, behind the same
 * reference, with its pending messages kept. */
#include "core/rt_mailbox.h"

typedef struct rt_sup rt_sup;

struct rt_sup {
  const rt_sup_desc *desc;
  int64_t *times;     /* restart times (ns): a ring of `cap`, oldest at `head` */
  uint32_t cap, head, len;
  uint32_t live;      /* children registered that have not ended */
  bool building;      /* its build has not returned: it cannot end yet */
  rt_actor *child[];  /* [desc->nchildren]: weak; NULL until the child is started */
};

static pthread_mutex_t sup_lock = PTHREAD_MUTEX_INITIALIZER; /* every rt_sup, decisions */

/* Actors to wake after a decision (their RESTART was set by it), or supervisors that
 * ended, to finish after the lock.  The first few fit in the list itself. */
typedef struct wake_list {
  rt_actor **a; /* `in`, or an allocated array */
  size_t n, cap;
  rt_actor *in[8];
} wake_list;

static void wake_init(wake_list *w) {
  w->a = w->in;
  w->n = 0;
  w->cap = sizeof w->in / sizeof w->in[0];
}

static void wake_push(wake_list *w, rt_actor *a) {
  if (w->n == w->cap) {
    rt_actor **na = rt_alloc(2 * w->cap * sizeof *na);
    memcpy(na, w->a, w->n * sizeof *na);
    if (w->a != w->in) rt_free(w->a);
    w->a = na;
    w->cap *= 2;
  }
  w->a[w->n++] = a;
}

static void wake_fini(wake_list *w) {
  if (w->a != w->in) rt_free(w->a);
}

static rt_actor_ext *ext_of(rt_actor *a) {
  /* acquire: the extension's initialisation (rt_actor_ext_get). */
  return atomic_load_explicit(&a->ext, memory_order_acquire);
}

static rt_sup *sup_of(rt_actor *s) { return ext_of(s)->sup; }

/* ---- building the tree ----------------------------------------------------------- */

rt_actor *rt_spawn_child(rt_actor *sup, const rt_kind *k, uint32_t index) {
  rt_actor *a = rt_spawn(k);
  if (sup && sup->kind->sup && index < sup->kind->sup->nchildren) {
    rt_actor_ext *e = rt_actor_ext_get(a); /* not shared yet: plain writes */
    e->parent = sup;
    e->child_index = index;
  }
  return a;
}

void rt_sup_init(rt_actor *s) {
  const rt_sup_desc *d = s->kind->sup;
  rt_sup *r = rt_zalloc(sizeof *r + sizeof r->child[0] * d->nchildren);
  r->desc = d;
  r->building = true;
  rt_actor_ext_get(s)->sup = r; /* before any child is started: nobody reads it yet */
}

void rt_sup_register(rt_actor *a) {
  rt_actor_ext *e = ext_of(a);
  pthread_mutex_lock(&sup_lock);
  rt_sup *r = sup_of(e->parent);
  r->child[e->child_index] = a;
  r->live++;
  pthread_mutex_unlock(&sup_lock);
}

void rt_sup_free(rt_sup *r) {
  rt_free(r->times);
  rt_free(r);
}

/* ---- intensity ---------------------------------------------------------------------- */

/* sup_lock: forgets restarts older than the window; records one at `now` and returns
 * true if that stays within the intensity, else returns false (give up). */
static bool admit_restart(rt_sup *r, int64_t now) {
  int64_t window = r->desc->period_ms > 0 ? r->desc->period_ms * 1000000 : 0;
  while (r->len && now - r->times[r->head] >= window) {
    r->head = (r->head + 1) % r->cap;
    r->len--;
  }
  int64_t max = r->desc->intensity > 0 ? r->desc->intensity : 0;
  if ((int64_t)r->len >= max) return false;
  if (r->len == r->cap) { /* grow the ring (at most to the intensity) */
    uint32_t ncap = r->cap ? 2 * r->cap : 4;
    if ((int64_t)ncap > max) ncap = (uint32_t)(max > UINT32_MAX / 2 ? UINT32_MAX / 2 : max);
    int64_t *nt = rt_alloc(sizeof *nt * ncap);
    for (uint32_t i = 0; i < r->len; i++) nt[i] = r->times[(r->head + i) % r->cap];
    rt_free(r->times);
    r->times = nt;
    r->cap = ncap;
    r->head = 0;
  }
  r->times[(r->head + r->len) % r->cap] = now;
  r->len++;
  return true;
}

/* ---- restarting ---------------------------------------------------------------------- */

/* sup_lock: asks x to restart.  A supervisor restarts here and now (a fresh window)
 * and asks its children; an ended actor (or supervisor) stays ended. */
static void request_restart(rt_actor *x, wake_list *w) {
  if (x->kind->flags & RT_KIND_SUPERVISOR) {
    /* relaxed: a supervisor's DEAD is set under sup_lock (sup_end), which we hold. */
    if (atomic_load_explicit(&x->flags, memory_order_relaxed) & RT_AF_DEAD) return; /* ended for good */
    rt_sup *r = sup_of(x);
    r->head = r->len = 0;
    rt_stat_add(&rt_stats_local()->restarts, 1);
    for (uint32_t i = 0; i < r->desc->nchildren; i++)
      if (r->child[i]) request_restart(r->child[i], w);
    return;
  }
  /* relaxed: a stale "alive" only costs a wake-up that becomes a silent dead letter. */
  if (atomic_load_explicit(&x->flags, memory_order_relaxed) & RT_AF_DEAD) return;
  /* relaxed: the actor reads the flag after synchronising with whatever it handles
   * next (see the top of the file); the wake-up's send publishes it too. */
  uint32_t old = atomic_fetch_or_explicit(&x->flags, RT_AF_RESTART, memory_order_relaxed);
  if (!(old & RT_AF_RESTART)) wake_push(w, x); /* else a wake-up is already on its way */
}

static void report_give_up(rt_actor *s, const rt_sup_desc *d, rt_str *reason) {
  char line[1400];
  int n = snprintf(line, sizeof line, "supervisor %s#%llu gave up: more than %lld restart%s in %lld ms (last failure: %s)",
                   s->kind->name, (unsigned long long)s->number, (long long)d->intensity,
                   d->intensity == 1 ? "" : "s", (long long)d->period_ms, reason ? reason->data : "");
  if (n > 0) rt_out_line(stderr, line, n < (int)sizeof line ? n : (int)sizeof line - 1);
}

/* sup_lock: `failed`, a child of `sup`, failed.  Applies sup's strategy, or gives up
 * and escalates; a root's give-up does not return. */
static void decide(rt_actor *sup, rt_actor *failed, rt_str *reason, wake_list *w) {
  for (;;) {
    rt_sup *r = sup_of(sup);
    if (admit_restart(r, rt_mono_ns())) {
      uint32_t at = ext_of(failed)->child_index, n = r->desc->nchildren;
      uint32_t from = r->desc->strategy == RT_ONE_FOR_ALL ? 0 : at;
      uint32_t to = r->desc->strategy == RT_ONE_FOR_ONE ? at + 1 : n;
      for (uint32_t i = from; i < to; i++)
        if (r->child[i]) request_restart(r->child[i], w);
      if (r->child[at] != failed) request_restart(failed, w); /* not registered yet */
      return;
    }
    report_give_up(sup, r->desc, reason);
    rt_stat_add(&rt_stats_local()->failures, 1); /* the supervisor failed */
    rt_actor *parent = ext_of(sup)->parent;
    if (!parent) rt_exit(1); /* a root: the program ends at once (flushing output) */
    failed = sup;
    sup = parent;
  }
}

void rt_sup_child_failed(rt_actor *a, rt_str *reason) {
  wake_list w;
  wake_init(&w);
  pthread_mutex_lock(&sup_lock);
  /* relaxed: under the lock every setter of RESTART is ordered with us. */
  if (!(atomic_load_explicit(&a->flags, memory_order_relaxed) & RT_AF_RESTART)) {
    decide(ext_of(a)->parent, a, reason, &w);
    /* relaxed: as in request_restart.  Always true by now; this makes sure. */
    atomic_fetch_or_explicit(&a->flags, RT_AF_RESTART, memory_order_relaxed);
  } /* else absorbed: a restart decided before this failure is still pending */
  pthread_mutex_unlock(&sup_lock);
  for (size_t i = 0; i < w.n; i++) {
    if (w.a[i] == a) continue; /* the failing actor: its worker keeps it scheduled */
    rt_msg *m = rt_msg_alloc(sizeof *m);
    m->id = RT_MSG_RESTART;
    rt_send(w.a[i], m);
  }
  wake_fini(&w);
}

void rt_sup_restart_self(rt_actor *a) {
  const rt_kind *k = a->kind;
  /* relaxed: a later request sets it again (RMWs on flags are totally ordered), and
   * then the actor restarts once more, which that request wants. */
  atomic_fetch_and_explicit(&a->flags, ~RT_AF_RESTART, memory_order_relaxed);
  rt_timer_cancel_all(a);
  if (k->drop_state) k->drop_state(a);
  a->incarnation++; /* then-blocks and timer firings of the old one are skipped */
  /* relaxed: the running thread's own flag. */
  if (k->init) atomic_fetch_or_explicit(&a->flags, RT_AF_INIT, memory_order_relaxed);
  rt_stat_add(&rt_stats_local()->restarts, 1);
}

/* ---- the end of a supervisor ------------------------------------------------------------ */

/* sup_lock: supervisor s is built and has no child left alive: it ends.  Marked dead
 * here (a restart decision made after this skips it) and its record freed; its parent,
 * if it counted s, has one child fewer alive, and may end the same way.  What cannot
 * be done under the lock (monitors, the "alive" reference) is left to finish_ended,
 * for each supervisor pushed on `ended`, innermost first. */
static void sup_end(rt_actor *s, wake_list *ended) {
  for (;;) {
    rt_actor_ext *e = ext_of(s);
    /* seq_cst: pairs with rt_monitor's read of DEAD after installing the extension
     * (as in actor_end); request_restart reads it under the lock. */
    atomic_fetch_or_explicit(&s->flags, RT_AF_DEAD, memory_order_seq_cst);
    rt_sup_free(e->sup);
    e->sup = NULL;
    wake_push(ended, s);
    rt_actor *p = e->parent;
    if (!p) return;
    rt_sup *pr = sup_of(p);
    if (pr->child[e->child_index] != s) return; /* never entered: its build failed */
    if (--pr->live > 0 || pr->building) return;
    s = p;
  }
}

static void finish_ended(wake_list *ended) {
  for (size_t i = 0; i < ended->n; i++) rt_actor_sup_ended(ended->a[i]);
  wake_fini(ended);
}

void rt_sup_child_ended(rt_actor *a) {
  wake_list ended;
  wake_init(&ended);
  rt_actor_ext *e = ext_of(a);
  pthread_mutex_lock(&sup_lock);
  /* The parent is alive: a was, until now, one of its live children. */
  rt_sup *r = sup_of(e->parent);
  if (r->child[e->child_index] == a && --r->live == 0 && !r->building) sup_end(e->parent, &ended);
  pthread_mutex_unlock(&sup_lock);
  finish_ended(&ended);
}

void rt_sup_built(rt_actor *s) {
  wake_list ended;
  wake_init(&ended);
  pthread_mutex_lock(&sup_lock);
  rt_sup *r = sup_of(s);
  r->building = false;
  if (r->live == 0) sup_end(s, &ended); /* every child it started has ended already */
  pthread_mutex_unlock(&sup_lock);
  finish_ended(&ended);
}

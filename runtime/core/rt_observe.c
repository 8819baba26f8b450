/* rt_observe.c — what the runtime tells its observers: ACTOR_TRACE's events (written
 * by rt_trace.c) and ACTOR_STATS's per-kind counters (kept by rt_stats.c), from the
 * hooks the core calls while `rt_obs` is set.  With nothing observed (rt_obs == 0),
 * none of this runs: a message's allocation and a turn test one word (rt_mailbox.c,
 * rt_actor.c), and nothing else changes on their paths.
 *
 * A message's flow.  While tracing, a message's block has room behind the message for
 * a stamp: its send's time on the sender's thread and a flow number unique in the trace
 * (rt_obs_msg_alloc writes it; the sender's thread, as it allocates -- at the send).
 * The thread that takes the message writes both ends of the flow: a zero-length
 * "send" slice on the sender's track at the send's time (flow out), and the handler's
 * slice on its own track (flow in); or, for a message that will never be handled, a
 * dead letter (flow in).  So every flow in the trace has both its ends, and a message
 * still queued when the program is killed is simply not there.  Requests are messages,
 * and so are their answers (REPLY, REPLY_FAIL: the requester's then or else), timer
 * firings and the I/O thread's lines: each is a flow from where it was sent.
 *
 * Slices.  A handler's slice begins when its message is taken and ends when the
 * handler is done (rt_obs_msg_begin / _end), or when it fails (rt_obs_failed, after
 * the failure's instant, which the report wrote inside it); an init is a slice too.
 * A turn run inside a handler (rt_sched_share) nests its slices inside the handler's:
 * the open ones are a small stack per thread.
 *
 * Mailbox depth (ACTOR_STATS only).  There is no per-actor count of queued messages,
 * on purpose (it would cost every send an atomic add), so the consumer counts: at the
 * start of each turn it walks its queue from the last message it counted before (kept
 * in the actor's extension, with how many were queued up to it), so each message is
 * walked over once in its life however long it waits, and the depth at each turn's
 * start is exact.  A turn that fails forgets the mark (the next one counts afresh). */
#include "core/rt_mailbox.h"

#include <errno.h>

uint32_t rt_obs;
bool rt_obs_stamp;

#define MSG_CUT 512     /* bytes of a message's printed form kept for its slice */
#define DEPTH 8         /* open slices on one thread (a turn inside a handler nests) */
#define COUNTER_NS 100000 /* a thread writes its counters at most every 100 us */

/* Behind a traced message, at the end of its block. */
typedef struct stamp {
  int64_t ts;    /* the send, on the sender's clock (rt_trace_now) */
  uint64_t flow; /* the sender's track in the bits above 40 */
} stamp;

typedef struct slice {
  rt_actor *a;
  rt_msg *m;       /* NULL: init */
  rt_kstat *ks;
  int64_t t0;
  uint64_t flow;   /* the message's, or 0 */
  const char *handler; /* its name, taken at the start (a system message is gone by the end) */
  bool traced;
  bool system;     /* a system message: the block it runs, if any, names the slice */
  rt_buf text;     /* the message's printed form (kept allocated between messages) */
} slice;

/* A thread's observer state, allocated on its first use and never freed (a list
 * keeps it reachable: the texts' buffers are not leaks). */
typedef struct obs_thread {
  slice open[DEPTH];
  int depth;             /* open slices (may pass DEPTH: those are not recorded) */
  int64_t next_counters; /* when this thread writes its counters next */
  struct obs_thread *next;
} obs_thread;

static __thread obs_thread *self_obs;
static obs_thread *all_obs;
static pthread_mutex_t obs_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int64_t live; /* actors spawned and not ended, while tracing */

static obs_thread *obs_self(void) {
  obs_thread *o = self_obs;
  if (RT_LIKELY(o != NULL)) return o;
  o = rt_zalloc(sizeof *o);
  pthread_mutex_lock(&obs_lock);
  o->next = all_obs;
  all_obs = o;
  pthread_mutex_unlock(&obs_lock);
  return self_obs = o;
}

static inline bool tracing(void) { return (rt_obs & RT_OBS_TRACE) != 0; }

/* This thread's counters of k, and whether the trace wants k (decided once). */
static rt_kstat *kstat(const rt_kind *k) {
  rt_kstat *ks = rt_kstat_of(k);
  if (RT_UNLIKELY(ks->traced < 0)) ks->traced = tracing() && rt_trace_wants(k);
  return ks;
}

static int64_t clock_now(void) { return tracing() ? rt_trace_now(rt_trace_local()) : rt_mono_ns(); }

/* ---- messages -------------------------------------------------------------------------- */

static inline stamp *stamp_of(rt_msg *m) {
  if (m->size == RT_POOL_LARGE) return NULL; /* (a block too large for the pools: no room known) */
  return (stamp *)((char *)m + rt_pool_class_bytes(m->size) - sizeof(stamp));
}

rt_msg *rt_obs_msg_alloc(uint32_t size) {
  size_t n = (size_t)size + sizeof(stamp);
  uint32_t cls = rt_pool_class(n);
  rt_msg *m = rt_pool_alloc(cls, n);
  m->size = cls;
  stamp *s = stamp_of(m);
  if (s) {
    rt_tbuf *b = rt_trace_local();
    s->ts = rt_trace_now(b);
    s->flow = rt_trace_next_flow(b);
  }
  return m;
}

/* The user message m stands for (an upper layer's may wrap one), or NULL. */
static rt_msg *user_msg(rt_msg *m) {
  if (m->id < RT_MSG_SYSTEM) return m;
  if (m->id >= RT_MSG_END || m->id <= RT_MSG_RESTART) return NULL;
  const rt_sysmsg_ops *o = rt_actor_sysmsg_ops(m->id);
  return o && o->inner ? o->inner(m) : NULL;
}

static const char *handler_of(rt_actor *a, rt_msg *m) {
  if (!m) return "init";
  rt_msg *u = user_msg(m);
  if (u) return u->id < a->kind->nhandlers ? a->kind->handler_names[u->id] : "?";
  switch (m->id) {
  case RT_MSG_REPLY: return "then";
  case RT_MSG_REPLY_FAIL: return "else";
  case RT_MSG_TIMER: return rt_timer_block(m);
  default: return "system";
  }
}

/* "inc(5, \"x\")": the handler and its arguments' printed forms (Strings quoted, as
 * inside a list), cut near MSG_CUT bytes. */
static void describe(rt_buf *out, rt_actor *a, rt_msg *m) {
  out->len = 0;
  out->limit = MSG_CUT;
  rt_buf_puts(out, handler_of(a, m));
  rt_buf_putc(out, '(');
  rt_msg *u = user_msg(m);
  const rt_kind *k = a->kind;
  if (u) {
    const rt_type *const *types = k->param_types && u->id < k->nhandlers ? k->param_types[u->id] : NULL;
    /* The arguments follow the header (and a request's rt_reqinfo: never wrapped). */
    bool req = u == m && k->handler_answers && k->handler_answers[u->id];
    const rt_word *args = (const rt_word *)((const char *)(u + 1) + (req ? sizeof(rt_reqinfo) : 0));
    for (int i = 0; types && types[i]; i++) {
      if (rt_buf_full(out)) break;
      if (i) rt_buf_put(out, ", ", 2);
      rt_buf_value(out, args[i], types[i], true);
    }
  } else if (m->id <= RT_MSG_REPLY_FAIL) {
    rt_request_describe(m, out);
  } else if (m->id == RT_MSG_TIMER) {
    rt_timer_describe(m, out);
  }
  rt_buf_putc(out, ')');
}

void rt_obs_msg_begin(rt_actor *a, rt_msg *m) {
  obs_thread *o = obs_self();
  if (o->depth++ >= DEPTH) return;
  slice *s = &o->open[o->depth - 1];
  s->a = a;
  s->m = m;
  s->ks = kstat(a->kind);
  s->traced = s->ks->traced;
  s->flow = 0;
  if (!s->traced) {
    s->t0 = clock_now();
    return;
  }
  rt_tbuf *b = rt_trace_local();
  stamp *st = m ? stamp_of(m) : NULL;
  s->handler = handler_of(a, m);
  s->system = m && !user_msg(m);
  if (st) {
    s->flow = st->flow;
    rt_trace_send(b, (uint32_t)(st->flow >> 40), st->ts, st->flow, a, s->handler);
    s->t0 = rt_trace_after(b, st->ts); /* after its send, whatever the clocks of two cores say */
  } else {
    s->t0 = rt_trace_now(b);
  }
  if (m) describe(&s->text, a, m);
  if (s->system) rt_cur.handler = NULL; /* set by the block that runs, if one does */
}

/* Closes o's top slice (a's), `failed` or not. */
static void slice_end(obs_thread *o, rt_actor *a, bool failed) {
  slice *s = &o->open[o->depth - 1];
  int64_t t1 = clock_now();
  uint64_t dur = t1 > s->t0 ? (uint64_t)(t1 - s->t0) : 0;
  rt_kstat *ks = s->ks;
  rt_stat_add(&ks->handled, s->m ? 1 : 0);
  rt_stat_add(&ks->busy_ns, dur);
  rt_stat_max(&ks->max_ns, dur);
  if (failed) rt_stat_add(&ks->failures, 1);
  if (s->traced) {
    const char *h = s->system && rt_cur.handler ? rt_cur.handler : s->handler;
    rt_trace_slice(rt_trace_local(), s->t0, (int64_t)dur, a, h, s->m ? s->text.p : NULL, s->m ? (size_t)s->text.len : 0,
                   s->flow);
  }
  o->depth--;
}

void rt_obs_msg_end(rt_actor *a, rt_msg *m) {
  (void)m;
  obs_thread *o = obs_self();
  if (o->depth > DEPTH) {
    o->depth--;
    return;
  }
  slice_end(o, a, false);
}

void rt_obs_failed(rt_actor *a, rt_msg *m) {
  (void)m;
  obs_thread *o = obs_self();
  if (o->depth > DEPTH && o->depth > 0) { /* (the failing one is not recorded) */
    o->depth--;
    rt_stat_add(&kstat(a->kind)->failures, 1);
    return;
  }
  if (o->depth > 0 && o->open[o->depth - 1].a == a) {
    slice_end(o, a, true);
    return;
  }
  rt_stat_add(&kstat(a->kind)->failures, 1); /* outside a slice (a restart's state) */
}

/* ---- turns ------------------------------------------------------------------------------ */

static void counters(void) {
  obs_thread *o = obs_self();
  rt_tbuf *b = rt_trace_local();
  int64_t t = rt_trace_now(b);
  if (t < o->next_counters) return;
  o->next_counters = t + COUNTER_NS;
  int w = rt_sched_worker_index();
  if (w >= 0) {
    char key[32];
    snprintf(key, sizeof key, "worker %d", w);
    rt_trace_counter(b, t, "run queue", key, rt_sched_queued_here());
    rt_trace_counter(b, t, "run queue", "global", rt_sched_queued_global());
  }
  /* relaxed: a sample. */
  rt_trace_counter(b, t, "actors", "live", atomic_load_explicit(&live, memory_order_relaxed));
}

rt_obs_turn rt_obs_turn_begin(rt_actor *a) {
  rt_obs_turn t = {NULL, 0};
  if (tracing()) counters();
  if (!(rt_obs & RT_OBS_DEPTH)) return t;
  /* acquire: the extension's initialisation (rt_actor_ext_get). */
  rt_actor_ext *e = atomic_load_explicit(&a->ext, memory_order_acquire);
  rt_msg *from = a->mb.tail;
  uint64_t n = 0;
  if (e && e->depth_mark) { /* taken out: a turn that fails leaves none behind */
    from = e->depth_mark;
    n = e->depth_count;
    e->depth_mark = NULL;
  }
  /* acquire: as rt_mb_peek (the consumer's walk of its own queue). */
  for (rt_msg *x; (x = __atomic_load_n(&from->next, __ATOMIC_ACQUIRE)) != NULL; from = x) n++;
  t.mark = n ? from : NULL;
  t.queued = n;
  rt_stat_max(&kstat(a->kind)->max_depth, n);
  return t;
}

void rt_obs_turn_end(rt_actor *a, rt_obs_turn t, uint32_t taken) {
  if (!t.mark || t.queued <= taken) return; /* the mark was taken: count afresh next time */
  /* Still queued behind what the turn took: the next turn goes on from it. */
  rt_actor_ext *e = rt_actor_ext_get(a);
  e->depth_mark = t.mark;
  e->depth_count = t.queued - taken;
}

void rt_obs_parked(void) {
  int w = rt_sched_worker_index();
  rt_tbuf *b = rt_trace_local();
  if (w >= 0) {
    char key[32];
    snprintf(key, sizeof key, "worker %d", w);
    rt_trace_counter(b, rt_trace_now(b), "run queue", key, 0);
  }
  rt_trace_flush_local();
}

/* ---- an actor's life ---------------------------------------------------------------------- */

void rt_obs_spawned(rt_actor *a) {
  rt_kstat *ks = kstat(a->kind);
  rt_stat_add(&ks->spawned, 1);
  if (!tracing()) return;
  /* relaxed: a count sampled by the counters. */
  atomic_fetch_add_explicit(&live, 1, memory_order_relaxed);
  if (!ks->traced) return;
  rt_tbuf *b = rt_trace_local();
  rt_trace_instant(b, rt_trace_now(b), "spawn", a, NULL, NULL, NULL, NULL);
}

void rt_obs_ended(rt_actor *a, rt_str *reason) {
  rt_kstat *ks = kstat(a->kind);
  rt_stat_add(&ks->ended, 1);
  if (!tracing()) return;
  atomic_fetch_sub_explicit(&live, 1, memory_order_relaxed); /* relaxed: as above */
  if (!ks->traced) return;
  rt_tbuf *b = rt_trace_local();
  if (reason == rt_reason_stopped)
    rt_trace_instant(b, rt_trace_now(b), "stop", a, NULL, NULL, NULL, NULL);
  else
    rt_trace_instant(b, rt_trace_now(b), "end", a, "reason", reason ? reason->data : "", NULL, NULL);
}

void rt_obs_restarted(rt_actor *a) {
  rt_kstat *ks = kstat(a->kind);
  rt_stat_add(&ks->restarts, 1);
  if (!ks->traced) return;
  rt_tbuf *b = rt_trace_local();
  rt_trace_instant(b, rt_trace_now(b), "restart", a, NULL, NULL, NULL, NULL);
}

void rt_obs_dead_letter(rt_actor *a, rt_msg *m) {
  if (!tracing() || !kstat(a->kind)->traced) return;
  rt_tbuf *b = rt_trace_local();
  stamp *st = stamp_of(m);
  const char *h = handler_of(a, m);
  if (st) {
    rt_trace_send(b, (uint32_t)(st->flow >> 40), st->ts, st->flow, a, h);
    rt_trace_dead_letter(b, rt_trace_after(b, st->ts), a, h, st->flow);
  } else {
    rt_trace_dead_letter(b, rt_trace_now(b), a, h, 0);
  }
}

void rt_obs_failure(const char *reason, const char *pos) {
  rt_actor *a = rt_cur.actor;
  if (!tracing() || (a && !kstat(a->kind)->traced)) return;
  rt_tbuf *b = rt_trace_local();
  rt_trace_instant(b, rt_trace_now(b), "failure", a, "reason", reason, "at", pos ? pos : "?");
}

void rt_obs_gave_up(rt_actor *sup, rt_str *reason) {
  rt_kstat *ks = kstat(sup->kind);
  rt_stat_add(&ks->failures, 1);
  if (!ks->traced) return;
  rt_tbuf *b = rt_trace_local();
  rt_trace_instant(b, rt_trace_now(b), "give up", sup, "last failure", reason ? reason->data : "", NULL, NULL);
}

void rt_obs_down(rt_actor *who, rt_actor *watcher, rt_str *reason) {
  if (!tracing() || !kstat(watcher->kind)->traced) return;
  rt_tbuf *b = rt_trace_local();
  char w[160];
  snprintf(w, sizeof w, "%s#%llu", watcher->kind->name, (unsigned long long)watcher->number);
  rt_trace_instant(b, rt_trace_now(b), "down", who, "watcher", w, "reason", reason ? reason->data : "");
}

/* ---- the end ---------------------------------------------------------------------------- */

void rt_obs_finish(void) {
  if (tracing()) rt_trace_close(false);
}

void rt_obs_exit(int64_t code) {
  if (!tracing()) return;
  /* The slices this thread has open end here (exit() in a handler); other threads'
   * open slices are lost with them. */
  obs_thread *o = obs_self();
  while (o->depth > 0) {
    if (o->depth > DEPTH) {
      o->depth--;
      continue;
    }
    slice_end(o, o->open[o->depth - 1].a, false);
  }
  char c[32];
  snprintf(c, sizeof c, "%lld", (long long)code);
  rt_tbuf *b = rt_trace_local();
  rt_trace_instant(b, rt_trace_now(b), "exit", rt_cur.actor, "code", c, NULL, NULL);
  rt_trace_close(true);
}

/* ---- options ------------------------------------------------------------------------------- */

/* rt_opts.c checked the filter's form; here, that each name is a kind of the program,
 * when the program says which it has. */
static void check_filter(const char *f, const rt_program *p) {
  if (!p || p->nkinds == 0) return;
  for (const char *s = f;;) {
    size_t n = strcspn(s, ",");
    bool known = false;
    for (uint32_t i = 0; !known && i < p->nkinds; i++)
      known = strlen(p->kinds[i]->name) == n && memcmp(p->kinds[i]->name, s, n) == 0;
    if (!known) {
      char kinds[400] = "", *w = kinds;
      for (uint32_t i = 0; i < p->nkinds && w < kinds + sizeof kinds - 130; i++)
        w += snprintf(w, (size_t)(kinds + sizeof kinds - w), "%s%s", i ? ", " : "", p->kinds[i]->name);
      char what[600];
      snprintf(what, sizeof what, "kinds of this program (%.420s)", kinds);
      rt_opts_bad("ACTOR_TRACE_FILTER", what, f);
    }
    if (!s[n]) break;
    s += n + 1;
  }
}

void rt_obs_init(const rt_program *p) {
  const rt_opts *o = rt_opts_get(); /* first: a bad option stops the program */
  uint32_t obs = o->stats != RT_STATS_OFF ? RT_OBS_KINDS | RT_OBS_DEPTH : 0;
  if (o->trace) {
    if (o->trace_filter) check_filter(o->trace_filter, p);
    if (!rt_trace_open(o->trace, o->trace_filter)) {
      char why[300];
      snprintf(why, sizeof why, "a file the program can create (%s)", strerror(errno));
      rt_opts_bad("ACTOR_TRACE", why, o->trace);
    }
    obs |= RT_OBS_TRACE | RT_OBS_KINDS;
  }
  rt_obs = obs;
  rt_obs_stamp = (obs & RT_OBS_TRACE) != 0;
}

void rt_obs_thread_name(const char *name) {
  if (tracing()) rt_trace_name_thread(name);
}

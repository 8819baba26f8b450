/* rt_monitor.c — monitor(ref): the watcher is told once, by a message to its
 * `on down(who: Actor, reason: String)` handler, when ref ends ("stopped" or the
 * failure's reason), or at once with "dead" if ref has already ended or is none.
 *
 * The watchers live in the target's extension under its lock.  A monitor() racing
 * with the target's end: the ender sets DEAD then reads ext; the watcher installs
 * ext then reads DEAD (both seq_cst), so at least one sees the other; under the lock,
 * `ended` then says whether the ender has taken the list yet. */
#include "core/rt_core.h"

/* The message of a `down(who: Actor, reason: String)` handler, as the compiler lays
 * it out: the header, then the arguments in order. */
typedef struct down_msg {
  rt_msg h;
  rt_actor *who;  /* owned */
  rt_str *reason; /* owned */
} down_msg;

static void send_down(rt_actor *watcher, rt_actor *who, rt_str *reason) {
  int32_t h = watcher->kind->down_handler;
  if (h < 0) return; /* the compiler rejects monitor() without `down` */
  down_msg *m = (down_msg *)rt_msg_alloc(sizeof *m);
  m->h.id = (uint32_t)h;
  rt_retain(who);
  m->who = who;
  rt_retain(reason);
  m->reason = reason;
  rt_send(watcher, &m->h);
}

void rt_monitor(rt_actor *self, rt_actor *who) {
  if (!who) {
    send_down(self, NULL, rt_reason_dead);
    return;
  }
  rt_actor_ext *e = rt_actor_ext_get(who);
  pthread_mutex_lock(&e->lock);
  /* seq_cst: see the top of the file. */
  bool dead = e->ended || (atomic_load_explicit(&who->flags, memory_order_seq_cst) & RT_AF_DEAD);
  if (!dead) {
    if (e->nwatch == e->capwatch) {
      e->capwatch = e->capwatch ? 2 * e->capwatch : 4;
      e->watch = rt_realloc(e->watch, e->capwatch * sizeof *e->watch);
    }
    rt_retain(self);
    e->watch[e->nwatch++] = self;
  }
  pthread_mutex_unlock(&e->lock);
  if (dead) send_down(self, who, rt_reason_dead);
}

void rt_monitor_notify(rt_actor *a, rt_str *reason) {
  /* seq_cst: see the top of the file. */
  rt_actor_ext *e = atomic_load_explicit(&a->ext, memory_order_seq_cst);
  if (!e) return;
  pthread_mutex_lock(&e->lock);
  e->ended = true;
  rt_actor **w = e->watch;
  uint32_t n = e->nwatch;
  e->watch = NULL;
  e->nwatch = e->capwatch = 0;
  pthread_mutex_unlock(&e->lock);
  for (uint32_t i = 0; i < n; i++) {
    send_down(w[i], a, reason);
    rt_release(w[i]);
  }
  rt_free(w);
}

void rt_actor_ext_free(rt_actor_ext *e) {
  for (uint32_t i = 0; i < e->nwatch; i++) rt_release(e->watch[i]);
  rt_free(e->watch);
  if (e->sup) rt_sup_free(e->sup);
  pthread_mutex_destroy(&e->lock);
  rt_free(e);
}

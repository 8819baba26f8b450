/* rt_net_handle.c — std.net's handles (rt_net.h has the struct): their reference
 * counts, the table that finds them by number, their owners, and the messages sent
 * to owners.
 *
 * Handles.  Listeners and connections are Int handles (1, 2, 3, ... never reused),
 * found through a table sharded by handle (NSHARD locks, so tcp_send from many
 * actors rarely contends).  Each is an rt_net_h with a reference count: the table
 * holds one while the handle is open, the I/O thread's work queue one while it is
 * queued, and epoll one while the fd is registered (released by the I/O thread only,
 * after the batch of events that may still name it).  Standard input is one static
 * handle outside the table (stdlib/net.c).
 *
 * Owners.  A handle's owner is the actor its messages go to, with the handler
 * numbers looked up by name in the owner's kind (rt_kind.handler_names) when it took
 * the handle -- the compiler checked at that call (`delivers`) that the handlers
 * exist with these parameters.  A delivered message is laid out as the compiler lays
 * out that handler's: { rt_msg; one word per argument } (Int, or a String the message
 * owns).  tcp_listen's caller owns the listener and, until someone calls tcp_own,
 * the connections it accepts (which are not read until then); tcp_own makes the
 * caller the owner and starts reading; tcp_connect's caller owns the connection.
 * Each owner's handles are listed in its rt_actor_ext (under own_lock) so that
 * rt_nh_owner_gone can close them when it ends or restarts. */
#include "io/rt_net.h"

#define NSHARD 64 /* handle table shards (a power of two) */

static const char *const ev_names[NEV] = {"line", "closed", "connected", "accepted", "stdin_line", "stdin_eof"};

/* ---- the handle table ------------------------------------------------------------ */

typedef struct shard {
  alignas(64) pthread_mutex_t lock;
  net_h **slot; /* open addressing, linear probing; NULL = empty */
  size_t cap, n;
} shard;

static shard table[NSHARD];
static _Atomic int64_t last_id; /* the last handle given out */

static pthread_mutex_t own_lock = PTHREAD_MUTEX_INITIALIZER; /* every owner's list */

void rt_nh_retain(net_h *h) {
  /* relaxed: as rt_retain -- whoever lends us h keeps it alive meanwhile. */
  atomic_fetch_add_explicit(&h->rc, 1, memory_order_relaxed);
}

void rt_nh_release(net_h *h) {
  /* acq_rel: every holder's uses of h happen before the free (as rt_release). */
  if (atomic_fetch_sub_explicit(&h->rc, 1, memory_order_acq_rel) != 1) return;
  rt_free(h->out);
  rt_free(h->in);
  rt_free(h->reason);
  rt_free(h->host);
  pthread_mutex_destroy(&h->lock);
  rt_free(h);
}

static inline size_t slot_of(const shard *s, int64_t id) { return (size_t)(id / NSHARD) & (s->cap - 1); }

static void table_put_locked(shard *s, net_h *h) {
  if (2 * (s->n + 1) > s->cap) { /* grow: at most half full */
    size_t ocap = s->cap;
    net_h **old = s->slot;
    s->cap = ocap ? 2 * ocap : 64;
    s->slot = rt_zalloc(s->cap * sizeof *s->slot);
    for (size_t i = 0; i < ocap; i++)
      if (old[i]) {
        size_t j = slot_of(s, old[i]->id);
        while (s->slot[j]) j = (j + 1) & (s->cap - 1);
        s->slot[j] = old[i];
      }
    rt_free(old);
  }
  size_t j = slot_of(s, h->id);
  while (s->slot[j]) j = (j + 1) & (s->cap - 1);
  s->slot[j] = h;
  s->n++;
}

/* A new handle enters the table (its reference is the table's). */
void rt_nh_put(net_h *h) {
  shard *s = &table[h->id & (NSHARD - 1)];
  pthread_mutex_lock(&s->lock);
  table_put_locked(s, h);
  pthread_mutex_unlock(&s->lock);
}

/* The handle with this id, retained, or NULL if it is not open. */
net_h *rt_nh_get(int64_t id) {
  if (id <= 0) return NULL;
  shard *s = &table[id & (NSHARD - 1)];
  net_h *h = NULL;
  pthread_mutex_lock(&s->lock);
  if (s->cap)
    for (size_t j = slot_of(s, id); s->slot[j]; j = (j + 1) & (s->cap - 1))
      if (s->slot[j]->id == id) {
        h = s->slot[j];
        rt_nh_retain(h);
        break;
      }
  pthread_mutex_unlock(&s->lock);
  return h;
}

/* Takes h out of the table (backward-shift deletion: no tombstones) and drops the
 * table's reference.  Under h->lock (never the last reference then: the caller's). */
void rt_nh_remove(net_h *h) {
  shard *s = &table[h->id & (NSHARD - 1)];
  bool found = false;
  pthread_mutex_lock(&s->lock);
  size_t mask = s->cap - 1, j = s->cap ? slot_of(s, h->id) : 0;
  while (s->cap && s->slot[j]) {
    if (s->slot[j] == h) {
      found = true;
      break;
    }
    j = (j + 1) & mask;
  }
  if (found) {
    s->slot[j] = NULL;
    s->n--;
    for (size_t k = (j + 1) & mask; s->slot[k]; k = (k + 1) & mask) {
      size_t want = slot_of(s, s->slot[k]->id);
      /* move slot k back to j if its home is not cyclically in (j, k] */
      if ((k > j && (want <= j || want > k)) || (k < j && want <= j && want > k)) {
        s->slot[j] = s->slot[k];
        s->slot[k] = NULL;
        j = k;
      }
    }
  }
  pthread_mutex_unlock(&s->lock);
  if (found) rt_nh_release(h);
}

/* Whether id was ever given out (a closed handle is no error; one never given out is). */
bool rt_nh_given(int64_t id) {
  /* relaxed: a handle the caller has was given out before it got it. */
  return id > 0 && id <= atomic_load_explicit(&last_id, memory_order_relaxed);
}

/* A new handle (the next number), open, without an owner; its one reference is the
 * table's, for the caller to put it there. */
net_h *rt_nh_new(uint8_t kind, int fd) {
  net_h *h = rt_zalloc(sizeof *h);
  atomic_init(&h->rc, 1); /* the table's */
  h->kind = kind;
  /* relaxed: only uniqueness matters. */
  h->id = atomic_fetch_add_explicit(&last_id, 1, memory_order_relaxed) + 1;
  pthread_mutex_init(&h->lock, NULL);
  h->fd = fd;
  h->state = S_OPEN;
  for (int i = 0; i < NEV; i++) h->hid[i] = -1;
  return h;
}

/* ---- owners ------------------------------------------------------------------------- */

static rt_actor_ext *ext_of(rt_actor *a) {
  /* acquire: the extension's initialisation (rt_actor_ext_get). */
  return atomic_load_explicit(&a->ext, memory_order_acquire);
}

/* own_lock: h goes on a's list. */
static void list_add_locked(net_h *h, rt_actor *a) {
  rt_actor_ext *e = ext_of(a);
  /* relaxed: under own_lock; the unlocked reader only needs a hint (see owner_gone). */
  net_h *first = atomic_load_explicit(&e->net, memory_order_relaxed);
  h->oprev = NULL;
  h->onext = first;
  if (first) first->oprev = h;
  atomic_store_explicit(&e->net, h, memory_order_relaxed);
  h->listed = a;
}

/* own_lock: h leaves the list it is on, if any. */
static void list_remove_locked(net_h *h) {
  if (!h->listed) return;
  rt_actor_ext *e = ext_of(h->listed);
  if (h->oprev)
    h->oprev->onext = h->onext;
  else /* relaxed: as in list_add_locked */
    atomic_store_explicit(&e->net, h->onext, memory_order_relaxed);
  if (h->onext) h->onext->oprev = h->oprev;
  h->onext = h->oprev = NULL;
  h->listed = NULL;
}

int32_t rt_nh_handler_of(const rt_kind *k, const char *name) {
  for (uint32_t i = 0; i < k->nhandlers; i++)
    if (!strcmp(k->handler_names[i], name)) return (int32_t)i;
  return -1;
}

/* What the core calls for this layer: line messages (rt_net_flow.c) and owners that
 * end (below).  Registered when a handle gets its first owner, before any line can be
 * sent to it or any owner can end. */
static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;
static void hooks_register(void) {
  static const rt_sysmsg_ops line_ops = {rt_nf_line_handle, rt_nf_line_drop};
  rt_actor_sysmsg_register(RT_MSG_NET_LINE, &line_ops);
  rt_actor_on_gone(rt_nh_owner_gone);
}

/* h->lock: a (borrowed) becomes h's owner, receiving the events in `evs` (a bit per
 * EV_*).  Returns the previous owner's reference, for the caller to release once it
 * holds no lock. */
rt_actor *rt_nh_set_owner_locked(net_h *h, rt_actor *a, unsigned evs) {
  rt_actor *old = h->owner;
  if (a) pthread_once(&hooks_once, hooks_register);
  if (a) rt_actor_ext_get(a); /* before own_lock: it may allocate */
  pthread_mutex_lock(&own_lock);
  list_remove_locked(h);
  if (a) list_add_locked(h, a);
  pthread_mutex_unlock(&own_lock);
  if (a) rt_retain(a);
  h->owner = a;
  for (int i = 0; i < NEV; i++) h->hid[i] = a && (evs & (1u << i)) ? rt_nh_handler_of(a->kind, ev_names[i]) : -1;
  return old;
}

/* ---- delivering messages ------------------------------------------------------------ */

/* Sends handler `hid` of `to` a message with n one-word arguments (an Int, or a String
 * the message owns from here on). */
void rt_nh_deliver(rt_actor *to, int32_t hid, int n, const rt_word *args) {
  rt_msg *m = rt_msg_alloc((uint32_t)(sizeof(rt_msg) + (size_t)n * sizeof(rt_word)));
  m->id = (uint32_t)hid;
  if (n) memcpy(m + 1, args, (size_t)n * sizeof(rt_word));
  rt_send(to, m);
}

/* ---- owners that end ------------------------------------------------------------------- */

void rt_nh_owner_gone(rt_actor *a) {
  rt_actor_ext *e = ext_of(a);
  /* relaxed: a hint.  Only a itself puts handles on its list -- and the I/O thread,
   * for connections accepted by a listener a owns, which keeps the list non-empty
   * until we close it below. */
  if (!e || !atomic_load_explicit(&e->net, memory_order_relaxed)) return;
  for (;;) { /* again until empty: a listener may accept one more before it closes */
    pthread_mutex_lock(&own_lock);
    net_h *list = atomic_load_explicit(&e->net, memory_order_relaxed); /* relaxed: under own_lock */
    size_t n = 0;
    for (net_h *h = list; h; h = h->onext) n++;
    net_h **hs = n ? rt_alloc(n * sizeof *hs) : NULL;
    n = 0;
    for (net_h *h = list; h; h = h->onext) {
      rt_nh_retain(h); /* listed implies open: the table's reference is still there */
      hs[n++] = h;
    }
    pthread_mutex_unlock(&own_lock);
    if (!n) return;
    /* Listeners first: a client that sees its connection close may connect again at
     * once, and must not reach a listener about to close. */
    for (size_t i = 0, j = 0; i < n; i++)
      if (hs[i]->kind == K_LISTENER) {
        net_h *t = hs[j];
        hs[j++] = hs[i];
        hs[i] = t;
      }
    for (size_t i = 0; i < n; i++) {
      net_h *h = hs[i];
      rt_actor *old = NULL;
      pthread_mutex_lock(&h->lock);
      if (h->owner == a) {
        switch (h->kind) {
        case K_LISTENER:
          rt_nio_close_listener_locked(h);
          break;
        case K_CONN:
          if (h->state == S_CLOSED) break;
          old = rt_nh_set_owner_locked(h, NULL, 0);
          if (h->state < S_CLOSING) rt_nio_begin_close(h, "owner gone", false);
          break;
        case K_STDIN: /* paused: a later stdin_lines() goes on where it stopped */
          h->reading = false;
          old = rt_nh_set_owner_locked(h, NULL, 0);
          rt_nio_enqueue(h);
          if (h->held) {
            h->held = false;
            rt_sched_unhold();
          }
          break;
        }
      }
      pthread_mutex_unlock(&h->lock);
      rt_release(old);
      rt_nh_release(h);
    }
    rt_free(hs);
  }
}

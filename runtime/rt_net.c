/* rt_net.c — std.net and standard input: one I/O thread with epoll turns readiness
 * into messages to actors.  No scheduler thread ever blocks on the network: actors
 * only queue work (output, ownership changes, closes) and the I/O thread does the
 * reading, writing, accepting and connecting on non-blocking sockets.
 *
 * Handles.  Listeners and connections are Int handles (1, 2, 3, ... never reused),
 * found through a table sharded by handle (NSHARD locks, so tcp_send from many
 * actors rarely contends).  Each is an rt_net_h with a reference count: the table
 * holds one while the handle is open, the I/O thread's work queue one while it is
 * queued, and epoll one while the fd is registered (released by the I/O thread only,
 * after the batch of events that may still name it).  Standard input is one static
 * handle outside the table.
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
 * rt_net_owner_gone can close them when it ends or restarts.
 *
 * Threads and locks.  h->lock guards a handle's fd, state, owner and output buffer;
 * every syscall on h->fd happens under it (so an fd is never used after another
 * thread closed it, whose number may have been reused).  Lock order: h->lock, then
 * own_lock / a table shard / the work queue (Q.lock) / the scheduler's (rt_send).
 * rt_net_owner_gone takes own_lock alone, lets go, and then takes each h->lock.
 * The I/O thread's own fields (event mask, partial input line) are only its.
 *
 * Line framing: one `line` message per '\n'-terminated line, a '\r' before the '\n'
 * dropped; a line longer than NET_MAX_LINE closes the connection ("line too long").
 * At end of input a last line without '\n' is delivered too.
 *
 * Output: tcp_send/tcp_write append to the connection's buffer and queue it for the
 * I/O thread, which writes as much as the socket takes and waits for EPOLLOUT for the
 * rest.  More than NET_MAX_OUT unsent bytes close the connection ("output buffer
 * full"): a peer that does not read cannot make the program grow without bound.
 *
 * Closing: tcp_close, end of input from the peer, a line too long and the owner's end
 * all flush what is queued first (for at most CLOSE_FLUSH_MS), then close; errors and
 * a full output buffer close at once.  The owner (if it took the connection with
 * tcp_own or tcp_connect and is still the owner) then gets closed(conn, reason),
 * exactly once.  Listeners close at once, on the caller's thread (so the port is free
 * when tcp_close_listener returns).
 *
 * Quiescence: each open listener and connection, and standard input while an actor
 * reads it, holds the program (rt_sched_hold); the hold is let go after the last
 * message about the handle has been sent.
 *
 * The I/O thread starts with the first handle and never ends (as the timer thread).
 * When the network goes quiet for QUIET_TRIM_MS after activity it gives the memory
 * freed meanwhile back to the system (malloc_trim), so a server's RSS comes back down
 * after a burst of clients instead of staying at the burst's high-water mark. */
#define _GNU_SOURCE /* accept4 */
#include "rt_internal.h"
#include "rt_std.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h> /* malloc_trim */
#endif

#define NET_MAX_LINE (64 * 1024)        /* bytes in a line (without '\n') from a connection */
#define STDIN_MAX_LINE (16 * 1024 * 1024) /* ... from standard input */
#define NET_MAX_OUT (1024 * 1024)       /* unsent bytes a connection may queue */
#define CLOSE_FLUSH_MS 10000            /* a closing connection's output gets this long */
#define ACCEPT_PAUSE_MS 100             /* out of descriptors: retry accepting after this */
#define READ_CHUNK (64 * 1024)          /* one read per readiness event */
#define ACCEPT_BATCH 64                 /* accepts per readiness event */
#define KEEP_BUF (64 * 1024)            /* buffers above this are freed when emptied */
#define NSHARD 64                       /* handle table shards (a power of two) */
#define QUIET_TRIM_MS 250               /* after this long without I/O, give memory back */

typedef struct rt_net_h net_h;

enum { K_LISTENER, K_CONN, K_STDIN };
enum {
  S_RESOLVING,  /* tcp_connect: a resolver thread looks the host name up */
  S_CONNECTING, /* tcp_connect: the address is known; connect() not done or in progress */
  S_OPEN,
  S_CLOSING, /* flushing its output, then closed */
  S_CLOSED,
};
/* The handlers a handle may deliver to, by name.  ORDER EV: ev_names. */
enum { EV_LINE, EV_CLOSED, EV_CONNECTED, EV_ACCEPTED, EV_STDIN_LINE, EV_STDIN_EOF, NEV };
static const char *const ev_names[NEV] = {"line", "closed", "connected", "accepted", "stdin_line", "stdin_eof"};

struct rt_net_h {
  _Atomic uint32_t rc;
  uint8_t kind;   /* K_*, set at creation */
  int64_t id;     /* the handle; 0 for standard input */
  /* ---- under lock */
  pthread_mutex_t lock;
  int fd;             /* -1 once closed */
  uint8_t state;      /* S_* */
  bool reading;       /* deliver input: an owner took it (tcp_own, tcp_connect, stdin) */
  bool held;          /* holds the program (rt_sched_hold) */
  rt_actor *owner;    /* owned reference, or NULL */
  int32_t hid[NEV];   /* handler numbers in the owner's kind, -1 when not delivered */
  char *reason;       /* why it is closing (rt_alloc'd) */
  char *out;          /* queued output: bytes out_off..out_len of out_cap */
  size_t out_off, out_len, out_cap;
  int64_t deadline;   /* S_CLOSING: give up flushing then (ns); a paused listener: resume */
  bool paused;        /* a listener that ran out of descriptors */
  char *host;         /* S_RESOLVING: the name (rt_alloc'd) */
  int port;
  struct sockaddr_storage addr; /* S_CONNECTING: where to */
  socklen_t addrlen;
  /* ---- under own_lock: the owner's list */
  net_h *onext, *oprev;
  rt_actor *listed; /* whose list it is on, or NULL */
  /* ---- under Q.lock */
  bool queued;
  net_h *qnext;
  /* ---- the I/O thread's */
  uint32_t ev;        /* events registered with epoll; 0 = not registered */
  bool always_ready;  /* standard input that epoll refuses (a file): read every turn */
  char *in;           /* a partial line */
  size_t in_len, in_cap;
  net_h *tnext, *tprev; /* the timed list: closing connections, paused listeners */
  bool timed;
};

/* ---- the handle table ------------------------------------------------------------ */

typedef struct shard {
  alignas(64) pthread_mutex_t lock;
  net_h **slot; /* open addressing, linear probing; NULL = empty */
  size_t cap, n;
} shard;

static shard table[NSHARD];
static _Atomic int64_t last_id; /* the last handle given out */

static pthread_mutex_t own_lock = PTHREAD_MUTEX_INITIALIZER; /* every owner's list */

static struct {
  pthread_mutex_t lock; /* head, tail, each handle's queued/qnext */
  net_h *head, *tail;
  pthread_mutex_t start_lock; /* started, ep, efd */
  _Atomic bool started;
  int ep, efd;
} Q = {.lock = PTHREAD_MUTEX_INITIALIZER, .start_lock = PTHREAD_MUTEX_INITIALIZER};

static net_h stdin_h; /* standard input; fields set up by stdin_lines */
static pthread_once_t stdin_once = PTHREAD_ONCE_INIT;

static void h_retain(net_h *h) {
  /* relaxed: as rt_retain -- whoever lends us h keeps it alive meanwhile. */
  atomic_fetch_add_explicit(&h->rc, 1, memory_order_relaxed);
}

static void h_release(net_h *h) {
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
static void table_put(net_h *h) {
  shard *s = &table[h->id & (NSHARD - 1)];
  pthread_mutex_lock(&s->lock);
  table_put_locked(s, h);
  pthread_mutex_unlock(&s->lock);
}

/* The handle with this id, retained, or NULL if it is not open. */
static net_h *table_get(int64_t id) {
  if (id <= 0) return NULL;
  shard *s = &table[id & (NSHARD - 1)];
  net_h *h = NULL;
  pthread_mutex_lock(&s->lock);
  if (s->cap)
    for (size_t j = slot_of(s, id); s->slot[j]; j = (j + 1) & (s->cap - 1))
      if (s->slot[j]->id == id) {
        h = s->slot[j];
        h_retain(h);
        break;
      }
  pthread_mutex_unlock(&s->lock);
  return h;
}

/* Takes h out of the table (backward-shift deletion: no tombstones) and drops the
 * table's reference.  Under h->lock (never the last reference then: the caller's). */
static void table_remove(net_h *h) {
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
  if (found) h_release(h);
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

static int32_t handler_of(const rt_kind *k, const char *name) {
  for (uint32_t i = 0; i < k->nhandlers; i++)
    if (!strcmp(k->handler_names[i], name)) return (int32_t)i;
  return -1;
}

/* h->lock: a (borrowed) becomes h's owner, receiving the events in `evs` (a bit per
 * EV_*).  Returns the previous owner's reference, for the caller to release once it
 * holds no lock. */
static rt_actor *set_owner_locked(net_h *h, rt_actor *a, unsigned evs) {
  rt_actor *old = h->owner;
  if (a) rt_actor_ext_get(a); /* before own_lock: it may allocate */
  pthread_mutex_lock(&own_lock);
  list_remove_locked(h);
  if (a) list_add_locked(h, a);
  pthread_mutex_unlock(&own_lock);
  if (a) rt_retain(a);
  h->owner = a;
  for (int i = 0; i < NEV; i++) h->hid[i] = a && (evs & (1u << i)) ? handler_of(a->kind, ev_names[i]) : -1;
  return old;
}

/* ---- delivering messages ------------------------------------------------------------ */

/* Sends handler `hid` of `to` a message with n one-word arguments (an Int, or a String
 * the message owns from here on). */
static void deliver(rt_actor *to, int32_t hid, int n, const rt_word *args) {
  rt_msg *m = rt_msg_alloc((uint32_t)(sizeof(rt_msg) + (size_t)n * sizeof(rt_word)));
  m->id = (uint32_t)hid;
  if (n) memcpy(m + 1, args, (size_t)n * sizeof(rt_word));
  rt_send(to, m);
}

static inline rt_word w_int(int64_t v) { return (rt_word)v; }
static inline rt_word w_str(const char *p, size_t n) { return (rt_word)(uintptr_t)rt_str_new(p, (int64_t)n); }

/* h->lock: one line of input to the owner. */
static void deliver_line(net_h *h, const char *p, size_t n) {
  if (n && p[n - 1] == '\r') n--;
  if (!h->owner) return;
  if (h->kind == K_STDIN) {
    if (h->hid[EV_STDIN_LINE] < 0) return;
    rt_word a[1] = {w_str(p, n)};
    deliver(h->owner, h->hid[EV_STDIN_LINE], 1, a);
  } else {
    if (h->hid[EV_LINE] < 0) return;
    rt_word a[2] = {w_int(h->id), w_str(p, n)};
    deliver(h->owner, h->hid[EV_LINE], 2, a);
  }
}

/* ---- the work queue ---------------------------------------------------------------- */

static void io_start(void);

/* Any thread: the I/O thread should look at h (output to write, an owner to read for,
 * a close to finish). */
static void enqueue(net_h *h) {
  bool wake = false;
  pthread_mutex_lock(&Q.lock);
  if (!h->queued) {
    h->queued = true;
    h_retain(h); /* the queue's reference */
    h->qnext = NULL;
    wake = Q.head == NULL;
    if (Q.tail)
      Q.tail->qnext = h;
    else
      Q.head = h;
    Q.tail = h;
  }
  pthread_mutex_unlock(&Q.lock);
  if (wake) {
    uint64_t one = 1;
    ssize_t r;
    do r = write(Q.efd, &one, sizeof one);
    while (r < 0 && errno == EINTR);
  }
}

/* ---- the I/O thread: registration, reading, writing, closing ---------------------- */

/* A growable list of handles (the I/O thread's). */
typedef struct hvec {
  net_h **v;
  size_t n, cap;
} hvec;

static void hvec_push(hvec *a, net_h *h) {
  if (a->n == a->cap) {
    a->cap = a->cap ? 2 * a->cap : 64;
    a->v = rt_realloc(a->v, a->cap * sizeof *a->v);
  }
  a->v[a->n++] = h;
}

static hvec io_dead;    /* references to let go after the current batch of events */
static hvec io_batch;   /* the work queue, taken */
static net_h *io_timed; /* closing connections and paused listeners, with deadlines (a reference each) */
static net_h *io_ready; /* standard input that epoll refuses (a file), while read */

static void defer_release(net_h *h) { hvec_push(&io_dead, h); }

static void timed_add(net_h *h) {
  if (h->timed) return;
  h_retain(h);
  h->timed = true;
  h->tprev = NULL;
  h->tnext = io_timed;
  if (io_timed) io_timed->tprev = h;
  io_timed = h;
}

static void timed_remove(net_h *h) {
  if (!h->timed) return;
  if (h->tprev)
    h->tprev->tnext = h->tnext;
  else
    io_timed = h->tnext;
  if (h->tnext) h->tnext->tprev = h->tprev;
  h->tnext = h->tprev = NULL;
  h->timed = false;
  defer_release(h);
}

/* h->lock, I/O thread: registers the events h wants now.  epoll's reference on h is
 * taken at registration and let go after the batch that unregisters it. */
static void update_events(net_h *h) {
  uint32_t want = 0;
  if (h->fd >= 0) {
    bool pending = h->out_len > h->out_off;
    switch (h->kind) {
    case K_LISTENER:
      if (h->state == S_OPEN && !h->paused) want = EPOLLIN;
      break;
    case K_CONN:
      if (h->state == S_CONNECTING) want = EPOLLOUT;
      if (h->state == S_OPEN && h->reading) want |= EPOLLIN;
      if ((h->state == S_OPEN || h->state == S_CLOSING) && pending) want |= EPOLLOUT;
      break;
    case K_STDIN:
      if (h->always_ready) { /* not in epoll: read every turn while wanted */
        io_ready = h->state == S_OPEN && h->reading ? h : NULL;
        return;
      }
      if (h->state == S_OPEN && h->reading) want = EPOLLIN;
      break;
    }
  } else if (h->ev) { /* closed by another thread: its registration went with the fd */
    h->ev = 0;
    defer_release(h);
    return;
  }
  if (want == h->ev) return;
  struct epoll_event e = {.events = want, .data.ptr = h};
  if (h->ev == 0) {
    if (epoll_ctl(Q.ep, EPOLL_CTL_ADD, h->fd, &e) == 0) {
      h_retain(h);
    } else if (h->kind == K_STDIN) { /* a regular file or /dev/null (EPERM), or closed */
      h->always_ready = true;
      io_ready = h;
      return;
    } else {
      return; /* cannot happen with a valid socket; nothing is delivered then */
    }
  } else if (want == 0) {
    epoll_ctl(Q.ep, EPOLL_CTL_DEL, h->fd, &e);
    defer_release(h);
  } else {
    epoll_ctl(Q.ep, EPOLL_CTL_MOD, h->fd, &e);
  }
  h->ev = want;
}

static void set_reason(net_h *h, const char *why) {
  if (h->reason) return; /* the first cause stays */
  size_t n = strlen(why);
  h->reason = rt_alloc(n + 1);
  memcpy(h->reason, why, n + 1);
}

static void drop_output(net_h *h) {
  rt_free(h->out);
  h->out = NULL;
  h->out_off = h->out_len = h->out_cap = 0;
}

/* h->lock: the connection is over.  Closes the fd, tells the owner, leaves the table
 * and the owner's list, and lets go of the program. */
static void finish_conn(net_h *h, const char *why) {
  if (h->state == S_CLOSED) return;
  set_reason(h, why);
  if (h->fd >= 0) {
    if (h->ev) { /* unregister before the number can be reused */
      struct epoll_event e = {0};
      epoll_ctl(Q.ep, EPOLL_CTL_DEL, h->fd, &e);
      h->ev = 0;
      defer_release(h);
    }
    close(h->fd);
    h->fd = -1;
  }
  h->state = S_CLOSED;
  h->reading = false;
  timed_remove(h);
  drop_output(h);
  rt_free(h->in);
  h->in = NULL;
  h->in_len = h->in_cap = 0;
  if (h->owner && h->hid[EV_CLOSED] >= 0) {
    rt_word a[2] = {w_int(h->id), w_str(h->reason, strlen(h->reason))};
    deliver(h->owner, h->hid[EV_CLOSED], 2, a);
  }
  rt_actor *old = set_owner_locked(h, NULL, 0);
  table_remove(h);
  rt_release(old);
  if (h->held) {
    h->held = false;
    rt_sched_unhold(); /* after the last message about h: it holds the program now */
  }
}

/* h->lock: stop reading and flush what is queued, then close (finish_conn).  The owner
 * hears `closed` then if notify, else nothing.  Any thread. */
static void begin_close(net_h *h, const char *why, bool notify) {
  if (h->state >= S_CLOSING) return;
  set_reason(h, why);
  if (!notify) h->hid[EV_CLOSED] = -1;
  h->state = S_CLOSING;
  h->reading = false;
  h->deadline = rt_mono_ns() + (int64_t)CLOSE_FLUSH_MS * 1000000;
  enqueue(h);
}

static void reason_errno(char *buf, size_t cap, int err) { snprintf(buf, cap, "%s", strerror(err)); }

/* h->lock, I/O thread: writes queued output until the socket is full. */
static void flush_output(net_h *h) {
  while (h->fd >= 0 && h->out_len > h->out_off) {
    ssize_t w = send(h->fd, h->out + h->out_off, h->out_len - h->out_off, MSG_NOSIGNAL);
    if (w > 0) {
      h->out_off += (size_t)w;
      continue;
    }
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    char why[128];
    reason_errno(why, sizeof why, w < 0 ? errno : EPIPE);
    finish_conn(h, why);
    return;
  }
  if (h->out_off == h->out_len) { /* all out: start the buffer over (or give it back) */
    h->out_off = h->out_len = 0;
    if (h->out_cap > KEEP_BUF) drop_output(h);
  }
}

static void start_connect(net_h *h);

/* h->lock, I/O thread: what to do after a change (from the queue or an event). */
static void service(net_h *h) {
  if (h->kind == K_CONN) {
    if (h->state == S_CONNECTING && h->fd < 0) start_connect(h);
    if (h->state == S_OPEN || h->state == S_CLOSING) flush_output(h);
    if (h->state == S_CLOSING) {
      if (h->out_len == h->out_off || h->fd < 0)
        finish_conn(h, "closed");
      else
        timed_add(h);
    }
  }
  if (h->state != S_CLOSED || h->ev) update_events(h);
}

/* ---- reading lines ---------------------------------------------------------------- */

static char io_buf[READ_CHUNK]; /* the I/O thread's */

static void in_append(net_h *h, const char *p, size_t n) {
  if (h->in_len + n > h->in_cap) {
    size_t cap = h->in_cap ? h->in_cap : 256;
    while (cap < h->in_len + n) cap *= 2;
    h->in = rt_realloc(h->in, cap);
    h->in_cap = cap;
  }
  memcpy(h->in + h->in_len, p, n);
  h->in_len += n;
}

static void in_reset(net_h *h) {
  h->in_len = 0;
  if (h->in_cap > KEEP_BUF) {
    rt_free(h->in);
    h->in = NULL;
    h->in_cap = 0;
  }
}

static void stdin_finish(net_h *h);

/* h->lock, I/O thread: input too long for one line. */
static void line_too_long(net_h *h) {
  in_reset(h);
  if (h->kind == K_STDIN) {
    char msg[96];
    int n = snprintf(msg, sizeof msg, "standard input: a line longer than %d bytes; reading stops", STDIN_MAX_LINE);
    rt_out_line(stderr, msg, n);
    stdin_finish(h);
    return;
  }
  char why[64];
  snprintf(why, sizeof why, "line too long (more than %d bytes)", NET_MAX_LINE);
  begin_close(h, why, true);
}

/* h->lock, I/O thread: n bytes of input; returns false if h stopped reading. */
static bool frame(net_h *h, const char *p, size_t n) {
  size_t max = h->kind == K_STDIN ? STDIN_MAX_LINE : NET_MAX_LINE;
  while (n > 0 && h->reading) {
    const char *nl = memchr(p, '\n', n);
    size_t k = nl ? (size_t)(nl - p) : n;
    size_t len = h->in_len + k; /* the line so far, with a '\r' that ends it */
    if (nl && len && (k ? p[k - 1] : h->in[h->in_len - 1]) == '\r') len--;
    if (len > max + (nl ? 0 : 1)) { /* (+1: the last byte may be a '\r') */
      line_too_long(h);
      return false;
    }
    if (!nl) {
      in_append(h, p, k);
      return true;
    }
    if (h->in_len) {
      in_append(h, p, k);
      deliver_line(h, h->in, h->in_len);
      in_reset(h);
    } else {
      deliver_line(h, p, k);
    }
    p += k + 1;
    n -= k + 1;
  }
  return h->reading;
}

/* h->lock, I/O thread: standard input ended (or failed, or is given up). */
static void stdin_finish(net_h *h) {
  if (h->in_len) deliver_line(h, h->in, h->in_len);
  in_reset(h);
  if (h->owner && h->hid[EV_STDIN_EOF] >= 0) deliver(h->owner, h->hid[EV_STDIN_EOF], 0, NULL);
  h->state = S_CLOSED;
  h->reading = false;
  update_events(h);
  rt_actor *old = set_owner_locked(h, NULL, 0);
  rt_release(old);
  if (h->held) {
    h->held = false;
    rt_sched_unhold();
  }
}

/* h->lock, I/O thread: one read, its lines delivered. */
static void read_input(net_h *h) {
  if (h->fd < 0 || h->state != S_OPEN || !h->reading) return;
  ssize_t r;
  do r = read(h->fd, io_buf, sizeof io_buf);
  while (r < 0 && errno == EINTR);
  if (r > 0) {
    frame(h, io_buf, (size_t)r);
    return;
  }
  if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
  int err = r < 0 ? errno : 0;
  if (h->kind == K_STDIN) {
    if (err) {
      char msg[160];
      int n = snprintf(msg, sizeof msg, "standard input: %s", strerror(err));
      rt_out_line(stderr, msg, n);
    }
    stdin_finish(h);
    return;
  }
  if (h->in_len) { /* the last line, without its '\n' */
    deliver_line(h, h->in, h->in_len);
    in_reset(h);
  }
  if (err) {
    char why[128];
    reason_errno(why, sizeof why, err);
    finish_conn(h, why);
  } else {
    begin_close(h, "closed by peer", true);
  }
}

/* ---- accepting and connecting ----------------------------------------------------- */

static net_h *new_handle(uint8_t kind, int fd) {
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

static void set_nodelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* l->lock, I/O thread: accepts what is waiting; each new connection is owned by the
 * listener's owner (not read until someone calls tcp_own) and announced to it. */
static void accept_some(net_h *l) {
  for (int i = 0; i < ACCEPT_BATCH && l->fd >= 0 && l->state == S_OPEN && l->owner; i++) {
    int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        char msg[160];
        int n = snprintf(msg, sizeof msg, "tcp listener %lld: cannot accept: %s (retrying in %d ms)",
                         (long long)l->id, strerror(errno), ACCEPT_PAUSE_MS);
        rt_out_line(stderr, msg, n);
        l->paused = true;
        l->deadline = rt_mono_ns() + (int64_t)ACCEPT_PAUSE_MS * 1000000;
        timed_add(l);
      }
      return;
    }
    set_nodelay(fd);
    net_h *c = new_handle(K_CONN, fd);
    rt_sched_hold(); /* the listener holds the program meanwhile */
    c->held = true;
    pthread_mutex_lock(&c->lock);
    set_owner_locked(c, l->owner, 0); /* nothing delivered until tcp_own */
    table_put(c);
    if (l->hid[EV_ACCEPTED] >= 0) {
      rt_word a[2] = {w_int(l->id), w_int(c->id)};
      deliver(l->owner, l->hid[EV_ACCEPTED], 2, a);
    }
    pthread_mutex_unlock(&c->lock);
  }
}

/* h->lock, I/O thread: connect() to the resolved address. */
static void start_connect(net_h *h) {
  if (h->reason) { /* the resolver failed */
    finish_conn(h, h->reason);
    return;
  }
  int fd = socket(h->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    char why[128];
    reason_errno(why, sizeof why, errno);
    finish_conn(h, why);
    return;
  }
  set_nodelay(fd);
  h->fd = fd;
  int r;
  do r = connect(fd, (struct sockaddr *)&h->addr, h->addrlen);
  while (r < 0 && errno == EINTR);
  if (r < 0 && errno != EINPROGRESS) {
    char why[128];
    reason_errno(why, sizeof why, errno);
    finish_conn(h, why);
  }
  /* in progress (or done): EPOLLOUT tells (connect_done) */
}

/* h->lock, I/O thread: EPOLLOUT on a connecting socket. */
static void connect_done(net_h *h) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(h->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
  if (err == EINPROGRESS || err == EALREADY) return;
  if (err) {
    char why[128];
    reason_errno(why, sizeof why, err);
    finish_conn(h, why);
    return;
  }
  h->state = S_OPEN;
  if (h->owner && h->hid[EV_CONNECTED] >= 0) {
    rt_word a[1] = {w_int(h->id)};
    deliver(h->owner, h->hid[EV_CONNECTED], 1, a);
  }
}

/* ---- the loop ---------------------------------------------------------------------- */

static void on_event(net_h *h, uint32_t events) {
  pthread_mutex_lock(&h->lock);
  if (h->fd >= 0) {
    switch (h->kind) {
    case K_LISTENER:
      accept_some(h);
      break;
    case K_CONN:
      if (h->state == S_CONNECTING) {
        if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) connect_done(h);
        break;
      }
      if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) read_input(h);
      if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) flush_output(h);
      break;
    case K_STDIN:
      read_input(h);
      break;
    }
  }
  service(h);
  pthread_mutex_unlock(&h->lock);
}

/* Deadlines: closing connections that could not flush in time are closed; listeners
 * paused for lack of descriptors accept again. */
static void check_timed(int64_t now) {
  net_h *h = io_timed;
  while (h) {
    net_h *next = h->tnext;
    pthread_mutex_lock(&h->lock);
    if (h->deadline <= now) {
      timed_remove(h);
      if (h->kind == K_LISTENER) {
        h->paused = false;
      } else if (h->state == S_CLOSING) {
        drop_output(h);
        finish_conn(h, "closed");
      }
      service(h);
    }
    pthread_mutex_unlock(&h->lock);
    h = next;
  }
}

static void *io_main(void *arg) {
  (void)arg;
  struct epoll_event evs[256];
  bool active = false; /* something happened since the last trim */
  for (;;) {
    int timeout = io_ready ? 0 : io_timed ? 100 : active ? QUIET_TRIM_MS : -1;
    int n = epoll_wait(Q.ep, evs, 256, timeout);
    if (n < 0) n = 0; /* EINTR */
    if (n == 0 && active && timeout == QUIET_TRIM_MS) {
      /* The network has gone quiet after a burst: what the burst's buffers and
       * messages took, freed since, goes back to the system (glibc keeps freed
       * memory below the top of each heap otherwise), so a server's memory comes
       * down after the load does. */
#ifdef __GLIBC__
      malloc_trim(0);
#endif
      active = false;
      continue;
    }
    if (n > 0) active = true;
    for (int i = 0; i < n; i++) {
      if (evs[i].data.ptr == NULL) { /* the queue's eventfd: clear it before taking the queue */
        uint64_t v;
        ssize_t r = read(Q.efd, &v, sizeof v);
        (void)r;
        continue;
      }
      on_event(evs[i].data.ptr, evs[i].events);
    }
    if (io_ready) on_event(io_ready, EPOLLIN);
    pthread_mutex_lock(&Q.lock); /* take the queue: once unqueued, h may be queued again */
    for (net_h *h = Q.head; h; h = h->qnext) {
      h->queued = false;
      hvec_push(&io_batch, h);
    }
    Q.head = Q.tail = NULL;
    pthread_mutex_unlock(&Q.lock);
    for (size_t i = 0; i < io_batch.n; i++) {
      net_h *h = io_batch.v[i];
      pthread_mutex_lock(&h->lock);
      service(h);
      pthread_mutex_unlock(&h->lock);
      defer_release(h); /* the queue's reference */
    }
    io_batch.n = 0;
    if (io_timed) check_timed(rt_mono_ns());
    for (size_t i = 0; i < io_dead.n; i++) h_release(io_dead.v[i]);
    io_dead.n = 0;
  }
  return NULL;
}

/* Starts the I/O thread (once). */
static void io_start(void) {
  /* acquire: pairs with the release below: ep and efd are set. */
  if (atomic_load_explicit(&Q.started, memory_order_acquire)) return;
  pthread_mutex_lock(&Q.start_lock);
  if (!atomic_load_explicit(&Q.started, memory_order_relaxed)) { /* relaxed: under the lock */
    Q.ep = epoll_create1(EPOLL_CLOEXEC);
    Q.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (Q.ep < 0 || Q.efd < 0) {
      fprintf(stderr, "actor runtime: cannot start the I/O thread: %s\n", strerror(errno));
      exit(70);
    }
    struct epoll_event e = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(Q.ep, EPOLL_CTL_ADD, Q.efd, &e);
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    pthread_t th;
    int err = pthread_create(&th, &at, io_main, NULL);
    pthread_attr_destroy(&at);
    if (err) {
      fprintf(stderr, "actor runtime: cannot start the I/O thread: %s\n", strerror(err));
      exit(70);
    }
    atomic_store_explicit(&Q.started, true, memory_order_release);
  }
  pthread_mutex_unlock(&Q.start_lock);
}

/* ---- owners that end ------------------------------------------------------------------- */

/* h->lock: a listener closes now, on the calling thread. */
static void close_listener_locked(net_h *h) {
  if (h->state == S_CLOSED) return;
  if (h->fd >= 0) {
    close(h->fd); /* its epoll registration goes with it; the I/O thread drops its reference */
    h->fd = -1;
  }
  h->state = S_CLOSED;
  rt_actor *old = set_owner_locked(h, NULL, 0);
  table_remove(h);
  if (h->ev || h->timed) enqueue(h);
  rt_release(old);
  if (h->held) {
    h->held = false;
    rt_sched_unhold();
  }
}

void rt_net_owner_gone(rt_actor *a) {
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
      h_retain(h); /* listed implies open: the table's reference is still there */
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
          close_listener_locked(h);
          break;
        case K_CONN:
          if (h->state == S_CLOSED) break;
          old = set_owner_locked(h, NULL, 0);
          if (h->state < S_CLOSING) begin_close(h, "owner gone", false);
          break;
        case K_STDIN: /* paused: a later stdin_lines() goes on where it stopped */
          h->reading = false;
          old = set_owner_locked(h, NULL, 0);
          enqueue(h);
          if (h->held) {
            h->held = false;
            rt_sched_unhold();
          }
          break;
        }
      }
      pthread_mutex_unlock(&h->lock);
      rt_release(old);
      h_release(h);
    }
    rt_free(hs);
  }
}

/* ---- addresses ------------------------------------------------------------------------ */

/* Numeric hosts (IPv4 or IPv6), "localhost", and "" or "*" (every IPv4 interface) are
 * turned into an address here, without blocking.  False for a name to look up. */
static bool numeric_addr(const char *host, int port, struct sockaddr_storage *ss, socklen_t *len) {
  memset(ss, 0, sizeof *ss);
  if (!strcmp(host, "localhost")) host = "127.0.0.1";
  struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
  if (!*host || !strcmp(host, "*")) {
    v4->sin_family = AF_INET;
    v4->sin_addr.s_addr = htonl(INADDR_ANY);
    v4->sin_port = htons((uint16_t)port);
    *len = sizeof *v4;
    return true;
  }
  if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
    *len = sizeof *v4;
    return true;
  }
  const char *h6 = host;
  char buf[64];
  size_t hl = strlen(host);
  if (hl > 2 && host[0] == '[' && host[hl - 1] == ']' && hl - 2 < sizeof buf) { /* [::1] */
    memcpy(buf, host + 1, hl - 2);
    buf[hl - 2] = 0;
    h6 = buf;
  }
  if (inet_pton(AF_INET6, h6, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)port);
    *len = sizeof *v6;
    return true;
  }
  return false;
}

static void addr_str(const struct sockaddr_storage *ss, char *buf, size_t cap) {
  char ip[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (ss->ss_family == AF_INET) {
    const struct sockaddr_in *v4 = (const struct sockaddr_in *)ss;
    inet_ntop(AF_INET, &v4->sin_addr, ip, sizeof ip);
    port = ntohs(v4->sin_port);
    snprintf(buf, cap, "%s:%d", ip, port);
  } else if (ss->ss_family == AF_INET6) {
    const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)ss;
    inet_ntop(AF_INET6, &v6->sin6_addr, ip, sizeof ip);
    port = ntohs(v6->sin6_port);
    snprintf(buf, cap, "[%s]:%d", ip, port);
  } else {
    snprintf(buf, cap, "?");
  }
}

/* ---- failing the caller ------------------------------------------------------------------ */

_Noreturn static void net_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn static void net_fail(const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  rt_fail(msg, NULL);
}

static rt_actor *caller(const char *fn) {
  rt_actor *a = rt_cur.actor;
  if (!a) net_fail("%s() must be called by an actor", fn);
  return a;
}

static void check_port(const char *fn, int64_t port) {
  if (port < 0 || port > 65535) net_fail("%s: port %lld out of range (0 to 65535)", fn, (long long)port);
}

/* The open connection with this handle, retained; NULL if it was open once and is
 * closed now.  Fails the caller for a handle never given out, or a listener. */
static net_h *conn_of(const char *fn, int64_t id) {
  net_h *h = table_get(id);
  /* relaxed: a handle the caller has was given out before it got it. */
  if (!h && (id <= 0 || id > atomic_load_explicit(&last_id, memory_order_relaxed)))
    net_fail("%s: there is no connection %lld", fn, (long long)id);
  if (h && h->kind != K_CONN) {
    h_release(h);
    net_fail("%s: %lld is a listener, not a connection", fn, (long long)id);
  }
  return h;
}

/* ---- the API (stdlib/net.actor) -------------------------------------------------------- */

int64_t tcp_listen(rt_str *host, int64_t port) {
  rt_actor *self = caller("tcp_listen");
  const char *hs = host ? host->data : "";
  check_port("tcp_listen", port);
  struct sockaddr_storage ss;
  socklen_t len;
  if (!numeric_addr(hs, (int)port, &ss, &len))
    net_fail("tcp_listen: \"%.200s\" is not an IP address (give a numeric address, localhost, or \"\" for any)", hs);
  char where[300];
  snprintf(where, sizeof where, "%s:%lld", *hs ? hs : "*", (long long)port);
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) net_fail("tcp_listen %s: %s", where, strerror(errno));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, SOMAXCONN) < 0) {
    int err = errno;
    close(fd);
    net_fail("tcp_listen %s: %s", where, strerror(err));
  }
  io_start();
  net_h *h = new_handle(K_LISTENER, fd);
  rt_sched_hold();
  h->held = true;
  pthread_mutex_lock(&h->lock);
  set_owner_locked(h, self, 1u << EV_ACCEPTED);
  table_put(h);
  enqueue(h);
  int64_t id = h->id;
  pthread_mutex_unlock(&h->lock); /* from here on h may be closed and freed */
  return id;
}

static void *resolver_main(void *arg) {
  net_h *h = arg;
  char port[16];
  snprintf(port, sizeof port, "%d", h->port); /* host and port are not changed meanwhile */
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
  int err = getaddrinfo(h->host, port, &hints, &res);
  pthread_mutex_lock(&h->lock);
  if (h->state == S_RESOLVING) {
    if (err || !res) {
      char why[300];
      snprintf(why, sizeof why, "cannot resolve %.200s: %s", h->host, err ? gai_strerror(err) : "no address");
      set_reason(h, why);
    } else {
      memcpy(&h->addr, res->ai_addr, res->ai_addrlen);
      h->addrlen = res->ai_addrlen;
    }
    h->state = S_CONNECTING;
    enqueue(h);
  }
  pthread_mutex_unlock(&h->lock);
  if (res) freeaddrinfo(res);
  h_release(h);
  rt_pool_thread_exit();
  return NULL;
}

int64_t tcp_connect(rt_str *host, int64_t port) {
  rt_actor *self = caller("tcp_connect");
  const char *hs = host ? host->data : "";
  check_port("tcp_connect", port);
  if (!*hs) net_fail("tcp_connect: no host");
  io_start();
  net_h *h = new_handle(K_CONN, -1);
  h->port = (int)port;
  bool numeric = numeric_addr(hs, (int)port, &h->addr, &h->addrlen);
  h->state = numeric ? S_CONNECTING : S_RESOLVING;
  h->reading = true;
  rt_sched_hold();
  h->held = true;
  pthread_mutex_lock(&h->lock);
  set_owner_locked(h, self, 1u << EV_CONNECTED | 1u << EV_LINE | 1u << EV_CLOSED);
  table_put(h);
  if (numeric) {
    enqueue(h);
  } else { /* a name: looked up on a thread of its own (getaddrinfo blocks) */
    size_t n = strlen(hs);
    h->host = rt_alloc(n + 1);
    memcpy(h->host, hs, n + 1);
    h_retain(h);
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    pthread_t th;
    int err = pthread_create(&th, &at, resolver_main, h);
    pthread_attr_destroy(&at);
    if (err) {
      h_release(h);
      set_reason(h, "cannot start a resolver thread");
      h->state = S_CONNECTING;
      enqueue(h);
    }
  }
  int64_t id = h->id;
  pthread_mutex_unlock(&h->lock); /* from here on h may be closed and freed */
  return id;
}

void tcp_own(int64_t conn) {
  rt_actor *self = caller("tcp_own");
  net_h *h = conn_of("tcp_own", conn);
  if (!h) { /* closed already: the new owner hears so */
    int32_t hid = handler_of(self->kind, "closed");
    if (hid >= 0) {
      rt_word a[2] = {w_int(conn), w_str("closed", 6)};
      deliver(self, hid, 2, a);
    }
    return;
  }
  rt_actor *old = NULL;
  pthread_mutex_lock(&h->lock);
  if (h->state < S_CLOSING) {
    old = set_owner_locked(h, self, 1u << EV_LINE | 1u << EV_CLOSED);
    h->reading = true;
    enqueue(h);
  } else { /* closing: the new owner hears `closed` when it is */
    old = set_owner_locked(h, self, 1u << EV_CLOSED);
  }
  pthread_mutex_unlock(&h->lock);
  rt_release(old);
  h_release(h);
}

/* Appends text (and a newline) to the connection's output. */
static void queue_output(const char *fn, int64_t conn, rt_str *text, bool newline) {
  net_h *h = conn_of(fn, conn);
  if (!h) return; /* closed: the owner has been (or will be) told */
  size_t n = text ? (size_t)text->len : 0, total = n + (newline ? 1 : 0);
  pthread_mutex_lock(&h->lock);
  if (h->state < S_CLOSING) {
    size_t pending = h->out_len - h->out_off;
    if (pending + total > NET_MAX_OUT) {
      char why[96];
      snprintf(why, sizeof why, "output buffer full (more than %d bytes unsent)", NET_MAX_OUT);
      drop_output(h);
      begin_close(h, why, true);
    } else {
      if (h->out_len + total > h->out_cap) {
        if (h->out_off) { /* move what is left to the front */
          memmove(h->out, h->out + h->out_off, pending);
          h->out_len = pending;
          h->out_off = 0;
        }
        if (h->out_len + total > h->out_cap) {
          size_t cap = h->out_cap ? h->out_cap : 1024;
          while (cap < h->out_len + total) cap *= 2;
          h->out = rt_realloc(h->out, cap);
          h->out_cap = cap;
        }
      }
      if (n) memcpy(h->out + h->out_len, text->data, n);
      if (newline) h->out[h->out_len + n] = '\n';
      h->out_len += total;
      if (pending == 0) enqueue(h); /* else already on its way */
    }
  }
  pthread_mutex_unlock(&h->lock);
  h_release(h);
}

void tcp_send(int64_t conn, rt_str *text) { queue_output("tcp_send", conn, text, true); }
void tcp_write(int64_t conn, rt_str *text) { queue_output("tcp_write", conn, text, false); }

void tcp_close(int64_t handle) {
  net_h *h = table_get(handle);
  /* relaxed: as in conn_of */
  if (!h && (handle <= 0 || handle > atomic_load_explicit(&last_id, memory_order_relaxed)))
    net_fail("tcp_close: there is no connection %lld", (long long)handle);
  if (!h) return;
  pthread_mutex_lock(&h->lock);
  if (h->kind == K_LISTENER)
    close_listener_locked(h);
  else
    begin_close(h, "closed", true);
  pthread_mutex_unlock(&h->lock);
  h_release(h);
}

void tcp_close_listener(int64_t listener) {
  net_h *h = table_get(listener);
  /* relaxed: as in conn_of */
  if (!h && (listener <= 0 || listener > atomic_load_explicit(&last_id, memory_order_relaxed)))
    net_fail("tcp_close_listener: there is no listener %lld", (long long)listener);
  if (!h) return;
  if (h->kind != K_LISTENER) {
    h_release(h);
    net_fail("tcp_close_listener: %lld is a connection, not a listener", (long long)listener);
  }
  pthread_mutex_lock(&h->lock);
  close_listener_locked(h);
  pthread_mutex_unlock(&h->lock);
  h_release(h);
}

/* The local port of a listener or connection (the one the system chose for port 0);
 * 0 once it is closed. */
int64_t tcp_port(int64_t handle) {
  net_h *h = table_get(handle);
  if (!h) return 0;
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  int64_t port = 0;
  pthread_mutex_lock(&h->lock);
  if (h->fd >= 0 && getsockname(h->fd, (struct sockaddr *)&ss, &len) == 0)
    port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port : ((struct sockaddr_in *)&ss)->sin_port);
  pthread_mutex_unlock(&h->lock);
  h_release(h);
  return port;
}

/* "ADDRESS:PORT" of the other end, or "" (not connected, or closed). */
rt_str *tcp_peer(int64_t conn) {
  net_h *h = conn_of("tcp_peer", conn);
  char buf[INET6_ADDRSTRLEN + 16] = "";
  if (h) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    pthread_mutex_lock(&h->lock);
    if (h->fd >= 0 && h->state != S_CONNECTING && getpeername(h->fd, (struct sockaddr *)&ss, &len) == 0)
      addr_str(&ss, buf, sizeof buf);
    pthread_mutex_unlock(&h->lock);
    h_release(h);
  }
  return rt_str_new(buf, (int64_t)strlen(buf));
}

/* ---- standard input (stdlib/io.actor) --------------------------------------------------- */

static void stdin_init(void) {
  atomic_init(&stdin_h.rc, 1); /* static: never freed */
  stdin_h.kind = K_STDIN;
  pthread_mutex_init(&stdin_h.lock, NULL);
  stdin_h.fd = 0;
  stdin_h.state = S_OPEN;
  for (int i = 0; i < NEV; i++) stdin_h.hid[i] = -1;
}

void stdin_lines(void) {
  rt_actor *self = caller("stdin_lines");
  pthread_once(&stdin_once, stdin_init);
  io_start();
  net_h *h = &stdin_h;
  rt_actor *old = NULL;
  bool ended = false;
  pthread_mutex_lock(&h->lock);
  if (h->state == S_OPEN) {
    old = set_owner_locked(h, self, 1u << EV_STDIN_LINE | 1u << EV_STDIN_EOF);
    h->reading = true;
    if (!h->held) {
      h->held = true;
      rt_sched_hold();
    }
    enqueue(h);
  } else {
    ended = true;
  }
  pthread_mutex_unlock(&h->lock);
  rt_release(old);
  if (ended) { /* read to the end already (sent without the lock: a send may run
                * another actor's turn nested, which could call us) */
    int32_t hid = handler_of(self->kind, "stdin_eof");
    if (hid >= 0) deliver(self, hid, 0, NULL);
  }
}

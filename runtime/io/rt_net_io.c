/* rt_net_io.c — the I/O thread: one epoll loop (level-triggered, non-blocking
 * sockets) that reads, writes, accepts and connects for every handle, and the work
 * queue through which actors hand it work.
 *
 * Line framing: one `line` message per '\n'-terminated line, a '\r' before the '\n'
 * dropped; a line longer than NET_MAX_LINE closes the connection ("line too long").
 * At end of input a last line without '\n' is delivered too.
 *
 * Flow control (rt_net_flow.c): while the owner is too far behind, a handle is muted:
 * framing stops after the line that got there, the rest of the read waits unframed in
 * h->in (h->stalled), and no more is read; once the owner catches up, resume_input
 * frames what waited before anything more is read, so lines keep their order and the
 * end of input still comes after the last of them.
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
 * The I/O thread starts with the first handle and never ends (as the timer thread).
 * When the network goes quiet for QUIET_TRIM_MS after activity it gives the memory
 * freed meanwhile back to the system (malloc_trim), so a server's RSS comes back down
 * after a burst of clients instead of staying at the burst's high-water mark. */
#define _GNU_SOURCE /* accept4 */
#include "io/rt_net.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h> /* malloc_trim */
#endif

#define NET_MAX_LINE (64 * 1024)        /* bytes in a line (without '\n') from a connection */
#define STDIN_MAX_LINE (16 * 1024 * 1024) /* ... from standard input */
#define CLOSE_FLUSH_MS 10000            /* a closing connection's output gets this long */
#define ACCEPT_PAUSE_MS 100             /* out of descriptors: retry accepting after this */
#define READ_CHUNK (64 * 1024)          /* one read per readiness event */
#define ACCEPT_BATCH 64                 /* accepts per readiness event */
#define KEEP_BUF (64 * 1024)            /* buffers above this are freed when emptied */
#define QUIET_TRIM_MS 250               /* after this long without I/O, give memory back */

static struct {
  pthread_mutex_t lock; /* head, tail, each handle's queued/qnext */
  net_h *head, *tail;
  pthread_mutex_t start_lock; /* started, ep, efd */
  _Atomic bool started;
  int ep, efd;
} Q = {.lock = PTHREAD_MUTEX_INITIALIZER, .start_lock = PTHREAD_MUTEX_INITIALIZER};

/* ---- the work queue ---------------------------------------------------------------- */

/* Any thread: the I/O thread should look at h (output to write, an owner to read for,
 * a close to finish). */
void rt_nio_enqueue(net_h *h) {
  bool wake = false;
  pthread_mutex_lock(&Q.lock);
  if (!h->queued) {
    h->queued = true;
    rt_nh_retain(h); /* the queue's reference */
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
  rt_nh_retain(h);
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

/* h->lock, I/O thread: whether to read h now: an owner reads it, and it is not muted
 * (rt_net_flow.c) nor holding input read before it was. */
static bool wants_input(net_h *h) { return h->state == S_OPEN && h->reading && !h->stalled && !rt_nf_muted(h); }

/* h->lock, I/O thread: whether epoll should watch h for input.  A muted handle stays
 * registered until input comes while it is muted (h->in_off): an owner that catches
 * up before the peer sends more costs no epoll_ctl. */
static bool watch_input(net_h *h) { return h->state == S_OPEN && h->reading && !h->in_off; }

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
      if (watch_input(h)) want |= EPOLLIN;
      if ((h->state == S_OPEN || h->state == S_CLOSING) && pending) want |= EPOLLOUT;
      break;
    case K_STDIN:
      if (h->always_ready) { /* not in epoll: read every turn while wanted */
        io_ready = wants_input(h) ? h : NULL;
        return;
      }
      if (watch_input(h)) want = EPOLLIN;
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
      rt_nh_retain(h);
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

void rt_nio_set_reason(net_h *h, const char *why) {
  if (h->reason) return; /* the first cause stays */
  size_t n = strlen(why);
  h->reason = rt_alloc(n + 1);
  memcpy(h->reason, why, n + 1);
}

void rt_nio_drop_output(net_h *h) {
  rt_free(h->out);
  h->out = NULL;
  h->out_off = h->out_len = h->out_cap = 0;
}

/* h->lock: the connection is over.  Closes the fd, tells the owner, leaves the table
 * and the owner's list, and lets go of the program. */
static void finish_conn(net_h *h, const char *why) {
  if (h->state == S_CLOSED) return;
  rt_nio_set_reason(h, why);
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
  rt_nio_drop_output(h);
  rt_free(h->in); /* with input read while muted, if any: nobody will handle it now */
  h->in = NULL;
  h->in_len = h->in_cap = 0;
  h->stalled = false;
  if (h->owner && h->hid[EV_CLOSED] >= 0) {
    rt_word a[2] = {w_int(h->id), w_str(h->reason, strlen(h->reason))};
    rt_nh_deliver(h->owner, h->hid[EV_CLOSED], 2, a);
  }
  rt_actor *old = rt_nh_set_owner_locked(h, NULL, 0);
  rt_nh_remove(h);
  rt_release(old);
  if (h->held) {
    h->held = false;
    rt_sched_unhold(); /* after the last message about h: it holds the program now */
  }
}

/* h->lock: stop reading and flush what is queued, then close (finish_conn).  The owner
 * hears `closed` then if notify, else nothing.  Any thread. */
void rt_nio_begin_close(net_h *h, const char *why, bool notify) {
  if (h->state >= S_CLOSING) return;
  rt_nio_set_reason(h, why);
  if (!notify) h->hid[EV_CLOSED] = -1;
  h->state = S_CLOSING;
  h->reading = false;
  h->deadline = rt_mono_ns() + (int64_t)CLOSE_FLUSH_MS * 1000000;
  rt_nio_enqueue(h);
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
    if (h->out_cap > KEEP_BUF) rt_nio_drop_output(h);
  }
}

static void start_connect(net_h *h);
static void resume_input(net_h *h);

/* h->lock, I/O thread: what to do after a change (from the queue or an event). */
static void service(net_h *h) {
  if (h->stalled || rt_nf_muted(h)) resume_input(h);
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

/* h->lock: one line of input to the owner (counted until handled: rt_net_flow.c). */
static void deliver_line(net_h *h, const char *p, size_t n) {
  if (n && p[n - 1] == '\r') n--;
  if (!h->owner) return;
  if (h->kind == K_STDIN) {
    if (h->hid[EV_STDIN_LINE] < 0) return;
    rt_word a[1] = {w_str(p, n)};
    rt_nf_send_line(h, h->hid[EV_STDIN_LINE], 1, a, n);
  } else {
    if (h->hid[EV_LINE] < 0) return;
    rt_word a[2] = {w_int(h->id), w_str(p, n)};
    rt_nf_send_line(h, h->hid[EV_LINE], 2, a, n);
  }
}

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
  rt_nio_begin_close(h, why, true);
}

/* h->lock, I/O thread: n bytes of input; returns false if h stopped reading.  Once the
 * owner is too far behind (h muted) the rest waits unframed in h->in (h stalled) until
 * it catches up (resume_input). */
static bool frame(net_h *h, const char *p, size_t n) {
  size_t max = h->kind == K_STDIN ? STDIN_MAX_LINE : NET_MAX_LINE;
  while (n > 0 && h->reading) {
    if (rt_nf_muted(h)) { /* after a line (h->in is empty then), or at the start */
      in_append(h, p, n);
      h->stalled = true;
      return true;
    }
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
  if (h->owner && h->hid[EV_STDIN_EOF] >= 0) rt_nh_deliver(h->owner, h->hid[EV_STDIN_EOF], 0, NULL);
  h->state = S_CLOSED;
  h->reading = false;
  update_events(h);
  rt_actor *old = rt_nh_set_owner_locked(h, NULL, 0);
  rt_release(old);
  if (h->held) {
    h->held = false;
    rt_sched_unhold();
  }
}

/* h->lock, I/O thread: the owner has caught up (or h was muted for an owner that is
 * gone): unmute h and frame the input that waited, before reading any more. */
static void resume_input(net_h *h) {
  if (!rt_nf_resume(h)) return;
  h->in_off = false; /* epoll watches it again */
  if (!h->stalled || h->state != S_OPEN || !h->reading) return;
  char *p = h->in;
  size_t n = h->in_len;
  h->in = NULL;
  h->in_len = h->in_cap = 0;
  h->stalled = false;
  frame(h, p, n); /* may mute and stall h again */
  rt_free(p);
}

/* h->lock, I/O thread: one read, its lines delivered. */
static void read_input(net_h *h) {
  if (h->fd < 0) return;
  if (!wants_input(h)) {
    if (h->stalled || rt_nf_muted(h)) h->in_off = true; /* input came while muted: stop watching */
    return;
  }
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
    rt_nio_begin_close(h, "closed by peer", true);
  }
}

/* ---- accepting and connecting ----------------------------------------------------- */

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
    net_h *c = rt_nh_new(K_CONN, fd);
    rt_sched_hold(); /* the listener holds the program meanwhile */
    c->held = true;
    pthread_mutex_lock(&c->lock);
    rt_nh_set_owner_locked(c, l->owner, 0); /* nothing delivered until tcp_own */
    rt_nh_put(c);
    if (l->hid[EV_ACCEPTED] >= 0) {
      rt_word a[2] = {w_int(l->id), w_int(c->id)};
      rt_nh_deliver(l->owner, l->hid[EV_ACCEPTED], 2, a);
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
    rt_nh_deliver(h->owner, h->hid[EV_CONNECTED], 1, a);
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
        rt_nio_drop_output(h);
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
    for (size_t i = 0; i < io_dead.n; i++) rt_nh_release(io_dead.v[i]);
    io_dead.n = 0;
  }
  return NULL;
}

/* Starts the I/O thread (once). */
void rt_nio_start(void) {
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
    int err = rt_thread_detached(io_main, NULL, 0);
    if (err) {
      fprintf(stderr, "actor runtime: cannot start the I/O thread: %s\n", strerror(err));
      exit(70);
    }
    atomic_store_explicit(&Q.started, true, memory_order_release);
  }
  pthread_mutex_unlock(&Q.start_lock);
}

/* ---- closing listeners ------------------------------------------------------------------ */

/* h->lock: a listener closes now, on the calling thread. */
void rt_nio_close_listener_locked(net_h *h) {
  if (h->state == S_CLOSED) return;
  if (h->fd >= 0) {
    close(h->fd); /* its epoll registration goes with it; the I/O thread drops its reference */
    h->fd = -1;
  }
  h->state = S_CLOSED;
  rt_actor *old = rt_nh_set_owner_locked(h, NULL, 0);
  rt_nh_remove(h);
  if (h->ev || h->timed) rt_nio_enqueue(h);
  rt_release(old);
  if (h->held) {
    h->held = false;
    rt_sched_unhold();
  }
}

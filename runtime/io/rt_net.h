/* rt_net.h — the I/O layer (runtime/io/): what its three files share with each other
 * and with std.net's and std.io's C halves (stdlib/net.c), which are their only users
 * above; the .actor side sees the functions in stdlib/actor_std.h.  The core knows
 * nothing of it: the first owner of a handle registers the hooks through which the
 * core hands it line messages and actors that end (rt_nh_set_owner_locked).
 *
 *   rt_net_handle.c  rt_nh_*   handles: the struct, reference counts, the table,
 *                              owners (and owners that end), delivering messages
 *   rt_net_io.c      rt_nio_*  the I/O thread: the work queue, the epoll loop,
 *                              reading and framing lines, writing, closing,
 *                              accepting, connecting
 *   rt_net_flow.c    rt_nf_*   flow control of input: lines as system messages,
 *                              counted until handled; reading stops while the
 *                              owner is behind
 *   stdlib/net.c               the API called from .actor code (stdlib/net.actor,
 *                              stdlib/io.actor's stdin_lines), addresses, failures
 *
 * One I/O thread with epoll turns readiness into messages to actors.  No scheduler
 * thread ever blocks on the network: actors only queue work (output, ownership
 * changes, closes) and the I/O thread does the reading, writing, accepting and
 * connecting on non-blocking sockets.
 *
 * Threads and locks.  h->lock guards a handle's fd, state, owner and output buffer;
 * every syscall on h->fd happens under it (so an fd is never used after another
 * thread closed it, whose number may have been reused).  Lock order: h->lock, then
 * own_lock / a table shard / the work queue (Q.lock) / the scheduler's (rt_send).
 * rt_net_owner_gone takes own_lock alone, lets go, and then takes each h->lock.
 * The I/O thread's own fields (event mask, partial input line) are only its.
 *
 * Quiescence: each open listener and connection, and standard input while an actor
 * reads it, holds the program (rt_sched_hold); the hold is let go after the last
 * message about the handle has been sent. */
#ifndef RT_NET_H
#define RT_NET_H

#include "core/rt_core.h"

#include <sys/socket.h>

typedef struct rt_net_h net_h;

enum { K_LISTENER, K_CONN, K_STDIN };
enum {
  S_RESOLVING,  /* tcp_connect: a resolver thread looks the host name up */
  S_CONNECTING, /* tcp_connect: the address is known; connect() not done or in progress */
  S_OPEN,
  S_CLOSING, /* flushing its output, then closed */
  S_CLOSED,
};

/* The handlers a handle may deliver to, by name.  ORDER EV: ev_names (rt_net_handle.c). */
enum { EV_LINE, EV_CLOSED, EV_CONNECTED, EV_ACCEPTED, EV_STDIN_LINE, EV_STDIN_EOF, NEV };

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
  /* ---- under own_lock (rt_net_handle.c): the owner's list */
  net_h *onext, *oprev;
  rt_actor *listed; /* whose list it is on, or NULL */
  /* ---- under Q.lock (rt_net_io.c) */
  bool queued;
  net_h *qnext;
  /* ---- the I/O thread's */
  uint32_t ev;        /* events registered with epoll; 0 = not registered */
  bool always_ready;  /* standard input that epoll refuses (a file): read every turn */
  char *in;           /* a partial line */
  size_t in_len, in_cap;
  net_h *tnext, *tprev; /* the timed list: closing connections, paused listeners */
  bool timed;
  bool stalled;       /* `in` holds input read while muted, not framed yet (may hold lines) */
  bool in_off;        /* input came while muted: EPOLLIN is off until unmuted */
  /* ---- flow control (rt_net_flow.c): atomic; `muted` written by the I/O thread only */
  _Atomic uint64_t unhandled; /* lines sent to the owner and not yet handled: count | bytes << 24 */
  _Atomic bool muted;         /* too many: input is neither framed nor read */
};

/* ---- rt_net_handle.c: handles, the table, owners, delivering ------------------------ */

net_h *rt_nh_new(uint8_t kind, int fd); /* open, no owner; its reference is for the table */
void rt_nh_retain(net_h *h);
void rt_nh_release(net_h *h);
void rt_nh_put(net_h *h);               /* enters the table, with the reference rt_nh_new gave */
net_h *rt_nh_get(int64_t id);           /* the open handle with this id, retained, or NULL */
void rt_nh_remove(net_h *h);            /* h->lock: leaves the table (its reference dropped) */
bool rt_nh_given(int64_t id);           /* whether id was ever given out */
int32_t rt_nh_handler_of(const rt_kind *k, const char *name); /* its number, or -1 */
/* h->lock: a becomes the owner, for the events in evs (a bit per EV_*); returns the
 * old owner's reference, to release once no lock is held. */
rt_actor *rt_nh_set_owner_locked(net_h *h, rt_actor *a, unsigned evs);
/* Sends `to` handler hid's message with n one-word arguments (Strings owned by it). */
void rt_nh_deliver(rt_actor *to, int32_t hid, int n, const rt_word *args);
/* The core's hook (rt_actor_on_gone), on the thread running actor a, when a ends or
 * restarts: the connections, listeners and standard input it owns are closed (or, for
 * standard input, paused) -- its state, which held their handles, is gone.  Cheap
 * when a owns none. */
void rt_nh_owner_gone(rt_actor *a);

static inline rt_word w_int(int64_t v) { return (rt_word)v; }
static inline rt_word w_str(const char *p, size_t n) { return (rt_word)(uintptr_t)rt_str_new(p, (int64_t)n); }

/* ---- rt_net_io.c: the I/O thread -------------------------------------------------- */

void rt_nio_start(void);                           /* starts the I/O thread (once) */
void rt_nio_enqueue(net_h *h);                     /* any thread: the I/O thread should look at h */
void rt_nio_set_reason(net_h *h, const char *why); /* h->lock: the first cause stays */
void rt_nio_drop_output(net_h *h);                 /* h->lock: queued output is dropped */
/* h->lock, any thread: stop reading, flush, then close; `closed` to the owner if notify. */
void rt_nio_begin_close(net_h *h, const char *why, bool notify);
void rt_nio_close_listener_locked(net_h *h);       /* h->lock: closes now, on the calling thread */

/* ---- rt_net_flow.c: flow control of input ----------------------------------------- */

/* The watermarks (per connection, and for standard input): reading stops at 1024 lines
 * or 1 MiB sent to the owner and not yet handled, and starts again once the owner is
 * down to 512 lines and 512 KiB.  The low one leaves an owner that keeps up enough
 * work to do while the I/O thread wakes up and reads on (at 128, a fast reader of a
 * big file ran dry and parked between refills: about 40% more CPU). */
#define FLOW_HIGH_LINES 1024
#define FLOW_HIGH_BYTES (1024 * 1024)
#define FLOW_LOW_LINES 512
#define FLOW_LOW_BYTES (512 * 1024)

/* net_h.unhandled: lines in the low RT_NF_LINE_BITS bits, bytes above them. */
#define RT_NF_LINE_BITS 24
static inline uint64_t rt_nf_lines(uint64_t v) { return v & ((UINT64_C(1) << RT_NF_LINE_BITS) - 1); }
static inline uint64_t rt_nf_bytes(uint64_t v) { return v >> RT_NF_LINE_BITS; }

/* h->lock, I/O thread: sends the owner's handler hid a line (n one-word arguments, the
 * line's String among them, len bytes), counted until handled; mutes h when the owner
 * is too far behind. */
void rt_nf_send_line(net_h *h, int32_t hid, int n, const rt_word *args, size_t len);
bool rt_nf_muted(net_h *h);  /* I/O thread: whether h is muted */
/* The core's hooks for RT_MSG_NET_LINE (rt_actor_sysmsg_register): a line reached its
 * owner a: run its handler (may fail), then count the line consumed (its connection
 * may be read again once enough are); or a line that will not be handled (a dead
 * letter, a failed handler): consumed too. */
void rt_nf_line_handle(rt_actor *a, rt_msg *m);
void rt_nf_line_drop(rt_actor *a, rt_msg *m);
bool rt_nf_resume(net_h *h); /* h->lock, I/O thread: unmutes h if the owner caught up; false if still muted */

#endif

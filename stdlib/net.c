/* net.c — std.net's functions and std.io's stdin_lines, as .actor code calls them
 * (stdlib/net.actor, stdlib/io.actor; actor_std.h): they check their arguments, fail the
 * calling actor for bad calls, and hand the work to the I/O thread (runtime/io/).
 * Nothing here blocks on the network: tcp_listen binds at once (a numeric address
 * only), tcp_connect resolves a host name on a thread of its own, and output is
 * queued (at most NET_MAX_OUT unsent bytes a connection).  runtime/io/rt_net.h says
 * how the I/O layer's files and this one share the work. */
#include "io/rt_net.h"
#include "actor_std.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <unistd.h>

#define NET_MAX_OUT (1024 * 1024) /* unsent bytes a connection may queue */

static net_h stdin_h; /* standard input; fields set up by stdin_lines */
static pthread_once_t stdin_once = PTHREAD_ONCE_INIT;

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
  net_h *h = rt_nh_get(id);
  if (!h && !rt_nh_given(id))
    net_fail("%s: there is no connection %lld", fn, (long long)id);
  if (h && h->kind != K_CONN) {
    rt_nh_release(h);
    net_fail("%s: %lld is a listener, not a connection", fn, (long long)id);
  }
  return h;
}

/* ---- the API (stdlib/net.actor) -------------------------------------------------------- */

int64_t actor_std_net_tcp_listen(rt_str *host, int64_t port) {
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
  rt_nio_start();
  net_h *h = rt_nh_new(K_LISTENER, fd);
  rt_sched_hold();
  h->held = true;
  pthread_mutex_lock(&h->lock);
  rt_nh_set_owner_locked(h, self, 1u << EV_ACCEPTED);
  rt_nh_put(h);
  rt_nio_enqueue(h);
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
      rt_nio_set_reason(h, why);
    } else {
      memcpy(&h->addr, res->ai_addr, res->ai_addrlen);
      h->addrlen = res->ai_addrlen;
    }
    h->state = S_CONNECTING;
    rt_nio_enqueue(h);
  }
  pthread_mutex_unlock(&h->lock);
  if (res) freeaddrinfo(res);
  rt_nh_release(h);
  rt_pool_thread_exit();
  return NULL;
}

int64_t actor_std_net_tcp_connect(rt_str *host, int64_t port) {
  rt_actor *self = caller("tcp_connect");
  const char *hs = host ? host->data : "";
  check_port("tcp_connect", port);
  if (!*hs) net_fail("tcp_connect: no host");
  rt_nio_start();
  net_h *h = rt_nh_new(K_CONN, -1);
  h->port = (int)port;
  bool numeric = numeric_addr(hs, (int)port, &h->addr, &h->addrlen);
  h->state = numeric ? S_CONNECTING : S_RESOLVING;
  h->reading = true;
  rt_sched_hold();
  h->held = true;
  pthread_mutex_lock(&h->lock);
  rt_nh_set_owner_locked(h, self, 1u << EV_CONNECTED | 1u << EV_LINE | 1u << EV_CLOSED);
  rt_nh_put(h);
  if (numeric) {
    rt_nio_enqueue(h);
  } else { /* a name: looked up on a thread of its own (getaddrinfo blocks) */
    size_t n = strlen(hs);
    h->host = rt_alloc(n + 1);
    memcpy(h->host, hs, n + 1);
    rt_nh_retain(h);
    if (rt_thread_detached(resolver_main, h, 0) != 0) {
      rt_nh_release(h);
      rt_nio_set_reason(h, "cannot start a resolver thread");
      h->state = S_CONNECTING;
      rt_nio_enqueue(h);
    }
  }
  int64_t id = h->id;
  pthread_mutex_unlock(&h->lock); /* from here on h may be closed and freed */
  return id;
}

void actor_std_net_tcp_own(int64_t conn) {
  rt_actor *self = caller("tcp_own");
  net_h *h = conn_of("tcp_own", conn);
  if (!h) { /* closed already: the new owner hears so */
    int32_t hid = rt_nh_handler_of(self->kind, "closed");
    if (hid >= 0) {
      rt_word a[2] = {w_int(conn), w_str("closed", 6)};
      rt_nh_deliver(self, hid, 2, a);
    }
    return;
  }
  rt_actor *old = NULL;
  pthread_mutex_lock(&h->lock);
  if (h->state < S_CLOSING) {
    old = rt_nh_set_owner_locked(h, self, 1u << EV_LINE | 1u << EV_CLOSED);
    h->reading = true;
    rt_nio_enqueue(h);
  } else { /* closing: the new owner hears `closed` when it is */
    old = rt_nh_set_owner_locked(h, self, 1u << EV_CLOSED);
  }
  pthread_mutex_unlock(&h->lock);
  rt_release(old);
  rt_nh_release(h);
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
      rt_nio_drop_output(h);
      rt_nio_begin_close(h, why, true);
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
      if (pending == 0) rt_nio_enqueue(h); /* else already on its way */
    }
  }
  pthread_mutex_unlock(&h->lock);
  rt_nh_release(h);
}

void actor_std_net_tcp_send(int64_t conn, rt_str *text) { queue_output("tcp_send", conn, text, true); }
void actor_std_net_tcp_write(int64_t conn, rt_str *text) { queue_output("tcp_write", conn, text, false); }

void actor_std_net_tcp_close(int64_t handle) {
  net_h *h = rt_nh_get(handle);
  if (!h && !rt_nh_given(handle))
    net_fail("tcp_close: there is no connection %lld", (long long)handle);
  if (!h) return;
  pthread_mutex_lock(&h->lock);
  if (h->kind == K_LISTENER)
    rt_nio_close_listener_locked(h);
  else
    rt_nio_begin_close(h, "closed", true);
  pthread_mutex_unlock(&h->lock);
  rt_nh_release(h);
}

void actor_std_net_tcp_close_listener(int64_t listener) {
  net_h *h = rt_nh_get(listener);
  if (!h && !rt_nh_given(listener))
    net_fail("tcp_close_listener: there is no listener %lld", (long long)listener);
  if (!h) return;
  if (h->kind != K_LISTENER) {
    rt_nh_release(h);
    net_fail("tcp_close_listener: %lld is a connection, not a listener", (long long)listener);
  }
  pthread_mutex_lock(&h->lock);
  rt_nio_close_listener_locked(h);
  pthread_mutex_unlock(&h->lock);
  rt_nh_release(h);
}

/* The local port of a listener or connection (the one the system chose for port 0);
 * 0 once it is closed. */
int64_t actor_std_net_tcp_port(int64_t handle) {
  net_h *h = rt_nh_get(handle);
  if (!h) return 0;
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  int64_t port = 0;
  pthread_mutex_lock(&h->lock);
  if (h->fd >= 0 && getsockname(h->fd, (struct sockaddr *)&ss, &len) == 0)
    port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port : ((struct sockaddr_in *)&ss)->sin_port);
  pthread_mutex_unlock(&h->lock);
  rt_nh_release(h);
  return port;
}

/* "ADDRESS:PORT" of the other end, or "" (not connected, or closed). */
rt_str *actor_std_net_tcp_peer(int64_t conn) {
  net_h *h = conn_of("tcp_peer", conn);
  char buf[INET6_ADDRSTRLEN + 16] = "";
  if (h) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    pthread_mutex_lock(&h->lock);
    if (h->fd >= 0 && h->state != S_CONNECTING && getpeername(h->fd, (struct sockaddr *)&ss, &len) == 0)
      addr_str(&ss, buf, sizeof buf);
    pthread_mutex_unlock(&h->lock);
    rt_nh_release(h);
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

void actor_std_io_stdin_lines(void) {
  rt_actor *self = caller("stdin_lines");
  pthread_once(&stdin_once, stdin_init);
  rt_nio_start();
  net_h *h = &stdin_h;
  rt_actor *old = NULL;
  bool ended = false;
  pthread_mutex_lock(&h->lock);
  if (h->state == S_OPEN) {
    old = rt_nh_set_owner_locked(h, self, 1u << EV_STDIN_LINE | 1u << EV_STDIN_EOF);
    h->reading = true;
    if (!h->held) {
      h->held = true;
      rt_sched_hold();
    }
    rt_nio_enqueue(h);
  } else {
    ended = true;
  }
  pthread_mutex_unlock(&h->lock);
  rt_release(old);
  if (ended) { /* read to the end already (sent without the lock: a send may run
                * another actor's turn nested, which could call us) */
    int32_t hid = rt_nh_handler_of(self->kind, "stdin_eof");
    if (hid >= 0) rt_nh_deliver(self, hid, 0, NULL);
  }
}

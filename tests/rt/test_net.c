/* test_net.c — the I/O thread (rt_net*.c) as programs use it through std.net and
 * std.io: thousands of connections between actors (connect, accept, own, echo,
 * close from the server), line framing of input that arrives in pieces ("\r\n",
 * empty lines, a last line without '\n'), the line-length limit, close from the
 * client (end of input, reset), an owner that fails (its connections, accepted ones
 * not yet owned and its listener close; the program ends), a supervised owner that
 * restarts and listens again on the same port, quiescence (a listener keeps the
 * program alive until it closes), the output limit, standard input from a pipe
 * (flooded first: flow control), refused connections (numeric, localhost, a name
 * looked up), handing a connection to another actor (not read before), the failures
 * of bad calls, and flow control of input (rt_net_flow.c): a peer flooding a slow
 * owner, and owners that fail while their connection is muted.
 *
 * Clients are either actors (tcp_connect) or plain threads with sockets.  Delivered
 * messages are laid out as the compiler lays them out: { rt_msg; one word per
 * argument } (a line wrapped in the runtime's RT_MSG_NET_LINE, which the tests never
 * see: kind->dispatch gets the handler's message). */
#include "rt_test.h"
#include "io/rt_net.h" /* white-box: a handle's flow-control count (rt_net_flow.c) */
#include "actor_std.h" /* the C halves of stdlib/net.actor and io.actor */

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

static const uint8_t no_answers[16];

/* ---- messages and kinds ----------------------------------------------------------------- */

/* Every test kind has these handlers, in this order (the runtime finds the ones it
 * delivers to by name).  start and go are tmsg; the others are delivered. */
enum { H_START, H_ACCEPTED, H_LINE, H_CLOSED, H_CONNECTED, H_STDIN_LINE, H_STDIN_EOF, H_GO };
static const char *const net_names[] = {"start", "accepted", "line", "closed", "connected", "stdin_line", "stdin_eof", "go"};

typedef struct nmsg {
  rt_msg h;
  rt_word a, b;
} nmsg;

static void net_drop_msg(rt_msg *m) {
  nmsg *n = (nmsg *)m;
  switch (m->id) {
  case H_START:
  case H_GO: tmsg_drop(m); break;
  case H_LINE:
  case H_CLOSED: rt_release((rt_str *)(uintptr_t)n->b); break;
  case H_STDIN_LINE: rt_release((rt_str *)(uintptr_t)n->a); break;
  }
}

#define NET_KIND(var, NAME, DISPATCH, STATE_T, NH)                                                             \
  static const rt_kind var = {.name = NAME, .size = RT_ACTOR_STATE_OFFSET + sizeof(STATE_T), .nhandlers = NH, \
                              .handler_names = net_names, .handler_answers = no_answers, .down_handler = -1,  \
                              .dispatch = DISPATCH, .drop_msg = net_drop_msg, .drop_state = t_nop_actor,      \
                              .drop_params = t_nop_actor}

static int64_t conn_arg(rt_msg *m) { return (int64_t)((nmsg *)m)->a; }
static int64_t accepted_conn(rt_msg *m) { return (int64_t)((nmsg *)m)->b; } /* accepted(listener, conn) */
/* A String argument (NULL is the empty string). */
static const char *str_data(rt_word w) { return w ? ((rt_str *)(uintptr_t)w)->data : ""; }
static const char *text_arg(rt_msg *m) { return str_data(((nmsg *)m)->b); }
static int64_t text_len(rt_msg *m) { return rt_str_len((rt_str *)(uintptr_t)((nmsg *)m)->b); }

static rt_str *S(const char *s) { return rt_str_new(s, (int64_t)strlen(s)); }
/* A String local released however the function ends (a failure unwinds through it). */
static void str_cleanup(rt_str **p) { rt_release(*p); }
#define LOCAL_STR __attribute__((cleanup(str_cleanup))) rt_str *
static void send_str(int64_t conn, const char *s) {
  rt_str *t = S(s);
  actor_std_net_tcp_send(conn, t);
  rt_release(t);
}
static int64_t listen_local(int64_t port) {
  LOCAL_STR h = S("127.0.0.1");
  return actor_std_net_tcp_listen(h, port);
}

static rt_actor *start_actor(const rt_kind *k, int64_t a, int64_t b) {
  rt_actor *x = rt_spawn(k);
  rt_actor_start(x);
  tsend(x, H_START, a, b, NULL);
  return x;
}

/* ---- plain clients (threads with blocking sockets) ------------------------------------- */

static _Atomic int g_port; /* the port the test's listener got */

static int wait_port(void) {
  for (int i = 0; i < 5000 && !atomic_load(&g_port); i++) usleep(1000);
  return atomic_load(&g_port);
}

static int cli_connect(int port, int rcvbuf) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct timeval tv = {10, 0}; /* never hang the test */
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (rcvbuf) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/* A socket bound to 127.0.0.1 on a port the system chose (*port), not listening. */
static int bound_loopback(int *port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  bind(fd, (struct sockaddr *)&a, sizeof a);
  getsockname(fd, (struct sockaddr *)&a, &len);
  *port = ntohs(a.sin_port);
  return fd;
}

static void cli_write(int fd, const char *s, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
    if (w <= 0) return;
    s += w;
    n -= (size_t)w;
  }
}
static void cli_puts(int fd, const char *s) { cli_write(fd, s, strlen(s)); }

/* Reads until end of input (returns the bytes read, or -1 on a timeout or error). */
static long cli_read_all(int fd, char *buf, size_t cap) {
  size_t got = 0;
  for (;;) {
    char tmp[4096];
    ssize_t r = recv(fd, tmp, sizeof tmp, 0);
    if (r == 0) break;
    if (r < 0) return errno == ECONNRESET ? (long)got : -1;
    size_t k = (size_t)r;
    if (got + k >= cap) k = cap - 1 - got;
    memcpy(buf + got, tmp, k);
    got += k;
  }
  buf[got] = 0;
  return (long)got;
}

/* Reads one line (without '\n'); false on end of input or a timeout. */
static bool cli_getline(int fd, char *buf, size_t cap) {
  size_t n = 0;
  for (;;) {
    char c;
    ssize_t r = recv(fd, &c, 1, 0);
    if (r <= 0) return false;
    if (c == '\n') break;
    if (n + 1 < cap) buf[n++] = c;
  }
  buf[n] = 0;
  return true;
}

static pthread_t spawn_thread(void *(*fn)(void *), void *arg) {
  pthread_t th;
  pthread_create(&th, NULL, fn, arg);
  return th;
}

/* ---- recording what actors receive ---------------------------------------------------- */

#define MAXLINES 64
static struct {
  pthread_mutex_t lock;
  char *lines[MAXLINES];
  int64_t lens[MAXLINES];
  int nlines;
  char reasons[8][128];
  int nclosed;
} rec = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void rec_reset(void) {
  pthread_mutex_lock(&rec.lock);
  for (int i = 0; i < rec.nlines; i++) free(rec.lines[i]);
  memset(rec.lines, 0, sizeof rec.lines);
  rec.nlines = rec.nclosed = 0;
  pthread_mutex_unlock(&rec.lock);
}
static void rec_line(const char *s, int64_t len) {
  pthread_mutex_lock(&rec.lock);
  if (rec.nlines < MAXLINES) {
    rec.lens[rec.nlines] = len;
    rec.lines[rec.nlines++] = strdup(len > 200 ? "(long)" : s);
  }
  pthread_mutex_unlock(&rec.lock);
}
static int rec_closed(const char *reason) {
  pthread_mutex_lock(&rec.lock);
  int n = rec.nclosed++;
  if (n < 8) snprintf(rec.reasons[n], sizeof rec.reasons[n], "%s", reason);
  pthread_mutex_unlock(&rec.lock);
  return n + 1;
}
static int rec_nclosed(void) {
  pthread_mutex_lock(&rec.lock);
  int n = rec.nclosed;
  pthread_mutex_unlock(&rec.lock);
  return n;
}

/* ==== 1. many connections between actors ================================================== */
/* A server owns every connection it accepts and echoes each line; "bye" makes it close
 * the connection (after the echoes queued before).  Each client actor connects, sends
 * K lines (some in two tcp_write pieces), checks the echoes come back in order, says
 * bye and expects closed("closed by peer"); the server hears closed("closed") for each
 * and closes its listener after the last, which ends the program. */
#define ECHO_K 5
static _Atomic int echo_ok, echo_accepted, echo_server_closed, echo_bad;
static int echo_n;

typedef struct srv_state {
  int64_t listener;
  int64_t closed;
} srv_state;

typedef struct cli_state {
  int64_t conn, idx, next;
} cli_state;

static void echo_client_dispatch(rt_actor *self, rt_msg *m);
NET_KIND(echo_client_kind, "EchoClient", echo_client_dispatch, cli_state, 8);

static void echo_server_dispatch(rt_actor *self, rt_msg *m) {
  srv_state *s = STATE(self, srv_state);
  switch (m->id) {
  case H_START: {
    s->listener = listen_local(0);
    int64_t port = actor_std_net_tcp_port(s->listener);
    for (int i = 0; i < echo_n; i++) {
      tspawn_send(&echo_client_kind, H_GO, port, i, NULL);
    }
    break;
  }
  case H_ACCEPTED:
    atomic_fetch_add(&echo_accepted, 1);
    actor_std_net_tcp_own(accepted_conn(m));
    break;
  case H_LINE:
    if (!strcmp(text_arg(m), "bye")) {
      actor_std_net_tcp_close(conn_arg(m));
    } else {
      char buf[128];
      snprintf(buf, sizeof buf, "echo %s", text_arg(m));
      send_str(conn_arg(m), buf);
    }
    break;
  case H_CLOSED:
    if (strcmp(text_arg(m), "closed")) atomic_fetch_add(&echo_bad, 1);
    atomic_fetch_add(&echo_server_closed, 1);
    if (++s->closed == echo_n) actor_std_net_tcp_close_listener(s->listener);
    break;
  }
}
NET_KIND(echo_server_kind, "EchoServer", echo_server_dispatch, srv_state, 8);

static void echo_client_dispatch(rt_actor *self, rt_msg *m) {
  cli_state *s = STATE(self, cli_state);
  char buf[128];
  switch (m->id) {
  case H_GO: {
    tmsg *t = (tmsg *)m;
    s->idx = t->b;
    rt_str *host = S(t->b % 2 ? "127.0.0.1" : "localhost");
    s->conn = actor_std_net_tcp_connect(host, t->a);
    rt_release(host);
    break;
  }
  case H_CONNECTED:
    for (int j = 0; j < ECHO_K; j++) {
      if (j % 2) { /* in two pieces */
        snprintf(buf, sizeof buf, "c%lld ", (long long)s->idx);
        rt_str *a = S(buf);
        actor_std_net_tcp_write(s->conn, a);
        rt_release(a);
        snprintf(buf, sizeof buf, "%d", j);
        send_str(s->conn, buf);
      } else {
        snprintf(buf, sizeof buf, "c%lld %d", (long long)s->idx, j);
        send_str(s->conn, buf);
      }
    }
    break;
  case H_LINE:
    snprintf(buf, sizeof buf, "echo c%lld %lld", (long long)s->idx, (long long)s->next);
    if (strcmp(text_arg(m), buf) || conn_arg(m) != s->conn) atomic_fetch_add(&echo_bad, 1);
    if (++s->next == ECHO_K) send_str(s->conn, "bye");
    break;
  case H_CLOSED:
    if (s->next == ECHO_K && !strcmp(text_arg(m), "closed by peer"))
      atomic_fetch_add(&echo_ok, 1);
    else
      atomic_fetch_add(&echo_bad, 1);
    rt_stop(self);
    break;
  }
}

static void many_connections(void) {
  echo_n = (int)t_scale(2000);
  struct rlimit rl; /* two descriptors per connection here, and some to spare */
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && (rlim_t)(2 * echo_n + 200) > rl.rlim_cur)
    echo_n = rl.rlim_cur > 400 ? (int)(rl.rlim_cur - 200) / 2 : 100;
  int64_t t0 = rt_mono_ns();
  rt_actor *srv = start_actor(&echo_server_kind, 0, 0);
  rt_sched_run();
  CHECK_EQ(atomic_load(&echo_accepted), echo_n);
  CHECK_EQ(atomic_load(&echo_ok), echo_n);
  CHECK_EQ(atomic_load(&echo_server_closed), echo_n);
  CHECK_EQ(atomic_load(&echo_bad), 0);
  rt_release(srv);
  fprintf(stderr, "many_connections: %d clients in %.2f s\n", echo_n, (rt_mono_ns() - t0) / 1e9);
}

/* ==== 2. framing, limits and closes, against plain clients ================================ */
/* A collector owns what it accepts and records lines and close reasons; after
 * `collect_until` closes it closes its listener.  With collect_close_after it closes
 * a connection itself when that line arrives. */
static int collect_until;
static const char *collect_close_after;

static void collector_dispatch(rt_actor *self, rt_msg *m) {
  srv_state *s = STATE(self, srv_state);
  switch (m->id) {
  case H_START:
    s->listener = listen_local(0);
    atomic_store(&g_port, (int)actor_std_net_tcp_port(s->listener));
    break;
  case H_ACCEPTED: actor_std_net_tcp_own(accepted_conn(m)); break;
  case H_LINE:
    rec_line(text_arg(m), text_len(m));
    if (collect_close_after && !strcmp(text_arg(m), collect_close_after)) {
      send_str(conn_arg(m), "goodbye");
      actor_std_net_tcp_close(conn_arg(m));
      send_str(conn_arg(m), "never sent"); /* after tcp_close: dropped */
    }
    break;
  case H_CLOSED:
    if (rec_closed(text_arg(m)) == collect_until) actor_std_net_tcp_close_listener(s->listener);
    break;
  }
}
NET_KIND(collector_kind, "Collector", collector_dispatch, srv_state, 8);

static void run_collector(void *(*client)(void *), int until, const char *close_after) {
  rec_reset();
  atomic_store(&g_port, 0);
  collect_until = until;
  collect_close_after = close_after;
  rt_actor *a = start_actor(&collector_kind, 0, 0);
  pthread_t th = spawn_thread(client, NULL);
  rt_sched_run();
  pthread_join(th, NULL);
  rt_release(a);
}

static _Atomic long cli_result;
static char cli_buf[1 << 16];

static void *pieces_client(void *arg) {
  int fd = cli_connect(wait_port(), 0);
  cli_puts(fd, "hel");
  usleep(20000);
  cli_puts(fd, "lo\r\nwor");
  usleep(20000);
  cli_puts(fd, "ld\n\n\r\nlast");
  shutdown(fd, SHUT_WR);
  atomic_store(&cli_result, cli_read_all(fd, cli_buf, sizeof cli_buf));
  close(fd);
  return NULL;
}

static void partial_lines(void) {
  run_collector(pieces_client, 1, NULL);
  CHECK_EQ(rec.nlines, 5);
  if (rec.nlines == 5) {
    CHECK(!strcmp(rec.lines[0], "hello"));
    CHECK(!strcmp(rec.lines[1], "world"));
    CHECK(!strcmp(rec.lines[2], ""));
    CHECK(!strcmp(rec.lines[3], ""));
    CHECK(!strcmp(rec.lines[4], "last")); /* the last line, without '\n' */
  }
  CHECK_EQ(rec.nclosed, 1);
  CHECK(!strcmp(rec.reasons[0], "closed by peer"));
  CHECK_EQ(atomic_load(&cli_result), 0); /* the server closed after our end of input */
}

static void *long_line_client(void *arg) {
  int fd = cli_connect(wait_port(), 0);
  static char big[70001];
  memset(big, 'y', 65536);
  memcpy(big + 65536, "\r\n", 2);
  cli_write(fd, big, 65538); /* exactly the limit, with "\r\n": a line */
  memset(big, 'x', 70000);
  cli_write(fd, big, 70000); /* over it */
  atomic_store(&cli_result, cli_read_all(fd, cli_buf, sizeof cli_buf));
  close(fd);
  return NULL;
}

static void long_line(void) {
  run_collector(long_line_client, 1, NULL);
  CHECK_EQ(rec.nlines, 1);
  CHECK_EQ(rec.lens[0], 65536);
  CHECK_EQ(rec.nclosed, 1);
  CHECK(!strcmp(rec.reasons[0], "line too long (more than 65536 bytes)"));
  CHECK(atomic_load(&cli_result) >= 0); /* the server closed it: end of input, not a timeout */
}

/* The server closes: what it queued before tcp_close arrives, nothing after. */
static void *server_closes_client(void *arg) {
  int fd = cli_connect(wait_port(), 0);
  cli_puts(fd, "one\nplease close\n");
  long r = cli_read_all(fd, cli_buf, sizeof cli_buf);
  atomic_store(&cli_result, !strcmp(cli_buf, "goodbye\n") && r == 8);
  close(fd);
  return NULL;
}

static void server_closes(void) {
  run_collector(server_closes_client, 1, "please close");
  CHECK_EQ(rec.nlines, 2);
  CHECK(rec.nclosed == 1 && !strcmp(rec.reasons[0], "closed"));
  CHECK_EQ(atomic_load(&cli_result), 1); /* "goodbye", then the end, and not "never sent" */
}

/* The client resets the connection (SO_LINGER 0): one closed, whatever its reason. */
static void *reset_client(void *arg) {
  int fd = cli_connect(wait_port(), 0);
  cli_puts(fd, "x\n");
  usleep(20000);
  struct linger lg = {1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close(fd);
  return NULL;
}

static void client_resets(void) {
  run_collector(reset_client, 1, NULL);
  CHECK_EQ(rec.nclosed, 1);
  CHECK(!strcmp(rec.reasons[0], "Connection reset by peer") || !strcmp(rec.reasons[0], "closed by peer"));
}

/* ==== 3. an owner that fails ================================================================ */
/* Fragile owns the first connection it accepts and leaves the second unowned; "die"
 * fails it.  Both connections and the listener close, and the program ends. */
static void fragile_dispatch(rt_actor *self, rt_msg *m) {
  srv_state *s = STATE(self, srv_state);
  switch (m->id) {
  case H_START:
    s->listener = listen_local(0);
    atomic_store(&g_port, (int)actor_std_net_tcp_port(s->listener));
    break;
  case H_ACCEPTED:
    if (s->closed++ == 0) actor_std_net_tcp_own(accepted_conn(m));
    break;
  case H_LINE:
    if (!strcmp(text_arg(m), "die")) rt_fail("boom", "fragile.actor:1:1");
    break;
  }
}
NET_KIND(fragile_kind, "Fragile", fragile_dispatch, srv_state, 8);

static _Atomic long fragile_eof[2];
static void *fragile_client(void *arg) {
  int port = wait_port();
  int a = cli_connect(port, 0);
  usleep(30000); /* accepted (and owned) first */
  int b = cli_connect(port, 0);
  usleep(30000);
  cli_puts(a, "hello\ndie\n");
  atomic_store(&fragile_eof[0], cli_read_all(a, cli_buf, sizeof cli_buf));
  atomic_store(&fragile_eof[1], cli_read_all(b, cli_buf, sizeof cli_buf));
  close(a);
  close(b);
  return NULL;
}

static void owner_fails(void) {
  atomic_store(&g_port, 0);
  char err[4096];
  t_capture_begin();
  rt_actor *a = start_actor(&fragile_kind, 0, 0);
  pthread_t th = spawn_thread(fragile_client, NULL);
  rt_sched_run(); /* ends: the listener closed with its owner */
  pthread_join(th, NULL);
  t_capture_end(err, sizeof err);
  CHECK(strstr(err, "actor Fragile#") && strstr(err, "boom"));
  CHECK_EQ(atomic_load(&fragile_eof[0]), 0); /* end of input, not a timeout */
  CHECK_EQ(atomic_load(&fragile_eof[1]), 0);
  CHECK(rt_actor_any_failed());
  rt_actor_reset_failed();
  rt_release(a);
}

/* ==== 4. a supervised owner restarts and listens on the same port again =================== */
typedef struct phoenix_state {
  int64_t listener;
  int64_t conn;
} phoenix_state;
static _Atomic int phoenix_inits;
static int phoenix_port;

static void phoenix_init(rt_actor *self) {
  phoenix_state *s = STATE(self, phoenix_state);
  atomic_fetch_add(&phoenix_inits, 1);
  s->listener = listen_local(phoenix_port); /* the old listener must be closed by now */
  if (!phoenix_port) phoenix_port = (int)actor_std_net_tcp_port(s->listener);
  atomic_store(&g_port, phoenix_port);
}
static void phoenix_dispatch(rt_actor *self, rt_msg *m) {
  phoenix_state *s = STATE(self, phoenix_state);
  switch (m->id) {
  case H_ACCEPTED:
    s->conn = accepted_conn(m);
    actor_std_net_tcp_own(s->conn);
    break;
  case H_LINE:
    if (!strcmp(text_arg(m), "die")) rt_fail("phoenix burns", "phoenix.actor:1:1");
    if (!strcmp(text_arg(m), "ping")) send_str(s->conn, "pong");
    if (!strcmp(text_arg(m), "quit")) {
      actor_std_net_tcp_close_listener(s->listener);
      actor_std_net_tcp_close(s->conn);
    }
    break;
  }
}
static const rt_kind phoenix_kind = {.name = "Phoenix", .size = RT_ACTOR_STATE_OFFSET + sizeof(phoenix_state),
                                     .nhandlers = 8, .handler_names = net_names, .handler_answers = no_answers,
                                     .down_handler = -1, .init = phoenix_init, .dispatch = phoenix_dispatch,
                                     .drop_msg = net_drop_msg, .drop_state = t_nop_actor, .drop_params = t_nop_actor};

static void nest_build(rt_actor *s) {
  rt_actor *c = rt_spawn_child(s, &phoenix_kind, 0);
  STATE(s, rt_actor *)[0] = c;
  rt_actor_start(c);
}
static void nest_drop_params(rt_actor *s) { rt_release(STATE(s, rt_actor *)[0]); }
static const rt_sup_desc nest_desc = {.strategy = RT_ONE_FOR_ONE, .nchildren = 1, .intensity = 3, .period_ms = 5000,
                                      .build = nest_build};
static const rt_kind nest_kind = {.name = "Nest", .size = RT_ACTOR_STATE_OFFSET + sizeof(rt_actor *),
                                  .down_handler = -1, .flags = RT_KIND_SUPERVISOR, .drop_state = t_nop_actor,
                                  .drop_params = nest_drop_params, .sup = &nest_desc};

static _Atomic int phoenix_ok;
static void *phoenix_client(void *arg) {
  int a = cli_connect(wait_port(), 0);
  cli_puts(a, "die\n");
  long r = cli_read_all(a, cli_buf, sizeof cli_buf); /* closed with its restarted owner */
  close(a);
  int b = -1;
  for (int i = 0; i < 200 && b < 0; i++) { /* the restarted child listens again */
    b = cli_connect(phoenix_port, 0);
    if (b < 0) usleep(5000);
  }
  char line[64] = "";
  cli_puts(b, "ping\n");
  bool got = cli_getline(b, line, sizeof line);
  cli_puts(b, "quit\n");
  long r2 = cli_read_all(b, cli_buf, sizeof cli_buf);
  close(b);
  if (getenv("NET_DEBUG")) printf("phoenix: r=%ld b=%d got=%d line=%s r2=%ld\n", r, b, got, line, r2), fflush(stdout);
  atomic_store(&phoenix_ok, r == 0 && got && !strcmp(line, "pong") && r2 == 0);
  return NULL;
}

static void owner_restarts(void) {
  atomic_store(&g_port, 0);
  char err[4096];
  t_capture_begin();
  rt_actor *sup = rt_spawn(&nest_kind);
  rt_actor_start(sup);
  pthread_t th = spawn_thread(phoenix_client, NULL);
  rt_sched_run();
  pthread_join(th, NULL);
  t_capture_end(err, sizeof err);
  CHECK(strstr(err, "phoenix burns") != NULL);
  CHECK_EQ(atomic_load(&phoenix_inits), 2);
  CHECK_EQ(atomic_load(&phoenix_ok), 1);
  CHECK(!rt_actor_any_failed()); /* supervised */
  rt_release(sup);
}

/* ==== 5. quiescence: an open listener keeps the program alive ============================ */
static _Atomic int64_t quit_sent_at;
static void *late_client(void *arg) {
  int port = wait_port();
  usleep(200000);
  int fd = cli_connect(port, 0);
  atomic_store(&quit_sent_at, rt_mono_ns());
  cli_puts(fd, "quit\n");
  cli_read_all(fd, cli_buf, sizeof cli_buf);
  close(fd);
  return NULL;
}
static void waiter_dispatch(rt_actor *self, rt_msg *m) {
  srv_state *s = STATE(self, srv_state);
  switch (m->id) {
  case H_START:
    s->listener = listen_local(0);
    atomic_store(&g_port, (int)actor_std_net_tcp_port(s->listener));
    break;
  case H_ACCEPTED: actor_std_net_tcp_own(accepted_conn(m)); break;
  case H_LINE:
    actor_std_net_tcp_close_listener(s->listener);
    actor_std_net_tcp_close(conn_arg(m));
    actor_std_net_tcp_close_listener(s->listener); /* twice: nothing more */
    break;
  }
}
NET_KIND(waiter_kind, "Waiter", waiter_dispatch, srv_state, 8);

static void quiescence(void) {
  atomic_store(&g_port, 0);
  int64_t t0 = rt_mono_ns();
  rt_actor *a = start_actor(&waiter_kind, 0, 0);
  pthread_t th = spawn_thread(late_client, NULL);
  rt_sched_run();
  int64_t t1 = rt_mono_ns();
  pthread_join(th, NULL);
  CHECK(t1 - t0 >= 200000000);                            /* not before the client came */
  CHECK(atomic_load(&quit_sent_at) && t1 - atomic_load(&quit_sent_at) < 2000000000); /* soon after */
  rt_release(a);
  /* with nothing open, a program ends at once */
  int64_t t2 = rt_mono_ns();
  rt_sched_run();
  CHECK(rt_mono_ns() - t2 < 1000000000);
}

/* ==== 6. the output limit ================================================================== */
static void flooder_dispatch(rt_actor *self, rt_msg *m) {
  srv_state *s = STATE(self, srv_state);
  switch (m->id) {
  case H_START:
    s->listener = listen_local(0);
    atomic_store(&g_port, (int)actor_std_net_tcp_port(s->listener));
    break;
  case H_ACCEPTED: {
    actor_std_net_tcp_own(accepted_conn(m));
    char line[1024];
    memset(line, 'z', sizeof line - 1);
    line[sizeof line - 1] = 0;
    rt_str *t = S(line);
    for (int i = 0; i < 16384; i++) actor_std_net_tcp_send(accepted_conn(m), t); /* 16 MiB to a peer that does not read */
    rt_release(t);
    break;
  }
  case H_CLOSED:
    rec_closed(text_arg(m));
    actor_std_net_tcp_close_listener(s->listener);
    break;
  }
}
NET_KIND(flooder_kind, "Flooder", flooder_dispatch, srv_state, 8);

static void *sleepy_client(void *arg) {
  int fd = cli_connect(wait_port(), 4096);
  for (int i = 0; i < 10000 && rec_nclosed() == 0; i++) usleep(1000);
  atomic_store(&cli_result, cli_read_all(fd, cli_buf, sizeof cli_buf) >= 0);
  close(fd);
  return NULL;
}

static void output_limit(void) {
  rec_reset();
  atomic_store(&g_port, 0);
  rt_actor *a = start_actor(&flooder_kind, 0, 0);
  pthread_t th = spawn_thread(sleepy_client, NULL);
  rt_sched_run();
  pthread_join(th, NULL);
  CHECK_EQ(rec.nclosed, 1);
  CHECK(!strcmp(rec.reasons[0], "output buffer full (more than 1048576 bytes unsent)"));
  rt_release(a);
}

/* ==== flow control: floods (used by 7 and 11) ================================================ */
/* A writer floods a connection (or standard input) with numbered lines (FLOOD_LINE
 * bytes each) as fast as it takes them, without blocking, and notes when its writes
 * block: no progress for BLOCKED_MS. */
#define FLOOD_LINE 100 /* bytes a line, with its '\n' */
#define BLOCKED_MS 200

static struct {
  _Atomic long total, written, written_at_block, max_in_flight, eagain;
  _Atomic bool blocked, done;
  _Atomic int end; /* 1: all written, then end of input; 2: an error (a reset); 3: a timeout */
  _Atomic int64_t end_ns;
  _Atomic long handled; /* lines the owners handled (for the bytes in flight) */
} fl;

static void flood_reset(long total) {
  atomic_store(&fl.total, total / FLOOD_LINE * FLOOD_LINE);
  atomic_store(&fl.written, 0);
  atomic_store(&fl.written_at_block, -1);
  atomic_store(&fl.max_in_flight, 0);
  atomic_store(&fl.eagain, 0);
  atomic_store(&fl.blocked, false);
  atomic_store(&fl.done, false);
  atomic_store(&fl.end, 0);
  atomic_store(&fl.end_ns, 0);
  atomic_store(&fl.handled, 0);
}

/* Line i of a flood: "i xxx...x\n" (prefix "f" for standard input's). */
static void flood_line(char *p, long i, const char *prefix) {
  memset(p, 'x', FLOOD_LINE - 1);
  int k = snprintf(p, 32, "%s%ld", prefix, i);
  p[k] = ' ';
  p[FLOOD_LINE - 1] = '\n';
}

/* Writes the flood to fd (non-blocking: a socket, or a pipe with a prefix); false if
 * the other end went away (or 30 s passed without progress). */
static bool flood_write(int fd, const char *prefix) {
  static char chunk[640 * FLOOD_LINE];
  long nlines = atomic_load(&fl.total) / FLOOD_LINE, next = 0;
  size_t off = 0, len = 0;
  int64_t progress = rt_mono_ns();
  while (next < nlines || off < len) {
    if (off == len) {
      off = len = 0;
      for (int k = 0; k < 640 && next < nlines; k++, next++, len += FLOOD_LINE) flood_line(chunk + len, next, prefix);
    }
    ssize_t w = *prefix ? write(fd, chunk + off, len - off) : send(fd, chunk + off, len - off, MSG_NOSIGNAL);
    if (w > 0) {
      off += (size_t)w;
      atomic_fetch_add(&fl.written, w);
      progress = rt_mono_ns();
      continue;
    }
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      atomic_fetch_add(&fl.eagain, 1);
      long in_flight = atomic_load(&fl.written) - atomic_load(&fl.handled) * FLOOD_LINE;
      if (in_flight > atomic_load(&fl.max_in_flight)) atomic_store(&fl.max_in_flight, in_flight);
      struct pollfd pf = {.fd = fd, .events = POLLOUT};
      if (poll(&pf, 1, BLOCKED_MS) == 0 && !atomic_load(&fl.blocked)) {
        atomic_store(&fl.written_at_block, atomic_load(&fl.written));
        atomic_store(&fl.blocked, true);
      }
      if (rt_mono_ns() - progress > 30000000000LL) {
        atomic_store(&fl.end, 3);
        return false;
      }
      continue;
    }
    atomic_store(&fl.end, 2);
    return false;
  }
  return true;
}

static void *flood_peer(void *arg) {
  int fd = cli_connect(wait_port(), 0);
  if (fd >= 0) {
    int sndbuf = 64 * 1024; /* a small send buffer (honoured after connect too) */
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    if (flood_write(fd, "")) {
      shutdown(fd, SHUT_WR);
      fcntl(fd, F_SETFL, 0);
      struct timeval tv = {30, 0};
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      atomic_store(&fl.end, cli_read_all(fd, cli_buf, sizeof cli_buf) == 0 ? 1 : 3);
    }
  } else {
    atomic_store(&fl.end, 2);
  }
  atomic_store(&fl.end_ns, rt_mono_ns());
  atomic_store(&fl.done, true);
  if (fd >= 0) close(fd);
  return NULL;
}

static long line_seq(rt_msg *m) { return strtol(text_arg(m), NULL, 10); }

/* White-box (rt_net.h): the lines of conn's input sent to its owner and not handled
 * yet (the one being handled included), or -1 once conn is closed. */
static long unhandled_lines(int64_t conn) {
  net_h *h = rt_nh_get(conn);
  if (!h) return -1;
  long n = (long)rt_nf_lines(atomic_load(&h->unhandled));
  rt_nh_release(h);
  return n;
}
static bool conn_muted(int64_t conn) {
  net_h *h = rt_nh_get(conn);
  bool m = h && atomic_load(&h->muted);
  if (h) rt_nh_release(h);
  return m;
}

/* In an owner's first line: holds it until conn is muted and the peer blocked (or the
 * peer is done: no flow control), at most 30 s. */
static void hold_until_blocked(int64_t conn) {
  for (int i = 0; i < 30000 && !atomic_load(&fl.done); i++) {
    if (atomic_load(&fl.blocked) && conn_muted(conn)) return;
    usleep(1000);
  }
}

static void spin_ns(int64_t ns) {
  int64_t t = rt_mono_ns();
  while (rt_mono_ns() - t < ns) {
  }
}

/* ==== 7. standard input from a pipe ======================================================= */
/* First a flood of lines "fSEQ xx..." that the reader holds at its first line until the
 * writer blocks (standard input is flow-controlled as connections are), then lines in
 * pieces. */
static _Atomic long stdin_flood_next, stdin_flood_bad;
static _Atomic bool stdin_blocked_first; /* the writer blocked before it had written all */

static void reader_dispatch(rt_actor *self, rt_msg *m) {
  switch (m->id) {
  case H_START: actor_std_io_stdin_lines(); break;
  case H_STDIN_LINE: {
    const char *t = str_data(((nmsg *)m)->a);
    if (t[0] != 'f') {
      rec_line(t, 0);
      break;
    }
    long seq = strtol(t + 1, NULL, 10);
    if (seq != atomic_load(&stdin_flood_next)) atomic_fetch_add(&stdin_flood_bad, 1);
    atomic_store(&stdin_flood_next, seq + 1);
    if (seq == 0) {
      for (int i = 0; i < 30000 && !atomic_load(&fl.blocked) && !atomic_load(&fl.done); i++) usleep(1000);
      atomic_store(&stdin_blocked_first, atomic_load(&fl.blocked) && !atomic_load(&fl.done));
    }
    break;
  }
  case H_STDIN_EOF:
    if (rec_closed("eof") == 1) actor_std_io_stdin_lines(); /* again after the end: eof at once */
    break;
  }
}
NET_KIND(reader_kind, "Reader", reader_dispatch, srv_state, 8);

static void *stdin_writer(void *arg) {
  int fd = (int)(intptr_t)arg;
  fcntl(fd, F_SETFL, O_NONBLOCK);
  bool flooded = flood_write(fd, "f");
  atomic_store(&fl.done, true);
  fcntl(fd, F_SETFL, 0);
  const char *pieces[] = {"one\ntwo\r\n", "thr", "ee\n\nlast"};
  for (int i = 0; i < 3 && flooded; i++) {
    if (i) usleep(20000);
    if (write(fd, pieces[i], strlen(pieces[i])) < 0) break;
  }
  close(fd);
  return NULL;
}

static void stdin_pipe(void) {
  rec_reset();
  int p[2];
  if (pipe(p) < 0) {
    CHECK(0);
    return;
  }
  int saved = dup(0);
  dup2(p[0], 0);
  close(p[0]);
  flood_reset(4L << 20);
  rt_actor *a = start_actor(&reader_kind, 0, 0);
  pthread_t th = spawn_thread(stdin_writer, (void *)(intptr_t)p[1]);
  rt_sched_run();
  pthread_join(th, NULL);
  dup2(saved, 0);
  close(saved);
  CHECK_EQ(rec.nlines, 5);
  if (rec.nlines == 5) {
    CHECK(!strcmp(rec.lines[0], "one"));
    CHECK(!strcmp(rec.lines[1], "two"));
    CHECK(!strcmp(rec.lines[2], "three"));
    CHECK(!strcmp(rec.lines[3], ""));
    CHECK(!strcmp(rec.lines[4], "last"));
  }
  CHECK_EQ(rec.nclosed, 2); /* eof, and eof again at once */
  fprintf(stderr, "stdin_pipe: %ld lines; the writer blocked after %ld bytes\n", atomic_load(&stdin_flood_next),
          atomic_load(&fl.written_at_block));
  CHECK(atomic_load(&stdin_blocked_first));
  CHECK(atomic_load(&fl.written_at_block) >= 0 && atomic_load(&fl.written_at_block) < atomic_load(&fl.total) / 4);
  CHECK_EQ(atomic_load(&stdin_flood_next), atomic_load(&fl.total) / FLOOD_LINE);
  CHECK_EQ(atomic_load(&stdin_flood_bad), 0);
  rt_release(a);
}

/* ==== 8. refused connections ================================================================ */
static int dial_port;
static char dial_host[256];
static void dialer_dispatch(rt_actor *self, rt_msg *m) {
  switch (m->id) {
  case H_START: {
    const char *hosts[] = {"127.0.0.1", "localhost", dial_host};
    for (int i = 0; i < 3; i++) {
      if (!hosts[i][0]) continue;
      rt_str *h = S(hosts[i]);
      actor_std_net_tcp_connect(h, dial_port);
      rt_release(h);
    }
    break;
  }
  case H_CONNECTED: rec_line("connected?", 0); break;
  case H_CLOSED: rec_closed(text_arg(m)); break;
  }
}
NET_KIND(dialer_kind, "Dialer", dialer_dispatch, srv_state, 8);

static void refused(void) {
  rec_reset();
  /* a port nobody listens on: bound and closed */
  close(bound_loopback(&dial_port));
  /* a host name the resolver thread can look up quickly (from /etc/hosts), if any */
  dial_host[0] = 0;
  char name[200];
  struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res = NULL;
  if (gethostname(name, sizeof name) == 0 && getaddrinfo(name, NULL, &hints, &res) == 0 &&
      ((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr == htonl(INADDR_LOOPBACK))
    snprintf(dial_host, sizeof dial_host, "%s", name);
  if (res) freeaddrinfo(res);
  int want = dial_host[0] ? 3 : 2;
  rt_actor *d = start_actor(&dialer_kind, 0, 0);
  rt_sched_run();
  CHECK_EQ(rec.nlines, 0);
  CHECK_EQ(rec.nclosed, want);
  for (int i = 0; i < rec.nclosed && i < 8; i++) CHECK(!strcmp(rec.reasons[i], "Connection refused"));
  rt_release(d);
}

/* ==== 9. handing a connection to another actor ============================================= */
/* Acceptor's kind has no `line` handler: input must not be read before Handler owns
 * the connection, or "early" would be lost.  Acceptor stops once Handler took it
 * (its listener closes; the connection, Handler's now, stays). */
static void handler_dispatch(rt_actor *self, rt_msg *m);
NET_KIND(handler_kind, "Handler", handler_dispatch, srv_state, 8);
typedef struct acc_state {
  int64_t listener;
} acc_state;
static void acceptor_dispatch(rt_actor *self, rt_msg *m) {
  acc_state *s = STATE(self, acc_state);
  switch (m->id) {
  case 0: /* start */
    s->listener = listen_local(0);
    atomic_store(&g_port, (int)actor_std_net_tcp_port(s->listener));
    break;
  case 1: { /* accepted(listener, conn) */
    tspawn_send(&handler_kind, H_GO, accepted_conn(m), 0, self);
    break;
  }
  case 2: /* taken */
    rt_stop(self);
    break;
  }
}
static void acceptor_drop(rt_msg *m) {
  if (m->id != 1) tmsg_drop(m); /* accepted(listener, conn) holds no reference */
}
static const char *const acceptor_names[] = {"start", "accepted", "taken"};
static const rt_kind acceptor_kind = {.name = "Acceptor", .size = RT_ACTOR_STATE_OFFSET + sizeof(acc_state),
                                      .nhandlers = 3, .handler_names = acceptor_names, .handler_answers = no_answers,
                                      .down_handler = -1, .dispatch = acceptor_dispatch, .drop_msg = acceptor_drop,
                                      .drop_state = t_nop_actor, .drop_params = t_nop_actor};
static void handler_dispatch(rt_actor *self, rt_msg *m) {
  srv_state *s = STATE(self, srv_state);
  switch (m->id) {
  case H_GO: {
    tmsg *t = (tmsg *)m;
    s->listener = t->a; /* the connection */
    usleep(30000);      /* the client's line is there, unread */
    actor_std_net_tcp_own(t->a);
    tsend(t->ref, 2, 0, 0, NULL); /* taken */
    break;
  }
  case H_LINE:
    rec_line(text_arg(m), 0);
    if (!strcmp(text_arg(m), "early")) send_str(conn_arg(m), "got early");
    if (!strcmp(text_arg(m), "bye")) actor_std_net_tcp_close(conn_arg(m));
    break;
  case H_CLOSED: rec_closed(text_arg(m)); break;
  }
}

static void *handoff_client(void *arg) {
  int fd = cli_connect(wait_port(), 0);
  cli_puts(fd, "early\n");
  char line[64] = "";
  bool got = cli_getline(fd, line, sizeof line);
  usleep(30000); /* the acceptor has stopped meanwhile */
  cli_puts(fd, "bye\n");
  long r = cli_read_all(fd, cli_buf, sizeof cli_buf);
  atomic_store(&cli_result, got && !strcmp(line, "got early") && r == 0);
  close(fd);
  return NULL;
}

static void handoff(void) {
  rec_reset();
  atomic_store(&g_port, 0);
  rt_actor *a = rt_spawn(&acceptor_kind);
  rt_actor_start(a);
  tsend(a, 0, 0, 0, NULL);
  pthread_t th = spawn_thread(handoff_client, NULL);
  rt_sched_run();
  pthread_join(th, NULL);
  CHECK_EQ(atomic_load(&cli_result), 1);
  CHECK_EQ(rec.nlines, 2);
  CHECK(rec.nclosed == 1 && !strcmp(rec.reasons[0], "closed"));
  rt_release(a);
}

/* ==== 10. bad calls fail the caller ======================================================== */
static int busy_port;
static void bad_dispatch(rt_actor *self, rt_msg *m) {
  switch (m->id) {
  case H_START: {
    int64_t c = ((tmsg *)m)->a;
    LOCAL_STR t = S("x");
    LOCAL_STR h = S("example.com");
    switch (c) {
    case 0: actor_std_net_tcp_send(999999, t); break;
    case 1: actor_std_net_tcp_send(listen_local(0), t); break; /* its listener closes as it fails */
    case 2: listen_local(busy_port); break;
    case 3: actor_std_net_tcp_listen(h, 80); break;
    case 4: listen_local(70000); break;
    case 5: actor_std_net_tcp_own(1); break; /* closed long ago: closed("closed") at once */
    case 6: actor_std_net_tcp_close_listener(-3); break;
    }
    break;
  }
  case H_CLOSED: rec_closed(text_arg(m)); break;
  }
}
NET_KIND(bad_kind, "Bad", bad_dispatch, srv_state, 8);

static void bad_calls(void) {
  rec_reset();
  int fd = bound_loopback(&busy_port);
  listen(fd, 1);
  char err[8192];
  t_capture_begin();
  rt_actor *bad[7];
  for (int i = 0; i < 7; i++) bad[i] = start_actor(&bad_kind, i, 0);
  rt_sched_run();
  t_capture_end(err, sizeof err);
  close(fd);
  CHECK(strstr(err, "tcp_send: there is no connection 999999") != NULL);
  CHECK(strstr(err, "is a listener, not a connection") != NULL);
  CHECK(strstr(err, "Address already in use") != NULL);
  CHECK(strstr(err, "tcp_listen: \"example.com\" is not an IP address") != NULL);
  CHECK(strstr(err, "tcp_listen: port 70000 out of range") != NULL);
  CHECK(strstr(err, "tcp_close_listener: there is no listener -3") != NULL);
  CHECK(rec.nclosed == 1 && !strcmp(rec.reasons[0], "closed"));
  CHECK(rt_actor_any_failed());
  rt_actor_reset_failed();
  for (int i = 0; i < 7; i++) rt_release(bad[i]);
}

/* ==== 11. flow control: a slow owner mutes its connection ================================== */
/* A peer floods a connection with numbered lines (FLOOD_LINE bytes each) as fast as it
 * takes them, through a non-blocking socket with a small send buffer, and notes when its
 * writes block (no progress for BLOCKED_MS).  The owner holds its first line until the
 * connection is muted and the peer blocked, then handles the rest slowly.  Checked:
 * the peer blocks (after writing a small part of the flood), the owner never has more
 * than FLOW_HIGH_LINES lines sent and not handled (read from the handle's count), and
 * every line arrives exactly once, in order, before closed("closed by peer").  Then
 * owners that fail while muted: reading resumes for a new owner (the old one's lines
 * are dead letters), or, with no new owner, the connection closes and the blocked peer
 * hears so at once, supervised or not. */
typedef struct flow_state {
  int64_t listener, conn;
} flow_state;

static _Atomic long slow_next, slow_bad, slow_max_unhandled, slow_at_block;
static _Atomic bool slow_closed_ok;

static void slow_dispatch(rt_actor *self, rt_msg *m) {
  flow_state *s = STATE(self, flow_state);
  switch (m->id) {
  case H_START:
    s->listener = listen_local(0);
    atomic_store(&g_port, (int)actor_std_net_tcp_port(s->listener));
    break;
  case H_ACCEPTED:
    s->conn = accepted_conn(m);
    actor_std_net_tcp_own(s->conn);
    break;
  case H_LINE: {
    long seq = line_seq(m), u = unhandled_lines(conn_arg(m));
    if (seq != atomic_load(&slow_next) || text_len(m) != FLOOD_LINE - 1) atomic_fetch_add(&slow_bad, 1);
    atomic_store(&slow_next, seq + 1);
    if (u > atomic_load(&slow_max_unhandled)) atomic_store(&slow_max_unhandled, u);
    if (seq == 0) {
      hold_until_blocked(conn_arg(m));
      atomic_store(&slow_at_block, unhandled_lines(conn_arg(m)));
    } else {
      spin_ns(1000); /* slower than the peer */
    }
    atomic_fetch_add(&fl.handled, 1);
    break;
  }
  case H_CLOSED:
    atomic_store(&slow_closed_ok, !strcmp(text_arg(m), "closed by peer") &&
                                      atomic_load(&slow_next) == atomic_load(&fl.total) / FLOOD_LINE);
    actor_std_net_tcp_close_listener(s->listener);
    break;
  }
}
NET_KIND(slow_kind, "SlowOwner", slow_dispatch, flow_state, 8);

static long flood_bytes(void) {
  long n = t_scale(50L << 20);
  return n < (8L << 20) ? 8L << 20 : n;
}

static void flow_slow_owner(void) {
  atomic_store(&g_port, 0);
  flood_reset(flood_bytes());
  int64_t t0 = rt_mono_ns();
  rt_actor *a = start_actor(&slow_kind, 0, 0);
  pthread_t th = spawn_thread(flood_peer, NULL);
  rt_sched_run();
  pthread_join(th, NULL);
  long total = atomic_load(&fl.total);
  fprintf(stderr,
          "flow_slow_owner: %ld lines (%.1f MiB) in %.2f s; the peer blocked after %ld bytes; at most %ld lines "
          "unhandled; at most %ld bytes in flight\n",
          total / FLOOD_LINE, total / 1048576.0, (rt_mono_ns() - t0) / 1e9, atomic_load(&fl.written_at_block),
          atomic_load(&slow_max_unhandled), atomic_load(&fl.max_in_flight));
  CHECK(atomic_load(&fl.blocked));
  CHECK(atomic_load(&fl.written_at_block) >= 0 && atomic_load(&fl.written_at_block) < total / 4);
  CHECK_EQ(atomic_load(&slow_at_block), FLOW_HIGH_LINES); /* muted exactly at the watermark */
  CHECK(atomic_load(&slow_max_unhandled) <= FLOW_HIGH_LINES);
  CHECK(atomic_load(&fl.max_in_flight) < total / 2);
  CHECK(atomic_load(&fl.eagain) > 0);
  CHECK_EQ(atomic_load(&slow_next), total / FLOOD_LINE);
  CHECK_EQ(atomic_load(&slow_bad), 0);
  CHECK(atomic_load(&slow_closed_ok));
  CHECK_EQ(atomic_load(&fl.end), 1);
  rt_release(a);
}

/* ---- the owner fails while muted, after handing the connection to another actor ----- */
/* OldOwner holds its first line until muted, then hands the connection to NewOwner
 * (through the global run queue from a helper thread when there are other workers to
 * take it, else from the handler: NewOwner runs after OldOwner's turn) and fails at
 * its first line after NewOwner took it: its listener closes, its queued lines become
 * dead letters, and reading resumes for NewOwner, which gets the rest in order. */
static rt_actor *ho_new;
static pthread_t ho_helper;
static _Atomic bool ho_helper_started, ho_taken, ho_muted_at_fail;
static _Atomic long ho_old_lines, ho_new_first, ho_new_next, ho_new_lines, ho_bad;
static _Atomic bool ho_closed_ok;

static void *ho_send_go(void *arg) {
  tsend(ho_new, H_GO, (int64_t)(intptr_t)arg, 0, NULL);
  return NULL;
}

static void old_owner_dispatch(rt_actor *self, rt_msg *m) {
  flow_state *s = STATE(self, flow_state);
  switch (m->id) {
  case H_START:
    s->listener = listen_local(0);
    atomic_store(&g_port, (int)actor_std_net_tcp_port(s->listener));
    break;
  case H_ACCEPTED:
    s->conn = accepted_conn(m);
    actor_std_net_tcp_own(s->conn);
    break;
  case H_LINE: {
    long seq = line_seq(m);
    if (seq != atomic_load(&ho_old_lines)) atomic_fetch_add(&ho_bad, 1);
    if (seq == 0) {
      hold_until_blocked(conn_arg(m));
      if (rt_sched_threads() > 1) {
        atomic_store(&ho_helper_started, true);
        pthread_create(&ho_helper, NULL, ho_send_go, (void *)(intptr_t)conn_arg(m));
      } else {
        tsend(ho_new, H_GO, conn_arg(m), 0, NULL);
      }
    } else {
      for (int i = 0; i < 10000 && rt_sched_threads() > 1 && !atomic_load(&ho_taken); i++) usleep(1000);
      if (atomic_load(&ho_taken)) {
        atomic_store(&ho_muted_at_fail, conn_muted(conn_arg(m)));
        rt_fail("the old owner gives up", "old_owner.actor:1:1");
      }
    }
    atomic_fetch_add(&ho_old_lines, 1);
    break;
  }
  }
}
NET_KIND(old_owner_kind, "OldOwner", old_owner_dispatch, flow_state, 8);

static void new_owner_dispatch(rt_actor *self, rt_msg *m) {
  switch (m->id) {
  case H_GO:
    actor_std_net_tcp_own(((tmsg *)m)->a);
    atomic_store(&ho_taken, true);
    break;
  case H_LINE: {
    long seq = line_seq(m);
    if (atomic_load(&ho_new_lines) == 0) atomic_store(&ho_new_first, seq);
    else if (seq != atomic_load(&ho_new_next)) atomic_fetch_add(&ho_bad, 1);
    atomic_store(&ho_new_next, seq + 1);
    atomic_fetch_add(&ho_new_lines, 1);
    break;
  }
  case H_CLOSED:
    atomic_store(&ho_closed_ok, !strcmp(text_arg(m), "closed by peer") &&
                                    atomic_load(&ho_new_next) == atomic_load(&fl.total) / FLOOD_LINE);
    rt_stop(self);
    break;
  }
}
NET_KIND(new_owner_kind, "NewOwner", new_owner_dispatch, flow_state, 8);

static void flow_handover(void) {
  atomic_store(&g_port, 0);
  flood_reset(4L << 20);
  rt_stats before = t_stats();
  char err[4096];
  t_capture_begin();
  ho_new = rt_spawn(&new_owner_kind);
  rt_actor_start(ho_new);
  rt_actor *old = start_actor(&old_owner_kind, 0, 0);
  pthread_t th = spawn_thread(flood_peer, NULL);
  rt_sched_run();
  pthread_join(th, NULL);
  if (atomic_load(&ho_helper_started)) pthread_join(ho_helper, NULL);
  t_capture_end(err, sizeof err);
  rt_stats after = t_stats();
  long dead = (long)(after.dead_letters - before.dead_letters);
  long total = atomic_load(&fl.total) / FLOOD_LINE, old_lines = atomic_load(&ho_old_lines);
  fprintf(stderr, "flow_handover: the old owner handled %ld lines, %ld dead letters, the new one %ld from %ld\n",
          old_lines, dead, atomic_load(&ho_new_lines), atomic_load(&ho_new_first));
  CHECK(strstr(err, "the old owner gives up") != NULL);
  CHECK(atomic_load(&ho_muted_at_fail)); /* it failed while muted */
  CHECK(dead > 0);
  /* each line exactly once, in order: handled, failed on (one), dead letters, the new owner's */
  CHECK_EQ(atomic_load(&ho_new_first), old_lines + 1 + dead);
  CHECK_EQ(old_lines + 1 + dead + atomic_load(&ho_new_lines), total);
  CHECK_EQ(atomic_load(&ho_bad), 0);
  CHECK(atomic_load(&ho_closed_ok));
  CHECK_EQ(atomic_load(&fl.end), 1);
  CHECK(rt_actor_any_failed());
  rt_actor_reset_failed();
  rt_release(old);
  rt_release(ho_new);
}

/* ---- the owner fails while muted, and nobody takes the connection --------------------- */
/* Supervised, it restarts (its queued lines reach the new incarnation); unsupervised,
 * it ends (they are dead letters).  Either way the connection closes with it, and the
 * peer, blocked in a write, hears so at once (a reset: its data was not all read). */
static _Atomic long gu_after, gu_next, gu_bad;
static _Atomic int64_t gu_fail_ns;
static _Atomic int gu_listens;

static void giveup_init(rt_actor *self) {
  flow_state *s = STATE(self, flow_state);
  if (atomic_fetch_add(&gu_listens, 1) == 0) { /* the first incarnation only */
    s->listener = listen_local(0);
    atomic_store(&g_port, (int)actor_std_net_tcp_port(s->listener));
  }
}
static void giveup_dispatch(rt_actor *self, rt_msg *m) {
  flow_state *s = STATE(self, flow_state);
  switch (m->id) {
  case H_ACCEPTED:
    s->conn = accepted_conn(m);
    actor_std_net_tcp_own(s->conn);
    break;
  case H_LINE: {
    long seq = line_seq(m);
    if (seq == 0) {
      hold_until_blocked(conn_arg(m));
      atomic_store(&gu_fail_ns, rt_mono_ns());
      rt_fail("the owner gives up", "giveup.actor:1:1");
    }
    if (seq != atomic_load(&gu_next)) atomic_fetch_add(&gu_bad, 1);
    atomic_store(&gu_next, seq + 1);
    atomic_fetch_add(&gu_after, 1);
    break;
  }
  }
}
static const rt_kind giveup_kind = {.name = "GiveUp", .size = RT_ACTOR_STATE_OFFSET + sizeof(flow_state),
                                    .nhandlers = 8, .handler_names = net_names, .handler_answers = no_answers,
                                    .down_handler = -1, .init = giveup_init, .dispatch = giveup_dispatch,
                                    .drop_msg = net_drop_msg, .drop_state = t_nop_actor, .drop_params = t_nop_actor};
static void gu_build(rt_actor *s) {
  rt_actor *c = rt_spawn_child(s, &giveup_kind, 0);
  STATE(s, rt_actor *)[0] = c;
  rt_actor_start(c);
}
static const rt_sup_desc gu_desc = {.strategy = RT_ONE_FOR_ONE, .nchildren = 1, .intensity = 3, .period_ms = 5000,
                                    .build = gu_build};
static const rt_kind gu_sup_kind = {.name = "GiveUpSup", .size = RT_ACTOR_STATE_OFFSET + sizeof(rt_actor *),
                                    .down_handler = -1, .flags = RT_KIND_SUPERVISOR, .drop_state = t_nop_actor,
                                    .drop_params = nest_drop_params, .sup = &gu_desc};

static void flow_owner_gives_up(bool supervised) {
  atomic_store(&g_port, 0);
  atomic_store(&gu_listens, 0);
  atomic_store(&gu_after, 0);
  atomic_store(&gu_next, 1);
  atomic_store(&gu_bad, 0);
  flood_reset(4L << 20);
  rt_stats before = t_stats();
  char err[4096];
  t_capture_begin();
  rt_actor *a = rt_spawn(supervised ? &gu_sup_kind : &giveup_kind);
  rt_actor_start(a);
  pthread_t th = spawn_thread(flood_peer, NULL);
  rt_sched_run();
  pthread_join(th, NULL);
  t_capture_end(err, sizeof err);
  rt_stats after = t_stats();
  long dead = (long)(after.dead_letters - before.dead_letters);
  double heard = (atomic_load(&fl.end_ns) - atomic_load(&gu_fail_ns)) / 1e9;
  fprintf(stderr, "flow_owner_gives_up (%s): %ld lines after the failure, %ld dead letters; the peer heard in %.3f s\n",
          supervised ? "supervised" : "unsupervised", atomic_load(&gu_after), dead, heard);
  CHECK(strstr(err, "the owner gives up") != NULL);
  CHECK_EQ(atomic_load(&gu_after) + dead, FLOW_HIGH_LINES - 1); /* what was queued when it failed */
  CHECK_EQ(supervised ? dead : atomic_load(&gu_after), 0);
  CHECK_EQ(atomic_load(&gu_bad), 0);
  CHECK_EQ(atomic_load(&fl.end), 2); /* reset while blocked in a write, ... */
  CHECK(heard >= 0 && heard < 5);    /* ... soon after the failure, not after a timeout */
  CHECK_EQ(rt_actor_any_failed(), !supervised);
  rt_actor_reset_failed();
  rt_release(a);
}

int main(void) {
  struct rlimit rl; /* as a program's main() does: 1000 clients need 2000+ descriptors */
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  rt_sched_init();
  many_connections();
  partial_lines();
  long_line();
  server_closes();
  client_resets();
  owner_fails();
  owner_restarts();
  quiescence();
  output_limit();
  stdin_pipe();
  refused();
  handoff();
  bad_calls();
  flow_slow_owner();
  flow_handover();
  flow_owner_gives_up(false);
  flow_owner_gives_up(true);
  rec_reset();
  return t_finish("test_net");
}

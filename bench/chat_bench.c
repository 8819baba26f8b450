/* chat_bench.c — a benchmark (not a test) for the chat sample: how many chat lines
 * per second the server delivers.  `make bench-chat` builds the server and this
 * client, starts the server on a port the system picks and runs:
 *
 *   chat_bench PORT [CLIENTS ROOMS MESSAGES RUNS]     (default 1000 10 100 3)
 *
 * Per run: CLIENTS connections join ROOMS rooms evenly; once all are in, each sends
 * MESSAGES lines at once; the clock runs from the first send to the last expected
 * line received (every member gets every other member's lines: CLIENTS * MESSAGES *
 * (members - 1) deliveries).  Lines are counted, not checked (tests/load/chat_load.py
 * checks them).  One epoll loop drives every client, so the client costs little
 * beside the server.  Prints each run and the median rate. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct client {
  int fd;
  int joined, bye, eof;
  long got;         /* chat lines received */
  char partial[64]; /* the start of a line split across reads */
  int plen;
  char *out;        /* output the socket has not taken yet */
  size_t out_len, out_off;
} client;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what) {
  perror(what);
  exit(1);
}

static int ep;

static void flush_out(client *c) {
  while (c->out_off < c->out_len) {
    ssize_t w = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
    if (w > 0) {
      c->out_off += (size_t)w;
      continue;
    }
    if (w < 0 && (errno == EAGAIN || errno == EINTR)) break;
    die("send");
  }
  struct epoll_event e = {.events = EPOLLIN | (c->out_off < c->out_len ? EPOLLOUT : 0), .data.ptr = c};
  epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e);
  if (c->out_off == c->out_len) c->out_off = c->out_len = 0;
}

static void queue(client *c, const char *p, size_t n) {
  c->out = realloc(c->out, c->out_len + n);
  memcpy(c->out + c->out_len, p, n);
  c->out_len += n;
  flush_out(c);
}

/* A whole line (its first bytes, enough to classify it). */
static void on_line(client *c, const char *p, size_t n) {
  if (n && p[0] == '[') c->got++;
  else if (n >= 9 && !memcmp(p, "* joined ", 9)) c->joined = 1;
  else if (n == 5 && !memcmp(p, "* bye", 5)) c->bye = 1;
}

static void on_input(client *c, char *buf, size_t n) {
  size_t i = 0;
  while (i < n) {
    char *nl = memchr(buf + i, '\n', n - i);
    if (!nl) { /* keep the start of the line */
      size_t k = n - i;
      if (c->plen + k > sizeof c->partial) k = sizeof c->partial - (size_t)c->plen;
      memcpy(c->partial + c->plen, buf + i, k);
      c->plen += (int)k;
      return;
    }
    size_t k = (size_t)(nl - (buf + i));
    if (c->plen) {
      size_t room = sizeof c->partial - (size_t)c->plen;
      memcpy(c->partial + c->plen, buf + i, k < room ? k : room);
      on_line(c, c->partial, (size_t)c->plen + (k < room ? k : room));
      c->plen = 0;
    } else {
      on_line(c, buf + i, k);
    }
    i += k + 1;
  }
}

static int nclients;
static client *cl;

/* Runs the loop until cond() holds; false on a 120 s timeout. */
static int loop_until(int (*cond)(void)) {
  static char buf[1 << 18];
  struct epoll_event ev[512];
  double deadline = now_s() + 120;
  while (!cond()) {
    if (now_s() > deadline) return 0;
    int n = epoll_wait(ep, ev, 512, 500);
    for (int i = 0; i < n; i++) {
      client *c = ev[i].data.ptr;
      if (ev[i].events & EPOLLOUT) flush_out(c);
      if (ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        ssize_t r = recv(c->fd, buf, sizeof buf, 0);
        if (r > 0) on_input(c, buf, (size_t)r);
        else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
          epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
          c->eof = 1;
        }
      }
    }
  }
  return 1;
}

static long want_total;
static int all_joined(void) {
  for (int i = 0; i < nclients; i++) if (!cl[i].joined) return 0;
  return 1;
}
static int all_got(void) {
  long t = 0;
  for (int i = 0; i < nclients; i++) t += cl[i].got;
  return t >= want_total;
}
static int all_eof(void) {
  for (int i = 0; i < nclients; i++) if (!cl[i].eof) return 0;
  return 1;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: chat_bench PORT [CLIENTS ROOMS MESSAGES RUNS]\n");
    return 2;
  }
  int port = atoi(argv[1]);
  nclients = argc > 2 ? atoi(argv[2]) : 1000;
  int rooms = argc > 3 ? atoi(argv[3]) : 10;
  int messages = argc > 4 ? atoi(argv[4]) : 100;
  int runs = argc > 5 ? atoi(argv[5]) : 3;
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  double rates[64];
  if (runs > 64) runs = 64;
  for (int run = 0; run < runs; run++) {
    ep = epoll_create1(0);
    cl = calloc((size_t)nclients, sizeof *cl);
    want_total = 0;
    for (int i = 0; i < nclients; i++) {
      int members = nclients / rooms + (i % rooms < nclients % rooms);
      want_total += (long)messages * (members - 1);
    }
    for (int i = 0; i < nclients; i++) {
      client *c = &cl[i];
      c->fd = socket(AF_INET, SOCK_STREAM, 0);
      struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      if (connect(c->fd, (struct sockaddr *)&a, sizeof a) < 0) die("connect");
      int one = 1;
      setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      fcntl(c->fd, F_SETFL, O_NONBLOCK);
      struct epoll_event e = {.events = EPOLLIN, .data.ptr = c};
      epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &e);
      char hello[64];
      int n = snprintf(hello, sizeof hello, "/nick c%d\n/join room%d\n", i, i % rooms);
      queue(c, hello, (size_t)n);
    }
    if (!loop_until(all_joined)) die("joining timed out");
    char *msgs = malloc((size_t)messages * 24);
    double t0 = now_s();
    for (int i = 0; i < nclients; i++) {
      size_t len = 0;
      for (int k = 0; k < messages; k++) len += (size_t)sprintf(msgs + len, "message %d\n", k);
      queue(&cl[i], msgs, len);
    }
    if (!loop_until(all_got)) die("delivery timed out");
    double dt = now_s() - t0;
    for (int i = 0; i < nclients; i++) queue(&cl[i], "/quit\n", 6);
    if (!loop_until(all_eof)) die("quitting timed out");
    rates[run] = want_total / dt;
    printf("chat bench run %d: %d clients, %d rooms, %d messages each: %ld delivered in %.3f s = %.0f messages/s\n",
           run + 1, nclients, rooms, messages, want_total, dt, rates[run]);
    fflush(stdout);
    for (int i = 0; i < nclients; i++) {
      close(cl[i].fd);
      free(cl[i].out);
    }
    free(cl);
    free(msgs);
    close(ep);
  }
  qsort(rates, (size_t)runs, sizeof *rates, cmp_double);
  printf("chat bench: median %.0f delivered messages/s (%d runs)\n", rates[runs / 2], runs);
  return 0;
}

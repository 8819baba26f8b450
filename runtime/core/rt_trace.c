/* rt_trace.c — ACTOR_TRACE's file: a trace in the Chrome Trace Event Format (the JSON
 * array form), which Perfetto's UI and chrome://tracing open as they are.  What goes
 * into it, and when, is rt_observe.c's; this file owns the buffers, the format of each
 * event and the file.
 *
 * Buffers.  Each thread writes its events, whole, into a buffer of its own
 * (TBUF_BYTES), with no lock and no atomic read-modify-write: after each event it
 * publishes the length of what it has written (`committed`, a release store).  The
 * buffer goes to the file, under the file's lock, when it fills, when a worker goes
 * idle (rt_trace_flush_local) and when the trace is closed.  The closer may write
 * other threads' buffers while they still run (exit(), a root supervisor's give-up, a
 * signal): it takes only what they have committed (an acquire load), the bytes below
 * the mark they never write again until they themselves flush, which needs the lock.
 *
 * The file.  "[" and the process's name, then one event a line, each line after the
 * first starting with a comma; the close adds "]".  A trace cut short -- the program
 * killed by SIGKILL, or by a signal while a buffer was being written -- is a prefix of
 * that: the Trace Event Format lets the array's closing bracket be missing (a trace
 * may be written as a stream and its writer may die), and Perfetto's importer also
 * drops an incomplete last event; removing a partial last line and adding "]" makes
 * any prefix valid JSON (tests/trace/check_trace.py reads it so).  SIGINT, SIGTERM and
 * SIGHUP are taken by a thread of this file (they are blocked in every other thread,
 * which inherit the mask from the thread that opens the trace, before the scheduler
 * starts any), which closes the trace and then dies of the signal as before.
 *
 * Timestamps are nanoseconds since the trace began, strictly increasing on each thread
 * (a clock reading that does not advance is moved one ns on), so that on a thread's
 * track every event has a time of its own and slices nest by their times alone; they
 * are written in microseconds with three decimals, as the format wants. */
#include "core/rt_core.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#define TBUF_BYTES (256 * 1024) /* a thread's buffer */
#define EV_MAX 4096             /* the most one event takes (every string in it is cut) */
#define NAME_CUT 100            /* bytes of a kind's or handler's name written */
#define ARG_CUT 600             /* bytes of a message's printed form or a reason (escaped: at most 6x) */

struct rt_tbuf {
  char *p;                   /* TBUF_BYTES */
  _Atomic size_t committed;  /* bytes of whole events: the owner's release store after each */
  size_t flushed;            /* of those, already in the file (under F.lock) */
  uint32_t track;            /* the "tid" of this thread's events */
  int64_t last;              /* the last timestamp given out on this thread */
  uint64_t seq;              /* flows started here */
  rt_tbuf *next;             /* F.bufs */
};

static struct {
  pthread_mutex_t lock; /* the file, the list of buffers, each buffer's `flushed` */
  int fd;
  bool closed;          /* the closing bracket is written: later events are dropped */
  rt_tbuf *bufs;
  int64_t t0;           /* the clock when the trace began */
  long pid;
  char *filter;         /* ACTOR_TRACE_FILTER: ",Kind,Kind," (NULL: every kind) */
  _Atomic uint32_t tracks;
} F = {.lock = PTHREAD_MUTEX_INITIALIZER, .fd = -1};

static __thread rt_tbuf *local;

/* ---- writing out ------------------------------------------------------------------ */

static void write_all(const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(F.fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return; /* nowhere to report it: the rest of the trace is lost */
    }
    p += w;
    n -= (size_t)w;
  }
}

/* F.lock: what b has committed and not written yet. */
static void flush_locked(rt_tbuf *b) {
  /* acquire: the bytes of the events below the mark (b's owner, or ourselves). */
  size_t c = atomic_load_explicit(&b->committed, memory_order_acquire);
  if (!F.closed && c > b->flushed) write_all(b->p + b->flushed, c - b->flushed);
  b->flushed = c;
}

void rt_trace_flush_local(void) {
  rt_tbuf *b = local;
  if (!b) return;
  pthread_mutex_lock(&F.lock);
  flush_locked(b);
  /* Only the owner starts its buffer again, under the lock: a closer holding it has
   * taken what was committed.  relaxed: the lock orders it with the closer's reads. */
  b->flushed = 0;
  atomic_store_explicit(&b->committed, 0, memory_order_relaxed);
  pthread_mutex_unlock(&F.lock);
}

/* ---- threads and their buffers --------------------------------------------------- */

/* Under F.lock: a metadata event straight to the file (a thread's name and place). */
static void thread_meta_locked(uint32_t track, const char *name);

static rt_tbuf *tbuf_new(const char *name) {
  rt_tbuf *b = rt_zalloc(sizeof *b);
  b->p = rt_alloc(TBUF_BYTES);
  /* relaxed: only uniqueness matters. */
  b->track = atomic_fetch_add_explicit(&F.tracks, 1, memory_order_relaxed) + 1;
  char dflt[32];
  if (!name) {
    snprintf(dflt, sizeof dflt, "thread %u", b->track);
    name = dflt;
  }
  pthread_mutex_lock(&F.lock);
  b->next = F.bufs;
  F.bufs = b;
  thread_meta_locked(b->track, name);
  pthread_mutex_unlock(&F.lock);
  local = b;
  return b;
}

rt_tbuf *rt_trace_local(void) { return RT_LIKELY(local != NULL) ? local : tbuf_new(NULL); }

void rt_trace_name_thread(const char *name) {
  if (!local) {
    tbuf_new(name);
    return;
  }
  pthread_mutex_lock(&F.lock);
  thread_meta_locked(local->track, name);
  pthread_mutex_unlock(&F.lock);
}

uint32_t rt_trace_track(rt_tbuf *b) { return b->track; }

int64_t rt_trace_now(rt_tbuf *b) {
  int64_t t = rt_mono_ns() - F.t0;
  if (t <= b->last) t = b->last + 1;
  b->last = t;
  return t;
}

int64_t rt_trace_after(rt_tbuf *b, int64_t t0) {
  if (b->last < t0) b->last = t0;
  return rt_trace_now(b);
}

uint64_t rt_trace_next_flow(rt_tbuf *b) {
  /* Unique in the trace: the track above 40 bits of this thread's count (JSON numbers
   * are exact to 2^53, and tracks stay far below 2^13). */
  return ((uint64_t)b->track << 40) | (++b->seq & ((1ull << 40) - 1));
}

/* ---- the format ---------------------------------------------------------------------- */

static char *put_n(char *w, const char *s, size_t n) {
  memcpy(w, s, n);
  return w + n;
}
#define PUT(w, lit) put_n((w), (lit), sizeof(lit) - 1)

static char *put_u(char *w, uint64_t v) {
  char tmp[24], *t = tmp + sizeof tmp;
  do *--t = (char)('0' + v % 10);
  while ((v /= 10) != 0);
  return put_n(w, t, (size_t)(tmp + sizeof tmp - t));
}

/* Microseconds with three decimals: ns exactly. */
static char *put_ts(char *w, int64_t ns) {
  if (ns < 0) ns = 0;
  w = put_u(w, (uint64_t)ns / 1000);
  unsigned f = (unsigned)((uint64_t)ns % 1000);
  *w++ = '.';
  *w++ = (char)('0' + f / 100);
  *w++ = (char)('0' + f / 10 % 10);
  *w++ = (char)('0' + f % 10);
  return w;
}

/* The length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n) {
  unsigned c = s[0];
  size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
  if (!len || len > n) return 0;
  for (size_t i = 1; i < len; i++)
    if ((s[i] & 0xC0) != 0x80) return 0;
  if (c == 0xE0 && s[1] < 0xA0) return 0; /* overlong */
  if (c == 0xED && s[1] >= 0xA0) return 0; /* a surrogate */
  if (c == 0xF0 && s[1] < 0x90) return 0;
  if (c == 0xF4 && s[1] >= 0x90) return 0;
  return len;
}

/* The text of a JSON string (no quotes): escaped, invalid UTF-8 written as '?', and
 * cut after `cut` bytes of input (then "..." says so). */
static char *put_text(char *w, const char *s, size_t n, size_t cut) {
  static const char hex[] = "0123456789abcdef";
  bool cutting = n > cut;
  if (cutting) n = cut;
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = 0; i < n;) {
    unsigned c = u[i];
    if (c >= 0x80) {
      size_t l = utf8_len(u + i, n - i);
      if (l == 0) {
        *w++ = '?';
        i++;
      } else {
        w = put_n(w, s + i, l);
        i += l;
      }
      continue;
    }
    i++;
    if (c == '"' || c == '\\') {
      *w++ = '\\';
      *w++ = (char)c;
    } else if (c == '\n') {
      w = PUT(w, "\\n");
    } else if (c == '\t') {
      w = PUT(w, "\\t");
    } else if (c == '\r') {
      w = PUT(w, "\\r");
    } else if (c < 0x20 || c == 0x7F) {
      w = PUT(w, "\\u00");
      *w++ = hex[c >> 4];
      *w++ = hex[c & 15];
    } else {
      *w++ = (char)c;
    }
  }
  if (cutting) w = PUT(w, "...");
  return w;
}

static char *put_str(char *w, const char *s, size_t cut) {
  *w++ = '"';
  w = put_text(w, s ? s : "", s ? strlen(s) : 0, cut);
  *w++ = '"';
  return w;
}

/* Kind#N */
static char *put_actor_text(char *w, const rt_actor *a) {
  const rt_obj_class *c = rt_obj_class_of(RT_TAG_ACTOR);
  const char *name = c->name(a);
  w = put_text(w, name, strlen(name), NAME_CUT);
  *w++ = '#';
  return put_u(w, c->number(a));
}

static char *put_actor(char *w, const rt_actor *a) {
  *w++ = '"';
  w = put_actor_text(w, a);
  *w++ = '"';
  return w;
}

/* `,"pid":P,"tid":T` */
static char *put_where(char *w, uint32_t track) {
  w = PUT(w, ",\"pid\":");
  w = put_u(w, (uint64_t)F.pid);
  w = PUT(w, ",\"tid\":");
  return put_u(w, track);
}

/* Room for one event in b (flushing it first when full); where it goes. */
static char *ev_begin(rt_tbuf *b) {
  /* relaxed: our own store. */
  size_t c = atomic_load_explicit(&b->committed, memory_order_relaxed);
  if (RT_UNLIKELY(TBUF_BYTES - c < EV_MAX)) {
    rt_trace_flush_local();
    c = 0;
  }
  return b->p + c;
}

static void ev_end(rt_tbuf *b, char *w) {
  /* release: a closer that reads the new length (acquire) sees the event's bytes. */
  atomic_store_explicit(&b->committed, (size_t)(w - b->p), memory_order_release);
}

static void thread_meta_locked(uint32_t track, const char *name) {
  if (F.closed) return;
  char line[512], *w = line;
  w = PUT(w, "\n,{\"ph\":\"M\",\"name\":\"thread_name\"");
  w = put_where(w, track);
  w = PUT(w, ",\"args\":{\"name\":");
  w = put_str(w, name, 200);
  w = PUT(w, "}}\n,{\"ph\":\"M\",\"name\":\"thread_sort_index\"");
  w = put_where(w, track);
  w = PUT(w, ",\"args\":{\"sort_index\":");
  w = put_u(w, track);
  w = PUT(w, "}}");
  write_all(line, (size_t)(w - line));
}

void rt_trace_slice(rt_tbuf *b, int64_t ts, int64_t dur, const rt_actor *a, const char *handler, const char *msg,
                    size_t msg_len, uint64_t flow_in) {
  char *w = ev_begin(b);
  w = PUT(w, "\n,{\"ph\":\"X\",\"cat\":\"actor\",\"name\":\"");
  w = put_actor_text(w, a);
  *w++ = ' ';
  w = put_text(w, handler, strlen(handler), NAME_CUT);
  w = PUT(w, "\",\"ts\":");
  w = put_ts(w, ts);
  w = PUT(w, ",\"dur\":");
  w = put_ts(w, dur);
  w = put_where(w, b->track);
  if (flow_in) {
    w = PUT(w, ",\"bind_id\":");
    w = put_u(w, flow_in);
    w = PUT(w, ",\"flow_in\":true");
  }
  if (msg) {
    w = PUT(w, ",\"args\":{\"message\":\"");
    w = put_text(w, msg, msg_len, ARG_CUT);
    w = PUT(w, "\"}");
  }
  *w++ = '}';
  ev_end(b, w);
}

void rt_trace_send(rt_tbuf *b, uint32_t track, int64_t ts, uint64_t flow, const rt_actor *to, const char *handler) {
  char *w = ev_begin(b);
  w = PUT(w, "\n,{\"ph\":\"X\",\"cat\":\"send\",\"name\":\"send ");
  w = put_actor_text(w, to);
  *w++ = ' ';
  w = put_text(w, handler, strlen(handler), NAME_CUT);
  w = PUT(w, "\",\"ts\":");
  w = put_ts(w, ts);
  w = PUT(w, ",\"dur\":0");
  w = put_where(w, track);
  w = PUT(w, ",\"bind_id\":");
  w = put_u(w, flow);
  w = PUT(w, ",\"flow_out\":true}");
  ev_end(b, w);
}

void rt_trace_dead_letter(rt_tbuf *b, int64_t ts, const rt_actor *a, const char *handler, uint64_t flow_in) {
  char *w = ev_begin(b);
  w = PUT(w, "\n,{\"ph\":\"X\",\"cat\":\"dead letter\",\"name\":\"dead letter ");
  w = put_actor_text(w, a);
  *w++ = ' ';
  w = put_text(w, handler, strlen(handler), NAME_CUT);
  w = PUT(w, "\",\"ts\":");
  w = put_ts(w, ts);
  w = PUT(w, ",\"dur\":0");
  w = put_where(w, b->track);
  if (flow_in) {
    w = PUT(w, ",\"bind_id\":");
    w = put_u(w, flow_in);
    w = PUT(w, ",\"flow_in\":true");
  }
  *w++ = '}';
  ev_end(b, w);
}

void rt_trace_instant(rt_tbuf *b, int64_t ts, const char *what, const rt_actor *a, const char *k1, const char *v1,
                      const char *k2, const char *v2) {
  char *w = ev_begin(b);
  w = PUT(w, "\n,{\"ph\":\"i\",\"s\":\"t\",\"cat\":\"");
  w = put_text(w, what, strlen(what), NAME_CUT);
  w = PUT(w, "\",\"name\":\"");
  w = put_text(w, what, strlen(what), NAME_CUT);
  if (a) {
    *w++ = ' ';
    w = put_actor_text(w, a);
  }
  w = PUT(w, "\",\"ts\":");
  w = put_ts(w, ts);
  w = put_where(w, b->track);
  w = PUT(w, ",\"args\":{");
  const char *sep = "";
  if (a) {
    w = PUT(w, "\"actor\":");
    w = put_actor(w, a);
    sep = ",";
  }
  for (int i = 0; i < 2; i++) {
    const char *k = i ? k2 : k1, *v = i ? v2 : v1;
    if (!k) continue;
    w = put_n(w, sep, strlen(sep));
    w = put_str(w, k, NAME_CUT);
    *w++ = ':';
    w = put_str(w, v, ARG_CUT);
    sep = ",";
  }
  w = PUT(w, "}}");
  ev_end(b, w);
}

void rt_trace_counter(rt_tbuf *b, int64_t ts, const char *name, const char *key, int64_t value) {
  char *w = ev_begin(b);
  w = PUT(w, "\n,{\"ph\":\"C\",\"name\":");
  w = put_str(w, name, NAME_CUT);
  w = PUT(w, ",\"ts\":");
  w = put_ts(w, ts);
  w = put_where(w, b->track);
  w = PUT(w, ",\"args\":{");
  w = put_str(w, key, NAME_CUT);
  *w++ = ':';
  if (value < 0) {
    *w++ = '-';
    value = -value;
  }
  w = put_u(w, (uint64_t)value);
  w = PUT(w, "}}");
  ev_end(b, w);
}

/* ---- the filter --------------------------------------------------------------------- */

bool rt_trace_wants(const rt_kind *k) {
  if (!F.filter) return true;
  size_t n = strlen(k->name);
  for (const char *p = F.filter; (p = strstr(p, k->name)) != NULL; p++)
    if (p[-1] == ',' && p[n] == ',') return true;
  return false;
}

/* ---- opening and closing ------------------------------------------------------------ */

static void *signal_main(void *arg) {
  sigset_t *set = arg;
  int sig = 0;
  while (sigwait(set, &sig) != 0) {
  }
  rt_tbuf *b = rt_trace_local();
  rt_trace_instant(b, rt_trace_now(b), sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP", NULL,
                   NULL, NULL, NULL, NULL);
  rt_trace_close(true);
  /* Die of the signal, as without the trace. */
  signal(sig, SIG_DFL);
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, sig);
  pthread_sigmask(SIG_UNBLOCK, &one, NULL);
  raise(sig);
  _exit(128 + sig); /* (not reached) */
}

static void signals_take(void) {
  static sigset_t set; /* the signal thread's, for as long as it lives */
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  /* Blocked here, in the thread that starts the others: they inherit the mask, and
   * the signals wait for the signal thread. */
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  if (rt_thread_detached(signal_main, &set, 64 * 1024) != 0)
    pthread_sigmask(SIG_UNBLOCK, &set, NULL); /* no thread: the signals kill as before */
}

bool rt_trace_open(const char *path, const char *filter) {
  F.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (F.fd < 0) return false;
  F.t0 = rt_mono_ns();
  F.pid = (long)getpid();
  if (filter) {
    size_t n = strlen(filter);
    F.filter = rt_alloc(n + 3);
    F.filter[0] = ',';
    memcpy(F.filter + 1, filter, n);
    F.filter[n + 1] = ',';
    F.filter[n + 2] = 0;
  }
  char exe[512] = "actor program";
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) exe[n] = 0;
  const char *base = strrchr(exe, '/') ? strrchr(exe, '/') + 1 : exe;
  char line[1024], *w = line;
  w = PUT(w, "[\n{\"ph\":\"M\",\"name\":\"process_name\"");
  w = put_where(w, 0);
  w = PUT(w, ",\"args\":{\"name\":");
  w = put_str(w, base, 200);
  w = PUT(w, "}}");
  write_all(line, (size_t)(w - line));
  signals_take();
  return true;
}

void rt_trace_close(bool others_running) {
  (void)others_running; /* (they are read from what they committed either way) */
  pthread_mutex_lock(&F.lock);
  if (!F.closed) {
    for (rt_tbuf *b = F.bufs; b; b = b->next) flush_locked(b);
    write_all("\n]\n", 3);
    F.closed = true;
  }
  pthread_mutex_unlock(&F.lock);
}

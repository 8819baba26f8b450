/* rt_out.c — program output: print/eprint lines, the stdout buffer, exit().
 *
 * A line (its bytes and '\n') is written as one unit, so lines from different
 * threads never interleave.  stdout is buffered (OUT_CAP bytes under out_lock; a
 * terminal gets each line at once) so that a program printing many lines makes few
 * system calls, but no line waits long: the buffer is written
 *   - when it fills,
 *   - once its oldest line has waited FLUSH_AFTER_MS, by the flusher thread (started
 *     with the first buffered line), whatever the workers are doing: a line printed
 *     before a long computation reaches the pipe or file at once;
 *   - when a worker parks (the scheduler going idle), and at exit;
 *   - before any stderr line: a failure report (or eprint) never overtakes lines
 *     printed before it, even when both go to the same file (2>&1).
 * stderr lines are written at once.
 *
 * SIGPIPE is ignored by the program (rt_main.c), so a write to a pipe whose reader has
 * gone fails with EPIPE.  For stdout that means nobody reads the program's output any
 * more (`prog | head`): the program then ends as Unix filters do, by SIGPIPE, without
 * a message.  A stderr line that cannot be written is lost. */
#include "core/rt_core.h"

#include <errno.h>
#include <signal.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define OUT_CAP (1 << 16)
#define FLUSH_AFTER_MS 1 /* a buffered line is written at most this long after it */

/* out_lock: the buffer, and every write to fd 1 or 2 (so that stdout is flushed
 * before a stderr line goes out). */
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t out_cv = PTHREAD_COND_INITIALIZER; /* the flusher waits for a line */
static char out_buf[OUT_CAP];
static size_t out_len;
static int out_tty = -1;    /* unknown until the first line */
/* When the oldest line in the buffer went in: written under out_lock, read by the
 * flusher without it to know how long to sleep (relaxed: a stale value only makes it
 * look again; whether to write is decided under the lock). */
static _Atomic int64_t out_first_ns;
static bool flusher_idle;   /* the flusher waits on out_cv (under out_lock) */
static pthread_once_t flusher_once = PTHREAD_ONCE_INIT;

/* Nobody reads stdout any more: end as SIGPIPE's default action would. */
_Noreturn static void stdout_gone(void) {
  signal(SIGPIPE, SIG_DFL);
  raise(SIGPIPE);
  _exit(141); /* SIGPIPE blocked by the caller of the program: end anyway */
}

static void write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE && fd == 1) stdout_gone();
      return; /* nowhere to report it: the output is lost */
    }
    p += w;
    n -= (size_t)w;
  }
}

static void writev_line(int fd, const char *p, size_t n) {
  struct iovec iov[2] = {{(void *)p, n}, {(void *)"\n", 1}};
  ssize_t w;
  do w = writev(fd, iov, 2);
  while (w < 0 && errno == EINTR);
  if (w < 0 && errno == EPIPE && fd == 1) stdout_gone();
  if (w < 0 || (size_t)w == n + 1) return;
  /* A partial write (a full pipe): finish it piece by piece. */
  size_t done = (size_t)w;
  if (done < n) write_all(fd, p + done, n - done);
  write_all(fd, "\n", 1);
}

static void flush_locked(void) {
  if (out_len) write_all(1, out_buf, out_len);
  out_len = 0;
}

/* The flusher: waits for a line in the buffer, and writes the buffer once its oldest
 * line has waited FLUSH_AFTER_MS.  A program printing fast fills the buffer first and
 * writes it itself: the flusher then finds younger lines and sleeps on, without taking
 * the lock, so it adds no writes and no contention to a print-heavy program.  Holds
 * nothing: the program ends without it. */
static void *flusher_main(void *arg) {
  (void)arg;
  for (;;) {
    pthread_mutex_lock(&out_lock);
    while (out_len == 0) {
      flusher_idle = true;
      pthread_cond_wait(&out_cv, &out_lock);
      flusher_idle = false;
    }
    pthread_mutex_unlock(&out_lock);
    bool waiting = true;
    while (waiting) { /* until the buffer is empty */
      int64_t wait = atomic_load_explicit(&out_first_ns, memory_order_relaxed) + FLUSH_AFTER_MS * 1000000L - rt_mono_ns();
      if (wait > 0) {
        struct timespec ts = {0, (long)wait};
        nanosleep(&ts, NULL);
        continue;
      }
      pthread_mutex_lock(&out_lock);
      /* relaxed: under the lock that writes it */
      if (out_len && atomic_load_explicit(&out_first_ns, memory_order_relaxed) + FLUSH_AFTER_MS * 1000000L <= rt_mono_ns())
        flush_locked();
      waiting = out_len != 0;
      pthread_mutex_unlock(&out_lock);
    }
  }
  return NULL;
}

static void flusher_start(void) {
  if (rt_thread_detached(flusher_main, NULL, 64 * 1024) != 0)
    fprintf(stderr, "actor runtime: cannot start the output thread (printed lines may wait)\n");
}

void rt_out_line(FILE *f, const char *p, int64_t n) {
  if (n < 0) n = 0;
  size_t len = (size_t)n;
  pthread_mutex_lock(&out_lock);
  if (f != stdout) {
    flush_locked(); /* what was printed before goes out before */
    writev_line(f == stderr ? 2 : fileno(f), p, len);
    pthread_mutex_unlock(&out_lock);
    return;
  }
  if (RT_UNLIKELY(out_tty < 0)) out_tty = isatty(1);
  if (out_len + len + 1 > OUT_CAP) flush_locked();
  if (len + 1 > OUT_CAP) {
    writev_line(1, p, len);
  } else {
    bool was_empty = out_len == 0;
    memcpy(out_buf + out_len, p, len);
    out_buf[out_len + len] = '\n';
    out_len += len + 1;
    if (out_tty) {
      flush_locked();
    } else if (was_empty) { /* the first line since the last write: its wait starts */
      atomic_store_explicit(&out_first_ns, rt_mono_ns(), memory_order_relaxed); /* see out_first_ns */
      pthread_once(&flusher_once, flusher_start);
      if (flusher_idle) pthread_cond_signal(&out_cv);
    }
  }
  pthread_mutex_unlock(&out_lock);
}

void rt_out_flush(void) {
  pthread_mutex_lock(&out_lock);
  flush_locked();
  pthread_mutex_unlock(&out_lock);
}

void rt_print(rt_str *s) { rt_out_line(stdout, s ? s->data : "", s ? s->len : 0); }
void rt_eprint(rt_str *s) { rt_out_line(stderr, s ? s->data : "", s ? s->len : 0); }

_Noreturn void rt_exit(int64_t code) {
  if (RT_UNLIKELY(rt_obs)) rt_obs_exit(code);
  rt_stats_print();
  /* Keep the lock: no line printed after this one gets out half-way. */
  pthread_mutex_lock(&out_lock);
  flush_locked();
  _exit((int)(code & 255));
}

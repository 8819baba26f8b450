/* rt_out.c — program output: print/eprint lines, the stdout buffer, exit().
 *
 * A line (its bytes and '\n') is written as one unit, so lines from different
 * threads never interleave.  stdout is buffered (OUT_CAP bytes under a lock; a
 * terminal gets each line at once) and flushed when the buffer fills, when a worker
 * parks (the scheduler going idle) and at exit.  stderr lines are written at once. */
#include "core/rt_core.h"

#include <errno.h>
#include <sys/uio.h>
#include <unistd.h>

#define OUT_CAP (1 << 16)

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER; /* out_buf, out_len */
static pthread_mutex_t err_lock = PTHREAD_MUTEX_INITIALIZER; /* stderr writes */
static char out_buf[OUT_CAP];
static size_t out_len;
static int out_tty = -1; /* unknown until the first line */

static void write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
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

void rt_out_line(FILE *f, const char *p, int64_t n) {
  if (n < 0) n = 0;
  size_t len = (size_t)n;
  if (f != stdout) {
    pthread_mutex_lock(&err_lock);
    writev_line(f == stderr ? 2 : fileno(f), p, len);
    pthread_mutex_unlock(&err_lock);
    return;
  }
  pthread_mutex_lock(&out_lock);
  if (RT_UNLIKELY(out_tty < 0)) out_tty = isatty(1);
  if (out_len + len + 1 > OUT_CAP) flush_locked();
  if (len + 1 > OUT_CAP) {
    writev_line(1, p, len);
  } else {
    memcpy(out_buf + out_len, p, len);
    out_buf[out_len + len] = '\n';
    out_len += len + 1;
    if (out_tty) flush_locked();
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
  rt_stats_print();
  /* Keep the lock: no line printed after this one gets out half-way. */
  pthread_mutex_lock(&out_lock);
  flush_locked();
  _exit((int)(code & 255));
}

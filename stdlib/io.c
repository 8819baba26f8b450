/* io.c — std.io's files: read_file, write_file, append_file, file_exists,
 * remove_file (stdlib/io.actor).  Whole files, read and written on the calling
 * actor's thread: local files are quick to read, and this keeps the functions plain
 * calls that return a value.  Only regular files are read or written: a FIFO or a
 * device could block the scheduler thread for ever (opening a FIFO nobody reads
 * blocks; so does reading one nobody writes), so they are refused ("not a regular
 * file").  Files are opened with O_NONBLOCK, so even a FIFO swapped in for the file
 * between the check and the open cannot block; the check is made again on what was
 * opened.
 * A failure fails the calling actor with the system's reason:
 *     read_file("data.txt"): No such file or directory */
#include "values/rt_values.h"
#include "actor_std.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

_Noreturn static void file_fail(const char *fn, rt_str *path, const char *why) {
  char msg[640];
  snprintf(msg, sizeof msg, "%s(\"%.400s\"): %s", fn, path ? path->data : "", why);
  rt_fail(msg, NULL);
}

static const char *path_of(const char *fn, rt_str *path) {
  if (!path || !path->len) file_fail(fn, path, "empty path");
  if ((int64_t)strlen(path->data) != path->len) file_fail(fn, path, "path contains a NUL byte");
  return path->data;
}

/* Why st is not a file we read or write, or NULL when it is a regular file. */
static const char *not_regular(const struct stat *st) {
  if (S_ISREG(st->st_mode)) return NULL;
  return S_ISDIR(st->st_mode) ? strerror(EISDIR) : "not a regular file";
}

/* Closes a descriptor when its frame is left, by a return or by a failure unwinding
 * it (a cleanup, run under -fexceptions). */
static void close_fd(int *fd) {
  if (*fd >= 0) close(*fd);
}

rt_str *actor_std_io_read_file(rt_str *path) {
  const char *p = path_of("read_file", path);
  int fd __attribute__((cleanup(close_fd)));
  do fd = open(p, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) file_fail("read_file", path, strerror(errno));
  struct stat st;
  if (fstat(fd, &st) < 0) file_fail("read_file", path, strerror(errno));
  const char *why = not_regular(&st);
  if (why) file_fail("read_file", path, why);
  rt_buf b = {0}; /* a file too large to hold fails the actor: rt_buf frees itself */
  char chunk[65536];
  for (;;) { /* to the end, whatever st_size said (files under /proc say 0) */
    ssize_t r = read(fd, chunk, sizeof chunk);
    if (r > 0) {
      rt_buf_put(&b, chunk, r);
      continue;
    }
    if (r == 0) break;
    if (errno == EINTR) continue;
    int err = errno;
    rt_buf_free(&b);
    file_fail("read_file", path, strerror(err));
  }
  return rt_buf_finish(&b);
}

static void write_whole(const char *fn, rt_str *path, rt_str *text, int flags) {
  const char *p = path_of(fn, path);
  struct stat st;
  const char *why = NULL;
  if (stat(p, &st) == 0 && (why = not_regular(&st)) != NULL) file_fail(fn, path, why);
  int fd;
  do fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC | O_NONBLOCK | flags, 0666);
  while (fd < 0 && errno == EINTR);
  /* ENXIO: a FIFO with no reader appeared since the stat */
  if (fd < 0) file_fail(fn, path, errno == ENXIO ? "not a regular file" : strerror(errno));
  if (fstat(fd, &st) < 0) {
    int err = errno;
    close(fd);
    file_fail(fn, path, strerror(err));
  }
  if ((why = not_regular(&st)) != NULL) {
    close(fd);
    file_fail(fn, path, why);
  }
  const char *d = text ? text->data : "";
  size_t n = text ? (size_t)text->len : 0;
  while (n > 0) {
    ssize_t w = write(fd, d, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      close(fd);
      file_fail(fn, path, strerror(err));
    }
    d += w;
    n -= (size_t)w;
  }
  if (close(fd) < 0 && errno != EINTR) file_fail(fn, path, strerror(errno)); /* NFS reports late */
}

void actor_std_io_write_file(rt_str *path, rt_str *text) { write_whole("write_file", path, text, O_TRUNC); }
void actor_std_io_append_file(rt_str *path, rt_str *text) { write_whole("append_file", path, text, O_APPEND); }

bool actor_std_io_file_exists(rt_str *path) {
  if (!path || !path->len || (int64_t)strlen(path->data) != path->len) return false;
  struct stat st;
  return stat(path->data, &st) == 0;
}

void actor_std_io_remove_file(rt_str *path) {
  const char *p = path_of("remove_file", path);
  if (unlink(p) < 0) file_fail("remove_file", path, strerror(errno));
}

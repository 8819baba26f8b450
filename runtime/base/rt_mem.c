/* rt_mem.c — the runtime's general allocation: malloc wrappers that report running out
 * of memory instead of returning NULL.  (Messages and actors come from the per-thread
 * pools in rt_pool.c.)  Two kinds of memory:
 *
 *   the runtime's own (rt_alloc ...): headers, tables, pools, buffers of a fixed or
 *     small size.  The runtime cannot go on without it: when malloc refuses, the
 *     process ends at once with status 70 ("actor runtime: out of memory").
 *   a value's storage whose size comes from what the program computed (rt_value_alloc
 *     ...: strings, lists, maps, printed forms).  A value too large for this machine,
 *     or one malloc refuses, fails only the actor that asked for it, with "out of
 *     memory (N bytes)", like any other runtime check: its state is dropped and the
 *     rest of the program goes on.
 *
 * "Too large" is decided before asking malloc, which on Linux grants almost anything
 * (overcommit) and lets the kernel kill the process when the pages are touched: a
 * value of RT_VALUE_CHECK bytes or more must fit what the system has available now
 * (MemAvailable and free swap, and the cgroup's headroom when it has a limit).  Small
 * values are not checked; when malloc refuses one, the process as a whole is out of
 * memory, and ends (status 70), as for the runtime's own memory.  Outside any actor
 * (no failure guard: the I/O thread, main) there is nothing to fail, and a value that
 * cannot be had ends the process too. */
#define _GNU_SOURCE
#include "base/rt_base.h"

#include <fcntl.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#define RT_VALUE_CHECK ((size_t)64 << 20) /* values this large are checked against what is available */
#define RT_VALUE_SMALL ((size_t)64 << 10) /* a refused value smaller than this: the process is out */

static void (*before_exit)(void);

void rt_mem_set_before_exit(void (*fn)(void)) { before_exit = fn; }

_Noreturn void rt_out_of_memory(size_t n) {
  if (before_exit) before_exit(); /* what the program printed goes out first */
  char msg[96];
  int len = snprintf(msg, sizeof msg, "actor runtime: out of memory (allocating %zu bytes)\n", n);
  if (len > 0) {
    ssize_t w = write(2, msg, (size_t)len);
    (void)w;
  }
  _exit(70);
}

void *rt_alloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (RT_UNLIKELY(!p)) rt_out_of_memory(n);
  return p;
}

void *rt_zalloc(size_t n) {
  void *p = calloc(1, n ? n : 1);
  if (RT_UNLIKELY(!p)) rt_out_of_memory(n);
  return p;
}

void *rt_realloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (RT_UNLIKELY(!q)) rt_out_of_memory(n);
  return q;
}

void rt_free(void *p) { free(p); }

/* ---- values ------------------------------------------------------------------------ */

static size_t value_limit = SIZE_MAX; /* tests lower it (rt_mem_set_value_limit) */
size_t rt_value_unchecked = RT_VALUE_CHECK - 1;

void rt_mem_set_value_limit(size_t n) {
  value_limit = n;
  rt_value_unchecked = n < RT_VALUE_CHECK - 1 ? n : RT_VALUE_CHECK - 1;
}

/* The number after `key` in a /proc-style text ("MemAvailable:  123 kB"), or -1. */
static int64_t field(const char *text, const char *key) {
  const char *p = strstr(text, key);
  if (!p) return -1;
  p += strlen(key);
  while (*p == ' ' || *p == '\t' || *p == ':') p++;
  if (*p < '0' || *p > '9') return -1;
  return strtoll(p, NULL, 10);
}

/* A small file's text (NUL-terminated in buf), or false. */
static bool read_small(const char *path, char *buf, size_t cap) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  size_t n = 0;
  ssize_t r;
  while (n + 1 < cap && (r = read(fd, buf + n, cap - 1 - n)) > 0) n += (size_t)r;
  close(fd);
  buf[n] = 0;
  return n > 0;
}

/* Bytes the system could give this process now: MemAvailable and free swap, capped by
 * the headroom of a cgroup (v2) memory limit. */
static uint64_t available(void) {
  char buf[4096];
  uint64_t avail;
  int64_t ma, sf;
  if (read_small("/proc/meminfo", buf, sizeof buf) && (ma = field(buf, "MemAvailable")) >= 0 &&
      (sf = field(buf, "SwapFree")) >= 0) {
    avail = ((uint64_t)ma + (uint64_t)sf) * 1024;
  } else {
    struct sysinfo si;
    if (sysinfo(&si) != 0) return UINT64_MAX; /* no idea: let malloc decide */
    avail = ((uint64_t)si.totalram + si.totalswap) * si.mem_unit;
  }
  /* cgroup v2: "0::/path" in /proc/self/cgroup */
  char cg[512], path[700], max[64], cur[64];
  if (read_small("/proc/self/cgroup", cg, sizeof cg) && strncmp(cg, "0::", 3) == 0) {
    char *nl = strchr(cg, '\n');
    if (nl) *nl = 0;
    snprintf(path, sizeof path, "/sys/fs/cgroup%s/memory.max", cg + 3);
    if (read_small(path, max, sizeof max) && max[0] >= '0' && max[0] <= '9') {
      snprintf(path, sizeof path, "/sys/fs/cgroup%s/memory.current", cg + 3);
      uint64_t lim = strtoull(max, NULL, 10), used = 0;
      if (read_small(path, cur, sizeof cur)) used = strtoull(cur, NULL, 10);
      uint64_t room = used < lim ? lim - used : 0;
      if (room < avail) avail = room;
    }
  }
  return avail;
}

static bool too_large(size_t n) {
  return n > value_limit || (n >= RT_VALUE_CHECK && (uint64_t)n > available());
}

/* A refusal: NULL for a large value (the caller fails the actor), the end of the
 * process for a small one. */
static void *refused(size_t n) {
  if (n < RT_VALUE_SMALL) rt_out_of_memory(n);
  return NULL;
}

void *rt_value_try_alloc_slow(size_t n) {
  if (too_large(n)) return NULL;
  void *p = malloc(n ? n : 1);
  return p ? p : refused(n);
}

void *rt_value_try_realloc(void *p, size_t n) {
  if (RT_UNLIKELY(too_large(n))) return NULL;
  void *q = realloc(p, n ? n : 1);
  return RT_LIKELY(q != NULL) ? q : refused(n);
}

_Noreturn void rt_fail_oom(size_t n, const char *pos) {
  if (!rt_fail_guarded()) rt_out_of_memory(n); /* no actor to fail */
  char msg[64];
  snprintf(msg, sizeof msg, "out of memory (%zu bytes)", n);
  rt_fail(msg, pos);
}

void *rt_value_realloc(void *p, size_t n) {
  void *q = rt_value_try_realloc(p, n);
  if (RT_UNLIKELY(!q)) rt_fail_oom(n, NULL);
  return q;
}

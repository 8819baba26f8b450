/* rt_mem.c — the runtime's general allocation: malloc wrappers that report running out
 * of memory instead of returning NULL.  (Messages and actors come from the per-thread
 * pools in rt_pool.c.) */
#include "base/rt_base.h"

#include <unistd.h>

_Noreturn void rt_out_of_memory(size_t n) {
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

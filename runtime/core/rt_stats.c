/* rt_stats.c — the ACTOR_STATS counters: actors spawned, messages handled, dead
 * letters, failures, restarts.  Each thread counts in its own rt_stats (no shared
 * atomic per message); the exit report sums them.  Counters outlive their threads. */
#include "core/rt_core.h"

__thread rt_stats *rt_stats_tls;

static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static rt_stats *all_stats; /* every thread's counters (under stats_lock) */

rt_stats *rt_stats_register(void) {
  rt_stats *s = rt_zalloc(sizeof *s);
  pthread_mutex_lock(&stats_lock);
  s->next = all_stats;
  all_stats = s;
  pthread_mutex_unlock(&stats_lock);
  rt_stats_tls = s;
  return s;
}

void rt_stats_sum(rt_stats *out) {
  memset(out, 0, sizeof *out);
  pthread_mutex_lock(&stats_lock);
  for (rt_stats *s = all_stats; s; s = s->next) {
    /* relaxed: each counter has one writer; a sum taken while threads still run is
     * approximate by nature, and at exit every writer has stopped. */
#define ADD(f) rt_stat_add(&out->f, atomic_load_explicit(&s->f, memory_order_relaxed))
    ADD(spawned);
    ADD(handled);
    ADD(dead_letters);
    ADD(failures);
    ADD(restarts);
#undef ADD
  }
  pthread_mutex_unlock(&stats_lock);
}

void rt_stats_print(void) {
  if (!rt_opts_get()->stats) return;
  rt_stats t;
  rt_stats_sum(&t);
  char line[256];
  int n = snprintf(line, sizeof line,
                   "actor stats: actors spawned %llu, messages handled %llu, dead letters %llu, "
                   "failures %llu, restarts %llu",
                   (unsigned long long)t.spawned, (unsigned long long)t.handled,
                   (unsigned long long)t.dead_letters, (unsigned long long)t.failures,
                   (unsigned long long)t.restarts);
  if (n > 0) rt_out_line(stderr, line, n < (int)sizeof line ? n : (int)sizeof line - 1);
}

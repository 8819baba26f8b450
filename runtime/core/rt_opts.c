/* rt_opts.c — the runtime's options: the ACTOR_* environment variables a program
 * reads, parsed and checked once, before anything runs (rt_sched_init asks first).
 * A variable that is set to something it does not accept stops the program with one
 * line naming it and what it accepts, and status 2, as a command-line tool does with a
 * bad option; an empty value counts as unset.
 *
 *   ACTOR_THREADS     scheduler threads, 1..RT_MAX_THREADS (default: the cores)
 *   ACTOR_CORES       the cores the scheduler keeps busy at most, 1..RT_MAX_THREADS
 *   ACTOR_SCHED_SEED  seeded scheduling: a whole number 0..2^64-1
 *   ACTOR_SEED        the actors' random generators' seed: a whole number 0..2^64-1
 *   ACTOR_STATS       0, 1 or json: the counters at exit (as text, or as JSON)
 *   ACTOR_TRACE       a file: the trace of the run (rt_observe.c opens it)
 *   ACTOR_TRACE_FILTER  kinds, "Kind,Kind": only with ACTOR_TRACE (rt_observe.c
 *                     checks that they are kinds of the program) */
#include "core/rt_core.h"

#include <unistd.h>

static rt_opts opts;
static pthread_once_t opts_once = PTHREAD_ONCE_INIT;

_Noreturn void rt_opts_bad(const char *name, const char *accepts, const char *value) {
  char line[512];
  int n = snprintf(line, sizeof line, "actor runtime: %s must be %s, not \"%.200s\"\n", name, accepts, value);
  if (n > 0) {
    ssize_t w = write(2, line, (size_t)(n < (int)sizeof line ? n : (int)sizeof line - 1));
    (void)w;
  }
  _exit(2);
}

#define bad rt_opts_bad

/* The variable's value, or NULL when it is unset or empty. */
static const char *value_of(const char *name) {
  const char *e = getenv(name);
  return e && *e ? e : NULL;
}

/* A whole number in decimal digits only (no sign, no space) up to max, or false. */
static bool whole(const char *s, uint64_t max, uint64_t *out) {
  uint64_t v = 0;
  if (!*s) return false;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return false;
    unsigned d = (unsigned)(*s - '0');
    if (v > (max - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

static int count_opt(const char *name) {
  const char *e = value_of(name);
  uint64_t v;
  if (!e) return 0;
  if (!whole(e, RT_MAX_THREADS, &v) || v == 0) {
    char accepts[64];
    snprintf(accepts, sizeof accepts, "a whole number from 1 to %d", RT_MAX_THREADS);
    bad(name, accepts, e);
  }
  return (int)v;
}

static bool seed_opt(const char *name, uint64_t *out) {
  const char *e = value_of(name);
  if (!e) return false;
  if (!whole(e, UINT64_MAX, out)) bad(name, "a whole number from 0 to 18446744073709551615", e);
  return true;
}

/* Kind names as the language spells them, separated by commas; only with ACTOR_TRACE. */
static const char *filter_opt(void) {
  const char *f = value_of("ACTOR_TRACE_FILTER");
  if (!f) return NULL;
  const char *accepts = "actor kinds separated by commas (Counter,Worker)";
  for (const char *s = f;;) {
    size_t n = strcspn(s, ",");
    if (n == 0 || (s[0] >= '0' && s[0] <= '9')) bad("ACTOR_TRACE_FILTER", accepts, f);
    for (size_t i = 0; i < n; i++)
      if (!(s[i] == '_' || (s[i] >= '0' && s[i] <= '9') || ((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z')))
        bad("ACTOR_TRACE_FILTER", accepts, f);
    if (!s[n]) break;
    s += n + 1;
  }
  if (!value_of("ACTOR_TRACE")) bad("ACTOR_TRACE_FILTER", "used with ACTOR_TRACE (the file to write)", f);
  return f;
}

static void load(void) {
  opts.threads = count_opt("ACTOR_THREADS");
  opts.cores = count_opt("ACTOR_CORES");
  opts.sched_seeded = seed_opt("ACTOR_SCHED_SEED", &opts.sched_seed);
  opts.seeded = seed_opt("ACTOR_SEED", &opts.seed);
  const char *e = value_of("ACTOR_STATS");
  if (e && strcmp(e, "0") != 0 && strcmp(e, "1") != 0 && strcmp(e, "json") != 0) bad("ACTOR_STATS", "0, 1 or json", e);
  opts.stats = !e || !strcmp(e, "0") ? RT_STATS_OFF : !strcmp(e, "1") ? RT_STATS_TEXT : RT_STATS_JSON;
  opts.trace = value_of("ACTOR_TRACE");
  opts.trace_filter = filter_opt();
}

const rt_opts *rt_opts_get(void) {
  pthread_once(&opts_once, load);
  return &opts;
}

/* rt_stats.c — the ACTOR_STATS counters: actors spawned, messages handled, dead
 * letters, failures, restarts, and, per kind, what rt_observe.c counts while the
 * runtime is observed (spawned, ended, handled, handler time, deepest mailbox,
 * failures, restarts).  Each thread counts in its own rt_stats and its own table of
 * kinds (no shared atomic per message); the exit report sums them.  Counters outlive
 * their threads.  The report is text (ACTOR_STATS=1) or one line of JSON
 * (ACTOR_STATS=json), on stderr. */
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

/* ---- per kind ------------------------------------------------------------------------- */

static inline uint32_t kind_hash(const rt_kind *k) {
  uint64_t x = (uint64_t)(uintptr_t)k * 0x9e3779b97f4a7c15ull;
  return (uint32_t)(x >> 32);
}

/* The owner: a table of cap slots holding old's entries. */
static rt_ktab *ktab_new(uint32_t cap, rt_ktab *old) {
  rt_ktab *t = rt_zalloc(sizeof *t + sizeof(t->slot[0]) * cap);
  t->cap = cap;
  t->retired = old;
  for (uint32_t i = 0; old && i < old->cap; i++) {
    /* relaxed: our own entries. */
    rt_kstat *e = atomic_load_explicit(&old->slot[i], memory_order_relaxed);
    if (!e) continue;
    uint32_t j = kind_hash(e->kind) & (cap - 1);
    while (atomic_load_explicit(&t->slot[j], memory_order_relaxed)) j = (j + 1) & (cap - 1);
    atomic_store_explicit(&t->slot[j], e, memory_order_relaxed); /* relaxed: t is published below */
    t->n++;
  }
  return t;
}

rt_kstat *rt_kstat_of(const rt_kind *k) {
  rt_stats *s = rt_stats_local();
  /* relaxed: the owner reads its own table. */
  rt_ktab *t = atomic_load_explicit(&s->kinds, memory_order_relaxed);
  if (t) {
    for (uint32_t i = kind_hash(k) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
      rt_kstat *e = atomic_load_explicit(&t->slot[i], memory_order_relaxed);
      if (!e) break;
      if (e->kind == k) return e;
    }
  }
  if (!t || (t->n + 1) * 4 > t->cap * 3) {
    t = ktab_new(t ? t->cap * 2 : 16, t);
    /* release: a reader summing (acquire) sees the table's slots. */
    atomic_store_explicit(&s->kinds, t, memory_order_release);
  }
  rt_kstat *e = rt_zalloc(sizeof *e);
  e->kind = k;
  e->traced = -1;
  uint32_t i = kind_hash(k) & (t->cap - 1);
  while (atomic_load_explicit(&t->slot[i], memory_order_relaxed)) i = (i + 1) & (t->cap - 1);
  /* release: the entry's kind and counters before a reader finds it. */
  atomic_store_explicit(&t->slot[i], e, memory_order_release);
  t->n++;
  return e;
}

/* ---- summing ------------------------------------------------------------------------ */

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

/* One kind's counters summed over the threads. */
typedef struct ksum {
  const rt_kind *kind;
  uint64_t spawned, ended, handled, failures, restarts, busy_ns, max_ns, max_depth;
} ksum;

static int ksum_cmp(const void *x, const void *y) {
  const ksum *a = x, *b = y;
  int c = strcmp(a->kind->name, b->kind->name);
  return c ? c : a->kind < b->kind ? -1 : a->kind > b->kind;
}

/* Every kind seen by any thread, sorted by name; *n of them. */
static ksum *sum_kinds(size_t *n) {
  size_t len = 0, cap = 0;
  ksum *out = NULL;
  pthread_mutex_lock(&stats_lock);
  for (rt_stats *s = all_stats; s; s = s->next) {
    /* acquire: the table's slots (rt_kstat_of's release). */
    rt_ktab *t = atomic_load_explicit(&s->kinds, memory_order_acquire);
    for (uint32_t i = 0; t && i < t->cap; i++) {
      /* acquire: the entry's kind (rt_kstat_of's release). */
      rt_kstat *e = atomic_load_explicit(&t->slot[i], memory_order_acquire);
      if (!e) continue;
      size_t j = 0;
      while (j < len && out[j].kind != e->kind) j++;
      if (j == len) {
        if (len == cap) {
          cap = cap ? 2 * cap : 16;
          out = rt_realloc(out, sizeof *out * cap);
        }
        memset(&out[len], 0, sizeof out[len]);
        out[len++].kind = e->kind;
      }
      ksum *k = &out[j];
      /* relaxed: as in rt_stats_sum. */
#define LOAD(f) atomic_load_explicit(&e->f, memory_order_relaxed)
      k->spawned += LOAD(spawned);
      k->ended += LOAD(ended);
      k->handled += LOAD(handled);
      k->failures += LOAD(failures);
      k->restarts += LOAD(restarts);
      k->busy_ns += LOAD(busy_ns);
      if (LOAD(max_ns) > k->max_ns) k->max_ns = LOAD(max_ns);
      if (LOAD(max_depth) > k->max_depth) k->max_depth = LOAD(max_depth);
#undef LOAD
    }
  }
  pthread_mutex_unlock(&stats_lock);
  if (len) qsort(out, len, sizeof *out, ksum_cmp);
  *n = len;
  return out;
}

/* ---- the report ---------------------------------------------------------------------- */

static void line_out(const char *s, int n, int cap) {
  if (n > 0) rt_out_line(stderr, s, n < cap ? n : cap - 1);
}

/* 850 ns, 12.3 us, 4.56 ms, 1.23 s */
static void fmt_ns(char *out, size_t cap, uint64_t ns) {
  if (ns < 1000)
    snprintf(out, cap, "%llu ns", (unsigned long long)ns);
  else if (ns < 1000000)
    snprintf(out, cap, "%.1f us", (double)ns / 1e3);
  else if (ns < 1000000000)
    snprintf(out, cap, "%.2f ms", (double)ns / 1e6);
  else
    snprintf(out, cap, "%.2f s", (double)ns / 1e9);
}

static uint64_t live_of(const ksum *k) { return k->spawned > k->ended ? k->spawned - k->ended : 0; }

enum { NCOL = 9 };
static const char *const col_names[NCOL] = {"kind", "spawned", "live", "handled", "handler mean", "handler max",
                                              "deepest mailbox", "failures", "restarts"};

static void cells_of(const ksum *k, char cell[NCOL][64]) {
  snprintf(cell[0], 64, "%.60s", k->kind->name);
  snprintf(cell[1], 64, "%llu", (unsigned long long)k->spawned);
  snprintf(cell[2], 64, "%llu", (unsigned long long)live_of(k));
  snprintf(cell[3], 64, "%llu", (unsigned long long)k->handled);
  if (k->handled)
    fmt_ns(cell[4], 64, k->busy_ns / k->handled);
  else
    snprintf(cell[4], 64, "-");
  if (k->handled)
    fmt_ns(cell[5], 64, k->max_ns);
  else
    snprintf(cell[5], 64, "-");
  snprintf(cell[6], 64, "%llu", (unsigned long long)k->max_depth);
  snprintf(cell[7], 64, "%llu", (unsigned long long)k->failures);
  snprintf(cell[8], 64, "%llu", (unsigned long long)k->restarts);
}

static void print_text(const rt_stats *t, const ksum *ks, size_t nk) {
  char line[1024];
  int n = snprintf(line, sizeof line,
                   "actor stats: actors spawned %llu, messages handled %llu, dead letters %llu, "
                   "failures %llu, restarts %llu",
                   (unsigned long long)t->spawned, (unsigned long long)t->handled,
                   (unsigned long long)t->dead_letters, (unsigned long long)t->failures,
                   (unsigned long long)t->restarts);
  line_out(line, n, (int)sizeof line);
  if (!nk) return;
  /* A table: the kind left-aligned, numbers right-aligned under their headings. */
  int width[NCOL];
  for (int c = 0; c < NCOL; c++) width[c] = (int)strlen(col_names[c]);
  char cell[NCOL][64];
  for (size_t i = 0; i < nk; i++) {
    cells_of(&ks[i], cell);
    for (int c = 0; c < NCOL; c++)
      if ((int)strlen(cell[c]) > width[c]) width[c] = (int)strlen(cell[c]);
  }
  for (size_t i = 0; i <= nk; i++) {
    if (i) cells_of(&ks[i - 1], cell);
    n = snprintf(line, sizeof line, "actor stats:");
    for (int c = 0; c < NCOL && n > 0 && n < (int)sizeof line; c++) {
      const char *v = i ? cell[c] : col_names[c];
      n += snprintf(line + n, sizeof line - (size_t)n, c == 0 ? " %-*s" : "  %*s", width[c], v);
    }
    line_out(line, n, (int)sizeof line);
  }
}

/* A kind's name as a JSON string's text (names are identifiers; anything else is
 * dropped rather than escaped). */
static void json_name(char *out, size_t cap, const char *s) {
  size_t j = 0;
  for (; *s && j + 1 < cap; s++)
    if ((unsigned char)*s >= 0x20 && *s != '"' && *s != '\\') out[j++] = *s;
  out[j] = 0;
}

static void print_json(const rt_stats *t, const ksum *ks, size_t nk) {
  size_t cap = 256 + nk * 400, n = 0;
  char *buf = rt_alloc(cap);
  n += (size_t)snprintf(buf + n, cap - n,
                        "{\"spawned\":%llu,\"handled\":%llu,\"dead_letters\":%llu,\"failures\":%llu,\"restarts\":%llu,"
                        "\"kinds\":[",
                        (unsigned long long)t->spawned, (unsigned long long)t->handled,
                        (unsigned long long)t->dead_letters, (unsigned long long)t->failures,
                        (unsigned long long)t->restarts);
  for (size_t i = 0; i < nk; i++) {
    const ksum *k = &ks[i];
    char name[128];
    json_name(name, sizeof name, k->kind->name);
    n += (size_t)snprintf(buf + n, cap - n,
                          "%s{\"kind\":\"%s\",\"spawned\":%llu,\"live\":%llu,\"handled\":%llu,\"handler_mean_ns\":%llu,"
                          "\"handler_max_ns\":%llu,\"deepest_mailbox\":%llu,\"failures\":%llu,\"restarts\":%llu}",
                          i ? "," : "", name, (unsigned long long)k->spawned, (unsigned long long)live_of(k),
                          (unsigned long long)k->handled,
                          (unsigned long long)(k->handled ? k->busy_ns / k->handled : 0),
                          (unsigned long long)k->max_ns, (unsigned long long)k->max_depth,
                          (unsigned long long)k->failures, (unsigned long long)k->restarts);
  }
  n += (size_t)snprintf(buf + n, cap - n, "]}");
  rt_out_line(stderr, buf, (int64_t)(n < cap ? n : cap - 1));
  rt_free(buf);
}

void rt_stats_print(void) {
  int stats_mode = rt_opts_get()->stats;
  if (stats_mode == RT_STATS_OFF) return;
  rt_stats t;
  rt_stats_sum(&t);
  size_t nk = 0;
  ksum *ks = sum_kinds(&nk);
  if (stats_mode == RT_STATS_JSON)
    print_json(&t, ks, nk);
  else
    print_text(&t, ks, nk);
  rt_free(ks);
}

/* util.c — the compiler's arena allocator, vectors and string helpers.  The compiler
 * is a short-lived process: nothing allocated here is freed before it exits. */
#include "compiler.h"

#include <stdlib.h>
#include <string.h>

enum { ARENA_CHUNK = 1 << 20 };

static char *arena_ptr;
static size_t arena_left;
static void **blocks;   /* every block allocated, so arena_reset can free them */
static size_t nblocks, capblocks;

static void *new_block(size_t n) {
  void *p = calloc(1, n);
  if (!p) return NULL;
  if (nblocks == capblocks) {
    size_t cap = capblocks ? capblocks * 2 : 64;
    void **b = realloc(blocks, cap * sizeof *b);
    if (!b) return NULL;
    blocks = b;
    capblocks = cap;
  }
  blocks[nblocks++] = p;
  return p;
}

/* Frees everything xalloc gave out (for the fuzzer, which compiles many inputs). */
void arena_reset(void) {
  for (size_t i = 0; i < nblocks; i++) free(blocks[i]);
  nblocks = 0;
  arena_ptr = NULL;
  arena_left = 0;
}

static _Noreturn void out_of_memory(size_t n) {
  fprintf(stderr, "actorc: error: out of memory (allocating %zu bytes)\n", n);
  exit(1);
}

void *xalloc(size_t n) {
  n = (n + 15) & ~(size_t)15;
  if (n > ARENA_CHUNK / 4) {
    void *p = new_block(n);
    if (!p) out_of_memory(n);
    return p;
  }
  if (n > arena_left) {
    arena_ptr = new_block(ARENA_CHUNK);
    if (!arena_ptr) out_of_memory(ARENA_CHUNK);
    arena_left = ARENA_CHUNK;
  }
  void *p = arena_ptr;
  arena_ptr += n;
  arena_left -= n;
  return p;
}

char *xstrndup(const char *s, size_t n) {
  char *p = xalloc(n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

char *xformat(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *p = xalloc((size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return p;
}

void vec_push(Vec *v, void *x) {
  if (v->len == v->cap) {
    int cap = v->cap ? v->cap * 2 : 4;
    void **d = xalloc(sizeof(void *) * (size_t)cap);
    if (v->len) memcpy(d, v->data, sizeof(void *) * (size_t)v->len);
    v->data = d;
    v->cap = cap;
  }
  v->data[v->len++] = x;
}

_Noreturn void unreachable_at(const char *file, int line) {
  fprintf(stderr, "actorc: internal error at %s:%d (please report this)\n", file, line);
  abort();
}

/* ---- suggestions ----------------------------------------------------------------- */

/* The Damerau-Levenshtein distance (an adjacent transposition counts one). */
int edit_distance(const char *a, const char *b) {
  int la = (int)strlen(a), lb = (int)strlen(b);
  if (la > 64 || lb > 64) return 99;
  int d[65][65];
  for (int i = 0; i <= la; i++) d[i][0] = i;
  for (int j = 0; j <= lb; j++) d[0][j] = j;
  for (int i = 1; i <= la; i++)
    for (int j = 1; j <= lb; j++) {
      int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
      if (d[i - 1][j] + 1 < c) c = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < c) c = d[i][j - 1] + 1;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < c)
        c = d[i - 2][j - 2] + 1;
      d[i][j] = c;
    }
  return d[la][lb];
}

/* The candidate (const char *) closest to name, if it is close enough to be a
 * misspelling (a third of the name's length, at most 3 edits), else NULL. */
const char *closest_name(const char *name, Vec *cands) {
  const char *best = NULL;
  int bestd = (int)strlen(name) / 3 + 1;
  if (bestd > 3) bestd = 3;
  for (int i = 0; i < cands->len; i++) {
    int d = edit_distance(name, cands->data[i]);
    if (d <= bestd && (!best || d < edit_distance(name, best))) best = cands->data[i];
  }
  return best;
}

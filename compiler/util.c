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

/* rt_pool.c — per-thread size-class pools for messages and actors.
 *
 * Blocks of up to 1024 bytes come in 28 size classes (16-byte steps to 256, 64-byte
 * steps to 1024).  Each thread keeps, per class, a free list `cur` and at most one
 * full batch `spare`; allocation and freeing touch only these (no atomics).  A batch
 * is a list of exactly batch_n(class) blocks.  When a thread has freed two batches'
 * worth it hands one batch to the class's global stack, and a thread that runs out
 * takes a batch from there before carving new blocks from its own chunk.  So when one
 * thread allocates (a producer) and another frees (its consumer), blocks flow back in
 * batches and memory stays bounded by what is in flight.
 *
 * Chunks (256 KiB) are never returned; they stay on a global list, so everything in
 * them -- including actors still alive at exit -- is reachable for LeakSanitizer.
 * Under AddressSanitizer the pools step aside (plain malloc/free, so ASan sees every
 * block), and actors go on a registry while alive for the same reachability. */
#include "core/rt_core.h"

#ifdef RT_ASAN
#define RT_POOL_MALLOC 1
#endif

#define NCLASS 28
#define CHUNK_SIZE (256 * 1024)
#define BATCH_BYTES 16384

typedef struct node {
  struct node *next;       /* the next block of the list */
  struct node *next_batch; /* first block of a batch: the next batch (global stack) */
} node;

static inline size_t class_size(uint32_t c) { return c < 16 ? (size_t)(c + 1) * 16 : 256 + (size_t)(c - 15) * 64; }

uint32_t rt_pool_class(size_t n) {
  if (n <= 256) return n ? (uint32_t)((n + 15) / 16 - 1) : 0;
  if (n <= 1024) return (uint32_t)(15 + (n - 256 + 63) / 64);
  return RT_POOL_LARGE;
}

#ifndef RT_POOL_MALLOC

/* ---- per thread ---------------------------------------------------------------- */

typedef struct local_class {
  node *cur;     /* free blocks */
  uint32_t ncur; /* how many: reaching batch_n moves them to spare (or the global stack) */
  node *spare;   /* a full batch, or NULL */
} local_class;

typedef struct pool_tls {
  local_class c[NCLASS];
  char *bump, *bump_end; /* the rest of this thread's current chunk */
} pool_tls;

static __thread pool_tls P;

/* ---- global ---------------------------------------------------------------------- */

/* Per class, a stack of full batches.  The lock is taken once per batch (hundreds of
 * blocks), never per block; a thread that finds the stack empty (by an unlocked look)
 * carves from its own chunk without it.  Padded to a cache line each: classes are independent. */
static struct {
  alignas(64) pthread_mutex_t lock;
  node *batches;
} G[NCLASS] = {[0 ... NCLASS - 1] = {PTHREAD_MUTEX_INITIALIZER, NULL}};

/* Blocks per batch: about BATCH_BYTES, at least 8.  ORDER: class_size. */
#define BN(sz) (BATCH_BYTES / (sz) < 8 ? 8 : BATCH_BYTES / (sz))
static const uint32_t batch_n_tab[NCLASS] = {
    BN(16),  BN(32),  BN(48),  BN(64),  BN(80),  BN(96),  BN(112), BN(128), BN(144), BN(160),
    BN(176), BN(192), BN(208), BN(224), BN(240), BN(256), BN(320), BN(384), BN(448), BN(512),
    BN(576), BN(640), BN(704), BN(768), BN(832), BN(896), BN(960), BN(1024)};

static inline uint32_t batch_n(uint32_t c) { return batch_n_tab[c]; }

/* Every chunk, linked through its first word: the root that keeps pool memory
 * reachable. */
static pthread_mutex_t chunk_lock = PTHREAD_MUTEX_INITIALIZER;
static void *chunks;
static size_t nchunks; /* under chunk_lock */

size_t rt_pool_chunk_bytes(void) {
  pthread_mutex_lock(&chunk_lock);
  size_t n = nchunks * CHUNK_SIZE;
  pthread_mutex_unlock(&chunk_lock);
  return n;
}

static void *carve(size_t sz) {
  if (RT_UNLIKELY(P.bump == NULL || (size_t)(P.bump_end - P.bump) < sz)) {
    char *c = rt_alloc(CHUNK_SIZE);
    pthread_mutex_lock(&chunk_lock);
    *(void **)c = chunks;
    chunks = c;
    nchunks++;
    pthread_mutex_unlock(&chunk_lock);
    P.bump = c + 64; /* the link; keeps blocks 64-byte aligned from the chunk start */
    P.bump_end = c + CHUNK_SIZE;
  }
  void *p = P.bump;
  P.bump += sz;
  return p;
}

static __attribute__((noinline)) void *alloc_slow(uint32_t c) {
  local_class *l = &P.c[c];
  if (l->spare) {
    l->cur = l->spare;
    l->spare = NULL;
  } else {
    /* A thread that keeps allocating (a spawner) finds the global stack empty most of
     * the time: it carves without taking the lock.  relaxed: a hint; the lock decides. */
    node *b = NULL;
    if (__atomic_load_n(&G[c].batches, __ATOMIC_RELAXED)) {
      pthread_mutex_lock(&G[c].lock);
      b = G[c].batches;
      if (b) __atomic_store_n(&G[c].batches, b->next_batch, __ATOMIC_RELAXED);
      pthread_mutex_unlock(&G[c].lock);
    }
    if (!b) return carve(class_size(c));
    l->cur = b;
  }
  l->ncur = batch_n(c);
  node *x = l->cur;
  l->cur = x->next;
  l->ncur--;
  return x;
}

static __attribute__((noinline)) void free_slow(uint32_t c) {
  local_class *l = &P.c[c];
  node *full = l->cur;
  l->cur = NULL;
  l->ncur = 0;
  if (!l->spare) {
    l->spare = full;
    return;
  }
  node *give = l->spare;
  l->spare = full;
  pthread_mutex_lock(&G[c].lock);
  give->next_batch = G[c].batches;
  __atomic_store_n(&G[c].batches, give, __ATOMIC_RELAXED); /* relaxed: under the lock; read as a hint */
  pthread_mutex_unlock(&G[c].lock);
}

void *rt_pool_alloc(uint32_t c, size_t n) {
  if (RT_UNLIKELY(c == RT_POOL_LARGE)) return rt_alloc(n);
  local_class *l = &P.c[c];
  node *x = l->cur;
  if (RT_LIKELY(x != NULL)) {
    l->cur = x->next;
    l->ncur--;
    return x;
  }
  return alloc_slow(c);
}

void rt_pool_free(void *p, uint32_t c) {
  if (RT_UNLIKELY(c == RT_POOL_LARGE)) {
    rt_free(p);
    return;
  }
  local_class *l = &P.c[c];
  node *x = p;
  x->next = l->cur;
  l->cur = x;
  if (RT_UNLIKELY(++l->ncur >= batch_n(c))) free_slow(c);
}

void rt_pool_thread_exit(void) {
  /* Full spare batches go back to the global stacks; the partial `cur` lists and the
   * rest of the chunk stay where they are (reachable, merely unused). */
  for (uint32_t c = 0; c < NCLASS; c++) {
    local_class *l = &P.c[c];
    if (l->spare) {
      pthread_mutex_lock(&G[c].lock);
      l->spare->next_batch = G[c].batches;
      __atomic_store_n(&G[c].batches, l->spare, __ATOMIC_RELAXED); /* relaxed: under the lock */
      pthread_mutex_unlock(&G[c].lock);
      l->spare = NULL;
    }
  }
}

void *rt_pool_alloc_actor(size_t n) { return rt_pool_alloc(rt_pool_class(n), n); }
void rt_pool_actor_ended(void *a) { (void)a; }
void rt_pool_free_actor(void *a, size_t n) { rt_pool_free(a, rt_pool_class(n)); }

#else /* RT_POOL_MALLOC: AddressSanitizer builds */

void *rt_pool_alloc(uint32_t c, size_t n) { return rt_alloc(c == RT_POOL_LARGE ? n : class_size(c)); }
void rt_pool_free(void *p, uint32_t c) {
  (void)c;
  rt_free(p);
}
void rt_pool_thread_exit(void) {}
size_t rt_pool_chunk_bytes(void) { return 0; }

/* Live actors, on a doubly-linked list through a 16-byte prefix. */
typedef struct reg_link {
  struct reg_link *prev, *next;
} reg_link;
static reg_link reg_root = {&reg_root, &reg_root};
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;

void *rt_pool_alloc_actor(size_t n) {
  reg_link *l = rt_alloc(sizeof(reg_link) + n);
  pthread_mutex_lock(&reg_lock);
  l->next = reg_root.next;
  l->prev = &reg_root;
  reg_root.next->prev = l;
  reg_root.next = l;
  pthread_mutex_unlock(&reg_lock);
  return l + 1;
}

static void reg_unlink(reg_link *l) {
  pthread_mutex_lock(&reg_lock);
  if (l->next) {
    l->prev->next = l->next;
    l->next->prev = l->prev;
    l->next = l->prev = NULL;
  }
  pthread_mutex_unlock(&reg_lock);
}

void rt_pool_actor_ended(void *a) { reg_unlink((reg_link *)a - 1); }

void rt_pool_free_actor(void *a, size_t n) {
  (void)n;
  reg_link *l = (reg_link *)a - 1;
  reg_unlink(l);
  rt_free(l);
}

#endif

/* rt_mailbox.h — an actor's mailbox: an intrusive lock-free multi-producer single-
 * consumer queue (Vyukov's, as in ponyc's messageq.c), inline because every send and
 * every message handled goes through it.  Private to the runtime.
 *
 *   head  the last message pushed.  Senders exchange it.  Its low bit set means
 *         "empty and not scheduled": the sender whose exchange returns a tagged
 *         pointer made the queue non-empty and must schedule the actor (exactly one
 *         sender can see that, since the tag is gone after its exchange).
 *   tail  the last message taken, which the queue still links from (the stub).  It
 *         is freed by the next pop, so no per-actor stub allocation is needed: the
 *         mailbox starts with the stub embedded in it, and rt_mb_fini frees the last.
 *
 * The consumer marks the queue empty (rt_mb_markempty) when it runs out of messages;
 * that fails when a push got in between (or is in flight: exchanged but not linked
 * yet), and the consumer then stays responsible for the actor. */
#ifndef RT_MAILBOX_H
#define RT_MAILBOX_H

#include "core/rt_core.h"

#define RT_MB_EMPTY ((uintptr_t)1)

static inline rt_msg *rt_mb_tagged(rt_msg *m) { return (rt_msg *)((uintptr_t)m | RT_MB_EMPTY); }
static inline rt_msg *rt_mb_untag(rt_msg *m) { return (rt_msg *)((uintptr_t)m & ~RT_MB_EMPTY); }

/* Before the mailbox is shared: empty, and scheduled or not. */
static inline void rt_mb_init(rt_mailbox *mb, bool scheduled) {
  mb->stub.next = NULL;
  mb->stub.id = 0;
  mb->stub.size = RT_POOL_LARGE; /* never freed: rt_mb_pop knows the stub */
  mb->tail = &mb->stub;
  atomic_init(&mb->head, scheduled ? &mb->stub : rt_mb_tagged(&mb->stub));
}

/* Any thread.  m is owned by the queue from here on.  Returns true when the queue was
 * empty and not scheduled: the caller must now schedule the actor (or, for a dead
 * actor, drain it: it is the queue's consumer from this moment). */
static inline bool rt_mb_push(rt_mailbox *mb, rt_msg *m) {
  /* relaxed: published by the exchange's release below. */
  __atomic_store_n(&m->next, NULL, __ATOMIC_RELAXED);
  /* acq_rel: release publishes m's contents to the consumer; acquire pairs with the
   * consumer's markempty (release), so a sender that becomes responsible for the
   * actor sees everything its last consumer did (its flags, its tail). */
  rt_msg *prev = atomic_exchange_explicit(&mb->head, m, memory_order_acq_rel);
  /* release: the consumer's acquire load of prev->next then sees m's contents. */
  __atomic_store_n(&rt_mb_untag(prev)->next, m, __ATOMIC_RELEASE);
  return ((uintptr_t)prev & RT_MB_EMPTY) != 0;
}

/* The consumer only.  The next message, without taking it (rt_mb_take does), or NULL
 * when none is linked yet.  The message stays in the queue: the consumer may look at
 * it and at anything its sender wrote before sending it, then leave it for later. */
static inline rt_msg *rt_mb_peek(rt_mailbox *mb) {
  /* acquire: pairs with the sender's release store of the link; m's contents. */
  return __atomic_load_n(&mb->tail->next, __ATOMIC_ACQUIRE);
}

/* The consumer only: takes `next`, what rt_mb_peek just returned.  It stays the
 * queue's stub until the next take frees it: the caller uses it but never frees it,
 * and must not touch next->next (a sender may be writing it). */
static inline void rt_mb_take(rt_mailbox *mb, rt_msg *next) {
  rt_msg *tail = mb->tail;
  mb->tail = next;
  if (tail != &mb->stub) rt_msg_free(tail);
}

/* The consumer only: rt_mb_peek and rt_mb_take in one. */
static inline rt_msg *rt_mb_pop(rt_mailbox *mb) {
  rt_msg *next = rt_mb_peek(mb);
  if (next) rt_mb_take(mb, next);
  return next;
}

/* The consumer only, after rt_mb_pop returned NULL.  True when the queue is now
 * marked empty and unscheduled (the consumer must let go of the actor: the next
 * sender schedules it); false when a push got in first (the consumer keeps it). */
static inline bool rt_mb_markempty(rt_mailbox *mb) {
  rt_msg *tail = mb->tail;
  /* relaxed: only a shortcut; the compare-exchange decides. */
  if (atomic_load_explicit(&mb->head, memory_order_relaxed) != tail) return false;
  /* release: pairs with the acquire of the exchange in the next rt_mb_push, which
   * takes over the actor with everything this consumer wrote. */
  return atomic_compare_exchange_strong_explicit(&mb->head, &tail, rt_mb_tagged(tail), memory_order_release,
                                                 memory_order_relaxed);
}

/* The consumer only: takes every message (fn gets each; the mailbox still owns the
 * memory) until it can mark the mailbox empty. */
void rt_mb_drain(rt_mailbox *mb, void (*fn)(rt_msg *m, void *arg), void *arg);

/* When the actor is freed (no sender can push any more): frees the last message. */
void rt_mb_fini(rt_mailbox *mb);

#endif

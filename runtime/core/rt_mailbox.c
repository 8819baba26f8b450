/* rt_mailbox.c — message allocation (rt_msg_alloc, rt_msg_free: the pools' size
 * classes) and the mailbox operations that are not on the hot path (draining,
 * finishing).  The queue itself is inline in rt_mailbox.h. */
#include "core/rt_mailbox.h"

#include <sched.h>

rt_msg *rt_msg_alloc(uint32_t size) {
  uint32_t cls = rt_pool_class(size);
  rt_msg *m = rt_pool_alloc(cls, size);
  m->size = cls;
  return m;
}

void rt_msg_free(rt_msg *m) { rt_pool_free(m, m->size); }

void rt_mb_drain(rt_mailbox *mb, void (*fn)(rt_msg *m, void *arg), void *arg) {
  for (unsigned spins = 0;;) {
    rt_msg *m;
    while ((m = rt_mb_pop(mb)) != NULL) fn(m, arg);
    if (rt_mb_markempty(mb)) return;
    /* A sender has exchanged the head but not linked its message yet: it will in a
     * few instructions, unless it was preempted in between. */
    if (++spins % 64 == 0) sched_yield();
#if defined(__x86_64__) || defined(__i386__)
    else __builtin_ia32_pause();
#endif
  }
}

void rt_mb_fini(rt_mailbox *mb) {
  if (mb->tail != &mb->stub) rt_msg_free(mb->tail);
  mb->tail = &mb->stub;
}

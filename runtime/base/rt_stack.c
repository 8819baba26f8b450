/* rt_stack.c — the stack limit that recursive functions check.  Each worker thread
 * records the lowest address its stack may reach before a call would be too deep
 * (its stack's low end plus a reserve for the failure path: reporting and unwinding);
 * code the compiler generates for a recursive function compares its frame with it at
 * entry and fails the actor with "stack overflow" instead of crashing the process, and
 * the runtime's C code that recurses on a program's data does the same at each level
 * (rt_stack_low in rt_base.h).  The workers' stacks are sized by the scheduler
 * (RT_WORKER_STACK_BYTES), so the limit does not depend on ulimit -s. */
#define _GNU_SOURCE /* pthread_getattr_np */
#include "base/rt_base.h"

#include <pthread.h>

/* Read by generated code (initial-exec TLS): 0 until the thread has a known stack. */
__thread uintptr_t rt_stack_limit;

enum { RESERVE = 256 << 10 }; /* bytes kept for rt_fail, the report and the unwinder */

void rt_stack_thread_init(void) {
  pthread_attr_t attr;
  void *addr;
  size_t size;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
  if (pthread_attr_getstack(&attr, &addr, &size) == 0 && size > 2 * RESERVE)
    rt_stack_limit = (uintptr_t)addr + RESERVE;
  pthread_attr_destroy(&attr);
}

_Noreturn void rt_fail_stack(const char *pos) { rt_fail("stack overflow", pos); }

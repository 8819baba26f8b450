/* rt_thread.c — the runtime's helper threads (the timer thread, the I/O thread, name
 * resolvers, the scheduler's watch): started detached, since none is ever joined, and
 * with the system's default stack unless the caller asks for a size.  The scheduler's
 * worker threads are not among them: rt_sched_run starts and joins those itself. */
#include "base/rt_base.h"

#include <pthread.h>

int rt_thread_detached(void *(*fn)(void *), void *arg, size_t stack_bytes) {
  pthread_attr_t at;
  pthread_t th;
  pthread_attr_init(&at);
  pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
  if (stack_bytes) pthread_attr_setstacksize(&at, stack_bytes);
  int err = pthread_create(&th, &at, fn, arg);
  pthread_attr_destroy(&at);
  return err;
}

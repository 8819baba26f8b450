/* rt_main.c — the program's main(): read the runtime options (rt_sched_init), ignore
 * SIGPIPE (a write to a pipe or socket whose reader has gone fails with EPIPE and is
 * reported by the caller; stdout's case is rt_out.c's), spawn Main (actor #1),
 * send it start() or start(args), run the scheduler until the program is quiescent,
 * flush, report ACTOR_STATS, and exit 1 if an actor failed unsupervised, else 0.
 * (exit(code) ends earlier, in rt_out.c.)  Nothing else may live in this file:
 * runtime tests that bring their own main() must not pull it in. */
#include "core/rt_core.h"

#include <signal.h>
#include <sys/resource.h>

static void raise_nofile(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

/* The one symbol besides the public API that libactorrt.a exports: crt1.o calls it. */
__attribute__((visibility("default"))) int main(int argc, char **argv);
int main(int argc, char **argv) {
  const rt_program *p = &rt_program_main;
  rt_obs_init(p);  /* the options first (a bad one stops the program here), then what
                    * ACTOR_TRACE and ACTOR_STATS observe: before any thread or actor */
  rt_sched_init();
  raise_nofile();
  signal(SIGPIPE, SIG_IGN);

  rt_actor *m = rt_spawn(p->main_kind);
  rt_actor_start(m);
  rt_msg *start = rt_msg_alloc((uint32_t)(sizeof(rt_msg) + (p->start_takes_args ? sizeof(rt_word) : 0)));
  start->id = p->start_handler;
  if (p->start_takes_args) {
    int n = argc > 1 ? argc - 1 : 0;
    rt_word *w = rt_alloc(sizeof(rt_word) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) w[i] = (rt_word)(uintptr_t)rt_str_new(argv[i + 1], (int64_t)strlen(argv[i + 1]));
    rt_list *args = rt_list_from(p->args_type, n, w);
    rt_free(w);
    memcpy(start + 1, &args, sizeof args);
  }
  rt_send(m, start);
  rt_release(m);

  rt_sched_run();

  rt_out_flush();
  rt_stats_print();
  if (RT_UNLIKELY(rt_obs)) rt_obs_finish();
  return rt_actor_any_failed() ? 1 : 0;
}

/* test_fail.c — failing: rt_fail unwinds the handler so that every frame's cleanup
 * runs (C cleanup attributes under -fexceptions stand in for the compiler's landing
 * pads), reports "actor K#N failed in H at POS: REASON", drops the message, ends the
 * actor (its queued and later messages are dead letters) and sets exit status 1,
 * while other actors go on.  Also: failing in init, many actors failing at once on
 * every worker, rt_fail_catch, and a failure outside any actor. */
#include "rt_test.h"

#include <signal.h>

static const uint8_t no_answers[16];
static _Atomic int64_t cleanups, cleanup_sum, strings_freed;

static void on_cleanup(int *depth) {
  atomic_fetch_add(&cleanups, 1);
  atomic_fetch_add(&cleanup_sum, *depth);
}
static void release_str(rt_str **s) {
  if (*s) atomic_fetch_add(&strings_freed, 1);
  rt_release(*s);
}

/* A chain of frames, each owning something, failing at the bottom. */
static __attribute__((noinline)) int64_t deep(int depth, int64_t how) {
  __attribute__((cleanup(on_cleanup), unused)) int mine = depth;
  __attribute__((cleanup(release_str))) rt_str *owned = rt_str_new("owned by a frame", 16);
  if (depth == 10) {
    if (how == 1) rt_fail_divzero("fail.actor:12:5");
    if (how == 2) {
      __attribute__((cleanup(release_str))) rt_str *why = rt_str_new("a reason the unwinding frees", 28);
      rt_fail_str(why, "fail.actor:20:3");
    }
    return 0;
  }
  int64_t r = deep(depth + 1, how);
  return r + (owned ? 1 : 0); /* keep the frame (no tail call) */
}

/* ---- the failing actor and a bystander ------------------------------------------------------ */
enum { DIV_DIVIDE, DIV_PING };
static _Atomic int64_t div_handled, div_msgs_dropped;
static void divider_dispatch(rt_actor *self, rt_msg *m) {
  tmsg *t = (tmsg *)m;
  atomic_fetch_add(&div_handled, 1);
  if (m->id == DIV_DIVIDE) deep(1, t->a);
}
static void divider_drop(rt_msg *m) {
  atomic_fetch_add(&div_msgs_dropped, 1);
  tmsg_drop(m);
}
static const char *const divider_names[] = {"divide", "ping"};
static const rt_kind divider_kind = {.name = "Divider", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 2,
                                     .handler_names = divider_names, .handler_answers = no_answers,
                                     .down_handler = -1, .dispatch = divider_dispatch, .drop_msg = divider_drop,
                                     .drop_state = t_nop_actor, .drop_params = t_nop_actor};

static _Atomic int64_t by_handled;
static void bystander_dispatch(rt_actor *self, rt_msg *m) {
  tmsg *t = (tmsg *)m;
  atomic_fetch_add(&by_handled, 1);
  if (t->ref) tsend(t->ref, DIV_PING, 0, 0, NULL); /* to the dead divider: a dead letter */
}
static const char *const bystander_names[] = {"go"};
static const rt_kind bystander_kind = {.name = "Bystander", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                       .handler_names = bystander_names, .handler_answers = no_answers,
                                       .down_handler = -1, .dispatch = bystander_dispatch, .drop_msg = tmsg_drop,
                                       .drop_state = t_nop_actor, .drop_params = t_nop_actor};

static void unwinding(int64_t how, const char *expect) {
  atomic_store(&cleanups, 0);
  atomic_store(&cleanup_sum, 0);
  atomic_store(&strings_freed, 0);
  atomic_store(&div_handled, 0);
  atomic_store(&div_msgs_dropped, 0);
  atomic_store(&by_handled, 0);
  rt_actor_reset_failed();
  rt_stats before = t_stats();
  rt_actor *d = rt_spawn(&divider_kind), *b = rt_spawn(&bystander_kind);
  rt_actor_start(d);
  rt_actor_start(b);
  tsend(d, DIV_PING, 0, 0, NULL);
  tsend(d, DIV_DIVIDE, how, 0, NULL);
  for (int i = 0; i < 5; i++) tsend(d, DIV_PING, 0, 0, NULL); /* queued behind: dead letters */
  for (int i = 0; i < 100; i++) tsend(b, 0, 0, 0, NULL);
  t_capture_begin();
  rt_sched_run();
  char err[1024];
  t_capture_end(err, sizeof err);
  /* later sends, from another actor, after the divider has ended */
  tsend(b, 0, 0, 0, d);
  tsend(b, 0, 0, 0, d);
  rt_sched_run();
  rt_stats after = t_stats();

  char want[256];
  snprintf(want, sizeof want, "actor Divider#%llu failed in divide at %s\n", (unsigned long long)d->number,
           expect);
  CHECK(strstr(err, want) != NULL);
  if (!strstr(err, want)) fprintf(stderr, "got: %s\nwant: %s\n", err, want);
  CHECK_EQ(atomic_load(&cleanups), 10);              /* every frame's cleanup ran */
  CHECK_EQ(atomic_load(&cleanup_sum), 55);
  CHECK_EQ(atomic_load(&strings_freed), how == 2 ? 11 : 10);
  CHECK_EQ(atomic_load(&div_handled), 2);            /* ping, divide */
  CHECK_EQ(atomic_load(&div_msgs_dropped), 1 + 1 + 5 + 2); /* each message dropped once */
  CHECK_EQ(atomic_load(&by_handled), 102);           /* the others go on */
  CHECK(atomic_load(&d->flags) & RT_AF_DEAD);
  CHECK(rt_actor_any_failed());
  CHECK_EQ(after.failures - before.failures, 1);
  CHECK_EQ(after.dead_letters - before.dead_letters, 7);
  rt_release(d);
  rt_release(b);
  rt_actor_reset_failed();
}

/* ---- failing in init -------------------------------------------------------------------------- */
static _Atomic int64_t init_handled;
static void bad_init(rt_actor *self) {
  __attribute__((cleanup(release_str), unused)) rt_str *s = rt_str_new("x", 1);
  rt_fail_assert("init.actor:3:9");
}
static void bad_dispatch(rt_actor *self, rt_msg *m) { atomic_fetch_add(&init_handled, 1); }
static const char *const bad_names[] = {"hello"};
static const rt_kind bad_kind = {.name = "Bad", .size = RT_ACTOR_STATE_OFFSET + 16, .nhandlers = 1,
                                 .handler_names = bad_names, .handler_answers = no_answers, .down_handler = -1,
                                 .init = bad_init, .dispatch = bad_dispatch, .drop_msg = tmsg_drop,
                                 .drop_state = t_nop_actor, .drop_params = t_nop_actor};
static void init_fails(void) {
  atomic_store(&strings_freed, 0);
  rt_stats before = t_stats();
  rt_actor *a = rt_spawn(&bad_kind);
  rt_actor_start(a);
  tsend(a, 0, 0, 0, NULL);
  tsend(a, 0, 0, 0, NULL);
  t_capture_begin();
  rt_sched_run();
  char err[1024];
  t_capture_end(err, sizeof err);
  rt_stats after = t_stats();
  char want[256];
  snprintf(want, sizeof want, "actor Bad#%llu failed in init at init.actor:3:9: assertion failed\n",
           (unsigned long long)a->number);
  CHECK(strstr(err, want) != NULL);
  CHECK_EQ(atomic_load(&init_handled), 0);
  CHECK_EQ(atomic_load(&strings_freed), 1);
  CHECK_EQ(after.dead_letters - before.dead_letters, 2);
  CHECK(rt_actor_any_failed());
  rt_actor_reset_failed();
  rt_release(a);
}

/* ---- many failures at once, on every worker ------------------------------------------------ */
static void crash_dispatch(rt_actor *self, rt_msg *m) {
  tmsg *t = (tmsg *)m;
  if (t->a % 2) deep(1, 1);
  atomic_fetch_add(&by_handled, 1);
}
static const char *const crash_names[] = {"maybe"};
static const rt_kind crash_kind = {.name = "Crash", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                   .handler_names = crash_names, .handler_answers = no_answers,
                                   .down_handler = -1, .dispatch = crash_dispatch, .drop_msg = tmsg_drop,
                                   .drop_state = t_nop_actor, .drop_params = t_nop_actor};
static void many_failures(void) {
  int n = (int)t_scale(2000);
  atomic_store(&cleanups, 0);
  atomic_store(&by_handled, 0);
  rt_stats before = t_stats();
  for (int i = 0; i < n; i++) {
    rt_actor *a = rt_spawn(&crash_kind);
    rt_actor_start(a);
    tsend(a, 0, i, 0, NULL);
    tsend(a, 0, 2, 0, NULL); /* a dead letter for the odd ones */
    rt_release(a);
  }
  t_capture_begin();
  rt_sched_run();
  char err[256];
  t_capture_end(err, sizeof err);
  rt_stats after = t_stats();
  CHECK_EQ(after.failures - before.failures, n / 2);
  CHECK_EQ(atomic_load(&cleanups), 10 * (n / 2));
  CHECK_EQ(atomic_load(&by_handled), 2 * (n - n / 2));
  CHECK_EQ(after.dead_letters - before.dead_letters, n / 2);
  rt_actor_reset_failed();
}

/* ---- outside any actor ---------------------------------------------------------------------- */
static void catch_body(void *arg) { deep(1, (int64_t)(intptr_t)arg); }
static void catching(void) {
  char why[128];
  atomic_store(&cleanups, 0);
  CHECK(rt_fail_catch(catch_body, (void *)(intptr_t)0, why, sizeof why));
  CHECK(!rt_fail_catch(catch_body, (void *)(intptr_t)1, why, sizeof why));
  CHECK(strcmp(why, "division by zero") == 0);
  CHECK(!rt_fail_catch(catch_body, (void *)(intptr_t)2, why, sizeof why));
  CHECK(strcmp(why, "a reason the unwinding frees") == 0);
  CHECK_EQ(atomic_load(&cleanups), 30);
}

static void hook_exit(const char *reason, const char *pos) { _exit(strcmp(reason, "hooked") == 0 ? 42 : 43); }

static void unguarded(void) {
  int fds[2];
  if (pipe(fds) != 0) return;
  pid_t p = fork();
  if (p == 0) {
    dup2(fds[1], 2);
    rt_fail("nobody catches this", "top.actor:1:1");
  }
  close(fds[1]);
  char buf[256] = {0};
  ssize_t n = read(fds[0], buf, sizeof buf - 1);
  (void)n;
  close(fds[0]);
  int st;
  waitpid(p, &st, 0);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
  CHECK(strstr(buf, "actor ? failed at top.actor:1:1: nobody catches this") != NULL);

  p = fork();
  if (p == 0) {
    close(2);
    rt_fail_hook = hook_exit;
    rt_fail("hooked", "top.actor:2:2");
  }
  waitpid(p, &st, 0);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42);
}

int main(void) {
  rt_sched_init();
  unwinding(1, "fail.actor:12:5: division by zero");
  unwinding(2, "fail.actor:20:3: a reason the unwinding frees");
  init_fails();
  many_failures();
  catching();
  unguarded();
  return t_finish("test_fail");
}

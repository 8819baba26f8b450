/* test_dead.c — ending: stop() ends the actor after the current handler; messages
 * still queued and sent later are dead letters, counted exactly (also when many
 * threads send to a dead actor at once and take turns draining it), each dropped
 * once; requests among them get their else-block with "dead"; the state is dropped
 * once and the memory freed with the last reference.  And monitors: `down` with
 * "stopped", the failure's reason, or "dead" at once (already ended, or none),
 * exactly once per watcher even when monitor() races with the end. */
#include "rt_test.h"

static const uint8_t no_answers[16];
static _Atomic int64_t handled, dropped, states_dropped, freed;

/* ---- the victim: stops on a message with a == 1 ------------------------------------------ */
enum { V_MSG, V_ASK };
static void victim_dispatch(rt_actor *self, rt_msg *m) {
  atomic_fetch_add(&handled, 1);
  if (m->id == V_MSG && ((tmsg *)m)->a == 1) rt_stop(self);
  if (m->id == V_ASK) rt_reply(self, m, 1);
}
static void victim_drop(rt_msg *m) {
  atomic_fetch_add(&dropped, 1);
  if (m->id == V_MSG) tmsg_drop(m);
}
static void victim_drop_state(rt_actor *self) { atomic_fetch_add(&states_dropped, 1); }
static void victim_free(rt_actor *self) { atomic_fetch_add(&freed, 1); }
static const char *const victim_names[] = {"msg", "ask"};
static const uint8_t victim_answers[] = {0, 1};
static const rt_type *const victim_types[] = {NULL, &rt_type_int};
static const rt_kind victim_kind = {.name = "Victim", .size = RT_ACTOR_STATE_OFFSET + 8, .nhandlers = 2,
                                    .handler_names = victim_names, .handler_answers = victim_answers,
                                    .answer_types = victim_types, .down_handler = -1,
                                    .dispatch = victim_dispatch, .drop_msg = victim_drop,
                                    .drop_state = victim_drop_state, .drop_params = victim_free};

static void reset(void) {
  atomic_store(&handled, 0);
  atomic_store(&dropped, 0);
  atomic_store(&states_dropped, 0);
  atomic_store(&freed, 0);
}

static void stop_queued(void) {
  reset();
  rt_stats before = t_stats();
  rt_actor *v = rt_spawn(&victim_kind);
  rt_actor_start(v);
  for (int i = 0; i < 10; i++) tsend(v, V_MSG, i == 2 ? 1 : 0, 0, NULL);
  rt_sched_run();
  rt_stats after = t_stats();
  CHECK_EQ(atomic_load(&handled), 3);
  CHECK_EQ(atomic_load(&dropped), 10);
  CHECK_EQ(after.dead_letters - before.dead_letters, 7);
  CHECK_EQ(atomic_load(&states_dropped), 1);
  CHECK_EQ(atomic_load(&freed), 0);        /* we still hold a reference */
  CHECK(atomic_load(&v->flags) & RT_AF_DEAD);
  CHECK(v->number > 0);                    /* the header stays readable */
  CHECK(strcmp(v->kind->name, "Victim") == 0);
  rt_release(v);
  CHECK_EQ(atomic_load(&freed), 1);
  CHECK(!rt_actor_any_failed());
}

/* ---- many senders to a dead actor ------------------------------------------------------ */
static _Atomic int64_t else_dead, else_other;
static void dead_else(rt_actor *self, rt_closure *c, rt_str *reason) {
  if (reason && strcmp(reason->data, "dead") == 0)
    atomic_fetch_add(&else_dead, 1);
  else
    atomic_fetch_add(&else_other, 1);
}
static void never(rt_actor *self, rt_closure *c, rt_word answer) { atomic_fetch_add(&else_other, 1); }
static int64_t per_sender;
static void spammer_dispatch(rt_actor *self, rt_msg *m) {
  tmsg *t = (tmsg *)m;
  for (int64_t i = 0; i < per_sender; i++) {
    if (i % 10 == 0) {
      rt_closure *c = rt_closure_new(sizeof(rt_closure));
      c->run = never;
      c->run_else = dead_else;
      c->answer_type = &rt_type_int;
      trequest(self, t->ref, V_ASK, 0, c);
    } else {
      tsend(t->ref, V_MSG, 0, 0, self); /* carries a reference: must be released */
    }
  }
}
static const char *const spammer_names[] = {"go"};
static const rt_kind spammer_kind = {.name = "Spammer", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                     .handler_names = spammer_names, .handler_answers = no_answers,
                                     .down_handler = -1, .dispatch = spammer_dispatch, .drop_msg = tmsg_drop,
                                     .drop_state = t_nop_actor, .drop_params = t_nop_actor};
static void senders_to_dead(void) {
  reset();
  per_sender = t_scale(20000);
  rt_actor *v = rt_spawn(&victim_kind);
  rt_actor_start(v);
  tsend(v, V_MSG, 1, 0, NULL); /* stops */
  rt_sched_run();
  rt_stats before = t_stats();
  for (int i = 0; i < 8; i++) {
    tspawn_send(&spammer_kind, 0, 0, 0, v);
  }
  rt_sched_run();
  rt_stats after = t_stats();
  CHECK_EQ(after.dead_letters - before.dead_letters, 8 * per_sender);
  CHECK_EQ(atomic_load(&dropped), 1 + 8 * per_sender);
  CHECK_EQ(atomic_load(&else_dead), 8 * (per_sender / 10));
  CHECK_EQ(atomic_load(&else_other), 0);
  CHECK_EQ(atomic_load(&handled), 1);
  rt_release(v);
  CHECK_EQ(atomic_load(&freed), 1);
}

/* ---- racing the end: senders while the actor stops ------------------------------------- */
static void racing_stop(void) {
  reset();
  atomic_store(&else_dead, 0);
  per_sender = t_scale(5000);
  rt_stats before = t_stats();
  rt_actor *v = rt_spawn(&victim_kind);
  rt_actor_start(v);
  for (int i = 0; i < 8; i++) {
    tspawn_send(&spammer_kind, 0, 0, 0, v);
  }
  tsend(v, V_MSG, 1, 0, NULL); /* it stops somewhere in the middle */
  rt_sched_run();
  rt_stats after = t_stats();
  int64_t total = 8 * per_sender + 1;
  int64_t h = atomic_load(&handled);
  CHECK_EQ(atomic_load(&dropped), total);
  CHECK_EQ(after.dead_letters - before.dead_letters, total - h);
  /* the victim's messages, the spammers' go, the else-blocks */
  CHECK_EQ(after.handled - before.handled, h + 8 + atomic_load(&else_dead));
  rt_release(v);
  CHECK_EQ(atomic_load(&freed), 1);
}

/* ---- monitors ------------------------------------------------------------------------------ */
typedef struct { rt_msg h; rt_actor *who; rt_str *reason; } down_msg;
enum { W_WATCH, W_DOWN };
#define MAXD 256
static char down_reason[MAXD][32];
static uint64_t down_who[MAXD];
static _Atomic int64_t ndown;
static void watcher_dispatch(rt_actor *self, rt_msg *m) {
  if (m->id == W_WATCH) {
    rt_monitor(self, ((tmsg *)m)->ref);
    return;
  }
  down_msg *d = (down_msg *)m;
  int64_t i = atomic_fetch_add(&ndown, 1);
  if (i < MAXD) {
    snprintf(down_reason[i], 32, "%s", d->reason ? d->reason->data : "");
    down_who[i] = d->who ? d->who->number : 0;
  }
}
static void watcher_drop(rt_msg *m) {
  if (m->id == W_WATCH) {
    tmsg_drop(m);
  } else {
    rt_release(((down_msg *)m)->who);
    rt_release(((down_msg *)m)->reason);
  }
}
static const char *const watcher_names[] = {"watch", "down"};
static const rt_kind watcher_kind = {.name = "Watcher", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 2,
                                     .handler_names = watcher_names, .handler_answers = no_answers,
                                     .down_handler = W_DOWN, .dispatch = watcher_dispatch, .drop_msg = watcher_drop,
                                     .drop_state = t_nop_actor, .drop_params = t_nop_actor};
static void job_dispatch(rt_actor *self, rt_msg *m) {
  if (((tmsg *)m)->a == 2) rt_fail("job 2 broke", "monitor.actor:3:17");
  rt_stop(self);
}
static const char *const job_names[] = {"run"};
static const rt_kind job_kind = {.name = "Job", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                 .handler_names = job_names, .handler_answers = no_answers, .down_handler = -1,
                                 .dispatch = job_dispatch, .drop_msg = tmsg_drop, .drop_state = t_nop_actor,
                                 .drop_params = t_nop_actor};
static int find_down(uint64_t who) {
  for (int i = 0; i < atomic_load(&ndown) && i < MAXD; i++)
    if (down_who[i] == who) return i;
  return -1;
}
static void monitors(void) {
  atomic_store(&ndown, 0);
  rt_actor *w = rt_spawn(&watcher_kind);
  rt_actor_start(w);
  rt_actor *jobs[3];
  for (int i = 0; i < 3; i++) {
    jobs[i] = rt_spawn(&job_kind);
    rt_actor_start(jobs[i]);
  }
  tsend(jobs[2], 0, 0, 0, NULL); /* job 3 stops before anyone watches */
  rt_sched_run();
  for (int i = 0; i < 3; i++) tsend(w, W_WATCH, 0, 0, jobs[i]);
  tsend(w, W_WATCH, 0, 0, NULL); /* none */
  rt_sched_run();
  tsend(jobs[0], 0, 1, 0, NULL);
  tsend(jobs[1], 0, 2, 0, NULL);
  t_capture_begin();
  rt_sched_run();
  char err[256];
  t_capture_end(err, sizeof err);
  CHECK_EQ(atomic_load(&ndown), 4);
  int i0 = find_down(jobs[0]->number), i1 = find_down(jobs[1]->number),
      i2 = find_down(jobs[2]->number), in = find_down(0);
  CHECK(i0 >= 0 && strcmp(down_reason[i0], "stopped") == 0);
  CHECK(i1 >= 0 && strcmp(down_reason[i1], "job 2 broke") == 0);
  CHECK(i2 >= 0 && strcmp(down_reason[i2], "dead") == 0);
  CHECK(in >= 0 && strcmp(down_reason[in], "dead") == 0);
  CHECK(rt_actor_any_failed());
  rt_actor_reset_failed();
  for (int i = 0; i < 3; i++) rt_release(jobs[i]);
  rt_release(w);
}

/* many watchers racing the end of one actor: each hears once */
static void monitor_race(void) {
  int n = (int)t_scale(200);
  if (n > MAXD) n = MAXD;
  for (int round = 0; round < 20; round++) {
    atomic_store(&ndown, 0);
    rt_actor *j = rt_spawn(&job_kind);
    rt_actor_start(j);
    for (int i = 0; i < n; i++) {
      tspawn_send(&watcher_kind, W_WATCH, 0, 0, j);
    }
    tsend(j, 0, 0, 0, NULL); /* stops while the watchers subscribe */
    rt_sched_run();
    CHECK_EQ(atomic_load(&ndown), n);
    rt_release(j);
  }
}

int main(void) {
  rt_sched_init();
  stop_queued();
  senders_to_dead();
  racing_stop();
  monitors();
  monitor_race();
  return t_finish("test_dead");
}

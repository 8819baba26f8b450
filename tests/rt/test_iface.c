/* test_iface.c — sends through interfaces (§12), below the compiler: two kinds that
 * declare an interface's handlers at different indexes get each message at their own
 * index (rt_kind.itabs, rt_send_iface), a request through the interface is answered,
 * and a message through the interface to an ended actor is dropped by its kind's
 * drop_msg under that kind's own id. */
#include "rt_test.h"

/* interface 0: { on add(n: Int, ...), on get() -> Int }   interface 1: { on get() -> Int } */
enum { I_ADD, I_GET };

typedef struct counter_st {
  int64_t sum;
} counter_st;

static _Atomic int64_t got_a, got_b, dropped_with_id[8];

/* kind A: 0 get, 1 noise, 2 add, 3 quit */
static void a_dispatch(rt_actor *self, rt_msg *m) {
  switch (m->id) {
  case 0: rt_reply(self, m, (rt_word)STATE(self, counter_st)->sum); break;
  case 1: break;
  case 2: STATE(self, counter_st)->sum += ((tmsg *)m)->a; break;
  case 3: rt_stop(self); break;
  }
}
/* kind B: 0 add, 1 get, 2 quit */
static void b_dispatch(rt_actor *self, rt_msg *m) {
  switch (m->id) {
  case 0: STATE(self, counter_st)->sum += 10 * ((tmsg *)m)->a; break;
  case 1: rt_reply(self, m, (rt_word)STATE(self, counter_st)->sum); break;
  case 2: rt_stop(self); break;
  }
}
static _Atomic bool counting; /* drop_msg runs after every handled message too */
static void note_drop(rt_msg *m) {
  if (atomic_load(&counting) && m->id < 8) atomic_fetch_add(&dropped_with_id[m->id], 1);
}

static const uint32_t a_add_get[2] = {2, 0}, a_get[1] = {0};
static const uint32_t *const a_itabs[2] = {a_add_get, a_get};
static const uint32_t b_add_get[2] = {0, 1}, b_get[1] = {1};
static const uint32_t *const b_itabs[2] = {b_add_get, b_get};

static const char *const a_names[] = {"get", "noise", "add", "quit"};
static const uint8_t a_answers[] = {1, 0, 0, 0};
static const rt_type *const a_types[] = {&rt_type_int, NULL, NULL, NULL};
static const rt_kind a_kind = {.name = "A", .size = RT_ACTOR_STATE_OFFSET + sizeof(counter_st), .nhandlers = 4,
                               .handler_names = a_names, .handler_answers = a_answers, .answer_types = a_types,
                               .down_handler = -1, .dispatch = a_dispatch, .drop_msg = note_drop,
                               .drop_state = t_nop_actor, .drop_params = t_nop_actor, .itabs = a_itabs};
static const char *const b_names[] = {"add", "get", "quit"};
static const uint8_t b_answers[] = {0, 1, 0};
static const rt_type *const b_types[] = {NULL, &rt_type_int, NULL};
static const rt_kind b_kind = {.name = "B", .size = RT_ACTOR_STATE_OFFSET + sizeof(counter_st), .nhandlers = 3,
                               .handler_names = b_names, .handler_answers = b_answers, .answer_types = b_types,
                               .down_handler = -1, .dispatch = b_dispatch, .drop_msg = note_drop,
                               .drop_state = t_nop_actor, .drop_params = t_nop_actor, .itabs = b_itabs};

/* add(n) through interface 0 */
static void add_via(rt_actor *to, int64_t n) {
  tmsg *m = (tmsg *)rt_msg_alloc(sizeof *m);
  m->a = n;
  m->b = 0;
  m->ref = NULL;
  rt_send_iface(to, &m->h, 0, I_ADD);
}

typedef struct { rt_closure c; _Atomic int64_t *into; } gcont;
static void got(rt_actor *self, rt_closure *c, rt_word v) { atomic_store(((gcont *)c)->into, (int64_t)v); }

/* the asker: asks get() through interface 1 of each target */
static void asker_dispatch(rt_actor *self, rt_msg *m) {
  tmsg *t = (tmsg *)m;
  rt_actor *targets[2] = {t->ref, (rt_actor *)(uintptr_t)t->a};
  _Atomic int64_t *into[2] = {&got_a, &got_b};
  for (int i = 0; i < 2; i++) {
    gcont *k = (gcont *)rt_closure_new(sizeof *k);
    k->c.run = got;
    k->c.answer_type = &rt_type_int;
    k->into = into[i];
    treq *r = (treq *)rt_msg_alloc(sizeof *r);
    rt_request_info(&r->ri, self, &k->c);
    rt_send_iface(targets[i], &r->h, 1, 0);
  }
}
static const uint8_t no_answers[1];
static const char *const asker_names[] = {"go"};
static const rt_kind asker_kind = {.name = "Asker", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                   .handler_names = asker_names, .handler_answers = no_answers, .down_handler = -1,
                                   .dispatch = asker_dispatch, .drop_msg = tmsg_drop, .drop_state = t_nop_actor,
                                   .drop_params = t_nop_actor};

int main(void) {
  rt_sched_init();
  rt_actor *a = rt_spawn(&a_kind), *b = rt_spawn(&b_kind);
  rt_actor_start(a);
  rt_actor_start(b);
  for (int64_t i = 1; i <= 100; i++) {
    add_via(a, i);
    add_via(b, i);
  }
  rt_sched_run();
  CHECK_EQ(STATE(a, counter_st)->sum, 5050);
  CHECK_EQ(STATE(b, counter_st)->sum, 50500);
  rt_actor *asker = rt_spawn(&asker_kind);
  rt_actor_start(asker);
  tsend(asker, 0, (int64_t)(uintptr_t)b, 0, a);
  rt_sched_run();
  CHECK_EQ(atomic_load(&got_a), 5050);
  CHECK_EQ(atomic_load(&got_b), 50500);
  /* ended: a message through the interface is a dead letter under the kind's own id */
  tsend(a, 3, 0, 0, NULL);
  tsend(b, 2, 0, 0, NULL);
  rt_sched_run();
  atomic_store(&counting, true);
  add_via(a, 1);
  add_via(b, 1);
  rt_sched_run();
  CHECK_EQ(atomic_load(&dropped_with_id[2]), 1); /* A's add */
  CHECK_EQ(atomic_load(&dropped_with_id[0]), 1); /* B's add */
  CHECK_EQ(STATE(a, counter_st)->sum, 5050);
  rt_release(asker);
  rt_release(a);
  rt_release(b);
  return t_finish("test_iface");
}

/* rt_request.c — requests and replies: `c ? h(...) then (x) {...} else (r) {...}`, and
 * their time limits (`within MS`, §13).
 *
 * A request message carries an rt_reqinfo (rt_request_info): the requester (a
 * reference), the then/else closure, the requester's incarnation and the request's
 * number (Reply#N).  The handler answers with rt_reply (its `return v`), or through a
 * reply handle (rt_reply.c) that took the rt_reqinfo's requester and closure over; a
 * failing handler, a dead target or a `none` target fails the request with the reason
 * instead; a handler that returns later without making a handle, and the last copy of
 * an unanswered handle, fail it with "no answer".  An answer goes back as a system
 * message REPLY, a failure as REPLY_FAIL, whenever the request has blocks (a failure
 * too when there is no else: it settles a time limit).  The requester runs the block
 * as a message to itself, unless it has been restarted (its incarnation changed)
 * since it asked.
 *
 * Time limits.  `within MS` starts a timer of the requester's (rt_timer_start_limit)
 * whose firing gives up on the request: its else runs with "timeout".  The answer, a
 * failure and the timeout race; the first to reach the requester wins, because all
 * three are messages to it: the closure's `settled` says a block has run (or been
 * given up on), and the later ones are discarded.  Both fields of the closure that do
 * this, `settled` and `limit`, are used by the requester's thread alone.  The limit
 * timer does not own the closure (a cycle otherwise): the closure owns the timer, and
 * outlives every firing that could still run -- the request's side holds the closure
 * until its REPLY or REPLY_FAIL is taken by the requester, which cancels the limit
 * first, and an ended or restarted requester has cancelled its timers (a firing
 * already queued then is skipped by its incarnation).  MS <= 0 gives up at once: the
 * timeout is posted to the requester before the request is even sent. */
#include "core/rt_core.h"

static const rt_str no_answer_s = RT_STATIC_STR("no answer"), timeout_s = RT_STATIC_STR("timeout");
rt_str *const rt_reason_no_answer = (rt_str *)&no_answer_s, *const rt_reason_timeout = (rt_str *)&timeout_s;

typedef struct reply_msg {
  rt_msg h;               /* RT_MSG_REPLY or RT_MSG_REPLY_FAIL */
  rt_closure *cont;       /* owned */
  uint64_t incarnation;   /* the requester's, when it asked */
  rt_word value;          /* REPLY: the answer (owned, cont->answer_type);
                           * REPLY_FAIL: the reason (an owned rt_str) */
} reply_msg;

/* Requests are numbered program-wide from 1 in the order they are made (every `?`,
 * `none` targets included, and every `!` to a `-> T` handler, whose `reply` is a
 * handle too).  relaxed: only uniqueness and each thread's own order matter. */
static _Atomic uint64_t request_numbers;

static uint64_t next_number(void) {
  return atomic_fetch_add_explicit(&request_numbers, 1, memory_order_relaxed) + 1;
}

static void post(rt_actor *to, uint32_t id, rt_closure *cont, uint64_t incarnation, rt_word value) {
  reply_msg *r = (reply_msg *)rt_msg_alloc(sizeof *r);
  r->h.id = id;
  r->cont = cont;
  r->incarnation = incarnation;
  r->value = value;
  rt_send(to, &r->h);
}

void rt_request_post_answer(rt_actor *to, rt_closure *cont, uint64_t incarnation, rt_word answer) {
  post(to, RT_MSG_REPLY, cont, incarnation, answer);
}

void rt_request_post_failure(rt_actor *to, rt_closure *cont, uint64_t incarnation, rt_str *reason) {
  post(to, RT_MSG_REPLY_FAIL, cont, incarnation, (rt_word)(uintptr_t)reason);
}

void rt_request_info(rt_reqinfo *ri, rt_actor *self, rt_closure *cont) {
  /* Without blocks nobody needs the answer: leave reply_to empty. */
  ri->reply_to = NULL;
  if (cont && self) {
    rt_retain(self);
    ri->reply_to = self;
  }
  ri->cont = cont;
  ri->incarnation = self ? self->incarnation : 0;
  ri->number = next_number();
  ri->handle = NULL;
}

void rt_request_tell(rt_reqinfo *ri) {
  ri->reply_to = NULL;
  ri->cont = NULL;
  ri->incarnation = 0;
  ri->number = next_number();
  ri->handle = NULL;
}

void rt_request_none(rt_actor *self, rt_closure *cont) {
  next_number();
  if (!cont) return;
  if (!cont->run_else || !self) {
    rt_release(cont);
    return;
  }
  rt_retain(rt_reason_none);
  post(self, RT_MSG_REPLY_FAIL, cont, self->incarnation, (rt_word)(uintptr_t)rt_reason_none);
}

void rt_request_within(rt_actor *self, rt_closure *cont, int64_t ms) {
  if (!cont || !self) return;
  if (ms <= 0) { /* at once: before any answer can come */
    rt_retain(cont);
    post(self, RT_MSG_REPLY_FAIL, cont, self->incarnation, (rt_word)(uintptr_t)rt_reason_timeout);
    return;
  }
  cont->limit = rt_timer_start_limit(self, ms, cont);
}

/* The answer type of m's handler (to release an answer nobody takes). */
static const rt_type *answer_type(rt_actor *self, rt_msg *m) {
  return self->kind->answer_types ? self->kind->answer_types[m->id] : NULL;
}

void rt_reply(rt_actor *self, rt_msg *m, rt_word answer) {
  rt_reqinfo *ri = (rt_reqinfo *)(m + 1);
  if (RT_LIKELY(ri->reply_to && ri->cont)) { /* (then no handle was made: it takes them) */
    rt_actor *to = ri->reply_to;
    rt_closure *cont = ri->cont;
    ri->reply_to = NULL; /* moved into the reply: rt_reqinfo_finish leaves them */
    ri->cont = NULL;
    post(to, RT_MSG_REPLY, cont, ri->incarnation, answer);
    rt_release(to);
    return;
  }
  const rt_type *t = answer_type(self, m);
  if (ri->handle) /* `reply` was made: it holds the requester (and may be answered) */
    rt_reply_answer(ri->handle, answer, t);
  else if (t) /* nobody waits */
    rt_word_release(answer, t);
}

void rt_reqinfo_finish(rt_reqinfo *ri) {
  if (RT_LIKELY(!ri->reply_to && !ri->cont && !ri->handle)) return; /* answered, or nobody waits */
  if (ri->handle) {
    rt_handle *h = ri->handle;
    ri->handle = NULL;
    rt_release(h); /* if it was the last copy, unanswered: "no answer" (rt_reply.c) */
  } else if (ri->reply_to && ri->cont) {
    /* return later, with no handle to answer it by: nobody can */
    rt_retain(rt_reason_no_answer);
    post(ri->reply_to, RT_MSG_REPLY_FAIL, ri->cont, ri->incarnation, (rt_word)(uintptr_t)rt_reason_no_answer);
    ri->cont = NULL;
  }
  rt_release(ri->reply_to);
  rt_release(ri->cont);
  ri->reply_to = NULL;
  ri->cont = NULL;
}

void rt_reqinfo_fail(rt_reqinfo *ri, rt_str *why) {
  if (ri->handle) {
    rt_reply_fail(ri->handle, why); /* unless answered already: the first stands */
  } else if (ri->reply_to && ri->cont) {
    rt_retain(why);
    post(ri->reply_to, RT_MSG_REPLY_FAIL, ri->cont, ri->incarnation, (rt_word)(uintptr_t)why);
    ri->cont = NULL;
  }
  rt_reqinfo_finish(ri);
}

void rt_request_drop(rt_msg *m) {
  reply_msg *r = (reply_msg *)m;
  if (r->h.id == RT_MSG_REPLY) {
    if (r->cont && r->cont->answer_type) rt_word_release(r->value, r->cont->answer_type);
  } else {
    rt_release((void *)(uintptr_t)r->value);
  }
  rt_release(r->cont);
  r->cont = NULL;
  r->value = 0;
}

void rt_request_describe(rt_msg *m, rt_buf *out) {
  reply_msg *r = (reply_msg *)m;
  if (r->h.id == RT_MSG_REPLY) {
    if (r->cont && r->cont->answer_type) rt_buf_value(out, r->value, r->cont->answer_type, true);
  } else {
    rt_buf_value(out, r->value, &rt_type_string, true);
  }
}

/* An answer or failure came in time: the limit is over. */
static __attribute__((noinline)) void end_limit(rt_closure *cont) {
  struct rt_timer *limit = cont->limit;
  cont->limit = NULL;
  rt_timer_cancel(limit);
  rt_release(limit);
}

/* The requester's thread: cont's first outcome is here.  False if one came before. */
static inline bool settle(rt_closure *cont) {
  if (cont->settled) return false;
  cont->settled = 1;
  if (RT_UNLIKELY(cont->limit != NULL)) end_limit(cont);
  return true;
}

void rt_request_handle(rt_actor *a, rt_msg *m) {
  reply_msg *r = (reply_msg *)m;
  if (r->incarnation == a->incarnation && r->cont && settle(r->cont)) {
    if (r->h.id == RT_MSG_REPLY) {
      if (r->cont->run) {
        rt_cur.handler = "then";
        r->cont->run(a, r->cont, r->value);
      }
    } else if (r->cont->run_else) {
      rt_cur.handler = "else";
      r->cont->run_else(a, r->cont, (rt_str *)(uintptr_t)r->value);
    }
  }
  rt_request_drop(m);
}

void rt_request_timeout(rt_actor *a, rt_closure *cont) {
  if (cont->settled) return; /* (the limit is cancelled when an outcome comes first) */
  cont->settled = 1;
  struct rt_timer *limit = cont->limit; /* it is firing: its firing holds it */
  cont->limit = NULL;
  rt_release(limit);
  if (cont->run_else) {
    rt_cur.handler = "else";
    cont->run_else(a, cont, rt_reason_timeout);
  }
}

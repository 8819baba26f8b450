/* rt_request.c — requests and replies: `c ? h(...) then (x) {...} else (r) {...}`.
 *
 * A request message carries an rt_reqinfo (rt_request_info): the requester (a
 * reference), the then/else closure and the requester's incarnation.  rt_reply sends
 * the answer back as a system message REPLY; a failing handler, a dead target or a
 * `none` target sends REPLY_FAIL with the reason instead (only when there is an
 * else-block to run it).  The requester runs the block as a message to itself,
 * unless it has been restarted (its incarnation changed) since it asked. */
#include "core/rt_core.h"

typedef struct reply_msg {
  rt_msg h;               /* RT_MSG_REPLY or RT_MSG_REPLY_FAIL */
  rt_closure *cont;       /* owned */
  uint64_t incarnation;   /* the requester's, when it asked */
  rt_word value;          /* REPLY: the answer (owned, cont->answer_type);
                           * REPLY_FAIL: the reason (an owned rt_str) */
} reply_msg;

static void post(rt_actor *to, uint32_t id, rt_closure *cont, uint64_t incarnation, rt_word value) {
  reply_msg *r = (reply_msg *)rt_msg_alloc(sizeof *r);
  r->h.id = id;
  r->cont = cont;
  r->incarnation = incarnation;
  r->value = value;
  rt_send(to, &r->h);
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
}

void rt_request_none(rt_actor *self, rt_closure *cont) {
  if (!cont) return;
  if (!cont->run_else || !self) {
    rt_release(cont);
    return;
  }
  post(self, RT_MSG_REPLY_FAIL, cont, self->incarnation, (rt_word)(uintptr_t)rt_reason_none);
}

void rt_reply(rt_actor *self, rt_msg *m, rt_word answer) {
  rt_reqinfo *ri = (rt_reqinfo *)(m + 1);
  if (ri->reply_to && ri->cont) {
    rt_actor *to = ri->reply_to;
    rt_closure *cont = ri->cont;
    ri->reply_to = NULL; /* moved into the reply: rt_reqinfo_finish leaves them */
    ri->cont = NULL;
    post(to, RT_MSG_REPLY, cont, ri->incarnation, answer);
    rt_release(to);
    return;
  }
  const rt_type *t = self->kind->answer_types ? self->kind->answer_types[m->id] : NULL;
  if (t) rt_word_release(answer, t);
}

void rt_reqinfo_finish(rt_reqinfo *ri) {
  rt_release(ri->reply_to);
  rt_release(ri->cont);
  ri->reply_to = NULL;
  ri->cont = NULL;
}

void rt_reqinfo_fail(rt_reqinfo *ri, rt_str *why) {
  if (ri->reply_to && ri->cont && ri->cont->run_else) {
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

void rt_request_handle(rt_actor *a, rt_msg *m) {
  reply_msg *r = (reply_msg *)m;
  if (r->incarnation == a->incarnation && r->cont) {
    if (r->h.id == RT_MSG_REPLY) {
      if (!r->cont->run) goto done;
      rt_cur.handler = "then";
      r->cont->run(a, r->cont, r->value);
    } else if (r->cont->run_else) {
      rt_cur.handler = "else";
      r->cont->run_else(a, r->cont, (rt_str *)(uintptr_t)r->value);
    }
  }
done:
  rt_request_drop(m);
}

/* rt_reply.c — reply handles (§13): the value of `reply` in a `-> T` handler, a
 * Reply[T] that may be stored, sent, and answered from any actor or function.
 *
 * A handle is made the first time its handler evaluates `reply` (rt_reply_handle), so
 * only handlers that name it pay: it takes the request's requester, closure and
 * incarnation over from the message's rt_reqinfo, which keeps a reference to it until
 * the handler is done (and fails it with the reason if the handler fails).  Handles
 * are reference counted like every value; the number (Reply#N) is the request's.
 *
 * Answering is first-wins, from any thread: `answered` goes 0 -> 1 once (a CAS), and
 * the winner alone takes the requester and closure to post the answer or the failure
 * (rt_request.c's REPLY / REPLY_FAIL); later answers are released unused.  When the
 * last reference to an unanswered handle goes (dropped, overwritten, or released with
 * the state of an actor that failed, stopped or restarted, or with a dead letter),
 * the request fails with "no answer".  Not at once: the thread running an actor keeps
 * such handles on a list (rt_cur.lost, and RT_AF_LOST on the actor) and posts their
 * failures when the message's turn ends (rt_actor.c calls rt_reply_flush_lost before
 * the next message), so that what the turn sent before and after it let the handle go
 * reaches the requester first, as the reference says ("as soon as the turn that
 * dropped the last copy ends").  A handle let go outside any turn (a dead letter
 * drained by the timer thread) fails its request at once. */
#include "core/rt_core.h"

struct rt_handle {
  rt_hdr h;                 /* tag RT_TAG_REPLY */
  _Atomic uint32_t answered; /* 0 until the first answer or failure (or "no answer") */
  uint64_t number;          /* Reply#N: the request's number */
  /* Taken over from the request; afterwards only the thread that set `answered`
   * touches them (then the handle's free, which the count orders after it). */
  rt_actor *reply_to;       /* owned; NULL: nobody waits (told with !, or no blocks) */
  rt_closure *cont;         /* owned */
  uint64_t incarnation;
  struct rt_handle *next_lost; /* on its thread's list of handles lost in this turn */
};

/* The winner of `answered`: true once, for the first answer or failure.  acq_rel: the
 * winner's use of reply_to and cont comes after every earlier writer's (the maker). */
static bool win(rt_handle *r) {
  uint32_t open = 0;
  return atomic_compare_exchange_strong_explicit(&r->answered, &open, 1, memory_order_acq_rel,
                                                 memory_order_acquire);
}

/* The winner: the request's requester and closure, taken (owned) -- NULL when nobody
 * waits for the outcome. */
static rt_actor *take(rt_handle *r, rt_closure **cont) {
  rt_actor *to = r->reply_to;
  *cont = r->cont;
  r->reply_to = NULL;
  r->cont = NULL;
  if (to && *cont) return to;
  rt_release(to);
  rt_release(*cont);
  return NULL;
}

rt_handle *rt_reply_handle(rt_msg *m) {
  rt_reqinfo *ri = (rt_reqinfo *)(m + 1);
  if (RT_LIKELY(ri->handle != NULL)) return ri->handle;
  rt_handle *r = rt_alloc(sizeof *r);
  rt_hdr_init(r, RT_TAG_REPLY); /* the count is the message's reference */
  atomic_init(&r->answered, 0);
  r->number = ri->number;
  r->reply_to = ri->reply_to;
  r->cont = ri->cont;
  r->incarnation = ri->incarnation;
  r->next_lost = NULL;
  ri->reply_to = NULL;
  ri->cont = NULL;
  ri->handle = r;
  return r;
}

void rt_reply_answer(rt_handle *r, rt_word v, const rt_type *t) {
  rt_closure *cont;
  rt_actor *to = r && win(r) ? take(r, &cont) : NULL;
  if (!to) { /* Reply#0, answered already, or nobody waits */
    if (t) rt_word_release(v, t);
    return;
  }
  rt_request_post_answer(to, cont, r->incarnation, v);
  rt_release(to);
}

void rt_reply_fail(rt_handle *r, rt_str *reason) {
  rt_closure *cont;
  rt_actor *to = r && win(r) ? take(r, &cont) : NULL;
  if (!to) return;
  rt_retain(reason);
  rt_request_post_failure(to, cont, r->incarnation, reason);
  rt_release(to);
}

/* ---- the last copy ---------------------------------------------------------------- */

static void reply_free_now(rt_handle *r) {
  rt_closure *cont;
  /* relaxed: the count's acquire on the last release orders every writer before us. */
  if (!atomic_load_explicit(&r->answered, memory_order_relaxed)) {
    atomic_store_explicit(&r->answered, 1, memory_order_relaxed);
    rt_actor *to = take(r, &cont);
    if (to) {
      rt_request_post_failure(to, cont, r->incarnation, rt_reason_no_answer);
      rt_release(to);
    }
  }
  rt_release(r->reply_to);
  rt_release(r->cont);
  rt_free(r);
}

static void reply_obj_free(void *p) {
  rt_handle *r = p;
  /* An answered handle, or one nobody waits on, has nothing to tell: free it now. */
  bool tell = !atomic_load_explicit(&r->answered, memory_order_relaxed) && r->reply_to && r->cont;
  if (tell && rt_cur.actor) { /* in a turn: at its end (rt_actor.c looks at the flag) */
    r->next_lost = rt_cur.lost;
    rt_cur.lost = r;
    /* relaxed, a read-modify-write: the running thread's own flag, in a word other
     * threads change too (RESTART). */
    atomic_fetch_or_explicit(&rt_cur.actor->flags, RT_AF_LOST, memory_order_relaxed);
    return;
  }
  reply_free_now(r);
}

void rt_reply_flush_lost(void) {
  /* Posting may release more handles (a closure holding one): they join the list,
   * and the loop takes them too. */
  while (rt_cur.lost) {
    rt_handle *r = rt_cur.lost;
    rt_cur.lost = r->next_lost;
    reply_free_now(r);
  }
}

static const char *reply_name(const void *r) { return "Reply"; }
static uint64_t reply_number(const void *r) { return ((const rt_handle *)r)->number; }
const rt_obj_class rt_reply_class = {reply_obj_free, reply_name, reply_number};

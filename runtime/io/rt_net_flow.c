/* rt_net_flow.c — flow control of input: a connection (or standard input) is read only
 * as fast as its owner handles the lines, so a peer that sends faster than the owner
 * keeps up cannot make the program's memory grow without bound (Pony's TCPConnection
 * mutes reading; Erlang's {active, N} is the same idea).
 *
 * Each line travels from the I/O thread to its owner as a system message,
 * RT_MSG_NET_LINE, that wraps the handler's own message (laid out as the compiler lays
 * it out: { rt_msg; one word per argument }) and names its handle.  The handle counts
 * what its lines cost while they are on their way (`unhandled`: lines in the low bits,
 * bytes above them): the I/O thread adds a line's cost before sending it, and the
 * thread running the owner takes it away once the line is consumed -- handled
 * (rt_nf_line_handle, after the handler returns), dropped because the handler failed
 * (rt_actor_after_failure) or dropped as a dead letter (the owner ended).  So the count
 * stays right across ownership changes (lines already sent to the old owner count
 * until it consumes them), closes, the owner's end and its restart (a restart leaves
 * the mailbox alone: the new incarnation handles the lines).
 *
 * The lines' reference.  While the count is above 0 the handle holds one reference for
 * all its lines: the I/O thread takes it when it adds to a count of 0, the consumer
 * that takes the count back to 0 lets it go.  So lines outlive their connection's
 * close, without a reference count change per line.
 *
 * Muting.  When a line takes the count to FLOW_HIGH_LINES lines or FLOW_HIGH_BYTES
 * bytes, the I/O thread sets `muted`: it frames no further line (the rest of what it
 * read waits in the handle's input buffer, unframed) and stops reading (EPOLLIN leaves
 * the handle's epoll mask once input comes while it is muted: rt_net_io.c), so the
 * kernel's socket buffer fills and TCP's window pushes back on the peer.  The consumer whose line takes the count from above the
 * low watermark (FLOW_LOW_LINES lines and FLOW_LOW_BYTES bytes) to at or below it, and
 * finds the handle muted, queues the handle for the I/O thread (rt_nio_enqueue), which
 * unmutes it, frames what waited and reads again.
 *
 * The race between muting and the last consumer is closed as in Dekker's algorithm:
 * the I/O thread stores `muted` and then loads the count (unmuting at once if it is
 * already low); a consumer subtracts from the count (a compare-and-swap) and then
 * loads `muted`.  All four are seq_cst, so at least one of the two sees the other's write: either the I/O
 * thread finds the count low, or the consumer finds the handle muted and wakes it.
 * Only the I/O thread writes `muted`.
 *
 * Nothing of this touches the path of ordinary messages: a line is a system message,
 * dispatched by rt_actor.c's handle_system. */
#include "io/rt_net.h"

#include <stddef.h>

/* The watermarks are in rt_net.h (FLOW_*), with the layout of `unhandled`.  The I/O
 * thread adds no line once the count is at the high watermark, so lines stay far
 * below 2^24 and bytes below 2^40 (at most 1 MiB plus one line). */
static inline bool over_high(uint64_t v) { return rt_nf_lines(v) >= FLOW_HIGH_LINES || rt_nf_bytes(v) >= FLOW_HIGH_BYTES; }
static inline bool at_low(uint64_t v) { return rt_nf_lines(v) <= FLOW_LOW_LINES && rt_nf_bytes(v) <= FLOW_LOW_BYTES; }

typedef struct line_msg {
  rt_msg h;        /* RT_MSG_NET_LINE */
  net_h *from;     /* its handle (held by the lines' reference); NULL once consumed */
  uint64_t cost;   /* what the line adds to from->unhandled */
  rt_msg inner;    /* the handler's message: inner.id is the handler's number, */
  rt_word args[];  /* and its arguments follow (an Int, or a String it owns) */
} line_msg;
_Static_assert(offsetof(line_msg, args) == offsetof(line_msg, inner) + sizeof(rt_msg),
               "a handler's arguments follow its rt_msg");

bool rt_nf_muted(net_h *h) {
  /* relaxed: the I/O thread reads what it wrote itself (it is the only writer). */
  return atomic_load_explicit(&h->muted, memory_order_relaxed);
}

void rt_nf_send_line(net_h *h, int32_t hid, int n, const rt_word *args, size_t len) {
  line_msg *l = (line_msg *)rt_msg_alloc((uint32_t)(sizeof *l + (size_t)n * sizeof(rt_word)));
  l->h.id = RT_MSG_NET_LINE;
  l->from = h;
  l->cost = 1 + ((uint64_t)len << RT_NF_LINE_BITS);
  l->inner.next = NULL;
  l->inner.id = (uint32_t)hid;
  l->inner.size = 0;
  memcpy(l->args, args, (size_t)n * sizeof(rt_word));
  /* Added before the send, so that no consumer takes away what is not counted yet.
   * seq_cst: see the top of the file. */
  uint64_t old = atomic_fetch_add(&h->unhandled, l->cost), v = old + l->cost;
  /* The lines' reference (see the top of the file).  No consumer can take the count
   * back to 0 before the send: this line is counted. */
  if (old == 0) rt_nh_retain(h);
  rt_send(h->owner, &l->h);
  if (over_high(v) && !rt_nf_muted(h)) {
    atomic_store(&h->muted, true); /* seq_cst: then the count is loaded (Dekker) */
    if (at_low(atomic_load(&h->unhandled))) atomic_store(&h->muted, false); /* caught up meanwhile */
  }
}

bool rt_nf_resume(net_h *h) {
  if (!rt_nf_muted(h)) return true;
  /* seq_cst: as in rt_nf_send_line.  If the count is still high, the consumer that
   * brings it down will find `muted` set (it stays set until we clear it here). */
  if (!at_low(atomic_load(&h->unhandled))) return false;
  atomic_store(&h->muted, false);
  return true;
}

void rt_nf_line_handle(rt_actor *a, rt_msg *m) {
  line_msg *l = (line_msg *)m;
  const rt_kind *k = a->kind;
  rt_cur.handler = k->handler_names[l->inner.id];
  k->dispatch(a, &l->inner); /* may fail: then rt_actor_after_failure drops m */
  rt_nf_line_drop(a, m);
}

void rt_nf_line_drop(rt_actor *a, rt_msg *m) {
  line_msg *l = (line_msg *)m;
  net_h *h = l->from;
  if (!h) return;
  l->from = NULL;
  a->kind->drop_msg(&l->inner);
  /* relaxed: only a first guess for the compare-exchange. */
  uint64_t v = atomic_load_explicit(&h->unhandled, memory_order_relaxed);
  for (;;) {
    uint64_t nv = v - l->cost;
    bool cross = !at_low(v) && at_low(nv); /* this line takes the count down to the low watermark */
    /* h must outlive the look at `muted` below, when other consumers may take the
     * count to 0 meanwhile: a reference of our own, taken while this line is counted
     * (so the lines' reference holds h). */
    if (cross) rt_nh_retain(h);
    /* seq_cst: the subtraction, then the load of `muted` (see the top of the file). */
    if (atomic_compare_exchange_weak(&h->unhandled, &v, nv)) {
      if (cross) {
        if (atomic_load(&h->muted)) rt_nio_enqueue(h);
        rt_nh_release(h);
      }
      if (nv == 0) rt_nh_release(h); /* the lines' reference: maybe the last */
      return;
    }
    if (cross) rt_nh_release(h); /* not the last: this line is still counted */
  }
}

/* cg_layout.c — the runtime's structs as LLVM types, laid out from the one place that
 * defines them: runtime/include/actor_rt.h, read here with offsetof and sizeof.  Each
 * field sits at its C offset (padding is inserted where the C compiler put some), and
 * each layout is checked against C when it is made: the offset of every element
 * (LLVMOffsetOfElement), the size of every field, the size and alignment of the
 * struct, and that no bytes are left that the compiler does not know (a field added
 * to actor_rt.h and not here).  A mismatch is an internal error on every compile, so
 * `make test` fails; a field moved in actor_rt.h is simply moved here too.
 *
 * Generated code names fields through these layouts (cg_rt_field, cg_rt_const and the
 * F_* numbers in cg.h), never by position.  The compiler runs on the machine it
 * compiles for, so the host's C layout is the target's. */
#include "cg.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct RtField {
  size_t off, size; /* offsetof and sizeof in C */
  LLVMTypeRef t;
  const char *name;
} RtField;

#define FIELD(S, m, t) {offsetof(S, m), sizeof(((S *)0)->m), (t), #m}

/* The struct named `name` (NULL: an unnamed one), of C size `size` and alignment
 * `align` (0, 0: not a C struct of its own -- a string literal), with the n fields f
 * (f[i] is field number i of the layout). */
static void layout(RtLayout *l, const char *name, size_t size, size_t align, const RtField *f, unsigned n) {
  if (n > sizeof l->elem / sizeof l->elem[0]) unreachable();
  unsigned order[32];
  for (unsigned i = 0; i < n; i++) order[i] = i;
  for (unsigned i = 1; i < n; i++) /* by offset: actor_rt.h may put them in any order */
    for (unsigned j = i; j > 0 && f[order[j]].off < f[order[j - 1]].off; j--) {
      unsigned t = order[j];
      order[j] = order[j - 1];
      order[j - 1] = t;
    }
  LLVMTypeRef elems[64];
  unsigned ne = 0;
  size_t at = 0;
  const char *what = name ? name : "rt_str literal";
  for (unsigned k = 0; k < n; k++) {
    const RtField *fd = &f[order[k]];
    size_t a = LLVMABIAlignmentOfType(cg.td, fd->t), natural = (at + a - 1) / a * a;
    if (LLVMStoreSizeOfType(cg.td, fd->t) != fd->size || fd->off < at || fd->off % a) {
      fprintf(stderr, "actorc: internal error: runtime/include/actor_rt.h's %s.%s (offset %zu, %zu bytes) does not fit "
                      "the compiler's layout (compiler/cg_layout.c)\n", what, fd->name, fd->off, fd->size);
      unreachable();
    }
    if (fd->off != natural) {
      fprintf(stderr, "actorc: internal error: runtime/include/actor_rt.h's %s has bytes %zu..%zu the compiler does "
                      "not know (compiler/cg_layout.c)\n", what, at, fd->off - 1);
      unreachable();
    }
    l->elem[order[k]] = ne;
    elems[ne++] = fd->t;
    at = fd->off + fd->size;
  }
  if (name) {
    l->t = LLVMStructCreateNamed(cg.ctx, name);
    LLVMStructSetBody(l->t, elems, ne, 0);
  } else {
    l->t = LLVMStructTypeInContext(cg.ctx, elems, ne, 0);
  }
  l->n = n;
  bool ok = !size || (LLVMABISizeOfType(cg.td, l->t) == size && LLVMABIAlignmentOfType(cg.td, l->t) == align);
  for (unsigned i = 0; i < n; i++) ok &= LLVMOffsetOfElement(cg.td, l->t, l->elem[i]) == f[i].off;
  if (!ok) {
    fprintf(stderr, "actorc: internal error: the compiler's %s does not have actor_rt.h's layout (compiler/cg_layout.c)\n",
            what);
    unreachable();
  }
}

LLVMValueRef cg_rt_field(const RtLayout *l, LLVMValueRef base, unsigned field) {
  return cg_gep(l->t, base, l->elem[field]);
}

LLVMValueRef cg_rt_const(const RtLayout *l, LLVMValueRef *vals) {
  LLVMValueRef elems[64];
  for (unsigned i = 0; i < l->n; i++) elems[l->elem[i]] = vals[i];
  return LLVMIsLiteralStruct(l->t) ? LLVMConstStructInContext(cg.ctx, elems, l->n, 0)
                                   : LLVMConstNamedStruct(l->t, elems, l->n);
}

/* ---- the structs ---------------------------------------------------------------- */

void cg_layout_init(void) {
  LLVMTypeRef p = cg.ptr, i32 = cg.i32, i64 = cg.i64;
  const RtField msg[F_MSG_N] = {
      [F_MSG_NEXT] = FIELD(rt_msg, next, p),
      [F_MSG_ID] = FIELD(rt_msg, id, i32),
      [F_MSG_SIZE] = FIELD(rt_msg, size, i32),
  };
  layout(&cg.msg, "rt_msg", sizeof(rt_msg), _Alignof(rt_msg), msg, F_MSG_N);
  const RtField req[F_REQ_N] = {
      [F_REQ_REPLY_TO] = FIELD(rt_reqinfo, reply_to, p),
      [F_REQ_CONT] = FIELD(rt_reqinfo, cont, p),
      [F_REQ_INCARNATION] = FIELD(rt_reqinfo, incarnation, i64),
  };
  layout(&cg.reqinfo, "rt_reqinfo", sizeof(rt_reqinfo), _Alignof(rt_reqinfo), req, F_REQ_N);
  const RtField clo[F_CLO_N] = {
      [F_CLO_RC] = FIELD(rt_closure, h.rc, i32),
      [F_CLO_TAG] = FIELD(rt_closure, h.tag, i32),
      [F_CLO_RUN] = FIELD(rt_closure, run, p),
      [F_CLO_RUN_ELSE] = FIELD(rt_closure, run_else, p),
      [F_CLO_DROP] = FIELD(rt_closure, drop, p),
      [F_CLO_ANSWER_TYPE] = FIELD(rt_closure, answer_type, p),
  };
  layout(&cg.clo, "rt_closure", sizeof(rt_closure), _Alignof(rt_closure), clo, F_CLO_N);
  const RtField type[F_TYPE_N] = {
      [F_TYPE_KIND] = FIELD(rt_type, kind, i32),
      [F_TYPE_RESERVED] = FIELD(rt_type, reserved, i32),
      [F_TYPE_A] = FIELD(rt_type, a, p),
      [F_TYPE_B] = FIELD(rt_type, b, p),
  };
  layout(&cg.type, "rt_type", sizeof(rt_type), _Alignof(rt_type), type, F_TYPE_N);
  const RtField kind[F_KIND_N] = {
      [F_KIND_NAME] = FIELD(rt_kind, name, p),
      [F_KIND_SIZE] = FIELD(rt_kind, size, i32),
      [F_KIND_NHANDLERS] = FIELD(rt_kind, nhandlers, i32),
      [F_KIND_HANDLER_NAMES] = FIELD(rt_kind, handler_names, p),
      [F_KIND_HANDLER_ANSWERS] = FIELD(rt_kind, handler_answers, p),
      [F_KIND_ANSWER_TYPES] = FIELD(rt_kind, answer_types, p),
      [F_KIND_DOWN_HANDLER] = FIELD(rt_kind, down_handler, i32),
      [F_KIND_FLAGS] = FIELD(rt_kind, flags, i32),
      [F_KIND_INIT] = FIELD(rt_kind, init, p),
      [F_KIND_DISPATCH] = FIELD(rt_kind, dispatch, p),
      [F_KIND_DROP_MSG] = FIELD(rt_kind, drop_msg, p),
      [F_KIND_DROP_STATE] = FIELD(rt_kind, drop_state, p),
      [F_KIND_DROP_PARAMS] = FIELD(rt_kind, drop_params, p),
      [F_KIND_SUP] = FIELD(rt_kind, sup, p),
  };
  layout(&cg.kind, "rt_kind", sizeof(rt_kind), _Alignof(rt_kind), kind, F_KIND_N);
  const RtField sup[F_SUP_N] = {
      [F_SUP_STRATEGY] = FIELD(rt_sup_desc, strategy, i32),
      [F_SUP_NCHILDREN] = FIELD(rt_sup_desc, nchildren, i32),
      [F_SUP_INTENSITY] = FIELD(rt_sup_desc, intensity, i64),
      [F_SUP_PERIOD_MS] = FIELD(rt_sup_desc, period_ms, i64),
      [F_SUP_BUILD] = FIELD(rt_sup_desc, build, p),
  };
  layout(&cg.sup, "rt_sup_desc", sizeof(rt_sup_desc), _Alignof(rt_sup_desc), sup, F_SUP_N);
  const RtField prog[F_PROG_N] = {
      [F_PROG_MAIN_KIND] = FIELD(rt_program, main_kind, p),
      [F_PROG_START_HANDLER] = FIELD(rt_program, start_handler, i32),
      [F_PROG_START_TAKES_ARGS] = FIELD(rt_program, start_takes_args, i32),
      [F_PROG_ARGS_TYPE] = FIELD(rt_program, args_type, p),
  };
  layout(&cg.program, "rt_program", sizeof(rt_program), _Alignof(rt_program), prog, F_PROG_N);
  const RtField list[F_LIST_N] = {
      [F_LIST_RC] = FIELD(rt_list, h.rc, i32),
      [F_LIST_TAG] = FIELD(rt_list, h.tag, i32),
      [F_LIST_LEN] = FIELD(rt_list, len, i64),
      [F_LIST_CAP] = FIELD(rt_list, cap, i64),
      [F_LIST_TYPE] = FIELD(rt_list, type, p),
      [F_LIST_DATA] = FIELD(rt_list, data, cg_ptr_to(i64)),
  };
  layout(&cg.list, "rt_list", sizeof(rt_list), _Alignof(rt_list), list, F_LIST_N);
}

/* A string literal: an rt_str header and its bytes (with their NUL) at
 * offsetof(rt_str, data); aligned as an rt_str. */
LLVMValueRef cg_rt_str_const(LLVMValueRef bytes, int64_t len) {
  const RtField f[F_STR_N] = {
      [F_STR_RC] = FIELD(rt_str, h.rc, cg.i32),
      [F_STR_TAG] = FIELD(rt_str, h.tag, cg.i32),
      [F_STR_LEN] = FIELD(rt_str, len, cg.i64),
      [F_STR_DATA] = {offsetof(rt_str, data), (size_t)len + 1, LLVMTypeOf(bytes), "data"},
  };
  RtLayout l;
  layout(&l, NULL, 0, 0, f, F_STR_N);
  LLVMValueRef vals[F_STR_N] = {
      [F_STR_RC] = LLVMConstInt(cg.i32, RT_RC_STATIC, 0),
      [F_STR_TAG] = LLVMConstInt(cg.i32, RT_TAG_STR, 0),
      [F_STR_LEN] = LLVMConstInt(cg.i64, (unsigned long long)len, 0),
      [F_STR_DATA] = bytes,
  };
  return cg_rt_const(&l, vals);
}

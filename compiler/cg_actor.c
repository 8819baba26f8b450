/* cg_actor.c — code generation for what makes the language actors: per kind its
 * state layout, an rt_kind descriptor (with its interface tables), field initialisers
 * and the init block, a dispatch function with a switch on the message id, and drop
 * functions; per handler (and per interface signature) a message struct; sends and
 * requests, direct or through interfaces, with their time limits and then/else
 * closures, timers, spawn, supervisors' child building, functions and methods, and
 * the rt_program descriptor the runtime's main() starts.  (ponyc: genfun.c /
 * gentype.c.)
 *
 * A `-> T` handler's function takes its request message as a last parameter and
 * returns nothing: its `return v` answers through rt_reply, its `return later` does
 * not, and `reply` is rt_reply_handle of the message (§13). */
#include "cg.h"

#include <string.h>

typedef struct KindCg {
  LLVMTypeRef state_t;
  LLVMValueRef kind, init, dispatch, drop_msg, drop_state, drop_params, build;
} KindCg;

typedef struct FnCg {
  LLVMValueRef fn;
  LLVMTypeRef msg_t; /* handlers: { rt_msg, [rt_reqinfo], params... } */
} FnCg;

typedef struct CloCg {
  LLVMTypeRef env_t; /* first: cg_sym_addr reads it as LLVMTypeRef[0] */
  LLVMValueRef run, run_else, drop;
} CloCg;

static KindCg *kcg(Decl *d) { return d->cg; }
static FnCg *fcg(Decl *d) { return d->cg; }

LLVMValueRef cg_fn_decl(Decl *d) { return fcg(d)->fn; }

static LLVMValueRef add_fn(const char *name, LLVMTypeRef ret, LLVMTypeRef *params, unsigned n, bool internal) {
  LLVMValueRef f = LLVMAddFunction(cg.mod, name, LLVMFunctionType(ret, params, n, 0));
  if (internal) LLVMSetLinkage(f, LLVMInternalLinkage);
  return f;
}

static unsigned abi_size(LLVMTypeRef t) { return (unsigned)LLVMABISizeOfType(cg.td, t); }

/* ---- state ------------------------------------------------------------------------- */

LLVMTypeRef cg_state_type(Decl *a) { return kcg(a)->state_t; }

LLVMValueRef cg_state_addr(LLVMValueRef actor, Decl *kind, int index) {
  return cg_gep(kcg(kind)->state_t, actor, (unsigned)index + 1);
}

static void make_state_type(Decl *a) {
  int n = a->state.len;
  LLVMTypeRef *f = xalloc(sizeof(LLVMTypeRef) * (size_t)(n + 1));
  f[0] = LLVMArrayType(cg.i8, RT_ACTOR_STATE_OFFSET); /* the actor's header */
  for (int i = 0; i < n; i++) f[i + 1] = cg_llvm_type(((Sym *)a->state.data[i])->type);
  KindCg *k = xalloc(sizeof *k);
  k->state_t = LLVMStructCreateNamed(cg.ctx, xformat("state.%s", a->name));
  LLVMStructSetBody(k->state_t, f, (unsigned)(n + 1), 0);
  a->cg = k;
}

/* ---- declarations ------------------------------------------------------------------ */

static LLVMTypeRef *param_types(Vec *params, bool with_self, unsigned *n) {
  LLVMTypeRef *t = xalloc(sizeof(LLVMTypeRef) * (size_t)(params->len + 1));
  unsigned k = 0;
  if (with_self) t[k++] = cg.ptr;
  for (int i = 0; i < params->len; i++) t[k++] = cg_llvm_type(((Param *)params->data[i])->type);
  *n = k;
  return t;
}

static void declare_fn(Decl *d, const char *name, bool with_self) {
  unsigned n;
  LLVMTypeRef *pt = param_types(&d->params, with_self, &n);
  FnCg *f = xalloc(sizeof *f);
  f->fn = add_fn(name, d->ret ? cg_llvm_type(d->ret) : cg.void_t, pt, n, true);
  d->cg = f;
}

/* An extern fn's C signature: Any parameters pass (rt_word value, const rt_type *its
 * type); an Any result comes back as an rt_word, with (const rt_type *wanted, const
 * char *pos) appended to the arguments. */
static void declare_extern(Decl *d) {
  unsigned n = 0;
  LLVMTypeRef *pt = xalloc(sizeof(LLVMTypeRef) * (size_t)(2 * d->params.len + 2));
  for (int i = 0; i < d->params.len; i++) {
    Type *t = ((Param *)d->params.data[i])->type;
    if (t->kind == T_ANY) { /* Any or Data */
      pt[n++] = cg.i64;
      pt[n++] = cg.ptr;
    } else {
      pt[n++] = cg_llvm_type(t);
    }
  }
  if (d->ret && d->ret->kind == T_ANY) {
    pt[n++] = cg.ptr;
    pt[n++] = cg.ptr;
  }
  FnCg *f = xalloc(sizeof *f);
  const char *cname = extern_c_name(d);
  LLVMValueRef existing = LLVMGetNamedFunction(cg.mod, cname);
  LLVMTypeRef ret = !d->ret ? cg.void_t : d->ret->kind == T_ANY ? cg.i64 : cg_llvm_type(d->ret);
  /* Bound twice (two extern fns, or one of the runtime's own functions): the checker
   * made two extern fns agree; a runtime function must have the same C signature. */
  if (existing && LLVMGlobalGetValueType(existing) != LLVMFunctionType(ret, pt, n, 0))
    diag_error(d->csym ? d->csym->loc : d->loc, "extern fn %s: %s is the runtime's own function, with another signature",
               d->name, cname);
  f->fn = existing ? existing : add_fn(cname, ret, pt, n, false);
  unsigned zext = LLVMGetEnumAttributeKindForName("zeroext", 7);
  for (unsigned i = 0; i < n; i++)
    if (pt[i] == cg.i1) LLVMAddAttributeAtIndex(f->fn, i + 1, LLVMCreateEnumAttribute(cg.ctx, zext, 0));
  if (d->ret && d->ret->kind == T_BOOL)
    LLVMAddAttributeAtIndex(f->fn, LLVMAttributeReturnIndex, LLVMCreateEnumAttribute(cg.ctx, zext, 0));
  d->cg = f;
}

/* The message struct of handler (or interface signature) h: { rt_msg, [rt_reqinfo if
 * -> T], parameters in order } -- the same for a kind's handler and an interface's
 * signature it conforms to, since their parameter types are the same. */
static void declare_msg(const char *owner, Decl *h) {
  int n = h->params.len;
  LLVMTypeRef *f = xalloc(sizeof(LLVMTypeRef) * (size_t)(n + 2));
  unsigned k = 0;
  f[k++] = cg.msg.t;
  if (h->ret) f[k++] = cg.reqinfo.t;
  for (int i = 0; i < n; i++) f[k++] = cg_llvm_type(((Param *)h->params.data[i])->type);
  fcg(h)->msg_t = LLVMStructCreateNamed(cg.ctx, xformat("msg.%s.%s", owner, h->name));
  LLVMStructSetBody(fcg(h)->msg_t, f, k, 0);
}

static void declare_handler(Decl *a, Decl *h) {
  if (h->ret) { /* (self, params..., the request message) -> void */
    unsigned n;
    LLVMTypeRef *pt = param_types(&h->params, true, &n);
    LLVMTypeRef *all = xalloc(sizeof(LLVMTypeRef) * (size_t)(n + 1));
    memcpy(all, pt, sizeof(LLVMTypeRef) * n);
    all[n] = cg.ptr;
    FnCg *f = xalloc(sizeof *f);
    f->fn = add_fn(xformat("%s.on.%s", a->name, h->name), cg.void_t, all, n + 1, true);
    h->cg = f;
  } else {
    declare_fn(h, xformat("%s.on.%s", a->name, h->name), true);
  }
  declare_msg(a->name, h);
}

static void declare_iface(Decl *i) {
  for (int j = 0; j < i->handlers.len; j++) {
    Decl *sig = i->handlers.data[j];
    sig->cg = xalloc(sizeof(FnCg));
    declare_msg(i->name, sig);
  }
}

static void declare_kind(Decl *a) {
  make_state_type(a);
  KindCg *k = kcg(a);
  k->kind = LLVMAddGlobal(cg.mod, cg.kind.t, xformat("kind.%s", a->name));
  LLVMSetLinkage(k->kind, LLVMInternalLinkage);
  LLVMSetGlobalConstant(k->kind, 1);
  LLVMTypeRef p1[1] = {cg.ptr}, p2[2] = {cg.ptr, cg.ptr};
  k->dispatch = add_fn(xformat("%s.dispatch", a->name), cg.void_t, p2, 2, true);
  k->drop_msg = add_fn(xformat("%s.drop_msg", a->name), cg.void_t, p1, 1, true);
  k->drop_state = add_fn(xformat("%s.drop_state", a->name), cg.void_t, p1, 1, true);
  k->drop_params = add_fn(xformat("%s.drop_params", a->name), cg.void_t, p1, 1, true);
  if (a->kind == D_SUPERVISOR) {
    k->build = add_fn(xformat("%s.build", a->name), cg.void_t, p1, 1, true);
    return;
  }
  bool any_init = a->inits.len > 0;
  for (int i = 0; i < a->fields.len; i++) any_init |= ((Node *)a->fields.data[i])->a != NULL;
  if (any_init) k->init = add_fn(xformat("%s.init", a->name), cg.void_t, p1, 1, true);
  for (int i = 0; i < a->handlers.len; i++) declare_handler(a, a->handlers.data[i]);
  for (int i = 0; i < a->methods.len; i++) {
    Decl *m = a->methods.data[i];
    declare_fn(m, xformat("%s.fn.%s", a->name, m->name), true);
  }
}

static void declare_closure(Closure *c) {
  int n = c->captures.len;
  LLVMTypeRef *f = xalloc(sizeof(LLVMTypeRef) * (size_t)(n + 1));
  f[0] = cg.clo.t;
  for (int i = 0; i < n; i++) f[i + 1] = cg_llvm_type(((Sym *)c->captures.data[i])->type);
  CloCg *cc = xalloc(sizeof *cc);
  cc->env_t = LLVMStructCreateNamed(cg.ctx, xformat("env.%d", c->id));
  LLVMStructSetBody(cc->env_t, f, (unsigned)(n + 1), 0);
  LLVMTypeRef run_p[3] = {cg.ptr, cg.ptr, cg.i64}, else_p[3] = {cg.ptr, cg.ptr, cg.ptr}, drop_p[1] = {cg.ptr};
  Node *node = c->node;
  Block *then_b = node->then_blk, *else_b = node->kind == N_REQUEST ? node->else_blk : NULL;
  const char *what = node->kind == N_TIMER ? (node->ival ? "every" : "after") : "then";
  if (then_b) cc->run = add_fn(xformat("%s.%s.%d", c->actor->name, what, c->id), cg.void_t, run_p, 3, true);
  if (else_b) cc->run_else = add_fn(xformat("%s.else.%d", c->actor->name, c->id), cg.void_t, else_p, 3, true);
  cc->drop = add_fn(xformat("env.%d.drop", c->id), cg.void_t, drop_p, 1, true);
  c->cg = cc;
}

void cg_actors_declare(void) {
  Program *p = cg.prog;
  for (int i = 0; i < p->actors.len; i++) declare_kind(p->actors.data[i]);
  for (int i = 0; i < p->ifaces.len; i++) declare_iface(p->ifaces.data[i]);
  for (int i = 0; i < p->fns.len; i++) {
    Decl *d = p->fns.data[i];
    const char *mod = src_file(d->file)->module; /* a std module's: fn.strings.count */
    if (d->kind == D_FN) declare_fn(d, mod ? xformat("fn.%s.%s", mod, d->name) : xformat("fn.%s", d->name), false);
    else declare_extern(d);
  }
  for (int i = 0; i < p->closures.len; i++) declare_closure(p->closures.data[i]);
}

/* ---- bodies ------------------------------------------------------------------------ */

/* Parameters live in allocas (borrowed values: the caller keeps them alive). */
static void bind_params(Vec *params, LLVMValueRef fn, unsigned first) {
  for (int i = 0; i < params->len; i++) {
    Param *p = params->data[i];
    LLVMValueRef a = cg_alloca(cg_llvm_type(p->type), p->name);
    cg_store(LLVMGetParam(fn, first + (unsigned)i), a);
    p->sym->cg = a;
  }
}

/* A recursive function's entry: fail the actor ("stack overflow") when the frame is
 * below the thread's stack limit, instead of crashing the process. */
static void stack_check(Loc loc) {
  LLVMValueRef here = cg_alloca(cg.i8, "frame");
  LLVMValueRef sp = LLVMBuildPtrToInt(cg.b, here, cg.i64, "sp");
  LLVMValueRef limit = LLVMBuildLoad2(cg.b, cg.i64, cg.rtvar[RTV_STACK_LIMIT], "limit");
  cg_fail_if(LLVMBuildICmp(cg.b, LLVMIntULT, sp, limit, "deep"), RT_FAIL_STACK, loc);
}

static void gen_body(Decl *d, Decl *actor) {
  LLVMValueRef fn = fcg(d)->fn;
  CgFn *f = cg_fn_begin(fn, d->ret, d->loc);
  f->actor = actor;
  if (actor) f->self = LLVMGetParam(fn, 0);
  if (d->recursive) stack_check(d->loc);
  bind_params(&d->params, fn, actor ? 1 : 0);
  if (d->kind == D_HANDLER && d->ret) f->req_msg = LLVMGetParam(fn, (unsigned)d->params.len + 1);
  cg_stmts(&d->body);
  cg_fn_end();
}

static void gen_init(Decl *a) {
  KindCg *k = kcg(a);
  if (!k->init) return;
  CgFn *f = cg_fn_begin(k->init, NULL, a->loc);
  f->actor = a;
  f->self = LLVMGetParam(k->init, 0);
  f->in_init = true;
  for (int i = 0; i < a->fields.len; i++) {
    Node *fld = a->fields.data[i];
    if (!fld->a) continue;
    LLVMValueRef v = cg_expr_take(fld->a);
    cg_store(v, cg_state_addr(f->self, a, fld->sym->index));
  }
  if (a->inits.len) { /* init { ... } (§11): after the fields, in the same function */
    Decl *in = a->inits.data[0];
    cg_debug_loc(in->loc);
    cg_push_scope();
    cg_stmts(&in->body);
    cg_pop_scope();
  }
  cg_fn_end();
}

static void gen_dispatch(Decl *a) {
  KindCg *k = kcg(a);
  CgFn *f = cg_fn_begin(k->dispatch, NULL, a->loc);
  f->actor = a;
  LLVMValueRef self = LLVMGetParam(k->dispatch, 0), msg = LLVMGetParam(k->dispatch, 1);
  LLVMValueRef id = cg_load(cg.i32, cg_rt_field(&cg.msg, msg, F_MSG_ID), "id");
  LLVMBasicBlockRef dflt = cg_block("unknown");
  LLVMValueRef sw = LLVMBuildSwitch(cg.b, id, dflt, (unsigned)a->handlers.len);
  for (int i = 0; i < a->handlers.len; i++) {
    Decl *h = a->handlers.data[i];
    LLVMBasicBlockRef bb = cg_block(h->name);
    LLVMAddCase(sw, LLVMConstInt(cg.i32, (unsigned)i, 0), bb);
    LLVMPositionBuilderAtEnd(cg.b, bb);
    LLVMTypeRef mt = fcg(h)->msg_t;
    unsigned first = h->ret ? 2 : 1;
    LLVMValueRef *args = xalloc(sizeof(LLVMValueRef) * (size_t)(h->params.len + 2));
    unsigned na = 0;
    args[na++] = self;
    for (int j = 0; j < h->params.len; j++) {
      Param *p = h->params.data[j];
      args[na++] = cg_load(cg_llvm_type(p->type), cg_gep(mt, msg, first + (unsigned)j), p->name);
    }
    if (h->ret) args[na++] = msg; /* the handler answers it itself */
    LLVMValueRef fn = fcg(h)->fn;
    cg_call(fn, LLVMGlobalGetValueType(fn), args, na, true);
    LLVMBuildRetVoid(cg.b);
  }
  LLVMPositionBuilderAtEnd(cg.b, dflt);
  LLVMBuildRetVoid(cg.b);
  LLVMPositionBuilderAtEnd(cg.b, cg_block("dead"));
  cg_fn_end();
}

static void gen_drop_msg(Decl *a) {
  KindCg *k = kcg(a);
  cg_fn_begin(k->drop_msg, NULL, a->loc);
  LLVMValueRef msg = LLVMGetParam(k->drop_msg, 0);
  if (a->kind == D_ACTOR && a->handlers.len) {
    LLVMValueRef id = cg_load(cg.i32, cg_rt_field(&cg.msg, msg, F_MSG_ID), "id");
    LLVMBasicBlockRef done = cg_block("done");
    LLVMValueRef sw = LLVMBuildSwitch(cg.b, id, done, (unsigned)a->handlers.len);
    for (int i = 0; i < a->handlers.len; i++) {
      Decl *h = a->handlers.data[i];
      LLVMBasicBlockRef bb = cg_block(h->name);
      LLVMAddCase(sw, LLVMConstInt(cg.i32, (unsigned)i, 0), bb);
      LLVMPositionBuilderAtEnd(cg.b, bb);
      unsigned first = h->ret ? 2 : 1;
      for (int j = 0; j < h->params.len; j++) {
        Param *p = h->params.data[j];
        if (ty_is_ref(p->type)) cg_release(cg_load(cg.ptr, cg_gep(fcg(h)->msg_t, msg, first + (unsigned)j), ""));
      }
      LLVMBuildBr(cg.b, done);
    }
    LLVMPositionBuilderAtEnd(cg.b, done);
  }
  cg_fn_end();
}

/* Fields (not parameters) released and zeroed; a supervisor keeps its children. */
static void gen_drop_state(Decl *a) {
  KindCg *k = kcg(a);
  cg_fn_begin(k->drop_state, NULL, a->loc);
  LLVMValueRef self = LLVMGetParam(k->drop_state, 0);
  if (a->kind == D_ACTOR)
    for (int i = a->params.len; i < a->state.len; i++) {
      Sym *s = a->state.data[i];
      LLVMValueRef addr = cg_state_addr(self, a, i);
      if (ty_is_ref(s->type)) cg_release(cg_load(cg.ptr, addr, s->name));
      cg_store(cg_zero(s->type), addr);
    }
  cg_fn_end();
}

static void gen_drop_params(Decl *a) {
  KindCg *k = kcg(a);
  cg_fn_begin(k->drop_params, NULL, a->loc);
  LLVMValueRef self = LLVMGetParam(k->drop_params, 0);
  int n = a->kind == D_SUPERVISOR ? a->state.len : a->params.len;
  for (int i = 0; i < n; i++) {
    Sym *s = a->state.data[i];
    if (!ty_is_ref(s->type)) continue;
    LLVMValueRef addr = cg_state_addr(self, a, i);
    cg_release(cg_load(cg.ptr, addr, s->name));
    cg_store(cg_zero(s->type), addr);
  }
  cg_fn_end();
}

/* Stores owned argument values into a new actor's parameters, then starts it. */
static void store_params(LLVMValueRef actor, Decl *kind, Val *args, int n) {
  for (int i = 0; i < n; i++) cg_store(cg_take(args[i]), cg_state_addr(actor, kind, i));
}

static void gen_build(Decl *s) {
  KindCg *k = kcg(s);
  CgFn *f = cg_fn_begin(k->build, NULL, s->loc);
  f->sup = s;
  f->self = LLVMGetParam(k->build, 0);
  for (int i = 0; i < s->children.len; i++) {
    Child *c = s->children.data[i];
    Val *args = xalloc(sizeof(Val) * (size_t)(c->args.len + 1));
    cg_args(&c->args, args, true);
    LLVMValueRef a[3] = {f->self, LLVMConstBitCast(kcg(c->kind)->kind, cg.ptr), LLVMConstInt(cg.i32, (unsigned)i, 0)};
    Val child = cg_owned(cg_call_rt(RT_SPAWN_CHILD, a, 3), c->kind->type);
    store_params(child.v, c->kind, args, c->args.len);
    LLVMValueRef field = cg_state_addr(f->self, s, s->params.len + i);
    cg_store(cg_take(child), field);
    cg_call_rt(RT_ACTOR_START, &child.v, 1);
  }
  cg_fn_end();
}

/* ---- closures ---------------------------------------------------------------------- */

static void gen_closure(Closure *c) {
  CloCg *cc = c->cg;
  Node *node = c->node;
  Block *blocks[2] = {node->then_blk, node->kind == N_REQUEST ? node->else_blk : NULL};
  LLVMValueRef fns[2] = {cc->run, cc->run_else};
  for (int b = 0; b < 2; b++) {
    if (!blocks[b]) continue;
    Block *blk = blocks[b];
    CgFn *f = cg_fn_begin(fns[b], NULL, blk->loc);
    f->actor = c->actor;
    f->clo = c;
    f->self = LLVMGetParam(fns[b], 0);
    f->env = LLVMGetParam(fns[b], 1);
    if (blk->param_sym) {
      Sym *ps = blk->param_sym;
      LLVMValueRef a = cg_alloca(cg_llvm_type(ps->type), ps->name);
      LLVMValueRef in = LLVMGetParam(fns[b], 2);
      cg_store(b == 0 ? cg_from_word(in, ps->type) : in, a);
      ps->cg = a;
    }
    cg_stmts(&blk->stmts);
    cg_fn_end();
  }
  cg_fn_begin(cc->drop, NULL, c->loc);
  LLVMValueRef env = LLVMGetParam(cc->drop, 0);
  for (int i = 0; i < c->captures.len; i++) {
    Sym *s = c->captures.data[i];
    if (ty_is_ref(s->type)) cg_release(cg_load(cg.ptr, cg_gep(cc->env_t, env, (unsigned)i + 1), s->name));
  }
  cg_fn_end();
}

/* A closure for then/else or a timer: the captured locals copied in (owned). */
static Val make_closure(Closure *c) {
  CloCg *cc = c->cg;
  LLVMValueRef size = LLVMConstInt(cg.i32, abi_size(cc->env_t), 0);
  Val env = cg_owned(cg_call_rt(RT_CLOSURE_NEW, &size, 1), ty_anyactor /* any ref type */);
  LLVMValueRef hdr = env.v;
  cg_store(cc->run ? LLVMConstBitCast(cc->run, cg.ptr) : LLVMConstNull(cg.ptr), cg_rt_field(&cg.clo, hdr, F_CLO_RUN));
  cg_store(cc->run_else ? LLVMConstBitCast(cc->run_else, cg.ptr) : LLVMConstNull(cg.ptr), cg_rt_field(&cg.clo, hdr, F_CLO_RUN_ELSE));
  cg_store(LLVMConstBitCast(cc->drop, cg.ptr), cg_rt_field(&cg.clo, hdr, F_CLO_DROP));
  LLVMValueRef at = c->answer && c->answer->kind != T_VOID && c->answer->kind != T_ERROR ? cg_type_desc(c->answer)
                                                                                         : LLVMConstNull(cg.ptr);
  cg_store(at, cg_rt_field(&cg.clo, hdr, F_CLO_ANSWER_TYPE));
  for (int i = 0; i < c->captures.len; i++) {
    Sym *s = c->captures.data[i];
    LLVMValueRef v;
    if (s->outer->kind == SYM_REPLY) { /* `reply`: the handle, made now if need be */
      LLVMValueRef m = cg.fn->req_msg;
      v = cg_call_rt(RT_REPLY_HANDLE, &m, 1);
    } else {
      v = cg_load(cg_llvm_type(s->type), cg_sym_addr(s->outer), s->name);
    }
    if (ty_is_ref(s->type)) cg_retain(v);
    cg_store(v, cg_gep(cc->env_t, hdr, (unsigned)i + 1));
  }
  return env;
}

Val cg_timer(Node *n) {
  LLVMValueRef ms = cg_expr(n->a).v;
  Val env = make_closure(n->clo);
  LLVMValueRef args[4] = {cg.fn->self, ms, LLVMConstInt(cg.i1, n->ival ? 1 : 0, 0), cg_take(env)};
  return cg_owned(cg_call_rt(RT_TIMER_START, args, 4), ty_timer);
}

/* ---- sends and requests ------------------------------------------------------------- */

/* The target, then the arguments (owned), then the time limit of `within` (*ms, an
 * Int): the target is made owned when what follows it may change state. */
static Val target_and_args(Node *n, Val *args, LLVMValueRef *ms) {
  Val target = cg_expr(n->a);
  bool mutates = n->b && n->b->mutates;
  for (int i = 0; i < n->list.len; i++) mutates |= ((Node *)n->list.data[i])->mutates;
  if (mutates) target = cg_own(target);
  cg_args(&n->list, args, true);
  if (ms) *ms = n->b ? cg_expr(n->b).v : NULL;
  return target;
}

/* Is h an interface's signature (the message goes through the target's itabs)? */
static bool via_iface(Decl *h) { return h->owner && h->owner->kind == D_INTERFACE; }

/* Allocates the message for handler h and stores the (owned) arguments into it.  Its
 * id is h's index, or, through an interface, set by rt_send_iface. */
static LLVMValueRef build_msg(Decl *h, Val *args, int n) {
  LLVMTypeRef mt = fcg(h)->msg_t;
  LLVMValueRef size = LLVMConstInt(cg.i32, abi_size(mt), 0);
  LLVMValueRef m = cg_call_rt(RT_MSG_ALLOC, &size, 1);
  if (!via_iface(h))
    cg_store(LLVMConstInt(cg.i32, (unsigned)h->index, 0), cg_rt_field(&cg.msg, m, F_MSG_ID)); /* the header's id */
  unsigned first = h->ret ? 2 : 1;
  for (int i = 0; i < n; i++) cg_store(args[i].v, cg_gep(mt, m, first + (unsigned)i));
  return m;
}

/* Sends m to target: directly, or through the interface h belongs to (§12). */
static void send_msg(Decl *h, LLVMValueRef target, LLVMValueRef m) {
  if (via_iface(h)) {
    LLVMValueRef sa[4] = {target, m, LLVMConstInt(cg.i32, (unsigned)h->owner->index, 0),
                          LLVMConstInt(cg.i32, (unsigned)h->index, 0)};
    cg_call_rt(RT_SEND_IFACE, sa, 4);
  } else {
    LLVMValueRef sa[2] = {target, m};
    cg_call_rt(RT_SEND, sa, 2);
  }
}

void cg_send(Node *n) {
  Decl *h = n->decl;
  int na = n->list.len;
  Val *args = xalloc(sizeof(Val) * (size_t)(na + 1));
  Val target = target_and_args(n, args, NULL);
  cg_fail_if(LLVMBuildIsNull(cg.b, target.v, ""), RT_FAIL_NONE, n->loc);
  LLVMValueRef m = build_msg(h, args, na);
  if (h->ret) { /* told with !: no one to answer, but it is numbered (Reply#N) */
    LLVMValueRef ri = cg_gep(fcg(h)->msg_t, m, 1);
    cg_call_rt(RT_REQUEST_TELL, &ri, 1);
  }
  for (int i = 0; i < na; i++) cg_take(args[i]); /* moved into the message */
  send_msg(h, target.v, m);
  cg_drop(target);
}

void cg_request(Node *n) {
  Decl *h = n->decl;
  int na = n->list.len;
  Val *args = xalloc(sizeof(Val) * (size_t)(na + 1));
  LLVMValueRef ms;
  Val target = target_and_args(n, args, &ms);
  LLVMValueRef env = n->clo ? cg_take(make_closure(n->clo)) : LLVMConstNull(cg.ptr);
  LLVMBasicBlockRef none = cg_block("req.none"), send = cg_block("req.send"), done = cg_block("req.done");
  LLVMBuildCondBr(cg.b, LLVMBuildIsNull(cg.b, target.v, ""), none, send);
  /* none: the else-block runs with "none"; the arguments go */
  LLVMPositionBuilderAtEnd(cg.b, none);
  for (int i = 0; i < na; i++)
    if (ty_is_ref(args[i].t)) cg_release(args[i].v);
  LLVMValueRef rn[2] = {cg.fn->self, env};
  cg_call_rt(RT_REQUEST_NONE, rn, 2);
  LLVMBuildBr(cg.b, done);
  LLVMPositionBuilderAtEnd(cg.b, send);
  LLVMValueRef m = build_msg(h, args, na);
  LLVMValueRef ri[3] = {cg_gep(fcg(h)->msg_t, m, 1), cg.fn->self, env}; /* env NULL: nobody waits */
  cg_call_rt(RT_REQUEST_INFO, ri, 3);
  if (ms) { /* the limit starts before the request can be answered */
    LLVMValueRef w[3] = {cg.fn->self, env, ms};
    cg_call_rt(RT_REQUEST_WITHIN, w, 3);
  }
  send_msg(h, target.v, m);
  LLVMBuildBr(cg.b, done);
  LLVMPositionBuilderAtEnd(cg.b, done);
  for (int i = 0; i < na; i++) cg_take(args[i]); /* moved or released above */
  cg_drop(target);
}

/* ---- spawn ------------------------------------------------------------------------ */

Val cg_spawn(Node *n) {
  Decl *k = n->decl;
  int na = n->list.len;
  Val *args = xalloc(sizeof(Val) * (size_t)(na + 1));
  cg_args(&n->list, args, true);
  LLVMValueRef kind = LLVMConstBitCast(kcg(k)->kind, cg.ptr);
  Val a = cg_owned(cg_call_rt(RT_SPAWN, &kind, 1), k->type);
  store_params(a.v, k, args, na);
  cg_call_rt(RT_ACTOR_START, &a.v, 1);
  return a;
}

/* ---- descriptors ------------------------------------------------------------------- */

static LLVMValueRef const_array(LLVMTypeRef et, LLVMValueRef *vals, unsigned n, const char *name) {
  LLVMValueRef init = LLVMConstArray(et, vals, n);
  LLVMValueRef g = LLVMAddGlobal(cg.mod, LLVMTypeOf(init), name);
  LLVMSetInitializer(g, init);
  LLVMSetGlobalConstant(g, 1);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  return LLVMConstBitCast(g, cg.ptr);
}

static LLVMValueRef fnptr(LLVMValueRef f) { return f ? LLVMConstBitCast(f, cg.ptr) : LLVMConstNull(cg.ptr); }

/* Kind a's interface tables (rt_kind.itabs): for every interface of the program that a
 * conforms to, a's handler index for each of its signatures in order; NULL for the
 * others, and for a kind that conforms to none. */
static LLVMValueRef itabs(Decl *a) {
  int ni = cg.prog->ifaces.len;
  if (a->kind != D_ACTOR || ni == 0) return LLVMConstNull(cg.ptr);
  LLVMValueRef *rows = xalloc(sizeof(LLVMValueRef) * (size_t)ni);
  bool any = false;
  for (int i = 0; i < ni; i++) {
    Decl *in = cg.prog->ifaces.data[i];
    rows[i] = LLVMConstNull(cg.ptr);
    if (!in->handlers.len || !ty_conforms(a, in)) continue;
    LLVMValueRef *ids = xalloc(sizeof(LLVMValueRef) * (size_t)in->handlers.len);
    for (int j = 0; j < in->handlers.len; j++)
      ids[j] = LLVMConstInt(cg.i32, (unsigned)ty_handler(a, ((Decl *)in->handlers.data[j])->name)->index, 0);
    rows[i] = const_array(cg.i32, ids, (unsigned)in->handlers.len, xformat("itab.%s.%s", a->name, in->name));
    any = true;
  }
  return any ? const_array(cg.ptr, rows, (unsigned)ni, xformat("itabs.%s", a->name)) : LLVMConstNull(cg.ptr);
}

/* Handler h's parameter types in order, ended by NULL (rt_kind.param_types[h]). */
static LLVMValueRef param_type_descs(Decl *a, Decl *h) {
  LLVMValueRef *pv = xalloc(sizeof(LLVMValueRef) * (size_t)(h->params.len + 1));
  for (int j = 0; j < h->params.len; j++) pv[j] = cg_type_desc(((Param *)h->params.data[j])->type);
  pv[h->params.len] = LLVMConstNull(cg.ptr);
  return const_array(cg.ptr, pv, (unsigned)h->params.len + 1, xformat("params.%s.%s", a->name, h->name));
}

static void gen_kind_desc(Decl *a) {
  KindCg *k = kcg(a);
  int nh = a->kind == D_ACTOR ? a->handlers.len : 0;
  LLVMValueRef names = LLVMConstNull(cg.ptr), answers = LLVMConstNull(cg.ptr), atypes = LLVMConstNull(cg.ptr),
               ptypes = LLVMConstNull(cg.ptr);
  if (nh) {
    LLVMValueRef *nv = xalloc(sizeof(LLVMValueRef) * (size_t)nh), *av = xalloc(sizeof(LLVMValueRef) * (size_t)nh),
                 *tv = xalloc(sizeof(LLVMValueRef) * (size_t)nh), *pv = xalloc(sizeof(LLVMValueRef) * (size_t)nh);
    for (int i = 0; i < nh; i++) {
      Decl *h = a->handlers.data[i];
      nv[i] = cg_cstr(h->name);
      av[i] = LLVMConstInt(cg.i8, h->ret ? 1 : 0, 0);
      tv[i] = h->ret ? cg_type_desc(h->ret) : LLVMConstNull(cg.ptr);
      pv[i] = param_type_descs(a, h);
    }
    names = const_array(cg.ptr, nv, (unsigned)nh, "handler_names");
    answers = const_array(cg.i8, av, (unsigned)nh, "handler_answers");
    atypes = const_array(cg.ptr, tv, (unsigned)nh, "answer_types");
    ptypes = const_array(cg.ptr, pv, (unsigned)nh, xformat("param_types.%s", a->name));
  }
  LLVMValueRef sup = LLVMConstNull(cg.ptr);
  if (a->kind == D_SUPERVISOR) {
    int strategy = !strcmp(a->strategy, "one_for_all")    ? RT_ONE_FOR_ALL
                   : !strcmp(a->strategy, "rest_for_one") ? RT_REST_FOR_ONE
                                                          : RT_ONE_FOR_ONE;
    LLVMValueRef f[F_SUP_N] = {
        [F_SUP_STRATEGY] = LLVMConstInt(cg.i32, (unsigned)strategy, 0),
        [F_SUP_NCHILDREN] = LLVMConstInt(cg.i32, (unsigned)a->children.len, 0),
        [F_SUP_INTENSITY] = LLVMConstInt(cg.i64, (unsigned long long)a->intensity, 1),
        [F_SUP_PERIOD_MS] = LLVMConstInt(cg.i64, (unsigned long long)a->period_ms, 1),
        [F_SUP_BUILD] = fnptr(k->build),
    };
    LLVMValueRef g = LLVMAddGlobal(cg.mod, cg.sup.t, xformat("sup.%s", a->name));
    LLVMSetInitializer(g, cg_rt_const(&cg.sup, f));
    LLVMSetGlobalConstant(g, 1);
    LLVMSetLinkage(g, LLVMPrivateLinkage);
    sup = LLVMConstBitCast(g, cg.ptr);
  }
  LLVMValueRef f[F_KIND_N] = {
      [F_KIND_NAME] = cg_cstr(a->name),
      [F_KIND_SIZE] = LLVMConstInt(cg.i32, abi_size(k->state_t), 0),
      [F_KIND_NHANDLERS] = LLVMConstInt(cg.i32, (unsigned)nh, 0),
      [F_KIND_HANDLER_NAMES] = names,
      [F_KIND_HANDLER_ANSWERS] = answers,
      [F_KIND_ANSWER_TYPES] = atypes,
      [F_KIND_DOWN_HANDLER] = LLVMConstInt(cg.i32, (unsigned long long)(a->kind == D_ACTOR ? a->down_handler : -1), 1),
      [F_KIND_FLAGS] = LLVMConstInt(cg.i32, a->kind == D_SUPERVISOR ? RT_KIND_SUPERVISOR : 0, 0),
      [F_KIND_INIT] = fnptr(k->init),
      [F_KIND_DISPATCH] = fnptr(k->dispatch),
      [F_KIND_DROP_MSG] = fnptr(k->drop_msg),
      [F_KIND_DROP_STATE] = fnptr(k->drop_state),
      [F_KIND_DROP_PARAMS] = fnptr(k->drop_params),
      [F_KIND_SUP] = sup,
      [F_KIND_ITABS] = itabs(a),
      [F_KIND_PARAM_TYPES] = ptypes,
  };
  LLVMSetInitializer(k->kind, cg_rt_const(&cg.kind, f));
}

static void gen_program_desc(void) {
  Decl *m = cg.prog->main_actor;
  Decl *start = NULL;
  for (int i = 0; i < m->handlers.len; i++)
    if (!strcmp(((Decl *)m->handlers.data[i])->name, "start")) start = m->handlers.data[i];
  int nk = cg.prog->actors.len;
  LLVMValueRef *kinds = xalloc(sizeof(LLVMValueRef) * (size_t)(nk ? nk : 1));
  for (int i = 0; i < nk; i++) kinds[i] = LLVMConstBitCast(kcg(cg.prog->actors.data[i])->kind, cg.ptr);
  LLVMValueRef f[F_PROG_N] = {
      [F_PROG_MAIN_KIND] = LLVMConstBitCast(kcg(m)->kind, cg.ptr),
      [F_PROG_START_HANDLER] = LLVMConstInt(cg.i32, (unsigned)start->index, 0),
      [F_PROG_START_TAKES_ARGS] = LLVMConstInt(cg.i32, start->params.len ? 1 : 0, 0),
      [F_PROG_ARGS_TYPE] = cg_type_desc(ty_list(ty_string)),
      [F_PROG_KINDS] = const_array(cg.ptr, kinds, (unsigned)nk, "kinds"),
      [F_PROG_NKINDS] = LLVMConstInt(cg.i32, (unsigned)nk, 0),
  };
  LLVMSetInitializer(cg.rtvar[RTV_PROGRAM], cg_rt_const(&cg.program, f));
}

void cg_actors_define(void) {
  Program *p = cg.prog;
  for (int i = 0; i < p->fns.len; i++) {
    Decl *d = p->fns.data[i];
    if (d->kind == D_FN) gen_body(d, NULL);
  }
  for (int i = 0; i < p->actors.len; i++) {
    Decl *a = p->actors.data[i];
    if (a->kind == D_ACTOR) {
      for (int j = 0; j < a->handlers.len; j++) gen_body(a->handlers.data[j], a);
      for (int j = 0; j < a->methods.len; j++) gen_body(a->methods.data[j], a);
      gen_init(a);
      gen_dispatch(a);
    } else {
      gen_build(a);
      cg_fn_begin(kcg(a)->dispatch, NULL, a->loc);
      cg_fn_end();
    }
    gen_drop_msg(a);
    gen_drop_state(a);
    gen_drop_params(a);
    gen_kind_desc(a);
  }
  for (int i = 0; i < p->closures.len; i++) gen_closure(p->closures.data[i]);
  if (p->main_actor) gen_program_desc();
}

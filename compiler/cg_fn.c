/* cg_fn.c — the function being generated: its entry block and allocas, the slots
 * that hold owned values, the landing pad that releases them when a failure unwinds,
 * scopes whose variables are released at their end, calls, and the value helpers
 * (owned/borrowed, words, loads and stores). */
#include "cg.h"

#include <string.h>

enum { MAX_OPT_INSTRUCTIONS = 20000 }; /* above this a function is left unoptimised */

static LLVMAttributeRef enum_attr(const char *name, uint64_t val) {
  unsigned k = LLVMGetEnumAttributeKindForName(name, strlen(name));
  return LLVMCreateEnumAttribute(cg.ctx, k, val);
}

CgFn *cg_fn_begin(LLVMValueRef fn, Type *ret, Loc loc) {
  CgFn *f = xalloc(sizeof *f);
  f->fn = fn;
  f->ret = ret;
  cg.fn = f;
  /* every generated function can be unwound through (failures unwind handlers) */
#if ACTORC_LLVM_MAJOR >= 15
  LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, enum_attr("uwtable", 2));
#else
  LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, enum_attr("uwtable", 0));
#endif
  if (cg.opt->opt_level == 0 || cg.opt->debug_info)
    LLVMAddTargetDependentFunctionAttr(fn, "frame-pointer", "all");
  LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(cg.ctx, fn, "entry");
  f->alloca_b = LLVMCreateBuilderInContext(cg.ctx);
  LLVMPositionBuilderAtEnd(f->alloca_b, entry);
  LLVMBasicBlockRef start = LLVMAppendBasicBlockInContext(cg.ctx, fn, "start");
  LLVMPositionBuilderAtEnd(cg.b, start);
  cg_debug_fn(fn, loc);
  cg_push_scope();
  return f;
}

void cg_fn_end(void) {
  CgFn *f = cg.fn;
  /* falling off the end: release the outermost scope, return nothing */
  if (!cg_terminated()) {
    cg_pop_scope();
    if (f->ret && f->ret->kind != T_VOID)
      LLVMBuildUnreachable(cg.b); /* the checker proved every path returns */
    else
      LLVMBuildRetVoid(cg.b);
  }
  /* the entry block falls into the code */
  LLVMBasicBlockRef entry = LLVMGetEntryBasicBlock(f->fn);
  LLVMBuildBr(f->alloca_b, LLVMGetNextBasicBlock(entry));
  if (f->lpad) {
    LLVMBuilderRef b = LLVMCreateBuilderInContext(cg.ctx);
    LLVMPositionBuilderAtEnd(b, f->lpad);
    cg_debug_builder(b);
    LLVMTypeRef elems[2] = {cg.ptr, cg.i32};
    LLVMTypeRef lp_t = LLVMStructTypeInContext(cg.ctx, elems, 2, 0);
    LLVMValueRef lp = LLVMBuildLandingPad(b, lp_t, cg.personality, 0, "lp");
    LLVMSetCleanup(lp, 1);
    for (int i = f->slots.len - 1; i >= 0; i--) {
      LLVMValueRef v = LLVMBuildLoad2(b, cg.ptr, f->slots.data[i], "");
      LLVMValueRef args[1] = {v};
      LLVMBuildCall2(b, cg.rt[RT_RELEASE].type, cg.rt[RT_RELEASE].fn, args, 1, "");
    }
    LLVMBuildResume(b, lp);
    LLVMDisposeBuilder(b);
    LLVMSetPersonalityFn(f->fn, cg.personality);
  }
  LLVMDisposeBuilder(f->alloca_b);
  cg_debug_fn_end();
  /* A huge function (generated from a huge literal or body) is compiled without
   * optimisation: some LLVM passes are super-linear in a function's size, and the
   * compiler must answer any input in reasonable time. */
  unsigned ninstr = 0;
  for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f->fn); bb && ninstr <= MAX_OPT_INSTRUCTIONS;
       bb = LLVMGetNextBasicBlock(bb))
    for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in; in = LLVMGetNextInstruction(in)) ninstr++;
  if (ninstr > MAX_OPT_INSTRUCTIONS) {
    LLVMAddAttributeAtIndex(f->fn, LLVMAttributeFunctionIndex, enum_attr("optnone", 0));
    LLVMAddAttributeAtIndex(f->fn, LLVMAttributeFunctionIndex, enum_attr("noinline", 0));
  }
  cg.fn = NULL;
}

LLVMValueRef cg_alloca(LLVMTypeRef t, const char *name) {
  return LLVMBuildAlloca(cg.fn->alloca_b, t, name);
}

LLVMValueRef cg_slot(const char *name) {
  LLVMValueRef s = cg_alloca(cg.ptr, name);
  LLVMBuildStore(cg.fn->alloca_b, LLVMConstNull(cg.ptr), s);
  vec_push(&cg.fn->slots, s);
  return s;
}

static LLVMBasicBlockRef landing_pad(void) {
  if (!cg.fn->lpad) cg.fn->lpad = LLVMAppendBasicBlockInContext(cg.ctx, cg.fn->fn, "unwind");
  return cg.fn->lpad;
}

LLVMValueRef cg_call(LLVMValueRef fn, LLVMTypeRef fty, LLVMValueRef *args, unsigned n, bool may_fail) {
  /* with typed pointers (LLVM 14) a pointer argument must have the parameter's exact
   * type: cast it (a no-op with opaque pointers) */
  unsigned np = LLVMCountParamTypes(fty);
  if (np) {
    LLVMTypeRef pts[16], *pt = np <= 16 ? pts : xalloc(sizeof(LLVMTypeRef) * np);
    LLVMGetParamTypes(fty, pt);
    for (unsigned i = 0; i < n && i < np; i++)
      if (LLVMTypeOf(args[i]) != pt[i] && LLVMGetTypeKind(pt[i]) == LLVMPointerTypeKind)
        args[i] = LLVMBuildBitCast(cg.b, args[i], pt[i], "");
  }
  bool is_void = LLVMGetReturnType(fty) == cg.void_t;
  if (may_fail && cg.fn->slots.len > 0) {
    LLVMBasicBlockRef cont = cg_block("cont");
    LLVMValueRef r = LLVMBuildInvoke2(cg.b, fty, fn, args, n, cont, landing_pad(), is_void ? "" : "call");
    LLVMPositionBuilderAtEnd(cg.b, cont);
    return r;
  }
  return LLVMBuildCall2(cg.b, fty, fn, args, n, is_void ? "" : "call");
}

LLVMValueRef cg_call_rt(int which, LLVMValueRef *args, unsigned n) {
  RtFn *r = &cg.rt[which];
  return cg_call(r->fn, r->type, args, n, r->may_fail);
}

LLVMBasicBlockRef cg_block(const char *name) { return LLVMAppendBasicBlockInContext(cg.ctx, cg.fn->fn, name); }

bool cg_terminated(void) { return LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(cg.b)) != NULL; }

/* A constant reference is none, "" or a static object (a string literal, a variant
 * without fields), which is never counted: no call. */
void cg_retain(LLVMValueRef p) {
  if (!LLVMIsConstant(p)) cg_call_rt(RT_RETAIN, &p, 1);
}
void cg_release(LLVMValueRef p) {
  if (!LLVMIsConstant(p)) cg_call_rt(RT_RELEASE, &p, 1);
}

/* ---- scopes --------------------------------------------------------------------- */

void cg_push_scope(void) { vec_push(&cg.fn->scopes, xalloc(sizeof(Vec))); }

static void release_slot(LLVMValueRef slot) {
  LLVMValueRef v = LLVMBuildLoad2(cg.b, cg.ptr, slot, "");
  cg_release(v);
  LLVMBuildStore(cg.b, LLVMConstNull(cg.ptr), slot);
}

void cg_pop_scope(void) {
  Vec *s = cg.fn->scopes.data[--cg.fn->scopes.len];
  if (cg_terminated()) return;
  for (int i = s->len - 1; i >= 0; i--) release_slot(s->data[i]);
}

void cg_scope_add(LLVMValueRef slot) {
  Vec *s = cg.fn->scopes.data[cg.fn->scopes.len - 1];
  vec_push(s, slot);
}

void cg_release_scopes_from(int depth) {
  for (int d = cg.fn->scopes.len - 1; d >= depth; d--) {
    Vec *s = cg.fn->scopes.data[d];
    for (int i = s->len - 1; i >= 0; i--) release_slot(s->data[i]);
  }
}

/* ---- values --------------------------------------------------------------------- */

Val cg_borrowed(LLVMValueRef v, Type *t) { return (Val){.v = v, .t = t}; }

Val cg_owned(LLVMValueRef v, Type *t) {
  if (!ty_is_ref(t)) return (Val){.v = v, .t = t};
  LLVMValueRef slot;
  if (cg.fn->free_temps.len)
    slot = cg.fn->free_temps.data[--cg.fn->free_temps.len];
  else
    slot = cg_slot("tmp");
  cg_store(v, slot);
  return (Val){.v = v, .t = t, .slot = slot};
}

static void free_temp(LLVMValueRef slot) {
  LLVMBuildStore(cg.b, LLVMConstNull(cg.ptr), slot);
  vec_push(&cg.fn->free_temps, slot);
}

LLVMValueRef cg_take(Val v) {
  if (!ty_is_ref(v.t)) return v.v;
  if (v.slot) {
    free_temp(v.slot);
    return v.v;
  }
  cg_retain(v.v);
  return v.v;
}

void cg_drop(Val v) {
  if (!v.slot) return;
  cg_release(v.v);
  free_temp(v.slot);
}

Val cg_own(Val v) {
  if (v.slot || !ty_is_ref(v.t)) return v;
  cg_retain(v.v);
  return cg_owned(v.v, v.t);
}

LLVMValueRef cg_to_word(LLVMValueRef v, Type *t) {
  switch (t->kind) {
  case T_INT: return v;
  case T_FLOAT: return LLVMBuildBitCast(cg.b, v, cg.i64, "");
  case T_BOOL: return LLVMBuildZExt(cg.b, v, cg.i64, "");
  default: return LLVMBuildPtrToInt(cg.b, v, cg.i64, "");
  }
}

LLVMValueRef cg_from_word(LLVMValueRef w, Type *t) {
  switch (t->kind) {
  case T_INT: return w;
  case T_FLOAT: return LLVMBuildBitCast(cg.b, w, cg.f64, "");
  case T_BOOL: return LLVMBuildTrunc(cg.b, w, cg.i1, "");
  default: return LLVMBuildIntToPtr(cg.b, w, cg.ptr, "");
  }
}

LLVMValueRef cg_zero(Type *t) { return LLVMConstNull(cg_llvm_type(t)); }

LLVMValueRef cg_bitcast_ptr(LLVMValueRef p, LLVMTypeRef pointee) {
  LLVMTypeRef pt = cg_ptr_to(pointee);
  if (LLVMTypeOf(p) == pt) return p;
  return LLVMBuildBitCast(cg.b, p, pt, "");
}

LLVMValueRef cg_load(LLVMTypeRef t, LLVMValueRef addr, const char *name) {
  return LLVMBuildLoad2(cg.b, t, cg_bitcast_ptr(addr, t), name);
}

void cg_store(LLVMValueRef v, LLVMValueRef addr) {
  LLVMBuildStore(cg.b, v, cg_bitcast_ptr(addr, LLVMTypeOf(v)));
}

LLVMValueRef cg_gep(LLVMTypeRef struct_t, LLVMValueRef base, unsigned field) {
  return LLVMBuildStructGEP2(cg.b, struct_t, cg_bitcast_ptr(base, struct_t), field, "");
}

void cg_fail_if(LLVMValueRef cond, int which_fail, Loc loc) {
  LLVMBasicBlockRef fail = cg_block("fail"), ok = cg_block("ok");
  LLVMValueRef br = LLVMBuildCondBr(cg.b, cond, fail, ok);
  /* failures are cold: tell the optimizer */
  LLVMValueRef md[3];
  md[0] = LLVMMDStringInContext(cg.ctx, "branch_weights", 14);
  md[1] = LLVMConstInt(cg.i32, 1, 0);
  md[2] = LLVMConstInt(cg.i32, 2000, 0);
  LLVMSetMetadata(br, LLVMGetMDKindIDInContext(cg.ctx, "prof", 4), LLVMMDNodeInContext(cg.ctx, md, 3));
  LLVMPositionBuilderAtEnd(cg.b, fail);
  LLVMValueRef pos = cg_pos(loc);
  cg_call_rt(which_fail, &pos, 1);
  LLVMBuildUnreachable(cg.b);
  LLVMPositionBuilderAtEnd(cg.b, ok);
}

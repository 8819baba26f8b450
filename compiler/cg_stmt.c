/* cg_stmt.c — code generation for statements: variables (owned slots released at the
 * end of their scope), assignment to variables, fields and elements, control flow,
 * loops over ranges, lists and maps (over a snapshot: value semantics), and return. */
#include "cg.h"


/* A new variable of the current scope: owned slot for references, plain otherwise. */
static LLVMValueRef new_var(Sym *s, bool owned) {
  LLVMValueRef a;
  if (ty_is_ref(s->type) && owned) {
    a = cg_slot(s->name);
    cg_scope_add(a);
  } else {
    a = cg_alloca(cg_llvm_type(s->type), s->name);
  }
  s->cg = a;
  return a;
}

static void decl(Node *n) {
  LLVMValueRef v = n->a ? cg_expr_take(n->a) : cg_zero(n->sym->type);
  LLVMValueRef a = new_var(n->sym, true);
  cg_store(v, a);
}

/* Replaces the value at addr (a variable, field or element, holding type t as a word
 * when `word`) with the owned value v, releasing the old one. */
static void replace(LLVMValueRef addr, Type *t, LLVMValueRef v, bool word) {
  LLVMTypeRef lt = word ? cg.i64 : cg_llvm_type(t);
  if (ty_is_ref(t)) {
    LLVMValueRef old = cg_load(lt, addr, "old");
    cg_store(word ? cg_to_word(v, t) : v, addr);
    cg_release(word ? cg_from_word(old, t) : old);
  } else {
    cg_store(word ? cg_to_word(v, t) : v, addr);
  }
}

static void assign(Node *n) {
  Node *target = n->a;
  Type *t = target->type;
  int op = ast_compound_op(n->op);
  Val rhs = cg_expr(n->b);
  if (!op) rhs = cg_own(rhs);
  if (target->kind == N_NAME) {
    LLVMValueRef addr = cg_sym_addr(target->sym);
    if (!op) {
      replace(addr, t, cg_take(rhs), false);
      return;
    }
    LLVMValueRef old = cg_load(cg_llvm_type(t), addr, "old");
    LLVMValueRef r = cg_arith(op, t, old, rhs.v, n->loc);
    replace(addr, t, r, false);
    cg_drop(rhs);
    return;
  }
  /* an element: indices first, then the address (no user code in between) */
  cg_lvalue_prepare(target);
  Type *ct = target->a->type;
  if (!op && ct->kind == T_MAP) {
    LLVMValueRef base = cg_bitcast_ptr(cg_lvalue_addr(target->a), cg.i8);
    Val *k = cg_place_key(target);
    LLVMValueRef args[4] = {base, cg_type_desc(ct), cg_to_word(cg_take(*k), ct->a), cg_to_word(cg_take(rhs), t)};
    k->slot = NULL; /* moved into the map */
    cg_call_rt(RT_MAP_SET, args, 4);
    cg_lvalue_done();
    return;
  }
  LLVMValueRef addr = cg_lvalue_addr(target);
  if (!op) {
    replace(addr, t, cg_take(rhs), true);
  } else {
    LLVMValueRef old = cg_from_word(cg_load(cg.i64, addr, "old"), t);
    LLVMValueRef r = cg_arith(op, t, old, rhs.v, n->loc);
    replace(addr, t, r, true);
    cg_drop(rhs);
  }
  cg_lvalue_done();
}

static void if_stmt(Node *n) {
  LLVMValueRef c = cg_expr(n->a).v;
  LLVMBasicBlockRef then = cg_block("if.then"), els = n->els.len ? cg_block("if.else") : NULL, end = cg_block("if.end");
  LLVMBuildCondBr(cg.b, c, then, els ? els : end);
  LLVMPositionBuilderAtEnd(cg.b, then);
  cg_push_scope();
  cg_stmts(&n->body);
  cg_pop_scope();
  if (!cg_terminated()) LLVMBuildBr(cg.b, end);
  if (els) {
    LLVMPositionBuilderAtEnd(cg.b, els);
    cg_push_scope();
    cg_stmts(&n->els);
    cg_pop_scope();
    if (!cg_terminated()) LLVMBuildBr(cg.b, end);
  }
  LLVMPositionBuilderAtEnd(cg.b, end);
}

static Loop *push_loop(LLVMBasicBlockRef brk, LLVMBasicBlockRef cont) {
  Loop *l = xalloc(sizeof *l);
  l->brk = brk;
  l->cont = cont;
  l->scope_depth = cg.fn->scopes.len;
  vec_push(&cg.fn->loops, l);
  return l;
}

static void body(Vec *stmts) {
  cg_push_scope();
  cg_stmts(stmts);
  cg_pop_scope();
}

static void while_stmt(Node *n) {
  LLVMBasicBlockRef cond = cg_block("while.cond"), loop = cg_block("while.body"), end = cg_block("while.end");
  LLVMBuildBr(cg.b, cond);
  LLVMPositionBuilderAtEnd(cg.b, cond);
  LLVMValueRef c = cg_expr(n->a).v;
  LLVMBuildCondBr(cg.b, c, loop, end);
  LLVMPositionBuilderAtEnd(cg.b, loop);
  push_loop(end, cond);
  body(&n->body);
  cg.fn->loops.len--;
  if (!cg_terminated()) LLVMBuildBr(cg.b, cond);
  LLVMPositionBuilderAtEnd(cg.b, end);
}

static void for_range(Node *n) {
  LLVMValueRef lo = cg_expr(n->a).v, hi = cg_expr(n->b).v;
  cg_push_scope();
  LLVMValueRef i = new_var(n->sym, false);
  cg_store(lo, i);
  LLVMBasicBlockRef cond = cg_block("for.cond"), loop = cg_block("for.body"), inc = cg_block("for.inc"),
                    end = cg_block("for.end");
  LLVMBuildBr(cg.b, cond);
  LLVMPositionBuilderAtEnd(cg.b, cond);
  LLVMValueRef iv = cg_load(cg.i64, i, "i");
  LLVMBuildCondBr(cg.b, LLVMBuildICmp(cg.b, LLVMIntSLT, iv, hi, ""), loop, end);
  LLVMPositionBuilderAtEnd(cg.b, loop);
  push_loop(end, inc);
  body(&n->body);
  cg.fn->loops.len--;
  if (!cg_terminated()) LLVMBuildBr(cg.b, inc);
  LLVMPositionBuilderAtEnd(cg.b, inc);
  /* i < hi <= INT64_MAX, so i + 1 cannot overflow */
  cg_store(LLVMBuildNSWAdd(cg.b, cg_load(cg.i64, i, "i"), LLVMConstInt(cg.i64, 1, 0), ""), i);
  LLVMBuildBr(cg.b, cond);
  LLVMPositionBuilderAtEnd(cg.b, end);
  cg_pop_scope();
}

static void for_list(Node *n, LLVMValueRef list) {
  Type *et = n->a->type->a;
  LLVMValueRef len = cg_list_len_inline(list);
  LLVMValueRef idx = cg_alloca(cg.i64, "idx");
  cg_store(LLVMConstInt(cg.i64, 0, 0), idx);
  LLVMValueRef x = n->name2 ? NULL : new_var(n->sym, false);
  LLVMValueRef ivar = n->name2 ? new_var(n->sym, false) : NULL;
  if (n->name2) x = new_var(n->sym2, false);
  LLVMBasicBlockRef cond = cg_block("each.cond"), loop = cg_block("each.body"), inc = cg_block("each.inc"),
                    end = cg_block("each.end");
  LLVMBuildBr(cg.b, cond);
  LLVMPositionBuilderAtEnd(cg.b, cond);
  LLVMValueRef iv = cg_load(cg.i64, idx, "i");
  LLVMBuildCondBr(cg.b, LLVMBuildICmp(cg.b, LLVMIntSLT, iv, len, ""), loop, end);
  LLVMPositionBuilderAtEnd(cg.b, loop);
  /* the element, borrowed from the snapshot (which this loop holds) */
  LLVMValueRef data = cg_load(cg_ptr_to(cg.i64), cg_rt_field(&cg.list, list, F_LIST_DATA), "data");
  LLVMValueRef w = LLVMBuildLoad2(cg.b, cg.i64, LLVMBuildGEP2(cg.b, cg.i64, data, &iv, 1, ""), "elem");
  cg_store(cg_from_word(w, et), x);
  if (ivar) cg_store(iv, ivar);
  push_loop(end, inc);
  body(&n->body);
  cg.fn->loops.len--;
  if (!cg_terminated()) LLVMBuildBr(cg.b, inc);
  LLVMPositionBuilderAtEnd(cg.b, inc);
  cg_store(LLVMBuildNSWAdd(cg.b, cg_load(cg.i64, idx, "i"), LLVMConstInt(cg.i64, 1, 0), ""), idx);
  LLVMBuildBr(cg.b, cond);
  LLVMPositionBuilderAtEnd(cg.b, end);
}

static void for_map(Node *n, LLVMValueRef map) {
  Type *mt = n->a->type;
  LLVMValueRef it = cg_alloca(cg.i64, "it"), kw = cg_alloca(cg.i64, "kw"), vw = cg_alloca(cg.i64, "vw");
  cg_store(LLVMConstInt(cg.i64, 0, 0), it);
  LLVMValueRef k = new_var(n->sym, false);
  LLVMValueRef v = n->name2 ? new_var(n->sym2, false) : NULL;
  LLVMBasicBlockRef cond = cg_block("each.cond"), loop = cg_block("each.body"), end = cg_block("each.end");
  LLVMBuildBr(cg.b, cond);
  LLVMPositionBuilderAtEnd(cg.b, cond);
  LLVMValueRef args[4] = {map, cg_bitcast_ptr(it, cg.i8), cg_bitcast_ptr(kw, cg.i8), cg_bitcast_ptr(vw, cg.i8)};
  LLVMValueRef more = cg_call_rt(RT_MAP_NEXT, args, 4);
  LLVMBuildCondBr(cg.b, more, loop, end);
  LLVMPositionBuilderAtEnd(cg.b, loop);
  cg_store(cg_from_word(cg_load(cg.i64, kw, "k"), mt->a), k);
  if (v) cg_store(cg_from_word(cg_load(cg.i64, vw, "v"), mt->b), v);
  push_loop(end, cond);
  body(&n->body);
  cg.fn->loops.len--;
  if (!cg_terminated()) LLVMBuildBr(cg.b, cond);
  LLVMPositionBuilderAtEnd(cg.b, end);
}

static void for_each(Node *n) {
  /* iterate over a snapshot: later changes to the variable copy on write */
  LLVMValueRef snap_v = cg_expr_take(n->a);
  cg_push_scope();
  LLVMValueRef snap = cg_slot("each.snapshot");
  cg_scope_add(snap);
  cg_store(snap_v, snap);
  if (n->a->type->kind == T_LIST)
    for_list(n, snap_v);
  else
    for_map(n, snap_v);
  cg_pop_scope();
}

static void ret(Node *n) {
  LLVMValueRef v = n->a ? cg_expr_take(n->a) : NULL;
  cg_release_scopes_from(0);
  if (v && cg.fn->ret)
    LLVMBuildRet(cg.b, v);
  else
    LLVMBuildRetVoid(cg.b);
  LLVMPositionBuilderAtEnd(cg.b, cg_block("after.return"));
}

static void jump(Node *n) {
  Loop *l = cg.fn->loops.data[cg.fn->loops.len - 1];
  cg_release_scopes_from(l->scope_depth);
  LLVMBuildBr(cg.b, n->kind == N_BREAK ? l->brk : l->cont);
  LLVMPositionBuilderAtEnd(cg.b, cg_block(n->kind == N_BREAK ? "after.break" : "after.continue"));
}

static void stmt(Node *n) {
  cg_debug_loc(n->loc);
  switch (n->kind) {
  case N_LET:
  case N_VAR: decl(n); return;
  case N_ASSIGN: assign(n); return;
  case N_IF: if_stmt(n); return;
  case N_WHILE: while_stmt(n); return;
  case N_FOR_RANGE: for_range(n); return;
  case N_FOR_EACH: for_each(n); return;
  case N_BREAK:
  case N_CONTINUE: jump(n); return;
  case N_RETURN: ret(n); return;
  case N_EXPR: cg_drop(cg_expr(n->a)); return;
  case N_SEND: cg_send(n); return;
  case N_REQUEST: cg_request(n); return;
  default: unreachable();
  }
}

void cg_stmts(Vec *stmts) {
  for (int i = 0; i < stmts->len; i++) stmt(stmts->data[i]);
}

/* cg_expr.c — code generation for expressions: literals, names, operators with their
 * run-time checks (overflow, division by zero), calls of functions, methods, built-ins
 * and built-in methods, indexing, and the addresses of assignable places (a[i][j],
 * users[i].home.x: a record's field is a step of a place, cg_data.c).
 *
 * Every expression yields a Val (cg.h): borrowed, or owned and held in a slot. */
#include "cg.h"

#include <string.h>

static LLVMValueRef intrinsic(const char *name, LLVMTypeRef *types, unsigned n, LLVMTypeRef *fty) {
  unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
  LLVMValueRef f = LLVMGetIntrinsicDeclaration(cg.mod, id, types, n);
  *fty = LLVMIntrinsicGetType(cg.ctx, id, types, n);
  return f;
}

static LLVMValueRef call_intrinsic(const char *name, LLVMTypeRef t, LLVMValueRef *args, unsigned n) {
  LLVMTypeRef fty;
  LLVMValueRef f = intrinsic(name, &t, 1, &fty);
  return LLVMBuildCall2(cg.b, fty, f, args, n, "");
}

/* ---- variables ------------------------------------------------------------------ */

LLVMValueRef cg_sym_addr(Sym *s) {
  switch (s->kind) {
  case SYM_LOCAL:
  case SYM_PARAM:
  case SYM_BLOCKPARAM:
  case SYM_BINDING:
    if (!s->cg) unreachable();
    return s->cg;
  case SYM_FIELD:
    if (cg.fn->sup) return cg_state_addr(cg.fn->self, cg.fn->sup, s->index);
    return cg_state_addr(cg.fn->self, cg.fn->actor, s->index);
  case SYM_CAPTURE: {
    LLVMTypeRef env_t = ((LLVMTypeRef *)cg.fn->clo->cg)[0];
    return cg_gep(env_t, cg.fn->env, (unsigned)s->index + 1);
  }
  case SYM_REPLY: break; /* no address: rt_reply_handle (cg_expr, make_closure) */
  }
  unreachable();
}

/* ---- strings -------------------------------------------------------------------- */

LLVMValueRef cg_to_string(Val v, Val *out) {
  LLVMValueRef s;
  switch (v.t->kind) {
  case T_STRING: *out = v; return v.v;
  case T_INT: s = cg_call_rt(RT_STR_OF_INT, &v.v, 1); break;
  case T_FLOAT: s = cg_call_rt(RT_STR_OF_FLOAT, &v.v, 1); break;
  case T_BOOL: s = cg_call_rt(RT_STR_OF_BOOL, &v.v, 1); break;
  default: {
    LLVMValueRef args[2] = {cg_to_word(v.v, v.t), cg_type_desc(v.t)};
    s = cg_call_rt(RT_STR_OF, args, 2);
    cg_drop(v);
  }
  }
  *out = cg_owned(s, ty_string);
  return s;
}

/* "{x:>+08.2}": the value formatted by the runtime (rt_str_format). */
static Val formatted(Node *n) {
  FormatSpec *f = n->fmt;
  Val v = cg_expr(n->a);
  int align = f->align == '<' ? RT_FMT_ALIGN_LEFT : f->align == '>' ? RT_FMT_ALIGN_RIGHT
              : f->align == '^' ? RT_FMT_ALIGN_CENTER : RT_FMT_ALIGN_DEFAULT;
  int type = f->type == 'x' ? RT_FMT_HEX : f->type == 'b' ? RT_FMT_BIN : f->type == 'e' ? RT_FMT_SCI : RT_FMT_PLAIN;
  int64_t packed = RT_FMT_PACK(f->width, f->precision, align, f->plus, f->zero, type);
  LLVMValueRef args[3] = {cg_to_word(v.v, v.t), cg_type_desc(v.t), LLVMConstInt(cg.i64, (unsigned long long)packed, 0)};
  LLVMValueRef s = cg_call_rt(RT_STR_FORMAT, args, 3);
  cg_drop(v);
  return cg_owned(s, ty_string);
}

static Val interp(Node *n) {
  int np = n->list.len;
  Val *parts = xalloc(sizeof(Val) * (size_t)np);
  /* later[i]: a part after i may change state (a field or variable part i borrows) */
  bool *later = xalloc(sizeof(bool) * (size_t)(np + 1));
  for (int i = np - 1; i >= 0; i--) later[i] = later[i + 1] || (i + 1 < np && ((Node *)n->list.data[i + 1])->mutates);
  int k = 0;
  for (int i = 0; i < np; i++) {
    Node *p = n->list.data[i];
    if (p->kind == N_STR && p->slen == 0) continue;
    if (p->kind == N_FORMAT) {
      parts[k++] = formatted(p);
      continue;
    }
    Val v = cg_expr(p);
    if (later[i]) v = cg_own(v);
    cg_to_string(v, &parts[k++]);
  }
  if (k == 0) return cg_borrowed(LLVMConstNull(cg.ptr), ty_string);
  if (k == 1) return parts[0];
  LLVMTypeRef arr_t = LLVMArrayType(cg.ptr, (unsigned)k);
  LLVMValueRef arr = cg_alloca(arr_t, "parts");
  for (int i = 0; i < k; i++) {
    LLVMValueRef idx[2] = {LLVMConstInt(cg.i32, 0, 0), LLVMConstInt(cg.i32, (unsigned)i, 0)};
    LLVMValueRef a = LLVMBuildGEP2(cg.b, arr_t, arr, idx, 2, "");
    LLVMBuildStore(cg.b, parts[i].v, a);
  }
  LLVMValueRef zero[2] = {LLVMConstInt(cg.i32, 0, 0), LLVMConstInt(cg.i32, 0, 0)};
  LLVMValueRef args[2] = {LLVMConstInt(cg.i64, (unsigned)k, 0), LLVMBuildGEP2(cg.b, arr_t, arr, zero, 2, "")};
  LLVMValueRef s = cg_call_rt(RT_STR_CAT_N, args, 2);
  for (int i = 0; i < k; i++) cg_drop(parts[i]);
  return cg_owned(s, ty_string);
}

/* ---- arguments ------------------------------------------------------------------- */

void cg_args(Vec *args, Val *out, bool owned_all) {
  /* later[i]: some argument after i may change state (one pass from the end) */
  bool *later = xalloc(sizeof(bool) * (size_t)(args->len + 1));
  for (int i = args->len - 1; i >= 0; i--) later[i] = later[i + 1] || (i + 1 < args->len && ((Node *)args->data[i + 1])->mutates);
  for (int i = 0; i < args->len; i++) {
    Val v = cg_expr(args->data[i]);
    if (owned_all || later[i]) v = cg_own(v);
    out[i] = v;
  }
}

LLVMValueRef cg_expr_take(Node *n) { return cg_take(cg_expr(n)); }

/* ---- lists ----------------------------------------------------------------------- */

LLVMValueRef cg_list_len_inline(LLVMValueRef list) {
  LLVMBasicBlockRef from = LLVMGetInsertBlock(cg.b);
  LLVMBasicBlockRef load = cg_block("len.load"), done = cg_block("len.done");
  LLVMValueRef isnull = LLVMBuildIsNull(cg.b, list, "");
  LLVMBuildCondBr(cg.b, isnull, done, load);
  LLVMPositionBuilderAtEnd(cg.b, load);
  LLVMValueRef len = cg_load(cg.i64, cg_rt_field(&cg.list, list, F_LIST_LEN), "len");
  LLVMBuildBr(cg.b, done);
  LLVMPositionBuilderAtEnd(cg.b, done);
  LLVMValueRef phi = LLVMBuildPhi(cg.b, cg.i64, "len");
  LLVMValueRef vals[2] = {LLVMConstInt(cg.i64, 0, 0), len};
  LLVMBasicBlockRef bbs[2] = {from, load};
  LLVMAddIncoming(phi, vals, bbs, 2);
  return phi;
}

/* The word of a literal element known at compile time (a static string is never
 * counted, so the list may "own" it without a retain), or NULL. */
static LLVMValueRef const_word(Node *e) {
  switch (e->kind) {
  case N_INT: return e->uval > (uint64_t)INT64_MAX ? NULL : LLVMConstInt(cg.i64, e->uval, 0);
  case N_FLOAT: return LLVMConstBitCast(LLVMConstReal(cg.f64, e->fval), cg.i64);
  case N_BOOL: return LLVMConstInt(cg.i64, (unsigned long long)e->ival, 0);
  case N_NONE: return LLVMConstInt(cg.i64, 0, 0);
  case N_STR: return LLVMConstPtrToInt(cg_str_literal(e->sval, e->slen), cg.i64);
  case N_UNARY:
    if (e->op == '-' && e->a->kind == N_INT && e->a->negated_literal) /* -9223372036854775808 included */
      return LLVMConstInt(cg.i64, (unsigned long long)-(int64_t)e->a->uval, 1);
    return NULL;
  default: return NULL;
  }
}

static Val list_literal(Node *n) {
  int ne = n->list.len;
  if (ne == 0) return cg_borrowed(LLVMConstNull(cg.ptr), n->type);
  Type *et = n->type->a;
  /* every element a literal: one constant array, copied by rt_list_from (a table of a
   * hundred thousand numbers compiles to one call, not a store each) */
  LLVMValueRef *consts = xalloc(sizeof(LLVMValueRef) * (size_t)ne);
  int nc = 0;
  while (nc < ne && (consts[nc] = const_word(n->list.data[nc])) != NULL) nc++;
  if (nc == ne) {
    LLVMValueRef init = LLVMConstArray(cg.i64, consts, (unsigned)ne);
    LLVMValueRef g = LLVMAddGlobal(cg.mod, LLVMTypeOf(init), "list.const");
    LLVMSetInitializer(g, init);
    LLVMSetGlobalConstant(g, 1);
    LLVMSetLinkage(g, LLVMPrivateLinkage);
    LLVMValueRef args[3] = {cg_type_desc(n->type), LLVMConstInt(cg.i64, (unsigned)ne, 0),
                            LLVMConstBitCast(g, cg_ptr_to(cg.i64))};
    return cg_owned(cg_call_rt(RT_LIST_FROM, args, 3), n->type);
  }
  if (ne > 16) {
    /* a long literal: each element moves into the list as soon as it is made, so that
     * only one is ever held on the side (thousands of live temporaries would make the
     * code, and its compilation, large and slow) */
    Val l = cg_owned(LLVMConstNull(cg.ptr), n->type);
    LLVMValueRef desc = cg_type_desc(n->type);
    for (int i = 0; i < ne; i++) {
      Val e = cg_own(cg_expr(n->list.data[i]));
      LLVMValueRef args[3] = {l.slot, desc, cg_to_word(cg_take(e), et)};
      cg_call_rt(RT_LIST_PUSH, args, 3);
    }
    l.v = LLVMBuildLoad2(cg.b, cg.ptr, l.slot, "list");
    return l;
  }
  Val *vals = xalloc(sizeof(Val) * (size_t)ne);
  cg_args(&n->list, vals, true);
  LLVMTypeRef arr_t = LLVMArrayType(cg.i64, (unsigned)ne);
  LLVMValueRef arr = cg_alloca(arr_t, "elems");
  for (int i = 0; i < ne; i++) {
    LLVMValueRef idx[2] = {LLVMConstInt(cg.i32, 0, 0), LLVMConstInt(cg.i32, (unsigned)i, 0)};
    LLVMBuildStore(cg.b, cg_to_word(vals[i].v, et), LLVMBuildGEP2(cg.b, arr_t, arr, idx, 2, ""));
  }
  /* the elements move into the list: their temps are free again */
  for (int i = 0; i < ne; i++) cg_take(vals[i]);
  LLVMValueRef zero[2] = {LLVMConstInt(cg.i32, 0, 0), LLVMConstInt(cg.i32, 0, 0)};
  LLVMValueRef args[3] = {cg_type_desc(n->type), LLVMConstInt(cg.i64, (unsigned)ne, 0),
                          LLVMBuildGEP2(cg.b, arr_t, arr, zero, 2, "")};
  return cg_owned(cg_call_rt(RT_LIST_FROM, args, 3), n->type);
}

static Val map_literal(Node *n) {
  if (n->list.len == 0) return cg_borrowed(LLVMConstNull(cg.ptr), n->type);
  Type *t = n->type;
  LLVMValueRef desc = cg_type_desc(t);
  Val m = cg_owned(cg_call_rt(RT_MAP_NEW, &desc, 1), t);
  for (int i = 0; i < n->list.len; i++) {
    LLVMValueRef k = cg_expr_take(n->list.data[i]);
    Val kv = cg_owned(k, t->a);
    LLVMValueRef v = cg_expr_take(n->list2.data[i]);
    LLVMValueRef args[4] = {m.slot, desc, cg_to_word(cg_take(kv), t->a), cg_to_word(v, t->b)};
    cg_call_rt(RT_MAP_SET, args, 4);
  }
  m.v = LLVMBuildLoad2(cg.b, cg.ptr, m.slot, "map");
  return m;
}

/* ---- operators ------------------------------------------------------------------- */

static LLVMValueRef checked_arith(const char *intr, LLVMValueRef a, LLVMValueRef b, Loc loc) {
  LLVMValueRef args[2] = {a, b};
  LLVMValueRef r = call_intrinsic(intr, cg.i64, args, 2);
  LLVMValueRef ov = LLVMBuildExtractValue(cg.b, r, 1, "ov");
  cg_fail_if(ov, RT_FAIL_OVERFLOW, loc);
  return LLVMBuildExtractValue(cg.b, r, 0, "");
}

/* Int and Float arithmetic shared by binary operators and compound assignment. */
LLVMValueRef cg_arith(int op, Type *t, LLVMValueRef a, LLVMValueRef b, Loc loc) {
  if (t->kind == T_FLOAT) {
    switch (op) {
    case '+': return LLVMBuildFAdd(cg.b, a, b, "");
    case '-': return LLVMBuildFSub(cg.b, a, b, "");
    case '*': return LLVMBuildFMul(cg.b, a, b, "");
    case '/': return LLVMBuildFDiv(cg.b, a, b, "");
    case '%': return LLVMBuildFRem(cg.b, a, b, "");
    }
    unreachable();
  }
  if (t->kind == T_STRING) {
    LLVMValueRef args[2] = {a, b};
    return cg_call_rt(RT_STR_CAT, args, 2);
  }
  switch (op) {
  case '+': return checked_arith("llvm.sadd.with.overflow", a, b, loc);
  case '-': return checked_arith("llvm.ssub.with.overflow", a, b, loc);
  case '*': return checked_arith("llvm.smul.with.overflow", a, b, loc);
  case '/':
  case '%': {
    cg_fail_if(LLVMBuildICmp(cg.b, LLVMIntEQ, b, LLVMConstInt(cg.i64, 0, 0), "z"), RT_FAIL_DIVZERO, loc);
    LLVMValueRef minus1 = LLVMBuildICmp(cg.b, LLVMIntEQ, b, LLVMConstInt(cg.i64, (unsigned long long)-1, 1), "");
    LLVMValueRef min = LLVMBuildICmp(cg.b, LLVMIntEQ, a, LLVMConstInt(cg.i64, (unsigned long long)INT64_MIN, 1), "");
    LLVMValueRef both = LLVMBuildAnd(cg.b, minus1, min, "");
    if (op == '/') {
      cg_fail_if(both, RT_FAIL_OVERFLOW, loc);
      return LLVMBuildSDiv(cg.b, a, b, "");
    }
    /* INT64_MIN % -1 is 0, but the instruction traps: divide by 1 instead */
    LLVMValueRef safe_b = LLVMBuildSelect(cg.b, both, LLVMConstInt(cg.i64, 1, 0), b, "");
    return LLVMBuildSRem(cg.b, a, safe_b, "");
  }
  }
  unreachable();
}

static LLVMValueRef compare(int op, Type *t, Val a, Val b) {
  LLVMIntPredicate ip;
  LLVMRealPredicate rp;
  switch (op) {
  case OP_EQ: ip = LLVMIntEQ; rp = LLVMRealOEQ; break;
  case OP_NE: ip = LLVMIntNE; rp = LLVMRealUNE; break;
  case '<': ip = LLVMIntSLT; rp = LLVMRealOLT; break;
  case OP_LE: ip = LLVMIntSLE; rp = LLVMRealOLE; break;
  case '>': ip = LLVMIntSGT; rp = LLVMRealOGT; break;
  case OP_GE: ip = LLVMIntSGE; rp = LLVMRealOGE; break;
  default: unreachable();
  }
  switch (t->kind) {
  case T_INT:
  case T_BOOL:
    return LLVMBuildICmp(cg.b, ip, a.v, b.v, "");
  case T_FLOAT:
    return LLVMBuildFCmp(cg.b, rp, a.v, b.v, "");
  case T_STRING: {
    LLVMValueRef args[2] = {a.v, b.v};
    if (op == OP_EQ || op == OP_NE) {
      LLVMValueRef eq = cg_call_rt(RT_STR_EQ, args, 2);
      return op == OP_EQ ? eq : LLVMBuildNot(cg.b, eq, "");
    }
    LLVMValueRef c = cg_call_rt(RT_STR_CMP, args, 2);
    return LLVMBuildICmp(cg.b, ip, c, LLVMConstInt(cg.i64, 0, 0), "");
  }
  case T_LIST:
  case T_MAP:
  case T_RECORD:
  case T_ENUM: {
    LLVMValueRef args[3] = {cg_to_word(a.v, t), cg_to_word(b.v, t), cg_type_desc(t)};
    LLVMValueRef eq = cg_call_rt(RT_EQ, args, 3);
    return op == OP_EQ ? eq : LLVMBuildNot(cg.b, eq, "");
  }
  default: /* actor references, timers, none: identity */
    return LLVMBuildICmp(cg.b, ip, LLVMBuildPtrToInt(cg.b, a.v, cg.i64, ""), LLVMBuildPtrToInt(cg.b, b.v, cg.i64, ""), "");
  }
}

static Val logical(Node *n) {
  bool is_and = n->op == OP_AND;
  LLVMValueRef a = cg_expr(n->a).v;
  LLVMBasicBlockRef from = LLVMGetInsertBlock(cg.b);
  LLVMBasicBlockRef rhs = cg_block(is_and ? "and.rhs" : "or.rhs"), done = cg_block(is_and ? "and.end" : "or.end");
  if (is_and)
    LLVMBuildCondBr(cg.b, a, rhs, done);
  else
    LLVMBuildCondBr(cg.b, a, done, rhs);
  LLVMPositionBuilderAtEnd(cg.b, rhs);
  LLVMValueRef b = cg_expr(n->b).v;
  LLVMBasicBlockRef rhs_end = LLVMGetInsertBlock(cg.b);
  LLVMBuildBr(cg.b, done);
  LLVMPositionBuilderAtEnd(cg.b, done);
  LLVMValueRef phi = LLVMBuildPhi(cg.b, cg.i1, "");
  LLVMValueRef vals[2] = {LLVMConstInt(cg.i1, is_and ? 0 : 1, 0), b};
  LLVMBasicBlockRef bbs[2] = {from, rhs_end};
  LLVMAddIncoming(phi, vals, bbs, 2);
  return cg_borrowed(phi, ty_bool);
}

static Val binary(Node *n) {
  if (n->op == OP_AND || n->op == OP_OR) return logical(n);
  Val a = cg_expr(n->a);
  if (n->b->mutates) a = cg_own(a);
  Val b = cg_expr(n->b);
  Type *t = n->a->type->kind == T_NONE ? n->b->type : n->a->type;
  switch (n->op) {
  case '+': case '-': case '*': case '/': case '%': {
    LLVMValueRef r = cg_arith(n->op, t, a.v, b.v, n->loc);
    cg_drop(a);
    cg_drop(b);
    return t->kind == T_STRING ? cg_owned(r, ty_string) : cg_borrowed(r, t);
  }
  default: {
    LLVMValueRef r = compare(n->op, t, a, b);
    cg_drop(a);
    cg_drop(b);
    return cg_borrowed(r, ty_bool);
  }
  }
}

static Val unary(Node *n) {
  if (n->op == '!') return cg_borrowed(LLVMBuildNot(cg.b, cg_expr(n->a).v, ""), ty_bool);
  if (n->a->kind == N_INT && n->a->negated_literal && n->a->uval == (uint64_t)INT64_MAX + 1)
    return cg_borrowed(LLVMConstInt(cg.i64, (unsigned long long)INT64_MIN, 1), ty_int);
  Val v = cg_expr(n->a);
  if (v.t->kind == T_FLOAT) return cg_borrowed(LLVMBuildFNeg(cg.b, v.v, ""), ty_float);
  if (LLVMIsConstant(v.v) && n->a->kind == N_INT && n->a->negated_literal)
    return cg_borrowed(LLVMConstInt(cg.i64, (unsigned long long)-(int64_t)n->a->uval, 1), ty_int);
  return cg_borrowed(checked_arith("llvm.ssub.with.overflow", LLVMConstInt(cg.i64, 0, 0), v.v, n->loc), ty_int);
}

/* ---- indexing and places ----------------------------------------------------------- */

static Val index_read(Node *n) {
  Val c = cg_expr(n->a);
  if (n->b->mutates) c = cg_own(c);
  Type *ct = n->a->type;
  LLVMValueRef w;
  if (ct->kind == T_LIST) {
    LLVMValueRef i = cg_expr(n->b).v;
    LLVMValueRef args[3] = {c.v, i, cg_pos(n->loc)};
    w = cg_call_rt(RT_LIST_GET, args, 3);
  } else {
    Val k = cg_expr(n->b);
    LLVMValueRef args[4] = {c.v, cg_to_word(k.v, ct->a), cg_type_desc(ct), cg_pos(n->loc)};
    w = cg_call_rt(RT_MAP_GET, args, 4);
    cg_drop(k);
  }
  LLVMValueRef v = cg_from_word(w, n->type);
  /* an element is owned by its container: take our own reference before the container
   * can change or go (the container may be a temporary) */
  Val r = cg_borrowed(v, n->type);
  if (ty_is_ref(n->type)) r = cg_own(r);
  cg_drop(c);
  return r;
}

/* Place evaluation happens in two steps so that no user code runs between taking an
 * address inside a container and using it: first every index (cg_lvalue_prepare),
 * then the addresses (cg_lvalue_addr). */
typedef struct Place {
  Node *n;
  Val key;
} Place;
static Vec places; /* Place*: indices evaluated for the place being built */

static void prepare(Node *n) {
  if (n->kind == N_FIELD) { /* a record's field: nothing to evaluate at this step */
    prepare(n->a);
    return;
  }
  if (n->kind != N_INDEX) return;
  Val k = cg_expr(n->b);
  if (n->a->type->kind == T_MAP) k = cg_own(k);
  Place *p = xalloc(sizeof *p);
  p->n = n;
  p->key = k;
  vec_push(&places, p);
  prepare(n->a);
}

Val *cg_place_key(Node *n) {
  for (int i = places.len - 1; i >= 0; i--) {
    Place *p = places.data[i];
    if (p->n == n) return &p->key;
  }
  unreachable();
}

void cg_lvalue_prepare(Node *n) {
  places.len = 0;
  prepare(n);
}

void cg_lvalue_done(void) {
  for (int i = 0; i < places.len; i++) cg_drop(((Place *)places.data[i])->key);
  places.len = 0;
}

LLVMValueRef cg_lvalue_addr(Node *n) {
  if (n->kind == N_NAME) return cg_sym_addr(n->sym);
  if (n->kind == N_FIELD) return cg_field_addr(cg_lvalue_addr(n->a), n); /* makes the record unique */
  if (n->kind != N_INDEX) unreachable();
  LLVMValueRef base = cg_lvalue_addr(n->a);
  Val k = *cg_place_key(n);
  if (n->a->type->kind == T_LIST) {
    LLVMValueRef args[3] = {cg_bitcast_ptr(base, cg.i8), k.v, cg_pos(n->loc)};
    return cg_call_rt(RT_LIST_AT_MUT, args, 3);
  }
  LLVMValueRef args[4] = {cg_bitcast_ptr(base, cg.i8), cg_to_word(k.v, n->a->type->a), cg_type_desc(n->a->type),
                          cg_pos(n->loc)};
  return cg_call_rt(RT_MAP_AT_MUT, args, 4);
}

/* ---- built-in functions ------------------------------------------------------------ */

static Val arg_val(Node *n, int i) { return cg_expr(n->list.data[i]); }

static Val builtin(Node *n) {
  Loc loc = n->loc;
  switch (n->builtin) {
  case B_PRINT:
  case B_EPRINT: {
    Val s;
    cg_to_string(arg_val(n, 0), &s);
    cg_call_rt(n->builtin == B_PRINT ? RT_PRINT : RT_EPRINT, &s.v, 1);
    cg_drop(s);
    return cg_borrowed(NULL, ty_void);
  }
  case B_STR: {
    Val s;
    cg_to_string(arg_val(n, 0), &s);
    return s;
  }
  case B_FLOAT: {
    Val v = arg_val(n, 0);
    if (v.t->kind == T_FLOAT) return v;
    return cg_borrowed(LLVMBuildSIToFP(cg.b, v.v, cg.f64, ""), ty_float);
  }
  case B_INT: {
    Val v = arg_val(n, 0);
    if (v.t->kind == T_INT) return v;
    LLVMValueRef args[2] = {v.v, cg_pos(loc)};
    return cg_borrowed(cg_call_rt(RT_FLOAT_TO_INT, args, 2), ty_int);
  }
  case B_PARSE_INT:
  case B_PARSE_FLOAT: {
    Val s = arg_val(n, 0);
    LLVMValueRef args[2] = {s.v, cg_pos(loc)};
    LLVMValueRef r = cg_call_rt(n->builtin == B_PARSE_INT ? RT_PARSE_INT : RT_PARSE_FLOAT, args, 2);
    cg_drop(s);
    return cg_borrowed(r, n->type);
  }
  case B_ABS: {
    Val v = arg_val(n, 0);
    if (v.t->kind == T_FLOAT) return cg_borrowed(call_intrinsic("llvm.fabs", cg.f64, &v.v, 1), ty_float);
    cg_fail_if(LLVMBuildICmp(cg.b, LLVMIntEQ, v.v, LLVMConstInt(cg.i64, (unsigned long long)INT64_MIN, 1), ""),
               RT_FAIL_OVERFLOW, loc);
    LLVMValueRef neg = LLVMBuildICmp(cg.b, LLVMIntSLT, v.v, LLVMConstInt(cg.i64, 0, 0), "");
    return cg_borrowed(LLVMBuildSelect(cg.b, neg, LLVMBuildNeg(cg.b, v.v, ""), v.v, ""), ty_int);
  }
  case B_MIN:
  case B_MAX: {
    Val a = arg_val(n, 0), b = arg_val(n, 1);
    LLVMValueRef lt = a.t->kind == T_FLOAT ? LLVMBuildFCmp(cg.b, LLVMRealOLT, a.v, b.v, "")
                                           : LLVMBuildICmp(cg.b, LLVMIntSLT, a.v, b.v, "");
    LLVMValueRef r = n->builtin == B_MIN ? LLVMBuildSelect(cg.b, lt, a.v, b.v, "") : LLVMBuildSelect(cg.b, lt, b.v, a.v, "");
    return cg_borrowed(r, a.t);
  }
  case B_SQRT: {
    Val v = arg_val(n, 0);
    return cg_borrowed(call_intrinsic("llvm.sqrt", cg.f64, &v.v, 1), ty_float);
  }
  case B_NOW_MS: return cg_borrowed(cg_call_rt(RT_NOW_MS, NULL, 0), ty_int);
  case B_RANDOM: {
    LLVMValueRef args[2] = {arg_val(n, 0).v, cg_pos(loc)};
    return cg_borrowed(cg_call_rt(RT_RANDOM, args, 2), ty_int);
  }
  case B_FAIL: {
    Val s = arg_val(n, 0);
    LLVMValueRef args[2] = {s.v, cg_pos(loc)};
    cg_call_rt(RT_FAIL_STR, args, 2);
    LLVMBuildUnreachable(cg.b);
    LLVMPositionBuilderAtEnd(cg.b, cg_block("after.fail"));
    return cg_borrowed(NULL, ty_void);
  }
  case B_ASSERT: {
    LLVMValueRef c = arg_val(n, 0).v;
    cg_fail_if(LLVMBuildNot(cg.b, c, ""), RT_FAIL_ASSERT, loc);
    return cg_borrowed(NULL, ty_void);
  }
  case B_EXIT: {
    LLVMValueRef c = arg_val(n, 0).v;
    cg_call_rt(RT_EXIT, &c, 1);
    LLVMBuildUnreachable(cg.b);
    LLVMPositionBuilderAtEnd(cg.b, cg_block("after.exit"));
    return cg_borrowed(NULL, ty_void);
  }
  case B_MONITOR: {
    Val r = arg_val(n, 0);
    LLVMValueRef args[2] = {cg.fn->self, r.v};
    cg_call_rt(RT_MONITOR, args, 2);
    cg_drop(r);
    return cg_borrowed(NULL, ty_void);
  }
  case B_CANCEL: {
    Val t = arg_val(n, 0);
    cg_call_rt(RT_TIMER_CANCEL, &t.v, 1);
    cg_drop(t);
    return cg_borrowed(NULL, ty_void);
  }
  case B_STOP:
    cg_call_rt(RT_STOP, &cg.fn->self, 1);
    return cg_borrowed(NULL, ty_void);
  }
  unreachable();
}

/* ---- calls of functions and methods ------------------------------------------------ */

static Val call(Node *n) {
  if (!n->decl) return builtin(n);
  Decl *d = n->decl;
  int na = n->list.len;
  bool method = d->owner != NULL;
  Val *args = xalloc(sizeof(Val) * (size_t)(na + 1));
  /* a method may change the actor's fields: give it arguments no field change can
   * free under it */
  cg_args(&n->list, args, method);
  LLVMValueRef *argv = xalloc(sizeof(LLVMValueRef) * (size_t)(2 * na + 3));
  int k = 0;
  if (method) argv[k++] = cg.fn->self;
  for (int i = 0; i < na; i++) {
    if (d->kind == D_EXTERN && ((Param *)d->params.data[i])->type->kind == T_ANY) { /* (word, type) */
      argv[k++] = cg_to_word(args[i].v, args[i].t);
      argv[k++] = cg_type_desc(args[i].t);
    } else {
      argv[k++] = args[i].v;
    }
  }
  if (d->ret && d->ret->kind == T_ANY) { /* (wanted type, position) */
    argv[k++] = cg_type_desc(n->type);
    argv[k++] = cg_pos(n->loc);
  }
  LLVMValueRef fn = cg_fn_decl(d);
  LLVMTypeRef fty = LLVMGlobalGetValueType(fn);
  bool ext = d->kind == D_EXTERN;
  if (ext) LLVMBuildStore(cg.b, cg_pos(n->loc), cg.rtvar[RTV_CALL_POS]); /* where C code's failures are */
  LLVMValueRef r = cg_call(fn, fty, argv, (unsigned)k, true);
  if (ext) LLVMBuildStore(cg.b, LLVMConstNull(cg.ptr), cg.rtvar[RTV_CALL_POS]);
  for (int i = 0; i < na; i++) cg_drop(args[i]);
  if (!d->ret) return cg_borrowed(NULL, ty_void);
  if (d->ret && d->ret->kind == T_ANY) {
    LLVMValueRef v = cg_from_word(r, n->type);
    return ty_is_ref(n->type) ? cg_owned(v, n->type) : cg_borrowed(v, n->type);
  }
  if (d->kind == D_EXTERN && d->ret->kind == T_STRING) return cg_owned(r, ty_string);
  return ty_is_ref(d->ret) ? cg_owned(r, d->ret) : cg_borrowed(r, d->ret);
}

/* ---- built-in methods -------------------------------------------------------------- */

/* A mutating method: arguments first, then the receiver's address. */
static Val mutating_method(Node *n) {
  int na = n->list.len;
  Val args[2];
  cg_args(&n->list, args, true);
  cg_lvalue_prepare(n->a);
  LLVMValueRef addr = cg_bitcast_ptr(cg_lvalue_addr(n->a), cg.i8);
  Type *rt = n->a->type;
  LLVMValueRef desc = cg_type_desc(rt);
  Val result = cg_borrowed(NULL, ty_void);
  switch (n->builtin) {
  case B_L_PUSH: {
    LLVMValueRef a[3] = {addr, desc, cg_to_word(cg_take(args[0]), rt->a)};
    cg_call_rt(RT_LIST_PUSH, a, 3);
    break;
  }
  case B_L_POP: {
    LLVMValueRef a[2] = {addr, cg_pos(n->loc)};
    LLVMValueRef w = cg_call_rt(RT_LIST_POP, a, 2);
    result = cg_owned(cg_from_word(w, rt->a), rt->a);
    break;
  }
  case B_L_INSERT: {
    LLVMValueRef a[5] = {addr, desc, args[0].v, cg_to_word(args[1].v, rt->a), cg_pos(n->loc)};
    /* the element stays in its temp until the runtime has taken it: insert may fail */
    cg_call_rt(RT_LIST_INSERT, a, 5);
    cg_take(args[1]);
    break;
  }
  case B_L_REMOVE: {
    LLVMValueRef a[3] = {addr, args[0].v, cg_pos(n->loc)};
    LLVMValueRef w = cg_call_rt(RT_LIST_REMOVE, a, 3);
    result = cg_owned(cg_from_word(w, rt->a), rt->a);
    break;
  }
  case B_L_SORT: cg_call_rt(RT_LIST_SORT, &addr, 1); break;
  case B_L_REVERSE: cg_call_rt(RT_LIST_REVERSE, &addr, 1); break;
  case B_M_REMOVE: {
    LLVMValueRef a[2] = {addr, cg_to_word(args[0].v, rt->a)};
    result = cg_borrowed(cg_call_rt(RT_MAP_REMOVE, a, 2), ty_bool);
    cg_drop(args[0]);
    break;
  }
  default: unreachable();
  }
  (void)na;
  cg_lvalue_done();
  return result;
}

static Val method(Node *n) {
  switch (n->builtin) {
  case B_L_PUSH: case B_L_POP: case B_L_INSERT: case B_L_REMOVE: case B_L_SORT: case B_L_REVERSE:
  case B_M_REMOVE:
    return mutating_method(n);
  default: break;
  }
  Val recv = cg_expr(n->a);
  int na = n->list.len;
  Val args[2] = {0};
  bool any_mutates = false;
  for (int i = 0; i < na; i++) any_mutates |= ((Node *)n->list.data[i])->mutates;
  if (any_mutates) recv = cg_own(recv);
  cg_args(&n->list, args, false);
  Type *rt = n->a->type;
  LLVMValueRef pos = cg_pos(n->loc);
  LLVMValueRef r;
  Val result;
  switch (n->builtin) {
  case B_S_LEN: result = cg_borrowed(cg_call_rt(RT_STR_LEN, &recv.v, 1), ty_int); break;
  case B_S_CONTAINS: case B_S_STARTS_WITH: case B_S_ENDS_WITH: case B_S_FIND: {
    int which = n->builtin == B_S_CONTAINS ? RT_STR_CONTAINS : n->builtin == B_S_STARTS_WITH ? RT_STR_STARTS_WITH
                : n->builtin == B_S_ENDS_WITH ? RT_STR_ENDS_WITH : RT_STR_FIND;
    LLVMValueRef a[2] = {recv.v, args[0].v};
    result = cg_borrowed(cg_call_rt(which, a, 2), n->type);
    break;
  }
  case B_S_SLICE: {
    LLVMValueRef a[4] = {recv.v, args[0].v, args[1].v, pos};
    result = cg_owned(cg_call_rt(RT_STR_SLICE, a, 4), ty_string);
    break;
  }
  case B_S_SPLIT: {
    LLVMValueRef a[3] = {recv.v, args[0].v, pos};
    result = cg_owned(cg_call_rt(RT_STR_SPLIT, a, 3), n->type);
    break;
  }
  case B_S_TRIM: case B_S_UPPER: case B_S_LOWER: {
    int which = n->builtin == B_S_TRIM ? RT_STR_TRIM : n->builtin == B_S_UPPER ? RT_STR_UPPER : RT_STR_LOWER;
    result = cg_owned(cg_call_rt(which, &recv.v, 1), ty_string);
    break;
  }
  case B_S_REPEAT: {
    LLVMValueRef a[3] = {recv.v, args[0].v, pos};
    result = cg_owned(cg_call_rt(RT_STR_REPEAT, a, 3), ty_string);
    break;
  }
  case B_L_LEN: result = cg_borrowed(cg_list_len_inline(recv.v), ty_int); break;
  case B_L_CONTAINS: {
    LLVMValueRef a[2] = {recv.v, cg_to_word(args[0].v, rt->a)};
    result = cg_borrowed(cg_call_rt(RT_LIST_CONTAINS, a, 2), ty_bool);
    break;
  }
  case B_L_SLICE: {
    LLVMValueRef a[4] = {recv.v, args[0].v, args[1].v, pos};
    result = cg_owned(cg_call_rt(RT_LIST_SLICE, a, 4), rt);
    break;
  }
  case B_L_JOIN: {
    LLVMValueRef a[3] = {recv.v, args[0].v, pos};
    result = cg_owned(cg_call_rt(RT_LIST_JOIN, a, 3), ty_string);
    break;
  }
  case B_M_LEN: result = cg_borrowed(cg_call_rt(RT_MAP_LEN, &recv.v, 1), ty_int); break;
  case B_M_HAS: {
    LLVMValueRef a[2] = {recv.v, cg_to_word(args[0].v, rt->a)};
    result = cg_borrowed(cg_call_rt(RT_MAP_HAS, a, 2), ty_bool);
    break;
  }
  case B_M_GET: {
    LLVMValueRef a[3] = {recv.v, cg_to_word(args[0].v, rt->a), cg_to_word(args[1].v, rt->b)};
    r = cg_from_word(cg_call_rt(RT_MAP_GET_OR, a, 3), rt->b);
    /* borrowed from the map or from the default: own it before either goes */
    result = cg_own(cg_borrowed(r, rt->b));
    break;
  }
  case B_M_KEYS: case B_M_VALUES: {
    LLVMValueRef a[2] = {recv.v, cg_type_desc(n->type)};
    result = cg_owned(cg_call_rt(n->builtin == B_M_KEYS ? RT_MAP_KEYS : RT_MAP_VALUES, a, 2), n->type);
    break;
  }
  case B_R_ANSWER: { /* r.answer(v): v moves into the answer */
    Type *at = rt->a;
    LLVMValueRef a[3] = {recv.v, cg_to_word(cg_take(args[0]), at), cg_type_desc(at)};
    args[0].slot = NULL; /* moved: not dropped below */
    cg_call_rt(RT_REPLY_ANSWER, a, 3);
    result = cg_borrowed(NULL, ty_void);
    break;
  }
  case B_R_FAIL: {
    LLVMValueRef a[2] = {recv.v, args[0].v};
    cg_call_rt(RT_REPLY_FAIL, a, 2);
    result = cg_borrowed(NULL, ty_void);
    break;
  }
  default: unreachable();
  }
  for (int i = 0; i < na; i++) cg_drop(args[i]);
  cg_drop(recv);
  return result;
}

/* ---- supervisor children --------------------------------------------------------- */

static Val child_ref(Node *n) {
  Val s = cg_expr(n->a);
  Decl *sup = n->a->type->decl;
  int index = sup->params.len + n->index;
  LLVMValueRef v = cg_load(cg.ptr, cg_state_addr(s.v, sup, index), "child");
  Val r = cg_borrowed(v, n->type);
  if (s.slot) r = cg_own(r); /* the supervisor reference is a temporary */
  cg_drop(s);
  return r;
}

/* ---- the dispatcher ---------------------------------------------------------------- */

Val cg_expr(Node *n) {
  cg_debug_loc(n->loc);
  switch (n->kind) {
  case N_INT: return cg_borrowed(LLVMConstInt(cg.i64, n->uval, 0), ty_int);
  case N_FLOAT: return cg_borrowed(LLVMConstReal(cg.f64, n->fval), ty_float);
  case N_BOOL: return cg_borrowed(LLVMConstInt(cg.i1, (unsigned long long)n->ival, 0), ty_bool);
  case N_STR: return cg_borrowed(cg_str_literal(n->sval, n->slen), ty_string);
  case N_INTERP: return interp(n);
  case N_NONE: return cg_borrowed(LLVMConstNull(cg.ptr), n->type);
  case N_SELF: return cg_borrowed(cg.fn->self, n->type);
  case N_REPLY:
    if (n->sym->kind == SYM_REPLY) { /* the handler's own: borrowed from its message */
      LLVMValueRef m = cg.fn->req_msg;
      return cg_borrowed(cg_call_rt(RT_REPLY_HANDLE, &m, 1), n->type);
    }
    return cg_borrowed(cg_load(cg.ptr, cg_sym_addr(n->sym), "reply"), n->type); /* a block's copy */
  case N_NAME: {
    Type *t = n->sym->type;
    return cg_borrowed(cg_load(cg_llvm_type(t), cg_sym_addr(n->sym), n->name), t);
  }
  case N_LIST: return list_literal(n);
  case N_MAP: return map_literal(n);
  case N_UNARY: return unary(n);
  case N_BINARY: return binary(n);
  case N_CALL: return call(n);
  case N_METHOD: return method(n);
  case N_INDEX: return index_read(n);
  case N_FIELD: return ty_is_datatype(n->a->type) ? cg_field_read(n) : child_ref(n);
  case N_CONSTRUCT: return cg_construct(n);
  case N_MATCH: return cg_match(n);
  case N_SPAWN: return cg_spawn(n);
  case N_TIMER: return cg_timer(n);
  default: break;
  }
  unreachable();
}

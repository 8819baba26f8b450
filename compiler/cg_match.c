/* cg_match.c — code generation for match (LANGUAGE.md §10), as a statement or as an
 * expression.
 *
 * The arms are tried in order, each compiled once: a block that tests the arm's
 * pattern against the value (falling through to its guard and body when it matches,
 * branching to the next arm's test when it does not).  A test on an enum value's
 * variant is a `switch` on its tag (cg_data_tag: one load after a NULL test); so is an
 * or-pattern of variants whose fields it does not look at, or of Int literals.  When
 * the value matched is an enum, one `switch` first sends each variant straight to the
 * first arm whose pattern can match it, so a match over variants costs one switch.
 * The checker has proved the match exhaustive; falling off the last arm is an internal
 * error that fails the actor.
 *
 * Ownership: the value matched is held (retained, in a slot of the match's scope)
 * unless it is an immutable variable, so that an arm changing the variable it came
 * from cannot change or free what the names bound by the pattern see: they are
 * borrowed from it, values taken when the match starts.  As an expression, each arm's
 * value is made owned and the match's value is their phi. */
#include "cg.h"

/* ---- tests --------------------------------------------------------------------- */

static bool pat_wild(Pat *p) { return p->kind == P_WILD || p->kind == P_BIND; }

/* A variant pattern that looks at no field (Quit, Circle(_), Rect(_, _)). */
static bool bare_variant(Pat *p) {
  if (p->kind != P_CTOR || p->decl->kind != D_VARIANT) return false;
  for (int i = 0; i < p->subs.len; i++)
    if (((Pat *)p->subs.data[i])->kind != P_WILD) return false;
  return true;
}

/* An or-pattern that one switch decides: bare variants, or Int literals. */
static bool switch_or(Pat *p) {
  bool variants = true, ints = true;
  for (int i = 0; i < p->subs.len; i++) {
    Pat *a = p->subs.data[i];
    variants &= bare_variant(a);
    ints &= a->kind == P_INT;
  }
  return variants || ints;
}

static void test(Pat *p, LLVMValueRef v, LLVMBasicBlockRef fail);

/* The fields of a record or variant value v (borrowed from it) against subs, once its
 * variant is known (a variant other than the first is never NULL). */
static void test_fields(Pat *p, LLVMValueRef v, LLVMBasicBlockRef fail) {
  bool nonnull = p->decl->kind == D_VARIANT && p->decl->index > 0;
  for (int i = 0; i < p->subs.len; i++) {
    Pat *sub = p->subs.data[i];
    if (sub->kind == P_WILD) continue;
    LLVMValueRef w = cg_data_field_word(v, i, nonnull);
    test(sub, cg_from_word(w, sub->type), fail);
  }
}

/* switch on x: the cases go on (fall through), anything else to fail. */
static void switch_to(LLVMValueRef x, LLVMValueRef *cases, int n, LLVMBasicBlockRef fail) {
  LLVMBasicBlockRef ok = cg_block("match.ok");
  LLVMValueRef sw = LLVMBuildSwitch(cg.b, x, fail, (unsigned)n);
  for (int i = 0; i < n; i++) LLVMAddCase(sw, cases[i], ok);
  LLVMPositionBuilderAtEnd(cg.b, ok);
}

static void branch_if(LLVMValueRef cond, LLVMBasicBlockRef fail) {
  LLVMBasicBlockRef ok = cg_block("match.ok");
  LLVMBuildCondBr(cg.b, cond, ok, fail);
  LLVMPositionBuilderAtEnd(cg.b, ok);
}

/* Tests p against v (a value of p->type, borrowed): falls through when it matches,
 * having stored the names it binds; branches to fail when it does not. */
static void test(Pat *p, LLVMValueRef v, LLVMBasicBlockRef fail) {
  switch (p->kind) {
  case P_WILD: return;
  case P_BIND: cg_store(v, p->sym->cg); return;
  case P_INT: branch_if(LLVMBuildICmp(cg.b, LLVMIntEQ, v, LLVMConstInt(cg.i64, (unsigned long long)p->ival, 1), ""), fail); return;
  case P_BOOL: branch_if(p->ival ? v : LLVMBuildNot(cg.b, v, ""), fail); return;
  case P_STR: {
    LLVMValueRef args[2] = {v, cg_str_literal(p->sval, p->slen)};
    branch_if(cg_call_rt(RT_STR_EQ, args, 2), fail);
    return;
  }
  case P_CTOR:
    if (p->decl->kind == D_VARIANT) {
      LLVMValueRef c = LLVMConstInt(cg.i32, (unsigned long long)p->decl->index, 0);
      switch_to(cg_data_tag(v), &c, 1, fail);
    }
    test_fields(p, v, fail);
    return;
  case P_OR: {
    int na = p->subs.len;
    if (switch_or(p)) {
      bool ints = ((Pat *)p->subs.data[0])->kind == P_INT;
      LLVMValueRef *cases = xalloc(sizeof(LLVMValueRef) * (size_t)na);
      int nc = 0;
      for (int i = 0; i < na; i++) {
        Pat *a = p->subs.data[i];
        LLVMValueRef c = ints ? LLVMConstInt(cg.i64, (unsigned long long)a->ival, 1)
                              : LLVMConstInt(cg.i32, (unsigned long long)a->decl->index, 0);
        bool dup = false; /* a switch takes each case once (1 | 1 is allowed) */
        for (int j = 0; j < nc && !dup; j++) dup = LLVMConstIntGetZExtValue(cases[j]) == LLVMConstIntGetZExtValue(c);
        if (!dup) cases[nc++] = c;
      }
      switch_to(ints ? v : cg_data_tag(v), cases, nc, fail);
      return;
    }
    /* each alternative in turn; they bind the same names */
    LLVMBasicBlockRef ok = cg_block("or.ok");
    for (int i = 0; i < na; i++) {
      LLVMBasicBlockRef next = i + 1 < na ? cg_block("or.next") : fail;
      test(p->subs.data[i], v, next);
      LLVMBuildBr(cg.b, ok);
      if (i + 1 < na) LLVMPositionBuilderAtEnd(cg.b, next);
    }
    LLVMPositionBuilderAtEnd(cg.b, ok);
    return;
  }
  case P_FLOAT: break;
  }
  unreachable();
}

/* Can p match some value of variant number k (of the enum matched)? */
static bool may_match_variant(Pat *p, int k) {
  if (pat_wild(p)) return true;
  if (p->kind == P_CTOR) return p->decl->index == k;
  if (p->kind == P_OR)
    for (int i = 0; i < p->subs.len; i++)
      if (may_match_variant(p->subs.data[i], k)) return true;
  return false;
}

/* ---- the match ----------------------------------------------------------------- */

/* Where a value of variant k goes from arm `from` on: the first arm that can take it
 * (its known block when it has one: the tag is not tested again), or none. */
static LLVMBasicBlockRef arm_for(Node *n, int from, int k, LLVMBasicBlockRef *tests, LLVMBasicBlockRef *known) {
  int i = from;
  while (i < n->arms.len && !may_match_variant(((MatchArm *)n->arms.data[i])->pat, k)) i++;
  if (i == n->arms.len) return tests[i];
  return known[i] ? known[i] : tests[i];
}

static bool immutable_var(Node *e) { return e->kind == N_NAME && e->sym && !e->sym->mutable; }

Val cg_match(Node *n) {
  bool stmt = n->ival;
  Type *st = n->a->type;
  int na = n->arms.len;
  cg_push_scope();
  Val s = cg_expr(n->a);
  LLVMValueRef v = s.v;
  if (ty_is_ref(st)) {
    if (immutable_var(n->a) && !s.slot) {
      /* borrowed from a variable that cannot change while the match runs */
    } else {
      v = cg_take(cg_own(s));
      LLVMValueRef slot = cg_slot("match.value");
      cg_scope_add(slot);
      cg_store(v, slot);
    }
  }
  /* the names each arm binds: plain allocas, borrowed from v */
  for (int i = 0; i < na; i++) {
    MatchArm *arm = n->arms.data[i];
    for (int j = 0; j < arm->binds.len; j++) {
      Sym *b = arm->binds.data[j];
      if (!b->cg) b->cg = cg_alloca(cg_llvm_type(b->type), b->name);
    }
  }
  /* each arm: a block that tests its pattern (tests[i]); for a value of an enum, an
   * arm whose pattern names one variant, or is an or-pattern of variants that look at
   * no field, also has a block entered when the variant is known to be one it takes
   * (known[i]): there the tag is not tested again */
  bool is_enum = st->kind == T_ENUM;
  LLVMBasicBlockRef *tests = xalloc(sizeof(LLVMBasicBlockRef) * (size_t)(na + 1));
  LLVMBasicBlockRef *known = xalloc(sizeof(LLVMBasicBlockRef) * (size_t)(na + 1));
  for (int i = 0; i < na; i++) {
    Pat *p = ((MatchArm *)n->arms.data[i])->pat;
    tests[i] = cg_block("match.arm");
    if (is_enum && ((p->kind == P_CTOR) || (p->kind == P_OR && switch_or(p)))) known[i] = cg_block("match.known");
  }
  LLVMBasicBlockRef nomatch = cg_block("match.none"), end = cg_block("match.end");
  tests[na] = nomatch;
  if (is_enum) { /* one switch to the first arm each variant can reach */
    Decl *e = st->decl;
    LLVMBasicBlockRef no_variant = cg_block("match.no_variant"); /* a tag is always a variant */
    LLVMValueRef sw = LLVMBuildSwitch(cg.b, cg_data_tag(v), no_variant, (unsigned)e->variants.len);
    for (int k = 0; k < e->variants.len; k++)
      LLVMAddCase(sw, LLVMConstInt(cg.i32, (unsigned long long)k, 0), arm_for(n, 0, k, tests, known));
    LLVMPositionBuilderAtEnd(cg.b, no_variant);
    LLVMBuildUnreachable(cg.b);
  } else {
    LLVMBuildBr(cg.b, tests[0]);
  }
  LLVMValueRef *vals = xalloc(sizeof(LLVMValueRef) * (size_t)(na + 1));
  LLVMBasicBlockRef *from = xalloc(sizeof(LLVMBasicBlockRef) * (size_t)(na + 1));
  int nvals = 0;
  for (int i = 0; i < na; i++) {
    MatchArm *arm = n->arms.data[i];
    Pat *p = arm->pat;
    LLVMBasicBlockRef fail = tests[i + 1]; /* where a failure after the tag test goes */
    LLVMPositionBuilderAtEnd(cg.b, tests[i]);
    cg_debug_loc(arm->loc);
    if (known[i] && p->kind == P_CTOR) {
      /* one variant k: once it is known, a failure goes to the next arm that takes k */
      int k = p->decl->index;
      LLVMValueRef c = LLVMConstInt(cg.i32, (unsigned long long)k, 0);
      LLVMValueRef sw = LLVMBuildSwitch(cg.b, cg_data_tag(v), tests[i + 1], 1);
      LLVMAddCase(sw, c, known[i]);
      fail = arm_for(n, i + 1, k, tests, known);
      LLVMPositionBuilderAtEnd(cg.b, known[i]);
      test_fields(p, v, fail);
    } else if (known[i]) { /* variants that look at no field: the tag decides it all */
      test(p, v, tests[i + 1]);
      LLVMBuildBr(cg.b, known[i]);
      LLVMPositionBuilderAtEnd(cg.b, known[i]);
    } else {
      test(p, v, tests[i + 1]);
    }
    if (arm->guard) {
      LLVMValueRef c = cg_expr(arm->guard).v;
      LLVMBasicBlockRef body = cg_block("match.body");
      LLVMBuildCondBr(cg.b, c, body, fail);
      LLVMPositionBuilderAtEnd(cg.b, body);
    }
    cg_push_scope();
    if (stmt) {
      cg_stmts(&arm->body);
    } else {
      Node *e = ((Node *)arm->body.data[0])->a;
      Val r = cg_expr(e);
      vals[nvals] = ty_is_ref(n->type) ? cg_take(r) : r.v;
    }
    cg_pop_scope();
    if (!cg_terminated()) {
      if (!stmt) from[nvals++] = LLVMGetInsertBlock(cg.b);
      LLVMBuildBr(cg.b, end);
    }
  }
  /* not reached: the checker proved some arm matches */
  LLVMPositionBuilderAtEnd(cg.b, nomatch);
  LLVMValueRef args[2] = {cg_str_literal("internal error: no arm of a match matched", 41), cg_pos(n->loc)};
  cg_call_rt(RT_FAIL_STR, args, 2);
  LLVMBuildUnreachable(cg.b);
  /* an arm's tag test that no path reaches (the first switch went to its known block,
   * and every arm before it to theirs): gone, even at -O0 */
  for (int i = 0; i <= na; i++) {
    LLVMBasicBlockRef bb = tests[i];
    if ((i == na || known[i]) && !LLVMGetFirstUse(LLVMBasicBlockAsValue(bb))) LLVMDeleteBasicBlock(bb);
  }
  LLVMPositionBuilderAtEnd(cg.b, end);
  Val result = cg_borrowed(NULL, ty_void);
  if (!stmt) {
    LLVMValueRef phi = LLVMBuildPhi(cg.b, cg_llvm_type(n->type), "match");
    LLVMAddIncoming(phi, vals, from, (unsigned)nvals);
    result = ty_is_ref(n->type) ? cg_owned(phi, n->type) : cg_borrowed(phi, n->type);
  }
  cg_pop_scope(); /* releases the value matched */
  return result;
}

/* check_stmt.c — type checking of statements: declarations, assignment, control flow,
 * sends and requests, and the "every path returns" rule. */
#include "check.h"

#include <string.h>

static bool has_self(void) {
  CtxKind k = ck_ctx->kind;
  return (k == CTX_HANDLER || k == CTX_METHOD || k == CTX_INIT || k == CTX_INIT_BLOCK || k == CTX_BLOCK) && ck_ctx->actor;
}

static void check_decl(Node *n) {
  Type *t = n->te ? ck_resolve_type(n->te) : NULL;
  if (n->a) {
    Type *it = ck_expr(n->a, t);
    if (t) {
      ck_require(n->a, t, xformat("the value of '%s'", n->name));
    } else if (it->kind == T_VOID) {
      diag_error(n->a->loc, "this expression has no value to give '%s'", n->name);
      t = ty_error;
    } else if (it->kind == T_NONE) {
      diag_error(n->a->loc, "cannot tell the type of '%s' from none; write %s %s: ActorKind = none", n->name,
                 n->kind == N_LET ? "let" : "var", n->name);
      t = ty_error;
    } else if (ty_has_empty(it)) {
      diag_error(n->a->loc, "cannot tell the element type of this empty %s; write %s %s: %s = %s",
                 it->kind == T_MAP ? "map" : "list", n->kind == N_LET ? "let" : "var", n->name,
                 it->kind == T_MAP ? "{String: Int}" : "[Int]", it->kind == T_MAP ? "{}" : "[]");
      t = ty_error;
    } else {
      t = it;
    }
    ck_coerce(n->a, t);
  }
  n->sym = ck_declare(SYM_LOCAL, n->name, n->name_loc, t ? t : ty_error, n->kind == N_VAR);
  n->sym->zero_init = !n->a;
}

static void check_assign(Node *n) {
  Node *target = n->a;
  if (target->kind != N_NAME && target->kind != N_INDEX && target->kind != N_FIELD) {
    ck_expr(target, NULL);
    ck_expr(n->b, NULL);
    if (target->kind == N_REPLY)
      diag_error(target->loc, "cannot change 'reply': it is the handle of the request being handled");
    else
      diag_error(target->loc, "cannot assign to this expression: only a variable, an element a[i] or a field p.x can be assigned");
    return;
  }
  Type *t = ck_expr(target, NULL);
  if (target->kind == N_FIELD && t->kind != T_ERROR && target->a->type->kind != T_RECORD) {
    ck_expr(n->b, NULL);
    diag_error(target->loc, "cannot assign to a supervisor's child: its reference stays the same across restarts");
    return;
  }
  ck_expr(n->b, t);
  if (t->kind == T_ERROR) return;
  ck_is_lvalue_root_mutable(target, true);
  int op = ast_compound_op(n->op);
  if (!op) {
    ck_require(n->b, t, xformat("the value assigned to %s", target->kind == N_NAME    ? xformat("'%s'", target->name)
                                                            : target->kind == N_FIELD ? xformat("field '%s'", target->name)
                                                                                      : "the element"));
    return;
  }
  Type *v = n->b->type;
  if (v->kind == T_ERROR) return;
  bool ok = (t == v && (t->kind == T_INT || t->kind == T_FLOAT)) || (op == '+' && t == v && t->kind == T_STRING);
  if (!ok) {
    if (t == v)
      diag_error(n->loc, "%c= works on Ints and Floats%s, not %s", op, op == '+' ? " (and joins Strings)" : "", ty_name(t));
    else
      diag_error(n->loc, "mismatched types: %s %c= %s (no implicit conversions)", ty_name(t), op, ty_name(v));
  }
}

/* The handler a send or request names, after checking the target. */
static Decl *resolve_handler(Node *n, bool request) {
  Type *t = ck_expr(n->a, NULL);
  for (int i = 0; i < n->list.len; i++) ck_expr(n->list.data[i], NULL);
  if (t->kind == T_ERROR) return NULL;
  const char *op = request ? "?" : "!";
  if (t->kind == T_ANYACTOR) {
    diag_error(n->a->loc, "cannot send to a reference of type Actor: its kind is unknown, so its handlers are too "
                          "(keep a reference of the actor's own type to send to it)");
    return NULL;
  }
  if (t->kind == T_NONE) {
    diag_error(n->a->loc, "cannot send to none");
    return NULL;
  }
  if (t->kind == T_IFACE) {
    /* only what the interface declares, whatever the actor behind it has (§12) */
    Decl *i = t->decl;
    Decl *h = ty_handler(i, n->name);
    if (!h) {
      Vec cands = ck_decl_names(&i->handlers);
      diag_error(n->name_loc, "interface %s has no handler '%s'%s", i->name, n->name, ck_did_you_mean(n->name, &cands));
      diag_note(i->loc, "%s is declared here (a message goes through an interface only if the interface declares it)",
                i->name);
    }
    return h;
  }
  if (t->kind != T_ACTOR) {
    diag_error(n->a->loc, "%s sends to an actor, but this is %s", op, ty_name(t));
    return NULL;
  }
  Decl *a = t->decl;
  if (a->kind == D_SUPERVISOR) {
    const char *names = "";
    for (int i = 0; i < a->children.len; i++)
      names = xformat("%s%s%s", names, i ? ", " : "", ((Child *)a->children.data[i])->name);
    diag_error(n->name_loc, "supervisor %s has no handlers; send to one of its children (%s)", a->name, names);
    return NULL;
  }
  Decl *h = ck_find_handler(a, n->name);
  if (!h) {
    Vec cands = ck_decl_names(&a->handlers);
    diag_error(n->name_loc, "actor %s has no handler '%s'%s", a->name, n->name, ck_did_you_mean(n->name, &cands));
    diag_note(a->loc, "%s is declared here", a->name);
    return NULL;
  }
  return h;
}

/* The message's arguments (already checked once by resolve_handler) against the
 * handler's parameters. */
static void check_msg_args(Node *n, Decl *h) {
  if (n->list.len != h->params.len) {
    ck_arity_error(n->name_loc, h->name, h->params.len, n->list.len);
    return;
  }
  for (int i = 0; i < n->list.len; i++) {
    Node *a = n->list.data[i];
    Param *p = h->params.data[i];
    if (!ty_assignable(p->type, a->type))
      diag_error(a->loc, "mismatched types: argument %d of %s (%s) must be %s, found %s%s", i + 1, h->name, p->name,
                 ty_name(p->type), ty_name(a->type), ck_conv_hint(p->type, a->type));
    else
      ck_coerce(a, p->type);
  }
}

static void check_send(Node *n) {
  Decl *h = resolve_handler(n, false);
  if (!h) return;
  n->decl = h;
  check_msg_args(n, h);
}

static void check_request(Node *n) {
  Decl *h = resolve_handler(n, true);
  if (h) {
    n->decl = h;
    if (!h->ret) {
      diag_error(n->name_loc, "handler '%s' of %s does not answer, so it cannot be requested with ?; declare it "
                              "on %s(...) -> Type, or send with !",
                 h->name, h->owner->name, h->name);
      h = NULL;
    }
  }
  if (h) check_msg_args(n, h);
  if (n->b) { /* within MS */
    ck_expr(n->b, ty_int);
    ck_require(n->b, ty_int, "the time limit of within (in milliseconds)");
    if (!n->then_blk && !n->else_blk)
      diag_error(n->name2_loc, "within limits the wait for the answer, but this request has no then or else to run: "
                               "nobody waits");
  }
  if (!has_self()) {
    diag_error(n->loc, "a request needs an actor to answer to, but this code does not run in one");
    return;
  }
  if (!n->then_blk && !n->else_blk) return;
  Closure *clo = xalloc(sizeof *clo);
  clo->id = ck_prog->closures.len;
  clo->loc = n->loc;
  clo->node = n;
  clo->answer = h ? h->ret : ty_error;
  clo->actor = ck_ctx->actor;
  vec_push(&ck_prog->closures, clo);
  n->clo = clo;
  if (n->then_blk) ck_block(n->then_blk, clo, clo->answer);
  if (n->else_blk) ck_block(n->else_blk, clo, ty_string);
}

static void check_for_each(Node *n) {
  Type *t = ck_expr(n->a, NULL);
  Type *t1 = ty_error, *t2 = ty_error;
  if (t->kind == T_LIST) {
    if (n->name2) t1 = ty_int, t2 = t->a;
    else t1 = t->a;
  } else if (t->kind == T_MAP) {
    t1 = t->a;
    t2 = t->b;
  } else if (t->kind != T_ERROR) {
    diag_error(n->a->loc, "for ... in goes over a list or a map (or a range a..b), not %s", ty_name(t));
  }
  if (ty_has_empty(t)) {
    diag_error(n->a->loc, "cannot tell the element type of this empty literal");
    t1 = t2 = ty_error;
  }
  ck_push_scope();
  n->sym = ck_declare(SYM_LOCAL, n->name, n->name_loc, t1, false);
  if (n->name2) n->sym2 = ck_declare(SYM_LOCAL, n->name2, n->name2_loc, t2, false);
  ck_ctx->loops++;
  ck_push_scope();
  ck_stmts(&n->body);
  ck_pop_scope();
  ck_ctx->loops--;
  ck_pop_scope();
}

static void check_cond(Node *c, const char *what) {
  Type *t = ck_expr(c, ty_bool);
  if (t->kind != T_BOOL && t->kind != T_ERROR)
    diag_error(c->loc, "the condition of %s must be Bool, found %s", what, ty_name(t));
}

static void check_body_scope(Vec *stmts) {
  ck_push_scope();
  ck_stmts(stmts);
  ck_pop_scope();
}

static bool standalone_ok(Node *e) {
  switch (e->kind) {
  case N_CALL: case N_METHOD: case N_SPAWN: case N_TIMER: case N_MATCH: return true;
  default: return false;
  }
}

/* return later: only a -> T handler's own body (not a block in it) may leave its request
 * to be answered later (§13). */
static void check_return_later(Node *n) {
  if (ck_ctx->kind == CTX_HANDLER && ck_ctx->ret) return;
  if (ck_ctx->kind == CTX_HANDLER)
    diag_error(n->loc, "return later leaves a request to be answered later, but handler '%s' answers no requests "
                       "(use return, or declare it on %s(...) -> Type)", ck_ctx->fn->name, ck_ctx->fn->name);
  else if (ck_ctx->kind == CTX_BLOCK)
    diag_error(n->loc, "return later ends a handler, not a block (a block ends with return)");
  else
    diag_error(n->loc, "return later is only for a handler declared -> Type (it leaves its request to be answered later)");
}

static bool follows_on_next_line(Node *n);

static void check_stmt(Node *n) {
  switch (n->kind) {
  case N_LET:
  case N_VAR:
    check_decl(n);
    return;
  case N_ASSIGN:
    check_assign(n);
    return;
  case N_IF:
    check_cond(n->a, "if");
    check_body_scope(&n->body);
    check_body_scope(&n->els);
    return;
  case N_WHILE:
    check_cond(n->a, "while");
    ck_ctx->loops++;
    check_body_scope(&n->body);
    ck_ctx->loops--;
    return;
  case N_FOR_RANGE:
    ck_expr(n->a, ty_int);
    ck_require(n->a, ty_int, "the start of a range");
    ck_expr(n->b, ty_int);
    ck_require(n->b, ty_int, "the end of a range");
    ck_push_scope();
    n->sym = ck_declare(SYM_LOCAL, n->name, n->name_loc, ty_int, false);
    ck_ctx->loops++;
    check_body_scope(&n->body);
    ck_ctx->loops--;
    ck_pop_scope();
    return;
  case N_FOR_EACH:
    check_for_each(n);
    return;
  case N_BREAK:
  case N_CONTINUE:
    if (!ck_ctx->loops)
      diag_error(n->loc, "%s outside a loop", n->kind == N_BREAK ? "break" : "continue");
    return;
  case N_RETURN:
    if (n->a) {
      Type *t = ck_expr(n->a, ck_ctx->ret);
      if (!ck_ctx->ret) {
        if (t->kind != T_ERROR)
          diag_error(n->a->loc, "%s", ck_ctx->kind == CTX_BLOCK ? "a block cannot return a value (return ends it)"
                                      : ck_ctx->kind == CTX_INIT_BLOCK ? "an init block cannot return a value (return ends it)"
                                      : "this returns a value, but the function does not declare one (add -> Type)");
      } else {
        ck_require(n->a, ck_ctx->ret, "the returned value");
      }
    } else if (ck_ctx->ret) {
      diag_error(n->loc, "this must return %s", ty_name(ck_ctx->ret));
    }
    return;
  case N_RETURN_LATER:
    check_return_later(n);
    return;
  case N_EXPR:
    if (n->a->kind == N_MATCH) { /* a match statement: its arms are statements */
      n->a->type = ck_match(n->a, NULL, true);
      return;
    }
    ck_expr(n->a, NULL);
    if (!standalone_ok(n->a)) {
      diag_error(n->a->loc, "this expression does nothing on its own: only calls, sends, requests, spawns and "
                            "timers can stand alone");
      if (n->a->kind == N_UNARY && n->a->op == '-' && follows_on_next_line(n)) /* `x` newline `- y` */
        diag_note(n->a->loc, "a newline ends a statement after a complete expression; to go on, end the line above "
                             "with the operator");
    }
    return;
  case N_SEND:
    check_send(n);
    return;
  case N_REQUEST:
    check_request(n);
    return;
  default:
    unreachable();
  }
}

static bool never_completes(Node *s, bool loop_exits);

/* The statement lists being checked, outermost first, each with the index of the
 * statement being checked (for ck_later_decl). */
typedef struct StmtFrame {
  Vec *stmts;
  int at;
} StmtFrame;
static StmtFrame frames[MAX_EXPR_DEPTH];
static int nframes;

/* `var total = count * 2` before `var count = 5`: the let or var of name that comes
 * later in a list being checked (the innermost first), or NULL. */
Node *ck_later_decl(const char *name) {
  for (int f = nframes - 1; f >= 0; f--) {
    Vec *v = frames[f].stmts;
    for (int i = frames[f].at; i < v->len; i++) { /* (its own initialiser too) */
      Node *s = v->data[i];
      if ((s->kind == N_LET || s->kind == N_VAR) && !strcmp(s->name, name)) return s;
    }
  }
  return NULL;
}

/* Whether statement n comes right after another statement of its list that began on
 * an earlier line. */
static bool follows_on_next_line(Node *n) {
  if (!nframes) return false;
  StmtFrame *f = &frames[nframes - 1];
  if (f->at == 0 || f->stmts->data[f->at] != n) return false;
  Node *prev = f->stmts->data[f->at - 1];
  return prev->loc.line < n->loc.line;
}

void ck_stmts(Vec *stmts) {
  bool reported = false;
  bool framed = nframes < MAX_EXPR_DEPTH;
  if (framed) frames[nframes++] = (StmtFrame){stmts, 0};
  for (int i = 0; i < stmts->len; i++) {
    if (diag_too_many()) break;
    Node *s = stmts->data[i];
    if (framed) frames[nframes - 1].at = i;
    check_stmt(s);
    if (!reported && i + 1 < stmts->len && never_completes(s, ck_ctx->loops > 0)) {
      Node *next = stmts->data[i + 1];
      diag_error(next->loc, "unreachable code");
      diag_note(s->loc, "control never gets past this");
      reported = true;
    }
  }
  if (framed) nframes--;
}

/* ---- every path returns --------------------------------------------------------- */

static bool match_stmt(Node *s) { return s->kind == N_EXPR && s->a->kind == N_MATCH; }

static bool has_break(Vec *stmts) {
  for (int i = 0; i < stmts->len; i++) {
    Node *s = stmts->data[i];
    if (s->kind == N_BREAK) return true;
    if (s->kind == N_IF && (has_break(&s->body) || has_break(&s->els))) return true;
    if (match_stmt(s))
      for (int j = 0; j < s->a->arms.len; j++)
        if (has_break(&((MatchArm *)s->a->arms.data[j])->body)) return true;
  }
  return false;
}

static bool list_never_completes(Vec *stmts, bool loop_exits) {
  for (int i = 0; i < stmts->len; i++)
    if (never_completes(stmts->data[i], loop_exits)) return true;
  return false;
}

/* A statement after which control never goes on to the next (Go's terminating
 * statements, with fail() and exit() counted like panic()): return, a call of fail or
 * exit, an if/else whose branches both never complete, `while true` without a break;
 * with loop_exits, also break and continue.  (Statements that end a path belong here:
 * the unreachable-code rule and the every-path-returns rule both ask.) */
static bool never_completes(Node *s, bool loop_exits) {
  switch (s->kind) {
  case N_RETURN:
  case N_RETURN_LATER: return true;
  case N_BREAK:
  case N_CONTINUE: return loop_exits;
  case N_IF: return s->els.len && list_never_completes(&s->body, loop_exits) && list_never_completes(&s->els, loop_exits);
  case N_WHILE: return s->a->kind == N_BOOL && s->a->ival && !has_break(&s->body);
  case N_EXPR:
    if (match_stmt(s)) { /* exhaustive (checked): some arm runs */
      if (s->a->arms.len == 0) return false;
      for (int j = 0; j < s->a->arms.len; j++)
        if (!list_never_completes(&((MatchArm *)s->a->arms.data[j])->body, loop_exits)) return false;
      return true;
    }
    return s->a->kind == N_CALL && !s->a->decl && (s->a->builtin == B_FAIL || s->a->builtin == B_EXIT);
  default: return false;
  }
}

/* A statement list that cannot complete normally: one of its statements never does
 * (what follows such a statement is reported as unreachable code). */
bool ck_terminates(Vec *stmts) { return list_never_completes(stmts, false); }

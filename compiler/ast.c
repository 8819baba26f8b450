/* ast.c — the syntax tree's constructors, one per form grammar/parser.y builds, so
 * that each grammar action is a call.  They only build (and report what the grammar
 * cannot say: a strategy given twice, an intensity out of range); the checker fills in
 * types and resolution later. */
#include "compiler.h"

#include <string.h>

Node *ast_node(NodeKind k, Loc loc) {
  Node *n = xalloc(sizeof *n);
  n->kind = k;
  n->loc = loc;
  return n;
}

/* ---- expressions ---- */

Node *ast_int(uint64_t v, Loc loc) {
  Node *n = ast_node(N_INT, loc);
  n->uval = v;
  n->ival = (int64_t)v;
  return n;
}

Node *ast_float(double v, Loc loc) {
  Node *n = ast_node(N_FLOAT, loc);
  n->fval = v;
  return n;
}

Node *ast_bool(bool v, Loc loc) {
  Node *n = ast_node(N_BOOL, loc);
  n->ival = v;
  return n;
}

Node *ast_name(const char *name, Loc loc) {
  Node *n = ast_node(N_NAME, loc);
  n->name = name;
  return n;
}

Node *ast_str(const char *s, int64_t len, Loc loc) {
  Node *n = ast_node(N_STR, loc);
  n->sval = s;
  n->slen = len;
  return n;
}

/* An interpolated string: its pieces and expressions alternate in list, a piece first
 * and last. */
Node *ast_interp(Node *first, Node *expr, Loc loc) {
  Node *n = ast_node(N_INTERP, loc);
  vec_push(&n->list, first);
  vec_push(&n->list, expr);
  return n;
}

Node *ast_interp_add(Node *interp, Node *piece) {
  vec_push(&interp->list, piece);
  return interp;
}

/* "{e:spec}": loc is the ':' and the format after it. */
Node *ast_format(Node *e, const char *spec, int64_t len, Loc loc) {
  Node *n = ast_node(N_FORMAT, loc);
  n->a = e;
  n->sval = spec;
  n->slen = len;
  return n;
}

Node *ast_list(Vec elems, Loc loc) {
  Node *n = ast_node(N_LIST, loc);
  n->list = elems;
  return n;
}

/* A map literal: keys in list, values in list2. */
Node *ast_map(Node *key, Node *value, Loc loc) {
  return ast_map_add(ast_node(N_MAP, loc), key, value);
}

Node *ast_map_add(Node *map, Node *key, Node *value) {
  vec_push(&map->list, key);
  vec_push(&map->list2, value);
  return map;
}

Node *ast_binary(int op, Node *a, Node *b, Loc loc) {
  Node *n = ast_node(N_BINARY, loc);
  n->op = op;
  n->a = a;
  n->b = b;
  return n;
}

Node *ast_unary(int op, Node *a, Loc loc) {
  Node *n = ast_node(N_UNARY, loc);
  n->op = op;
  n->a = a;
  if (op == '-' && a->kind == N_INT) a->negated_literal = true;
  return n;
}

Node *ast_call(const char *name, Vec args, Loc loc) {
  Node *n = ast_node(N_CALL, loc);
  n->name = name;
  n->list = args;
  return n;
}

Node *ast_method(Node *recv, const char *name, Vec args, Loc loc) {
  Node *n = ast_node(N_METHOD, loc);
  n->a = recv;
  n->name = name;
  n->list = args;
  return n;
}

Node *ast_dot(Node *recv, const char *name, Loc loc) {
  Node *n = ast_node(N_FIELD, loc);
  n->a = recv;
  n->name = name;
  return n;
}

Node *ast_index(Node *a, Node *index, Loc loc) {
  Node *n = ast_node(N_INDEX, loc);
  n->a = a;
  n->b = index;
  return n;
}

Node *ast_spawn(const char *qual, const char *kind, Loc kind_loc, Vec args, Loc loc) {
  Node *n = ast_node(N_SPAWN, loc);
  n->qual = qual;
  n->name = kind;
  n->name_loc = kind_loc;
  n->list = args;
  return n;
}

/* after/every interval { body }: the body runs later, as a block. */
Node *ast_timer(bool every, Node *interval, Vec body, Loc loc) {
  Node *n = ast_node(N_TIMER, loc);
  n->ival = every;
  n->a = interval;
  n->then_blk = ast_block(loc, NULL, loc, body);
  return n;
}

/* ---- statements ---- */

/* let/var name[: te] [= init], in a body or as an actor's field. */
Node *ast_var(NodeKind k, const char *name, Loc name_loc, TypeExpr *te, Node *init, Loc loc) {
  Node *n = ast_node(k, loc);
  n->name = name;
  n->name_loc = name_loc;
  n->te = te;
  n->a = init;
  return n;
}

Node *ast_assign(int op, Node *target, Node *value, Loc loc) {
  Node *n = ast_node(N_ASSIGN, loc);
  n->op = op;
  n->a = target;
  n->b = value;
  return n;
}

/* if cond { then } else { els }: an else-if is an els holding one N_IF. */
Node *ast_if(Node *cond, Vec then, Vec els, Loc loc) {
  Node *n = ast_node(N_IF, loc);
  n->a = cond;
  n->body = then;
  n->els = els;
  return n;
}

Node *ast_while(Node *cond, Vec body, Loc loc) {
  Node *n = ast_node(N_WHILE, loc);
  n->a = cond;
  n->body = body;
  return n;
}

Node *ast_for_range(const char *name, Loc name_loc, Node *from, Node *to, Vec body, Loc loc) {
  Node *n = ast_node(N_FOR_RANGE, loc);
  n->name = name;
  n->name_loc = name_loc;
  n->a = from;
  n->b = to;
  n->body = body;
  return n;
}

/* for name in seq / for name, name2 in seq (name2 NULL when absent). */
Node *ast_for_each(const char *name, Loc name_loc, const char *name2, Loc name2_loc, Node *seq, Vec body, Loc loc) {
  Node *n = ast_node(N_FOR_EACH, loc);
  n->name = name;
  n->name_loc = name_loc;
  n->name2 = name2;
  n->name2_loc = name2_loc;
  n->a = seq;
  n->body = body;
  return n;
}

Node *ast_return(Node *value, Loc loc) {
  Node *n = ast_node(N_RETURN, loc);
  n->a = value;
  return n;
}

Node *ast_expr_stmt(Node *e) {
  Node *n = ast_node(N_EXPR, e->loc);
  n->a = e;
  return n;
}

Node *ast_send(Node *to, const char *name, Loc name_loc, Vec args, Loc loc) {
  Node *n = ast_node(N_SEND, loc);
  n->a = to;
  n->name = name;
  n->name_loc = name_loc;
  n->list = args;
  return n;
}

Node *ast_request(Node *to, const char *name, Loc name_loc, Vec args, Node *within, Loc within_loc, Block *then,
                  Block *els, Loc loc) {
  Node *n = ast_send(to, name, name_loc, args, loc);
  n->kind = N_REQUEST;
  n->b = within;
  n->name2_loc = within_loc;
  n->then_blk = then;
  n->else_blk = els;
  return n;
}

/* ---- types, blocks, parameters ---- */

TypeExpr *ast_type(TypeExprKind k, Loc loc, const char *name, TypeExpr *a, TypeExpr *b) {
  TypeExpr *t = xalloc(sizeof *t);
  t->kind = k;
  t->loc = loc;
  t->name = name;
  t->a = a;
  t->b = b;
  return t;
}

TypeExpr *ast_qual_type(const char *qual, const char *name, Loc loc) {
  TypeExpr *t = ast_type(TE_NAME, loc, name, NULL, NULL);
  t->qual = qual;
  return t;
}

Block *ast_block(Loc loc, const char *param, Loc param_loc, Vec stmts) {
  Block *b = xalloc(sizeof *b);
  b->loc = loc;
  b->param = param;
  b->param_loc = param_loc;
  b->stmts = stmts;
  return b;
}

Param *ast_param(const char *name, TypeExpr *te, Loc loc) {
  Param *p = xalloc(sizeof *p);
  p->name = name;
  p->loc = loc;
  p->te = te;
  return p;
}

/* ---- declarations ---- */

static Decl *decl(DeclKind k, const char *name, Vec params, Loc loc) {
  Decl *d = xalloc(sizeof *d);
  d->kind = k;
  d->name = name;
  d->params = params;
  d->loc = loc;
  return d;
}

Member *ast_member(MemberKind k, Node *field, Decl *decl) {
  Member *m = xalloc(sizeof *m);
  m->kind = k;
  m->field = field;
  m->decl = decl;
  return m;
}

/* An actor: its members sorted into fields, handlers, methods and init blocks. */
Decl *ast_actor(const char *name, Vec params, Vec ifaces, Vec members, Loc loc) {
  Decl *d = decl(D_ACTOR, name, params, loc);
  d->ifaces = ifaces;
  for (int i = 0; i < members.len; i++) {
    Member *m = members.data[i];
    switch (m->kind) {
    case MEMBER_FIELD: vec_push(&d->fields, m->field); break;
    case MEMBER_HANDLER: m->decl->owner = d; vec_push(&d->handlers, m->decl); break;
    case MEMBER_METHOD: m->decl->owner = d; vec_push(&d->methods, m->decl); break;
    case MEMBER_INIT: m->decl->owner = d; vec_push(&d->inits, m->decl); break;
    }
  }
  return d;
}

/* interface Name { on sig... }: the signatures are D_HANDLERs whose owner is the
 * interface. */
Decl *ast_interface(const char *name, Vec sigs, Loc loc) {
  Decl *d = decl(D_INTERFACE, name, (Vec){0}, loc);
  for (int i = 0; i < sigs.len; i++) {
    Decl *h = sigs.data[i];
    h->owner = d;
    vec_push(&d->handlers, h);
  }
  return d;
}

/* A handler signature of an interface; a body given by mistake is reported. */
Decl *ast_iface_sig(const char *name, Vec params, TypeExpr *ret, Vec *body, Loc loc) {
  if (body) diag_error(loc, "a handler of an interface has no body: write on %s(...) without { ... }", name);
  return ast_handler(name, params, ret, (Vec){0}, loc);
}

Decl *ast_init(Vec body, Loc loc) {
  Decl *d = decl(D_INIT, "init", (Vec){0}, loc);
  d->body = body;
  return d;
}

SupItem *ast_strategy(const char *name, Loc name_loc, Loc loc) {
  SupItem *it = xalloc(sizeof *it);
  it->kind = SUP_STRATEGY;
  it->loc = loc;
  it->strategy = name;
  it->strategy_loc = name_loc;
  return it;
}

SupItem *ast_intensity(Node *count, Node *period_ms, Loc loc) {
  SupItem *it = xalloc(sizeof *it);
  it->kind = SUP_INTENSITY;
  it->loc = loc;
  it->intensity = count;
  it->period = period_ms;
  return it;
}

SupItem *ast_sup_child(Child *c) {
  SupItem *it = xalloc(sizeof *it);
  it->kind = SUP_CHILD;
  it->loc = c->loc;
  it->child = c;
  return it;
}

Child *ast_child(const char *name, const char *qual, const char *kind, Loc kind_loc, Vec args, Loc loc) {
  Child *c = xalloc(sizeof *c);
  c->kind_qual = qual;
  c->name = name;
  c->loc = loc;
  c->kind_name = kind;
  c->kind_loc = kind_loc;
  c->args = args;
  return c;
}

Decl *ast_supervisor(const char *name, Vec params, Vec items, Loc loc) {
  Decl *d = decl(D_SUPERVISOR, name, params, loc);
  for (int i = 0; i < items.len; i++) {
    SupItem *it = items.data[i];
    switch (it->kind) {
    case SUP_STRATEGY:
      if (d->has_strategy) diag_error(it->loc, "strategy given twice");
      d->has_strategy = true;
      d->strategy = it->strategy;
      d->strategy_loc = it->strategy_loc;
      break;
    case SUP_INTENSITY:
      if (d->has_intensity) diag_error(it->loc, "intensity given twice");
      d->has_intensity = true;
      d->intensity_e = it->intensity;
      d->period_e = it->period;
      d->intensity_loc = it->loc;
      break;
    case SUP_CHILD: vec_push(&d->children, it->child); break;
    }
  }
  return d;
}

Decl *ast_fn(const char *name, Vec params, TypeExpr *ret, Vec body, Loc loc) {
  Decl *d = decl(D_FN, name, params, loc);
  d->ret_te = ret;
  d->body = body;
  return d;
}

Decl *ast_handler(const char *name, Vec params, TypeExpr *ret, Vec body, Loc loc) {
  Decl *d = ast_fn(name, params, ret, body, loc);
  d->kind = D_HANDLER;
  return d;
}

/* extern fn name(params) -> ret [delivers sig, ...] [= "c_name"]: delivers holds
 * D_HANDLER signatures without bodies; csym the C symbol's string (NULL: name). */
Decl *ast_extern(const char *name, Vec params, TypeExpr *ret, Vec delivers, Node *csym, Loc loc) {
  Decl *d = decl(D_EXTERN, name, params, loc);
  d->ret_te = ret;
  d->delivers = delivers;
  d->csym = csym;
  return d;
}

Decl *ast_use(const char *path, Loc loc) {
  Decl *d = decl(D_USE, "use", (Vec){0}, loc);
  d->use_path = path;
  return d;
}

Decl *ast_use_std(const char *name, Loc loc) {
  Decl *d = decl(D_USE, name, (Vec){0}, loc);
  d->use_std = true;
  return d;
}

/* const NAME = value: computed by the checker (check_const.c). */
Decl *ast_const(const char *name, Node *value, Loc loc) {
  Decl *d = decl(D_CONST, name, (Vec){0}, loc);
  d->value = value;
  return d;
}

/* The arithmetic operator of a compound assignment (+= gives '+'), or 0 for '='. */
int ast_compound_op(int op) {
  switch (op) {
  case OP_ADD_ASSIGN: return '+';
  case OP_SUB_ASSIGN: return '-';
  case OP_MUL_ASSIGN: return '*';
  case OP_DIV_ASSIGN: return '/';
  case OP_MOD_ASSIGN: return '%';
  }
  return 0;
}

/* ---- records, enums and match (LANGUAGE.md §9, §10) ---- */

Decl *ast_record(const char *name, Vec fields, Loc loc) { return decl(D_RECORD, name, fields, loc); }

Decl *ast_enum(const char *name, Vec variants, Loc loc) {
  Decl *d = decl(D_ENUM, name, (Vec){0}, loc);
  d->variants = variants;
  for (int i = 0; i < variants.len; i++) {
    Decl *v = variants.data[i];
    v->owner = d;
    v->index = i;
  }
  return d;
}

Decl *ast_variant(const char *name, Vec fields, bool parens, Loc loc) {
  Decl *d = decl(D_VARIANT, name, fields, loc);
  d->parens = parens;
  return d;
}

Node *ast_label(const char *name, Node *value, Loc loc) {
  Node *n = ast_node(N_LABEL, loc);
  n->name = name;
  n->name_loc = loc;
  n->a = value;
  return n;
}

Node *ast_match(Node *scrutinee, Vec arms, Loc loc) {
  Node *n = ast_node(N_MATCH, loc);
  n->a = scrutinee;
  n->arms = arms;
  return n;
}

MatchArm *ast_arm_body(Vec stmts, bool block) {
  MatchArm *a = xalloc(sizeof *a);
  a->body = stmts;
  a->block = block;
  return a;
}

MatchArm *ast_arm(Pat *pat, Node *guard, MatchArm *body, Loc loc) {
  body->pat = pat;
  body->guard = guard;
  body->loc = loc;
  return body;
}

static Pat *pat(PatKind k, Loc loc) {
  Pat *p = xalloc(sizeof *p);
  p->kind = k;
  p->loc = loc;
  return p;
}

Pat *ast_pat_name(const char *name, Loc loc) {
  Pat *p = pat(strcmp(name, "_") ? P_BIND : P_WILD, loc);
  p->name = name;
  return p;
}

Pat *ast_pat_ctor(const char *name, Vec subs, Loc loc) {
  Pat *p = pat(P_CTOR, loc);
  p->name = name;
  p->subs = subs;
  p->parens = true;
  return p;
}

Pat *ast_pat_qual(const char *qual, const char *name, Vec subs, bool parens, Loc loc) {
  Pat *p = ast_pat_ctor(name, subs, loc);
  p->qual = qual;
  p->parens = parens;
  return p;
}

Pat *ast_pat_int(uint64_t v, bool negative, Loc loc) {
  Pat *p = pat(P_INT, loc);
  if (v > (uint64_t)INT64_MAX + (negative ? 1 : 0))
    diag_error(loc, "integer literal %s%llu is too large for Int", negative ? "-" : "", (unsigned long long)v);
  p->ival = negative ? (int64_t)(0 - v) : (int64_t)v;
  return p;
}

Pat *ast_pat_str(const char *s, int64_t len, Loc loc) {
  Pat *p = pat(P_STR, loc);
  p->sval = s;
  p->slen = len;
  return p;
}

Pat *ast_pat_bool(bool v, Loc loc) {
  Pat *p = pat(P_BOOL, loc);
  p->ival = v;
  return p;
}

Pat *ast_pat_lit(PatKind k, Loc loc) { return pat(k, loc); }

/* a | b | c is one P_OR of three alternatives */
Pat *ast_pat_or(Pat *a, Pat *b, Loc loc) {
  if (a->kind == P_OR) {
    vec_push(&a->subs, b);
    return a;
  }
  Pat *p = pat(P_OR, loc);
  p->loc = a->loc;
  vec_push(&p->subs, a);
  vec_push(&p->subs, b);
  return p;
}

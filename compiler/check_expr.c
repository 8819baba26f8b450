/* check_expr.c — type checking of expressions, calls and built-ins.
 *
 * ck_expr(n, expected) checks n and returns its type; `expected` (or NULL) only
 * guides the empty literals [] and {}, which take the type they are given.  After an
 * error the type is ty_error, which is compatible with everything, so that one
 * mistake gives one diagnostic. */
#include "check.h"

#include <string.h>

static int depth;
static bool depth_reported;

/* ---- helpers ------------------------------------------------------------------ */

static const char *ordinal(int i) {
  static char buf[4][16];
  static int k;
  char *b = buf[k++ & 3];
  snprintf(b, 16, "%d", i + 1);
  return b;
}

static bool has_self(void) {
  CtxKind k = ck_ctx->kind;
  return k == CTX_HANDLER || k == CTX_METHOD || k == CTX_INIT || k == CTX_INIT_BLOCK || k == CTX_BLOCK;
}

static bool is_num(Type *t) { return t->kind == T_INT || t->kind == T_FLOAT || t->kind == T_ERROR; }
static bool is_err(Type *t) { return t->kind == T_ERROR; }

/* A value must have a type the program can hold: not void, not an uninferred []. */
static Type *concrete(Node *n, const char *what) {
  Type *t = n->type;
  if (t->kind == T_VOID) {
    diag_error(n->loc, "%s has no value", what);
    return n->type = ty_error;
  }
  if (ty_has_empty(t)) {
    diag_error(n->loc, "cannot tell the element type of this empty %s; give it a type first (let x: [Int] = [])",
               t->kind == T_MAP ? "map" : "list");
    return n->type = ty_error;
  }
  if (t->kind == T_NONE) ck_coerce(n, ty_anyactor);
  return n->type;
}

/* Why a reference of type `found` does not convert to `want` (" (...)"), or "". */
const char *ck_conv_hint(Type *want, Type *found) {
  if (want->kind == T_ACTOR && found->kind == T_IFACE)
    return " (an interface reference does not convert back to an actor kind)";
  if (want->kind != T_IFACE || (found->kind != T_ACTOR && found->kind != T_IFACE)) return "";
  if (found->decl->kind == D_SUPERVISOR) return " (a supervisor has no handlers: it conforms to no interface)";
  Decl *other;
  Decl *sig = ty_conform_problem(found->decl, want->decl, &other);
  if (!sig) return "";
  if (!other) return xformat(" (%s has no handler on %s)", found->decl->name, ck_signature(sig));
  return xformat(" (%s's handler on %s differs from %s's on %s)", found->decl->name, ck_signature(other),
                 want->decl->name, ck_signature(sig));
}

bool ck_require(Node *n, Type *want, const char *what) {
  if (ty_assignable(want, n->type)) {
    ck_coerce(n, want);
    return true;
  }
  if (n->type->kind == T_VOID)
    diag_error(n->loc, "%s must be %s, but this expression has no value", what, ty_name(want));
  else
    diag_error(n->loc, "mismatched types: %s must be %s, found %s%s", what, ty_name(want), ty_name(n->type),
               ck_conv_hint(want, n->type));
  return false;
}

void ck_coerce(Node *n, Type *t) {
  if (!t || t->kind == T_ERROR || t->kind == T_ANY) return;
  if (n->type->kind == T_NONE && ty_is_actor(t)) {
    n->type = t;
    return;
  }
  if (!ty_has_empty(n->type) || !ty_assignable(t, n->type)) return;
  n->type = t;
  if (n->kind == N_LIST && t->kind == T_LIST)
    for (int i = 0; i < n->list.len; i++) ck_coerce(n->list.data[i], t->a);
  if (n->kind == N_MAP && t->kind == T_MAP) {
    for (int i = 0; i < n->list.len; i++) ck_coerce(n->list.data[i], t->a);
    for (int i = 0; i < n->list2.len; i++) ck_coerce(n->list2.data[i], t->b);
  }
}

void ck_arity_error(Loc loc, const char *what, int want, int got) {
  diag_error(loc, "%s takes %d argument%s, but %d %s given", what, want, want == 1 ? "" : "s", got,
             got == 1 ? "was" : "were");
}

/* Checks call arguments against parameters: count first, then each type. */
void ck_check_args(Node *call, Vec *params, Vec *args, const char *what) {
  for (int i = 0; i < args->len; i++) {
    Node *a = args->data[i];
    Type *want = i < params->len ? ((Param *)params->data[i])->type : NULL;
    ck_expr(a, want);
    call->mutates |= a->mutates;
  }
  if (args->len != params->len) {
    ck_arity_error(call->loc, what, params->len, args->len);
    return;
  }
  for (int i = 0; i < args->len; i++) {
    Node *a = args->data[i];
    Param *p = params->data[i];
    if (!ty_assignable(p->type, a->type)) {
      if (a->type->kind == T_VOID)
        diag_error(a->loc, "argument %s of %s (%s: %s) has no value", ordinal(i), what, p->name, ty_name(p->type));
      else
        diag_error(a->loc, "mismatched types: argument %s of %s (%s) must be %s, found %s%s", ordinal(i), what,
                   p->name, ty_name(p->type), ty_name(a->type), ck_conv_hint(p->type, a->type));
    } else {
      ck_coerce(a, p->type);
    }
  }
}

/* A step of a place: an element a[i] or a record's field a.x (not a child sup.c). */
static bool place_step(Node *n) {
  return n->kind == N_INDEX || (n->kind == N_FIELD && n->a->type && n->a->type->kind == T_RECORD);
}

/* Is n something a statement can change: a var, a var field, or an element or record
 * field of one, through any chain (users[i].home.x)?  (Checks the root of the chain;
 * reports why not when `report`.) */
bool ck_is_lvalue_root_mutable(Node *n, bool report) {
  Node *root = n;
  while (place_step(root)) root = root->a;
  if (root->const_decl) {
    if (report) diag_error(root->loc, "cannot change '%s': it is a constant", root->name);
    return false;
  }
  if (root->kind != N_NAME) {
    if (report)
      diag_error(n->loc, "cannot change this value: only variables and their elements and fields can be assigned");
    return false;
  }
  Sym *s = root->sym;
  if (!s) return true; /* an undefined name was already reported */
  s->changed = true;
  if (s->mutable) return true;
  if (!report) return false;
  switch (s->kind) {
  case SYM_PARAM:
    diag_error(root->loc, "cannot change '%s': parameters are immutable (copy it into a var first)", s->name);
    break;
  case SYM_CAPTURE:
    diag_error(root->loc, "cannot change '%s' here: a block gets a read-only copy of the locals it uses", s->name);
    break;
  case SYM_BLOCKPARAM:
    diag_error(root->loc, "cannot change '%s': block parameters are immutable", s->name);
    break;
  case SYM_BINDING:
    diag_error(root->loc, "cannot change '%s': names bound by a pattern are immutable (copy it into a var first)", s->name);
    break;
  case SYM_REPLY:
    diag_error(root->loc, "cannot change 'reply': it is the handle of the request being handled");
    break;
  case SYM_FIELD:
    diag_error(root->loc, "cannot change '%s': it is %s", s->name,
               s->mutable ? "a var" : "declared with let or is a parameter of the actor");
    break;
  default:
    diag_error(root->loc, "cannot change '%s': it is declared with let", s->name);
    break;
  }
  return false;
}

/* ---- built-in functions ------------------------------------------------------- */

static const struct {
  const char *name;
  int id;
} builtin_fns[] = { /* ORDER BUILTIN */
    {"print", B_PRINT},   {"eprint", B_EPRINT},       {"str", B_STR},
    {"float", B_FLOAT},   {"int", B_INT},             {"parse_int", B_PARSE_INT},
    {"parse_float", B_PARSE_FLOAT}, {"abs", B_ABS},   {"min", B_MIN},
    {"max", B_MAX},       {"sqrt", B_SQRT},           {"now_ms", B_NOW_MS},
    {"random", B_RANDOM}, {"fail", B_FAIL},           {"assert", B_ASSERT},
    {"exit", B_EXIT},     {"monitor", B_MONITOR},     {"cancel", B_CANCEL},
    {"stop", B_STOP},
};
enum { NBUILTIN_FNS = sizeof builtin_fns / sizeof builtin_fns[0] };

int ck_builtin_fn(const char *name) {
  for (int i = 0; i < NBUILTIN_FNS; i++)
    if (!strcmp(builtin_fns[i].name, name)) return builtin_fns[i].id;
  return 0;
}

static bool arity(Node *n, int want) {
  if (n->list.len == want) return true;
  ck_arity_error(n->loc, xformat("%s()", n->name), want, n->list.len);
  return false;
}

static Type *arg(Node *n, int i, Type *expected) {
  Node *a = n->list.data[i];
  ck_expr(a, expected);
  n->mutates |= a->mutates;
  return a->type;
}

static bool want_arg(Node *n, int i, Type *want) {
  Node *a = n->list.data[i];
  return ck_require(a, want, xformat("the argument of %s()", n->name));
}

static Type *check_builtin(Node *n, int b) {
  n->builtin = b;
  /* check every argument first, whatever the count */
  for (int i = 0; i < n->list.len; i++) arg(n, i, NULL);
  switch (b) {
  case B_PRINT:
  case B_EPRINT:
  case B_STR:
    if (!arity(n, 1)) return b == B_STR ? ty_string : ty_void;
    concrete(n->list.data[0], "the argument");
    return b == B_STR ? ty_string : ty_void;
  case B_FLOAT:
  case B_INT: {
    if (!arity(n, 1)) return b == B_FLOAT ? ty_float : ty_int;
    Node *a = n->list.data[0];
    if (!is_num(a->type))
      diag_error(a->loc, "%s() converts an Int or a Float, not %s", n->name, ty_name(a->type));
    return b == B_FLOAT ? ty_float : ty_int;
  }
  case B_PARSE_INT:
  case B_PARSE_FLOAT:
    if (arity(n, 1)) want_arg(n, 0, ty_string);
    return b == B_PARSE_INT ? ty_int : ty_float;
  case B_ABS: {
    if (!arity(n, 1)) return ty_error;
    Node *a = n->list.data[0];
    if (!is_num(a->type)) {
      diag_error(a->loc, "abs() takes an Int or a Float, not %s", ty_name(a->type));
      return ty_error;
    }
    return a->type;
  }
  case B_MIN:
  case B_MAX: {
    if (!arity(n, 2)) return ty_error;
    Node *a = n->list.data[0], *c = n->list.data[1];
    if (!is_num(a->type) || !is_num(c->type) || (a->type != c->type && !is_err(a->type) && !is_err(c->type))) {
      diag_error(n->loc, "%s() takes two Ints or two Floats, not %s and %s", n->name, ty_name(a->type), ty_name(c->type));
      return ty_error;
    }
    return is_err(a->type) ? c->type : a->type;
  }
  case B_SQRT:
    if (arity(n, 1)) want_arg(n, 0, ty_float);
    return ty_float;
  case B_NOW_MS:
    arity(n, 0);
    return ty_int;
  case B_RANDOM:
    if (arity(n, 1)) want_arg(n, 0, ty_int);
    return ty_int;
  case B_FAIL:
    if (arity(n, 1)) want_arg(n, 0, ty_string);
    return ty_void;
  case B_ASSERT:
    if (arity(n, 1)) want_arg(n, 0, ty_bool);
    return ty_void;
  case B_EXIT:
    if (arity(n, 1)) want_arg(n, 0, ty_int);
    return ty_void;
  case B_CANCEL:
    if (arity(n, 1)) want_arg(n, 0, ty_timer);
    return ty_void;
  case B_STOP:
    arity(n, 0);
    if (!has_self()) diag_error(n->loc, "stop() ends an actor, but this code does not run in one");
    return ty_void;
  case B_MONITOR: {
    if (arity(n, 1)) {
      Node *a = n->list.data[0];
      if (!ty_is_actor(a->type) && a->type->kind != T_NONE && !is_err(a->type))
        diag_error(a->loc, "monitor() watches an actor reference, not %s", ty_name(a->type));
      ck_coerce(a, ty_anyactor);
    }
    if (!has_self()) {
      diag_error(n->loc, "monitor() needs an actor to tell, but this code does not run in one");
    } else if (ck_ctx->actor->down_handler < 0) {
      diag_error(n->loc, "actor %s calls monitor() but has no handler down(who: Actor, reason: String) to be told in",
                 ck_ctx->actor->name);
    }
    return ty_void;
  }
  }
  unreachable();
}

/* ---- built-in methods --------------------------------------------------------- */

typedef struct MethodInfo {
  TypeKind recv;
  const char *name;
  int id;
  int nargs;
  bool mutating;
} MethodInfo;

static const MethodInfo methods[] = {
    {T_STRING, "len", B_S_LEN, 0, false},           {T_STRING, "contains", B_S_CONTAINS, 1, false},
    {T_STRING, "starts_with", B_S_STARTS_WITH, 1, false}, {T_STRING, "ends_with", B_S_ENDS_WITH, 1, false},
    {T_STRING, "find", B_S_FIND, 1, false},         {T_STRING, "slice", B_S_SLICE, 2, false},
    {T_STRING, "split", B_S_SPLIT, 1, false},       {T_STRING, "trim", B_S_TRIM, 0, false},
    {T_STRING, "upper", B_S_UPPER, 0, false},       {T_STRING, "lower", B_S_LOWER, 0, false},
    {T_STRING, "repeat", B_S_REPEAT, 1, false},
    {T_LIST, "len", B_L_LEN, 0, false},             {T_LIST, "push", B_L_PUSH, 1, true},
    {T_LIST, "pop", B_L_POP, 0, true},              {T_LIST, "insert", B_L_INSERT, 2, true},
    {T_LIST, "remove", B_L_REMOVE, 1, true},        {T_LIST, "contains", B_L_CONTAINS, 1, false},
    {T_LIST, "slice", B_L_SLICE, 2, false},         {T_LIST, "sort", B_L_SORT, 0, true},
    {T_LIST, "reverse", B_L_REVERSE, 0, true},      {T_LIST, "join", B_L_JOIN, 1, false},
    {T_MAP, "len", B_M_LEN, 0, false},              {T_MAP, "has", B_M_HAS, 1, false},
    {T_MAP, "get", B_M_GET, 2, false},              {T_MAP, "remove", B_M_REMOVE, 1, true},
    {T_MAP, "keys", B_M_KEYS, 0, false},            {T_MAP, "values", B_M_VALUES, 0, false},
    {T_REPLY, "answer", B_R_ANSWER, 1, false},      {T_REPLY, "fail", B_R_FAIL, 1, false},
};
enum { NMETHODS = sizeof methods / sizeof methods[0] };

static Type *check_call(Node *n, Type *expected);

static Type *check_method(Node *n, Type *expected) {
  const char *mod = ck_module_qualifier(n->a);
  if (mod) { /* strings.count(s, sub): a std module's function, written qualified */
    n->kind = N_CALL;
    n->qual = mod;
    n->a = NULL;
    return check_call(n, expected);
  }
  ck_strip_labels(n); /* (parsed as a call's arguments, for M.Point(x: 1)) */
  Type *rt = ck_expr(n->a, NULL);
  n->mutates |= n->a->mutates;
  if (is_err(rt)) {
    for (int i = 0; i < n->list.len; i++) arg(n, i, NULL);
    return ty_error;
  }
  TypeKind rk = rt->kind;
  const MethodInfo *mi = NULL;
  Vec cands = {0};
  for (int i = 0; i < NMETHODS; i++) {
    if (methods[i].recv != rk) continue;
    vec_push(&cands, (void *)methods[i].name);
    if (!strcmp(methods[i].name, n->name)) mi = &methods[i];
  }
  if (!mi) {
    for (int i = 0; i < n->list.len; i++) arg(n, i, NULL);
    if (ty_is_actor(rt)) {
      diag_error(n->loc, "'.%s(...)' is not how to talk to an actor: send it a message with ! or ? (%s ! %s(...))",
                 n->name, ty_name(rt), n->name);
      return ty_error;
    }
    diag_error(n->loc, "%s has no method '%s'%s", ty_name(rt), n->name, ck_did_you_mean(n->name, &cands));
    return ty_error;
  }
  n->builtin = mi->id;
  if (ty_has_empty(rt)) {
    concrete(n->a, "the receiver");
    for (int i = 0; i < n->list.len; i++) arg(n, i, NULL);
    return ty_error;
  }
  if (mi->mutating) {
    n->mutates = true;
    if (!ck_is_lvalue_root_mutable(n->a, false)) {
      ck_is_lvalue_root_mutable(n->a, true);
    }
  }
  if (n->list.len != mi->nargs) {
    for (int i = 0; i < n->list.len; i++) arg(n, i, NULL);
    ck_arity_error(n->loc, xformat("%s()", n->name), mi->nargs, n->list.len);
    return ty_error;
  }
  Type *elem = rt->a, *val = rt->b;
  const char *what = xformat("the argument of %s()", n->name);
  switch (mi->id) {
  case B_S_LEN: case B_L_LEN: case B_M_LEN: return ty_int;
  case B_S_CONTAINS: case B_S_STARTS_WITH: case B_S_ENDS_WITH:
    arg(n, 0, ty_string); ck_require(n->list.data[0], ty_string, what); return ty_bool;
  case B_S_FIND:
    arg(n, 0, ty_string); ck_require(n->list.data[0], ty_string, what); return ty_int;
  case B_S_SLICE:
    arg(n, 0, ty_int); arg(n, 1, ty_int);
    ck_require(n->list.data[0], ty_int, what); ck_require(n->list.data[1], ty_int, what);
    return ty_string;
  case B_S_SPLIT:
    arg(n, 0, ty_string); ck_require(n->list.data[0], ty_string, what); return ty_list(ty_string);
  case B_S_TRIM: case B_S_UPPER: case B_S_LOWER: return ty_string;
  case B_S_REPEAT:
    arg(n, 0, ty_int); ck_require(n->list.data[0], ty_int, what); return ty_string;
  case B_L_PUSH:
    arg(n, 0, elem); ck_require(n->list.data[0], elem, what); return ty_void;
  case B_L_POP: return elem;
  case B_L_INSERT:
    arg(n, 0, ty_int); arg(n, 1, elem);
    ck_require(n->list.data[0], ty_int, "the index of insert()");
    ck_require(n->list.data[1], elem, "the element of insert()");
    return ty_void;
  case B_L_REMOVE:
    arg(n, 0, ty_int); ck_require(n->list.data[0], ty_int, what); return elem;
  case B_L_CONTAINS:
    arg(n, 0, elem); ck_require(n->list.data[0], elem, what); return ty_bool;
  case B_L_SLICE:
    arg(n, 0, ty_int); arg(n, 1, ty_int);
    ck_require(n->list.data[0], ty_int, what); ck_require(n->list.data[1], ty_int, what);
    return rt;
  case B_L_SORT:
    if (elem->kind != T_INT && elem->kind != T_FLOAT && elem->kind != T_STRING && !is_err(elem))
      diag_error(n->loc, "sort() orders a list of Int, Float or String, not %s", ty_name(rt));
    return ty_void;
  case B_L_REVERSE: return ty_void;
  case B_L_JOIN:
    if (elem->kind != T_STRING && !is_err(elem))
      diag_error(n->loc, "join() joins a list of String, not %s", ty_name(rt));
    arg(n, 0, ty_string); ck_require(n->list.data[0], ty_string, what);
    return ty_string;
  case B_M_HAS:
    arg(n, 0, elem); ck_require(n->list.data[0], elem, "the key"); return ty_bool;
  case B_M_GET:
    arg(n, 0, elem); arg(n, 1, val);
    ck_require(n->list.data[0], elem, "the key"); ck_require(n->list.data[1], val, "the default of get()");
    return val;
  case B_M_REMOVE:
    arg(n, 0, elem); ck_require(n->list.data[0], elem, "the key"); return ty_bool;
  case B_M_KEYS: return ty_list(elem);
  case B_M_VALUES: return ty_list(val);
  case B_R_ANSWER: /* r.answer(v): v is the request's answer */
    arg(n, 0, elem); ck_require(n->list.data[0], elem, what); return ty_void;
  case B_R_FAIL:
    arg(n, 0, ty_string); ck_require(n->list.data[0], ty_string, what); return ty_void;
  }
  unreachable();
}

/* ---- calls -------------------------------------------------------------------- */

/* A call of an extern fn that delivers messages to the calling actor: that actor must
 * declare each handler, with the same parameter types and no answer. */
static void check_delivered(Node *n, Decl *d) {
  if (!has_self() || !ck_ctx->actor) {
    diag_error(n->loc, "%s() delivers messages to the actor that calls it, but this code does not run in one", d->name);
    return;
  }
  Decl *a = ck_ctx->actor;
  for (int i = 0; i < d->delivers.len; i++) {
    Decl *want = d->delivers.data[i];
    Decl *h = ck_find_handler(a, want->name);
    bool ok = h && !h->ret && h->params.len == want->params.len;
    for (int j = 0; ok && j < h->params.len; j++)
      ok = ((Param *)h->params.data[j])->type == ((Param *)want->params.data[j])->type;
    if (!ok)
      diag_error(n->loc, "actor %s calls %s(), which delivers messages to it, but has no handler on %s", a->name,
                 d->name, ck_signature(want));
  }
}

/* After a call's arguments did not fit: when the program's own d shadows a std
 * module's function of the same name, say how to call that one. */
static void shadow_note(Node *n, Decl *d) {
  if (n->qual || src_file(d->file)->module) return;
  Vec mods = names_modules();
  for (int i = 0; i < mods.len; i++) {
    Name *other = names_find_in(mods.data[i], n->name);
    if (other && (other->kind == NK_FN || other->kind == NK_EXTERN))
      diag_note(n->loc, "this '%s' is the program's own; the one std.%s declares is called as %s.%s(...)", n->name,
                (const char *)mods.data[i], (const char *)mods.data[i], n->name);
  }
}

static Type *check_call(Node *n, Type *expected) {
  Decl *actor = has_self() ? ck_ctx->actor : NULL;
  Decl *m = actor && !n->qual ? ck_find_method(actor, n->name) : NULL;
  if (m) {
    n->decl = m;
    if (ck_enclosing_fn() != m) m->called = true;
    if (ck_ctx->kind == CTX_INIT) { /* a field initialiser's call: checked when every body is */
      InitCall *ic = xalloc(sizeof *ic);
      *ic = (InitCall){n, m, ck_ctx->fields_visible};
      vec_push(&actor->init_calls, ic);
    }
    n->mutates = true; /* a method may change the actor's fields */
    if (ck_ctx->fn && (ck_ctx->kind == CTX_METHOD || ck_ctx->kind == CTX_FN)) vec_push(&ck_ctx->fn->callees, m);
    ck_check_args(n, &m->params, &n->list, n->name);
    return m->ret ? m->ret : ty_void;
  }
  /* M.name first (a std module's), then the program's names: records, variants, ... */
  Decl *d;
  if (n->qual) {
    Name *q = ck_find_qualified(n->qual, n->name, n->loc);
    d = q ? q->decl : NULL;
    if (!q) {
      ck_strip_labels(n);
      for (int i = 0; i < n->list.len; i++) arg(n, i, NULL);
      return ty_error;
    }
  } else {
    d = ck_find_decl(n->name);
    if (!d) d = ck_find_variant(n->name);
  }
  if (d && (d->kind == D_RECORD || d->kind == D_VARIANT)) return ck_construct(n, d, expected);
  ck_strip_labels(n);
  if (d && d->kind == D_ENUM) {
    for (int i = 0; i < n->list.len; i++) arg(n, i, NULL);
    diag_error(n->loc, "%s is an enum: a value of it is made by one of its variants (%s(...) is not one)", n->name, n->name);
    return ty_error;
  }
  if (d && (d->kind == D_FN || d->kind == D_EXTERN)) {
    n->decl = d;
    if (ck_enclosing_fn() != d) d->called = true;
    if (d->kind == D_FN && ck_ctx->fn && (ck_ctx->kind == CTX_METHOD || ck_ctx->kind == CTX_FN))
      vec_push(&ck_ctx->fn->callees, d);
    int errors = diag_count();
    ck_check_args(n, &d->params, &n->list, n->qual ? xformat("%s.%s", n->qual, n->name) : n->name);
    if (diag_count() > errors) shadow_note(n, d);
    if (d->delivers.len) check_delivered(n, d);
    for (int i = 0; i < d->params.len && i < n->list.len; i++) {
      Type *pt = ((Param *)d->params.data[i])->type;
      if (pt->kind != T_ANY) continue;
      Node *a = n->list.data[i];
      bool was_none = a->type->kind == T_NONE; /* ck_check_args has said so */
      if (concrete(a, "the argument")->kind != T_ERROR && pt == ty_data && !was_none && !ty_is_data(a->type))
        diag_error(a->loc, "%s takes plain data (Int, Float, Bool, String, and lists, maps, records and enums of them), not %s",
                   n->name, ty_name(a->type));
    }
    if (d->ret && d->ret->kind == T_ANY) {
      /* the result is whatever the context wants (as [] takes its type) */
      if (!expected || expected->kind == T_ERROR || ty_has_empty(expected) || expected->kind == T_ANY) {
        if (!expected || expected->kind != T_ERROR)
          diag_error(n->loc, "say what %s() should give: its result takes the type its place wants (let x: [Int] = %s(...))",
                     n->name, n->name);
        return ty_error;
      }
      if (d->ret == ty_data && !ty_is_data(expected)) {
        diag_error(n->loc, "%s gives plain data (Int, Float, Bool, String, and lists, maps, records and enums of them), not %s",
                   n->name, ty_name(expected));
        return ty_error;
      }
      return expected;
    }
    return d->ret ? d->ret : ty_void;
  }
  int b = n->qual ? 0 : ck_builtin_fn(n->name);
  if (b) return check_builtin(n, b);
  for (int i = 0; i < n->list.len; i++) arg(n, i, NULL);
  if (d && (d->kind == D_ACTOR || d->kind == D_SUPERVISOR)) {
    diag_error(n->loc, "%s is an %s: create one with spawn %s(...)", n->name,
               d->kind == D_ACTOR ? "actor" : "supervisor", n->name);
    return ty_error;
  }
  if (d && d->kind == D_INTERFACE) {
    diag_error(n->loc, "%s is an interface (a type of actor reference), not a function", n->name);
    return ty_error;
  }
  if (!actor && ck_ctx->actor == NULL) {
    /* a method name used outside its actor */
    for (int i = 0; i < ck_prog->actors.len; i++) {
      Decl *a = ck_prog->actors.data[i];
      if (a->kind == D_ACTOR && ck_find_method(a, n->name)) {
        diag_error(n->loc, "'%s' is a function of actor %s, callable only from that actor's own code", n->name, a->name);
        return ty_error;
      }
    }
  }
  Decl *h = actor && !n->qual ? ck_find_handler(actor, n->name) : NULL;
  if (h) { /* go(1) in the actor that has on go(...): a message to itself was meant */
    const char *text = diag_source_text(n->name_loc);
    diag_error(n->loc, "'%s' is a handler of actor %s, not a function: send the message to self: self ! %s", n->name,
               actor->name, text ? text : xformat("%s(...)", n->name));
    return ty_error;
  }
  Vec cands = ck_decl_names(&ck_prog->fns);
  for (int i = 0; i < NBUILTIN_FNS; i++) vec_push(&cands, (void *)builtin_fns[i].name);
  if (actor)
    for (int i = 0; i < actor->methods.len; i++) vec_push(&cands, (void *)((Decl *)actor->methods.data[i])->name);
  ck_data_names(&cands);
  diag_error(n->loc, "undefined function '%s'%s", n->name, ck_did_you_mean(n->name, &cands));
  return ty_error;
}

static Type *check_name(Node *n) {
  Sym *s = n->qual ? NULL : ck_lookup(n->name, n->loc);
  if (s) {
    n->sym = s;
    if (s->kind == SYM_FIELD && ck_ctx->kind == CTX_METHOD) vec_push(&ck_ctx->fn->field_reads, n);
    return s->type;
  }
  Decl *d = ck_find_decl(n->name);
  if (n->qual) {
    Name *q = ck_find_qualified(n->qual, n->name, n->loc);
    if (!q) return ty_error;
    d = q->decl;
  }
  if (d && d->kind == D_CONST) { /* its value, in place of its name */
    Node *v = ck_const_value(d);
    if (!v) return ty_error;
    Loc loc = n->loc;
    *n = *v;
    n->loc = loc;
    n->name = d->name;
    n->const_decl = d;
    return n->type;
  }
  const char *full = n->qual ? xformat("%s.%s", n->qual, n->name) : n->name;
  if (d && (d->kind == D_FN || d->kind == D_EXTERN)) {
    diag_error(n->loc, "'%s' is a function; call it: %s(...)", full, full);
    return ty_error;
  }
  if (!d && !n->qual) d = ck_find_variant(n->name);
  if (d && d->kind == D_VARIANT) return ck_variant_value(n, d);
  if (d && d->kind == D_RECORD) {
    diag_error(n->loc, "'%s' is a record type, not a value: %s(...) makes one", full, full);
    return ty_error;
  }
  if (d && d->kind == D_ENUM) {
    diag_error(n->loc, "'%s' is an enum type, not a value: one of its variants is", full);
    return ty_error;
  }
  if (d && (d->kind == D_ACTOR || d->kind == D_SUPERVISOR)) {
    diag_error(n->loc, "'%s' is an %s kind, not a value: spawn %s(...) creates one", full,
               d->kind == D_ACTOR ? "actor" : "supervisor", full);
    return ty_error;
  }
  if (d && d->kind == D_INTERFACE) {
    diag_error(n->loc, "'%s' is an interface (a type of actor reference), not a value", full);
    return ty_error;
  }
  /* suggestions: every visible name */
  Vec cands = {0};
  for (Scope *sc = ck_scope; sc; sc = sc->up)
    for (int i = 0; i < sc->syms.len; i++) vec_push(&cands, (void *)((Sym *)sc->syms.data[i])->name);
  Decl *a = ck_ctx->actor ? ck_ctx->actor : ck_ctx->kind == CTX_SUPBUILD ? ck_ctx->fn : NULL;
  if (a)
    for (int i = 0; i < a->state.len; i++) vec_push(&cands, (void *)((Sym *)a->state.data[i])->name);
  ck_data_names(&cands);
  Vec mods = names_modules();
  for (int i = 0; i < mods.len; i++) vec_push(&cands, mods.data[i]);
  if (ck_ctx->kind == CTX_INIT || ck_ctx->kind == CTX_SUPBUILD) { /* a field or child declared after this one */
    Decl *a = ck_ctx->kind == CTX_INIT ? ck_ctx->actor : ck_ctx->fn;
    for (int i = 0; i < a->fields.len; i++)
      if (!strcmp(((Node *)a->fields.data[i])->name, n->name)) {
        diag_error(n->loc, "'%s' is used before it is initialised (initialisers run in order)", n->name);
        return ty_error;
      }
    for (int i = 0; i < a->children.len; i++)
      if (!strcmp(((Child *)a->children.data[i])->name, n->name)) {
        diag_error(n->loc, "'%s' is used before it is initialised (children start in order)", n->name);
        return ty_error;
      }
  }
  if (!n->qual && names_is_module(n->name)) { /* print(strings): no "did you mean 'strings'?" */
    diag_error(n->loc, "'%s' is a std module, not a value: its names are written %s.NAME", n->name, n->name);
    return ty_error;
  }
  Node *later = ck_later_decl(n->name);
  if (later) {
    diag_error(n->loc, "'%s' is used before it is initialised", n->name);
    diag_note(later->name_loc, "'%s' is declared here", n->name);
    return ty_error;
  }
  const char *kw = lex_keyword_like(n->name, NULL, true); /* null, nil, this */
  const char *hint = ck_did_you_mean(n->name, &cands);
  if (!*hint && kw && (!strcmp(kw, "none") || !strcmp(kw, "self") || !strcmp(kw, "true") || !strcmp(kw, "false")))
    hint = xformat("; did you mean '%s'?", kw);
  diag_error(n->loc, "undefined name '%s'%s", n->name, hint);
  return ty_error;
}

/* `reply`: the hidden local of a -> T handler (captured by its blocks). */
static Type *check_reply(Node *n) {
  Sym *s = ck_lookup("reply", n->loc);
  if (s) {
    n->sym = s;
    return s->type;
  }
  FnCtx *c = ck_ctx;
  while (c->kind == CTX_BLOCK && c->up) c = c->up;
  if (c->kind == CTX_HANDLER)
    diag_error(n->loc, "'reply' is the handle of the request being handled, but handler '%s' answers no requests "
                       "(declare it on %s(...) -> Type)", c->fn->name, c->fn->name);
  else
    diag_error(n->loc, "'reply' is the handle of the request being handled: it is only in a handler declared -> Type");
  return ty_error;
}

static Type *check_spawn(Node *n) {
  Decl *d = ck_find_decl(n->name);
  if (n->qual) {
    Name *q = names_is_module(n->qual) ? ck_find_qualified(n->qual, n->name, n->name_loc) : NULL;
    if (!names_is_module(n->qual))
      diag_error(n->name_loc, "unknown actor '%s.%s' (%s is no std module this program uses)", n->qual, n->name, n->qual);
    if (!q) {
      for (int i = 0; i < n->list.len; i++) arg(n, i, NULL);
      return ty_error;
    }
    d = q->decl;
  }
  if (!d || (d->kind != D_ACTOR && d->kind != D_SUPERVISOR)) {
    for (int i = 0; i < n->list.len; i++) arg(n, i, NULL);
    Vec cands = ck_decl_names(&ck_prog->actors);
    if (d && (d->kind == D_RECORD || d->kind == D_ENUM))
      diag_error(n->name_loc, "'%s' is %s, not an actor: %s", n->name, d->kind == D_RECORD ? "a record" : "an enum",
                 d->kind == D_RECORD ? xformat("make one with %s(...), without spawn", n->name) : "only actors are spawned");
    else if (d && d->kind == D_INTERFACE)
      diag_error(n->name_loc, "'%s' is an interface: spawn an actor that has its handlers", n->name);
    else if (d)
      diag_error(n->name_loc, "'%s' is a function, not an actor: call it without spawn", n->name);
    else
      diag_error(n->name_loc, "unknown actor '%s'%s", n->name, ck_did_you_mean(n->name, &cands));
    return ty_error;
  }
  n->decl = d;
  Node fake = *n;
  fake.loc = n->name_loc;
  ck_check_args(&fake, &d->params, &n->list, d->name);
  n->mutates |= fake.mutates;
  return d->type;
}

/* then/else/after/every: the block's own context, capturing enclosing locals. */
void ck_block(Block *b, Closure *clo, Type *param_type) {
  FnCtx *ctx = ck_new_ctx(CTX_BLOCK, ck_ctx, ck_ctx->actor);
  ctx->clo = clo;
  FnCtx *saved = ck_ctx;
  ck_ctx = ctx;
  ck_push_scope();
  if (b->param) b->param_sym = ck_declare(SYM_BLOCKPARAM, b->param, b->param_loc, param_type, false);
  ck_push_scope();
  ck_stmts(&b->stmts);
  ck_pop_scope();
  ck_pop_scope();
  ck_ctx = saved;
  b->locals = ctx->locals;
}

static Type *check_timer(Node *n) {
  Type *t = ck_expr(n->a, ty_int);
  ck_require(n->a, ty_int, "the delay in milliseconds");
  n->mutates |= n->a->mutates;
  if (!has_self() || !ck_ctx->actor) {
    diag_error(n->loc, "%s needs an actor to run the block in, but this code does not run in one",
               n->ival ? "every" : "after");
    return ty_timer;
  }
  (void)t;
  Closure *clo = xalloc(sizeof *clo);
  clo->id = ck_prog->closures.len;
  clo->loc = n->loc;
  clo->node = n;
  clo->answer = ty_void;
  clo->actor = ck_ctx->actor;
  vec_push(&ck_prog->closures, clo);
  n->clo = clo;
  ck_block(n->then_blk, clo, NULL);
  return ty_timer;
}

static Type *check_field(Node *n) {
  const char *mod = ck_module_qualifier(n->a);
  if (mod) { /* math.PI: a std module's constant, written qualified */
    n->kind = N_NAME;
    n->qual = mod;
    n->a = NULL;
    return check_name(n);
  }
  Type *t = ck_expr(n->a, NULL);
  n->mutates |= n->a->mutates;
  if (is_err(t)) return ty_error;
  if (t->kind == T_ACTOR && t->decl->kind == D_SUPERVISOR) {
    Decl *s = t->decl;
    for (int i = 0; i < s->children.len; i++) {
      Child *c = s->children.data[i];
      if (!strcmp(c->name, n->name)) {
        n->index = i;
        return c->kind ? c->kind->type : ty_error;
      }
    }
    Vec cands = {0};
    for (int i = 0; i < s->children.len; i++) vec_push(&cands, (void *)((Child *)s->children.data[i])->name);
    diag_error(n->loc, "supervisor %s has no child '%s'%s", s->name, n->name, ck_did_you_mean(n->name, &cands));
    return ty_error;
  }
  if (ty_is_datatype(t)) return ck_record_field(n, t);
  if (t->kind == T_ACTOR || t->kind == T_IFACE)
    diag_error(n->loc, "the fields of %s %s are private: ask it with a request (?) instead",
               t->kind == T_ACTOR ? "actor" : "the actor behind", t->decl->name);
  else
    diag_error(n->loc, "%s has no field '%s'", ty_name(t), n->name);
  return ty_error;
}

static Type *check_index(Node *n) {
  Type *t = ck_expr(n->a, NULL);
  n->mutates |= n->a->mutates;
  if (t->kind == T_LIST) {
    ck_expr(n->b, ty_int);
    ck_require(n->b, ty_int, "a list index");
    n->mutates |= n->b->mutates;
    if (ty_has_empty(t)) return concrete(n->a, "the list"), ty_error;
    return t->a;
  }
  if (t->kind == T_MAP) {
    ck_expr(n->b, t->a);
    ck_require(n->b, t->a, "the key");
    n->mutates |= n->b->mutates;
    if (ty_has_empty(t)) return concrete(n->a, "the map"), ty_error;
    return t->b;
  }
  ck_expr(n->b, NULL);
  if (is_err(t)) return ty_error;
  if (t->kind == T_STRING)
    diag_error(n->loc, "a String cannot be indexed; use s.slice(i, i + 1) for the byte at i");
  else
    diag_error(n->loc, "cannot index a value of type %s", ty_name(t));
  return ty_error;
}

static Type *check_binary(Node *n) {
  int op = n->op;
  Type *l = ck_expr(n->a, NULL);
  Type *r = ck_expr(n->b, ty_has_empty(l) ? NULL : l);
  n->mutates = n->a->mutates || n->b->mutates;
  if (ty_has_empty(l) && !ty_has_empty(r)) ck_coerce(n->a, r), l = n->a->type;
  if (is_err(l) || is_err(r)) return op == OP_EQ || op == OP_NE || op == '<' || op == '>' || op == OP_LE ||
                                             op == OP_GE || op == OP_AND || op == OP_OR
                                         ? ty_bool
                                         : ty_error;
  const char *opname = op == OP_EQ ? "==" : op == OP_NE ? "!=" : op == OP_LE ? "<=" : op == OP_GE ? ">="
                       : op == OP_AND ? "&&" : op == OP_OR ? "||" : xformat("%c", op);
  switch (op) {
  case OP_AND:
  case OP_OR:
    if (l->kind != T_BOOL || r->kind != T_BOOL) {
      diag_error(n->loc, "%s needs Bool operands, found %s and %s", opname, ty_name(l), ty_name(r));
      return ty_bool;
    }
    return ty_bool;
  case OP_EQ:
  case OP_NE:
    if (l->kind == T_VOID || r->kind == T_VOID) {
      diag_error(n->loc, "cannot compare: an operand has no value");
      return ty_bool;
    }
    if (ty_assignable(l, r) || ty_assignable(r, l)) {
      if (ty_has_empty(l) && ty_has_empty(r)) {
        concrete(n->a, "the left operand");
        return ty_bool;
      }
      if (l->kind == T_NONE && r->kind == T_NONE) return ty_bool;
      ck_coerce(n->a, r);
      ck_coerce(n->b, l);
      return ty_bool;
    }
    diag_error(n->loc, "mismatched types: cannot compare %s with %s", ty_name(l), ty_name(r));
    return ty_bool;
  case '<':
  case '>':
  case OP_LE:
  case OP_GE:
    if (l != r || (l->kind != T_INT && l->kind != T_FLOAT && l->kind != T_STRING)) {
      if (l == r)
        diag_error(n->loc, "%s compares Ints, Floats or Strings, not %s", opname, ty_name(l));
      else
        diag_error(n->loc, "mismatched types: cannot compare %s with %s (no implicit conversions; use float() or int())",
                   ty_name(l), ty_name(r));
    }
    return ty_bool;
  case '+':
    if (l == r && l->kind == T_STRING) return ty_string;
    /* fall through */
  case '-':
  case '*':
  case '/':
  case '%':
    if (l != r || (l->kind != T_INT && l->kind != T_FLOAT)) {
      if (l == r)
        diag_error(n->loc, "%s works on Ints and Floats%s, not %s", opname, op == '+' ? " (and joins Strings)" : "",
                   ty_name(l));
      else
        diag_error(n->loc, "mismatched types: %s %s %s (no implicit conversions; use float(), int() or str())",
                   ty_name(l), opname, ty_name(r));
      return ty_error;
    }
    return l;
  }
  unreachable();
}

static Type *check_list(Node *n, Type *expected) {
  Type *elem = expected && expected->kind == T_LIST ? expected->a : NULL;
  if (elem && ty_has_empty(elem)) elem = NULL;
  Type *found = NULL;
  for (int i = 0; i < n->list.len; i++) {
    Node *e = n->list.data[i];
    Type *t = ck_expr(e, elem ? elem : found);
    n->mutates |= e->mutates;
    if (!found && !ty_has_empty(t) && t->kind != T_NONE && t->kind != T_ERROR) found = t;
  }
  if (!elem) elem = found;
  if (!elem) {
    if (n->list.len == 0) return ty_list(ty_empty);
    Node *e0 = n->list.data[0];
    if (e0->type->kind == T_ERROR) return ty_error;
    if (e0->type->kind == T_NONE) elem = ty_anyactor;
    else elem = e0->type; /* a list of empty lists */
  }
  for (int i = 0; i < n->list.len; i++) {
    Node *e = n->list.data[i];
    if (e->type->kind == T_VOID) {
      diag_error(e->loc, "a list element must be a value; this has none");
      continue;
    }
    if (!ty_assignable(elem, e->type))
      diag_error(e->loc, "mismatched types: this list holds %s, found %s%s", ty_name(elem), ty_name(e->type),
                 ck_conv_hint(elem, e->type));
    else
      ck_coerce(e, elem);
  }
  return ty_list(elem);
}

static Type *check_map(Node *n, Type *expected) {
  Type *kt = expected && expected->kind == T_MAP ? expected->a : NULL;
  Type *vt = expected && expected->kind == T_MAP ? expected->b : NULL;
  if (kt && ty_has_empty(kt)) kt = NULL;
  if (vt && ty_has_empty(vt)) vt = NULL;
  Type *fk = NULL, *fv = NULL;
  for (int i = 0; i < n->list.len; i++) {
    Node *k = n->list.data[i], *v = n->list2.data[i];
    Type *a = ck_expr(k, kt ? kt : fk);
    Type *b = ck_expr(v, vt ? vt : fv);
    n->mutates |= k->mutates || v->mutates;
    if (!fk && !ty_has_empty(a) && a->kind != T_NONE && a->kind != T_ERROR) fk = a;
    if (!fv && !ty_has_empty(b) && b->kind != T_NONE && b->kind != T_ERROR) fv = b;
  }
  if (!kt) kt = fk;
  if (!vt) vt = fv;
  if (n->list.len == 0) return ty_map(kt ? kt : ty_empty, vt ? vt : ty_empty);
  if (!kt || !vt) return ty_error;
  if (!ck_key_type(kt, ((Node *)n->list.data[0])->loc)) return ty_error;
  for (int i = 0; i < n->list.len; i++) {
    Node *k = n->list.data[i], *v = n->list2.data[i];
    if (!ty_assignable(kt, k->type))
      diag_error(k->loc, "mismatched types: this map's keys are %s, found %s", ty_name(kt), ty_name(k->type));
    else
      ck_coerce(k, kt);
    if (!ty_assignable(vt, v->type))
      diag_error(v->loc, "mismatched types: this map's values are %s, found %s", ty_name(vt), ty_name(v->type));
    else
      ck_coerce(v, vt);
  }
  return ty_map(kt, vt);
}

/* ---- formats in interpolation (§11) -------------------------------------------- */

/* Reads [<>^][+][0][width][.precision][x|b|e] (Python's order); false if it is not that. */
static bool parse_format(const char *s, int64_t n, FormatSpec *f) {
  *f = (FormatSpec){.precision = -1};
  int64_t i = 0;
  if (i < n && (s[i] == '<' || s[i] == '>' || s[i] == '^')) f->align = s[i++];
  if (i < n && s[i] == '+') f->plus = true, i++;
  if (i < n && s[i] == '0') f->zero = true, i++;
  for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
    f->width = f->width > FORMAT_MAX_WIDTH ? FORMAT_MAX_WIDTH + 1 : f->width * 10 + (s[i] - '0');
  if (i < n && s[i] == '.') {
    if (++i == n || s[i] < '0' || s[i] > '9') return false;
    f->precision = 0;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
      f->precision = f->precision > FORMAT_MAX_PRECISION ? FORMAT_MAX_PRECISION + 1 : f->precision * 10 + (s[i] - '0');
  }
  if (i < n && (s[i] == 'x' || s[i] == 'b' || s[i] == 'e')) f->type = s[i++];
  return i == n;
}

/* "{e:spec}": e's type must fit the format ('x' and 'b' for Ints, a precision and 'e'
 * for Floats, '+' and '0' for numbers; a width and an alignment for any value). */
static Type *check_format(Node *n) {
  Type *t = ck_expr(n->a, NULL);
  n->mutates = n->a->mutates;
  concrete(n->a, "the interpolated expression");
  t = n->a->type;
  const char *shown = n->slen > 40 ? xformat("%.40s...", n->sval) : n->sval;
  FormatSpec *f = xalloc(sizeof *f);
  if (!parse_format(n->sval, n->slen, f) || (int64_t)strlen(n->sval) != n->slen) {
    diag_error(n->loc, "bad format '%s': expected [<>^][+][0][width][.precision][x|b|e]", shown);
    return ty_string;
  }
  if (f->width > FORMAT_MAX_WIDTH || f->precision > FORMAT_MAX_PRECISION) {
    diag_error(n->loc, "format '%s': the width is at most %d and the precision at most %d", shown, FORMAT_MAX_WIDTH,
               FORMAT_MAX_PRECISION);
    return ty_string;
  }
  n->fmt = f;
  if (is_err(t)) return ty_string;
  bool num = t->kind == T_INT || t->kind == T_FLOAT;
  const char *why = NULL;
  if ((f->type == 'x' || f->type == 'b') && t->kind != T_INT)
    why = f->type == 'x' ? "'x' is for Ints" : "'b' is for Ints";
  else if (f->type == 'e' && t->kind != T_FLOAT)
    why = "'e' is for Floats";
  else if (f->precision >= 0 && t->kind != T_FLOAT)
    why = "a precision is for Floats";
  else if (f->plus && !num)
    why = "'+' is for Ints and Floats";
  else if (f->zero && !num)
    why = "'0' padding is for Ints and Floats";
  if (why) diag_error(n->loc, "format '%s' does not fit a value of type %s: %s", shown, ty_name(t), why);
  return ty_string;
}

/* ---- the dispatcher ----------------------------------------------------------- */

static Type *expr_inner(Node *n, Type *expected) {
  switch (n->kind) {
  case N_INT:
    if (n->uval > (uint64_t)INT64_MAX && !n->negated_literal && !n->const_decl)
      diag_error(n->loc, "integer literal 9223372036854775808 is too large for Int (it fits only as -9223372036854775808)");
    return ty_int;
  case N_FLOAT: return ty_float;
  case N_BOOL: return ty_bool;
  case N_STR: return ty_string;
  case N_INTERP:
    for (int i = 0; i < n->list.len; i++) {
      Node *p = n->list.data[i];
      if (p->kind == N_STR) continue;
      ck_expr(p, NULL);
      n->mutates |= p->mutates;
      if (p->kind != N_FORMAT) concrete(p, "the interpolated expression");
    }
    return ty_string;
  case N_FORMAT: return check_format(n);
  case N_NONE: return ty_none;
  case N_SELF:
    if (!has_self() || !ck_ctx->actor) {
      diag_error(n->loc, "self is an actor's own reference, but this code does not run in an actor");
      return ty_error;
    }
    return ck_ctx->actor->type;
  case N_NAME: return check_name(n);
  case N_REPLY: return check_reply(n);
  case N_LIST: return check_list(n, expected);
  case N_MAP: return check_map(n, expected);
  case N_UNARY: {
    Type *t = ck_expr(n->a, NULL);
    n->mutates = n->a->mutates;
    if (is_err(t)) return n->op == '!' ? ty_bool : ty_error;
    if (n->op == '!') {
      if (t->kind != T_BOOL) diag_error(n->loc, "! needs a Bool, found %s", ty_name(t));
      return ty_bool;
    }
    if (t->kind != T_INT && t->kind != T_FLOAT) {
      diag_error(n->loc, "unary - needs an Int or a Float, found %s", ty_name(t));
      return ty_error;
    }
    return t;
  }
  case N_BINARY: return check_binary(n);
  case N_CALL: return check_call(n, expected);
  case N_METHOD: return check_method(n, expected);
  case N_INDEX: return check_index(n);
  case N_FIELD: return check_field(n);
  case N_SPAWN: return check_spawn(n);
  case N_TIMER: return check_timer(n);
  case N_MATCH: return ck_match(n, expected, false);
  case N_CONSTRUCT: return n->decl->kind == D_RECORD ? n->decl->type : n->decl->owner->type; /* checked before */
  default: break;
  }
  unreachable();
}

void ck_expr_reset(void) {
  depth = 0;
  depth_reported = false;
}

Type *ck_expr(Node *n, Type *expected) {
  if (depth >= MAX_EXPR_DEPTH) {
    if (!depth_reported) diag_error(n->loc, "nesting too deep (expressions nest more than %d levels)", MAX_EXPR_DEPTH);
    depth_reported = true;
    return n->type = ty_error;
  }
  depth++;
  Type *t = expr_inner(n, expected);
  depth--;
  n->type = t;
  return t;
}

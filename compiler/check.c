/* check.c — name resolution and type checking of a whole program: declarations,
 * scopes and symbols.  Expressions are checked in check_expr.c, statements in
 * check_stmt.c.
 *
 * Expects: the parsed program (every file's items in Program.decls).
 * Produces: every expression's type (Node.type), every name's symbol (Node.sym),
 * calls, sends and spawns resolved to their Decl, the state layout of each actor
 * (Decl.state), the closures of then/else/after/every blocks with their captures
 * (Program.closures), and the list and map types codegen describes (Program.types).
 * Errors go through diag_error; codegen runs only when there are none. */
#include "check.h"

#include <ctype.h>
#include <string.h>

Program *ck_prog;
int ck_file;
Scope *ck_scope;
FnCtx *ck_ctx;

/* ---- scopes and symbols ---------------------------------------------------------- */

void ck_push_scope(void) {
  Scope *s = xalloc(sizeof *s);
  s->up = ck_scope;
  s->ctx = ck_ctx;
  ck_scope = s;
}

void ck_pop_scope(void) { ck_scope = ck_scope->up; }

FnCtx *ck_new_ctx(CtxKind k, FnCtx *up, Decl *actor) {
  FnCtx *c = xalloc(sizeof *c);
  c->kind = k;
  c->up = up;
  c->actor = actor;
  return c;
}

Sym *ck_declare(SymKind k, const char *name, Loc loc, Type *t, bool mutable) {
  for (int i = 0; i < ck_scope->syms.len; i++) {
    Sym *o = ck_scope->syms.data[i];
    if (!strcmp(o->name, name)) {
      diag_error(loc, "'%s' is already declared in this scope", name);
      diag_note(o->loc, "'%s' was declared here", name);
      break;
    }
  }
  Sym *s = xalloc(sizeof *s);
  s->kind = k;
  s->name = name;
  s->loc = loc;
  s->type = t;
  s->mutable = mutable;
  s->ctx = ck_ctx;
  vec_push(&ck_scope->syms, s);
  if (k != SYM_FIELD) vec_push(&ck_ctx->locals, s);
  return s;
}

/* The copy of `s` that code in ctx sees: blocks capture enclosing locals by value,
 * through every block in between. */
static Sym *capture(Sym *s, FnCtx *ctx) {
  if (s->ctx == ctx) return s;
  if (ctx->kind != CTX_BLOCK) unreachable();
  Sym *outer = capture(s, ctx->up);
  Closure *clo = ctx->clo;
  for (int i = 0; i < clo->captures.len; i++) {
    Sym *c = clo->captures.data[i];
    if (c->outer == outer) return c;
  }
  Sym *c = xalloc(sizeof *c);
  c->kind = SYM_CAPTURE;
  c->name = s->name;
  c->loc = s->loc;
  c->type = s->type;
  c->mutable = false;
  c->ctx = ctx;
  c->outer = outer;
  c->index = clo->captures.len;
  vec_push(&clo->captures, c);
  return c;
}

Sym *ck_lookup(const char *name, Loc loc) {
  (void)loc;
  for (Scope *s = ck_scope; s; s = s->up) {
    for (int i = s->syms.len - 1; i >= 0; i--) {
      Sym *sym = s->syms.data[i];
      if (strcmp(sym->name, name)) continue;
      sym->used = true;
      if (sym->kind == SYM_FIELD) return sym;
      return capture(sym, ck_ctx);
    }
  }
  /* the actor's state: parameters and fields (in initialisers, only earlier ones) */
  Decl *a = ck_ctx->actor;
  if (!a && ck_ctx->kind == CTX_SUPBUILD) a = ck_ctx->fn;
  if (a) {
    int n = (ck_ctx->kind == CTX_INIT || ck_ctx->kind == CTX_SUPBUILD) ? ck_ctx->fields_visible : a->state.len;
    for (int i = 0; i < a->state.len; i++) {
      Sym *sym = a->state.data[i];
      if (strcmp(sym->name, name)) continue;
      if (i >= n) {
        diag_error(loc, "'%s' is used before it is initialised (initialisers run in order)", name);
        return sym;
      }
      return sym;
    }
  }
  return NULL;
}

/* ---- declarations ---------------------------------------------------------------- */

/* The top-level declaration a bare name means in the file being checked (names.c);
 * variants are names too, but not found here. */
Decl *ck_find_decl(const char *name) {
  Name *n = names_find(name, ck_file);
  return n && n->kind != NK_VARIANT ? n->decl : NULL;
}

/* M.name: the declaration of a std module's name (M a module the program uses), or
 * NULL after an error at loc ("std.strings has no 'cont'; did you mean 'count'?"). */
Name *ck_find_qualified(const char *module, const char *name, Loc loc) {
  Name *n = names_find_in(module, name);
  if (!n) {
    Vec cands = names_of_module(module);
    diag_error(loc, "std.%s has no '%s'%s", module, name, ck_did_you_mean(name, &cands));
  }
  return n;
}

/* Is name a parameter, local or field here (which a module's name M in M.x does not
 * hide)?  Unlike ck_lookup, this neither captures nor reports. */
bool ck_is_variable(const char *name) {
  for (Scope *s = ck_scope; s; s = s->up)
    for (int i = 0; i < s->syms.len; i++)
      if (!strcmp(((Sym *)s->syms.data[i])->name, name)) return true;
  Decl *a = ck_ctx->actor;
  if (!a && ck_ctx->kind == CTX_SUPBUILD) a = ck_ctx->fn;
  for (int i = 0; a && i < a->state.len; i++)
    if (!strcmp(((Sym *)a->state.data[i])->name, name)) return true;
  return false;
}

/* The std module e names when it is the M of M.x: a name that is no variable here. */
const char *ck_module_qualifier(Node *e) {
  if (e->kind != N_NAME || e->qual || !names_is_module(e->name) || ck_is_variable(e->name)) return NULL;
  return e->name;
}

Decl *ck_find_handler(Decl *actor, const char *name) {
  for (int i = 0; i < actor->handlers.len; i++) {
    Decl *h = actor->handlers.data[i];
    if (!strcmp(h->name, name)) return h;
  }
  return NULL;
}

Decl *ck_find_method(Decl *actor, const char *name) {
  for (int i = 0; i < actor->methods.len; i++) {
    Decl *m = actor->methods.data[i];
    if (!strcmp(m->name, name)) return m;
  }
  return NULL;
}

/* ---- suggestions ----------------------------------------------------------------- */

/* "; did you mean 'x'?" for the candidate (const char *) closest to name, or "". */
const char *ck_did_you_mean(const char *name, Vec *cands) {
  const char *best = closest_name(name, cands);
  return best ? xformat("; did you mean '%s'?", best) : "";
}

const char *ck_signature(Decl *h) {
  const char *s = xformat("%s(", h->name);
  for (int i = 0; i < h->params.len; i++) {
    Param *p = h->params.data[i];
    s = xformat("%s%s%s: %s", s, i ? ", " : "", p->name, p->type ? ty_name(p->type) : "?");
  }
  return h->ret ? xformat("%s) -> %s", s, ty_name(h->ret)) : xformat("%s)", s);
}

/* The names of decls (Decl *) or children (Child *), for ck_did_you_mean. */
Vec ck_decl_names(Vec *decls) {
  Vec v = {0};
  for (int i = 0; i < decls->len; i++) vec_push(&v, (void *)((Decl *)decls->data[i])->name);
  return v;
}

/* ---- types ----------------------------------------------------------------------- */

static bool allow_any; /* while resolving an extern fn's signature */

Type *ck_resolve_type(TypeExpr *te) {
  if (te->kind == TE_NAME && allow_any && !strcmp(te->name, "Data")) return ty_data;
  if (te->kind == TE_NAME && !strcmp(te->name, "Any")) {
    if (allow_any) return ty_any;
    diag_error(te->loc, "Any is only for the parameters and results of extern fn");
    return ty_error;
  }
  switch (te->kind) {
  case TE_LIST: return ty_list(ck_resolve_type(te->a));
  case TE_MAP: {
    Type *k = ck_resolve_type(te->a), *v = ck_resolve_type(te->b);
    if (!ck_key_type(k, te->a->loc)) k = ty_error;
    return ty_map(k, v);
  }
  case TE_GENERIC: {
    Type *a = ck_resolve_type(te->a);
    if (strcmp(te->name, "Reply")) {
      Vec cands = {0};
      vec_push(&cands, "Reply");
      diag_error(te->loc, "unknown type '%s[...]'%s (the only type that takes a type in brackets is Reply[T])",
                 te->name, ck_did_you_mean(te->name, &cands));
      return ty_error;
    }
    return a->kind == T_ERROR ? ty_error : ty_reply(a);
  }
  case TE_NAME: break;
  }
  if (!strcmp(te->name, "Reply")) {
    diag_error(te->loc, "Reply needs the type of the answer: Reply[T]");
    return ty_error;
  }
  static const struct { const char *name; Type **t; } prims[] = {
      {"Int", &ty_int}, {"Float", &ty_float}, {"Bool", &ty_bool}, {"String", &ty_string},
      {"Actor", &ty_anyactor}, {"Timer", &ty_timer},
  };
  for (size_t i = 0; i < sizeof prims / sizeof prims[0]; i++)
    if (!strcmp(te->name, prims[i].name)) return *prims[i].t;
  Decl *d;
  if (te->qual) {
    if (!names_is_module(te->qual)) {
      diag_error(te->loc, "unknown type '%s.%s' (%s is no std module this program uses)", te->qual, te->name, te->qual);
      return ty_error;
    }
    Name *n = ck_find_qualified(te->qual, te->name, te->loc);
    if (!n) return ty_error;
    d = n->decl;
  } else {
    d = ck_find_decl(te->name);
    if (!d) d = ck_find_variant(te->name);
  }
  if (d && (d->kind == D_ACTOR || d->kind == D_SUPERVISOR || d->kind == D_RECORD || d->kind == D_ENUM ||
            d->kind == D_INTERFACE))
    return d->type;
  if (d && d->kind == D_VARIANT) {
    diag_error(te->loc, "'%s' is a variant of enum %s, not a type: write %s", te->name, d->owner->name, d->owner->name);
    return ty_error;
  }
  Vec cands = ck_decl_names(&ck_prog->actors);
  for (int i = 0; i < ck_prog->datas.len; i++) vec_push(&cands, (void *)((Decl *)ck_prog->datas.data[i])->name);
  for (int i = 0; i < ck_prog->ifaces.len; i++) vec_push(&cands, (void *)((Decl *)ck_prog->ifaces.data[i])->name);
  for (size_t i = 0; i < sizeof prims / sizeof prims[0]; i++) vec_push(&cands, (void *)prims[i].name);
  diag_error(te->loc, "unknown type '%s'%s", te->name, ck_did_you_mean(te->name, &cands));
  return ty_error;
}

static void resolve_params(Vec *params) {
  for (int i = 0; i < params->len; i++) {
    Param *p = params->data[i];
    p->type = ck_resolve_type(p->te);
    for (int j = 0; j < i; j++)
      if (!strcmp(((Param *)params->data[j])->name, p->name))
        diag_error(p->loc, "parameter '%s' is declared twice", p->name);
  }
}

/* Declares a function's parameters in the current scope. */
static void declare_params(Vec *params) {
  for (int i = 0; i < params->len; i++) {
    Param *p = params->data[i];
    p->sym = ck_declare(SYM_PARAM, p->name, p->loc, p->type, false);
    p->sym->index = i;
  }
}

/* ---- phases ------------------------------------------------------------------------ */

/* Every top-level declaration into the namespace (names.c), which reports clashes:
 * records, enums, each enum's variants (with the variant's own Decl), interfaces,
 * actors, supervisors, functions and constants. */
static void collect(void) {
  static const char *const prim_types[] = {"Int", "Float", "Bool", "String", "Actor", "Timer"};
  names_reset();
  for (int f = 0; f < src_count(); f++)
    if (src_file(f)->module) names_add_module(src_file(f)->module);
  for (int i = 0; i < ck_prog->decls.len; i++) {
    Decl *d = ck_prog->decls.data[i];
    static const NameKind kinds[] = {[D_ACTOR] = NK_ACTOR, [D_SUPERVISOR] = NK_SUPERVISOR, [D_FN] = NK_FN,
                                     [D_EXTERN] = NK_EXTERN, [D_CONST] = NK_CONST,
                                     [D_RECORD] = NK_RECORD, [D_ENUM] = NK_ENUM,
                                     [D_INTERFACE] = NK_INTERFACE};
    if (d->kind == D_USE) continue;
    names_declare(d->name, kinds[d->kind], d, d->loc);
    for (int j = 0; j < d->variants.len; j++) {
      Decl *v = d->variants.data[j];
      names_declare(v->name, NK_VARIANT, v, v->loc);
    }
    if ((d->kind == D_FN || d->kind == D_EXTERN) && ck_builtin_fn(d->name))
      diag_error(d->loc, "'%s' is a built-in function and cannot be redefined", d->name);
    if (d->kind == D_ACTOR || d->kind == D_SUPERVISOR) {
      d->index = ck_prog->actors.len;
      vec_push(&ck_prog->actors, d);
      d->type = ty_actor(d);
    } else if (d->kind == D_RECORD || d->kind == D_ENUM) {
      for (size_t k = 0; k < sizeof prim_types / sizeof prim_types[0]; k++)
        if (!strcmp(d->name, prim_types[k])) diag_error(d->loc, "'%s' is a built-in type and cannot be redeclared", d->name);
      d->index = ck_prog->datas.len;
      vec_push(&ck_prog->datas, d);
      d->type = ty_data_type(d);
    } else if (d->kind == D_INTERFACE) {
      d->index = ck_prog->ifaces.len;
      vec_push(&ck_prog->ifaces, d);
      d->type = ty_iface(d);
    } else if (d->kind == D_FN || d->kind == D_EXTERN) {
      vec_push(&ck_prog->fns, d);
    }
  }
}

static bool ffi_type_ok(Type *t) {
  return t->kind == T_INT || t->kind == T_FLOAT || t->kind == T_BOOL || t->kind == T_STRING ||
         t->kind == T_ANY || t->kind == T_ERROR;
}

static void check_fn_handler_conflicts(Decl *a) {
  for (int i = 0; i < a->handlers.len; i++) {
    Decl *h = a->handlers.data[i];
    h->index = i;
    for (int j = 0; j < i; j++) {
      Decl *o = a->handlers.data[j];
      if (!strcmp(o->name, h->name)) {
        diag_error(h->loc, "actor %s already has a handler '%s'", a->name, h->name);
        diag_note(o->loc, "the first '%s' is here", h->name);
        break;
      }
    }
  }
  for (int i = 0; i < a->methods.len; i++) {
    Decl *m = a->methods.data[i];
    for (int j = 0; j < i; j++)
      if (!strcmp(((Decl *)a->methods.data[j])->name, m->name)) {
        diag_error(m->loc, "actor %s already has a function '%s'", a->name, m->name);
        break;
      }
    if (ck_builtin_fn(m->name))
      diag_error(m->loc, "'%s' is a built-in function and cannot be redefined", m->name);
  }
}

/* extern fn ... = "c_name": a C identifier (letters, digits, '_'; not a digit first). */
static void check_c_symbol(Decl *d) {
  Node *c = d->csym;
  if (!c) return;
  if (c->kind != N_STR) {
    diag_error(c->loc, "extern fn %s: the C symbol is a plain string, without {...}", d->name);
    d->csym = NULL;
    return;
  }
  bool ok = c->slen > 0 && c->slen <= 255 && (int64_t)strlen(c->sval) == c->slen && !isdigit((unsigned char)c->sval[0]);
  for (int64_t i = 0; ok && i < c->slen; i++) ok = isalnum((unsigned char)c->sval[i]) || c->sval[i] == '_';
  if (!ok) {
    diag_error(c->loc, "extern fn %s: \"%.*s\" is not a C symbol (letters, digits and '_', not starting with a digit)",
               d->name, (int)(c->slen > 60 ? 60 : c->slen), c->sval);
    d->csym = NULL;
  }
}

const char *extern_c_name(Decl *d) { return d->csym ? d->csym->sval : d->name; }

/* Two extern fns that bind one C symbol declare one C function: same signature. */
static void check_c_symbols_agree(void) {
  for (int i = 0; i < ck_prog->fns.len; i++) {
    Decl *d = ck_prog->fns.data[i];
    if (d->kind != D_EXTERN) continue; /* (a bad C symbol was reported and dropped) */
    for (int j = 0; j < i; j++) {
      Decl *o = ck_prog->fns.data[j];
      if (o->kind != D_EXTERN || strcmp(extern_c_name(o), extern_c_name(d))) continue;
      bool same = d->params.len == o->params.len && d->ret == o->ret;
      for (int k = 0; same && k < d->params.len; k++)
        same = ((Param *)d->params.data[k])->type == ((Param *)o->params.data[k])->type;
      if (!same) {
        diag_error(d->csym ? d->csym->loc : d->loc, "extern fn %s binds the C function '%s' as extern fn %s does, with another signature",
                   d->name, extern_c_name(d), o->name);
        diag_note(o->loc, "extern fn %s is declared here", o->name);
      }
      break;
    }
  }
}

static void resolve_signatures(void) {
  for (int i = 0; i < ck_prog->decls.len; i++) {
    Decl *d = ck_prog->decls.data[i];
    ck_file = d->file;
    switch (d->kind) {
    case D_FN:
      resolve_params(&d->params);
      d->ret = d->ret_te ? ck_resolve_type(d->ret_te) : NULL;
      break;
    case D_EXTERN:
      allow_any = true;
      resolve_params(&d->params);
      d->ret = d->ret_te ? ck_resolve_type(d->ret_te) : NULL;
      allow_any = false;
      for (int j = 0; j < d->params.len; j++) {
        Param *p = d->params.data[j];
        if (!ffi_type_ok(p->type))
          diag_error(p->te->loc, "an extern function takes Int, Float, Bool, String, Any or Data, not %s", ty_name(p->type));
      }
      if (d->ret && !ffi_type_ok(d->ret))
        diag_error(d->ret_te->loc, "an extern function returns Int, Float, Bool, String, Any or Data, not %s", ty_name(d->ret));
      check_c_symbol(d);
      for (int j = 0; j < d->delivers.len; j++) {
        Decl *h = d->delivers.data[j];
        resolve_params(&h->params);
        for (int k = 0; k < h->params.len; k++) {
          Param *p = h->params.data[k];
          /* the runtime lays these messages out as one 64-bit word per argument */
          if (p->type->kind != T_INT && p->type->kind != T_FLOAT && p->type->kind != T_STRING && p->type->kind != T_ERROR)
            diag_error(p->te->loc, "a delivered message carries Int, Float or String arguments, not %s", ty_name(p->type));
        }
      }
      break;
    case D_ACTOR:
      resolve_params(&d->params);
      check_fn_handler_conflicts(d);
      d->down_handler = -1;
      for (int j = 0; j < d->handlers.len; j++) {
        Decl *h = d->handlers.data[j];
        resolve_params(&h->params);
        h->ret = h->ret_te ? ck_resolve_type(h->ret_te) : NULL;
        if (!strcmp(h->name, "down")) {
          bool ok = h->params.len == 2 && !h->ret &&
                    ((Param *)h->params.data[0])->type->kind == T_ANYACTOR &&
                    ((Param *)h->params.data[1])->type->kind == T_STRING;
          if (!ok)
            diag_error(h->loc, "the handler 'down' must be declared as on down(who: Actor, reason: String)");
          else if (d->down_handler < 0)
            d->down_handler = j;
        }
      }
      for (int j = 0; j < d->methods.len; j++) {
        Decl *m = d->methods.data[j];
        m->owner = d;
        resolve_params(&m->params);
        m->ret = m->ret_te ? ck_resolve_type(m->ret_te) : NULL;
      }
      break;
    case D_SUPERVISOR:
      resolve_params(&d->params);
      d->down_handler = -1;
      break;
    case D_INTERFACE:
      for (int j = 0; j < d->handlers.len; j++) {
        Decl *h = d->handlers.data[j];
        h->index = j;
        resolve_params(&h->params);
        h->ret = h->ret_te ? ck_resolve_type(h->ret_te) : NULL;
        for (int k = 0; k < j; k++)
          if (!strcmp(((Decl *)d->handlers.data[k])->name, h->name)) {
            diag_error(h->loc, "interface %s already has a handler '%s'", d->name, h->name);
            diag_note(((Decl *)d->handlers.data[k])->loc, "the first '%s' is here", h->name);
            break;
          }
      }
      break;
    case D_HANDLER:
    case D_USE:
    case D_RECORD: /* ck_data_decls */
    case D_ENUM:
    case D_VARIANT:
    case D_INIT:
    case D_CONST: /* ck_consts */
      break;
    }
  }
}

/* The first entries of an actor's or supervisor's state: its parameters. */
static void state_params(Decl *d, FnCtx *ctx) {
  for (int i = 0; i < d->params.len; i++) {
    Param *p = d->params.data[i];
    Sym *s = xalloc(sizeof *s);
    *s = (Sym){.kind = SYM_FIELD, .name = p->name, .loc = p->loc, .type = p->type, .index = d->state.len, .ctx = ctx};
    p->sym = s;
    vec_push(&d->state, s);
  }
  ctx->fields_visible = d->state.len;
}

/* Actor state: parameters, then fields whose types come from their initialisers. */
static void check_actor_state(Decl *a) {
  ck_file = a->file;
  FnCtx *ctx = ck_new_ctx(CTX_INIT, NULL, a);
  ck_ctx = ctx;
  ck_scope = NULL;
  ck_push_scope();
  state_params(a, ctx);
  for (int i = 0; i < a->fields.len; i++) {
    Node *f = a->fields.data[i];
    for (int j = 0; j < a->state.len; j++) {
      Sym *o = a->state.data[j];
      if (!strcmp(o->name, f->name)) {
        diag_error(f->name_loc, "actor %s already has %s named '%s'", a->name,
                   j < a->params.len ? "a parameter" : "a field", f->name);
        break;
      }
    }
    Type *t = f->te ? ck_resolve_type(f->te) : NULL;
    if (f->a) {
      Type *it = ck_expr(f->a, t);
      if (t) {
        ck_require(f->a, t, "the field's initial value");
      } else {
        t = it;
        if (it->kind == T_VOID) {
          diag_error(f->a->loc, "this expression has no value to initialise '%s' with", f->name);
          t = ty_error;
        } else if (it->kind == T_NONE) {
          diag_error(f->a->loc, "cannot tell the type of '%s' from none; write %s %s: ActorKind = none",
                     f->name, f->kind == N_LET ? "let" : "var", f->name);
          t = ty_error;
        } else if (ty_has_empty(it)) {
          diag_error(f->a->loc, "cannot tell the element type of an empty literal; write %s %s: [Type] = []",
                     f->kind == N_LET ? "let" : "var", f->name);
          t = ty_error;
        }
      }
      ck_coerce(f->a, t);
    }
    Sym *s = xalloc(sizeof *s);
    *s = (Sym){.kind = SYM_FIELD, .name = f->name, .loc = f->name_loc, .type = t ? t : ty_error,
               .mutable = f->kind == N_VAR, .index = a->state.len, .ctx = ctx};
    f->sym = s;
    vec_push(&a->state, s);
    ctx->fields_visible = a->state.len;
  }
  a->locals = ctx->locals;
  ck_pop_scope();
}

static void check_supervisor(Decl *s) {
  ck_file = s->file;
  FnCtx *ctx = ck_new_ctx(CTX_SUPBUILD, NULL, NULL);
  ctx->fn = s;
  ck_ctx = ctx;
  ck_scope = NULL;
  ck_push_scope();
  state_params(s, ctx);
  if (s->has_strategy && strcmp(s->strategy, "one_for_one") && strcmp(s->strategy, "one_for_all") &&
      strcmp(s->strategy, "rest_for_one")) {
    Vec names = {0};
    vec_push(&names, "one_for_one");
    vec_push(&names, "one_for_all");
    vec_push(&names, "rest_for_one");
    diag_error(s->strategy_loc, "unknown strategy '%s'%s (the strategies are one_for_one, one_for_all and rest_for_one)",
               s->strategy, ck_did_you_mean(s->strategy, &names));
  }
  if (!s->has_strategy) s->strategy = "one_for_one";
  s->intensity = 3;
  s->period_ms = 5000;
  if (s->has_intensity) { /* intensity N per MS: constant expressions */
    if (ck_const_int(s->intensity_e, s->file, "the intensity", &s->intensity) &&
        (s->intensity < 0 || s->intensity > INT32_MAX))
      diag_error(s->intensity_e->loc, "intensity out of range (0 to %d restarts)", INT32_MAX);
    if (ck_const_int(s->period_e, s->file, "the intensity period", &s->period_ms)) {
      if (s->period_ms < 1)
        diag_error(s->intensity_loc, "the intensity period must be at least 1 millisecond");
      else if (s->period_ms > INT32_MAX)
        diag_error(s->period_e->loc, "the intensity period is out of range (at most %d milliseconds)", INT32_MAX);
    }
  }
  if (s->children.len == 0) diag_error(s->loc, "supervisor %s has no children", s->name);
  for (int i = 0; i < s->children.len; i++) {
    Child *c = s->children.data[i];
    for (int j = 0; j < s->state.len; j++) {
      Sym *o = s->state.data[j];
      if (!strcmp(o->name, c->name)) {
        diag_error(c->loc, "supervisor %s already has %s named '%s'", s->name,
                   j < s->params.len ? "a parameter" : "a child", c->name);
        break;
      }
    }
    Decl *k = ck_find_decl(c->kind_name);
    bool reported = false; /* M.Kind where M has no Kind */
    if (c->kind_qual) {
      Name *kn = names_is_module(c->kind_qual) ? ck_find_qualified(c->kind_qual, c->kind_name, c->kind_loc) : NULL;
      reported = names_is_module(c->kind_qual) && !kn;
      k = kn ? kn->decl : NULL;
    }
    Type *t = ty_error;
    if (!k || (k->kind != D_ACTOR && k->kind != D_SUPERVISOR)) {
      if (k && k->kind == D_INTERFACE)
        diag_error(c->kind_loc, "'%s' is an interface: a child is an actor or a supervisor that is started", c->kind_name);
      else if (!reported)
        diag_error(c->kind_loc, "unknown actor or supervisor '%s%s%s'", c->kind_qual ? c->kind_qual : "",
                   c->kind_qual ? "." : "", c->kind_name);
      for (int j = 0; j < c->args.len; j++) ck_expr(c->args.data[j], NULL);
    } else {
      c->kind = k;
      t = k->type;
      if (k == s) diag_error(c->kind_loc, "supervisor %s cannot be its own child", s->name);
      Node fake = {.loc = c->kind_loc, .name = k->name};
      ck_check_args(&fake, &k->params, &c->args, xformat("%s", k->name));
    }
    Sym *sym = xalloc(sizeof *sym);
    *sym = (Sym){.kind = SYM_FIELD, .name = c->name, .loc = c->loc, .type = t, .index = s->state.len, .ctx = ctx};
    c->sym = sym;
    vec_push(&s->state, sym);
    ctx->fields_visible = s->state.len;
  }
  s->locals = ctx->locals;
  ck_pop_scope();
}

/* actor A is I1, I2: each interface must exist, and each of its handlers must be one of
 * A's with the same signature -- one error per handler missing or different, at the
 * interface's name in the `is` list. */
static void check_is(Decl *a) {
  Vec named = {0}; /* Decl*: the interfaces named so far */
  for (int i = 0; i < a->ifaces.len; i++) {
    TypeExpr *te = a->ifaces.data[i];
    Decl *d = NULL;
    if (te->qual) { /* is M.Name: a std module's interface */
      Name *n = names_is_module(te->qual) ? ck_find_qualified(te->qual, te->name, te->loc) : NULL;
      if (!names_is_module(te->qual))
        diag_error(te->loc, "unknown interface '%s.%s' (%s is no std module this program uses)", te->qual, te->name,
                   te->qual);
      if (!n) continue;
      d = n->decl;
    } else {
      d = ck_find_decl(te->name);
    }
    if (!d || d->kind != D_INTERFACE) {
      if (d) {
        diag_error(te->loc, "'%s%s%s' is not an interface: `is` names interfaces, whose handlers %s must have",
                   te->qual ? te->qual : "", te->qual ? "." : "", te->name, a->name);
      } else {
        Vec cands = ck_decl_names(&ck_prog->ifaces);
        diag_error(te->loc, "unknown interface '%s'%s", te->name, ck_did_you_mean(te->name, &cands));
      }
      continue;
    }
    bool twice = false;
    for (int j = 0; j < named.len && !twice; j++) twice = named.data[j] == d;
    vec_push(&named, d);
    if (twice) diag_error(te->loc, "actor %s names interface %s twice", a->name, names_shown(d));
    for (int j = 0; j < d->handlers.len; j++) {
      Decl *sig = d->handlers.data[j];
      Decl *h = ty_handler(a, sig->name);
      if (!h) {
        diag_error(te->loc, "actor %s is not a %s: it has no handler on %s", a->name, names_shown(d), ck_signature(sig));
        diag_note(sig->loc, "%s declares %s here", names_shown(d), sig->name);
      } else if (!ty_same_signature(h, sig)) {
        diag_error(te->loc, "actor %s is not a %s: its handler on %s differs from %s's on %s", a->name, names_shown(d),
                   ck_signature(h), names_shown(d), ck_signature(sig));
        diag_note(h->loc, "%s's %s is declared here", a->name, h->name);
      }
    }
  }
}

static void check_body(Decl *d, CtxKind kind, Decl *actor) {
  ck_file = (d->owner ? d->owner : d)->file;
  FnCtx *ctx = ck_new_ctx(kind, NULL, actor);
  ctx->fn = d;
  ctx->ret = d->ret;
  ck_ctx = ctx;
  ck_scope = NULL;
  ck_push_scope();
  declare_params(&d->params);
  /* §13: in a -> T handler, `reply` is the request's handle; blocks capture it */
  if (kind == CTX_HANDLER && d->ret)
    ck_declare(SYM_REPLY, "reply", d->loc, d->ret->kind == T_ERROR ? ty_error : ty_reply(d->ret), false);
  ck_push_scope();
  ck_stmts(&d->body);
  ck_pop_scope();
  ck_pop_scope();
  if (d->ret && d->ret->kind != T_ERROR && !ck_terminates(&d->body)) {
    Loc end = d->loc;
    if (kind == CTX_HANDLER)
      diag_error(end, "missing return: every path through '%s' must return %s or return later", d->name,
                 ty_name(d->ret));
    else
      diag_error(end, "missing return: every path through '%s' must return %s", d->name, ty_name(d->ret));
  }
  d->locals = ctx->locals;
}

static void check_main(bool need_main) {
  ck_file = 0;
  Decl *m = ck_find_decl("Main");
  if (!m) {
    if (need_main) {
      Loc l = {.file = 0, .line = 1, .col = 1, .end_line = 1, .end_col = 2};
      diag_error(l, "this program has no actor Main (a program starts by spawning Main and sending it start())");
    }
    return;
  }
  if (m->kind != D_ACTOR) {
    diag_error(m->loc, "Main must be an actor");
    return;
  }
  ck_prog->main_actor = m;
  if (m->params.len) diag_error(m->loc, "actor Main cannot have parameters");
  Decl *start = ck_find_handler(m, "start");
  if (!start) { /* check says what build would: a Main is one the program can start */
    diag_error(m->loc, "actor Main has no handler 'start' (declare on start() or on start(args: [String]))");
    return;
  }
  bool ok = start->params.len == 0 ||
            (start->params.len == 1 && ((Param *)start->params.data[0])->type == ty_list(ty_string));
  if (!ok) diag_error(start->loc, "Main's start handler takes no parameters or (args: [String])");
  if (start->ret) diag_error(start->loc, "Main's start handler cannot answer (no -> type)");
}

/* The first read of a state entry from `visible` on by m or the actor's fns it calls
 * (seen: the methods walked). */
static Node *early_read(Decl *m, int visible, Vec *seen) {
  for (int i = 0; i < seen->len; i++)
    if (seen->data[i] == m) return NULL;
  vec_push(seen, m);
  for (int i = 0; i < m->field_reads.len; i++) {
    Node *r = m->field_reads.data[i];
    if (r->sym->index >= visible) return r;
  }
  for (int i = 0; i < m->callees.len; i++) {
    Decl *c = m->callees.data[i];
    if (c->owner != m->owner) continue; /* a top-level fn reads no field */
    Node *r = early_read(c, visible, seen);
    if (r) return r;
  }
  return NULL;
}

/* A field initialiser that calls a fn reading a later field reads it before it is
 * initialised, as if it named it. */
static void check_init_calls(Decl *a) {
  for (int i = 0; i < a->init_calls.len; i++) {
    InitCall *ic = a->init_calls.data[i];
    Vec seen = {0};
    Node *r = early_read(ic->method, ic->visible, &seen);
    if (!r) continue;
    diag_error(ic->call->loc, "'%s' is used before it is initialised: %s() reads it, and initialisers run in order",
               r->name, ic->method->name);
    diag_note(r->loc, "'%s' is read here", r->name);
  }
}

/* Is target reachable from d through direct calls?  (visited: a mark per walk) */
static bool reaches(Decl *d, Decl *target, Vec *visited) {
  for (int i = 0; i < d->callees.len; i++) {
    Decl *c = d->callees.data[i];
    if (c == target) return true;
    bool seen = false;
    for (int j = 0; j < visited->len && !seen; j++) seen = visited->data[j] == c;
    if (seen) continue;
    vec_push(visited, c);
    if (reaches(c, target, visited)) return true;
  }
  return false;
}

/* Functions and methods on a cycle of direct calls: only they can recurse without
 * bound, so only they check the stack at entry. */
static void mark_recursive(Program *p) {
  Vec all = {0};
  for (int i = 0; i < p->fns.len; i++)
    if (((Decl *)p->fns.data[i])->kind == D_FN) vec_push(&all, p->fns.data[i]);
  for (int i = 0; i < p->actors.len; i++) {
    Decl *a = p->actors.data[i];
    for (int j = 0; j < a->methods.len; j++) vec_push(&all, a->methods.data[j]);
  }
  for (int i = 0; i < all.len; i++) {
    Vec visited = {0};
    Decl *d = all.data[i];
    d->recursive = reaches(d, d, &visited);
  }
}

void check_program(Program *p, bool need_main) {
  ck_prog = p;
  ck_expr_reset();
  types_init(p);
  collect();
  ck_data_decls();
  resolve_signatures();
  check_c_symbols_agree();
  ck_consts(p);
  for (int i = 0; i < p->actors.len; i++) {
    Decl *a = p->actors.data[i];
    if (a->kind == D_ACTOR) check_actor_state(a);
  }
  for (int i = 0; i < p->actors.len; i++) {
    Decl *a = p->actors.data[i];
    if (a->kind == D_SUPERVISOR) check_supervisor(a);
  }
  for (int i = 0; i < p->decls.len; i++) {
    Decl *d = p->decls.data[i];
    if (d->kind == D_FN) check_body(d, CTX_FN, NULL);
    if (d->kind != D_ACTOR) continue;
    ck_file = d->file;
    check_is(d);
    for (int j = 0; j < d->inits.len; j++) {
      Decl *in = d->inits.data[j];
      if (j > 0) {
        diag_error(in->loc, "actor %s has more than one init block", d->name);
        diag_note(((Decl *)d->inits.data[0])->loc, "the first init block is here");
      }
      check_body(in, CTX_INIT_BLOCK, d);
    }
    for (int j = 0; j < d->handlers.len; j++) check_body(d->handlers.data[j], CTX_HANDLER, d);
    for (int j = 0; j < d->methods.len; j++) check_body(d->methods.data[j], CTX_METHOD, d);
  }
  for (int i = 0; i < p->actors.len; i++) check_init_calls(p->actors.data[i]);
  check_main(need_main);
  mark_recursive(p);
  if (!diag_count()) ck_warnings(p); /* (after errors, what looks unused may be a misspelling's victim) */
}

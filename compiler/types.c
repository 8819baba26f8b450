/* types.c — the checker's types: primitives are singletons; list, map, actor,
 * interface and Reply types are interned, so two types are equal exactly when their
 * pointers are.  Also the structural conformance of actor kinds to interfaces (§12),
 * which conversions need. */
#include "compiler.h"

#include <string.h>

static Type t_error = {.kind = T_ERROR}, t_void = {.kind = T_VOID}, t_int = {.kind = T_INT}, t_float = {.kind = T_FLOAT},
            t_bool = {.kind = T_BOOL}, t_string = {.kind = T_STRING}, t_anyactor = {.kind = T_ANYACTOR},
            t_timer = {.kind = T_TIMER}, t_none = {.kind = T_NONE}, t_empty = {.kind = T_EMPTY},
            t_any = {.kind = T_ANY}, t_data = {.kind = T_ANY};
Type *ty_error = &t_error, *ty_void = &t_void, *ty_int = &t_int, *ty_float = &t_float,
     *ty_bool = &t_bool, *ty_string = &t_string, *ty_anyactor = &t_anyactor,
     *ty_timer = &t_timer, *ty_none = &t_none, *ty_empty = &t_empty, *ty_any = &t_any,
     *ty_data = &t_data;

static Program *prog;
static Vec interned; /* every list, map, actor, interface, Reply, record and enum type */

/* Conformance answers already worked out: (kind or interface, interface, answer). */
typedef struct Conf {
  Decl *d, *iface;
  bool ok;
} Conf;
static Vec confs;

void types_init(Program *p) {
  prog = p;
  interned = (Vec){0};
  confs = (Vec){0};
  Type *prims[] = {ty_error, ty_void, ty_int, ty_float, ty_bool, ty_string, ty_anyactor, ty_timer, ty_none, ty_empty};
  for (size_t i = 0; i < sizeof prims / sizeof prims[0]; i++) prims[i]->cg = NULL;
}

static Type *intern(TypeKind k, Type *a, Type *b, Decl *d) {
  for (int i = 0; i < interned.len; i++) {
    Type *t = interned.data[i];
    if (t->kind == k && t->a == a && t->b == b && t->decl == d) return t;
  }
  Type *t = xalloc(sizeof *t);
  t->kind = k;
  t->a = a;
  t->b = b;
  t->decl = d;
  vec_push(&interned, t);
  if ((k == T_LIST || k == T_MAP) && !ty_has_empty(t) && a->kind != T_ERROR && (!b || b->kind != T_ERROR)) {
    t->id = prog->types.len;
    vec_push(&prog->types, t);
  }
  return t;
}

Type *ty_list(Type *elem) { return intern(T_LIST, elem, NULL, NULL); }
Type *ty_map(Type *key, Type *val) { return intern(T_MAP, key, val, NULL); }
Type *ty_actor(Decl *d) { return intern(T_ACTOR, NULL, NULL, d); }
Type *ty_data_type(Decl *d) { return intern(d->kind == D_RECORD ? T_RECORD : T_ENUM, NULL, NULL, d); }
bool ty_is_datatype(Type *t) { return t->kind == T_RECORD || t->kind == T_ENUM; }
Type *ty_iface(Decl *d) { return intern(T_IFACE, NULL, NULL, d); }
Type *ty_reply(Type *answer) { return intern(T_REPLY, answer, NULL, NULL); }

bool ty_is_ref(Type *t) {
  switch (t->kind) {
  case T_STRING: case T_LIST: case T_MAP: case T_ACTOR: case T_IFACE: case T_ANYACTOR: case T_TIMER: case T_REPLY:
  case T_RECORD: case T_ENUM:
    return true;
  default:
    return false;
  }
}

bool ty_is_actor(Type *t) { return t->kind == T_ACTOR || t->kind == T_IFACE || t->kind == T_ANYACTOR; }

/* ---- conformance (§12) ---------------------------------------------------------- */

Decl *ty_handler(Decl *d, const char *name) {
  for (int i = 0; i < d->handlers.len; i++) {
    Decl *h = d->handlers.data[i];
    if (!strcmp(h->name, name)) return h;
  }
  return NULL;
}

bool ty_same_signature(Decl *h, Decl *sig) {
  if (h->params.len != sig->params.len || h->ret != sig->ret) return false;
  for (int i = 0; i < h->params.len; i++)
    if (((Param *)h->params.data[i])->type != ((Param *)sig->params.data[i])->type) return false;
  return true;
}

Decl *ty_conform_problem(Decl *d, Decl *iface, Decl **other) {
  *other = NULL;
  if (d == iface) return NULL;
  for (int i = 0; i < iface->handlers.len; i++) {
    Decl *sig = iface->handlers.data[i];
    Decl *h = d->kind == D_SUPERVISOR ? NULL : ty_handler(d, sig->name);
    if (!h || !ty_same_signature(h, sig)) {
      *other = h;
      return sig;
    }
  }
  return NULL;
}

bool ty_conforms(Decl *d, Decl *iface) {
  for (int i = 0; i < confs.len; i++) {
    Conf *c = confs.data[i];
    if (c->d == d && c->iface == iface) return c->ok;
  }
  Decl *other;
  Conf *c = xalloc(sizeof *c);
  c->d = d;
  c->iface = iface;
  /* a supervisor has no handlers: it conforms to no interface, not even an empty one */
  c->ok = d->kind != D_SUPERVISOR && ty_conform_problem(d, iface, &other) == NULL;
  vec_push(&confs, c);
  return c->ok;
}

bool ty_has_empty(Type *t) {
  if (t->kind == T_EMPTY) return true;
  if (t->kind == T_LIST) return ty_has_empty(t->a);
  if (t->kind == T_MAP) return ty_has_empty(t->a) || ty_has_empty(t->b);
  return false;
}

bool ty_eq(Type *a, Type *b) { return a == b; }

bool ty_assignable(Type *to, Type *from) {
  if (to == from || to->kind == T_ERROR || from->kind == T_ERROR) return true;
  if (from->kind == T_NONE) return ty_is_actor(to);
  if (to->kind == T_ANYACTOR) return from->kind == T_ACTOR || from->kind == T_IFACE;
  /* a kind, or another interface, that has every handler of the interface (§12); never
   * an interface back to a kind */
  if (to->kind == T_IFACE) return (from->kind == T_ACTOR || from->kind == T_IFACE) && ty_conforms(from->decl, to->decl);
  /* [] and {} take the type they are given */
  if (from->kind == T_EMPTY) return true;
  if (to->kind == T_ANY) return from->kind != T_VOID; /* an extern fn's Any parameter */
  if (to->kind == T_LIST && from->kind == T_LIST) return ty_has_empty(from->a) && ty_assignable(to->a, from->a);
  if (to->kind == T_MAP && from->kind == T_MAP)
    return (ty_has_empty(from->a) || ty_has_empty(from->b)) && ty_assignable(to->a, from->a) &&
           ty_assignable(to->b, from->b);
  return false;
}

/* Plain data: no actor references or Timers anywhere inside.  `seen` holds the records
 * and enums being visited: met again, such a type adds nothing new. */
static bool is_data(Type *t, Vec *seen) {
  switch (t->kind) {
  case T_INT:
  case T_FLOAT:
  case T_BOOL:
  case T_STRING:
  case T_EMPTY:
  case T_ERROR: return true;
  case T_LIST: return is_data(t->a, seen);
  case T_MAP: return is_data(t->a, seen) && is_data(t->b, seen);
  case T_RECORD:
  case T_ENUM: {
    for (int i = 0; i < seen->len; i++)
      if (seen->data[i] == t) return true;
    vec_push(seen, t);
    Decl *d = t->decl;
    int nv = d->kind == D_ENUM ? d->variants.len : 1;
    for (int v = 0; v < nv; v++) {
      Decl *fd = d->kind == D_ENUM ? d->variants.data[v] : d;
      for (int i = 0; i < fd->params.len; i++) {
        Type *ft = ((Param *)fd->params.data[i])->type;
        if (ft && !is_data(ft, seen)) return false;
      }
    }
    return true;
  }
  default: return false;
  }
}

bool ty_is_data(Type *t) {
  Vec seen = {0};
  return is_data(t, &seen);
}

const char *ty_name(Type *t) {
  switch (t->kind) {
  case T_ERROR: return "<error>";
  case T_VOID: return "no value";
  case T_INT: return "Int";
  case T_FLOAT: return "Float";
  case T_BOOL: return "Bool";
  case T_STRING: return "String";
  case T_LIST: return t->a->kind == T_EMPTY ? "an empty list" : xformat("[%s]", ty_name(t->a));
  case T_MAP:
    return t->a->kind == T_EMPTY ? "an empty map" : xformat("{%s: %s}", ty_name(t->a), ty_name(t->b));
  case T_ACTOR: case T_IFACE: case T_RECORD: case T_ENUM: return names_shown(t->decl);
  case T_REPLY: return xformat("Reply[%s]", ty_name(t->a));
  case T_ANYACTOR: return "Actor";
  case T_TIMER: return "Timer";
  case T_NONE: return "none";
  case T_EMPTY: return "?";
  case T_ANY: return t == ty_data ? "Data" : "Any";
  }
  unreachable();
}

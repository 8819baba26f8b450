/* check_data.c — records and enums (LANGUAGE.md §9): their declarations (field
 * types, the recursion rule, which of them may be map keys), making a value
 * (positional or labelled arguments, a bare variant), and reading a record's field.
 *
 * Expects: collect() has given every record and enum its Type (Decl.type) and put it
 * in Program.datas.  ck_data_decls runs before any other signature is resolved, so
 * that every other declaration sees the fields' types.  Changes: an N_CALL or N_NAME
 * that makes a record or variant becomes an N_CONSTRUCT (decl, list = the values in
 * field order, labels removed); an N_FIELD of a record gets its field's index. */
#include "check.h"

#include <string.h>

/* ---- names ------------------------------------------------------------------------ */

Decl *ck_find_variant(const char *name) {
  Name *n = names_find(name, ck_file);
  return n && n->kind == NK_VARIANT ? n->decl : NULL;
}

/* Adds the names that make values (records and variants) to suggestion candidates. */
void ck_data_names(Vec *cands) {
  for (int i = 0; i < ck_prog->datas.len; i++) {
    Decl *d = ck_prog->datas.data[i];
    if (d->kind == D_RECORD) vec_push(cands, (void *)d->name);
    for (int j = 0; j < d->variants.len; j++) vec_push(cands, (void *)((Decl *)d->variants.data[j])->name);
  }
}

/* "record Point" or "variant Circle": how messages name what a value is made of. */
const char *ck_data_what(Decl *d) {
  return xformat("%s %s", d->kind == D_RECORD ? "record" : d->kind == D_ENUM ? "enum" : "variant", names_shown(d));
}

static const char *field_names(Decl *d) {
  const char *s = "";
  for (int i = 0; i < d->params.len; i++) s = xformat("%s%s%s", s, i ? ", " : "", ((Param *)d->params.data[i])->name);
  return s;
}

static Vec param_names(Decl *d) {
  Vec v = {0};
  for (int i = 0; i < d->params.len; i++) vec_push(&v, (void *)((Param *)d->params.data[i])->name);
  return v;
}

int ck_field_index(Decl *d, const char *name) {
  for (int i = 0; i < d->params.len; i++)
    if (!strcmp(((Param *)d->params.data[i])->name, name)) return i;
  return -1;
}

/* ---- map keys --------------------------------------------------------------------- */

/* Why t cannot be a map key ("its field 'x' is Float"), or NULL when it can.  A record
 * or enum can when each field of each variant can; one met again while its fields are
 * visited (in `seen`) adds nothing new. */
static const char *key_problem(Type *t, Vec *seen) {
  switch (t->kind) {
  case T_INT: case T_STRING: case T_BOOL: case T_ACTOR: case T_IFACE: case T_ANYACTOR: case T_ERROR: return NULL;
  case T_REPLY: return "a reply handle is no key (keep it as a map value)";
  case T_RECORD: case T_ENUM: break;
  default: return "";
  }
  for (int i = 0; i < seen->len; i++)
    if (seen->data[i] == t) return NULL;
  vec_push(seen, t);
  Decl *d = t->decl;
  int nv = d->kind == D_ENUM ? d->variants.len : 1;
  for (int v = 0; v < nv; v++) {
    Decl *fd = d->kind == D_ENUM ? d->variants.data[v] : d;
    for (int i = 0; i < fd->params.len; i++) {
      Param *p = fd->params.data[i];
      if (!p->type) continue;
      const char *why = key_problem(p->type, seen);
      if (!why) continue;
      const char *where = d->kind == D_ENUM ? xformat("field '%s' of variant %s", p->name, fd->name)
                                            : xformat("field '%s' of %s", p->name, d->name);
      return *why ? why : xformat("%s is %s", where, ty_name(p->type));
    }
  }
  return NULL;
}

typedef struct PendingKey {
  Type *t;
  Loc loc;
} PendingKey;
static Vec pending_keys; /* PendingKey*: keys met while the records' fields are resolved */
static bool defer_keys;

/* Is k a valid map key type?  Reports why not at loc.  While records and enums are
 * being resolved their fields are not all known yet: the check waits until they are. */
bool ck_key_type(Type *k, Loc loc) {
  if (defer_keys && ty_is_datatype(k)) {
    PendingKey *p = xalloc(sizeof *p);
    p->t = k;
    p->loc = loc;
    vec_push(&pending_keys, p);
    return true;
  }
  Vec seen = {0};
  const char *why = key_problem(k, &seen);
  if (!why) return true;
  if (k->kind == T_REPLY) {
    diag_error(loc, "a map key cannot be %s: %s", ty_name(k), why);
    return false;
  }
  diag_error(loc, "a map key must be Int, String, Bool, an actor or interface reference, or a record or enum made of them, not %s%s%s",
             ty_name(k), *why ? ": " : "", why);
  return false;
}

/* ---- declarations ----------------------------------------------------------------- */

static void resolve_fields(Decl *d, const char *what) {
  for (int i = 0; i < d->params.len; i++) {
    Param *p = d->params.data[i];
    p->type = ck_resolve_type(p->te);
    for (int j = 0; j < i; j++)
      if (!strcmp(((Param *)d->params.data[j])->name, p->name)) {
        diag_error(p->loc, "%s already has a field '%s'", what, p->name);
        break;
      }
  }
  d->resolved = true;
}

/* The fields a value of d contains directly (not through a list or map) for the
 * recursion rule: a record's fields, an enum's first variant's. */
static Decl *direct_fields(Decl *d) {
  if (d->kind == D_RECORD) return d;
  return d->variants.len ? d->variants.data[0] : NULL;
}

/* A path from `from` back to `target` through direct fields, as "A.b -> B.a -> A"
 * (NULL if none).  `seen` holds the declarations already searched. */
static const char *cycle_path(Decl *from, Decl *target, Vec *seen, Vec *on_path) {
  Decl *fd = direct_fields(from);
  if (!fd) return NULL;
  for (int i = 0; i < fd->params.len; i++) {
    Param *p = fd->params.data[i];
    if (!p->type || !ty_is_datatype(p->type)) continue;
    Decl *to = p->type->decl;
    const char *step = xformat("%s.%s -> ", from->name, p->name);
    if (to == target) return xformat("%s%s", step, to->name);
    bool done = false;
    for (int j = 0; j < seen->len && !done; j++) done = seen->data[j] == to;
    if (done) continue;
    vec_push(seen, to);
    vec_push(on_path, to);
    const char *rest = cycle_path(to, target, seen, on_path);
    if (rest) return xformat("%s%s", step, rest);
    on_path->len--;
  }
  return NULL;
}

/* §9: a record or enum may contain itself only through a list, a map or a variant
 * other than its enum's first, so that every type has a finite zero value.  Each cycle
 * is reported once, at the first of its declarations. */
static void check_recursion(void) {
  Vec reported = {0};
  for (int i = 0; i < ck_prog->datas.len; i++) {
    Decl *d = ck_prog->datas.data[i];
    bool skip = false;
    for (int j = 0; j < reported.len && !skip; j++) skip = reported.data[j] == d;
    if (skip) continue;
    Vec seen = {0}, on_path = {0};
    const char *path = cycle_path(d, d, &seen, &on_path);
    if (!path) continue;
    diag_error(d->loc, "%s contains itself (%s) with no list, map or later enum variant in between, so it has no "
                       "finite zero value",
               ck_data_what(d), path);
    for (int j = 0; j < on_path.len; j++) vec_push(&reported, on_path.data[j]);
  }
}

/* Resolves every record's and enum's field types, checks the recursion rule, then the
 * map key types the fields used. */
void ck_data_decls(void) {
  pending_keys = (Vec){0};
  defer_keys = true;
  for (int i = 0; i < ck_prog->datas.len; i++) {
    Decl *d = ck_prog->datas.data[i];
    ck_file = d->file;
    if (d->kind == D_RECORD) {
      resolve_fields(d, ck_data_what(d));
      continue;
    }
    if (d->variants.len == 0)
      diag_error(d->loc, "enum %s has no variants (its zero value is its first variant)", d->name);
    for (int j = 0; j < d->variants.len; j++) {
      Decl *v = d->variants.data[j];
      if (v->parens && v->params.len == 0)
        diag_error(v->loc, "variant %s has no fields: declare it without parentheses", v->name);
      resolve_fields(v, ck_data_what(v));
    }
  }
  defer_keys = false;
  check_recursion();
  for (int i = 0; i < pending_keys.len; i++) {
    PendingKey *p = pending_keys.data[i];
    ck_key_type(p->t, p->loc);
  }
}

/* ---- making a value --------------------------------------------------------------- */

/* Labels on a call that makes no record or variant: reported and removed. */
void ck_strip_labels(Node *n) {
  for (int i = 0; i < n->list.len; i++) {
    Node *a = n->list.data[i];
    if (a->kind != N_LABEL) continue;
    diag_error(a->name_loc, "labelled arguments (%s: ...) are only for making records and variants", a->name);
    n->list.data[i] = a->a;
  }
}

/* Point(1, 2), Point(x: 1, y: 2), Circle(2.0): d is the record or the variant.  All
 * arguments labelled or none; labels in the order of the fields. */
Type *ck_construct(Node *n, Decl *d, Type *expected) {
  (void)expected;
  Type *t = d->kind == D_RECORD ? d->type : d->owner->type;
  const char *what = ck_data_what(d);
  int nf = d->params.len, na = n->list.len;
  n->decl = d;
  bool ok = true;
  if (d->kind == D_VARIANT && nf == 0) {
    diag_error(n->loc, "variant %s has no fields: write %s, without parentheses", d->name, d->name);
    ok = false;
  }
  /* labels: all or none, in the fields' order */
  int nlabels = 0;
  for (int i = 0; i < na; i++) nlabels += ((Node *)n->list.data[i])->kind == N_LABEL;
  if (ok && nlabels > 0 && nlabels < na) {
    for (int i = 0; i < na; i++) {
      Node *a = n->list.data[i];
      if (a->kind != N_LABEL) {
        diag_error(a->loc, "label all the fields of %s or none", what);
        break;
      }
    }
    ok = false;
  } else if (ok && nlabels > 0) {
    Vec names = param_names(d);
    for (int i = 0; i < na; i++) {
      Node *a = n->list.data[i];
      int f = ck_field_index(d, a->name);
      if (f < 0) {
        diag_error(a->name_loc, "%s has no field '%s'%s", what, a->name, ck_did_you_mean(a->name, &names));
        ok = false;
      } else if (f != i) {
        diag_error(a->name_loc, "labels must follow the order of the fields of %s (%s): '%s' is not field %d", what,
                   field_names(d), a->name, i + 1);
        ok = false;
      }
    }
    if (ok && na < nf) {
      const char *missing = "";
      for (int i = na; i < nf; i++)
        missing = xformat("%s%s'%s'", missing, i > na ? ", " : "", ((Param *)d->params.data[i])->name);
      diag_error(n->loc, "missing field%s %s in %s", nf - na > 1 ? "s" : "", missing, what);
      ok = false;
    }
  }
  for (int i = 0; i < na; i++) {
    Node *a = n->list.data[i];
    if (a->kind == N_LABEL) n->list.data[i] = a = a->a;
    Type *want = i < nf ? ((Param *)d->params.data[i])->type : NULL;
    ck_expr(a, want);
    n->mutates |= a->mutates;
  }
  if (!ok) return t;
  if (na != nf) {
    diag_error(n->loc, "%s has %d field%s%s%s%s, got %d argument%s", what, nf, nf == 1 ? "" : "s", nf ? " (" : "",
               field_names(d), nf ? ")" : "", na, na == 1 ? "" : "s");
    return t;
  }
  for (int i = 0; i < na; i++) {
    Node *a = n->list.data[i];
    Param *p = d->params.data[i];
    if (ty_assignable(p->type, a->type)) {
      ck_coerce(a, p->type);
    } else if (a->type->kind == T_VOID) {
      diag_error(a->loc, "field '%s' of %s must be %s, but this expression has no value", p->name, what, ty_name(p->type));
    } else {
      diag_error(a->loc, "mismatched types: field '%s' of %s must be %s, found %s", p->name, what, ty_name(p->type),
                 ty_name(a->type));
    }
  }
  n->kind = N_CONSTRUCT;
  return t;
}

/* A variant's bare name: the variant, when it has no fields. */
Type *ck_variant_value(Node *n, Decl *v) {
  n->decl = v;
  n->list = (Vec){0};
  if (v->params.len) {
    diag_error(n->loc, "variant %s has %s (%s): make it with %s(...)", v->name,
               v->params.len == 1 ? "a field" : xformat("%d fields", v->params.len), field_names(v), v->name);
    return v->owner->type;
  }
  n->kind = N_CONSTRUCT;
  return v->owner->type;
}

/* ---- fields ----------------------------------------------------------------------- */

/* p.x of a record p of type t; variant fields are read through match only. */
Type *ck_record_field(Node *n, Type *t) {
  Decl *d = t->decl;
  if (t->kind == T_ENUM) {
    diag_error(n->loc, "cannot read field '%s' of a %s value: variant fields are read only through match", n->name,
               d->name);
    return ty_error;
  }
  int f = ck_field_index(d, n->name);
  if (f < 0) {
    Vec names = param_names(d);
    diag_error(n->loc, "record %s has no field '%s'%s", d->name, n->name, ck_did_you_mean(n->name, &names));
    return ty_error;
  }
  n->index = f;
  n->decl = d;
  return ((Param *)d->params.data[f])->type;
}

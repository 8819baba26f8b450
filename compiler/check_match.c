/* check_match.c — match (LANGUAGE.md §10): the arms' patterns and the names they bind,
 * guards, the bodies (statements, or one expression each when the match gives a
 * value), and the checks over all the patterns of a match: that it is exhaustive and
 * that no arm is unreachable.
 *
 * Both checks use the usefulness algorithm of Maranget, "Warnings for pattern
 * matching" (JFP 2007): useful(P, q) tells whether the vector of patterns q matches
 * some value that no row of the matrix P matches, and builds such a value (a witness)
 * when it does.  A match is exhaustive when `_` is not useful against the arms (a
 * guarded arm counts as matching nothing); an arm is unreachable when its pattern is
 * not useful against the unguarded arms before it.  Constructors: the variants of an
 * enum, a record's one constructor, true and false; Int and String literals are
 * constructors of a type with infinitely many, so only `_` or a name covers those.
 *
 * Changes: a P_BIND whose name is a variant or record becomes a P_CTOR; each P_CTOR
 * gets its decl, each P_BIND its Sym (an immutable local of the arm's scope, shared
 * by the alternatives of an or-pattern), each Pat its type; MatchArm.binds. */
#include "check.h"

#include <stdarg.h>
#include <string.h>

static int pat_errors; /* errors in the patterns of the match being checked */

/* An error in a pattern (counted: a match with one is not checked as a whole). */
static void perr(Loc loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void perr(Loc loc, const char *fmt, ...) {
  pat_errors++;
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  char *msg = xalloc((size_t)n + 1);
  vsnprintf(msg, (size_t)n + 1, fmt, ap2);
  va_end(ap2);
  va_end(ap);
  diag_error(loc, "%s", msg);
}

/* ---- patterns as text ------------------------------------------------------------ */

static const char *quote(const char *s, int64_t n) {
  const char *out = "\"";
  for (int64_t i = 0; i < n; i++) {
    char c = s[i];
    const char *e = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : NULL;
    out = e ? xformat("%s%s", out, e) : xformat("%s%c", out, c);
  }
  return xformat("%s\"", out);
}

/* A pattern (or a witness) as source text: Rect(_, _), Some(Circle(r)), 1 | 2. */
static const char *pat_str(Pat *p) {
  switch (p->kind) {
  case P_WILD: return "_";
  case P_BIND: return p->name;
  case P_INT: return xformat("%lld", (long long)p->ival);
  case P_FLOAT: return "?";
  case P_STR: return quote(p->sval, p->slen);
  case P_BOOL: return p->ival ? "true" : "false";
  case P_CTOR: {
    const char *name = p->decl ? names_shown(p->decl) : p->name;
    if (!p->parens) return name;
    const char *s = xformat("%s(", name);
    for (int i = 0; i < p->subs.len; i++) s = xformat("%s%s%s", s, i ? ", " : "", pat_str(p->subs.data[i]));
    return xformat("%s)", s);
  }
  case P_OR: {
    const char *s = "";
    for (int i = 0; i < p->subs.len; i++) s = xformat("%s%s%s", s, i ? " | " : "", pat_str(p->subs.data[i]));
    return s;
  }
  }
  unreachable();
}

/* ---- checking one pattern ---------------------------------------------------------- */

static Sym *find_bind(Vec *v, const char *name) {
  for (int i = 0; i < v->len; i++)
    if (!strcmp(((Sym *)v->data[i])->name, name)) return v->data[i];
  return NULL;
}

static void check_pat(Pat *p, Type *t, Vec *binds, Vec *tmpl);

/* Variant or record pattern: name(subs), or a bare variant name. */
static void check_ctor(Pat *p, Type *t, Vec *binds, Vec *tmpl) {
  Decl *d = NULL;
  bool reported = false;
  if (p->qual) { /* M.Name: a std module's record or variant (which the program's own may hide) */
    if (!names_is_module(p->qual)) {
      perr(p->loc, "unknown variant or record '%s.%s' in pattern (%s is no std module this program uses)", p->qual,
           p->name, p->qual);
      reported = true;
    } else {
      Name *n = ck_find_qualified(p->qual, p->name, p->loc);
      if (!n) pat_errors++; /* (reported) */
      reported = !n;
      if (n && n->kind != NK_RECORD && n->kind != NK_VARIANT) {
        perr(p->loc, "'%s.%s' is %s %s, not a variant or a record", p->qual, p->name,
             strchr("aeiou", names_kind_str(n->kind)[0]) ? "an" : "a", names_kind_str(n->kind));
        reported = true;
      } else if (n) {
        d = n->decl;
      }
    }
  } else {
    d = ck_find_decl(p->name);
    if (!d || d->kind != D_RECORD) d = ck_find_variant(p->name);
  }
  const char *shown = p->qual ? xformat("%s.%s", p->qual, p->name) : p->name;
  bool ok = d != NULL;
  if (!d) {
    Vec cands = {0};
    ck_data_names(&cands);
    if (!reported)
      perr(p->loc, "unknown variant or record '%s' in pattern%s", p->name, ck_did_you_mean(p->name, &cands));
  } else {
    p->decl = d;
    Type *dt = d->kind == D_RECORD ? d->type : d->owner->type;
    int nf = d->params.len, ns = p->subs.len;
    if (t->kind != T_ERROR && t != dt) {
      perr(p->loc, d->kind == D_RECORD ? "pattern %s is a record %s, but the value matched is %s"
                                       : "pattern %s is a variant of enum %s, but the value matched is %s",
           shown, ty_name(dt), ty_name(t));
      ok = false;
    } else if (d->kind == D_VARIANT && nf == 0 && p->parens) {
      perr(p->loc, "variant %s has no fields: write %s, without parentheses", shown, shown);
      ok = false;
    } else if (!p->parens && (nf > 0 || d->kind == D_RECORD)) {
      const char *wild = "";
      for (int i = 0; i < nf; i++) wild = xformat("%s%s_", wild, i ? ", " : "");
      perr(p->loc, "%s has %s: write %s", ck_data_what(d), nf == 1 ? "1 field" : xformat("%d fields", nf),
           xformat("%s(%s)", shown, wild));
      ok = false;
    } else if (ns != nf) {
      perr(p->loc, "pattern %s has %d sub-pattern%s, but %s has %d field%s (one sub-pattern per field, in order)",
                 shown, ns, ns == 1 ? "" : "s", ck_data_what(d), nf, nf == 1 ? "" : "s");
      ok = false;
    }
  }
  for (int i = 0; i < p->subs.len; i++)
    check_pat(p->subs.data[i], ok ? ((Param *)d->params.data[i])->type : ty_error, binds, tmpl);
}

static void check_literal(Pat *p, Type *t, TypeKind want, const char *what) {
  if (t->kind != T_ERROR && t->kind != want)
    perr(p->loc, "this pattern is %s, but the value matched is %s", what, ty_name(t));
}

/* Checks p against the type t of the value it matches.  binds: the names bound so far
 * in this alternative (Sym*); tmpl: those of the first alternative of the or-pattern
 * around, whose symbols later alternatives share (NULL outside one). */
static void check_pat(Pat *p, Type *t, Vec *binds, Vec *tmpl) {
  p->type = t;
  switch (p->kind) {
  case P_WILD: return;
  case P_BIND: {
    /* a variant's name always means the variant; a record's is an error there */
    Decl *d = ck_find_decl(p->name);
    if ((d && d->kind == D_RECORD) || (!d && ck_find_variant(p->name))) {
      p->kind = P_CTOR;
      check_ctor(p, t, binds, tmpl);
      return;
    }
    if (find_bind(binds, p->name)) {
      perr(p->loc, "'%s' is bound twice in this pattern", p->name);
      return;
    }
    if (tmpl) {
      Sym *s = find_bind(tmpl, p->name);
      if (!s) {
        perr(p->loc, "'%s' is bound in this alternative but not in the first one (alternatives must bind the same names)",
             p->name);
        return;
      }
      if (s->type != t && s->type->kind != T_ERROR && t->kind != T_ERROR)
        perr(p->loc, "'%s' is %s in this alternative but %s in the first one (alternatives must bind names of the same types)",
             p->name, ty_name(t), ty_name(s->type));
      p->sym = s;
      vec_push(binds, s);
      return;
    }
    p->sym = ck_declare(SYM_BINDING, p->name, p->loc, t, false);
    vec_push(binds, p->sym);
    return;
  }
  case P_INT: check_literal(p, t, T_INT, "an Int"); return;
  case P_STR: check_literal(p, t, T_STRING, "a String"); return;
  case P_BOOL: check_literal(p, t, T_BOOL, "a Bool"); return;
  case P_FLOAT:
    perr(p->loc, "a Float literal cannot be a pattern (match Int, String or Bool literals; compare Floats in a guard)");
    return;
  case P_CTOR: check_ctor(p, t, binds, tmpl); return;
  case P_OR: {
    int before = binds->len;
    check_pat(p->subs.data[0], t, binds, tmpl);
    Vec first = {0};
    for (int i = before; i < binds->len; i++) vec_push(&first, binds->data[i]);
    for (int a = 1; a < p->subs.len; a++) {
      Pat *alt = p->subs.data[a];
      binds->len = before;
      check_pat(alt, t, binds, &first);
      for (int i = 0; i < first.len; i++) {
        Sym *s = first.data[i];
        bool seen = false;
        for (int j = before; j < binds->len && !seen; j++) seen = binds->data[j] == s;
        if (!seen)
          perr(alt->loc, "'%s' is bound in the first alternative but not in this one (alternatives must bind the same names)",
               s->name);
      }
    }
    binds->len = before;
    for (int i = 0; i < first.len; i++) vec_push(binds, first.data[i]);
    return;
  }
  }
  unreachable();
}

/* ---- usefulness ------------------------------------------------------------------- */

/* A matrix of patterns: n rows of `cols` patterns each. */
typedef struct Mat {
  Pat ***rows;
  int n;
} Mat;

/* A witness: `found` and, if so, one pattern per column describing a value. */
typedef struct Wit {
  bool found;
  Pat **w;
} Wit;

enum { MAX_CELLS = 4000000 }; /* work allowed per match (pattern cells made) */
static long cells;
static bool too_complex;
static Pat wild = {.kind = P_WILD};

static bool is_wild(Pat *p) { return p->kind == P_WILD || p->kind == P_BIND; }
static int arity(Pat *c) { return c->kind == P_CTOR ? c->decl->params.len : 0; }

static bool same_ctor(Pat *a, Pat *b) {
  if (a->kind != b->kind) return false;
  switch (a->kind) {
  case P_CTOR: return a->decl == b->decl;
  case P_INT: case P_BOOL: return a->ival == b->ival;
  case P_STR: return a->slen == b->slen && !memcmp(a->sval, b->sval, (size_t)a->slen);
  default: return false;
  }
}

static Pat **cells_new(int n) {
  cells += n + 1;
  if (cells > MAX_CELLS) too_complex = true;
  return xalloc(sizeof(Pat *) * (size_t)(n + 1));
}

static Mat mat_new(int nrows) {
  Mat m = {xalloc(sizeof(Pat **) * (size_t)(nrows + 1)), 0};
  return m;
}

/* Rows whose first pattern is an or-pattern become one row per alternative. */
static Mat expand_or(Mat m, int cols) {
  bool any = false;
  for (int i = 0; i < m.n && !any; i++) any = m.rows[i][0]->kind == P_OR;
  if (!any) return m;
  Vec rows = {0};
  Vec work = {0};
  for (int i = 0; i < m.n; i++) vec_push(&work, m.rows[i]);
  for (int i = 0; i < work.len; i++) { /* in order: alternatives replace their row */
    Pat **r = work.data[i];
    if (r[0]->kind != P_OR) {
      vec_push(&rows, r);
      continue;
    }
    for (int a = 0; a < r[0]->subs.len; a++) {
      Pat **nr = cells_new(cols);
      memcpy(nr, r, sizeof(Pat *) * (size_t)cols);
      nr[0] = r[0]->subs.data[a];
      if (nr[0]->kind == P_OR) { /* nested: expand it in place, keeping the order */
        Mat one = {&nr, 1};
        Mat e = expand_or(one, cols);
        for (int k = 0; k < e.n; k++) vec_push(&rows, e.rows[k]);
      } else {
        vec_push(&rows, nr);
      }
    }
  }
  Mat out = {(Pat ***)rows.data, rows.len};
  return out;
}

/* The rows for values built by constructor c: c's sub-patterns (or wildcards) in
 * front of the rest of each row that can match such a value. */
static Mat specialize(Mat m, int cols, Pat *c) {
  int na = arity(c);
  Mat out = mat_new(m.n);
  for (int i = 0; i < m.n; i++) {
    Pat **r = m.rows[i], *h = r[0];
    if (!is_wild(h) && !same_ctor(h, c)) continue;
    Pat **nr = cells_new(na + cols - 1);
    for (int k = 0; k < na; k++) nr[k] = is_wild(h) ? &wild : h->subs.data[k];
    memcpy(nr + na, r + 1, sizeof(Pat *) * (size_t)(cols - 1));
    out.rows[out.n++] = nr;
  }
  return out;
}

/* The rows that match whatever the first value is, without it. */
static Mat default_mat(Mat m) {
  Mat out = mat_new(m.n);
  for (int i = 0; i < m.n; i++)
    if (is_wild(m.rows[i][0])) out.rows[out.n++] = m.rows[i] + 1;
  return out;
}

/* A constructor pattern like c (same constructor) with the given sub-patterns. */
static Pat *ctor_like(Pat *c, Pat **subs) {
  Pat *p = xalloc(sizeof *p);
  *p = *c;
  p->subs = (Vec){0};
  int na = arity(c);
  for (int i = 0; i < na; i++) vec_push(&p->subs, subs[i]);
  if (c->kind == P_CTOR) {
    p->name = c->decl->name;
    p->parens = na > 0 || c->decl->kind == D_RECORD;
  }
  return p;
}

/* Every constructor of t (patterns with wildcard fields), or NULL when t has
 * infinitely many (Int, String) or none that patterns name (Float, lists, ...). */
static Vec *all_ctors(Type *t) {
  Vec *v = xalloc(sizeof *v);
  if (t->kind == T_BOOL) {
    for (int b = 1; b >= 0; b--) {
      Pat *p = xalloc(sizeof *p);
      p->kind = P_BOOL;
      p->ival = b;
      vec_push(v, p);
    }
    return v;
  }
  if (!ty_is_datatype(t)) return NULL;
  Decl *d = t->decl;
  int nv = d->kind == D_ENUM ? d->variants.len : 1;
  for (int i = 0; i < nv; i++) {
    Pat *p = xalloc(sizeof *p);
    p->kind = P_CTOR;
    p->decl = d->kind == D_ENUM ? d->variants.data[i] : d;
    p->name = p->decl->name;
    vec_push(v, p);
  }
  return v;
}

static Type *sub_type(Pat *c, int i) { return ((Param *)c->decl->params.data[i])->type; }

static Wit wit_found(Pat **w) { return (Wit){true, w}; }

/* A value of type t that none of the constructors in sigma makes (all of sigma are
 * heads of rows): `_` when sigma is empty, else a missing variant (or Bool), the
 * smallest unused Int from 0, an unused String of "", "a" ... "z". */
static Pat *missing(Type *t, Vec *sigma, Vec *allc) {
  if (sigma->len == 0) return &wild;
  if (allc) {
    for (int i = 0; i < allc->len; i++) {
      Pat *c = allc->data[i];
      bool in = false;
      for (int j = 0; j < sigma->len && !in; j++) in = same_ctor(c, sigma->data[j]);
      if (in) continue;
      Pat **subs = cells_new(arity(c));
      for (int k = 0; k < arity(c); k++) subs[k] = &wild;
      return ctor_like(c, subs);
    }
    return &wild;
  }
  Pat *p = xalloc(sizeof *p);
  if (t->kind == T_INT) {
    p->kind = P_INT;
    for (p->ival = 0;; p->ival++) {
      bool used = false;
      for (int j = 0; j < sigma->len && !used; j++) used = same_ctor(p, sigma->data[j]);
      if (!used) return p;
    }
  }
  if (t->kind == T_STRING) {
    p->kind = P_STR;
    static const char letters[] = "abcdefghijklmnopqrstuvwxyz";
    for (int k = -1; k < 26; k++) {
      p->sval = k < 0 ? "" : letters + k;
      p->slen = k < 0 ? 0 : 1;
      bool used = false;
      for (int j = 0; j < sigma->len && !used; j++) used = same_ctor(p, sigma->data[j]);
      if (!used) return p;
    }
  }
  return &wild;
}

/* Maranget's U(m, q) over `cols` columns of types tys, with a witness. */
static Wit useful(Mat m, Pat **q, int cols, Type **tys) {
  if (too_complex) return (Wit){false, NULL};
  if (cols == 0) return m.n == 0 ? wit_found(cells_new(0)) : (Wit){false, NULL};
  Pat *h = q[0];
  if (h->kind == P_OR) {
    Pat **nq = cells_new(cols);
    memcpy(nq, q, sizeof(Pat *) * (size_t)cols);
    for (int a = 0; a < h->subs.len; a++) {
      nq[0] = h->subs.data[a];
      Wit w = useful(m, nq, cols, tys);
      if (w.found) return w;
    }
    return (Wit){false, NULL};
  }
  m = expand_or(m, cols);
  if (!is_wild(h)) { /* a constructor: only the rows it can meet matter */
    int na = arity(h);
    Pat **nq = cells_new(na + cols - 1);
    Type **nt = xalloc(sizeof(Type *) * (size_t)(na + cols));
    for (int k = 0; k < na; k++) nq[k] = h->subs.data[k], nt[k] = sub_type(h, k);
    memcpy(nq + na, q + 1, sizeof(Pat *) * (size_t)(cols - 1));
    memcpy(nt + na, tys + 1, sizeof(Type *) * (size_t)(cols - 1));
    Wit w = useful(specialize(m, cols, h), nq, na + cols - 1, nt);
    if (!w.found) return w;
    Pat **out = cells_new(cols);
    out[0] = ctor_like(h, w.w);
    memcpy(out + 1, w.w + na, sizeof(Pat *) * (size_t)(cols - 1));
    return wit_found(out);
  }
  /* a wildcard: the constructors the rows name in this column */
  Vec sigma = {0};
  for (int i = 0; i < m.n; i++) {
    Pat *r0 = m.rows[i][0];
    if (is_wild(r0)) continue;
    bool seen = false;
    for (int j = 0; j < sigma.len && !seen; j++) seen = same_ctor(r0, sigma.data[j]);
    if (!seen) vec_push(&sigma, r0);
  }
  Vec *allc = all_ctors(tys[0]);
  bool complete = allc && sigma.len > 0;
  for (int i = 0; complete && i < allc->len; i++) {
    bool in = false;
    for (int j = 0; j < sigma.len && !in; j++) in = same_ctor(allc->data[i], sigma.data[j]);
    complete = in;
  }
  if (complete) { /* every constructor is named: try each */
    for (int i = 0; i < allc->len; i++) {
      Pat *c = allc->data[i];
      int na = arity(c);
      Pat **nq = cells_new(na + cols - 1);
      Type **nt = xalloc(sizeof(Type *) * (size_t)(na + cols));
      for (int k = 0; k < na; k++) nq[k] = &wild, nt[k] = sub_type(c, k);
      memcpy(nq + na, q + 1, sizeof(Pat *) * (size_t)(cols - 1));
      memcpy(nt + na, tys + 1, sizeof(Type *) * (size_t)(cols - 1));
      Wit w = useful(specialize(m, cols, c), nq, na + cols - 1, nt);
      if (!w.found) continue;
      Pat **out = cells_new(cols);
      out[0] = ctor_like(c, w.w);
      memcpy(out + 1, w.w + na, sizeof(Pat *) * (size_t)(cols - 1));
      return wit_found(out);
    }
    return (Wit){false, NULL};
  }
  Wit w = useful(default_mat(m), q + 1, cols - 1, tys + 1);
  if (!w.found) return w;
  Pat **out = cells_new(cols);
  out[0] = missing(tys[0], &sigma, allc);
  memcpy(out + 1, w.w, sizeof(Pat *) * (size_t)(cols - 1));
  return wit_found(out);
}

/* Is p useful against the first n patterns of rows (one column of type t)? */
static Wit useful1(Pat **rows, int n, Pat *p, Type *t) {
  Mat m = mat_new(n);
  for (int i = 0; i < n; i++) {
    Pat **r = cells_new(1);
    r[0] = rows[i];
    m.rows[m.n++] = r;
  }
  Pat *q[1] = {p};
  Type *tys[1] = {t};
  return useful(m, q, 1, tys);
}

/* Exhaustiveness and unreachable arms, reported only when the whole analysis fits
 * in its budget (else one error says so). */
static void check_arms(Node *n, Type *st) {
  int na = n->arms.len;
  Pat **rows = xalloc(sizeof(Pat *) * (size_t)(na + 1));
  int *lines = xalloc(sizeof(int) * (size_t)(na + 1));
  int nrows = 0;
  Vec msgs = {0}; /* (Loc *, const char *) pairs, held until the budget is known */
  cells = 0;
  too_complex = false;
  for (int i = 0; i < na; i++) {
    MatchArm *arm = n->arms.data[i];
    if (nrows > 0 && !useful1(rows, nrows, arm->pat, st).found && !too_complex) {
      int lo = 1, hi = nrows; /* the fewest earlier arms that cover it */
      while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (!useful1(rows, mid, arm->pat, st).found) hi = mid;
        else lo = mid + 1;
      }
      vec_push(&msgs, &arm->pat->loc);
      vec_push(&msgs, xformat("unreachable arm: %s is already matched at line %d", pat_str(arm->pat), lines[lo - 1]));
    }
    if (!arm->guard) { /* guarded arms count as matching nothing */
      lines[nrows] = arm->loc.line;
      rows[nrows++] = arm->pat;
    }
  }
  Wit w = useful1(rows, nrows, &wild, st);
  if (too_complex) {
    diag_error(n->loc, "this match is too complex to check for missing and unreachable arms; split it into smaller ones");
    return;
  }
  for (int i = 0; i < msgs.len; i += 2) diag_error(*(Loc *)msgs.data[i], "%s", (const char *)msgs.data[i + 1]);
  if (w.found) diag_error(n->loc, "match is not exhaustive: %s is not matched", pat_str(w.w[0]));
}

/* ---- the match -------------------------------------------------------------------- */

/* The expression that is an arm's value, or NULL (after an error) when its body is
 * not one expression. */
static Node *arm_value(MatchArm *arm) {
  bool one_expr = arm->body.len == 1 && ((Node *)arm->body.data[0])->kind == N_EXPR;
  if (arm->block && one_expr) { /* { e }: said once, then e is checked as the value */
    Node *e = ((Node *)arm->body.data[0])->a;
    diag_error(e->loc, "an arm's value is written without braces (a block has no value)");
    return e;
  }
  if (!one_expr) {
    Node *at = arm->body.len ? arm->body.data[0] : NULL;
    diag_error(at ? at->loc : arm->loc, "this arm has no value (a match used as a value needs one expression per arm)");
    return NULL;
  }
  return ((Node *)arm->body.data[0])->a;
}

/* match n->a { arms }: as a statement (stmt) its arms are statements and it has no
 * value; as an expression each arm is one expression, all of one type: its value. */
Type *ck_match(Node *n, Type *expected, bool stmt) {
  n->ival = stmt;
  Type *st = ck_expr(n->a, NULL);
  n->mutates = n->a->mutates;
  if (st->kind == T_VOID) {
    diag_error(n->a->loc, "a match needs a value to match, but this expression has none");
    st = ty_error;
  } else if (ty_has_empty(st)) {
    diag_error(n->a->loc, "cannot tell the element type of this empty literal; give it a type first");
    st = ty_error;
  } else if (st->kind == T_NONE) {
    ck_coerce(n->a, ty_anyactor);
    st = ty_anyactor;
  }
  Type *want = expected && expected->kind != T_ERROR && expected->kind != T_VOID && !ty_has_empty(expected) &&
                       expected->kind != T_ANY ? expected : NULL;
  Type *found = NULL;
  Node **values = xalloc(sizeof(Node *) * (size_t)(n->arms.len + 1));
  bool bad = false;
  for (int i = 0; i < n->arms.len; i++) {
    MatchArm *arm = n->arms.data[i];
    ck_push_scope();
    int before = pat_errors;
    check_pat(arm->pat, st, &arm->binds, NULL);
    bad |= pat_errors != before;
    if (arm->guard) {
      Type *g = ck_expr(arm->guard, ty_bool);
      n->mutates |= arm->guard->mutates;
      if (g->kind != T_BOOL && g->kind != T_ERROR)
        diag_error(arm->guard->loc, "the guard of a match arm must be Bool, found %s", ty_name(g));
    }
    if (stmt) {
      ck_push_scope();
      ck_stmts(&arm->body);
      ck_pop_scope();
    } else if ((values[i] = arm_value(arm)) != NULL) {
      Type *t = ck_expr(values[i], want ? want : found);
      n->mutates |= values[i]->mutates;
      if (!found && t->kind != T_VOID && t->kind != T_NONE && t->kind != T_ERROR && !ty_has_empty(t)) found = t;
    } else {
      ck_push_scope();
      ck_stmts(&arm->body);
      ck_pop_scope();
    }
    ck_pop_scope();
  }
  if (!bad && st->kind != T_ERROR) check_arms(n, st);
  if (stmt) return ty_void;
  /* the value's type: the one wanted, else the first arm's that says */
  Type *rt = want ? want : found;
  if (!rt) {
    for (int i = 0; i < n->arms.len && !rt; i++) {
      Node *v = values[i];
      if (!v || v->type->kind == T_ERROR || v->type->kind == T_VOID) continue;
      if (v->type->kind == T_NONE) rt = ty_anyactor;
      else if (ty_has_empty(v->type)) {
        diag_error(v->loc, "cannot tell the element type of this empty literal; give the match's value a type first");
        return ty_error;
      }
    }
    if (!rt) return ty_error;
  }
  for (int i = 0; i < n->arms.len; i++) {
    Node *v = values[i];
    if (!v || v->type->kind == T_ERROR) continue;
    if (v->type->kind == T_VOID)
      diag_error(v->loc, "this arm has no value (a match used as a value needs one expression per arm)");
    else if (!ty_assignable(rt, v->type))
      diag_error(v->loc, "the arms of a match must all have type %s, this one is %s", ty_name(rt), ty_name(v->type));
    else
      ck_coerce(v, rt);
  }
  return rt;
}

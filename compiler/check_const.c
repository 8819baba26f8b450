/* check_const.c — constants (LANGUAGE.md §11): `const NAME = EXPR` at top level, and
 * the other places a value must be known at compile time (a supervisor's intensity).
 *
 * A constant expression is made of Int, Float, Bool and String literals, other
 * constants (bare, or M.NAME for a std module's) and the operators of §2 — no calls,
 * no interpolation.  It is computed here, with the language's own arithmetic:
 * overflow and division by zero are errors at the operator; && and || short-circuit,
 * and an operand they skip is only type-checked.  A constant is computed the first
 * time it is needed (declaration order does not matter); meeting it again while it is
 * being computed is a cycle, reported once, at the cycle's earliest-declared constant.
 *
 * Produces: each D_CONST's const_val, a literal node (N_INT, N_FLOAT, N_BOOL, N_STR)
 * that check_name copies in place of the constant's name, marked with const_decl. */
#include "check.h"

#include <math.h>
#include <string.h>

static Vec busy; /* Decl*: the constants being computed, outermost first */

static Node *lit(NodeKind k, Type *t, Loc loc) {
  Node *n = ast_node(k, loc);
  n->type = t;
  return n;
}

static Node *int_lit(int64_t v, Loc loc) {
  Node *n = lit(N_INT, ty_int, loc);
  n->ival = v;
  n->uval = (uint64_t)v;
  return n;
}

static Node *float_lit(double v, Loc loc) {
  Node *n = lit(N_FLOAT, ty_float, loc);
  n->fval = v;
  return n;
}

static Node *bool_lit(bool v, Loc loc) {
  Node *n = lit(N_BOOL, ty_bool, loc);
  n->ival = v;
  return n;
}

static const char *opname(int op) {
  switch (op) {
  case OP_EQ: return "==";
  case OP_NE: return "!=";
  case OP_LE: return "<=";
  case OP_GE: return ">=";
  case OP_AND: return "&&";
  case OP_OR: return "||";
  }
  return xformat("%c", op);
}

/* Compares two strings bytewise (as the runtime does). */
static int str_cmp(Node *a, Node *b) {
  int64_t n = a->slen < b->slen ? a->slen : b->slen;
  int c = memcmp(a->sval, b->sval, (size_t)n);
  return c ? c : (a->slen > b->slen) - (a->slen < b->slen);
}

/* Int arithmetic as the runtime does it; false (and *why) on overflow or division by 0. */
static bool int_arith(int op, int64_t a, int64_t b, int64_t *r, const char **why) {
  switch (op) {
  case '+': if (__builtin_add_overflow(a, b, r)) goto overflow; return true;
  case '-': if (__builtin_sub_overflow(a, b, r)) goto overflow; return true;
  case '*': if (__builtin_mul_overflow(a, b, r)) goto overflow; return true;
  case '/':
  case '%':
    if (b == 0) { *why = "division by zero"; return false; }
    if (b == -1) { /* INT64_MIN / -1 overflows; x % -1 is 0 */
      if (op == '%') { *r = 0; return true; }
      if (a == INT64_MIN) goto overflow;
    }
    *r = op == '/' ? a / b : a % b;
    return true;
  }
  unreachable();
overflow:
  *why = "integer overflow";
  return false;
}

static Node *eval(Node *e, bool live, int file);

static Node *eval_name(Node *e, int file) {
  Name *n = e->qual ? ck_find_qualified(e->qual, e->name, e->loc) : names_find(e->name, file);
  if (e->qual && !n) return NULL;
  if (!n || n->kind != NK_CONST) {
    diag_error(e->loc, "'%s' is not a constant: a constant's value is made of literals, other constants and operators",
               e->name);
    return NULL;
  }
  return ck_const_value(n->decl);
}

static Node *eval_unary(Node *e, bool live, int file) {
  if (e->op == '-' && e->a->kind == N_INT && e->a->negated_literal) /* -9223372036854775808 */
    return int_lit((int64_t)(0 - e->a->uval), e->loc);
  Node *v = eval(e->a, live, file);
  if (!v) return NULL;
  if (e->op == '!') {
    if (v->type != ty_bool) {
      diag_error(e->loc, "! needs a Bool, found %s", ty_name(v->type));
      return NULL;
    }
    return bool_lit(!v->ival, e->loc);
  }
  if (v->type == ty_float) return float_lit(-v->fval, e->loc);
  if (v->type != ty_int) {
    diag_error(e->loc, "unary - needs an Int or a Float, found %s", ty_name(v->type));
    return NULL;
  }
  if (v->ival == INT64_MIN) {
    if (!live) return int_lit(0, e->loc);
    diag_error(e->loc, "integer overflow in constant expression");
    return NULL;
  }
  return int_lit(-v->ival, e->loc);
}

static Node *eval_binary(Node *e, bool live, int file) {
  int op = e->op;
  Node *a = eval(e->a, live, file);
  if (op == OP_AND || op == OP_OR) {
    bool skip = a && a->type == ty_bool && (op == OP_AND ? !a->ival : a->ival);
    Node *b = eval(e->b, live && !skip, file);
    if (!a || !b) return NULL;
    if (a->type != ty_bool || b->type != ty_bool) {
      diag_error(e->loc, "%s needs Bool operands, found %s and %s", opname(op), ty_name(a->type), ty_name(b->type));
      return NULL;
    }
    return bool_lit(op == OP_AND ? a->ival && b->ival : a->ival || b->ival, e->loc);
  }
  Node *b = eval(e->b, live, file);
  if (!a || !b) return NULL;
  Type *t = a->type;
  if (op == OP_EQ || op == OP_NE) {
    if (t != b->type) {
      diag_error(e->loc, "mismatched types: cannot compare %s with %s", ty_name(t), ty_name(b->type));
      return NULL;
    }
    bool eq = t == ty_string ? str_cmp(a, b) == 0 : t == ty_float ? a->fval == b->fval : a->ival == b->ival;
    return bool_lit(op == OP_EQ ? eq : !eq, e->loc);
  }
  if (op == '<' || op == '>' || op == OP_LE || op == OP_GE) {
    if (t != b->type || (t != ty_int && t != ty_float && t != ty_string)) {
      if (t == b->type)
        diag_error(e->loc, "%s compares Ints, Floats or Strings, not %s", opname(op), ty_name(t));
      else
        diag_error(e->loc, "mismatched types: cannot compare %s with %s (no implicit conversions; use float() or int())",
                   ty_name(t), ty_name(b->type));
      return NULL;
    }
    int c = t == ty_string ? str_cmp(a, b)
            : t == ty_float ? (a->fval > b->fval) - (a->fval < b->fval)
                            : (a->ival > b->ival) - (a->ival < b->ival);
    bool unordered = t == ty_float && (isnan(a->fval) || isnan(b->fval)); /* every comparison with nan is false */
    bool r = !unordered && (op == '<' ? c < 0 : op == '>' ? c > 0 : op == OP_LE ? c <= 0 : c >= 0);
    return bool_lit(r, e->loc);
  }
  if (op == '+' && t == ty_string && b->type == ty_string) {
    Node *n = lit(N_STR, ty_string, e->loc);
    char *s = xalloc((size_t)(a->slen + b->slen + 1));
    memcpy(s, a->sval, (size_t)a->slen);
    memcpy(s + a->slen, b->sval, (size_t)b->slen);
    n->sval = s;
    n->slen = a->slen + b->slen;
    return n;
  }
  if (t != b->type || (t != ty_int && t != ty_float)) {
    if (t == b->type)
      diag_error(e->loc, "%s works on Ints and Floats%s, not %s", opname(op), op == '+' ? " (and joins Strings)" : "",
                 ty_name(t));
    else
      diag_error(e->loc, "mismatched types: %s %s %s (no implicit conversions; use float(), int() or str())",
                 ty_name(t), opname(op), ty_name(b->type));
    return NULL;
  }
  if (t == ty_float) {
    double x = a->fval, y = b->fval;
    return float_lit(op == '+' ? x + y : op == '-' ? x - y : op == '*' ? x * y : op == '/' ? x / y : fmod(x, y), e->loc);
  }
  int64_t r;
  const char *why;
  if (!int_arith(op, a->ival, b->ival, &r, &why)) {
    if (!live) return int_lit(0, e->loc); /* never computed: only its type matters */
    diag_error(e->loc, "%s in constant expression", why);
    return NULL;
  }
  return int_lit(r, e->loc);
}

/* The value of a constant expression written in `file`, or NULL after an error.  live:
 * the value is computed (false in the operand && or || skips). */
static Node *eval(Node *e, bool live, int file) {
  switch (e->kind) {
  case N_INT:
    if (e->uval > (uint64_t)INT64_MAX) {
      diag_error(e->loc, "integer literal 9223372036854775808 is too large for Int (it fits only as -9223372036854775808)");
      return NULL;
    }
    return int_lit(e->ival, e->loc);
  case N_FLOAT: return float_lit(e->fval, e->loc);
  case N_BOOL: return bool_lit(e->ival, e->loc);
  case N_STR: {
    Node *n = lit(N_STR, ty_string, e->loc);
    n->sval = e->sval;
    n->slen = e->slen;
    return n;
  }
  case N_INTERP:
    diag_error(e->loc, "a constant cannot use string interpolation (join strings with +)");
    return NULL;
  case N_NAME: return eval_name(e, file);
  case N_FIELD: /* M.NAME: a std module's constant */
    if (e->a->kind == N_NAME && names_is_module(e->a->name)) {
      Node q = *e;
      q.kind = N_NAME;
      q.qual = e->a->name;
      return eval_name(&q, file);
    }
    break;
  case N_UNARY: return eval_unary(e, live, file);
  case N_BINARY: return eval_binary(e, live, file);
  case N_CALL:
  case N_METHOD:
    diag_error(e->loc, "a constant's value can only use literals, other constants and operators (no calls)");
    return NULL;
  default: break;
  }
  diag_error(e->loc, "a constant's value can only use literals of Int, Float, Bool and String, other constants and "
                     "operators");
  return NULL;
}

/* The cycle c closes, reported at its earliest-declared constant (load order, then
 * position), once. */
static void report_cycle(Decl *c) {
  int from = 0;
  while (busy.data[from] != c) from++;
  Decl *first = c;
  const char *path = "";
  for (int i = from; i < busy.len; i++) {
    Decl *d = busy.data[i];
    path = xformat("%s%s -> ", path, d->name);
    if (d->file < first->file || (d->file == first->file && (d->loc.line < first->loc.line ||
                                                             (d->loc.line == first->loc.line && d->loc.col < first->loc.col))))
      first = d;
  }
  for (int i = from; i < busy.len; i++) ((Decl *)busy.data[i])->const_state = 3; /* on a reported cycle */
  if (busy.len - from == 1)
    diag_error(first->loc, "constant %s is defined in terms of itself", c->name);
  else
    diag_error(first->loc, "constant %s is defined in terms of itself (a cycle of constants: %s%s)", first->name, path,
               c->name);
}

Node *ck_const_value(Decl *c) {
  if (c->const_state == 2) return c->const_val;
  if (c->const_state == 1) {
    report_cycle(c);
    return NULL;
  }
  if (c->const_state == 3) return NULL; /* its cycle is reported */
  c->const_state = 1;
  vec_push(&busy, c);
  Node *v = eval(c->value, true, c->file);
  busy.len--;
  if (c->const_state == 3) v = NULL;
  c->const_val = v;
  c->const_state = 2;
  return v;
}

void ck_consts(Program *p) {
  busy = (Vec){0};
  for (int i = 0; i < p->decls.len; i++) {
    Decl *d = p->decls.data[i];
    if (d->kind == D_CONST) ck_const_value(d);
  }
}

bool ck_const_int(Node *e, int file, const char *what, int64_t *out) {
  Node *v = eval(e, true, file);
  if (!v) return false;
  if (v->type != ty_int) {
    diag_error(e->loc, "%s must be an Int, found %s", what, ty_name(v->type));
    return false;
  }
  *out = v->ival;
  return true;
}

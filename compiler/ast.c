/* ast.c — constructors for syntax-tree nodes, called from the actions in
 * grammar/parser.y.  The checker fills in types and resolution later. */
#include "compiler.h"

Node *ast_node(NodeKind k, Loc loc) {
  Node *n = xalloc(sizeof *n);
  n->kind = k;
  n->loc = loc;
  return n;
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

TypeExpr *ast_type(TypeExprKind k, Loc loc, const char *name, TypeExpr *a, TypeExpr *b) {
  TypeExpr *t = xalloc(sizeof *t);
  t->kind = k;
  t->loc = loc;
  t->name = name;
  t->a = a;
  t->b = b;
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

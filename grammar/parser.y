/* parser.y — the grammar of .actor files (LANGUAGE.md), building the AST through the
 * constructors in compiler/ast.c.  A pure, reentrant parser; the scanner is
 * grammar/lexer.l.  Error recovery: the `error` alternatives of opt_item, opt_member,
 * opt_sup and opt_stmt resynchronise at the next ';' (or newline) or '}', so that every
 * syntax error of a file is reported, not just the first. */
%require "3.6"
%define api.pure full
%define parse.error custom
%define parse.lac full
%define lr.default-reduction consistent
%define api.location.type {Loc}
%locations
%expect 0
%param {yyscan_t scanner}
%parse-param {Program *prog} {int file}

%code requires {
#include "compiler.h"
typedef void *yyscan_t;
}

%code provides {
int yylex(YYSTYPE *lval, YYLTYPE *lloc, yyscan_t scanner);
bool lex_last_was_newline(yyscan_t scanner);
bool lex_too_deep(yyscan_t scanner);
}

%code {
#include <string.h>

#define YYLLOC_DEFAULT(Cur, Rhs, N)                                   \
  do {                                                                \
    if (N) {                                                          \
      (Cur).file = YYRHSLOC(Rhs, 1).file;                             \
      (Cur).line = YYRHSLOC(Rhs, 1).line;                             \
      (Cur).col = YYRHSLOC(Rhs, 1).col;                               \
      (Cur).end_line = YYRHSLOC(Rhs, N).end_line;                     \
      (Cur).end_col = YYRHSLOC(Rhs, N).end_col;                       \
    } else {                                                          \
      (Cur).file = YYRHSLOC(Rhs, 0).file;                             \
      (Cur).line = (Cur).end_line = YYRHSLOC(Rhs, 0).end_line;        \
      (Cur).col = (Cur).end_col = YYRHSLOC(Rhs, 0).end_col;           \
    }                                                                 \
  } while (0)

static void yyerror(YYLTYPE *loc, yyscan_t scanner, Program *prog, int file, const char *msg);
static void add_item(Program *prog, Decl *d, int file);
static Vec vec1(void *x) { Vec v = {0}; vec_push(&v, x); return v; }
}

%union {
  const char *str;
  struct { const char *p; int64_t len; } s;
  uint64_t u;
  double f;
  int op;
  Node *node;
  Vec vec;
  TypeExpr *te;
  Decl *decl;
  Param *param;
  Block *blk;
  Child *child;
}

%token END 0 "end of file"
%token <str> IDENT "name"
%token <u> INT "integer"
%token <f> FLOAT "number"
%token <s> STRING "string"
%token <s> STR_START "string with interpolation"
%token <s> STR_MID "rest of the string"
%token <s> STR_END "end of the string"
%token ACTOR "actor" SUPERVISOR "supervisor" CHILD "child" STRATEGY "strategy"
%token INTENSITY "intensity" PER "per" FN "fn" EXTERN "extern" USE "use" ON "on"
%token LET "let" VAR "var" IF "if" ELSE "else" WHILE "while" FOR "for" IN "in"
%token BREAK "break" CONTINUE "continue" RETURN "return" SPAWN "spawn" SELF "self"
%token NONE "none" TRUE "true" FALSE "false" THEN "then" AFTER "after" EVERY "every"
%token DOTDOT ".." ARROW "->" EQ "==" NE "!=" LE "<=" GE ">=" AND "&&" OR "||"
%token ADD_ASSIGN "+=" SUB_ASSIGN "-=" MUL_ASSIGN "*=" DIV_ASSIGN "/=" MOD_ASSIGN "%="

%left OR
%left AND
%left EQ NE
%left '<' LE '>' GE
%left '+' '-'
%left '*' '/' '%'
%precedence UNARY

%type <decl> item actor supervisor fn handler delivered_sig
%type <vec> delivered params param_list opt_args arg_list stmts block members member_list sup_items sup_list map_entries interp_rest
%type <param> param
%type <te> type opt_ret opt_type
%type <node> expr postfix primary stmt simple_stmt if_stmt field string opt_symbol
%type <blk> then_clause else_clause
%type <op> assign_op
%type <child> child

%%

program
  : items
  | items error
  ;

items
  : %empty
  | items ';'
  | items item                  { add_item(prog, $2, file); }
  | items error ';'
  ;

item
  : actor
  | supervisor
  | fn
  | EXTERN FN IDENT params opt_ret opt_symbol
      { $$ = xalloc(sizeof(Decl)); $$->kind = D_EXTERN; $$->name = $3; $$->loc = @3; $$->params = $4; $$->ret_te = $5;
        $$->csym = $6; }
  | EXTERN FN IDENT params opt_ret IDENT delivered opt_symbol
      { $$ = xalloc(sizeof(Decl)); $$->kind = D_EXTERN; $$->name = $3; $$->loc = @3; $$->params = $4; $$->ret_te = $5;
        $$->delivers = $7; $$->csym = $8;
        if (strcmp($6, "delivers")) diag_error(@6, "expected 'delivers' or the end of the declaration, found '%s'", $6); }
  | USE STRING
      { $$ = xalloc(sizeof(Decl)); $$->kind = D_USE; $$->use_path = $2.p; $$->loc = @2; $$->name = "use"; }
  | USE IDENT '.' IDENT
      { $$ = xalloc(sizeof(Decl)); $$->kind = D_USE; $$->use_std = true; $$->name = $4; $$->loc = @4;
        if (strcmp($2, "std")) { diag_error(@2, "expected a path string or std.NAME after use"); } }
  ;

actor
  : ACTOR IDENT params '{' member_list '}'
      { $$ = xalloc(sizeof(Decl)); $$->kind = D_ACTOR; $$->name = $2; $$->loc = @2; $$->params = $3;
        for (int i = 0; i < $5.len; i++) {
          void *m = $5.data[i];
          if (((Node *)m)->kind == N_LET || ((Node *)m)->kind == N_VAR) vec_push(&$$->fields, m);
          else {
            Decl *d = ((Node *)m)->decl;
            d->owner = $$;
            vec_push(d->kind == D_HANDLER ? &$$->handlers : &$$->methods, d);
          }
        } }
  | ACTOR IDENT '{' member_list '}'
      { $$ = xalloc(sizeof(Decl)); $$->kind = D_ACTOR; $$->name = $2; $$->loc = @2;
        for (int i = 0; i < $4.len; i++) {
          void *m = $4.data[i];
          if (((Node *)m)->kind == N_LET || ((Node *)m)->kind == N_VAR) vec_push(&$$->fields, m);
          else {
            Decl *d = ((Node *)m)->decl;
            d->owner = $$;
            vec_push(d->kind == D_HANDLER ? &$$->handlers : &$$->methods, d);
          }
        } }
  ;

/* Members come back as nodes: fields as N_LET/N_VAR, handlers and methods wrapped in an
 * N_EXPR node whose decl is set (sorted out by the actor rule). */
member_list
  : members
  | members error
  ;

members
  : %empty                      { $$ = (Vec){0}; }
  | members ';'
  | members field               { $$ = $1; vec_push(&$$, $2); }
  | members handler             { $$ = $1; Node *n = ast_node(N_EXPR, $2->loc); n->decl = $2; vec_push(&$$, n); }
  | members fn                  { $$ = $1; Node *n = ast_node(N_EXPR, $2->loc); n->decl = $2; vec_push(&$$, n); }
  | members error ';'
  ;

field
  : LET IDENT opt_type '=' expr
      { $$ = ast_node(N_LET, @1); $$->name = $2; $$->name_loc = @2; $$->te = $3; $$->a = $5; }
  | VAR IDENT opt_type '=' expr
      { $$ = ast_node(N_VAR, @1); $$->name = $2; $$->name_loc = @2; $$->te = $3; $$->a = $5; }
  | VAR IDENT ':' type
      { $$ = ast_node(N_VAR, @1); $$->name = $2; $$->name_loc = @2; $$->te = $4; }
  ;

handler
  : ON IDENT params opt_ret block
      { $$ = xalloc(sizeof(Decl)); $$->kind = D_HANDLER; $$->name = $2; $$->loc = @2; $$->params = $3; $$->ret_te = $4; $$->body = $5; }
  ;

fn
  : FN IDENT params opt_ret block
      { $$ = xalloc(sizeof(Decl)); $$->kind = D_FN; $$->name = $2; $$->loc = @2; $$->params = $3; $$->ret_te = $4; $$->body = $5; }
  ;

supervisor
  : SUPERVISOR IDENT params '{' sup_list '}'
      { $$ = xalloc(sizeof(Decl)); $$->kind = D_SUPERVISOR; $$->name = $2; $$->loc = @2; $$->params = $3;
        for (int i = 0; i < $5.len; i++) {
          Node *n = $5.data[i];
          if (n->kind == N_EXPR && n->name && !strcmp(n->name, "strategy")) {
            if ($$->has_strategy) diag_error(n->loc, "strategy given twice");
            $$->has_strategy = true; $$->strategy = n->name2; $$->strategy_loc = n->name2_loc;
          } else if (n->kind == N_EXPR && n->name && !strcmp(n->name, "intensity")) {
            if ($$->has_intensity) diag_error(n->loc, "intensity given twice");
            $$->has_intensity = true; $$->intensity = n->ival; $$->period_ms = (int64_t)n->uval; $$->intensity_loc = n->loc;
          } else vec_push(&$$->children, n->a);
        } }
  | SUPERVISOR IDENT '{' sup_list '}'
      { $$ = xalloc(sizeof(Decl)); $$->kind = D_SUPERVISOR; $$->name = $2; $$->loc = @2;
        for (int i = 0; i < $4.len; i++) {
          Node *n = $4.data[i];
          if (n->kind == N_EXPR && n->name && !strcmp(n->name, "strategy")) {
            if ($$->has_strategy) diag_error(n->loc, "strategy given twice");
            $$->has_strategy = true; $$->strategy = n->name2; $$->strategy_loc = n->name2_loc;
          } else if (n->kind == N_EXPR && n->name && !strcmp(n->name, "intensity")) {
            if ($$->has_intensity) diag_error(n->loc, "intensity given twice");
            $$->has_intensity = true; $$->intensity = n->ival; $$->period_ms = (int64_t)n->uval; $$->intensity_loc = n->loc;
          } else vec_push(&$$->children, n->a);
        } }
  ;

/* Supervisor items come back as N_EXPR nodes: name "strategy" (name2 = strategy),
 * "intensity" (ival per uval), or a child (a = the Child, smuggled as a node). */
sup_list
  : sup_items
  | sup_items error
  ;

sup_items
  : %empty                      { $$ = (Vec){0}; }
  | sup_items ';'
  | sup_items STRATEGY IDENT
      { $$ = $1; Node *n = ast_node(N_EXPR, @2); n->name = "strategy"; n->name2 = $3; n->name2_loc = @3; vec_push(&$$, n); }
  | sup_items INTENSITY INT PER INT
      { $$ = $1; Node *n = ast_node(N_EXPR, @2); n->name = "intensity"; n->ival = (int64_t)$3; n->uval = $5;
        if ($3 > INT32_MAX || $5 > INT32_MAX) diag_error(@2, "intensity out of range");
        vec_push(&$$, n); }
  | sup_items child
      { $$ = $1; Node *n = ast_node(N_EXPR, $2->loc); n->a = (Node *)$2; vec_push(&$$, n); }
  | sup_items error ';'
  ;

child
  : CHILD IDENT '=' IDENT '(' opt_args ')'
      { $$ = xalloc(sizeof(Child)); $$->name = $2; $$->loc = @2; $$->kind_name = $4; $$->kind_loc = @4; $$->args = $6; }
  ;

params
  : '(' ')'                     { $$ = (Vec){0}; }
  | '(' param_list ')'          { $$ = $2; }
  | '(' param_list ',' ')'      { $$ = $2; }
  ;

param_list
  : param                       { $$ = vec1($1); }
  | param_list ',' param        { $$ = $1; vec_push(&$$, $3); }
  ;

param
  : IDENT ':' type              { $$ = xalloc(sizeof(Param)); $$->name = $1; $$->loc = @1; $$->te = $3; }
  ;

/* extern fn ... delivers on_a(x: Int), on_b(s: String): the handlers the calling
 * actor must declare to receive what the function sends it (as down for monitor). */
delivered
  : delivered_sig               { $$ = vec1($1); }
  | delivered ',' delivered_sig { $$ = $1; vec_push(&$$, $3); }
  ;

delivered_sig
  : IDENT params                { $$ = xalloc(sizeof(Decl)); $$->kind = D_HANDLER; $$->name = $1; $$->loc = @1; $$->params = $2; }
  ;

/* extern fn ... = "c_name": the C symbol the declaration binds (its own name without) */
opt_symbol
  : %empty                      { $$ = NULL; }
  | '=' string                  { $$ = $2; }
  ;

opt_ret
  : %empty                      { $$ = NULL; }
  | ARROW type                  { $$ = $2; }
  ;

opt_type
  : %empty                      { $$ = NULL; }
  | ':' type                    { $$ = $2; }
  ;

type
  : IDENT                       { $$ = ast_type(TE_NAME, @1, $1, NULL, NULL); }
  | '[' type ']'                { $$ = ast_type(TE_LIST, @1, NULL, $2, NULL); }
  | '{' type ':' type '}'       { $$ = ast_type(TE_MAP, @1, NULL, $2, $4); }
  ;

/* ---- statements ---- */

block
  : '{' stmts '}'               { $$ = $2; }
  | '{' stmts stmt '}'          { $$ = $2; vec_push(&$$, $3); }
  | '{' stmts error '}'         { $$ = $2; }
  ;

stmts
  : %empty                      { $$ = (Vec){0}; }
  | stmts ';'
  | stmts stmt ';'              { $$ = $1; vec_push(&$$, $2); }
  | stmts error ';'
  ;

stmt
  : simple_stmt
  | LET IDENT opt_type '=' expr { $$ = ast_node(N_LET, @1); $$->name = $2; $$->name_loc = @2; $$->te = $3; $$->a = $5; }
  | VAR IDENT opt_type '=' expr { $$ = ast_node(N_VAR, @1); $$->name = $2; $$->name_loc = @2; $$->te = $3; $$->a = $5; }
  | VAR IDENT ':' type          { $$ = ast_node(N_VAR, @1); $$->name = $2; $$->name_loc = @2; $$->te = $4; }
  | if_stmt
  | WHILE expr block            { $$ = ast_node(N_WHILE, @1); $$->a = $2; $$->body = $3; }
  | FOR IDENT IN expr DOTDOT expr block
      { $$ = ast_node(N_FOR_RANGE, @1); $$->name = $2; $$->name_loc = @2; $$->a = $4; $$->b = $6; $$->body = $7; }
  | FOR IDENT IN expr block
      { $$ = ast_node(N_FOR_EACH, @1); $$->name = $2; $$->name_loc = @2; $$->a = $4; $$->body = $5; }
  | FOR IDENT ',' IDENT IN expr block
      { $$ = ast_node(N_FOR_EACH, @1); $$->name = $2; $$->name_loc = @2; $$->name2 = $4; $$->name2_loc = @4; $$->a = $6; $$->body = $7; }
  | BREAK                       { $$ = ast_node(N_BREAK, @1); }
  | CONTINUE                    { $$ = ast_node(N_CONTINUE, @1); }
  | RETURN                      { $$ = ast_node(N_RETURN, @1); }
  | RETURN expr                 { $$ = ast_node(N_RETURN, @1); $$->a = $2; }
  ;

if_stmt
  : IF expr block               { $$ = ast_node(N_IF, @1); $$->a = $2; $$->body = $3; }
  | IF expr block ELSE block    { $$ = ast_node(N_IF, @1); $$->a = $2; $$->body = $3; $$->els = $5; }
  | IF expr block ELSE if_stmt  { $$ = ast_node(N_IF, @1); $$->a = $2; $$->body = $3; $$->els = vec1($5); }
  ;

simple_stmt
  : expr                        { $$ = ast_node(N_EXPR, $1->loc); $$->a = $1; }
  | expr assign_op expr         { $$ = ast_node(N_ASSIGN, @2); $$->op = $2; $$->a = $1; $$->b = $3; }
  | postfix '!' IDENT '(' opt_args ')'
      { $$ = ast_node(N_SEND, @2); $$->a = $1; $$->name = $3; $$->name_loc = @3; $$->list = $5; }
  | postfix '?' IDENT '(' opt_args ')' then_clause else_clause
      { $$ = ast_node(N_REQUEST, @2); $$->a = $1; $$->name = $3; $$->name_loc = @3; $$->list = $5;
        $$->then_blk = $7; $$->else_blk = $8; }
  ;

then_clause
  : %empty                      { $$ = NULL; }
  | THEN '(' IDENT ')' block    { $$ = ast_block(@1, $3, @3, $5); }
  ;

else_clause
  : %empty                      { $$ = NULL; }
  | ELSE '(' IDENT ')' block    { $$ = ast_block(@1, $3, @3, $5); }
  | ELSE block                  { $$ = ast_block(@1, NULL, @1, $2); }
  ;

assign_op
  : '='                         { $$ = '='; }
  | ADD_ASSIGN                  { $$ = OP_ADD_ASSIGN; }
  | SUB_ASSIGN                  { $$ = OP_SUB_ASSIGN; }
  | MUL_ASSIGN                  { $$ = OP_MUL_ASSIGN; }
  | DIV_ASSIGN                  { $$ = OP_DIV_ASSIGN; }
  | MOD_ASSIGN                  { $$ = OP_MOD_ASSIGN; }
  ;

/* ---- expressions ---- */

expr
  : expr OR expr                { $$ = ast_binary(OP_OR, $1, $3, @2); }
  | expr AND expr               { $$ = ast_binary(OP_AND, $1, $3, @2); }
  | expr EQ expr                { $$ = ast_binary(OP_EQ, $1, $3, @2); }
  | expr NE expr                { $$ = ast_binary(OP_NE, $1, $3, @2); }
  | expr '<' expr               { $$ = ast_binary('<', $1, $3, @2); }
  | expr LE expr                { $$ = ast_binary(OP_LE, $1, $3, @2); }
  | expr '>' expr               { $$ = ast_binary('>', $1, $3, @2); }
  | expr GE expr                { $$ = ast_binary(OP_GE, $1, $3, @2); }
  | expr '+' expr               { $$ = ast_binary('+', $1, $3, @2); }
  | expr '-' expr               { $$ = ast_binary('-', $1, $3, @2); }
  | expr '*' expr               { $$ = ast_binary('*', $1, $3, @2); }
  | expr '/' expr               { $$ = ast_binary('/', $1, $3, @2); }
  | expr '%' expr               { $$ = ast_binary('%', $1, $3, @2); }
  | '-' expr %prec UNARY        { $$ = ast_unary('-', $2, @1); }
  | '!' expr %prec UNARY        { $$ = ast_unary('!', $2, @1); }
  | postfix
  ;

postfix
  : primary
  | IDENT '(' opt_args ')'      { $$ = ast_node(N_CALL, @1); $$->name = $1; $$->list = $3; }
  | postfix '.' IDENT '(' opt_args ')'
      { $$ = ast_node(N_METHOD, @3); $$->a = $1; $$->name = $3; $$->list = $5; }
  | postfix '.' IDENT           { $$ = ast_node(N_FIELD, @3); $$->a = $1; $$->name = $3; }
  | postfix '[' expr ']'        { $$ = ast_node(N_INDEX, @2); $$->a = $1; $$->b = $3; }
  ;

primary
  : INT                         { $$ = ast_node(N_INT, @1); $$->uval = $1; $$->ival = (int64_t)$1; }
  | FLOAT                       { $$ = ast_node(N_FLOAT, @1); $$->fval = $1; }
  | TRUE                        { $$ = ast_node(N_BOOL, @1); $$->ival = 1; }
  | FALSE                       { $$ = ast_node(N_BOOL, @1); $$->ival = 0; }
  | NONE                        { $$ = ast_node(N_NONE, @1); }
  | SELF                        { $$ = ast_node(N_SELF, @1); }
  | IDENT                       { $$ = ast_node(N_NAME, @1); $$->name = $1; }
  | string
  | '(' expr ')'                { $$ = $2; }
  | '[' opt_args ']'            { $$ = ast_node(N_LIST, @1); $$->list = $2; }
  | '{' '}'                     { $$ = ast_node(N_MAP, @1); }
  | '{' map_entries '}'         { $$ = ast_node(N_MAP, @1); $$->list = $2;
                                  for (int i = 0; i < $2.len; i++) { Node *kv = $2.data[i]; $$->list.data[i] = kv->a; vec_push(&$$->list2, kv->b); } }
  | '{' map_entries ',' '}'     { $$ = ast_node(N_MAP, @1); $$->list = $2;
                                  for (int i = 0; i < $2.len; i++) { Node *kv = $2.data[i]; $$->list.data[i] = kv->a; vec_push(&$$->list2, kv->b); } }
  | SPAWN IDENT '(' opt_args ')' { $$ = ast_node(N_SPAWN, @1); $$->name = $2; $$->name_loc = @2; $$->list = $4; }
  | AFTER expr block            { $$ = ast_node(N_TIMER, @1); $$->a = $2; $$->then_blk = ast_block(@1, NULL, @1, $3); }
  | EVERY expr block            { $$ = ast_node(N_TIMER, @1); $$->ival = 1; $$->a = $2; $$->then_blk = ast_block(@1, NULL, @1, $3); }
  ;

string
  : STRING                      { $$ = ast_node(N_STR, @1); $$->sval = $1.p; $$->slen = $1.len; }
  | STR_START interp_rest
      { $$ = ast_node(N_INTERP, @1);
        Node *s = ast_node(N_STR, @1); s->sval = $1.p; s->slen = $1.len;
        vec_push(&$$->list, s);
        for (int i = 0; i < $2.len; i++) vec_push(&$$->list, $2.data[i]); }
  ;

interp_rest
  : expr STR_END
      { $$ = vec1($1); Node *s = ast_node(N_STR, @2); s->sval = $2.p; s->slen = $2.len; vec_push(&$$, s); }
  | expr STR_MID interp_rest
      { $$ = vec1($1); Node *s = ast_node(N_STR, @2); s->sval = $2.p; s->slen = $2.len; vec_push(&$$, s);
        for (int i = 0; i < $3.len; i++) vec_push(&$$, $3.data[i]); }
  ;

map_entries
  : expr ':' expr               { Node *kv = ast_node(N_EXPR, @2); kv->a = $1; kv->b = $3; $$ = vec1(kv); }
  | map_entries ',' expr ':' expr
      { $$ = $1; Node *kv = ast_node(N_EXPR, @4); kv->a = $3; kv->b = $5; vec_push(&$$, kv); }
  ;

opt_args
  : %empty                      { $$ = (Vec){0}; }
  | arg_list
  | arg_list ','
  ;

arg_list
  : expr                        { $$ = vec1($1); }
  | arg_list ',' expr           { $$ = $1; vec_push(&$$, $3); }
  ;

%%

static void add_item(Program *prog, Decl *d, int file) {
  d->file = file;
  vec_push(&prog->decls, d);
}

static void yyerror(YYLTYPE *loc, yyscan_t scanner, Program *prog, int file, const char *msg) {
  (void)prog; (void)file;
  if (lex_too_deep(scanner)) return;
  if (!strcmp(msg, "memory exhausted"))
    diag_error(*loc, "nesting too deep (the parser ran out of stack)");
  else
    diag_error(*loc, "%s", msg);
}

/* How a reader names a token in "expected X, found Y". */
static const char *tokdesc(yysymbol_kind_t k, char *buf, size_t n) {
  const char *name = yysymbol_name(k);
  switch (k) {
  case YYSYMBOL_IDENT: return "a name";
  case YYSYMBOL_INT: return "an integer";
  case YYSYMBOL_FLOAT: return "a number";
  case YYSYMBOL_STRING: case YYSYMBOL_STR_START: return "a string";
  case YYSYMBOL_STR_MID: case YYSYMBOL_STR_END: return "the rest of the string";
  case YYSYMBOL_YYEOF: return "end of file";
  default: break;
  }
  if (name[0] == '\'') return name;
  snprintf(buf, n, "'%s'", name);
  return buf;
}

static int yyreport_syntax_error(const yypcontext_t *ctx, yyscan_t scanner, Program *prog, int file) {
  (void)prog; (void)file;
  if (lex_too_deep(scanner)) return 0;
  yysymbol_kind_t found = yypcontext_token(ctx);
  const YYLTYPE *loc = yypcontext_location(ctx);
  enum { MAX_EXPECTED = 5 };
  yysymbol_kind_t expected[MAX_EXPECTED];
  int n = yypcontext_expected_tokens(ctx, expected, MAX_EXPECTED);
  char fbuf[64], what[64];
  if (found == YYSYMBOL_YYEMPTY)
    snprintf(what, sizeof what, "this");
  else if (found == YYSYMBOL_59_ && lex_last_was_newline(scanner))
    snprintf(what, sizeof what, "newline");
  else
    snprintf(what, sizeof what, "%s", tokdesc(found, fbuf, sizeof fbuf));
  char exp[400] = "";
  if (n > 0) { /* n == 0 also when there are more than MAX_EXPECTED */
    size_t len = 0;
    for (int i = 0; i < n && len < sizeof exp; i++) {
      char b[64];
      const char *d = expected[i] == YYSYMBOL_59_ ? "newline or ';'" : tokdesc(expected[i], b, sizeof b);
      len += (size_t)snprintf(exp + len, sizeof exp - len, "%s%s", i == 0 ? "" : i == n - 1 ? " or " : ", ", d);
    }
  }
  if (exp[0])
    diag_error(*loc, "syntax error: expected %s, found %s", exp, what);
  else
    diag_error(*loc, "syntax error: unexpected %s", what);
  return 0;
}

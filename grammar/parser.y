/* parser.y — the grammar of .actor files (LANGUAGE.md), building the AST through the
 * constructors in compiler/ast.c.  A pure, reentrant parser; the scanner is
 * grammar/lexer.l.  Every token has a name (punctuation too: LPAREN "(", SEMI ";"),
 * so that C code never meets bison's numbered names.  Error recovery: the `error`
 * alternatives of items, members, sup_items and stmts resynchronise at the next ';'
 * (or newline) or '}', so that every syntax error of a file is reported, not just the
 * first. */
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
bool lex_unclosed(yyscan_t scanner, Loc *loc, char *ch);
const char *lex_found_name(yyscan_t scanner);
const char *lex_name_before(yyscan_t scanner, Loc *loc);
bool lex_found_starts_line(yyscan_t scanner);
bool lex_broken_on(yyscan_t scanner, int line);
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
static Vec push(Vec v, void *x) { vec_push(&v, x); return v; }
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
  Member *member;
  SupItem *sup_item;
  Pat *pat;
  MatchArm *arm;
}

%token END 0 "end of file"
%token <str> IDENT "name"
%token <u> INT "integer"
%token <f> FLOAT "number"
%token <s> STRING "string"
%token <s> STR_START "string with interpolation"
%token <s> STR_MID "rest of the string"
%token <s> STR_END "end of the string"
%token <s> FORMAT "format"
%token ACTOR "actor" SUPERVISOR "supervisor" CHILD "child" STRATEGY "strategy"
%token INTENSITY "intensity" PER "per" FN "fn" EXTERN "extern" USE "use" ON "on"
%token LET "let" VAR "var" IF "if" ELSE "else" WHILE "while" FOR "for" IN "in"
%token BREAK "break" CONTINUE "continue" RETURN "return" SPAWN "spawn" SELF "self"
%token NONE "none" TRUE "true" FALSE "false" THEN "then" AFTER "after" EVERY "every"
%token RECORD "record" ENUM "enum" MATCH "match"
%token INTERFACE "interface" IS "is" INIT "init" REPLY "reply" LATER "later" WITHIN "within"
%token CONST "const" AT "at" LOCATE "locate"
%token DOTDOT ".." ARROW "->" EQ "==" NE "!=" LE "<=" GE ">=" AND "&&" OR "||"
%token ADD_ASSIGN "+=" SUB_ASSIGN "-=" MUL_ASSIGN "*=" DIV_ASSIGN "/=" MOD_ASSIGN "%="
/* Punctuation, in the order "expected X, Y or Z" lists it (the order of declaration). */
%token LT "<" GT ">" PLUS "+" MINUS "-" STAR "*" SLASH "/" PERCENT "%"
%token SEMI ";" DOT "." LBRACE "{" RBRACE "}" ASSIGN "=" COLON ":"
%token LPAREN "(" RPAREN ")" COMMA "," LBRACKET "[" RBRACKET "]" BANG "!" QUESTION "?"
%token FATARROW "=>" PIPE "|"
%token ARM_LBRACE "'{' of a block" /* a '{' right after '=>' (the scanner tells) */

%left OR
%left AND
%left EQ NE
%left LT LE GT GE
%left PLUS MINUS
%left STAR SLASH PERCENT
%precedence UNARY

%type <decl> item actor supervisor fn handler delivered_sig variant interface sig
%type <vec> delivered params opt_params param_list opt_args arg_list stmts block members member_list sup_items sup_list
%type <vec> variants variant_list opt_call_args call_arg_list arms opt_pats pat_list
%type <vec> opt_is iface_names sigs sig_list
%type <param> param
%type <te> type opt_ret opt_type iface_name
%type <node> expr postfix primary stmt simple_stmt if_stmt field string interp interp_expr map_entries opt_symbol call_arg match
%type <node> opt_within
%type <pat> pattern pattern1
%type <arm> arm arm_body
%type <blk> then_clause else_clause
%type <op> assign_op
%type <child> child
%type <member> member
%type <sup_item> sup_item

%%

program
  : items
  | items error
  ;

items
  : %empty
  | items ";"
  | items item                  { add_item(prog, $2, file); }
  | items error ";"
  ;

item
  : actor
  | supervisor
  | interface
  | fn
  | EXTERN FN IDENT params opt_ret opt_symbol
                                { $$ = ast_extern($3, $4, $5, (Vec){0}, $6, @3); }
  | EXTERN FN IDENT params opt_ret IDENT delivered opt_symbol
      { $$ = ast_extern($3, $4, $5, $7, $8, @3);
        if (strcmp($6, "delivers")) diag_error(@6, "expected 'delivers' or the end of the declaration, found '%s'", $6); }
  | CONST IDENT "=" expr        { $$ = ast_const($2, $4, @2); }
  | USE STRING                  { $$ = ast_use($2.p, @2); }
  | USE IDENT "." IDENT
      { $$ = ast_use_std($4, @4); if (strcmp($2, "std")) diag_error(@2, "expected a path string or std.NAME after use"); }
  | RECORD IDENT params         { $$ = ast_record($2, $3, @2); }
  | ENUM IDENT "{" variant_list "}"
                                { $$ = ast_enum($2, $4, @2); }
  ;

/* enum NAME { variants }: one a line (or ';'-separated), each bare or with fields */
variant_list
  : variants
  | variants error
  ;

variants
  : %empty                      { $$ = (Vec){0}; }
  | variants ";"
  | variants variant            { $$ = push($1, $2); }
  | variants variant ","        { $$ = push($1, $2); diag_error(@3, "variants are separated by newlines or ';', not ','"); }
  | variants error ";"
  ;

variant
  : IDENT                       { $$ = ast_variant($1, (Vec){0}, false, @1); }
  | IDENT params                { $$ = ast_variant($1, $2, true, @1); }
  ;

actor
  : ACTOR IDENT opt_params opt_is "{" member_list "}"
                                { $$ = ast_actor($2, $3, $4, $6, @2); }
  ;

/* actor Screen is Sink, Stoppable { ... } */
opt_is
  : %empty                      { $$ = (Vec){0}; }
  | IS iface_names              { $$ = $2; }
  ;

iface_names
  : iface_name                  { $$ = vec1($1); }
  | iface_names "," iface_name  { $$ = push($1, $3); }
  ;

iface_name
  : IDENT                       { $$ = ast_type(TE_NAME, @1, $1, NULL, NULL); }
  | IDENT "." IDENT             { $$ = ast_qual_type($1, $3, @3); }
  ;

interface
  : INTERFACE IDENT "{" sig_list "}"
                                { $$ = ast_interface($2, $4, @2); }
  ;

sig_list
  : sigs
  | sigs error
  ;

sigs
  : %empty                      { $$ = (Vec){0}; }
  | sigs ";"
  | sigs sig                    { $$ = push($1, $2); }
  | sigs error ";"
  ;

sig
  : ON IDENT params opt_ret     { $$ = ast_iface_sig($2, $3, $4, NULL, @2); }
  | ON IDENT params opt_ret block
                                { $$ = ast_iface_sig($2, $3, $4, &$5, @2); }
  ;

member_list
  : members
  | members error
  ;

members
  : %empty                      { $$ = (Vec){0}; }
  | members ";"
  | members member              { $$ = push($1, $2); }
  | members error ";"
  ;

member
  : field                       { $$ = ast_member(MEMBER_FIELD, $1, NULL); }
  | handler                     { $$ = ast_member(MEMBER_HANDLER, NULL, $1); }
  | fn                          { $$ = ast_member(MEMBER_METHOD, NULL, $1); }
  | INIT block                  { $$ = ast_member(MEMBER_INIT, NULL, ast_init($2, @1)); }
  ;

field
  : LET IDENT opt_type "=" expr { $$ = ast_var(N_LET, $2, @2, $3, $5, @1); }
  | VAR IDENT opt_type "=" expr { $$ = ast_var(N_VAR, $2, @2, $3, $5, @1); }
  | VAR IDENT ":" type          { $$ = ast_var(N_VAR, $2, @2, $4, NULL, @1); }
  ;

handler
  : ON IDENT params opt_ret block
                                { $$ = ast_handler($2, $3, $4, $5, @2); }
  ;

fn
  : FN IDENT params opt_ret block
                                { $$ = ast_fn($2, $3, $4, $5, @2); }
  ;

supervisor
  : SUPERVISOR IDENT opt_params "{" sup_list "}"
                                { $$ = ast_supervisor($2, $3, $5, @2); }
  ;

sup_list
  : sup_items
  | sup_items error
  ;

sup_items
  : %empty                      { $$ = (Vec){0}; }
  | sup_items ";"
  | sup_items sup_item          { $$ = push($1, $2); }
  | sup_items error ";"
  ;

sup_item
  : STRATEGY IDENT              { $$ = ast_strategy($2, @2, @1); }
  | INTENSITY expr PER expr     { $$ = ast_intensity($2, $4, @1); }
  | child                       { $$ = ast_sup_child($1); }
  ;

child
  : CHILD IDENT "=" IDENT "(" opt_args ")"
                                { $$ = ast_child($2, NULL, $4, @4, $6, @2); }
  | CHILD IDENT "=" IDENT "." IDENT "(" opt_args ")"
                                { $$ = ast_child($2, $4, $6, @6, $8, @2); }
  ;

opt_params
  : %empty                      { $$ = (Vec){0}; }
  | params
  ;

params
  : "(" ")"                     { $$ = (Vec){0}; }
  | "(" param_list ")"          { $$ = $2; }
  | "(" param_list "," ")"      { $$ = $2; }
  ;

param_list
  : param                       { $$ = vec1($1); }
  | param_list "," param        { $$ = push($1, $3); }
  ;

param
  : IDENT ":" type              { $$ = ast_param($1, $3, @1); }
  ;

/* extern fn ... delivers on_a(x: Int), on_b(s: String): the handlers the calling
 * actor must declare to receive what the function sends it (as down for monitor). */
delivered
  : delivered_sig               { $$ = vec1($1); }
  | delivered "," delivered_sig { $$ = push($1, $3); }
  ;

delivered_sig
  : IDENT params                { $$ = ast_handler($1, $2, NULL, (Vec){0}, @1); }
  ;

/* extern fn ... = "c_name": the C symbol the declaration binds (its own name without) */
opt_symbol
  : %empty                      { $$ = NULL; }
  | "=" string                  { $$ = $2; }
  ;

opt_ret
  : %empty                      { $$ = NULL; }
  | ARROW type                  { $$ = $2; }
  ;

opt_type
  : %empty                      { $$ = NULL; }
  | ":" type                    { $$ = $2; }
  ;

type
  : IDENT                       { $$ = ast_type(TE_NAME, @1, $1, NULL, NULL); }
  | IDENT "." IDENT             { $$ = ast_qual_type($1, $3, @3); }
  | "[" type "]"                { $$ = ast_type(TE_LIST, @1, NULL, $2, NULL); }
  | "{" type ":" type "}"       { $$ = ast_type(TE_MAP, @1, NULL, $2, $4); }
  | IDENT "[" type "]"          { $$ = ast_type(TE_GENERIC, @1, $1, $3, NULL); }
  ;

/* ---- statements ---- */

block
  : "{" stmts "}"               { $$ = $2; }
  | "{" stmts stmt "}"          { $$ = push($2, $3); }
  | "{" stmts error "}"         { $$ = $2; }
  ;

stmts
  : %empty                      { $$ = (Vec){0}; }
  | stmts ";"
  | stmts stmt ";"              { $$ = push($1, $2); }
  | stmts error ";"
  ;

stmt
  : simple_stmt
  | field
  | if_stmt
  | WHILE expr block            { $$ = ast_while($2, $3, @1); }
  | FOR IDENT IN expr DOTDOT expr block
                                { $$ = ast_for_range($2, @2, $4, $6, $7, @1); }
  | FOR IDENT IN expr block     { $$ = ast_for_each($2, @2, NULL, @2, $4, $5, @1); }
  | FOR IDENT "," IDENT IN expr block
                                { $$ = ast_for_each($2, @2, $4, @4, $6, $7, @1); }
  | BREAK                       { $$ = ast_node(N_BREAK, @1); }
  | CONTINUE                    { $$ = ast_node(N_CONTINUE, @1); }
  | RETURN                      { $$ = ast_return(NULL, @1); }
  | RETURN expr                 { $$ = ast_return($2, @1); }
  | RETURN LATER                { $$ = ast_node(N_RETURN_LATER, @1); }
  ;

if_stmt
  : IF expr block               { $$ = ast_if($2, $3, (Vec){0}, @1); }
  | IF expr block ELSE block    { $$ = ast_if($2, $3, $5, @1); }
  | IF expr block ELSE if_stmt  { $$ = ast_if($2, $3, vec1($5), @1); }
  ;

simple_stmt
  : expr                        { $$ = ast_expr_stmt($1); }
  | expr assign_op expr         { $$ = ast_assign($2, $1, $3, @2); }
  | postfix "!" IDENT "(" opt_args ")"
                                { $$ = ast_send($1, $3, @3, $5, @2); }
  | postfix "?" IDENT "(" opt_args ")" opt_within then_clause else_clause
                                { $$ = ast_request($1, $3, @3, $5, $7, @7, $8, $9, @2); }
  ;

/* ? m() within MS: the time limit on the answer (§13) */
opt_within
  : %empty                      { $$ = NULL; }
  | WITHIN expr                 { $$ = $2; }
  ;

then_clause
  : %empty                      { $$ = NULL; }
  | THEN "(" IDENT ")" block    { $$ = ast_block(@1, $3, @3, $5); }
  ;

else_clause
  : %empty                      { $$ = NULL; }
  | ELSE "(" IDENT ")" block    { $$ = ast_block(@1, $3, @3, $5); }
  | ELSE block                  { $$ = ast_block(@1, NULL, @1, $2); }
  ;

assign_op
  : "="                         { $$ = '='; }
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
  | expr "<" expr               { $$ = ast_binary('<', $1, $3, @2); }
  | expr LE expr                { $$ = ast_binary(OP_LE, $1, $3, @2); }
  | expr ">" expr               { $$ = ast_binary('>', $1, $3, @2); }
  | expr GE expr                { $$ = ast_binary(OP_GE, $1, $3, @2); }
  | expr "+" expr               { $$ = ast_binary('+', $1, $3, @2); }
  | expr "-" expr               { $$ = ast_binary('-', $1, $3, @2); }
  | expr "*" expr               { $$ = ast_binary('*', $1, $3, @2); }
  | expr "/" expr               { $$ = ast_binary('/', $1, $3, @2); }
  | expr "%" expr               { $$ = ast_binary('%', $1, $3, @2); }
  | "-" expr %prec UNARY        { $$ = ast_unary('-', $2, @1); }
  | "!" expr %prec UNARY        { $$ = ast_unary('!', $2, @1); }
  | postfix
  ;

postfix
  : primary
  | IDENT "(" opt_call_args ")" { $$ = ast_call($1, $3, @1); $$->name_loc = @$; }
  | postfix "." IDENT "(" opt_call_args ")"
                                { $$ = ast_method($1, $3, $5, @3); }
  | postfix "." IDENT           { $$ = ast_dot($1, $3, @3); }
  | postfix "[" expr "]"        { $$ = ast_index($1, $3, @2); }
  ;

primary
  : INT                         { $$ = ast_int($1, @1); }
  | FLOAT                       { $$ = ast_float($1, @1); }
  | TRUE                        { $$ = ast_bool(true, @1); }
  | FALSE                       { $$ = ast_bool(false, @1); }
  | NONE                        { $$ = ast_node(N_NONE, @1); }
  | SELF                        { $$ = ast_node(N_SELF, @1); }
  | REPLY                       { $$ = ast_node(N_REPLY, @1); }
  | IDENT                       { $$ = ast_name($1, @1); }
  | string
  | "(" expr ")"                { $$ = $2; }
  | "[" opt_args "]"            { $$ = ast_list($2, @1); }
  | "{" "}"                     { $$ = ast_node(N_MAP, @1); }
  | "{" map_entries "}"         { $$ = $2; $$->loc = @1; }
  | "{" map_entries "," "}"     { $$ = $2; $$->loc = @1; }
  | SPAWN IDENT "(" opt_args ")" { $$ = ast_spawn(NULL, $2, @2, $4, @1); }
  | SPAWN IDENT "." IDENT "(" opt_args ")"
                                { $$ = ast_spawn($2, $4, @4, $6, @1); }
  | AFTER expr block            { $$ = ast_timer(false, $2, $3, @1); }
  | EVERY expr block            { $$ = ast_timer(true, $2, $3, @1); }
  | match
  ;

/* match e { PATTERN [if COND] => BODY ... }: a statement (as an expression statement)
 * or an expression; a BODY is a block or one statement (the checker wants one
 * expression when the match gives a value).  A '{' after '=>' opens a block. */
match
  : MATCH expr "{" arms "}"     { $$ = ast_match($2, $4, @1); }
  | MATCH expr "{" arms arm "}" { $$ = ast_match($2, push($4, $5), @1); }
  | MATCH expr "{" arms error "}"
                                { $$ = ast_match($2, $4, @1); }
  ;

arms
  : %empty                      { $$ = (Vec){0}; }
  | arms ";"
  | arms arm ";"                { $$ = push($1, $2); }
  | arms error ";"
  ;

arm
  : pattern "=>" arm_body       { $$ = ast_arm($1, NULL, $3, @1); }
  | pattern IF expr "=>" arm_body
                                { $$ = ast_arm($1, $3, $5, @1); }
  ;

/* A '{' right after '=>' is always a block (the scanner returns ARM_LBRACE for it), so
 * a map literal as an arm's value is written in parentheses. */
arm_body
  : ARM_LBRACE stmts "}"        { $$ = ast_arm_body($2, true); }
  | ARM_LBRACE stmts stmt "}"   { $$ = ast_arm_body(push($2, $3), true); }
  | ARM_LBRACE stmts error "}"  { $$ = ast_arm_body($2, true); }
  | stmt                        { $$ = ast_arm_body(vec1($1), false); }
  ;

pattern
  : pattern1
  | pattern "|" pattern1        { $$ = ast_pat_or($1, $3, @2); }
  ;

pattern1
  : IDENT                       { $$ = ast_pat_name($1, @1); }
  | IDENT "(" opt_pats ")"      { $$ = ast_pat_ctor($1, $3, @1); }
  | IDENT "." IDENT             { $$ = ast_pat_qual($1, $3, (Vec){0}, false, @3); }
  | IDENT "." IDENT "(" opt_pats ")"
                                { $$ = ast_pat_qual($1, $3, $5, true, @3); }
  | INT                         { $$ = ast_pat_int($1, false, @1); }
  | "-" INT                     { $$ = ast_pat_int($2, true, @1); }
  | FLOAT                       { $$ = ast_pat_lit(P_FLOAT, @1); }
  | "-" FLOAT                   { $$ = ast_pat_lit(P_FLOAT, @1); }
  | STRING                      { $$ = ast_pat_str($1.p, $1.len, @1); }
  | TRUE                        { $$ = ast_pat_bool(true, @1); }
  | FALSE                       { $$ = ast_pat_bool(false, @1); }
  ;

opt_pats
  : %empty                      { $$ = (Vec){0}; }
  | pat_list
  | pat_list ","
  ;

pat_list
  : pattern                     { $$ = vec1($1); }
  | pat_list "," pattern        { $$ = push($1, $3); }
  ;

/* "a {x} b {y} c" is STR_START("a ") x STR_MID(" b ") y STR_END(" c") */
string
  : STRING                      { $$ = ast_str($1.p, $1.len, @1); }
  | interp STR_END              { $$ = ast_interp_add($1, ast_str($2.p, $2.len, @2)); }
  ;

interp
  : STR_START interp_expr       { $$ = ast_interp(ast_str($1.p, $1.len, @1), $2, @1); }
  | interp STR_MID interp_expr  { $$ = ast_interp_add(ast_interp_add($1, ast_str($2.p, $2.len, @2)), $3); }
  ;

/* "{x:.2}": an interpolated expression with a format (§11) */
interp_expr
  : expr
  | expr FORMAT                 { $$ = ast_format($1, $2.p, $2.len, @2); }
  ;

map_entries
  : expr ":" expr               { $$ = ast_map($1, $3, @2); }
  | map_entries "," expr ":" expr
                                { $$ = ast_map_add($1, $3, $5); }
  ;

opt_args
  : %empty                      { $$ = (Vec){0}; }
  | arg_list
  | arg_list ","
  ;

arg_list
  : expr                        { $$ = vec1($1); }
  | arg_list "," expr           { $$ = push($1, $3); }
  ;

/* a call's arguments may be labelled: Point(x: 1, y: 2) (records and variants only) */
opt_call_args
  : %empty                      { $$ = (Vec){0}; }
  | call_arg_list
  | call_arg_list ","
  ;

call_arg_list
  : call_arg                    { $$ = vec1($1); }
  | call_arg_list "," call_arg  { $$ = push($1, $3); }
  ;

call_arg
  : expr
  | IDENT ":" expr              { $$ = ast_label($1, $3, @1); }
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
  case YYSYMBOL_FORMAT: return "a format";
  case YYSYMBOL_YYEOF: return "end of file";
  case YYSYMBOL_ARM_LBRACE: return "'{'";
  default: break;
  }
  snprintf(buf, n, "'%s'", name);
  return buf;
}

/* A reserved word's symbol: its name is the word itself (actor, match, ...). */
static bool is_reserved_symbol(yysymbol_kind_t k) {
  return k != YYSYMBOL_IDENT && k < YYNTOKENS && lex_is_reserved(yysymbol_name(k));
}

/* A binary operator, which cannot begin a statement. */
static bool is_binary_op(yysymbol_kind_t k) {
  switch (k) {
  case YYSYMBOL_PLUS: case YYSYMBOL_STAR: case YYSYMBOL_SLASH: case YYSYMBOL_PERCENT: case YYSYMBOL_EQ:
  case YYSYMBOL_NE: case YYSYMBOL_LT: case YYSYMBOL_GT: case YYSYMBOL_LE: case YYSYMBOL_GE: case YYSYMBOL_AND:
  case YYSYMBOL_OR:
    return true;
  default:
    return false;
  }
}

static int yyreport_syntax_error(const yypcontext_t *ctx, yyscan_t scanner, Program *prog, int file) {
  (void)prog; (void)file;
  if (lex_too_deep(scanner)) return 0;
  yysymbol_kind_t found = yypcontext_token(ctx);
  const YYLTYPE *loc = yypcontext_location(ctx);
  if (lex_broken_on(scanner, loc->line)) return 0; /* the unterminated string's echo */
  enum { MAX_EXPECTED = 5 };
  yysymbol_kind_t expected[YYNTOKENS];
  int n = yypcontext_expected_tokens(ctx, expected, YYNTOKENS);
  bool want_name = false;
  Vec fits = {0}; /* the reserved words that could stand here */
  for (int i = 0; i < n; i++) {
    if (expected[i] == YYSYMBOL_IDENT) want_name = true;
    if (is_reserved_symbol(expected[i])) vec_push(&fits, (void *)yysymbol_name(expected[i]));
  }
  char fbuf[64], what[96];
  if (found == YYSYMBOL_YYEMPTY)
    snprintf(what, sizeof what, "this");
  else if (found == YYSYMBOL_SEMI && lex_last_was_newline(scanner))
    snprintf(what, sizeof what, "newline");
  else if (want_name && is_reserved_symbol(found))
    snprintf(what, sizeof what, "the reserved word '%s' (it cannot be a name)", yysymbol_name(found));
  else
    snprintf(what, sizeof what, "%s", tokdesc(found, fbuf, sizeof fbuf));
  char exp[400] = "";
  if (n > 0 && n <= MAX_EXPECTED) {
    size_t len = 0;
    for (int i = 0; i < n && len < sizeof exp; i++) {
      char b[64];
      const char *d = expected[i] == YYSYMBOL_SEMI ? "newline or ';'" : tokdesc(expected[i], b, sizeof b);
      len += (size_t)snprintf(exp + len, sizeof exp - len, "%s%s", i == 0 ? "" : i == n - 1 ? " or " : ", ", d);
    }
  }
  /* a name where a reserved word fits and was probably meant: "acter Main", "fucn f()" */
  const char *kw = NULL, *name = found == YYSYMBOL_IDENT ? lex_found_name(scanner) : NULL;
  if (name && fits.len) kw = lex_keyword_like(name, &fits, false);
  const char *hint = kw ? xformat("; did you mean '%s'?", kw) : "";
  if (exp[0]) {
    diag_error(*loc, "syntax error: expected %s, found %s%s", exp, what, hint);
  } else {
    /* "unexpected name 'x'", "unexpected integer" */
    const char *w = !strncmp(what, "a ", 2) ? what + 2 : !strncmp(what, "an ", 3) ? what + 3
                    : !strncmp(what, "the ", 4) ? what + 4 : what;
    if (name) w = xformat("name '%s'", name);
    diag_error(*loc, "syntax error: unexpected %s%s", w, hint);
  }
  Loc open, before;
  char ch;
  if (found != YYSYMBOL_YYEMPTY && lex_unclosed(scanner, &open, &ch)) diag_note(open, "'%c' opened here", ch);
  /* "vr x = 1": the name that began the statement may be a misspelt reserved word */
  const char *first = found != YYSYMBOL_YYEMPTY && !kw ? lex_name_before(scanner, &before) : NULL;
  const char *first_kw = first ? lex_keyword_like(first, NULL, true) : NULL;
  if (first_kw) diag_note(before, "'%s' is not a reserved word: did you mean '%s'?", first, first_kw);
  if (is_binary_op(found) && lex_found_starts_line(scanner))
    diag_note(*loc, "a newline ends a statement after a complete expression; to go on, end the line above with the operator");
  return 0;
}

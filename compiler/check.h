/* check.h — what check.c (declarations, scopes), check_expr.c (expressions and
 * built-ins) and check_stmt.c (statements) share.  Not used outside the checker. */
#ifndef CHECK_H
#define CHECK_H

#include "compiler.h"

enum { MAX_EXPR_DEPTH = 2000 };

typedef enum CtxKind {
  CTX_FN,       /* a top-level function: no self */
  CTX_HANDLER,  /* on name(...) */
  CTX_METHOD,   /* fn inside an actor */
  CTX_INIT,     /* field initialisers of an actor */
  CTX_INIT_BLOCK, /* init { ... } of an actor: like a handler without a message */
  CTX_SUPBUILD, /* a supervisor's child arguments */
  CTX_BLOCK,    /* then/else/after/every */
} CtxKind;

struct FnCtx {
  CtxKind kind;
  FnCtx *up;         /* blocks: the code they were written in */
  Decl *actor;       /* the actor the code runs in; NULL in top-level functions */
  Decl *fn;          /* handler, method or function (NULL for init, build, blocks) */
  Closure *clo;      /* blocks */
  Type *ret;         /* `return` must give this (NULL: return without a value) */
  int loops;         /* enclosing loops, for break/continue */
  int fields_visible;/* CTX_INIT/CTX_SUPBUILD: how many state entries are initialised */
  Vec locals;        /* Sym*: every local and parameter (codegen gives each a slot) */
};

/* A field initialiser's call of the actor's own fn: the fields it may read are those
 * initialised before (checked once every body is: ck_check_init_calls). */
typedef struct InitCall {
  Node *call;
  Decl *method;
  int visible; /* state entries initialised when it runs */
} InitCall;

typedef struct Scope {
  struct Scope *up;
  FnCtx *ctx;
  Vec syms; /* Sym* */
} Scope;

/* check.c */
extern Program *ck_prog;
extern int ck_file;      /* the file of the code being checked (names are looked up from it) */
extern Scope *ck_scope;
extern FnCtx *ck_ctx;
void ck_push_scope(void);
void ck_pop_scope(void);
Sym *ck_declare(SymKind k, const char *name, Loc loc, Type *t, bool mutable);
Sym *ck_lookup(const char *name, Loc loc); /* NULL (and no diagnostic) when unknown */
Decl *ck_find_decl(const char *name);       /* top-level actor, supervisor or function */
Name *ck_find_qualified(const char *module, const char *name, Loc loc); /* M.name; NULL after an error */
bool ck_is_variable(const char *name);
const char *ck_module_qualifier(Node *e); /* the module M when e is the M of M.x */
Decl *ck_find_handler(Decl *actor, const char *name);
Decl *ck_find_method(Decl *actor, const char *name);
Type *ck_resolve_type(TypeExpr *te);
const char *ck_did_you_mean(const char *name, Vec *cands); /* "; did you mean 'x'?" or "" */
const char *ck_signature(Decl *h);         /* "name(a: Int) -> T", as declared */
Vec ck_decl_names(Vec *decls);
FnCtx *ck_new_ctx(CtxKind k, FnCtx *up, Decl *actor);

/* check_expr.c */
Type *ck_expr(Node *n, Type *expected); /* checks n, sets and returns n->type */
void ck_expr_reset(void);
void ck_coerce(Node *n, Type *t);       /* gives [] and {} inside n their type t */
bool ck_require(Node *n, Type *want, const char *what); /* assignable, else a diagnostic */
const char *ck_conv_hint(Type *want, Type *found); /* why a reference does not convert: " (...)" or "" */
bool ck_is_lvalue_root_mutable(Node *n, bool report);
void ck_check_args(Node *call, Vec *params, Vec *args, const char *what);
void ck_arity_error(Loc loc, const char *what, int want, int got);
int ck_builtin_fn(const char *name);

/* check_data.c */
Decl *ck_find_variant(const char *name);
void ck_data_names(Vec *cands);          /* record and variant names, for did-you-mean */
const char *ck_data_what(Decl *d);       /* "record Point", "enum Shape", "variant Circle" */
int ck_field_index(Decl *d, const char *name); /* of a record or variant; -1 when none */
bool ck_key_type(Type *k, Loc loc);      /* may k be a map key?  Reports why not */
void ck_data_decls(void);
void ck_strip_labels(Node *call);
Type *ck_construct(Node *n, Decl *d, Type *expected);
Type *ck_variant_value(Node *n, Decl *variant);
Type *ck_record_field(Node *n, Type *t);

/* check_match.c */
Type *ck_match(Node *n, Type *expected, bool stmt);
/* check_const.c */
void ck_consts(Program *p);      /* computes every constant */
Node *ck_const_value(Decl *c);   /* a constant's value (a literal node), or NULL after an error */
/* e as a constant Int (what: "the intensity", for errors); false after an error */
bool ck_const_int(Node *e, int file, const char *what, int64_t *out);

/* check_warn.c */
void ck_warnings(Program *p);    /* unused names, vars never changed (the program's own files) */
Decl *ck_enclosing_fn(void);     /* the function, handler or method the code being checked is in */

/* check_stmt.c */
void ck_stmts(Vec *stmts);
Node *ck_later_decl(const char *name); /* a let/var of name after the statement being checked */
bool ck_terminates(Vec *stmts);
void ck_block(Block *b, Closure *clo, Type *param_type);

#endif

/* compiler.h — the types every pass of actorc shares, one section per .c file (as
 * chibicc.h does).  The pipeline (main.c): load sources and parse them (source.c,
 * grammar/), check names and types (check*.c), generate LLVM IR (cg*.c), emit an object
 * file and link it against the runtime (emit.c). */
#ifndef COMPILER_H
#define COMPILER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- util.c: arena allocation, vectors, strings --------------------------------- */

void *xalloc(size_t n);                /* zeroed, from the compiler's arena; never freed */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xformat(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void arena_reset(void);             /* frees all of it (the fuzzer compiles many inputs) */
_Noreturn void unreachable_at(const char *file, int line);
#define unreachable() unreachable_at(__FILE__, __LINE__)

/* A growable array of pointers. */
typedef struct Vec {
  void **data;
  int len, cap;
} Vec;
void vec_push(Vec *v, void *x);
#define VEC_AT(v, i) ((v).data[i])

int edit_distance(const char *a, const char *b);      /* Damerau-Levenshtein */
const char *closest_name(const char *name, Vec *cands); /* a likely misspelling's intent, or NULL */

/* ---- source.c and diag.c: files, locations, diagnostics ------------------------- */

typedef struct SrcFile {
  const char *path;    /* as given or as resolved from a `use` */
  const char *text;    /* contents (may contain NUL bytes) */
  size_t size;
  int index;           /* in load order; the root is 0 */
  const char *module;  /* the std module it is (strings for std.strings); NULL: the program's own */
} SrcFile;

/* A source position: file, line and column (1-based, in bytes), and the length of the
 * token or construct to underline.  This is also bison's YYLTYPE. */
typedef struct Loc {
  int file;
  int line, col;
  int end_line, end_col; /* one past the last column (bison's last_*) */
} Loc;

SrcFile *src_file(int index);
int src_count(void);
int src_add(const char *path, const char *text, size_t size);
void src_reset(void);

void diag_error(Loc loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A warning: printed like an error, but the build goes on (see diag_set_warnings). */
void diag_warning(Loc loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
typedef enum DiagWarnings {
  DIAG_WARNINGS_ON,        /* the default */
  DIAG_WARNINGS_OFF,       /* -w */
  DIAG_WARNINGS_ARE_ERRORS /* -Werror */
} DiagWarnings;
void diag_set_warnings(DiagWarnings mode);
int diag_warning_count(void);
void diag_note(Loc loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag_plain(const char *fmt, ...) __attribute__((format(printf, 1, 2))); /* "actorc: error: ..." */
int diag_count(void);
bool diag_too_many(void);
char *loc_str(Loc loc); /* "file.actor:12:5" (used in failure reports) */
char *diag_source_text(Loc loc); /* the source text loc spans, if on one line; else NULL */
void diag_flush(void);   /* prints the collected diagnostics, sorted */
void diag_reset(void);   /* forgets them (the fuzzer) */
extern FILE *diag_out;  /* where diag_flush prints (NULL: stderr) */

/* ---- lexer (grammar/lexer.l) and parser (grammar/parser.y) ---------------------- */

typedef struct Program Program;
/* Parses one file, appending its items to prog.  Returns false on syntax errors. */
bool parse_file(Program *prog, int file);
bool lex_is_reserved(const char *word);
/* The reserved word a name most likely meant ("acter" -> actor, "func" -> fn, "null" ->
 * none) among fits (const char *; NULL: all), or NULL; close: one edit at most. */
const char *lex_keyword_like(const char *word, Vec *fits, bool close);

/* ---- ast.c: the syntax tree ---------------------------------------------------- */

typedef struct Type Type;
typedef struct Decl Decl;
typedef struct Sym Sym;
typedef struct Closure Closure;

typedef enum TypeExprKind {
  TE_NAME, /* Int, Counter, ... */
  TE_LIST, /* [T] */
  TE_MAP,  /* {K: V} */
  TE_GENERIC, /* Name[T]: Reply[T] (name, a) */
} TypeExprKind;

typedef struct TypeExpr {
  TypeExprKind kind;
  Loc loc;
  const char *name;
  const char *qual;  /* TE_NAME: M in M.Name (a std module's), else NULL */
  struct TypeExpr *a, *b;
} TypeExpr;

typedef enum NodeKind {
  /* expressions */
  N_INT,      /* ival (uval holds the literal as written, for -9223372036854775808) */
  N_FLOAT,    /* fval */
  N_BOOL,     /* ival */
  N_STR,      /* sval, slen: a literal without interpolation */
  N_INTERP,   /* list: N_STR pieces and expressions (or N_FORMAT), in order */
  N_FORMAT,   /* a in an interpolation with a format: "{a:sval}" (fmt: sval read by the checker) */
  N_NONE,     /* none */
  N_SELF,     /* self */
  N_NAME,     /* name -> sym */
  N_LIST,     /* list: elements */
  N_MAP,      /* list: keys, list2: values */
  N_UNARY,    /* op a */
  N_BINARY,   /* a op b */
  N_CALL,     /* name(list): built-in, function or method (name_loc: the whole call) */
  N_METHOD,   /* a.name(list): built-in method */
  N_INDEX,    /* a[b] */
  N_FIELD,    /* a.name: a supervisor's child (index), or a record's field (index, decl = the record) */
  N_SPAWN,    /* spawn name(list) */
  N_TIMER,    /* after/every a { body }: ival = 1 for every */
  N_LABEL,    /* name: a, a labelled argument (only of a record or variant made) */
  N_CONSTRUCT,/* a record or variant made: decl (D_RECORD or D_VARIANT), list = its field
                 values in order; the checker turns an N_CALL or a bare N_NAME into one */
  N_MATCH,    /* match a { arms }: arms (MatchArm*); ival = 1 as a statement (no value) */
  N_REPLY,    /* reply: the reply handle of the request being handled (a -> T handler) */
  /* statements */
  N_LET,      /* let name[: te] = a */
  N_VAR,      /* var name[: te] [= a] */
  N_ASSIGN,   /* a op b, op is '=' or a compound operator */
  N_IF,       /* if a { body } else { els } */
  N_WHILE,    /* while a { body } */
  N_FOR_RANGE,/* for name in a..b { body } */
  N_FOR_EACH, /* for name[, name2] in a { body } */
  N_BREAK,    /* break */
  N_CONTINUE, /* continue */
  N_RETURN,   /* return [a] */
  N_RETURN_LATER, /* return later: ends a -> T handler without answering its request */
  N_EXPR,     /* a, standing alone */
  N_SEND,     /* a ! name(list) */
  N_REQUEST,  /* a ? name(list) [within b] [then (p) { body }] [else [(p)] { els }]
              * (name2_loc: the `within` keyword) */
} NodeKind;

/* Operators: single characters are themselves; two-character ones: */
enum {
  OP_EQ = 256, /* == */
  OP_NE,       /* != */
  OP_LE,       /* <= */
  OP_GE,       /* >= */
  OP_AND,      /* && */
  OP_OR,       /* || */
  OP_ADD_ASSIGN, OP_SUB_ASSIGN, OP_MUL_ASSIGN, OP_DIV_ASSIGN, OP_MOD_ASSIGN,
};

/* A block that runs later as a message: then/else of a request, a timer's body. */
typedef struct Block {
  Loc loc;
  const char *param; /* then (x) / else (reason); NULL when absent */
  Loc param_loc;
  Vec stmts;         /* Node* */
  Sym *param_sym;
  Vec locals;        /* Sym*: set by the checker, for codegen */
} Block;

/* A format in an interpolation, "{x:>+08.2}" (§11), as the checker reads it. */
typedef struct FormatSpec {
  char align;     /* 0 (the type's default: numbers right, the rest left), '<', '>' or '^' */
  bool plus;      /* '+': a sign before non-negative numbers too */
  bool zero;      /* '0': zeros after the sign (with an alignment: '0' as the fill) */
  int width;      /* in characters (code points); 0: none */
  int precision;  /* digits after the point; -1: none */
  char type;      /* 0, 'x' (hexadecimal), 'b' (binary) or 'e' (scientific) */
} FormatSpec;

enum { FORMAT_MAX_WIDTH = 10000, FORMAT_MAX_PRECISION = 100 };

typedef struct Node Node;

/* Patterns of match arms (LANGUAGE.md §10). */
typedef enum PatKind {
  P_WILD,  /* _ */
  P_BIND,  /* name: binds the value (sym); a bare variant or record name becomes P_CTOR */
  P_INT,   /* ival (negative literals too) */
  P_FLOAT, /* a Float literal: not a pattern (kept for the error) */
  P_STR,   /* sval, slen */
  P_BOOL,  /* ival */
  P_CTOR,  /* name(subs) or a bare variant name: decl (D_RECORD or D_VARIANT) */
  P_OR,    /* subs[0] | subs[1] | ...: alternatives */
} PatKind;

typedef struct Pat {
  PatKind kind;
  Loc loc;
  const char *name;
  const char *qual;  /* P_CTOR: M in M.Name or M.Name(...) (a std module's), else NULL */
  bool parens;       /* P_CTOR: written with (...) */
  int64_t ival;
  const char *sval;
  int64_t slen;
  Vec subs;          /* Pat*: sub-patterns (P_CTOR) or alternatives (P_OR) */
  Decl *decl;        /* P_CTOR: set by the checker */
  Sym *sym;          /* P_BIND: set by the checker */
  Type *type;        /* the type of the value matched: set by the checker */
} Pat;

typedef struct MatchArm {
  Loc loc;           /* the pattern's start */
  Pat *pat;
  Node *guard;       /* `if COND`, or NULL */
  Vec body;          /* Node*: one statement, or the statements of a block */
  bool block;        /* the body was written { ... } */
  Vec binds;         /* Sym*: the names the pattern binds (checker) */
  void *cg;          /* codegen */
} MatchArm;

struct Node {
  NodeKind kind;
  Loc loc;           /* the operator, name or keyword: where errors and failures point */
  Type *type;        /* expressions: set by the checker */
  Node *a, *b;
  Vec list, list2;   /* Node* */
  Vec body, els;     /* Node*: statement lists */
  Vec arms;          /* MatchArm*: N_MATCH */
  const char *name, *name2;
  Loc name_loc, name2_loc;
  const char *qual;  /* N_CALL, N_NAME, N_SPAWN: M in M.name (a std module's name), else NULL */
  int op;
  int64_t ival;
  uint64_t uval;
  double fval;
  const char *sval;
  int64_t slen;
  TypeExpr *te;
  Block *then_blk, *else_blk; /* N_REQUEST; N_TIMER uses then_blk */
  /* resolution, set by the checker */
  Sym *sym;          /* N_NAME, N_LET/N_VAR, loop variables (sym, sym2) */
  Sym *sym2;
  Decl *decl;        /* N_CALL (function/method), N_SPAWN (kind), N_SEND/N_REQUEST (handler) */
  int builtin;       /* N_CALL/N_METHOD: enum Builtin */
  int index;         /* N_FIELD: child index */
  Closure *clo;      /* N_REQUEST, N_TIMER */
  bool mutates;      /* expression may change actor state or a container variable */
  bool negated_literal; /* N_INT: the operand of a unary minus */
  Decl *const_decl;  /* N_INT/N_FLOAT/N_BOOL/N_STR: the constant whose name stood here */
  FormatSpec *fmt;   /* N_FORMAT: sval read by the checker */
};


typedef enum DeclKind {
  D_ACTOR,      /* actor Name(params) { fields, handlers, methods } */
  D_SUPERVISOR, /* supervisor Name(params) { strategy, intensity, children } */
  D_FN,         /* fn name(params) -> ret { body }: top level, or a method (owner set) */
  D_EXTERN,     /* extern fn name(params) -> ret [delivers ...] [= "c_name"] */
  D_HANDLER,    /* on name(params) -> ret { body } (owner set) */
  D_USE,        /* use "path" / use std.name */
  D_RECORD,     /* record Name(fields): params are the fields */
  D_ENUM,       /* enum Name { variants } */
  D_VARIANT,    /* a variant of an enum (owner = the enum, index = its number): params are its fields */
  D_INTERFACE,  /* interface Name { on sig... }: handlers (D_HANDLER signatures, no bodies) */
  D_INIT,       /* init { body } of an actor (owner set) */
  D_CONST,      /* const NAME = value (top level) */
} DeclKind;

typedef struct Param {
  const char *name;
  Loc loc;
  TypeExpr *te;
  Type *type;
  Sym *sym;
} Param;

typedef struct Child {
  const char *name;
  Loc loc;
  const char *kind_name;
  const char *kind_qual; /* M in child x = M.Kind(...), else NULL */
  Loc kind_loc;
  Vec args; /* Node* */
  Decl *kind;
  Sym *sym; /* the supervisor's field holding the child's reference */
} Child;

struct Decl {
  DeclKind kind;
  const char *name;
  Loc loc;
  Vec params;         /* Param* */
  TypeExpr *ret_te;
  Type *ret;          /* NULL: no value */
  Vec body;           /* Node*: function and handler bodies */
  Decl *owner;        /* the actor of a handler or method; the interface of a signature */
  /* actors */
  Vec fields;         /* Node*: N_LET/N_VAR */
  Vec ifaces;         /* TypeExpr* (TE_NAME): `is I1, I2`, the interfaces it says it conforms to */
  Vec inits;          /* Decl* (D_INIT): its init blocks (the checker allows one) */
  Vec handlers;       /* Decl* (D_HANDLER) */
  Vec methods;        /* Decl* (D_FN) */
  Vec delivers;       /* extern fn: Decl* (D_HANDLER signatures) the caller must declare */
  Node *csym;         /* extern fn ... = "c_name": the C symbol (an N_STR), or NULL: its name */
  Vec callees;        /* fn/method: the functions and methods its body calls directly */
  bool recursive;     /* fn/method: on a cycle of direct calls (codegen checks the stack) */
  bool called;        /* fn/method: called from somewhere other than its own body (warnings) */
  Vec field_reads;    /* method: the N_NAME nodes of its body that name the actor's state */
  Vec init_calls;     /* actor: InitCall*, the methods its field initialisers call */
  Type *type;         /* the reference type of an actor or supervisor; a record's or enum's type */
  /* records and enums */
  Vec variants;       /* enums: Decl* (D_VARIANT), in order */
  bool parens;        /* variants: declared with (...) */
  bool resolved;      /* records, variants: field types resolved */
  /* supervisors */
  const char *strategy;
  Loc strategy_loc;
  int64_t intensity, period_ms;
  bool has_strategy, has_intensity;
  Loc intensity_loc;
  Vec children;       /* Child* */
  Node *intensity_e, *period_e; /* intensity N per MS as written: constant expressions */
  /* constants */
  Node *value;        /* const NAME = value, as written */
  Node *const_val;    /* its value, an N_INT/N_FLOAT/N_BOOL/N_STR literal (set by the checker) */
  int const_state;    /* 0: not computed, 1: being computed (a cycle if met again), 2: done */
  /* use */
  const char *use_path; /* use "path" */
  bool use_std;         /* use std.NAME: name is NAME */
  int file;
  /* set by the checker */
  int index;          /* handler index within its actor (or slot within its interface);
                       * kind number for actors; interface number for interfaces;
                       * variant number for variants */
  Vec state;          /* Sym*: actor parameters then fields (supervisors: params, children) */
  int down_handler;   /* actors: index of down(), or -1 */
  bool uses_monitor;
  Loc first_monitor;
  Vec locals;         /* Sym*: the locals of a body, initialisers or build */
  void *cg;           /* codegen data */
};

/* An actor's member as the grammar collects them; ast_actor sorts them into the
 * actor's fields, handlers and methods. */
typedef enum MemberKind {
  MEMBER_FIELD,   /* let/var name = value: field (N_LET/N_VAR) */
  MEMBER_HANDLER, /* on name(params) { body }: decl (D_HANDLER) */
  MEMBER_METHOD,  /* fn name(params) { body }: decl (D_FN) */
  MEMBER_INIT,    /* init { body }: decl (D_INIT) */
} MemberKind;

typedef struct Member {
  MemberKind kind;
  Node *field;
  Decl *decl;
} Member;

/* A supervisor's item as the grammar collects them; ast_supervisor puts them in place. */
typedef enum SupItemKind {
  SUP_STRATEGY,  /* strategy NAME: strategy, strategy_loc */
  SUP_INTENSITY, /* intensity N per MS: intensity, period_ms */
  SUP_CHILD,     /* child name = Kind(args): child */
} SupItemKind;

typedef struct SupItem {
  SupItemKind kind;
  Loc loc;            /* the keyword */
  const char *strategy;
  Loc strategy_loc;
  Node *intensity, *period; /* constant expressions, computed by the checker */
  Child *child;
} SupItem;

/* Constructors, one per form the grammar builds (Loc last: where errors point). */
Node *ast_node(NodeKind k, Loc loc);  /* a node with no fields of its own: break, none, ... */
Node *ast_int(uint64_t v, Loc loc);
Node *ast_float(double v, Loc loc);
Node *ast_bool(bool v, Loc loc);
Node *ast_name(const char *name, Loc loc);
Node *ast_str(const char *s, int64_t len, Loc loc);
Node *ast_interp(Node *first, Node *expr, Loc loc);     /* "first{expr}..." */
Node *ast_interp_add(Node *interp, Node *piece);        /* then a piece, then an expr ... */
Node *ast_format(Node *e, const char *spec, int64_t len, Loc loc); /* e:spec in an interpolation */
Node *ast_list(Vec elems, Loc loc);
Node *ast_map(Node *key, Node *value, Loc loc);         /* {key: value ... } */
Node *ast_map_add(Node *map, Node *key, Node *value);
Node *ast_binary(int op, Node *a, Node *b, Loc loc);
Node *ast_unary(int op, Node *a, Loc loc);
Node *ast_call(const char *name, Vec args, Loc loc);
Node *ast_method(Node *recv, const char *name, Vec args, Loc loc);
Node *ast_dot(Node *recv, const char *name, Loc loc);   /* N_FIELD */
Node *ast_index(Node *a, Node *index, Loc loc);
Node *ast_spawn(const char *qual, const char *kind, Loc kind_loc, Vec args, Loc loc); /* qual: M in spawn M.Kind() */
Node *ast_timer(bool every, Node *interval, Vec body, Loc loc);
Node *ast_var(NodeKind k, const char *name, Loc name_loc, TypeExpr *te, Node *init, Loc loc); /* N_LET, N_VAR */
Node *ast_assign(int op, Node *target, Node *value, Loc loc);
Node *ast_if(Node *cond, Vec then, Vec els, Loc loc);
Node *ast_while(Node *cond, Vec body, Loc loc);
Node *ast_for_range(const char *name, Loc name_loc, Node *from, Node *to, Vec body, Loc loc);
Node *ast_for_each(const char *name, Loc name_loc, const char *name2, Loc name2_loc, Node *seq, Vec body, Loc loc);
Node *ast_return(Node *value, Loc loc);                 /* value NULL: return */
Node *ast_expr_stmt(Node *e);
Node *ast_send(Node *to, const char *name, Loc name_loc, Vec args, Loc loc);
Node *ast_label(const char *name, Node *value, Loc loc);   /* name: value in a call */
Node *ast_match(Node *scrutinee, Vec arms, Loc loc);       /* arms: MatchArm* */
MatchArm *ast_arm_body(Vec stmts, bool block);             /* => BODY: an arm without its pattern */
MatchArm *ast_arm(Pat *pat, Node *guard, MatchArm *body, Loc loc);
Pat *ast_pat_name(const char *name, Loc loc);              /* _ or a name */
Pat *ast_pat_ctor(const char *name, Vec subs, Loc loc);    /* name(subs) */
/* M.name or M.name(subs) (parens): a std module's variant or record */
Pat *ast_pat_qual(const char *qual, const char *name, Vec subs, bool parens, Loc loc);
Pat *ast_pat_int(uint64_t v, bool negative, Loc loc);      /* reports values out of range */
Pat *ast_pat_str(const char *s, int64_t len, Loc loc);
Pat *ast_pat_bool(bool v, Loc loc);
Pat *ast_pat_lit(PatKind k, Loc loc);                      /* a literal that is no pattern */
Pat *ast_pat_or(Pat *a, Pat *b, Loc loc);                  /* a | b */
/* within: the time limit (NULL when absent) and where its keyword is */
Node *ast_request(Node *to, const char *name, Loc name_loc, Vec args, Node *within, Loc within_loc, Block *then,
                  Block *els, Loc loc);
TypeExpr *ast_type(TypeExprKind k, Loc loc, const char *name, TypeExpr *a, TypeExpr *b);
TypeExpr *ast_qual_type(const char *qual, const char *name, Loc loc); /* M.Name */
Block *ast_block(Loc loc, const char *param, Loc param_loc, Vec stmts);
Param *ast_param(const char *name, TypeExpr *te, Loc loc);
/* ifaces: TypeExpr* of `is I1, I2`; members: Member* */
Decl *ast_actor(const char *name, Vec params, Vec ifaces, Vec members, Loc loc);
Decl *ast_interface(const char *name, Vec sigs, Loc loc); /* sigs: D_HANDLER */
Decl *ast_init(Vec body, Loc loc);
Decl *ast_iface_sig(const char *name, Vec params, TypeExpr *ret, Vec *body, Loc loc); /* body: NULL or a mistake */
Decl *ast_supervisor(const char *name, Vec params, Vec items, Loc loc); /* items: SupItem* */
Decl *ast_fn(const char *name, Vec params, TypeExpr *ret, Vec body, Loc loc);
Decl *ast_handler(const char *name, Vec params, TypeExpr *ret, Vec body, Loc loc);
Decl *ast_extern(const char *name, Vec params, TypeExpr *ret, Vec delivers, Node *csym, Loc loc);
Decl *ast_use(const char *path, Loc loc);               /* use "path" */
Decl *ast_use_std(const char *name, Loc loc);           /* use std.NAME */
Decl *ast_record(const char *name, Vec fields, Loc loc);   /* fields: Param* */
Decl *ast_enum(const char *name, Vec variants, Loc loc);   /* variants: Decl* (D_VARIANT) */
Decl *ast_variant(const char *name, Vec fields, bool parens, Loc loc);
Decl *ast_const(const char *name, Node *value, Loc loc);
Member *ast_member(MemberKind k, Node *field, Decl *decl);
SupItem *ast_strategy(const char *name, Loc name_loc, Loc loc);
SupItem *ast_intensity(Node *count, Node *period_ms, Loc loc);
SupItem *ast_sup_child(Child *c);
Child *ast_child(const char *name, const char *qual, const char *kind, Loc kind_loc, Vec args, Loc loc);
int ast_compound_op(int op); /* += -> '+', ... ; 0 for '=' */

struct Program {
  Vec decls;  /* Decl*: every top-level item of every file, in load order */
  Vec actors; /* Decl*: actors and supervisors */
  Vec fns;    /* Decl*: top-level functions and externs */
  Decl *main_actor;
  Vec types;  /* Type*: every list and map type used (for codegen descriptors) */
  Vec closures; /* Closure* */
  Vec datas;    /* Decl*: records and enums (D_RECORD, D_ENUM), for codegen descriptors */
  Vec ifaces;   /* Decl* (D_INTERFACE): in declaration order; index = interface number */
};

/* ---- names.c: the program-wide namespace of top-level names (§9) --------------- */

typedef enum NameKind {
  NK_ACTOR,      /* decl: D_ACTOR */
  NK_SUPERVISOR, /* decl: D_SUPERVISOR */
  NK_FN,         /* decl: D_FN (top level) */
  NK_EXTERN,     /* decl: D_EXTERN */
  NK_CONST,      /* decl: D_CONST */
  NK_RECORD,     /* decl: the record's */
  NK_ENUM,       /* decl: the enum's */
  NK_VARIANT,    /* decl: the variant's own (its owner: the enum) */
  NK_INTERFACE,  /* decl: the interface's */
} NameKind;

typedef struct Name Name;
struct Name {
  const char *name;
  NameKind kind;
  Decl *decl;
  Loc loc;             /* the declaration, for clashes */
  const char *module;  /* the std module that declares it; NULL: the program */
  Name *next;          /* the hash chain */
};

void names_reset(void);
void names_add_module(const char *module);  /* a std module the program uses (strings) */
bool names_is_module(const char *module);
Vec names_modules(void);                    /* const char * */
/* Declares a top-level name in the unit of loc's file; a clash is reported here. */
Name *names_declare(const char *name, NameKind kind, Decl *decl, Loc loc);
Name *names_find(const char *name, int from_file);       /* as a bare name written in that file */
Name *names_find_in(const char *module, const char *name); /* M.name */
Vec names_visible(int from_file);          /* const char *: for suggestions */
Vec names_of_module(const char *module);
const char *names_kind_str(NameKind k);    /* "actor", "function", "variant", ... */
const char *names_shown(Decl *d);          /* d's name in messages: M.name when the program's own hides it */

/* ---- types.c: the checker's types ---------------------------------------------- */

typedef enum TypeKind {
  T_ERROR,  /* after an error: compatible with everything, so one mistake = one diag */
  T_VOID,   /* no value */
  T_INT,
  T_FLOAT,
  T_BOOL,
  T_STRING,
  T_LIST,   /* a = element */
  T_MAP,    /* a = key, b = value */
  T_ACTOR,  /* a reference to an actor of kind `decl` (actor or supervisor) */
  T_IFACE,  /* a reference to an actor that has interface `decl`'s handlers (§12) */
  T_REPLY,  /* Reply[a]: the reply handle of a request answered with an a (§13) */
  T_ANYACTOR, /* Actor */
  T_TIMER,
  T_RECORD, /* a record of `decl` (D_RECORD) */
  T_ENUM,   /* a value of enum `decl` (D_ENUM) */
  T_NONE,   /* the type of the literal `none` */
  T_EMPTY,  /* the element type of `[]` / key and value of `{}` before inference */
  T_ANY,    /* extern fn only: any value (a parameter), or the type the context wants (a result);
              ty_data is the T_ANY restricted to plain data (no actor references, Timers) */
} TypeKind;

struct Type {
  TypeKind kind;
  Type *a, *b;
  Decl *decl;
  int id;     /* index in Program.types for lists and maps */
  void *cg;   /* codegen: the rt_type descriptor */
};

extern Type *ty_error, *ty_void, *ty_int, *ty_float, *ty_bool, *ty_string, *ty_anyactor,
    *ty_timer, *ty_none, *ty_empty, *ty_any, *ty_data;
void types_init(Program *p);
Type *ty_list(Type *elem);
Type *ty_map(Type *key, Type *val);
Type *ty_actor(Decl *d);
Type *ty_data_type(Decl *d);    /* the type of a record or enum declaration */
bool ty_is_datatype(Type *t);   /* T_RECORD or T_ENUM */
Type *ty_iface(Decl *d);
Type *ty_reply(Type *answer);
/* Does actor kind or interface `d` have every handler of interface `iface`, with the
 * same parameter types in order and the same answer type (§12)?  A supervisor conforms
 * to none.  Remembered per pair. */
bool ty_conforms(Decl *d, Decl *iface);
/* The first handler of iface that d lacks or has with another signature (NULL: none);
 * *other: d's handler of that name, when it has one. */
Decl *ty_conform_problem(Decl *d, Decl *iface, Decl **other);
bool ty_same_signature(Decl *h, Decl *sig); /* same parameter types in order, same answer */
Decl *ty_handler(Decl *d, const char *name); /* actor's or interface's handler, or NULL */
bool ty_is_ref(Type *t);        /* held by reference count at run time */
bool ty_is_actor(Type *t);      /* T_ACTOR, T_IFACE or T_ANYACTOR: an actor reference */
bool ty_has_empty(Type *t);     /* contains T_EMPTY (an uninferred [] or {}) */
bool ty_is_data(Type *t);       /* built of Int, Float, Bool, String, lists, maps, records and enums only */
bool ty_eq(Type *a, Type *b);
bool ty_assignable(Type *to, Type *from); /* from converts to `to` without a cast */
const char *ty_name(Type *t);   /* as written in source: [Int], {String: Int}, Counter */

/* ---- check.c, check_expr.c, check_stmt.c: names and types ---------------------- */

typedef enum SymKind {
  SYM_LOCAL,   /* let/var/loop variable of a function, handler or block */
  SYM_PARAM,   /* parameter of a function, handler or method */
  SYM_FIELD,   /* actor parameter or field; supervisor parameter or child */
  SYM_CAPTURE, /* inside a block: a copy of an enclosing local taken at creation */
  SYM_BLOCKPARAM, /* then (x) / else (reason) */
  SYM_BINDING, /* a name bound by a match arm's pattern: immutable, borrowed from the value matched */
  SYM_REPLY,   /* `reply` in a -> T handler: its request's handle, made on first use */
} SymKind;

/* The function-like thing code runs in: a function, handler, method, field
 * initialiser, supervisor build, or a block. */
typedef struct FnCtx FnCtx;

struct Sym {
  SymKind kind;
  const char *name;
  Loc loc;
  Type *type;
  bool mutable;
  int index;        /* SYM_FIELD: position in the actor's state; SYM_CAPTURE: in env */
  FnCtx *ctx;       /* where it lives */
  Sym *outer;       /* SYM_CAPTURE: the captured symbol */
  bool used;        /* named somewhere (read, assigned, captured): for the warnings */
  bool changed;     /* assigned or changed in place (a var never changed could be a let) */
  bool zero_init;   /* var x: T without a value: the way to name T's zero value (no let does) */
  void *cg;         /* codegen: its alloca or value */
};

struct Closure {
  int id;
  Loc loc;
  Node *node;        /* the N_REQUEST or N_TIMER */
  Type *answer;      /* then-parameter type (request's answer type; void for timers) */
  Vec captures;      /* Sym* (SYM_CAPTURE), in env order */
  Decl *actor;       /* the actor it runs in */
  void *cg;
};

/* Built-in functions and methods (N_CALL/N_METHOD builtin field). ORDER BUILTIN */
enum Builtin {
  B_NONE = 0,
  B_PRINT, B_EPRINT, B_STR, B_FLOAT, B_INT, B_PARSE_INT, B_PARSE_FLOAT, B_ABS, B_MIN,
  B_MAX, B_SQRT, B_NOW_MS, B_RANDOM, B_FAIL, B_ASSERT, B_EXIT, B_MONITOR, B_CANCEL,
  B_STOP,
  /* String methods */
  B_S_LEN, B_S_CONTAINS, B_S_STARTS_WITH, B_S_ENDS_WITH, B_S_FIND, B_S_SLICE, B_S_SPLIT,
  B_S_TRIM, B_S_UPPER, B_S_LOWER, B_S_REPEAT,
  /* List methods */
  B_L_LEN, B_L_PUSH, B_L_POP, B_L_INSERT, B_L_REMOVE, B_L_CONTAINS, B_L_SLICE, B_L_SORT,
  B_L_REVERSE, B_L_JOIN,
  /* Map methods */
  B_M_LEN, B_M_HAS, B_M_GET, B_M_REMOVE, B_M_KEYS, B_M_VALUES,
  /* Reply[T] methods */
  B_R_ANSWER, B_R_FAIL,
  B_COUNT
};

/* Checks the whole program; reports errors through diag_error.  need_main: build/run. */
void check_program(Program *p, bool need_main);
const char *extern_c_name(Decl *d); /* the C symbol an extern fn binds */

/* ---- cg*.c: LLVM IR generation ------------------------------------------------- */

typedef struct CgOptions {
  int opt_level;     /* 0..3 */
  bool debug_info;   /* -g */
  const char *module_name;
} CgOptions;

/* Generates the program into an LLVM module and writes an object file (or .ll when
 * ll_path is set).  With neither, only declares what the program defines and binds:
 * the code generator's own checks (an extern fn binding one of the runtime's functions
 * with another signature), which `check` runs too.  Returns false on failure (after a
 * diagnostic). */
bool cg_program(Program *p, const CgOptions *opt, const char *obj_path, const char *ll_path);

/* ---- graph.c: actorc graph ---------------------------------------------------- */

/* The checked program's actor graph as Graphviz DOT (path: the root file, for the
 * graph's name); graph_render writes it to `out` (.dot, .gv) or renders it there with
 * Graphviz's dot (.svg, .png, .pdf).  False after a diagnostic. */
void graph_write(Program *p, const char *path, FILE *f);
bool graph_render(Program *p, const char *path, const char *out);

/* ---- link.c -------------------------------------------------------------------- */

/* Links obj_path with the runtime into exe_path; extra_flags: -l/-L from the command
 * line.  Returns false (after a diagnostic) on failure. */
bool link_program(const char *obj_path, const char *exe_path, Vec *extra_flags);
const char *find_stdlib_dir(void);
void set_self_path(const char *argv0);

#endif

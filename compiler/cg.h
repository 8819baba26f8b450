/* cg.h — what the code generator's files share (not used outside cg*.c):
 *   cg.c        the context, target, module, type descriptors, emitting the object
 *   cg_debug.c  DWARF line information for -g
 *   cg_rt.c     every runtime entry point, declared from runtime/include/actor_rt_abi.def
 *   cg_layout.c the runtime's structs as LLVM types, laid out from actor_rt.h
 *   cg_fn.c     functions: entry, slots for owned values, landing pads, scopes, calls
 *   cg_expr.c   expressions
 *   cg_stmt.c   statements
 *   cg_actor.c  actor kinds, messages, dispatch, sends, requests, closures, spawn,
 *               supervisors, and the program descriptor
 *
 * Ownership (see runtime/include/actor_rt.h): every value that holds a reference
 * count is either borrowed (valid while whatever it was read from is) or owned.
 * An owned value always lives in a *slot*, an alloca that the function's landing pad
 * releases when a failure unwinds through the frame; a slot is nulled as soon as its
 * value is released or moved on.  So a failing actor leaks nothing its frames held. */
#ifndef CG_H
#define CG_H

#include "compiler.h"
#include "include/actor_rt.h" /* the runtime's layouts (cg_layout.c) and constants */

#include <llvm-c/Core.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>

/* A runtime function: its LLVM declaration and whether it may fail (unwind). */
typedef struct RtFn {
  const char *name;
  LLVMValueRef fn;
  LLVMTypeRef type;
  bool may_fail;
} RtFn;

/* The runtime's functions (RT_<ID>) and variables (RTV_<ID>) that generated code
 * uses, from their one list: runtime/include/actor_rt_abi.def (cg_rt.c). */
enum {
#define RT_ABI_FN(id, ...) RT_##id,
#define RT_ABI_VAR(...)
#include "include/actor_rt_abi.def"
#undef RT_ABI_FN
#undef RT_ABI_VAR
  RT_COUNT
};
enum {
#define RT_ABI_FN(...)
#define RT_ABI_VAR(id, ...) RTV_##id,
#include "include/actor_rt_abi.def"
#undef RT_ABI_FN
#undef RT_ABI_VAR
  RTV_COUNT
};

/* A runtime struct as an LLVM type, laid out from actor_rt.h (cg_layout.c).  Fields
 * are named by the F_<STRUCT>_<FIELD> numbers below, in any order of actor_rt.h. */
typedef struct RtLayout {
  LLVMTypeRef t;
  unsigned n;        /* fields */
  unsigned elem[16]; /* the LLVM element of field F_... */
} RtLayout;

enum { F_MSG_NEXT, F_MSG_ID, F_MSG_SIZE, F_MSG_N };                          /* rt_msg */
enum { F_REQ_REPLY_TO, F_REQ_CONT, F_REQ_INCARNATION, F_REQ_N };             /* rt_reqinfo */
enum { F_CLO_RC, F_CLO_TAG, F_CLO_RUN, F_CLO_RUN_ELSE, F_CLO_DROP, F_CLO_ANSWER_TYPE, F_CLO_N }; /* rt_closure */
enum { F_TYPE_KIND, F_TYPE_RESERVED, F_TYPE_A, F_TYPE_B, F_TYPE_N };         /* rt_type */
enum {                                                                       /* rt_kind */
  F_KIND_NAME, F_KIND_SIZE, F_KIND_NHANDLERS, F_KIND_HANDLER_NAMES, F_KIND_HANDLER_ANSWERS,
  F_KIND_ANSWER_TYPES, F_KIND_DOWN_HANDLER, F_KIND_FLAGS, F_KIND_INIT, F_KIND_DISPATCH,
  F_KIND_DROP_MSG, F_KIND_DROP_STATE, F_KIND_DROP_PARAMS, F_KIND_SUP, F_KIND_N
};
enum { F_SUP_STRATEGY, F_SUP_NCHILDREN, F_SUP_INTENSITY, F_SUP_PERIOD_MS, F_SUP_BUILD, F_SUP_N }; /* rt_sup_desc */
enum { F_PROG_MAIN_KIND, F_PROG_START_HANDLER, F_PROG_START_TAKES_ARGS, F_PROG_ARGS_TYPE, F_PROG_N }; /* rt_program */
enum { F_LIST_RC, F_LIST_TAG, F_LIST_LEN, F_LIST_CAP, F_LIST_TYPE, F_LIST_DATA, F_LIST_N };       /* rt_list */
enum { F_STR_RC, F_STR_TAG, F_STR_LEN, F_STR_DATA, F_STR_N };                /* rt_str */

/* Where break and continue go, and how many scopes they leave. */
typedef struct Loop {
  LLVMBasicBlockRef brk, cont;
  int scope_depth; /* scopes at the start of the body: those from here on are exited */
} Loop;

/* The function being generated. */
typedef struct CgFn {
  LLVMValueRef fn;
  LLVMValueRef self;      /* the actor (i8*), or NULL in top-level functions */
  LLVMValueRef env;       /* blocks: the closure */
  LLVMBuilderRef alloca_b;/* builds allocas at the top of the entry block */
  LLVMBasicBlockRef lpad; /* the landing pad, made at the first call that may fail */
  Vec slots;              /* LLVMValueRef: every slot of the function */
  Vec free_temps;         /* LLVMValueRef: temp slots not in use */
  Vec scopes;             /* Vec*: owned-variable slots per open scope */
  Vec loops;              /* Loop* */
  Type *ret;              /* what return gives (NULL: nothing) */
  Closure *clo;           /* blocks */
  Decl *actor;            /* whose state `self` is */
  Decl *sup;              /* supervisor build: whose state the names are */
  bool in_init;           /* field initialisers */
  LLVMMetadataRef di_scope, di_loc; /* -g: the subprogram and current location */
} CgFn;

/* A value during expression generation.  slot != NULL: owned, held in that slot. */
typedef struct Val {
  LLVMValueRef v;
  Type *t;
  LLVMValueRef slot;
} Val;

typedef struct Cg {
  LLVMContextRef ctx;
  LLVMModuleRef mod;
  LLVMBuilderRef b;
  LLVMTargetMachineRef tm;
  LLVMTargetDataRef td;
  Program *prog;
  const CgOptions *opt;
  LLVMTypeRef void_t, i1, i8, i32, i64, f64, ptr;
  /* the runtime's structs (cg_layout.c) */
  RtLayout msg, reqinfo, clo, type, kind, sup, program, list;
  LLVMValueRef personality;
  RtFn rt[RT_COUNT];
  LLVMValueRef rtvar[RTV_COUNT]; /* the runtime's variables (rt_stack_limit, rt_type_int ...) */
  CgFn *fn;
  Vec pos_strings; /* interned "file:line:col" globals (PosStr*) */
} Cg;

extern Cg cg;

/* cg.c */
LLVMTypeRef cg_llvm_type(Type *t);           /* in registers: i64, double, i1, i8* */
LLVMValueRef cg_type_desc(Type *t);          /* the rt_type descriptor (i8*) */
LLVMValueRef cg_pos(Loc loc);                /* "file:line:col" (i8*) */
LLVMValueRef cg_cstr(const char *s);         /* a private C string constant (i8*) */
LLVMValueRef cg_str_literal(const char *s, int64_t len); /* a static rt_str (i8*) */
LLVMTypeRef cg_ptr_to(LLVMTypeRef t);

/* cg_debug.c: DWARF line information (-g); no-ops without it */
void cg_debug_init(void);
void cg_debug_fn(LLVMValueRef fn, Loc loc);
void cg_debug_loc(Loc loc);
void cg_debug_builder(LLVMBuilderRef b);
void cg_debug_fn_end(void);
void cg_debug_finish(void);

/* cg_layout.c */
void cg_layout_init(void);
LLVMValueRef cg_rt_field(const RtLayout *l, LLVMValueRef base, unsigned field); /* &base->field */
LLVMValueRef cg_rt_const(const RtLayout *l, LLVMValueRef *vals); /* vals by field number */
LLVMValueRef cg_rt_str_const(LLVMValueRef bytes, int64_t len);   /* a static rt_str's contents */

/* cg_rt.c */
void cg_rt_declare(void);   /* every function and variable of actor_rt_abi.def */

/* cg_fn.c */
CgFn *cg_fn_begin(LLVMValueRef fn, Type *ret, Loc loc); /* loc: for -g */
void cg_fn_end(void);
LLVMValueRef cg_alloca(LLVMTypeRef t, const char *name);
LLVMValueRef cg_slot(const char *name);      /* a new owned slot (i8*), null at entry */
LLVMValueRef cg_call_rt(int which, LLVMValueRef *args, unsigned n);
LLVMValueRef cg_call(LLVMValueRef fn, LLVMTypeRef fty, LLVMValueRef *args, unsigned n, bool may_fail);
void cg_push_scope(void);
void cg_pop_scope(void);                     /* releases the scope's owned variables */
void cg_scope_add(LLVMValueRef slot);        /* an owned variable of the current scope */
void cg_release_scopes_from(int depth);      /* for break/continue/return: no pop */
LLVMBasicBlockRef cg_block(const char *name);
bool cg_terminated(void);                    /* the current block already ends */
void cg_retain(LLVMValueRef p);
void cg_release(LLVMValueRef p);
/* Values */
Val cg_borrowed(LLVMValueRef v, Type *t);
Val cg_owned(LLVMValueRef v, Type *t);       /* puts an owned ref into a temp slot */
LLVMValueRef cg_take(Val v);                 /* an owned value (retains a borrowed one) */
void cg_drop(Val v);                         /* releases an owned temp */
Val cg_own(Val v);                           /* an owned copy (in a temp) of v */
LLVMValueRef cg_to_word(LLVMValueRef v, Type *t);
LLVMValueRef cg_from_word(LLVMValueRef w, Type *t);
LLVMValueRef cg_zero(Type *t);
LLVMValueRef cg_bitcast_ptr(LLVMValueRef p, LLVMTypeRef pointee);
LLVMValueRef cg_load(LLVMTypeRef t, LLVMValueRef addr, const char *name);
void cg_store(LLVMValueRef v, LLVMValueRef addr);
LLVMValueRef cg_gep(LLVMTypeRef struct_t, LLVMValueRef base, unsigned field); /* &base->field */
void cg_fail_if(LLVMValueRef cond, int which_fail, Loc loc);

/* cg_expr.c */
Val cg_expr(Node *n);
LLVMValueRef cg_expr_take(Node *n);          /* an owned result */
LLVMValueRef cg_sym_addr(Sym *s);            /* where a variable's value is */
LLVMValueRef cg_to_string(Val v, Val *out);  /* String form of v as a Val in *out */
/* Arguments: evaluates args in order; a borrowed argument followed by one that may
 * change state is made owned.  `owned_all` gives every argument as owned. */
void cg_args(Vec *args, Val *out, bool owned_all);
/* Places (a[i][j]) are built in two steps so that no user code runs between taking an
 * address inside a container and using it: prepare evaluates every index, then
 * cg_lvalue_addr makes the addresses; done releases the indices. */
void cg_lvalue_prepare(Node *n);
LLVMValueRef cg_lvalue_addr(Node *n);        /* the address a[i]... refers to (for changes) */
Val *cg_place_key(Node *n);                  /* the prepared index of a[i] */
void cg_lvalue_done(void);
LLVMValueRef cg_arith(int op, Type *t, LLVMValueRef a, LLVMValueRef b, Loc loc); /* + - * / % */
LLVMValueRef cg_list_len_inline(LLVMValueRef list);

/* cg_stmt.c */
void cg_stmts(Vec *stmts);

/* cg_actor.c */
void cg_actors_declare(void);
void cg_actors_define(void);
LLVMTypeRef cg_state_type(Decl *actor);      /* { [RT_ACTOR_STATE_OFFSET x i8], fields... } */
LLVMValueRef cg_state_addr(LLVMValueRef actor, Decl *kind, int index);
void cg_send(Node *n);
void cg_request(Node *n);
Val cg_spawn(Node *n);
Val cg_timer(Node *n);
LLVMValueRef cg_fn_decl(Decl *d);            /* the LLVM function of a fn/method/handler */

#endif

/* cg.c — code generation: the LLVM context and target, the module, type
 * descriptors, string constants and positions, and the final steps: verify, optimise
 * (new pass manager through LLVMRunPasses), and write the object file or the .ll.
 *
 * Expects: a program the checker accepted (no errors).  Uses the LLVM-C API only,
 * with the calls that work with typed (LLVM 14) and opaque (LLVM 15+) pointers. */
#include "cg.h"

#include <llvm-c/Analysis.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <stdlib.h>
#include <string.h>

Cg cg;

LLVMTypeRef cg_ptr_to(LLVMTypeRef t) { return LLVMPointerType(t, 0); }

LLVMTypeRef cg_llvm_type(Type *t) {
  switch (t->kind) {
  case T_INT: return cg.i64;
  case T_FLOAT: return cg.f64;
  case T_BOOL: return cg.i1;
  case T_VOID: return cg.void_t;
  default: return cg.ptr;
  }
}

/* ---- constants ------------------------------------------------------------------ */

static LLVMValueRef private_global(LLVMValueRef init, const char *name) {
  LLVMValueRef g = LLVMAddGlobal(cg.mod, LLVMTypeOf(init), name);
  LLVMSetInitializer(g, init);
  LLVMSetGlobalConstant(g, 1);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  LLVMSetUnnamedAddr(g, 1);
  return g;
}

LLVMValueRef cg_cstr(const char *s) {
  LLVMValueRef init = LLVMConstStringInContext(cg.ctx, s, (unsigned)strlen(s), 0);
  return LLVMConstBitCast(private_global(init, "cstr"), cg.ptr);
}

typedef struct PosStr {
  Loc loc;
  LLVMValueRef g;
} PosStr;

LLVMValueRef cg_pos(Loc loc) {
  for (int i = 0; i < cg.pos_strings.len; i++) {
    PosStr *p = cg.pos_strings.data[i];
    if (p->loc.file == loc.file && p->loc.line == loc.line && p->loc.col == loc.col) return p->g;
  }
  PosStr *p = xalloc(sizeof *p);
  p->loc = loc;
  p->g = cg_cstr(loc_str(loc));
  vec_push(&cg.pos_strings, p);
  return p->g;
}

/* A string literal as a static rt_str: rc RT_RC_STATIC (never counted or freed), tag
 * RT_TAG_STR, its length and its bytes. */
LLVMValueRef cg_str_literal(const char *s, int64_t len) {
  if (len == 0) return LLVMConstNull(cg.ptr); /* "" is the null string */
  LLVMValueRef bytes = LLVMConstStringInContext(cg.ctx, s, (unsigned)len, 0); /* NUL-terminated */
  LLVMValueRef g = private_global(cg_rt_str_const(bytes, len), "str");
  LLVMSetAlignment(g, _Alignof(rt_str));
  return LLVMConstBitCast(g, cg.ptr);
}

/* ---- type descriptors ------------------------------------------------------------ */

static LLVMValueRef builtin_desc(int var) { return LLVMConstBitCast(cg.rtvar[var], cg.ptr); }

LLVMValueRef cg_type_desc(Type *t) {
  switch (t->kind) {
  case T_INT: return builtin_desc(RTV_TYPE_INT);
  case T_FLOAT: return builtin_desc(RTV_TYPE_FLOAT);
  case T_BOOL: return builtin_desc(RTV_TYPE_BOOL);
  case T_STRING: return builtin_desc(RTV_TYPE_STRING);
  case T_ACTOR: case T_IFACE: case T_ANYACTOR: case T_NONE: return builtin_desc(RTV_TYPE_ACTOR);
  case T_TIMER: return builtin_desc(RTV_TYPE_TIMER);
  case T_RECORD: case T_ENUM: return cg_data_desc(t);
  case T_REPLY: return builtin_desc(RTV_TYPE_REPLY); /* (its answer type is not needed at run time) */
  case T_LIST: case T_MAP: break;
  default: unreachable();
  }
  if (t->cg) return t->cg;
  /* made on demand, so that types first seen by codegen are described too */
  LLVMValueRef g = LLVMAddGlobal(cg.mod, cg.type.t, t->kind == T_LIST ? "type.list" : "type.map");
  t->cg = LLVMConstBitCast(g, cg.ptr);
  LLVMValueRef f[F_TYPE_N] = {
      [F_TYPE_KIND] = LLVMConstInt(cg.i32, t->kind == T_LIST ? RT_T_LIST : RT_T_MAP, 0),
      [F_TYPE_RESERVED] = LLVMConstInt(cg.i32, 0, 0),
      [F_TYPE_A] = cg_type_desc(t->a),
      [F_TYPE_B] = t->kind == T_MAP ? cg_type_desc(t->b) : LLVMConstNull(cg.ptr),
      [F_TYPE_DATA] = LLVMConstNull(cg.ptr),
  };
  LLVMSetInitializer(g, cg_rt_const(&cg.type, f));
  LLVMSetGlobalConstant(g, 1);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  return t->cg;
}

/* ---- setup ---------------------------------------------------------------------- */

static bool setup(const CgOptions *opt) {
  LLVMInitializeNativeTarget();
  LLVMInitializeNativeAsmPrinter();
  cg.ctx = LLVMContextCreate();
  cg.mod = LLVMModuleCreateWithNameInContext(opt->module_name, cg.ctx);
  cg.b = LLVMCreateBuilderInContext(cg.ctx);
  char *triple = LLVMGetDefaultTargetTriple();
  LLVMTargetRef target;
  char *err = NULL;
  if (LLVMGetTargetFromTriple(triple, &target, &err)) {
    diag_plain("no LLVM target for %s: %s", triple, err);
    LLVMDisposeMessage(err);
    return false;
  }
  LLVMCodeGenOptLevel level = opt->opt_level == 0 ? LLVMCodeGenLevelNone
                              : opt->opt_level == 1 ? LLVMCodeGenLevelLess
                              : opt->opt_level == 2 ? LLVMCodeGenLevelDefault
                                                    : LLVMCodeGenLevelAggressive;
  cg.tm = LLVMCreateTargetMachine(target, triple, "generic", "", level, LLVMRelocPIC, LLVMCodeModelDefault);
  LLVMSetTarget(cg.mod, triple);
  cg.td = LLVMCreateTargetDataLayout(cg.tm);
  char *layout = LLVMCopyStringRepOfTargetData(cg.td);
  LLVMSetDataLayout(cg.mod, layout);
  LLVMDisposeMessage(layout);
  LLVMDisposeMessage(triple);

  cg.void_t = LLVMVoidTypeInContext(cg.ctx);
  cg.i1 = LLVMInt1TypeInContext(cg.ctx);
  cg.i8 = LLVMInt8TypeInContext(cg.ctx);
  cg.i32 = LLVMInt32TypeInContext(cg.ctx);
  cg.i64 = LLVMInt64TypeInContext(cg.ctx);
  cg.f64 = LLVMDoubleTypeInContext(cg.ctx);
  cg.ptr = LLVMPointerType(cg.i8, 0);

  cg_layout_init();

  LLVMTypeRef pers_t = LLVMFunctionType(cg.i32, NULL, 0, 1);
  cg.personality = LLVMAddFunction(cg.mod, "__gcc_personality_v0", pers_t);

  cg_rt_declare();
  cg_debug_init();
  return true;
}

static bool finish(const char *obj_path, const char *ll_path) {
  char *err = NULL;
  cg_debug_finish();
  const char *dump = getenv("ACTORC_DUMP_IR"); /* for debugging actorc: the IR before verification */
  if (dump && *dump) LLVMPrintModuleToFile(cg.mod, dump, NULL);
  if (LLVMVerifyModule(cg.mod, LLVMReturnStatusAction, &err)) {
    fprintf(stderr, "actorc: internal error: invalid LLVM module:\n%s\n", err);
    LLVMDisposeMessage(err);
    return false;
  }
  LLVMDisposeMessage(err);
  char passes[32];
  snprintf(passes, sizeof passes, "default<O%d>", cg.opt->opt_level);
  LLVMPassBuilderOptionsRef po = LLVMCreatePassBuilderOptions();
  LLVMErrorRef e = LLVMRunPasses(cg.mod, passes, cg.tm, po);
  LLVMDisposePassBuilderOptions(po);
  if (e) {
    char *m = LLVMGetErrorMessage(e);
    diag_plain("optimisation failed: %s", m);
    LLVMDisposeErrorMessage(m);
    return false;
  }
  if (ll_path) {
    if (LLVMPrintModuleToFile(cg.mod, ll_path, &err)) {
      diag_plain("cannot write %s: %s", ll_path, err);
      LLVMDisposeMessage(err);
      return false;
    }
  }
  if (obj_path) {
    if (LLVMTargetMachineEmitToFile(cg.tm, cg.mod, (char *)obj_path, LLVMObjectFile, &err)) {
      diag_plain("cannot write %s: %s", obj_path, err);
      LLVMDisposeMessage(err);
      return false;
    }
  }
  return true;
}

bool cg_program(Program *p, const CgOptions *opt, const char *obj_path, const char *ll_path) {
  memset(&cg, 0, sizeof cg);
  cg.prog = p;
  cg.opt = opt;
  if (!setup(opt)) return false;
  cg_actors_declare();
  bool ok = diag_count() == 0; /* an extern fn that binds a runtime function wrongly */
  if (ok && (obj_path || ll_path)) { /* (with neither: check's run, the declarations' checks only) */
    cg_actors_define();
    ok = finish(obj_path, ll_path);
  }
  LLVMDisposeBuilder(cg.b);
  LLVMDisposeTargetData(cg.td);
  LLVMDisposeTargetMachine(cg.tm);
  LLVMDisposeModule(cg.mod);
  LLVMContextDispose(cg.ctx);
  return ok;
}

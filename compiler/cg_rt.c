/* cg_rt.c — every runtime function and variable generated code uses, declared to LLVM
 * from their one list, runtime/include/actor_rt_abi.def: its C prototypes, read here
 * type by type (a pointer, int64_t, bool, ...), and whether each may fail or return.
 * tests/rt/test_abi.c checks the same list against actor_rt.h, so a prototype
 * changed on one side alone fails the build. */
#include "cg.h"

#include <ctype.h>
#include <string.h>

enum { RT_ABI_FAILS = 1, RT_ABI_NORETURN = 2, RT_ABI_TLS = 4, RT_ABI_PROGRAM = 8 };

typedef struct RtDecl {
  const char *name;
  const char *ret;    /* the C return type, as the list spells it */
  const char *params; /* the C parameter types, comma-separated ("void": none) */
  unsigned flags;     /* RT_ABI_* */
} RtDecl;

static const RtDecl fns[RT_COUNT] = {
#define RT_ABI_FN(id, name, flags, ret, ...) [RT_##id] = {#name, #ret, #__VA_ARGS__, flags},
#define RT_ABI_VAR(...)
#include "include/actor_rt_abi.def"
#undef RT_ABI_FN
#undef RT_ABI_VAR
};

static const RtDecl vars[RTV_COUNT] = {
#define RT_ABI_FN(...)
#define RT_ABI_VAR(id, name, type, flags) [RTV_##id] = {#name, #type, "", flags},
#include "include/actor_rt_abi.def"
#undef RT_ABI_FN
#undef RT_ABI_VAR
};

/* The LLVM type of the C type spelled in s[0..n) (spaces around it allowed). */
static LLVMTypeRef c_type(const char *s, size_t n, bool *is_bool) {
  while (n && isspace((unsigned char)*s)) s++, n--;
  while (n && isspace((unsigned char)s[n - 1])) n--;
  *is_bool = false;
  if (memchr(s, '*', n)) return cg.ptr;
  if (n > 6 && !strncmp(s, "const ", 6)) s += 6, n -= 6;
  if (n > 7 && !strncmp(s, "struct ", 7)) s += 7, n -= 7;
#define IS(name) (n == strlen(name) && !strncmp(s, name, n))
  if (IS("void")) return cg.void_t;
  if (IS("int64_t") || IS("uint64_t") || IS("rt_word") || IS("uintptr_t")) return cg.i64;
  if (IS("int32_t") || IS("uint32_t")) return cg.i32;
  if (IS("double")) return cg.f64;
  if (IS("bool")) {
    *is_bool = true; /* i1, zero-extended by the C ABI */
    return cg.i1;
  }
  if (IS("rt_type")) return cg.type.t;
  if (IS("rt_program")) return cg.program.t;
#undef IS
  fprintf(stderr, "actorc: internal error: actor_rt_abi.def names a C type the compiler does not map: '%.*s'\n",
          (int)n, s);
  unreachable();
}

static void add_attr(LLVMValueRef fn, unsigned index, const char *name) {
  unsigned kind = LLVMGetEnumAttributeKindForName(name, strlen(name));
  LLVMAddAttributeAtIndex(fn, index, LLVMCreateEnumAttribute(cg.ctx, kind, 0));
}

static void declare_fn(int which) {
  const RtDecl *d = &fns[which];
  bool ret_bool, pbool[8];
  LLVMTypeRef ret = c_type(d->ret, strlen(d->ret), &ret_bool), params[8];
  unsigned np = 0;
  for (const char *p = d->params; *p;) {
    const char *comma = strchr(p, ','), *end = comma ? comma : p + strlen(p);
    LLVMTypeRef t = c_type(p, (size_t)(end - p), &pbool[np]);
    if (t != cg.void_t) { /* (void): no parameters */
      if (np == sizeof params / sizeof params[0]) unreachable();
      params[np++] = t;
    }
    p = comma ? comma + 1 : end;
  }
  LLVMTypeRef ft = LLVMFunctionType(ret, params, np, 0);
  LLVMValueRef fn = LLVMAddFunction(cg.mod, d->name, ft);
  for (unsigned j = 0; j < np; j++)
    if (pbool[j]) add_attr(fn, j + 1, "zeroext");
  if (ret_bool) add_attr(fn, LLVMAttributeReturnIndex, "zeroext");
  if (d->flags & RT_ABI_NORETURN) add_attr(fn, LLVMAttributeFunctionIndex, "noreturn");
  if (!(d->flags & RT_ABI_FAILS)) add_attr(fn, LLVMAttributeFunctionIndex, "nounwind");
  cg.rt[which] = (RtFn){.name = d->name, .fn = fn, .type = ft, .may_fail = (d->flags & RT_ABI_FAILS) != 0};
}

static void declare_var(int which) {
  const RtDecl *d = &vars[which];
  bool is_bool;
  LLVMValueRef g = LLVMAddGlobal(cg.mod, c_type(d->ret, strlen(d->ret), &is_bool), d->name);
  if (d->flags & RT_ABI_TLS) {
    LLVMSetThreadLocal(g, 1);
    LLVMSetThreadLocalMode(g, LLVMInitialExecTLSModel); /* the executable links the runtime */
  }
  /* const T (not a pointer to const): the runtime's descriptors, never written */
  if (!strncmp(d->ret, "const ", 6) && !strchr(d->ret, '*')) LLVMSetGlobalConstant(g, 1);
  cg.rtvar[which] = g;
}

void cg_rt_declare(void) {
  for (int i = 0; i < RT_COUNT; i++) declare_fn(i);
  for (int i = 0; i < RTV_COUNT; i++) declare_var(i);
}

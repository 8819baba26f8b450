/* cg_rt.c — every runtime entry point generated code calls, declared once with its
 * C prototype (runtime/include/actor_rt.h).  ORDER RTFN: the table follows the enum
 * in cg.h; ORDER ABI: the prototypes follow actor_rt.h. */
#include "cg.h"

#include <string.h>

typedef struct RtDecl {
  int which;
  const char *name;
  const char *sig; /* return type then parameter types: v=void b=bool(i1) i=i64 w=i32 d=double p=pointer */
  bool may_fail;
  bool noreturn;
} RtDecl;

static const RtDecl decls[] = {
    {RT_RETAIN, "rt_retain", "vp", false, false},                 /* void rt_retain(void *) */
    {RT_RELEASE, "rt_release", "vp", false, false},               /* void rt_release(void *) */
    {RT_STR_CAT, "rt_str_cat", "ppp", false, false},              /* rt_str *rt_str_cat(rt_str *, rt_str *) */
    {RT_STR_CAT_N, "rt_str_cat_n", "pip", false, false},          /* rt_str *rt_str_cat_n(int64_t, rt_str *const *) */
    {RT_STR_LEN, "rt_str_len", "ip", false, false},               /* int64_t rt_str_len(rt_str *) */
    {RT_STR_EQ, "rt_str_eq", "bpp", false, false},                /* bool rt_str_eq(rt_str *, rt_str *) */
    {RT_STR_CMP, "rt_str_cmp", "ipp", false, false},              /* int64_t rt_str_cmp(rt_str *, rt_str *) */
    {RT_STR_CONTAINS, "rt_str_contains", "bpp", false, false},
    {RT_STR_STARTS_WITH, "rt_str_starts_with", "bpp", false, false},
    {RT_STR_ENDS_WITH, "rt_str_ends_with", "bpp", false, false},
    {RT_STR_FIND, "rt_str_find", "ipp", false, false},
    {RT_STR_SLICE, "rt_str_slice", "ppiip", true, false},         /* (s, a, b, pos) */
    {RT_STR_SPLIT, "rt_str_split", "pppp", true, false},          /* (s, sep, pos) */
    {RT_STR_TRIM, "rt_str_trim", "pp", false, false},
    {RT_STR_UPPER, "rt_str_upper", "pp", false, false},
    {RT_STR_LOWER, "rt_str_lower", "pp", false, false},
    {RT_STR_REPEAT, "rt_str_repeat", "ppip", true, false},        /* (s, n, pos) */
    {RT_STR_OF_INT, "rt_str_of_int", "pi", false, false},
    {RT_STR_OF_FLOAT, "rt_str_of_float", "pd", false, false},
    {RT_STR_OF_BOOL, "rt_str_of_bool", "pb", false, false},
    {RT_STR_OF, "rt_str_of", "pip", false, false},                /* (word, type) */
    {RT_LIST_FROM, "rt_list_from", "ppip", false, false},         /* (type, n, elems) */
    {RT_LIST_GET, "rt_list_get", "ipip", true, false},            /* (l, i, pos) */
    {RT_LIST_AT_MUT, "rt_list_at_mut", "ppip", true, false},      /* (rt_list **, i, pos) */
    {RT_LIST_PUSH, "rt_list_push", "vppi", false, false},         /* (rt_list **, type, v) */
    {RT_LIST_POP, "rt_list_pop", "ipp", true, false},             /* (rt_list **, pos) */
    {RT_LIST_INSERT, "rt_list_insert", "vppiip", true, false},    /* (rt_list **, type, i, v, pos) */
    {RT_LIST_REMOVE, "rt_list_remove", "ipip", true, false},      /* (rt_list **, i, pos) */
    {RT_LIST_CONTAINS, "rt_list_contains", "bpi", false, false},
    {RT_LIST_SLICE, "rt_list_slice", "ppiip", true, false},
    {RT_LIST_SORT, "rt_list_sort", "vp", false, false},
    {RT_LIST_REVERSE, "rt_list_reverse", "vp", false, false},
    {RT_LIST_JOIN, "rt_list_join", "ppp", false, false},
    {RT_MAP_NEW, "rt_map_new", "pp", false, false},
    {RT_MAP_LEN, "rt_map_len", "ip", false, false},
    {RT_MAP_SET, "rt_map_set", "vppii", false, false},            /* (rt_map **, type, k, v) */
    {RT_MAP_GET, "rt_map_get", "ipip", true, false},              /* (m, k, pos) */
    {RT_MAP_GET_OR, "rt_map_get_or", "ipii", false, false},
    {RT_MAP_AT_MUT, "rt_map_at_mut", "ppip", true, false},        /* (rt_map **, k, pos) */
    {RT_MAP_HAS, "rt_map_has", "bpi", false, false},
    {RT_MAP_REMOVE, "rt_map_remove", "bpi", false, false},        /* (rt_map **, k) */
    {RT_MAP_KEYS, "rt_map_keys", "ppp", false, false},
    {RT_MAP_VALUES, "rt_map_values", "ppp", false, false},
    {RT_MAP_NEXT, "rt_map_next", "bpppp", false, false},          /* (m, &it, &k, &v) */
    {RT_EQ, "rt_eq", "biip", false, false},                       /* (a, b, type) */
    {RT_FLOAT_TO_INT, "rt_float_to_int", "idp", true, false},
    {RT_PARSE_INT, "rt_parse_int", "ipp", true, false},
    {RT_PARSE_FLOAT, "rt_parse_float", "dpp", true, false},
    {RT_RANDOM, "rt_random", "iip", true, false},
    {RT_NOW_MS, "rt_now_ms", "i", false, false},
    {RT_PRINT, "rt_print", "vp", false, false},
    {RT_EPRINT, "rt_eprint", "vp", false, false},
    {RT_EXIT, "rt_exit", "vi", false, true},
    {RT_FAIL_STR, "rt_fail_str", "vpp", true, true},              /* (reason, pos) */
    {RT_FAIL_OVERFLOW, "rt_fail_overflow", "vp", true, true},
    {RT_FAIL_DIVZERO, "rt_fail_divzero", "vp", true, true},
    {RT_FAIL_ASSERT, "rt_fail_assert", "vp", true, true},
    {RT_FAIL_NONE, "rt_fail_none", "vp", true, true},
    {RT_FAIL_STACK, "rt_fail_stack", "vp", true, true},
    {RT_CLOSURE_NEW, "rt_closure_new", "pw", false, false},
    {RT_SPAWN, "rt_spawn", "pp", false, false},                   /* (kind) */
    {RT_SPAWN_CHILD, "rt_spawn_child", "pppw", false, false},     /* (sup, kind, index) */
    {RT_ACTOR_START, "rt_actor_start", "vp", true, false},        /* builds a supervisor's children */
    {RT_MSG_ALLOC, "rt_msg_alloc", "pw", false, false},
    {RT_SEND, "rt_send", "vpp", false, false},
    {RT_REQUEST_INFO, "rt_request_info", "vppp", false, false},   /* (reqinfo *, self, cont) */
    {RT_REQUEST_NONE, "rt_request_none", "vpp", false, false},    /* (self, cont) */
    {RT_REPLY, "rt_reply", "vppi", false, false},                 /* (self, msg, answer) */
    {RT_STOP, "rt_stop", "vp", false, false},
    {RT_MONITOR, "rt_monitor", "vpp", false, false},
    {RT_TIMER_START, "rt_timer_start", "ppibp", false, false},    /* (self, ms, every, body) */
    {RT_TIMER_CANCEL, "rt_timer_cancel", "vp", false, false},
};

static LLVMTypeRef sig_type(char c) {
  switch (c) {
  case 'v': return cg.void_t;
  case 'b': return cg.i1;
  case 'i': return cg.i64;
  case 'w': return cg.i32;
  case 'd': return cg.f64;
  case 'p': return cg.ptr;
  }
  unreachable();
}

void cg_rt_declare(void) {
  /* __thread uintptr_t rt_stack_limit (initial-exec: the executable links the runtime) */
  cg.stack_limit = LLVMAddGlobal(cg.mod, cg.i64, "rt_stack_limit");
  LLVMSetThreadLocal(cg.stack_limit, 1);
  LLVMSetThreadLocalMode(cg.stack_limit, LLVMInitialExecTLSModel);
  /* __thread const char *rt_call_pos: the position of the extern fn call in progress */
  cg.call_pos = LLVMAddGlobal(cg.mod, cg.ptr, "rt_call_pos");
  LLVMSetThreadLocal(cg.call_pos, 1);
  LLVMSetThreadLocalMode(cg.call_pos, LLVMInitialExecTLSModel);
  if (sizeof decls / sizeof decls[0] != RT_COUNT) unreachable();
  for (size_t i = 0; i < sizeof decls / sizeof decls[0]; i++) {
    const RtDecl *d = &decls[i];
    if (d->which != (int)i) unreachable();
    const char *sig = d->sig;
    unsigned np = (unsigned)strlen(sig) - 1;
    LLVMTypeRef params[8];
    for (unsigned j = 0; j < np; j++) params[j] = sig_type(sig[j + 1]);
    LLVMTypeRef ft = LLVMFunctionType(sig_type(sig[0]), params, np, 0);
    LLVMValueRef fn = LLVMAddFunction(cg.mod, d->name, ft);
    unsigned zext = LLVMGetEnumAttributeKindForName("zeroext", 7);
    for (unsigned j = 0; j < np; j++)
      if (sig[j + 1] == 'b') LLVMAddAttributeAtIndex(fn, j + 1, LLVMCreateEnumAttribute(cg.ctx, zext, 0));
    if (sig[0] == 'b') LLVMAddAttributeAtIndex(fn, LLVMAttributeReturnIndex, LLVMCreateEnumAttribute(cg.ctx, zext, 0));
    if (d->noreturn) {
      unsigned nr = LLVMGetEnumAttributeKindForName("noreturn", 8);
      LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(cg.ctx, nr, 0));
    }
    if (!d->may_fail) {
      unsigned nu = LLVMGetEnumAttributeKindForName("nounwind", 8);
      LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(cg.ctx, nu, 0));
    }
    cg.rt[d->which] = (RtFn){.name = d->name, .fn = fn, .type = ft, .may_fail = d->may_fail};
  }
}

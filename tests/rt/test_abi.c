/* test_abi.c — the runtime's interface with generated code, checked against its one
 * list (runtime/include/actor_rt_abi.def, from which compiler/cg_rt.c declares it):
 *   at compile time, every function's prototype in the list is the one actor_rt.h
 *   declares (the list's prototype is declared again here: C refuses a declaration
 *   that conflicts with an earlier one) and so is every variable's type
 *   (__builtin_types_compatible_p), so a change made in the list or in the header
 *   alone fails the build;
 *   at run time, every function and variable the list names links (its address taken
 *   here), and the program's descriptor is defined by the program (not the runtime).
 * Layouts are not listed: the compiler reads them from actor_rt.h itself (cg.c). */
#include "rt_test.h"

/* Flags the list may use (cg_rt.c gives them their meaning). */
enum { RT_ABI_FAILS = 1, RT_ABI_NORETURN = 2, RT_ABI_TLS = 4, RT_ABI_PROGRAM = 8 };

/* ---- compile time --------------------------------------------------------------- */

#define RT_ABI_FN(id, name, flags, ret, ...) ret name(__VA_ARGS__);
#define RT_ABI_VAR(id, name, type, flags)                                    \
  _Static_assert(__builtin_types_compatible_p(__typeof__(name), type),       \
                 "actor_rt_abi.def: " #name " is not a " #type " in actor_rt.h");
#include "include/actor_rt_abi.def"
#undef RT_ABI_FN
#undef RT_ABI_VAR

/* ---- run time ------------------------------------------------------------------- */

/* The program's descriptor: defined by generated code, here by the test. */
static const rt_kind no_kind = {.name = "None", .size = RT_ACTOR_STATE_OFFSET, .down_handler = -1};
const rt_program rt_program_main = {.main_kind = &no_kind};

typedef struct entry {
  const char *name;
  const void *addr;
  unsigned flags;
} entry;

int main(void) {
  const entry fns[] = { /* (on the stack: a thread-local's address is not a constant) */
#define RT_ABI_FN(id, name, flags, ret, ...) {#name, (const void *)&name, flags},
#define RT_ABI_VAR(...)
#include "include/actor_rt_abi.def"
#undef RT_ABI_FN
#undef RT_ABI_VAR
  };
  const entry vars[] = {
#define RT_ABI_FN(...)
#define RT_ABI_VAR(id, name, type, flags) {#name, (const void *)&name, flags},
#include "include/actor_rt_abi.def"
#undef RT_ABI_FN
#undef RT_ABI_VAR
  };
  size_t nf = sizeof fns / sizeof fns[0], nv = sizeof vars / sizeof vars[0];
  CHECK(nf > 50); /* the list is not empty or cut short */
  for (size_t i = 0; i < nf; i++) {
    CHECK(fns[i].addr != NULL);
    CHECK(!strncmp(fns[i].name, "rt_", 3)); /* the ABI's prefix */
    CHECK((fns[i].flags & ~(unsigned)(RT_ABI_FAILS | RT_ABI_NORETURN)) == 0);
    bool listed_once = true;
    for (size_t j = 0; j < i; j++) listed_once &= strcmp(fns[i].name, fns[j].name) != 0;
    CHECK(listed_once);
  }
  for (size_t i = 0; i < nv; i++) {
    CHECK(vars[i].addr != NULL);
    CHECK(!strncmp(vars[i].name, "rt_", 3));
    CHECK((vars[i].flags & ~(unsigned)(RT_ABI_TLS | RT_ABI_PROGRAM)) == 0);
    if (vars[i].flags & RT_ABI_PROGRAM) CHECK(vars[i].addr == &rt_program_main);
  }
  /* The failure functions unwind (RT_ABI_FAILS) and never return: the compiler's
   * landing pads and unreachable blocks depend on both flags being right. */
  for (size_t i = 0; i < nf; i++)
    if (!strncmp(fns[i].name, "rt_fail_", 8)) CHECK(fns[i].flags == (RT_ABI_FAILS | RT_ABI_NORETURN));
  printf("test_abi: %zu functions, %zu variables of actor_rt_abi.def match actor_rt.h\n", nf, nv);
  return t_finish("test_abi");
}

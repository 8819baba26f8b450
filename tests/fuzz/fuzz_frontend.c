/* fuzz_frontend.c — libFuzzer target over the compiler's front end: lexer, parser,
 * checker and diagnostics (everything before code generation).  Any input must end
 * with diagnostics, never a crash, a hang or unbounded memory.  make fuzz runs it;
 * inputs that once crashed it live in tests/fuzz/regressions/ and run in make test. */
#include "compiler.h"

#include <stdlib.h>
#include <string.h>

static FILE *sink;

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  if (!sink) sink = fopen("/dev/null", "w");
  diag_out = sink;
  char *text = xalloc(size + 1);
  memcpy(text, data, size);
  int f = src_add("fuzz.actor", text, size);
  Program *prog = xalloc(sizeof *prog);
  if (parse_file(prog, f) && diag_count() == 0) check_program(prog, true);
  diag_flush(); /* exercises the source-line and caret printing too */
  diag_reset();
  src_reset();
  arena_reset();
  return 0;
}

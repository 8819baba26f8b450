/* cg_debug.c — DWARF line information for -g, through LLVM's debug-info C API: a
 * compile unit, a file per source file, a subprogram per generated function, and a
 * location on every statement and expression, so that gdb shows .actor files and
 * lines in backtraces and takes breakpoints like `break ring.actor:12`.
 * Without -g every function here does nothing. */
#include "cg.h"

#include <llvm-c/DebugInfo.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static LLVMDIBuilderRef dib;
static LLVMMetadataRef cu;
static Vec files; /* LLVMMetadataRef per source file index */

static LLVMMetadataRef file_md(int index) {
  while (files.len <= index) vec_push(&files, NULL);
  if (!files.data[index]) {
    const char *path = src_file(index)->path;
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    char *dir = slash ? xstrndup(path, (size_t)(slash - path)) : ".";
    char real[PATH_MAX];
    if (realpath(dir, real)) dir = xstrdup(real); /* gdb finds the source from anywhere */
    files.data[index] = LLVMDIBuilderCreateFile(dib, name, strlen(name), dir, strlen(dir));
  }
  return files.data[index];
}

void cg_debug_init(void) {
  if (!cg.opt->debug_info) return;
  dib = LLVMCreateDIBuilder(cg.mod);
  files.len = 0;
  const char *producer = "actorc";
  cu = LLVMDIBuilderCreateCompileUnit(dib, LLVMDWARFSourceLanguageC, file_md(0), producer, strlen(producer),
                                      cg.opt->opt_level > 0, "", 0, 0, "", 0, LLVMDWARFEmissionFull, 0, 0, 0, "", 0,
                                      "", 0);
  LLVMAddModuleFlag(cg.mod, LLVMModuleFlagBehaviorWarning, "Debug Info Version", 18,
                    LLVMValueAsMetadata(LLVMConstInt(cg.i32, LLVMDebugMetadataVersion(), 0)));
  LLVMAddModuleFlag(cg.mod, LLVMModuleFlagBehaviorWarning, "Dwarf Version", 13,
                    LLVMValueAsMetadata(LLVMConstInt(cg.i32, 4, 0)));
}

/* Gives fn a subprogram named `name` at loc and makes it the builder's scope. */
void cg_debug_fn(LLVMValueRef fn, Loc loc) {
  if (!dib) return;
  LLVMMetadataRef file = file_md(loc.file);
  LLVMMetadataRef ty = LLVMDIBuilderCreateSubroutineType(dib, file, NULL, 0, LLVMDIFlagZero);
  size_t len;
  const char *name = LLVMGetValueName2(fn, &len);
  LLVMMetadataRef sp = LLVMDIBuilderCreateFunction(dib, file, name, len, name, len, file, (unsigned)loc.line, ty,
                                                   1, 1, (unsigned)loc.line, LLVMDIFlagZero, cg.opt->opt_level > 0);
  LLVMSetSubprogram(fn, sp);
  cg.fn->di_scope = sp;
  cg_debug_loc(loc);
}

/* Sets the location of the instructions built from here on (in the current function). */
void cg_debug_loc(Loc loc) {
  if (!dib || !cg.fn || !cg.fn->di_scope) return;
  LLVMMetadataRef l = LLVMDIBuilderCreateDebugLocation(cg.ctx, (unsigned)loc.line, (unsigned)loc.col, cg.fn->di_scope, NULL);
  LLVMSetCurrentDebugLocation2(cg.b, l);
  cg.fn->di_loc = l;
}

/* The location for a helper builder (the landing pad's): line 0, "no source line", so
 * that a breakpoint on the function's last line does not land in its cleanup code (the
 * landing pad comes first in the function). */
void cg_debug_builder(LLVMBuilderRef b) {
  if (!dib || !cg.fn || !cg.fn->di_scope) return;
  LLVMSetCurrentDebugLocation2(b, LLVMDIBuilderCreateDebugLocation(cg.ctx, 0, 0, cg.fn->di_scope, NULL));
}

void cg_debug_fn_end(void) {
  if (dib) LLVMSetCurrentDebugLocation2(cg.b, NULL);
}

void cg_debug_finish(void) {
  if (!dib) return;
  LLVMDIBuilderFinalize(dib);
  LLVMDisposeDIBuilder(dib);
  dib = NULL;
}

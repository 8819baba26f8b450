/* main.c — the actorc driver: the whole pipeline as a flat list of calls.
 *
 *   parse the command line -> load and parse the root file and every `use`d file ->
 *   check the program -> generate an object file (or .ll) -> link with the runtime ->
 *   (run) execute it.
 *
 * Any error is reported as `file:line:col: error: ...` (diag.c) and ends with status
 * 1 without writing an output file.  The work runs on a thread with a large stack so
 * that deeply nested input cannot exhaust it. */
#include "compiler.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define ACTORC_VERSION "0.1.0"

enum { MAX_SOURCE_BYTES = 64 << 20 };

typedef enum Command { CMD_BUILD, CMD_RUN, CMD_CHECK, CMD_GRAPH } Command;

typedef struct Options {
  Command cmd;
  const char *input;
  const char *output;
  int opt_level;
  bool debug_info;
  bool emit_llvm;
  DiagWarnings warnings; /* -w, -Werror */
  Vec link_flags; /* -l / -L */
  int prog_argc;  /* run: the program's arguments */
  char **prog_argv;
} Options;


static const char *usage_text =
    "usage:\n"
    "  actorc build FILE.actor [-o OUT] [-O0|-O1|-O2|-O3] [-g] [--emit-llvm] [-w|-Werror] [-lNAME] [-LDIR]\n"
    "  actorc run [-O0..-O3] [-g] [-w|-Werror] FILE.actor [ARGS...]\n"
    "  actorc check [-w|-Werror] FILE.actor\n"
    "  actorc graph [-w|-Werror] FILE.actor [-o OUT.svg|.png|.pdf|.dot]\n"
    "  actorc --help | --version\n"
    "\n"
    "build    compile FILE.actor and its `use`d files into a native executable\n"
    "         (default name: FILE without .actor, in the current directory)\n"
    "run      build into a temporary file and run it with ARGS; exits with its status\n"
    "check    report errors and warnings only (a library file without actor Main is\n"
    "         accepted)\n"
    "graph    print the actor graph as Graphviz DOT, from the checked program alone:\n"
    "         kinds, supervisors (strategy), spawn, supervision and message edges; with\n"
    "         -o, write it there (.dot) or render it with Graphviz's dot (.svg .png .pdf)\n"
    "\n"
    "options:\n"
    "  -o OUT        name of the executable (with --emit-llvm: of the .ll file; with\n"
    "                graph: of the .dot, .svg, .png or .pdf file)\n"
    "  -O0 .. -O3    optimisation level (default -O2)\n"
    "  -g            DWARF line information for debuggers\n"
    "  --emit-llvm   write LLVM IR (FILE.ll) instead of an executable\n"
    "  -lNAME -LDIR  link a C library (for extern fn)\n"
    "  -w            no warnings (unused variables, parameters and functions, a var\n"
    "                never changed: reported for the program's own files, not the\n"
    "                standard library's; they do not stop the build)\n"
    "  -Werror       warnings are errors\n"
    "\n"
    "environment (compiler): ACTOR_STDLIB (standard library folder), ACTOR_RUNTIME\n"
    "  (libactorrt.a to link), ACTOR_CC (C compiler driver used to link, default cc),\n"
    "  ACTOR_LDFLAGS (extra link flags)\n"
    "environment (compiled programs): ACTOR_THREADS=N scheduler threads (default: the\n"
    "  number of cores), ACTOR_CORES=N cores kept busy at most (default: the cores the\n"
    "  process may run on), ACTOR_STATS=1 (or json) print counters to stderr at exit,\n"
    "  totals and per actor kind, ACTOR_TRACE=FILE writes a timeline of the run (Chrome\n"
    "  Trace Event Format: open it in Perfetto), ACTOR_TRACE_FILTER=Kind,Kind traces\n"
    "  only those kinds, ACTOR_SEED=N seeds the actors' random generators,\n"
    "  ACTOR_SCHED_SEED=N runs one thread in a replayable order drawn from N\n";

/* A command-line mistake: one line, and where to look. */
static void usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "actorc: error: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "; see 'actorc --help'\n");
  exit(1);
}

static Options parse_args(int argc, char **argv) {
  Options o = {.opt_level = 2};
  if (argc < 2) { /* no command at all: how to use it */
    fputs(usage_text, stderr);
    exit(1);
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    fputs(usage_text, stdout);
    exit(0);
  }
  if (!strcmp(cmd, "--version")) {
    printf("actorc %s (LLVM %d)\n", ACTORC_VERSION, ACTORC_LLVM_MAJOR);
    exit(0);
  }
  if (!strcmp(cmd, "build")) o.cmd = CMD_BUILD;
  else if (!strcmp(cmd, "run")) o.cmd = CMD_RUN;
  else if (!strcmp(cmd, "check")) o.cmd = CMD_CHECK;
  else if (!strcmp(cmd, "graph")) o.cmd = CMD_GRAPH;
  else usage_error("unknown command '%s'", cmd);
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (o.cmd == CMD_RUN && o.input) { /* everything after the file belongs to the program */
      o.prog_argc = argc - i;
      o.prog_argv = argv + i;
      break;
    }
    if (!strcmp(a, "-o")) {
      if (++i >= argc) usage_error("%s", "-o needs a file name");
      o.output = argv[i];
    } else if (a[0] == '-' && a[1] == 'O') {
      if (!(a[2] >= '0' && a[2] <= '3' && !a[3])) usage_error("unknown optimisation level '%s' (the levels are -O0 to -O3)", a);
      o.opt_level = a[2] - '0';
    } else if (!strcmp(a, "-w")) {
      o.warnings = DIAG_WARNINGS_OFF;
    } else if (!strcmp(a, "-Werror")) {
      o.warnings = DIAG_WARNINGS_ARE_ERRORS;
    } else if (!strcmp(a, "-g")) {
      o.debug_info = true;
    } else if (!strcmp(a, "--emit-llvm")) {
      o.emit_llvm = true;
    } else if ((a[0] == '-' && (a[1] == 'l' || a[1] == 'L')) && a[2]) {
      vec_push(&o.link_flags, (void *)a);
    } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      fputs(usage_text, stdout);
      exit(0);
    } else if (a[0] == '-' && a[1]) {
      usage_error("unknown option '%s'", a);
    } else if (!o.input) {
      o.input = a;
    } else {
      usage_error("more than one input file ('%s')", a);
    }
  }
  if (!o.input) usage_error("%s", "no input file");
  return o;
}

/* ---- loading sources --------------------------------------------------------------- */

typedef struct Loaded {
  char *real; /* realpath, to load each file once */
  int file;
} Loaded;
static Vec loaded;

/* Reads path; on failure reports at `from` (a use) or plainly (the root file). */
static int load(const char *path, Loc *from) {
  char real[PATH_MAX];
  if (!realpath(path, real)) {
    if (from) diag_error(*from, "cannot open '%s': %s", path, strerror(errno));
    else diag_plain("cannot open '%s': %s", path, strerror(errno));
    return -1;
  }
  for (int i = 0; i < loaded.len; i++) {
    Loaded *l = loaded.data[i];
    if (!strcmp(l->real, real)) return l->file;
  }
  struct stat st;
  FILE *f = fopen(path, "rb");
  if (!f || fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
    const char *why = !f ? strerror(errno) : "not a regular file";
    if (from) diag_error(*from, "cannot read '%s': %s", path, why);
    else diag_plain("cannot read '%s': %s", path, why);
    if (f) fclose(f);
    return -1;
  }
  if (st.st_size > MAX_SOURCE_BYTES) {
    fclose(f);
    int idx = src_add(path, "", 0);
    Loc l = {.file = idx, .line = 1, .col = 1, .end_line = 1, .end_col = 2};
    diag_error(l, "file is too large (%lld bytes; the limit is %d MiB)", (long long)st.st_size, MAX_SOURCE_BYTES >> 20);
    return -1;
  }
  char *text = xalloc((size_t)st.st_size + 1);
  size_t n = fread(text, 1, (size_t)st.st_size, f);
  fclose(f);
  int idx = src_add(path, text, n);
  Loaded *l = xalloc(sizeof *l);
  l->real = xstrdup(real);
  l->file = idx;
  vec_push(&loaded, l);
  return idx;
}

static char *dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
}

/* The names of the standard modules in dir (its NAME.actor files). */
static Vec std_modules(const char *dir) {
  Vec v = {0};
  DIR *d = opendir(dir);
  if (!d) return v;
  for (struct dirent *e; (e = readdir(d));) {
    size_t n = strlen(e->d_name);
    if (n > 6 && !strcmp(e->d_name + n - 6, ".actor")) vec_push(&v, xstrndup(e->d_name, n - 6));
  }
  closedir(d);
  return v;
}

/* Parses the root file, then every file a `use` names (each once). */
static bool load_program(Program *prog, const char *root) {
  int f = load(root, NULL);
  if (f < 0) return false;
  bool ok = parse_file(prog, f);
  for (int i = 0; i < prog->decls.len; i++) {
    Decl *d = prog->decls.data[i];
    if (d->kind != D_USE) continue;
    char *path;
    if (d->use_std) {
      const char *std = find_stdlib_dir();
      if (!std) {
        diag_error(d->loc, "cannot find the standard library (looked next to actorc and under its install prefix; set ACTOR_STDLIB)");
        ok = false;
        continue;
      }
      path = xformat("%s/%s.actor", std, d->name);
      if (access(path, R_OK) != 0) {
        Vec names = std_modules(std);
        const char *like = closest_name(d->name, &names);
        diag_error(d->loc, "there is no standard module std.%s%s", d->name,
                   like ? xformat("; did you mean std.%s?", like) : "");
        ok = false;
        continue;
      }
    } else {
      const char *from = src_file(d->file)->path;
      path = d->use_path[0] == '/' ? xstrdup(d->use_path) : xformat("%s/%s", dir_of(from), d->use_path);
    }
    int before = src_count();
    int uf = load(path, &d->loc);
    if (uf < 0) {
      ok = false;
      continue;
    }
    if (uf >= before && d->use_std) src_file(uf)->module = d->name;
    if (uf >= before) ok &= parse_file(prog, uf);
  }
  return ok;
}

/* ---- output paths ------------------------------------------------------------------ */

static char *base_without_ext(const char *path, const char *ext) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  size_t n = strlen(base);
  if (n > 6 && !strcmp(base + n - 6, ".actor")) n -= 6;
  return xformat("%.*s%s", (int)n, base, ext);
}

static char *make_temp_dir(void) {
  const char *tmp = getenv("TMPDIR");
  char *t = xformat("%s/actorc-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(t)) {
    diag_plain("cannot create a temporary directory: %s", strerror(errno));
    return NULL;
  }
  return t;
}

static void remove_temp(const char *dir, const char *obj, const char *exe) {
  if (obj) unlink(obj);
  if (exe) unlink(exe);
  rmdir(dir);
}

/* Runs the built program; returns the status to exit with. */
static int run_program(const char *exe, int argc, char **argv) {
  char **args = xalloc(sizeof(char *) * (size_t)(argc + 2));
  args[0] = (char *)exe;
  for (int i = 0; i < argc; i++) args[i + 1] = argv[i];
  args[argc + 1] = NULL;
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) {
    diag_plain("cannot start the program: %s", strerror(errno));
    return 1;
  }
  if (pid == 0) {
    execv(exe, args);
    fprintf(stderr, "actorc: error: cannot run %s: %s\n", exe, strerror(errno));
    _exit(127);
  }
  int st;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- the pipeline ------------------------------------------------------------------ */

static Options opts;
static int exit_status;

static int compile_and_go(void) {
  diag_set_warnings(opts.warnings);
  Program *prog = xalloc(sizeof *prog);
  if (!load_program(prog, opts.input) || diag_count()) return 1;
  check_program(prog, opts.cmd != CMD_CHECK && opts.cmd != CMD_GRAPH);
  if (diag_count()) return 1;
  if (opts.cmd == CMD_GRAPH) {
    if (!opts.output) {
      graph_write(prog, opts.input, stdout);
      return fflush(stdout) == 0 ? 0 : 1;
    }
    return graph_render(prog, opts.input, opts.output) ? 0 : 1;
  }
  CgOptions cgo = {.opt_level = opts.opt_level, .debug_info = opts.debug_info, .module_name = opts.input};
  if (opts.cmd == CMD_CHECK) return cg_program(prog, &cgo, NULL, NULL) ? 0 : 1; /* what build would refuse too */

  if (opts.emit_llvm) {
    const char *ll = opts.output ? opts.output : base_without_ext(opts.input, ".ll");
    return cg_program(prog, &cgo, NULL, ll) ? 0 : 1;
  }
  char *tmp = make_temp_dir();
  if (!tmp) return 1;
  char *obj = xformat("%s/prog.o", tmp);
  char *exe = opts.cmd == CMD_RUN ? xformat("%s/prog", tmp)
              : opts.output       ? xstrdup(opts.output)
                                  : base_without_ext(opts.input, "");
  if (!cg_program(prog, &cgo, obj, NULL)) {
    remove_temp(tmp, obj, NULL);
    return 1;
  }
  if (!link_program(obj, exe, &opts.link_flags)) {
    remove_temp(tmp, obj, opts.cmd == CMD_RUN ? exe : NULL);
    return 1;
  }
  if (opts.cmd == CMD_BUILD) {
    remove_temp(tmp, obj, NULL);
    return 0;
  }
  diag_flush();
  int st = run_program(exe, opts.prog_argc, opts.prog_argv);
  remove_temp(tmp, obj, exe);
  return st;
}

static void *compile_thread(void *arg) {
  (void)arg;
  exit_status = compile_and_go();
  diag_flush();
  return NULL;
}

int main(int argc, char **argv) {
  set_self_path(argv[0]);
  opts = parse_args(argc, argv);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, (size_t)256 << 20);
  pthread_t t;
  if (pthread_create(&t, &attr, compile_thread, NULL) != 0) {
    compile_thread(NULL);
  } else {
    pthread_join(t, NULL);
  }
  return exit_status;
}

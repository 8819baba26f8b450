/* link.c — finding the runtime and stdlib (next to actorc in the build tree, or under
 * the install prefix), and linking an object file into an executable with the system C
 * compiler driver.  ACTOR_RUNTIME, ACTOR_STDLIB, ACTOR_CC and ACTOR_LDFLAGS override. */
#include "compiler.h"

#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static char self_dir[PATH_MAX];

void set_self_path(const char *argv0) {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n > 0) {
    buf[n] = 0;
  } else if (!realpath(argv0, buf)) {
    snprintf(buf, sizeof buf, "%s", argv0);
  }
  char *slash = strrchr(buf, '/');
  if (slash) *slash = 0;
  else snprintf(buf, sizeof buf, ".");
  snprintf(self_dir, sizeof self_dir, "%s", buf);
}

static bool exists(const char *p) {
  struct stat st;
  return stat(p, &st) == 0;
}

/* The first of: $env, DIR/rel_build, DIR/rel_installed (DIR = actorc's directory). */
static const char *locate(const char *env, const char *rel_build, const char *rel_installed) {
  const char *e = getenv(env);
  if (e && *e) return e;
  char *p = xformat("%s/%s", self_dir, rel_build);
  if (exists(p)) return p;
  p = xformat("%s/%s", self_dir, rel_installed);
  if (exists(p)) return p;
  return NULL;
}

const char *find_stdlib_dir(void) { return locate("ACTOR_STDLIB", "stdlib", "../lib/actor/stdlib"); }

static const char *find_runtime(void) { return locate("ACTOR_RUNTIME", "libactorrt.a", "../lib/actor/libactorrt.a"); }

/* Runs argv, waiting for it; returns its exit status (or 127 when it cannot start). */
static int run(char **argv) {
  pid_t pid;
  if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ) != 0) return 127;
  int st;
  while (waitpid(pid, &st, 0) < 0) {
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

bool link_program(const char *obj_path, const char *exe_path, Vec *extra_flags) {
  const char *rt = find_runtime();
  if (!rt) {
    diag_plain("cannot find the runtime library libactorrt.a next to actorc (%s) or in %s/../lib/actor; "
               "set ACTOR_RUNTIME",
               self_dir, self_dir);
    return false;
  }
  Vec argv = {0};
  const char *cc = getenv("ACTOR_CC");
  vec_push(&argv, (void *)(cc && *cc ? cc : "cc"));
  vec_push(&argv, "-o");
  vec_push(&argv, (void *)exe_path);
  vec_push(&argv, (void *)obj_path);
  vec_push(&argv, (void *)rt);
  for (int i = 0; i < extra_flags->len; i++) vec_push(&argv, extra_flags->data[i]);
  const char *ld = getenv("ACTOR_LDFLAGS");
  if (ld && *ld) {
    char *copy = xstrdup(ld), *save = NULL;
    for (char *t = strtok_r(copy, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) vec_push(&argv, t);
  }
  vec_push(&argv, "-lpthread");
  vec_push(&argv, "-lm");
  /* The runtime keeps each function in a section of its own: keep only those used. */
  vec_push(&argv, "-Wl,--gc-sections");
  vec_push(&argv, NULL);
  int st = run((char **)argv.data);
  if (st != 0) {
    diag_plain("linking failed (%s exited with status %d)", (char *)argv.data[0], st);
    return false;
  }
  return true;
}

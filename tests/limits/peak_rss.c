/* peak_rss.c — runs a command and prints its peak resident set size in KiB (the
 * child's ru_maxrss from wait4), or -1 if it did not exit with status 0.  Used by
 * tests/run.sh's memory part; a small C parent, so the child's peak is its own (a
 * child forked from a larger process, such as Python, starts with the parent's RSS).
 *
 *   peak_rss OUT PROGRAM [ARGS...]   (PROGRAM's stdout goes to the file OUT, its
 *                                     stderr to /dev/null) */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: peak_rss OUT PROGRAM [ARGS...]\n");
    return 2;
  }
  pid_t p = fork();
  if (p == 0) {
    int out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644), null = open("/dev/null", O_WRONLY);
    if (out < 0 || null < 0) _exit(126);
    dup2(out, 1);
    dup2(null, 2);
    execvp(argv[2], argv + 2);
    _exit(127);
  }
  int st;
  struct rusage ru;
  if (p < 0 || wait4(p, &st, 0, &ru) != p) return 1;
  printf("%ld\n", WIFEXITED(st) && WEXITSTATUS(st) == 0 ? ru.ru_maxrss : -1L);
  return 0;
}

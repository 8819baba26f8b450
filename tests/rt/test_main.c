/* test_main.c — the runtime's own main() (rt_main.c), used as a compiled program
 * uses it: this file defines rt_program_main and no main().  Run without arguments
 * it is the driver: it runs itself again with an argument naming a scenario and
 * checks the child's output and exit status:
 *   args    start(args: [String]) gets the command line without the program name
 *   fail    an actor fails unsupervised: exit status 1, the report on stderr
 *   exit    exit(300) ends at once with status 44, stdout flushed
 *   stats   ACTOR_STATS=1 prints the counters
 *   lines   many actors print many lines: every line arrives whole, none lost */
#include "rt_test.h"

static const rt_type list_of_string = {.kind = RT_T_LIST, .a = &rt_type_string};
static const uint8_t no_answers[4];

typedef struct { rt_msg h; rt_list *args; } start_msg;

static void print_c(const char *s) {
  rt_str *x = rt_str_new(s, (int64_t)strlen(s));
  rt_print(x);
  rt_release(x);
}

/* ---- helpers for the scenarios ---------------------------------------------------------- */
static void printer_dispatch(rt_actor *self, rt_msg *m) {
  tmsg *t = (tmsg *)m;
  char line[96];
  for (int64_t i = 0; i < t->b; i++) {
    snprintf(line, sizeof line, "printer %lld line %lld %s", (long long)t->a, (long long)i,
             "padding-padding-padding-padding");
    print_c(line);
  }
  if (t->a == 99) rt_fail_divzero("main.actor:7:7");
}
static const char *const printer_names[] = {"go"};
static const rt_kind printer_kind = {.name = "Printer", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                     .handler_names = printer_names, .handler_answers = no_answers,
                                     .down_handler = -1, .dispatch = printer_dispatch, .drop_msg = tmsg_drop,
                                     .drop_state = t_nop_actor, .drop_params = t_nop_actor};
static void spawn_printer(int64_t id, int64_t lines) {
  tspawn_send(&printer_kind, 0, id, lines, NULL);
}

/* ---- the driver ------------------------------------------------------------------------------- */
static char self_exe[4096];

/* Runs this program with args; returns the exit status (or 128 + signal). */
static int run_child(char *const argv[], const char *env, char *out, size_t outcap, char *err, size_t errcap) {
  int po[2], pe[2];
  if (pipe(po) || pipe(pe)) return -1;
  pid_t p = fork();
  if (p == 0) {
    dup2(po[1], 1);
    dup2(pe[1], 2);
    close(po[0]);
    close(pe[0]);
    if (env) putenv((char *)env);
    execv(self_exe, argv);
    _exit(127);
  }
  close(po[1]);
  close(pe[1]);
  size_t no = 0, ne = 0;
  for (bool open_o = true, open_e = true; open_o || open_e;) {
    if (open_o) {
      ssize_t n = read(po[0], out + no, outcap - 1 - no);
      if (n <= 0) open_o = false; else no += (size_t)n;
      if (no == outcap - 1) open_o = false;
    }
    if (!open_o && open_e) {
      ssize_t n = read(pe[0], err + ne, errcap - 1 - ne);
      if (n <= 0) open_e = false; else ne += (size_t)n;
      if (ne == errcap - 1) open_e = false;
    }
  }
  out[no] = 0;
  err[ne] = 0;
  close(po[0]);
  close(pe[0]);
  int st;
  waitpid(p, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void driver(void) {
  ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
  self_exe[n > 0 ? n : 0] = 0;
  static char out[1 << 22], err[1 << 16];

  char *a1[] = {self_exe, "args", "two words", "", "x", NULL};
  CHECK_EQ(run_child(a1, NULL, out, sizeof out, err, sizeof err), 0);
  CHECK(strcmp(out, "4\nargs\ntwo words\n\nx\n") == 0);

  char *a2[] = {self_exe, "fail", NULL};
  CHECK_EQ(run_child(a2, NULL, out, sizeof out, err, sizeof err), 1);
  CHECK(strstr(err, "failed in go at main.actor:7:7: division by zero") != NULL);
  CHECK(strstr(out, "printer 99 line 2 ") != NULL);
  CHECK(strstr(out, "printer 1 line 9 ") != NULL); /* the other one went on */

  char *a3[] = {self_exe, "exit", NULL};
  CHECK_EQ(run_child(a3, NULL, out, sizeof out, err, sizeof err), 44);
  CHECK(strstr(out, "before exit 999\n") != NULL);
  CHECK(strstr(out, "after exit") == NULL);

  char *a4[] = {self_exe, "stats", NULL};
  CHECK_EQ(run_child(a4, "ACTOR_STATS=1", out, sizeof out, err, sizeof err), 0);
  CHECK(strstr(err, "actor stats: actors spawned 11, messages handled 11, dead letters 0, failures 0, "
                    "restarts 0\n") != NULL);

  char *a5[] = {self_exe, "lines", NULL};
  CHECK_EQ(run_child(a5, NULL, out, sizeof out, err, sizeof err), 0);
  long lines = 0, bad = 0;
  for (char *p = out, *nl; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
    long long id, i;
    char pad[64];
    lines++;
    if (sscanf(p, "printer %lld line %lld %63s", &id, &i, pad) != 3 || strncmp(pad, "padding-padding", 15) != 0 ||
        (size_t)(nl - p) != strlen("printer 0 line ") + (size_t)snprintf(NULL, 0, "%lld", i) + 1 + 31)
      bad++;
  }
  CHECK_EQ(lines, 8 * 3000);
  CHECK_EQ(bad, 0);

  char line[80];
  snprintf(line, sizeof line, "test_main: %d passed, %d failed", atomic_load(&t_passed), atomic_load(&t_failed));
  print_c(line);
  if (atomic_load(&t_failed)) rt_exit(1);
}

/* ---- Main ----------------------------------------------------------------------------------- */
static void main_dispatch(rt_actor *self, rt_msg *m) {
  rt_list *args = ((start_msg *)m)->args;
  int64_t n = rt_list_len(args);
  if (n == 0) {
    driver();
    return;
  }
  rt_str *mode = (rt_str *)(uintptr_t)rt_list_get(args, 0, "main.actor:1:1");
  if (strcmp(mode->data, "args") == 0) {
    rt_str *c = rt_str_of_int(n);
    rt_print(c);
    rt_release(c);
    for (int64_t i = 0; i < n; i++) rt_print((rt_str *)(uintptr_t)rt_list_get(args, i, "main.actor:1:1"));
  } else if (strcmp(mode->data, "fail") == 0) {
    spawn_printer(99, 3);
    spawn_printer(1, 10);
  } else if (strcmp(mode->data, "exit") == 0) {
    char line[32];
    for (int i = 0; i < 1000; i++) {
      snprintf(line, sizeof line, "before exit %d", i);
      print_c(line);
    }
    rt_exit(300);
  } else if (strcmp(mode->data, "stats") == 0) {
    for (int i = 0; i < 10; i++) spawn_printer(i, 0);
  } else if (strcmp(mode->data, "lines") == 0) {
    for (int i = 0; i < 8; i++) spawn_printer(i, 3000);
  }
}
static void main_drop(rt_msg *m) { rt_release(((start_msg *)m)->args); }
static const char *const main_names[] = {"start"};
static const rt_kind main_kind = {.name = "Main", .size = RT_ACTOR_STATE_OFFSET, .nhandlers = 1,
                                  .handler_names = main_names, .handler_answers = no_answers, .down_handler = -1,
                                  .dispatch = main_dispatch, .drop_msg = main_drop, .drop_state = t_nop_actor,
                                  .drop_params = t_nop_actor};

const rt_program rt_program_main = {.main_kind = &main_kind, .start_takes_args = 1, .args_type = &list_of_string};

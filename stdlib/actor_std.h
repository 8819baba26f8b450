/* actor_std.h — the C halves of the standard modules (stdlib/NAME.actor), one section
 * per module, each in its own file stdlib/NAME.c, built into libactorrt.a as the
 * runtime's top layer (docs/runtime.md).
 *
 * The .actor files declare these with `extern fn` (docs/language.md, "extern fn"); the
 * prototypes here are the C side of those declarations, for the runtime's own use and
 * for the unit tests.  An `Any` parameter arrives as (rt_word value, const rt_type *its
 * type); an `Any` result is returned as an owned rt_word of the type the call's place
 * wants, given as (const rt_type *want, const char *pos) after the other arguments.
 * Strings are borrowed; returned Strings are owned.  Functions that "fail" call rt_fail
 * after releasing everything they made, so the unwinding has nothing of theirs to free.
 *
 * Names: the functions a program calls directly keep the names the module documents
 * (json_encode); helpers that a module's own .actor code wraps are std_MODULE_NAME. */
#ifndef ACTOR_STD_H
#define ACTOR_STD_H

#include "include/actor_rt.h"

/* ---- std.json (json.c) ---------------------------------------------------------- */

rt_str *json_encode(rt_word v, const rt_type *t);                /* compact; may fail */
rt_str *json_pretty(rt_word v, const rt_type *t);                /* 2-space indent; may fail */
rt_word json_decode(rt_str *text, const rt_type *want, const char *pos); /* may fail */
bool json_valid(rt_str *text);
rt_str *json_error(rt_str *text); /* why text is not JSON, or "" (NULL) when it is */

/* ---- std.random (random.c; the generator is the core's, runtime/core/rt_rng.c) --- */

void random_seed(int64_t seed);
int64_t std_random_range(int64_t lo, int64_t hi); /* lo < hi */
double random_float(void);                        /* [0, 1) */
double std_random_normal(void);                   /* mean 0, standard deviation 1 */
double std_random_exponential(void);              /* mean 1 */
rt_word random_choice(rt_word v, const rt_type *t, const rt_type *want, const char *pos);
rt_word random_shuffle(rt_word v, const rt_type *t, const rt_type *want, const char *pos);

/* ---- std.net (net.c; the I/O thread is runtime/io/) ------------------------------ */

/* Handles are Ints.  The functions that deliver messages find the calling actor in
 * rt_cur and its handlers by name (stdlib/net.actor's `delivers` clauses). */
int64_t tcp_listen(rt_str *host, int64_t port); /* delivers accepted; may fail */
int64_t tcp_connect(rt_str *host, int64_t port); /* delivers connected, line, closed; may fail */
void tcp_own(int64_t conn);                      /* delivers line, closed; may fail */
void tcp_send(int64_t conn, rt_str *text);       /* text and "\n"; may fail */
void tcp_write(int64_t conn, rt_str *text);      /* text alone; may fail */
void tcp_close(int64_t handle);                  /* may fail */
void tcp_close_listener(int64_t listener);       /* may fail */
int64_t tcp_port(int64_t handle);
rt_str *tcp_peer(int64_t conn);                  /* may fail */

/* ---- std.io (net.c: standard input; io.c: files) --------------------------------- */

void stdin_lines(void); /* delivers stdin_line, stdin_eof */
rt_str *read_file(rt_str *path);                 /* may fail */
void write_file(rt_str *path, rt_str *text);     /* may fail */
void append_file(rt_str *path, rt_str *text);    /* may fail */
bool file_exists(rt_str *path);
void remove_file(rt_str *path);                  /* may fail */

#endif

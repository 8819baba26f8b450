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
 * Names: actor_std_MODULE_NAME, so that no C library a program links with `extern fn`
 * and -lNAME can clash with them; each .actor file binds them under the names it
 * documents (extern fn json_encode(...) = "actor_std_json_encode").  These, with
 * include/actor_rt.h, are all that libactorrt.a exports (tests/build/symbols.sh). */
#ifndef ACTOR_STD_H
#define ACTOR_STD_H

#include "include/actor_rt.h"

#pragma GCC visibility push(default) /* exported by libactorrt.a, as actor_rt.h */

/* ---- std.json (json.c) ---------------------------------------------------------- */

rt_str *actor_std_json_encode(rt_word v, const rt_type *t);                /* compact; may fail */
rt_str *actor_std_json_pretty(rt_word v, const rt_type *t);                /* 2-space indent; may fail */
rt_word actor_std_json_decode(rt_str *text, const rt_type *want, const char *pos); /* may fail */
bool actor_std_json_valid(rt_str *text);
rt_str *actor_std_json_error(rt_str *text); /* why text is not JSON, or "" (NULL) when it is */

/* ---- std.random (random.c; the generator is the core's, runtime/core/rt_rng.c) --- */

void actor_std_random_seed(int64_t seed);
int64_t actor_std_random_range(int64_t lo, int64_t hi); /* lo < hi */
double actor_std_random_float(void);                        /* [0, 1) */
double actor_std_random_normal(void);                   /* mean 0, standard deviation 1 */
double actor_std_random_exponential(void);              /* mean 1 */
rt_word actor_std_random_choice(rt_word v, const rt_type *t, const rt_type *want, const char *pos);
rt_word actor_std_random_shuffle(rt_word v, const rt_type *t, const rt_type *want, const char *pos);

/* ---- std.strings (strings.c): what needs a loop over bytes or UTF-8 --------------- */

/* strings.actor checks the arguments (and fails with its reasons) before calling
 * these, so none of them fails. */
int64_t actor_std_strings_char_count(rt_str *s);              /* code points */
bool actor_std_strings_valid_utf8(rt_str *s);
rt_word actor_std_strings_chars(rt_str *s, const rt_type *want, const char *pos); /* [String] */
rt_word actor_std_strings_words(rt_str *s, const rt_type *want, const char *pos); /* [String] */
rt_str *actor_std_strings_reverse(rt_str *s);                 /* by code point */
int64_t actor_std_strings_count(rt_str *s, rt_str *sub);      /* non-overlapping */
int64_t actor_std_strings_find_last(rt_str *s, rt_str *sub);  /* byte index or -1 */
rt_str *actor_std_strings_replace(rt_str *s, rt_str *old, rt_str *new_, int64_t max); /* max < 0: all */
rt_str *actor_std_strings_trim(rt_str *s, int64_t which);     /* 1 start, 2 end, 3 both */
bool actor_std_strings_all(rt_str *s, int64_t cls);           /* non-empty, every byte of ASCII class cls */
rt_str *actor_std_strings_format_float(double x, int64_t decimals, bool sci);
rt_str *actor_std_strings_to_base(int64_t n, int64_t base);
bool actor_std_strings_base_ok(rt_str *s, int64_t base);
int64_t actor_std_strings_parse_base(rt_str *s, int64_t base); /* after base_ok */
int64_t actor_std_strings_ord(rt_str *s);                     /* the first code point */
rt_str *actor_std_strings_chr(int64_t cp);

/* ---- std.time (time.c): the wall clock, ISO 8601, calendar fields, durations ------ */

/* Times are milliseconds since 1970-01-01T00:00:00Z; the parsers return the smallest
 * Int for text they do not accept (time.actor fails then). */
int64_t actor_std_time_unix_ms(void);
int64_t actor_std_time_local_offset(int64_t ms); /* minutes east of UTC at ms */
rt_str *actor_std_time_iso(int64_t ms, int64_t offset_min, bool utc);
int64_t actor_std_time_from_fields(int64_t y, int64_t mo, int64_t d, int64_t h, int64_t mi, int64_t s, int64_t ms);
int64_t actor_std_time_parse_iso(rt_str *text);
rt_word actor_std_time_fields(int64_t ms, const rt_type *want, const char *pos); /* [Int] */
rt_str *actor_std_time_format_duration(int64_t ms);
int64_t actor_std_time_parse_duration(rt_str *text);

/* ---- std.net (net.c; the I/O thread is runtime/io/) ------------------------------ */

/* Handles are Ints.  The functions that deliver messages find the calling actor in
 * rt_cur and its handlers by name (stdlib/net.actor's `delivers` clauses). */
int64_t actor_std_net_tcp_listen(rt_str *host, int64_t port); /* delivers accepted; may fail */
int64_t actor_std_net_tcp_connect(rt_str *host, int64_t port); /* delivers connected, line, closed; may fail */
void actor_std_net_tcp_own(int64_t conn);                      /* delivers line, closed; may fail */
void actor_std_net_tcp_send(int64_t conn, rt_str *text);       /* text and "\n"; may fail */
void actor_std_net_tcp_write(int64_t conn, rt_str *text);      /* text alone; may fail */
void actor_std_net_tcp_close(int64_t handle);                  /* may fail */
void actor_std_net_tcp_close_listener(int64_t listener);       /* may fail */
int64_t actor_std_net_tcp_port(int64_t handle);
rt_str *actor_std_net_tcp_peer(int64_t conn);                  /* may fail */

/* ---- std.io (net.c: standard input; io.c: files) --------------------------------- */

void actor_std_io_stdin_lines(void); /* delivers stdin_line, stdin_eof */
rt_str *actor_std_io_read_file(rt_str *path);                 /* may fail */
void actor_std_io_write_file(rt_str *path, rt_str *text);     /* may fail */
void actor_std_io_append_file(rt_str *path, rt_str *text);    /* may fail */
bool actor_std_io_file_exists(rt_str *path);
void actor_std_io_remove_file(rt_str *path);                  /* may fail */

#pragma GCC visibility pop

#endif

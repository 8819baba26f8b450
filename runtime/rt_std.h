/* rt_std.h — the C halves of the standard modules (stdlib/NAME.actor), one section per
 * module, each in its own file runtime/rt_std_NAME.c.
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
#ifndef RT_STD_H
#define RT_STD_H

#include "include/actor_rt.h"

/* ---- std.json (rt_std_json.c) ---------------------------------------------------- */

rt_str *json_encode(rt_word v, const rt_type *t);                /* compact; may fail */
rt_str *json_pretty(rt_word v, const rt_type *t);                /* 2-space indent; may fail */
rt_word json_decode(rt_str *text, const rt_type *want, const char *pos); /* may fail */
bool json_valid(rt_str *text);
rt_str *json_error(rt_str *text); /* why text is not JSON, or "" (NULL) when it is */

/* ---- std.random (rt_std_random.c) ------------------------------------------------ */

/* The calling actor's generator (xoshiro256**), seeded on first use from ACTOR_SEED
 * (or the clock) and the actor's number; outside an actor, a per-thread one.  The
 * built-in random(n) draws from it too. */
uint64_t rt_rng_next(void);
uint64_t rt_rng_below(uint64_t n); /* uniform in 0..n-1, n > 0 (Lemire's method) */

/* What random.actor declares. */
void random_seed(int64_t seed);
int64_t std_random_range(int64_t lo, int64_t hi); /* lo < hi */
double random_float(void);                        /* [0, 1) */
double std_random_normal(void);                   /* mean 0, standard deviation 1 */
double std_random_exponential(void);              /* mean 1 */
rt_word random_choice(rt_word v, const rt_type *t, const rt_type *want, const char *pos);
rt_word random_shuffle(rt_word v, const rt_type *t, const rt_type *want, const char *pos);

#endif

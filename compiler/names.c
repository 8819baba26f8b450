/* names.c — the program-wide namespace of top-level names (LANGUAGE.md §9).
 *
 * Records, enums, variants, actors, supervisors, interfaces, functions and constants
 * share one table.  Every name belongs to a unit: the program's own files (the root
 * and the files of `use "path"`), or one std module (the file of `use std.M`).
 *
 * * Two declarations of one name in one unit, or in two std modules, clash: an error
 *   at the later one (in load order) naming both places.
 * * A program's own declaration may reuse a std module's name: it shadows the
 *   module's in the whole program, and the module's stays reachable qualified, M.name.
 * * A bare name is looked up from the file it is written in: first among its own
 *   unit's names, then among the std modules' — so a module's own code always means
 *   its own names, whatever the program declares, and never sees the program's.
 *
 * The table only knows names, kinds, declarations and places; the checker's phases
 * declare into it (check.c's collect: every top-level Decl, and each enum's variants
 * with their own Decl) and look up through names_find / names_find_in, from the file
 * the name is written in. */
#include "compiler.h"

#include <string.h>

enum { NBUCKETS = 1024 };

static Name *buckets[NBUCKETS]; /* chains of every declaration of a name, newest first */
static Vec modules;             /* const char *: the std modules the program uses */

static unsigned hash(const char *s) {
  unsigned h = 2166136261u;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
  return h % NBUCKETS;
}

void names_reset(void) {
  memset(buckets, 0, sizeof buckets);
  modules = (Vec){0};
}

const char *names_kind_str(NameKind k) {
  switch (k) {
  case NK_ACTOR: return "actor";
  case NK_SUPERVISOR: return "supervisor";
  case NK_FN: return "function";
  case NK_EXTERN: return "extern function";
  case NK_CONST: return "constant";
  case NK_RECORD: return "record";
  case NK_ENUM: return "enum";
  case NK_VARIANT: return "variant";
  case NK_INTERFACE: return "interface";
  }
  unreachable();
}

/* The std module a file belongs to, or NULL for the program's own files. */
static const char *module_of(int file) { return src_file(file)->module; }

static bool same_unit(const char *a, const char *b) { return a == b || (a && b && !strcmp(a, b)); }

void names_add_module(const char *module) {
  for (int i = 0; i < modules.len; i++)
    if (!strcmp(modules.data[i], module)) return;
  vec_push(&modules, (void *)module);
}

bool names_is_module(const char *module) {
  for (int i = 0; i < modules.len; i++)
    if (!strcmp(modules.data[i], module)) return true;
  return false;
}

Vec names_modules(void) { return modules; }

/* How a clash names the first declaration: "a variant of enum Shape", "an actor". */
static const char *describe(Name *n) {
  const char *k = names_kind_str(n->kind);
  const char *s = xformat("%s %s", strchr("aeiou", k[0]) ? "an" : "a", k);
  if (n->kind == NK_VARIANT && n->decl->owner) s = xformat("%s of enum %s", s, n->decl->owner->name);
  if (n->module) s = xformat("%s of std.%s", s, n->module);
  return s;
}

Name *names_declare(const char *name, NameKind kind, Decl *decl, Loc loc) {
  const char *mod = module_of(loc.file);
  unsigned h = hash(name);
  Name *first = NULL; /* the oldest it clashes with (the chain is newest first) */
  for (Name *o = buckets[h]; o; o = o->next)
    if (!strcmp(o->name, name) && (same_unit(o->module, mod) || (o->module && mod))) first = o; /* own shadows std */
  if (first) {
    diag_error(loc, "'%s' is already declared, as %s", name, describe(first));
    diag_note(first->loc, "the first declaration of '%s' is here", name);
  }
  Name *n = xalloc(sizeof *n);
  *n = (Name){.name = name, .kind = kind, .decl = decl, .loc = loc, .module = mod, .next = buckets[h]};
  buckets[h] = n;
  return n;
}

/* The oldest declaration of name in the unit (so that a clash keeps meaning the first). */
static Name *find_unit(const char *name, const char *mod, bool any_module) {
  Name *found = NULL;
  for (Name *n = buckets[hash(name)]; n; n = n->next)
    if (!strcmp(n->name, name) && (any_module ? n->module != NULL : same_unit(n->module, mod))) found = n;
  return found;
}

Name *names_find(const char *name, int from_file) {
  const char *mod = module_of(from_file);
  Name *n = find_unit(name, mod, false);
  return n ? n : find_unit(name, NULL, true);
}

Name *names_find_in(const char *module, const char *name) { return find_unit(name, module, false); }

/* The names a bare name written in from_file could mean (for suggestions). */
Vec names_visible(int from_file) {
  Vec v = {0};
  const char *mod = module_of(from_file);
  for (int i = 0; i < NBUCKETS; i++)
    for (Name *n = buckets[i]; n; n = n->next)
      if (same_unit(n->module, mod) || n->module) vec_push(&v, (void *)n->name);
  return v;
}

/* How messages name a declaration (a type, a variant): its name, or M.name when a std
 * module declares it and the program's own name hides it (two enums Dir, two
 * variants North: "geo.Dir", "geo.North"). */
const char *names_shown(Decl *d) {
  const char *mod = module_of(d->loc.file);
  if (!mod) return d->name;
  Name *n = names_find(d->name, 0);
  return n && n->decl == d ? d->name : xformat("%s.%s", mod, d->name);
}

/* The names of one std module (for suggestions after M.). */
Vec names_of_module(const char *module) {
  Vec v = {0};
  for (int i = 0; i < NBUCKETS; i++)
    for (Name *n = buckets[i]; n; n = n->next)
      if (same_unit(n->module, module)) vec_push(&v, (void *)n->name);
  return v;
}

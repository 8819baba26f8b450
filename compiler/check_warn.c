/* check_warn.c — warnings: what a program declares and never uses.
 *
 * Run after a check without errors (with errors, what looks unused may be a
 * misspelling's victim), over the program's own files only (never a std module's):
 *
 * * a parameter (of a function, method or block), a local (let, var, a loop
 *   variable) or a name a match pattern binds, never named — unless its name begins
 *   with '_'.  A handler's parameters
 *   are the fields of its message, whose shape the senders fix (down, the messages an
 *   extern fn delivers, an interface): they are not warned about;
 * * a local var never assigned or changed in place (it could be a let) — unless it
 *   has no initial value (`var z: Point`: how a program names a type's zero value);
 * * an actor's private fn never called, and a top-level fn of the root file never
 *   called (other than by itself) when that file is a program (it has actor Main; a
 *   library's functions are for other files).
 *
 * The checker records what this reads: Sym.used (ck_lookup), Sym.changed
 * (ck_is_lvalue_root_mutable), Decl.called (check_call). */
#include "check.h"

#include <string.h>

Decl *ck_enclosing_fn(void) {
  for (FnCtx *c = ck_ctx; c; c = c->up)
    if (c->fn) return c->fn;
  return NULL;
}

static bool own_file(int file) { return !src_file(file)->module; }

static void warn_locals(Vec *locals, bool handler) {
  for (int i = 0; i < locals->len; i++) {
    Sym *s = locals->data[i];
    if (s->name[0] == '_' || !own_file(s->loc.file) || (handler && s->kind == SYM_PARAM)) continue;
    if (lex_is_reserved(s->name)) continue; /* one the compiler made (reply): no program can name a local so */
    bool param = s->kind == SYM_PARAM || s->kind == SYM_BLOCKPARAM;
    if (!s->used && s->kind == SYM_BINDING)
      diag_warning(s->loc, "'%s' (bound by the pattern) is never used; if that is intended, write _ or name it _%s",
                   s->name, s->name);
    else if (!s->used)
      diag_warning(s->loc, "%s '%s' is never used; if that is intended, name it _%s", param ? "parameter" : "variable",
                   s->name, s->name);
    else if (s->kind == SYM_LOCAL && s->mutable && !s->changed && !s->zero_init)
      diag_warning(s->loc, "variable '%s' is never changed: declare it with let", s->name);
  }
}

void ck_warnings(Program *p) {
  for (int i = 0; i < p->decls.len; i++) {
    Decl *d = p->decls.data[i];
    if (!own_file(d->file)) continue;
    if (d->kind == D_FN) {
      warn_locals(&d->locals, false);
      if (d->file == 0 && p->main_actor && !d->called && d->name[0] != '_') /* (a library's are for others) */
        diag_warning(d->loc, "function '%s' is never called", d->name);
    }
    if (d->kind != D_ACTOR && d->kind != D_SUPERVISOR) continue;
    warn_locals(&d->locals, false);
    for (int j = 0; j < d->inits.len; j++) warn_locals(&((Decl *)d->inits.data[j])->locals, false);
    for (int j = 0; j < d->handlers.len; j++) warn_locals(&((Decl *)d->handlers.data[j])->locals, true);
    for (int j = 0; j < d->methods.len; j++) {
      Decl *m = d->methods.data[j];
      warn_locals(&m->locals, false);
      if (!m->called && m->name[0] != '_')
        diag_warning(m->loc, "function '%s' of actor %s is never called", m->name, d->name);
    }
  }
  for (int i = 0; i < p->closures.len; i++) {
    Closure *c = p->closures.data[i];
    if (c->node->then_blk) warn_locals(&c->node->then_blk->locals, false);
    if (c->node->kind == N_REQUEST && c->node->else_blk) warn_locals(&c->node->else_blk->locals, false);
  }
}

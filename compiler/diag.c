/* diag.c — diagnostics: collected while the passes run, then printed sorted by
 * position, each as `file:line:col: error: message` (or `warning:`, or a `note:` that
 * belongs to the one before), the source line and a caret under the column (clang's
 * layout).  Warnings do not count as errors unless -Werror made them errors; -w drops
 * them.  Nothing here exits: callers count errors. */
#include "compiler.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_ERRORS = 100 };

typedef struct Diag {
  Loc loc;
  bool has_loc;
  bool is_note;
  bool is_warning;
  int seq;     /* report order, to keep notes after their error */
  struct Diag *parent; /* the error a note belongs to (an error: itself) */
  char *msg;
} Diag;

static Vec diags; /* Diag* */
FILE *diag_out;   /* where diag_flush prints; NULL: stderr */
static int nerrors, nwarnings;
static DiagWarnings warn_mode;
static Diag *last_error; /* NULL after a dropped duplicate: its notes go too */
static bool last_dropped;

static void add(Loc loc, bool has_loc, bool note, bool warning, const char *fmt, va_list ap) {
  Diag *d = xalloc(sizeof *d);
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  d->msg = xalloc((size_t)n + 1);
  vsnprintf(d->msg, (size_t)n + 1, fmt, ap2);
  va_end(ap2);
  d->loc = loc;
  d->has_loc = has_loc;
  d->is_note = note;
  d->is_warning = warning;
  d->seq = diags.len;
  if (note) {
    if (last_dropped || !last_error) return;
    d->parent = last_error;
  } else {
    /* the same message at the same place once only (error recovery may repeat it) */
    for (int i = 0; i < diags.len; i++) {
      Diag *o = diags.data[i];
      if (!o->is_note && o->has_loc == has_loc && o->loc.file == loc.file &&
          o->loc.line == loc.line && o->loc.col == loc.col && !strcmp(o->msg, d->msg)) {
        last_dropped = true; /* drop the duplicate's notes too */
        return;
      }
    }
    d->parent = d;
    last_error = d;
    last_dropped = false;
    if (warning) nwarnings++;
    else nerrors++;
  }
  vec_push(&diags, d);
}

void diag_error(Loc loc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  add(loc, true, false, false, fmt, ap);
  va_end(ap);
}

void diag_warning(Loc loc, const char *fmt, ...) {
  if (warn_mode == DIAG_WARNINGS_OFF) {
    last_dropped = true; /* and its notes */
    return;
  }
  va_list ap;
  va_start(ap, fmt);
  add(loc, true, false, warn_mode == DIAG_WARNINGS_ARE_ERRORS ? false : true, fmt, ap);
  va_end(ap);
}

void diag_note(Loc loc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  add(loc, true, true, false, fmt, ap);
  va_end(ap);
}

void diag_plain(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  add((Loc){0}, false, false, false, fmt, ap);
  va_end(ap);
}

void diag_set_warnings(DiagWarnings mode) { warn_mode = mode; }
int diag_warning_count(void) { return nwarnings; }

int diag_count(void) { return nerrors; }
bool diag_too_many(void) { return nerrors >= MAX_ERRORS; }

char *loc_str(Loc loc) { return xformat("%s:%d:%d", src_file(loc.file)->path, loc.line, loc.col); }

/* The text of line `line` of f: start and length. */
static const char *line_text(SrcFile *f, int line, size_t *len) {
  const char *p = f->text, *end = f->text + f->size;
  for (int l = 1; l < line && p < end; l++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) return NULL;
    p = nl + 1;
  }
  const char *e = memchr(p, '\n', (size_t)(end - p));
  if (!e) e = end;
  if (e > p && e[-1] == '\r') e--;
  *len = (size_t)(e - p);
  return p;
}

char *diag_source_text(Loc loc) {
  if (loc.end_line != loc.line || loc.end_col <= loc.col) return NULL;
  size_t len;
  const char *p = line_text(src_file(loc.file), loc.line, &len);
  if (!p || (size_t)loc.end_col - 1 > len) return NULL;
  return xstrndup(p + loc.col - 1, (size_t)(loc.end_col - loc.col));
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if invalid. */
static int utf8_len(const unsigned char *p, size_t n) {
  if (p[0] < 0x80) return 1;
  int k = p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 && p[0] < 0xE0 ? 2 : 0;
  if (!k || (size_t)k > n) return 0;
  for (int i = 1; i < k; i++)
    if ((p[i] & 0xC0) != 0x80) return 0;
  return k;
}

/* Prints the source line (a window of it if it is very long) and the caret line. */
static void show_line(FILE *out, Loc loc) {
  SrcFile *f = src_file(loc.file);
  size_t len;
  const char *p = line_text(f, loc.line, &len);
  if (!p) return;
  size_t col = loc.col > 0 ? (size_t)loc.col - 1 : 0;
  if (col > len) col = len;
  size_t from = 0, to = len;
  enum { WINDOW = 100 };
  if (len > 2 * WINDOW) { /* very long lines: show the part around the column */
    from = col > WINDOW ? col - WINDOW : 0;
    to = from + 2 * WINDOW < len ? from + 2 * WINDOW : len;
  }
  size_t under = 1;
  if (loc.end_line == loc.line && loc.end_col > loc.col) under = (size_t)(loc.end_col - loc.col);
  if (col + under > to) under = to > col ? to - col : 1;

  char *src = xalloc((to - from) * 4 + 8), *car = xalloc((to - from) * 4 + under + 8);
  size_t s = 0, c = 0;
  if (from > 0) { memcpy(src, "...", 3); memcpy(car, "   ", 3); s = c = 3; }
  for (size_t i = from; i < to;) {
    const unsigned char *u = (const unsigned char *)p + i;
    int k = utf8_len(u, to - i);
    bool in_mark = i >= col && i < col + under;
    char mark = i == col ? '^' : in_mark ? '~' : ' ';
    if (k == 0 || (k == 1 && (u[0] < 0x20 || u[0] == 0x7F) && u[0] != '\t')) {
      src[s++] = '?'; /* bytes a terminal would mangle */
      car[c++] = mark;
      i++;
    } else if (k == 1 && u[0] == '\t') {
      src[s++] = '\t';
      car[c++] = mark == ' ' ? '\t' : mark;
      i++;
    } else {
      memcpy(src + s, u, (size_t)k);
      s += (size_t)k;
      car[c++] = mark;
      i += (size_t)k;
    }
  }
  if (col >= to) car[c++] = '^';
  while (c > 0 && (car[c - 1] == ' ' || car[c - 1] == '\t')) c--;
  src[s] = 0;
  car[c] = 0;
  fprintf(out, "%5d | %s\n      | %s\n", loc.line, src, car);
}

static int cmp_diag(const void *pa, const void *pb) {
  const Diag *a = *(Diag *const *)pa, *b = *(Diag *const *)pb;
  const Diag *ea = a->parent, *eb = b->parent;
  if (ea != eb) {
    if (ea->has_loc != eb->has_loc) return ea->has_loc ? 1 : -1;
    if (ea->loc.file != eb->loc.file) return ea->loc.file - eb->loc.file;
    if (ea->loc.line != eb->loc.line) return ea->loc.line - eb->loc.line;
    if (ea->loc.col != eb->loc.col) return ea->loc.col - eb->loc.col;
    return ea->seq - eb->seq;
  }
  return a->seq - b->seq; /* an error, then its notes in order */
}

void diag_flush(void) {
  if (!diags.len) return;
  FILE *out = diag_out ? diag_out : stderr;
  qsort(diags.data, (size_t)diags.len, sizeof(void *), cmp_diag);
  int shown = 0;
  for (int i = 0; i < diags.len; i++) {
    Diag *d = diags.data[i];
    if (!d->is_note && ++shown > MAX_ERRORS) {
      fprintf(out, "actorc: error: too many errors (%d); stopping\n", nerrors);
      break;
    }
    if (!d->has_loc) {
      fprintf(out, "actorc: %s: %s\n", d->is_note ? "note" : "error", d->msg);
      continue;
    }
    fprintf(out, "%s:%d:%d: %s: %s\n", src_file(d->loc.file)->path, d->loc.line, d->loc.col,
            d->is_note ? "note" : d->is_warning ? "warning" : "error", d->msg);
    show_line(out, d->loc);
  }
  diags.len = 0;
}

void diag_reset(void) {
  diags = (Vec){0};
  nerrors = 0;
  nwarnings = 0;
  last_error = NULL;
  last_dropped = false;
}

/* source.c — the table of loaded source files.  Files are numbered in load order;
 * locations (Loc) refer to them by number. */
#include "compiler.h"

static Vec files; /* SrcFile* */

int src_add(const char *path, const char *text, size_t size) {
  SrcFile *f = xalloc(sizeof *f);
  f->path = xstrdup(path);
  f->text = text;
  f->size = size;
  f->index = files.len;
  vec_push(&files, f);
  return f->index;
}

SrcFile *src_file(int index) { return files.data[index]; }
int src_count(void) { return files.len; }

void src_reset(void) { files = (Vec){0}; }

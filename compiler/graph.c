/* graph.c — `actorc graph`: the actor graph of a checked program as Graphviz DOT,
 * from what the checker knows (nothing runs).
 *
 *   nodes   every actor kind (a rounded box), every supervisor (a bold box labelled
 *           with its strategy and intensity), the interfaces messages go through or
 *           kinds declare with `is` (a dashed ellipse), and the extern functions that
 *           deliver messages to the kinds that call them (std.net's tcp_listen(), ...)
 *   edges   supervision: supervisor -> child kind, labelled with the child's name and
 *             its place in the start order (bold);
 *           spawn: a kind whose code spawns another (dashed);
 *           messages: a kind whose code sends to another, labelled with the handlers
 *             (!h for a send, ?h for a request), in the target's declaration order;
 *           through an interface the edge goes to the interface, and the interface
 *             has a dotted edge to every kind that conforms to it (structurally, §12:
 *             the checker cannot know which of them a reference will hold);
 *           deliveries: extern function -> the calling kind, labelled with the
 *             handlers it delivers to.
 *
 * A kind's code is its handlers, methods, init block and field initialisers, with the
 * blocks inside them (then, else, after, every, match arms), and every top-level
 * function they call, transitively; a supervisor's is its children's arguments.
 * Everything comes out in declaration order, so the output is stable (the samples'
 * golden DOT files in tests/graph/ depend on it). */
#include "compiler.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef enum EdgeKind { E_CHILD, E_SPAWN, E_MSG, E_IS, E_DELIVER, E_KINDS } EdgeKind;

typedef struct Label {
  int order;        /* the target handler's index (slot), or the child's place */
  char op;          /* '!' or '?' (messages), 0 otherwise */
  const char *text;
} Label;

typedef struct Edge {
  EdgeKind kind;
  const char *from, *to; /* node names */
  Vec labels;            /* Label* */
} Edge;

typedef struct Graph {
  Vec edges;   /* Edge*, in the order found */
  Vec ifaces;  /* Decl* (D_INTERFACE) shown */
  Vec externs; /* Decl* (D_EXTERN) shown */
  Vec seen;    /* Decl*: the top-level functions walked for the current kind */
} Graph;

static bool vec_has(Vec *v, void *x) {
  for (int i = 0; i < v->len; i++)
    if (v->data[i] == x) return true;
  return false;
}

static Edge *edge(Graph *g, EdgeKind k, const char *from, const char *to) {
  for (int i = 0; i < g->edges.len; i++) {
    Edge *e = g->edges.data[i];
    if (e->kind == k && !strcmp(e->from, from) && !strcmp(e->to, to)) return e;
  }
  Edge *e = xalloc(sizeof *e);
  e->kind = k;
  e->from = from;
  e->to = to;
  vec_push(&g->edges, e);
  return e;
}

static void label(Edge *e, int order, char op, const char *text) {
  for (int i = 0; i < e->labels.len; i++) {
    Label *l = e->labels.data[i];
    if (l->order == order && l->op == op && !strcmp(l->text, text)) return;
  }
  Label *l = xalloc(sizeof *l);
  l->order = order;
  l->op = op;
  l->text = text;
  vec_push(&e->labels, l);
}

static const char *extern_node(Decl *d) { return xformat("%s()", d->name); }

/* ---- walking a kind's code ---------------------------------------------------------- */

static void walk_stmts(Graph *g, Decl *kind, Vec *v);

static void walk(Graph *g, Decl *kind, Node *n) {
  if (!n) return;
  switch (n->kind) {
  case N_SEND:
  case N_REQUEST: {
    Decl *h = n->decl;
    if (h && h->owner) {
      if (h->owner->kind == D_INTERFACE && !vec_has(&g->ifaces, h->owner)) vec_push(&g->ifaces, h->owner);
      label(edge(g, E_MSG, kind->name, h->owner->name), h->index, n->kind == N_SEND ? '!' : '?', h->name);
    }
    break;
  }
  case N_SPAWN:
    if (n->decl) edge(g, E_SPAWN, kind->name, n->decl->name);
    break;
  case N_CALL: {
    Decl *f = n->decl;
    if (f && f->kind == D_FN && !f->owner && !vec_has(&g->seen, f)) { /* a top-level function: its code runs here */
      vec_push(&g->seen, f);
      walk_stmts(g, kind, &f->body);
    } else if (f && f->kind == D_EXTERN && f->delivers.len) {
      if (!vec_has(&g->externs, f)) vec_push(&g->externs, f);
      Edge *e = edge(g, E_DELIVER, extern_node(f), kind->name);
      for (int i = 0; i < f->delivers.len; i++) {
        Decl *h = f->delivers.data[i];
        Decl *mine = ty_handler(kind, h->name);
        label(e, mine ? mine->index : i, 0, h->name);
      }
    }
    break;
  }
  default: break;
  }
  walk(g, kind, n->a);
  walk(g, kind, n->b);
  for (int i = 0; i < n->list.len; i++) walk(g, kind, n->list.data[i]);
  for (int i = 0; i < n->list2.len; i++) walk(g, kind, n->list2.data[i]);
  walk_stmts(g, kind, &n->body);
  walk_stmts(g, kind, &n->els);
  for (int i = 0; i < n->arms.len; i++) {
    MatchArm *arm = n->arms.data[i];
    walk(g, kind, arm->guard);
    walk_stmts(g, kind, &arm->body);
  }
  if (n->then_blk) walk_stmts(g, kind, &n->then_blk->stmts);
  if (n->else_blk) walk_stmts(g, kind, &n->else_blk->stmts);
}

static void walk_stmts(Graph *g, Decl *kind, Vec *v) {
  for (int i = 0; i < v->len; i++) walk(g, kind, v->data[i]);
}

static void walk_kind(Graph *g, Decl *a) {
  g->seen.len = 0;
  if (a->kind == D_SUPERVISOR) {
    for (int i = 0; i < a->children.len; i++) {
      Child *c = a->children.data[i];
      if (c->kind) label(edge(g, E_CHILD, a->name, c->kind->name), i + 1, 0, c->name);
      for (int j = 0; j < c->args.len; j++) walk(g, a, c->args.data[j]);
    }
    return;
  }
  walk_stmts(g, a, &a->fields);
  for (int i = 0; i < a->inits.len; i++) walk_stmts(g, a, &((Decl *)a->inits.data[i])->body);
  for (int i = 0; i < a->handlers.len; i++) walk_stmts(g, a, &((Decl *)a->handlers.data[i])->body);
  for (int i = 0; i < a->methods.len; i++) walk_stmts(g, a, &((Decl *)a->methods.data[i])->body);
}

/* ---- writing DOT --------------------------------------------------------------------- */

static int label_cmp(const void *x, const void *y) {
  const Label *a = *(Label *const *)x, *b = *(Label *const *)y;
  if (a->order != b->order) return a->order < b->order ? -1 : 1;
  return (a->op > b->op) - (a->op < b->op);
}

static char *labels_text(Edge *e, const char *sep) {
  qsort(e->labels.data, (size_t)e->labels.len, sizeof(void *), label_cmp);
  char *s = "";
  for (int i = 0; i < e->labels.len; i++) {
    Label *l = e->labels.data[i];
    s = xformat("%s%s%s%s", s, i ? sep : "", l->op ? (l->op == '!' ? "!" : "?") : "", l->text);
  }
  return s;
}

static void put_edges(FILE *f, Graph *g, EdgeKind k, const char *comment) {
  bool any = false;
  for (int i = 0; i < g->edges.len; i++) {
    Edge *e = g->edges.data[i];
    if (e->kind != k) continue;
    if (!any) fprintf(f, "\n  // %s\n", comment);
    any = true;
    switch (k) {
    case E_CHILD: {
      char *ls = "";
      qsort(e->labels.data, (size_t)e->labels.len, sizeof(void *), label_cmp);
      for (int j = 0; j < e->labels.len; j++) {
        Label *l = e->labels.data[j];
        ls = xformat("%s%s%s (%d)", ls, j ? "\\n" : "", l->text, l->order);
      }
      fprintf(f, "  \"%s\" -> \"%s\" [label=\"%s\", style=bold, dir=both, arrowtail=odiamond];\n", e->from, e->to, ls);
      break;
    }
    case E_SPAWN: fprintf(f, "  \"%s\" -> \"%s\" [label=\"spawn\", style=dashed];\n", e->from, e->to); break;
    case E_MSG: fprintf(f, "  \"%s\" -> \"%s\" [label=\"%s\"];\n", e->from, e->to, labels_text(e, "\\n")); break;
    case E_IS: fprintf(f, "  \"%s\" -> \"%s\" [label=\"is\", style=dotted, arrowhead=empty];\n", e->from, e->to); break;
    case E_DELIVER:
      fprintf(f, "  \"%s\" -> \"%s\" [label=\"%s\", style=dashed, color=gray40];\n", e->from, e->to, labels_text(e, "\\n"));
      break;
    default: break;
    }
  }
}

/* The graph's name: the file's, without its folder and .actor. */
static char *graph_name(const char *path) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  size_t n = strlen(base);
  if (n > 6 && !strcmp(base + n - 6, ".actor")) n -= 6;
  char *s = xstrndup(base, n);
  for (char *p = s; *p; p++)
    if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20) *p = '_';
  return s;
}

void graph_write(Program *p, const char *path, FILE *f) {
  Graph g = {0};
  for (int i = 0; i < p->actors.len; i++) walk_kind(&g, p->actors.data[i]);
  /* interfaces some kind says it conforms to */
  for (int i = 0; i < p->actors.len; i++) {
    Decl *a = p->actors.data[i];
    for (int j = 0; j < a->ifaces.len; j++) {
      TypeExpr *te = a->ifaces.data[j];
      for (int k = 0; k < p->ifaces.len; k++) {
        Decl *in = p->ifaces.data[k];
        if (!strcmp(in->name, te->name) && !vec_has(&g.ifaces, in)) vec_push(&g.ifaces, in);
      }
    }
  }
  /* ... in declaration order, each with the kinds that conform to it */
  Vec ifaces = {0};
  for (int k = 0; k < p->ifaces.len; k++)
    if (vec_has(&g.ifaces, p->ifaces.data[k])) vec_push(&ifaces, p->ifaces.data[k]);
  for (int k = 0; k < ifaces.len; k++) {
    Decl *in = ifaces.data[k];
    for (int i = 0; i < p->actors.len; i++) {
      Decl *a = p->actors.data[i];
      if (a->kind == D_ACTOR && ty_conforms(a, in)) edge(&g, E_IS, in->name, a->name);
    }
  }

  const char *slash = strrchr(path, '/');
  fprintf(f, "// actorc graph %s: actor kinds and supervisors, who spawns, supervises and sends to whom.\n",
          slash ? slash + 1 : path);
  fprintf(f, "digraph \"%s\" {\n", graph_name(path));
  fprintf(f, "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=11];\n");
  fprintf(f, "  node [fontname=\"Helvetica\", fontsize=11];\n");
  fprintf(f, "  edge [fontname=\"Helvetica\", fontsize=9];\n\n");
  fprintf(f, "  // actor kinds and supervisors\n");
  for (int i = 0; i < p->actors.len; i++) {
    Decl *a = p->actors.data[i];
    if (a->kind == D_SUPERVISOR)
      fprintf(f, "  \"%s\" [shape=box, style=\"rounded,bold,filled\", fillcolor=\"#eeeeee\", label=\"%s\\n%s, %lld per %lld ms\"];\n",
              a->name, a->name, a->strategy ? a->strategy : "one_for_one", (long long)a->intensity,
              (long long)a->period_ms);
    else
      fprintf(f, "  \"%s\" [shape=box, style=rounded];\n", a->name);
  }
  if (ifaces.len) fprintf(f, "\n  // interfaces\n");
  for (int i = 0; i < ifaces.len; i++) {
    Decl *in = ifaces.data[i];
    fprintf(f, "  \"%s\" [shape=ellipse, style=dashed, label=\"interface %s\"];\n", in->name, in->name);
  }
  if (g.externs.len) fprintf(f, "\n  // extern functions that deliver messages\n");
  for (int i = 0; i < g.externs.len; i++)
    fprintf(f, "  \"%s\" [shape=cds, color=gray40, fontcolor=gray25];\n", extern_node(g.externs.data[i]));
  put_edges(f, &g, E_CHILD, "supervision: supervisor -> child (name and start order)");
  put_edges(f, &g, E_SPAWN, "spawns");
  put_edges(f, &g, E_MSG, "messages: !handler sends, ?handler requests");
  put_edges(f, &g, E_IS, "kinds that conform to an interface");
  put_edges(f, &g, E_DELIVER, "messages delivered by extern functions");
  fprintf(f, "}\n");
}

/* ---- rendering ---------------------------------------------------------------------- */

bool graph_render(Program *p, const char *path, const char *out) {
  const char *dot_ext = strrchr(out, '.');
  const char *fmt = dot_ext ? dot_ext + 1 : "";
  if (!strcmp(fmt, "dot") || !strcmp(fmt, "gv")) {
    FILE *f = fopen(out, "w");
    if (!f) {
      diag_plain("cannot write '%s': %s", out, strerror(errno));
      return false;
    }
    graph_write(p, path, f);
    if (fclose(f) != 0) {
      diag_plain("cannot write '%s': %s", out, strerror(errno));
      return false;
    }
    return true;
  }
  if (strcmp(fmt, "svg") && strcmp(fmt, "png") && strcmp(fmt, "pdf")) {
    diag_plain("'%s': actorc graph writes .dot (or .gv), .svg, .png or .pdf files", out);
    return false;
  }
  int fds[2];
  if (pipe(fds) != 0) {
    diag_plain("cannot run dot: %s", strerror(errno));
    return false;
  }
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) {
    diag_plain("cannot run dot: %s", strerror(errno));
    return false;
  }
  if (pid == 0) {
    dup2(fds[0], 0);
    close(fds[0]);
    close(fds[1]);
    char *targ = xformat("-T%s", fmt);
    execlp("dot", "dot", targ, "-o", out, (char *)NULL);
    _exit(127); /* not found: reported below */
  }
  close(fds[0]);
  /* dot may be gone before it reads (not installed: the exec failed): a write to the
   * pipe then fails with EPIPE instead of killing actorc, and its status says why. */
  void (*old)(int) = signal(SIGPIPE, SIG_IGN);
  FILE *f = fdopen(fds[1], "w");
  graph_write(p, path, f);
  fclose(f);
  signal(SIGPIPE, old);
  int st;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
    diag_plain("rendering '%s' needs Graphviz's dot (Debian: apt-get install graphviz); without -o, actorc graph "
               "prints the DOT text",
               out);
    return false;
  }
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    diag_plain("dot failed to render '%s'", out);
    return false;
  }
  return true;
}

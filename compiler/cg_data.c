/* cg_data.c — records and enums (LANGUAGE.md §9) in generated code: their type
 * descriptors (names, fields, variants: what printing, equality, hashing, releasing
 * and std.json need), making a value, reading a field, the field step of a place, and
 * an enum value's variant for match (cg_match.c).
 *
 * Layout (runtime/include/actor_rt.h, rt_data): a reference-counted object holding its
 * fields as words after the header and the type; NULL is the zero value (the record of
 * zero fields; the enum's first variant, its fields zero).  So reading a field of NULL
 * reads a word of a zero array instead (a select of two addresses, no branch), and an
 * enum value's variant is 0 for NULL, else the header's tag shifted down: one load.
 * A variant without fields other than the first is a static object emitted here (its
 * rt_variant.unit), so that `Quit` allocates nothing; the first is NULL. */
#include "cg.h"

#include <stddef.h>

/* ---- descriptors ----------------------------------------------------------------- */

static LLVMValueRef const_global(LLVMValueRef init, const char *name) {
  LLVMValueRef g = LLVMAddGlobal(cg.mod, LLVMTypeOf(init), name);
  LLVMSetInitializer(g, init);
  LLVMSetGlobalConstant(g, 1);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  return g;
}

/* A private constant array of pointers (i8*). */
static LLVMValueRef ptr_array(LLVMValueRef *elems, int n, const char *name) {
  if (n == 0) return LLVMConstNull(cg.ptr);
  LLVMValueRef g = const_global(LLVMConstArray(cg.ptr, elems, (unsigned)n), name);
  return LLVMConstBitCast(g, cg.ptr);
}

/* The static value of variant v (no fields, not the first): an rt_data header. */
static LLVMValueRef unit_value(Decl *v, LLVMValueRef type_desc) {
  LLVMValueRef f[F_DATA_N] = {
      [F_DATA_RC] = LLVMConstInt(cg.i32, RT_RC_STATIC, 0),
      [F_DATA_TAG] = LLVMConstInt(cg.i32, RT_TAG_DATA | (unsigned long long)v->index << RT_DATA_VARIANT_SHIFT, 0),
      [F_DATA_TYPE] = type_desc,
  };
  LLVMValueRef g = const_global(cg_rt_const(&cg.data, f), xformat("unit.%s", v->name));
  LLVMSetAlignment(g, _Alignof(rt_data));
  return LLVMConstBitCast(g, cg.ptr);
}

/* The rt_variant of a record (d: D_RECORD) or of a variant. */
static LLVMValueRef variant_desc(Decl *d, LLVMValueRef type_desc) {
  int nf = d->params.len;
  LLVMValueRef *names = xalloc(sizeof(LLVMValueRef) * (size_t)(nf + 1));
  LLVMValueRef *types = xalloc(sizeof(LLVMValueRef) * (size_t)(nf + 1));
  for (int i = 0; i < nf; i++) {
    Param *p = d->params.data[i];
    names[i] = cg_cstr(p->name);
    types[i] = cg_type_desc(p->type);
  }
  LLVMValueRef unit = LLVMConstNull(cg.ptr);
  if (d->kind == D_VARIANT && nf == 0 && d->index > 0) unit = d->cg = unit_value(d, type_desc);
  LLVMValueRef f[F_VARIANT_N] = {
      [F_VARIANT_NAME] = cg_cstr(d->name),
      [F_VARIANT_NFIELDS] = LLVMConstInt(cg.i32, (unsigned long long)nf, 0),
      [F_VARIANT_FIELD_NAMES] = ptr_array(names, nf, "fields.names"),
      [F_VARIANT_FIELD_TYPES] = ptr_array(types, nf, "fields.types"),
      [F_VARIANT_UNIT] = unit,
  };
  return cg_rt_const(&cg.variant, f);
}

/* May a value of t hold a Float anywhere (so that x == x may be false)? */
static bool holds_float(Type *t, Vec *seen) {
  switch (t->kind) {
  case T_FLOAT: return true;
  case T_LIST: return holds_float(t->a, seen);
  case T_MAP: return holds_float(t->a, seen) || holds_float(t->b, seen);
  case T_RECORD:
  case T_ENUM: {
    for (int i = 0; i < seen->len; i++)
      if (seen->data[i] == t) return false;
    vec_push(seen, t);
    Decl *d = t->decl;
    int nv = d->kind == D_ENUM ? d->variants.len : 1;
    for (int v = 0; v < nv; v++) {
      Decl *fd = d->kind == D_ENUM ? d->variants.data[v] : d;
      for (int i = 0; i < fd->params.len; i++)
        if (holds_float(((Param *)fd->params.data[i])->type, seen)) return true;
    }
    return false;
  }
  default: return false;
  }
}

LLVMValueRef cg_data_desc(Type *t) {
  if (t->cg) return t->cg;
  Decl *d = t->decl;
  /* the descriptor first, so that a type that contains itself (through a list, a map
   * or a later variant) refers to it */
  LLVMValueRef g = LLVMAddGlobal(cg.mod, cg.type.t, xformat("type.%s", d->name));
  LLVMSetGlobalConstant(g, 1);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  t->cg = LLVMConstBitCast(g, cg.ptr);
  int nv = d->kind == D_ENUM ? d->variants.len : 1;
  LLVMValueRef *vs = xalloc(sizeof(LLVMValueRef) * (size_t)(nv + 1));
  for (int i = 0; i < nv; i++) vs[i] = variant_desc(d->kind == D_ENUM ? d->variants.data[i] : d, t->cg);
  LLVMValueRef variants = const_global(LLVMConstArray(cg.variant.t, vs, (unsigned)nv), "variants");
  LLVMValueRef df[F_DDESC_N] = {
      [F_DDESC_NAME] = cg_cstr(d->name),
      [F_DDESC_NVARIANTS] = LLVMConstInt(cg.i32, (unsigned long long)nv, 0),
      [F_DDESC_FLAGS] = LLVMConstInt(cg.i32, holds_float(t, &(Vec){0}) ? RT_DATA_FLOATS : 0, 0),
      [F_DDESC_VARIANTS] = LLVMConstBitCast(variants, cg.ptr),
  };
  LLVMValueRef data = const_global(cg_rt_const(&cg.ddesc, df), xformat("data.%s", d->name));
  LLVMValueRef f[F_TYPE_N] = {
      [F_TYPE_KIND] = LLVMConstInt(cg.i32, d->kind == D_RECORD ? RT_T_RECORD : RT_T_ENUM, 0),
      [F_TYPE_RESERVED] = LLVMConstInt(cg.i32, 0, 0),
      [F_TYPE_A] = LLVMConstNull(cg.ptr),
      [F_TYPE_B] = LLVMConstNull(cg.ptr),
      [F_TYPE_DATA] = LLVMConstBitCast(data, cg.ptr),
  };
  LLVMSetInitializer(g, cg_rt_const(&cg.type, f));
  return t->cg;
}

/* ---- fields ---------------------------------------------------------------------- */

/* Zeros laid out as an rt_data with as many fields as any record or variant of the
 * program has: where the tag or a field of NULL (the zero value) is read. */
static LLVMValueRef zeros(void) {
  if (cg.data_zeros) return cg.data_zeros;
  int most = 1;
  for (int i = 0; i < cg.prog->datas.len; i++) {
    Decl *d = cg.prog->datas.data[i];
    if (d->params.len > most) most = d->params.len;
    for (int j = 0; j < d->variants.len; j++) {
      Decl *v = d->variants.data[j];
      if (v->params.len > most) most = v->params.len;
    }
  }
  /* read as if it were an rt_data: a header of zeros (tag 0: the first variant), then fields */
  LLVMTypeRef at = LLVMArrayType(cg.i64, (unsigned)(offsetof(rt_data, f) / 8 + (size_t)most));
  cg.data_zeros = const_global(LLVMConstNull(at), "data.zeros");
  LLVMSetAlignment(cg.data_zeros, 8);
  return cg.data_zeros;
}

/* The address of the byte at `offset` in the object v, or in the zero array when v
 * is NULL. */
static LLVMValueRef data_addr(LLVMValueRef v, size_t offset) {
  LLVMValueRef off = LLVMConstInt(cg.i64, offset, 0);
  LLVMValueRef in_obj = LLVMBuildGEP2(cg.b, cg.i8, cg_bitcast_ptr(v, cg.i8), &off, 1, "");
  LLVMValueRef in_zeros = LLVMBuildGEP2(cg.b, cg.i8, LLVMConstBitCast(zeros(), cg.ptr), &off, 1, "");
  return LLVMBuildSelect(cg.b, LLVMBuildIsNull(cg.b, v, ""), in_zeros, in_obj, "");
}

LLVMValueRef cg_data_field_word(LLVMValueRef v, int i, bool nonnull) {
  size_t off = offsetof(rt_data, f) + 8 * (size_t)i;
  if (nonnull) {
    LLVMValueRef o = LLVMConstInt(cg.i64, off, 0);
    return cg_load(cg.i64, LLVMBuildGEP2(cg.b, cg.i8, cg_bitcast_ptr(v, cg.i8), &o, 1, ""), "field");
  }
  return cg_load(cg.i64, data_addr(v, off), "field");
}

/* The variant: 0 for NULL, else the tag's high bits (the zero array reads as tag 0). */
LLVMValueRef cg_data_tag(LLVMValueRef v) {
  LLVMValueRef tag = cg_load(cg.i32, data_addr(v, offsetof(rt_data, h.tag)), "tag");
  return LLVMBuildLShr(cg.b, tag, LLVMConstInt(cg.i32, RT_DATA_VARIANT_SHIFT, 0), "variant");
}

Val cg_field_read(Node *n) {
  Val r = cg_expr(n->a);
  LLVMValueRef v = cg_from_word(cg_data_field_word(r.v, n->index, false), n->type);
  Val out = cg_borrowed(v, n->type);
  /* borrowed from the record; a temporary one goes now: take the field first */
  if (r.slot) out = cg_own(out);
  cg_drop(r);
  return out;
}

/* The field's address for a change: the runtime makes the record unique (allocating a
 * zero record for NULL) in the place at record_addr. */
LLVMValueRef cg_field_addr(LLVMValueRef record_addr, Node *n) {
  LLVMValueRef args[3] = {cg_bitcast_ptr(record_addr, cg.i8), cg_type_desc(n->a->type),
                          LLVMConstInt(cg.i32, (unsigned long long)n->index, 0)};
  return cg_call_rt(RT_DATA_FIELD_MUT, args, 3);
}

/* ---- making a value -------------------------------------------------------------- */

Val cg_construct(Node *n) {
  Decl *d = n->decl;
  Type *t = d->kind == D_RECORD ? d->type : d->owner->type;
  LLVMValueRef desc = cg_type_desc(t);
  int nf = d->params.len;
  if (nf == 0) { /* Tick(), the first variant: NULL; another variant: its static value */
    if (d->kind == D_VARIANT && d->index > 0) return cg_borrowed(d->cg, t);
    return cg_borrowed(LLVMConstNull(cg.ptr), t);
  }
  Val *vals = xalloc(sizeof(Val) * (size_t)nf);
  cg_args(&n->list, vals, true);
  LLVMValueRef args[2] = {desc, LLVMConstInt(cg.i32, d->kind == D_VARIANT ? (unsigned long long)d->index : 0, 0)};
  LLVMValueRef obj = cg_call_rt(RT_DATA_NEW, args, 2);
  for (int i = 0; i < nf; i++) {
    LLVMValueRef off = LLVMConstInt(cg.i64, offsetof(rt_data, f) + 8 * (size_t)i, 0);
    LLVMValueRef addr = LLVMBuildGEP2(cg.b, cg.i8, cg_bitcast_ptr(obj, cg.i8), &off, 1, "");
    cg_store(cg_to_word(vals[i].v, ((Param *)d->params.data[i])->type), addr);
  }
  for (int i = 0; i < nf; i++) cg_take(vals[i]); /* moved into the value */
  return cg_owned(obj, t);
}

// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include "lib/otlp.h"
#include "lib/pb.h"
#include "lib/utf8.h"

/* common.proto */
enum { KV_KEY = 1, KV_VALUE = 2 };
enum { AV_STRING = 1, AV_BOOL = 2, AV_INT = 3, AV_DOUBLE = 4, AV_ARRAY = 5, AV_KVLIST = 6 };
enum { LIST_VALUES = 1 };	/* ArrayValue.values, KeyValueList.values */

int otlp__put_str(struct strbuf *sb, unsigned field, const char *s, size_t n)
{
	size_t m = pb__begin(sb, field), i = 0;

	while (i < n) {
		size_t len = utf8__seq_len((const unsigned char *)s + i, n - i);
		size_t run = i;

		/* Valid runs are copied whole; a bad byte becomes U+FFFD. */
		while (len && run < n) {
			run += len;
			len = run < n ? utf8__seq_len((const unsigned char *)s + run, n - run) : 0;
		}
		if (run > i)
			sb__append(sb, s + i, run - i);
		i = run;
		if (i < n && !utf8__seq_len((const unsigned char *)s + i, n - i)) {
			sb__append(sb, "\xEF\xBF\xBD", 3);
			i++;
		}
	}
	return pb__end(sb, m);
}

static size_t kv_begin(struct strbuf *sb, unsigned field, const char *key, size_t *av)
{
	size_t m = pb__begin(sb, field);

	otlp__put_str(sb, KV_KEY, key, strlen(key));
	*av = pb__begin(sb, KV_VALUE);
	return m;
}

static int kv_end(struct strbuf *sb, size_t m, size_t av)
{
	return pb__end(sb, av) ?: pb__end(sb, m);
}

int otlp__kv_strn(struct strbuf *sb, unsigned field, const char *key, const char *v, size_t n)
{
	size_t av, m = kv_begin(sb, field, key, &av);

	otlp__put_str(sb, AV_STRING, v, n);
	return kv_end(sb, m, av);
}

int otlp__kv_str(struct strbuf *sb, unsigned field, const char *key, const char *v)
{
	return otlp__kv_strn(sb, field, key, v ? v : "", v ? strlen(v) : 0);
}

int otlp__kv_int(struct strbuf *sb, unsigned field, const char *key, int64_t v)
{
	size_t av, m = kv_begin(sb, field, key, &av);

	pb__uint(sb, AV_INT, (uint64_t)v);
	return kv_end(sb, m, av);
}

int otlp__kv_double(struct strbuf *sb, unsigned field, const char *key, double v)
{
	size_t av, m = kv_begin(sb, field, key, &av);

	pb__double(sb, AV_DOUBLE, v);
	return kv_end(sb, m, av);
}

int otlp__kv_bool(struct strbuf *sb, unsigned field, const char *key, bool v)
{
	size_t av, m = kv_begin(sb, field, key, &av);

	pb__uint(sb, AV_BOOL, v);
	return kv_end(sb, m, av);
}

/* ---- the field writer ---- */

#define OF(w) ((struct otlp_fields *)(w))

/* Where a value goes: a KeyValue (top level, or in a kvlist), or a bare
 * AnyValue in an array. Returns the marks to close after the value. */
static int value_begin(struct otlp_fields *f, const char *key, size_t marks[3])
{
	bool in_array = f->depth && f->st[f->depth - 1].array;
	unsigned field = f->depth ? LIST_VALUES : f->field;

	if (in_array) {
		marks[0] = pb__begin(f->sb, LIST_VALUES);
		return 1;
	}
	marks[0] = kv_begin(f->sb, field, key ? key : "", &marks[1]);
	return 2;
}

static void value_end(struct otlp_fields *f, const size_t *marks, int n)
{
	while (n--)
		pb__end(f->sb, marks[n]);
}

/* One scalar value: what each writer op below hands over. */
enum of_kind { OFK_STR, OFK_INT, OFK_DOUBLE, OFK_BOOL, OFK_NULL };

static void of_value(struct field_writer *w, const char *key, enum of_kind kind, const char *s, size_t n,
		     uint64_t u, double d)
{
	size_t m[3];
	int k;

	if (OF(w)->too_deep)
		return;
	k = value_begin(OF(w), key, m);
	switch (kind) {
	case OFK_STR:
		otlp__put_str(OF(w)->sb, AV_STRING, s, n);
		break;
	case OFK_INT:
		pb__uint(OF(w)->sb, AV_INT, u);
		break;
	case OFK_DOUBLE:
		pb__double(OF(w)->sb, AV_DOUBLE, d);
		break;
	case OFK_BOOL:
		pb__uint(OF(w)->sb, AV_BOOL, u);
		break;
	case OFK_NULL:	/* an AnyValue with no value set, as the spec says */
		break;
	}
	value_end(OF(w), m, k);
}

static void of_str(struct field_writer *w, const char *key, const char *s, size_t n)
{
	of_value(w, key, OFK_STR, s, n, 0, 0);
}

static void of_i64(struct field_writer *w, const char *key, int64_t v)
{
	of_value(w, key, OFK_INT, NULL, 0, (uint64_t)v, 0);
}

/* OTLP has no unsigned: values past INT64_MAX (rare: ids, masks) as doubles. */
static void of_u64(struct field_writer *w, const char *key, uint64_t v)
{
	of_value(w, key, v > INT64_MAX ? OFK_DOUBLE : OFK_INT, NULL, 0, v, (double)v);
}

static void of_dbl(struct field_writer *w, const char *key, double v)
{
	of_value(w, key, OFK_DOUBLE, NULL, 0, 0, v);
}

static void of_bool(struct field_writer *w, const char *key, bool v)
{
	of_value(w, key, OFK_BOOL, NULL, 0, v, 0);
}

static void of_null(struct field_writer *w, const char *key)
{
	of_value(w, key, OFK_NULL, NULL, 0, 0, 0);
}

static void of_open(struct field_writer *w, const char *key, bool array)
{
	struct otlp_fields *f = OF(w);

	if (f->too_deep || f->depth == OTLP_FIELDS_DEPTH) {
		f->too_deep++;
		return;
	}
	f->st[f->depth].nmarks = value_begin(f, key, f->st[f->depth].marks);
	f->st[f->depth].marks[f->st[f->depth].nmarks++] = pb__begin(f->sb, array ? AV_ARRAY : AV_KVLIST);
	f->st[f->depth++].array = array;
}

static void of_close(struct field_writer *w, bool array)
{
	struct otlp_fields *f = OF(w);

	if (f->too_deep) {
		f->too_deep--;
		return;
	}
	if (!f->depth)
		return;
	f->depth--;
	value_end(f, f->st[f->depth].marks, f->st[f->depth].nmarks);
}

static const struct field_writer_ops otlp_field_ops = {
	.str = of_str, .i64 = of_i64, .u64 = of_u64, .dbl = of_dbl,
	.boolean = of_bool, .null = of_null, .open = of_open, .close = of_close,
};

void otlp_fields__init(struct otlp_fields *f, struct strbuf *sb, unsigned field)
{
	memset(f, 0, sizeof(*f));
	f->fw.ops = &otlp_field_ops;
	f->sb = sb;
	f->field = field;
}

/* ---- batches ---- */

struct otlp_group *otlp_batch__find(struct otlp_batch *b, const char *key)
{
	for (unsigned i = 0; i < b->ngroups; i++)
		if (!strcmp(b->g[i].key, key))
			return &b->g[i];
	return NULL;
}

struct otlp_group *otlp_batch__add(struct otlp_batch *b, const char *key)
{
	struct otlp_group *g;

	if (b->ngroups == OTLP_BATCH_GROUPS)
		return NULL;
	g = &b->g[b->ngroups++];
	snprintf(g->key, sizeof(g->key), "%s", key);
	sb__reset(&g->resource);
	sb__reset(&g->items);
	g->n = 0;
	return g;
}

size_t otlp_batch__bytes(const struct otlp_batch *b)
{
	size_t n = 0;

	for (unsigned i = 0; i < b->ngroups; i++)
		n += b->g[i].resource.len + b->g[i].items.len + 16;
	return n;
}

int otlp_batch__write(struct otlp_batch *b, struct strbuf *out, const char *scope, const char *version)
{
	int err = 0;

	for (unsigned i = 0; i < b->ngroups; i++) {
		struct otlp_group *g = &b->g[i];
		size_t rx, sx, sc;

		if (!g->n)
			continue;
		if (g->resource.err || g->items.err)
			err = -ENOMEM;
		rx = pb__begin(out, 1);
		pb__bytes(out, 1, g->resource.buf, g->resource.len);
		sx = pb__begin(out, 2);
		sc = pb__begin(out, 1);
		otlp__put_str(out, 1, scope, strlen(scope));
		otlp__put_str(out, 2, version, strlen(version));
		pb__end(out, sc);
		sb__append(out, g->items.buf ? g->items.buf : "", g->items.len);
		pb__end(out, sx);
		pb__end(out, rx);
	}
	b->ngroups = 0;
	b->items = 0;
	return err ?: out->err;
}

void otlp_batch__free(struct otlp_batch *b)
{
	for (unsigned i = 0; i < OTLP_BATCH_GROUPS; i++) {
		sb__free(&b->g[i].resource);
		sb__free(&b->g[i].items);
	}
	b->ngroups = 0;
	b->items = 0;
}

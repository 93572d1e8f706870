/* SPDX-License-Identifier: Apache-2.0 */
/* OTLP (opentelemetry/proto, v1) pieces shared by the three signals:
 * KeyValue attributes, a field writer whose fields become attributes, and
 * a batch that groups encoded items (spans, log records, metrics) by the
 * resource (process) they come from, then writes the Export*ServiceRequest.
 * The three requests have the same shape: resource_X = 1 { resource = 1,
 * scope_X = 2 { scope = 1, items = 2 } }. Pure: no I/O. */
#ifndef SONDE_LIB_OTLP_H
#define SONDE_LIB_OTLP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/fields.h"
#include "lib/strbuf.h"

/* A string field, its invalid UTF-8 bytes as U+FFFD (proto3 strings must
 * be UTF-8: decoders refuse the message otherwise). */
int otlp__put_str(struct strbuf *sb, unsigned field, const char *s, size_t n);

/* One KeyValue as field `field` of the message being written. */
int otlp__kv_str(struct strbuf *sb, unsigned field, const char *key, const char *v);
int otlp__kv_strn(struct strbuf *sb, unsigned field, const char *key, const char *v, size_t n);
int otlp__kv_int(struct strbuf *sb, unsigned field, const char *key, int64_t v);
int otlp__kv_double(struct strbuf *sb, unsigned field, const char *key, double v);
int otlp__kv_bool(struct strbuf *sb, unsigned field, const char *key, bool v);

/* A field writer writing each top-level field as a KeyValue (field
 * `field`), objects as kvlist values and arrays as array values. */
#define OTLP_FIELDS_DEPTH 16
struct otlp_fields {
	struct field_writer fw;
	struct strbuf *sb;
	unsigned field;
	int depth, too_deep;	/* levels past OTLP_FIELDS_DEPTH are left out */
	struct { size_t marks[3]; int nmarks; bool array; } st[OTLP_FIELDS_DEPTH];
};
void otlp_fields__init(struct otlp_fields *f, struct strbuf *sb, unsigned field);

/* Items grouped by resource. Add a group with its Resource attributes
 * (KeyValues as field 1, written by the caller into g->resource), then
 * items: each an encoded message with tag 2 in g->items. */
#define OTLP_BATCH_GROUPS 64
struct otlp_group {
	char key[64];
	struct strbuf resource;	/* Resource body */
	struct strbuf items;	/* field-2 messages of the Scope* message */
	unsigned n;
};

struct otlp_batch {
	struct otlp_group g[OTLP_BATCH_GROUPS];
	unsigned ngroups;
	unsigned items;		/* in every group */
};

/* The group of key, or NULL. */
struct otlp_group *otlp_batch__find(struct otlp_batch *b, const char *key);
/* A new empty group for key; NULL when OTLP_BATCH_GROUPS are in use
 * (write the batch out first). */
struct otlp_group *otlp_batch__add(struct otlp_batch *b, const char *key);
/* Bytes held, roughly what the request will be. */
size_t otlp_batch__bytes(const struct otlp_batch *b);
/* Appends the request to out and empties the batch (groups forgotten). */
int otlp_batch__write(struct otlp_batch *b, struct strbuf *out, const char *scope, const char *version);
void otlp_batch__free(struct otlp_batch *b);
#endif

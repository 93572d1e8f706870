/* SPDX-License-Identifier: Apache-2.0 */
/* Small JSON writer for hot-path event output: always well-formed, escapes
 * control characters and turns invalid UTF-8 into U+FFFD. */
#ifndef SONDE_JSON_H
#define SONDE_JSON_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/fields.h"
#include "lib/strbuf.h"

#define JW_MAX_DEPTH 64

/* Nesting past JW_MAX_DEPTH sets sb->err (-E2BIG): output is never malformed. */
struct json_writer {
	struct strbuf *sb;
	int depth;
	bool need_comma[JW_MAX_DEPTH];
	bool after_key;
};

void jw__init(struct json_writer *w, struct strbuf *sb);
void jw__obj_begin(struct json_writer *w);
void jw__obj_end(struct json_writer *w);
void jw__arr_begin(struct json_writer *w);
void jw__arr_end(struct json_writer *w);
void jw__key(struct json_writer *w, const char *k);
void jw__str(struct json_writer *w, const char *s);
void jw__strn(struct json_writer *w, const char *s, size_t n);
void jw__u64(struct json_writer *w, uint64_t v);
void jw__i64(struct json_writer *w, int64_t v);
void jw__double(struct json_writer *w, double v);
void jw__bool(struct json_writer *w, bool v);
void jw__null(struct json_writer *w);
/* A UTC time (ns since the epoch) as an RFC 3339 string with nanoseconds,
 * as every sonde JSON output spells time. */
void jw__time(struct json_writer *w, uint64_t time_ns);
/* Starts w on sb inside an object that is open elsewhere: what it writes
 * is members ("k":v,...) for jw__members() to splice in later. */
void jw__init_members(struct json_writer *w, struct strbuf *sb);
/* Splices members written by a jw__init_members() writer into the open
 * object of w. */
void jw__members(struct json_writer *w, const char *s, size_t n);
/* Appends s as a quoted JSON string. */
void json__escape(struct strbuf *sb, const char *s, size_t n);

/* The field writer's JSON backend: fields written through jf->fw land in
 * the open object of jw. */
struct json_fields {
	struct field_writer fw;
	struct json_writer *jw;
};

void json_fields__init(struct json_fields *jf, struct json_writer *jw);
#endif

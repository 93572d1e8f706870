/* SPDX-License-Identifier: Apache-2.0 */
/* The protobuf wire format, write-only, by hand: what pprof and OTLP
 * need. Every put appends to a strbuf and returns 0 or -ENOMEM. A nested
 * message is written in place: pb__begin writes its tag and keeps room for
 * the length, pb__end fills it in (moving the body when its length takes
 * more than the one byte kept), so no scratch buffer per level is needed. */
#ifndef SONDE_LIB_PB_H
#define SONDE_LIB_PB_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "lib/strbuf.h"

enum pb_wire { PB_VARINT = 0, PB_FIXED64 = 1, PB_LEN = 2, PB_FIXED32 = 5 };

int pb__varint(struct strbuf *sb, uint64_t v);
int pb__tag(struct strbuf *sb, unsigned field, enum pb_wire wt);
/* A varint field (uint32/64, int64 as two's complement, enum, bool). */
int pb__uint(struct strbuf *sb, unsigned field, uint64_t v);
int pb__bytes(struct strbuf *sb, unsigned field, const void *d, size_t n);
static inline int pb__str(struct strbuf *sb, unsigned field, const char *s)
{
	return pb__bytes(sb, field, s, strlen(s));
}
/* fixed64 and sfixed64 share the wire form. */
int pb__fixed64(struct strbuf *sb, unsigned field, uint64_t v);
int pb__double(struct strbuf *sb, unsigned field, double v);
/* Raw little-endian bodies, for packed repeated fixed64 and double. */
int pb__raw_fixed64(struct strbuf *sb, uint64_t v);
int pb__raw_double(struct strbuf *sb, double v);
/* A nested message or packed field: the body in tmp, then tmp emptied. */
int pb__msg(struct strbuf *sb, unsigned field, struct strbuf *tmp);
/* In place: the mark pb__begin returns goes to pb__end once the body is
 * written. pb__end with sb->err set does nothing and returns it. */
size_t pb__begin(struct strbuf *sb, unsigned field);
int pb__end(struct strbuf *sb, size_t mark);
#endif

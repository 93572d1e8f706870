// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include "lib/pb.h"

static int fail(struct strbuf *sb)
{
	sb->err = -ENOMEM;
	return -ENOMEM;
}

static size_t varint_enc(char b[10], uint64_t v)
{
	size_t n = 0;

	do {
		b[n++] = (char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	return n;
}

int pb__varint(struct strbuf *sb, uint64_t v)
{
	char b[10];

	return sb__append(sb, b, varint_enc(b, v)) ? fail(sb) : 0;
}

int pb__tag(struct strbuf *sb, unsigned field, enum pb_wire wt)
{
	return pb__varint(sb, (uint64_t)field << 3 | wt);
}

int pb__uint(struct strbuf *sb, unsigned field, uint64_t v)
{
	return pb__tag(sb, field, PB_VARINT) ?: pb__varint(sb, v);
}

int pb__bytes(struct strbuf *sb, unsigned field, const void *d, size_t n)
{
	int err = pb__tag(sb, field, PB_LEN) ?: pb__varint(sb, n);

	return err ?: (n && sb__append(sb, d, n)) ? fail(sb) : 0;
}

int pb__raw_fixed64(struct strbuf *sb, uint64_t v)
{
	char b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (char)(v >> (8 * i));
	return sb__append(sb, b, 8) ? fail(sb) : 0;
}

int pb__raw_double(struct strbuf *sb, double v)
{
	uint64_t u;

	memcpy(&u, &v, sizeof(u));
	return pb__raw_fixed64(sb, u);
}

int pb__fixed64(struct strbuf *sb, unsigned field, uint64_t v)
{
	return pb__tag(sb, field, PB_FIXED64) ?: pb__raw_fixed64(sb, v);
}

int pb__double(struct strbuf *sb, unsigned field, double v)
{
	return pb__tag(sb, field, PB_FIXED64) ?: pb__raw_double(sb, v);
}

int pb__msg(struct strbuf *sb, unsigned field, struct strbuf *tmp)
{
	int err = tmp->err ? fail(sb) : pb__bytes(sb, field, tmp->buf, tmp->len);

	tmp->len = 0;
	return err;
}

size_t pb__begin(struct strbuf *sb, unsigned field)
{
	/* One byte kept for the length: most bodies are under 128 bytes. */
	if (pb__tag(sb, field, PB_LEN) || sb__putc(sb, 0))
		fail(sb);
	return sb->len;
}

int pb__end(struct strbuf *sb, size_t mark)
{
	size_t body = sb->len - mark, n;
	char b[10];

	if (sb->err)
		return sb->err;
	n = varint_enc(b, body);
	if (n > 1) {
		if (sb__reserve(sb, n - 1))
			return fail(sb);
		memmove(sb->buf + mark + n - 1, sb->buf + mark, body);
		sb->len += n - 1;
		sb->buf[sb->len] = '\0';
	}
	memcpy(sb->buf + mark - 1, b, n);
	return 0;
}

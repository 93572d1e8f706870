/* SPDX-License-Identifier: Apache-2.0 */
/* Growable byte buffer for text output (exposition, JSON). */
#ifndef SONDE_STRBUF_H
#define SONDE_STRBUF_H
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len, cap;
	int err;	/* sticky: -ENOMEM once an append failed */
};

int sb__reserve(struct strbuf *sb, size_t extra);
int sb__append(struct strbuf *sb, const char *s, size_t n);
int sb__puts(struct strbuf *sb, const char *s);
/* Inline: the JSON writer calls it for every separator. */
static inline int sb__putc(struct strbuf *sb, char c)
{
	int err = sb->len + 2 <= sb->cap ? 0 : sb__reserve(sb, 1);

	if (err)
		return err;
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
	return 0;
}
/* Decimal, without printf's format parsing (event writers do many). */
int sb__u64(struct strbuf *sb, unsigned long long v);
int sb__i64(struct strbuf *sb, long long v);
int sb__printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text for a terminal from bytes a traced program chose: control
 * characters (C0, DEL and C1) as \n, \t, \xNN or \u009b, backslash
 * doubled, invalid UTF-8 bytes as \xNN; the rest (UTF-8 text) as is. A
 * path or argv can then neither forge a line nor send escape sequences. */
int sb__put_text(struct strbuf *sb, const char *s, size_t n);
/* Hands the buffer to the caller (NUL-terminated) and resets sb. */
char *sb__detach(struct strbuf *sb, size_t *len);
void sb__reset(struct strbuf *sb);
void sb__free(struct strbuf *sb);
#endif

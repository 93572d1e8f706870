// SPDX-License-Identifier: Apache-2.0
/* Error layout for the language front end (see diag.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "lang/diag.h"

#define LINE_SHOWN 160 /* a longer source line is cut: messages stay readable */

struct out {
	char *b;
	size_t sz, n;
};

static void put(struct out *o, char ch)
{
	if (o->n + 1 < o->sz)
		o->b[o->n++] = ch;
}

int lang_diag__error(struct lang_diag *d, struct lang_loc loc, size_t n, const char *fmt, ...)
{
	struct out o = { d->err, d->errsz, 0 };
	size_t bol, eol, shown;
	va_list ap;
	int k;

	if (d->set || !d->err || !d->errsz)
		goto out;
	if (loc.off > d->len)
		loc.off = d->len;
	k = snprintf(o.b, o.sz, "%s:%u:%u: error: ", d->file, loc.line, loc.col);
	o.n = k < 0 ? 0 : (size_t)k >= o.sz ? o.sz - 1 : (size_t)k;
	if (o.n + 1 < o.sz) {
		va_start(ap, fmt);
		k = vsnprintf(o.b + o.n, o.sz - o.n, fmt, ap);
		va_end(ap);
		o.n += k < 0 ? 0 : (size_t)k >= o.sz - o.n ? o.sz - o.n - 1 : (size_t)k;
	}
	put(&o, '\n');

	/* The line holding loc, printable bytes only (one for one, so that
	 * the caret stays under its column), and the caret line. */
	bol = loc.off - (loc.col - 1 <= loc.off ? loc.col - 1 : loc.off);
	for (eol = loc.off; eol < d->len && d->text[eol] != '\n'; eol++)
		;
	shown = eol - bol < LINE_SHOWN ? eol - bol : LINE_SHOWN;
	for (size_t i = 0; i < shown; i++) {
		unsigned char ch = d->text[bol + i];

		put(&o, ch == '\t' || (ch >= 0x20 && ch < 0x7f) ? ch : '?');
	}
	put(&o, '\n');
	for (size_t i = bol; i < loc.off && i - bol < LINE_SHOWN; i++)
		put(&o, d->text[i] == '\t' ? '\t' : ' ');
	put(&o, '^');
	for (size_t i = 1; i < n && loc.off + i < eol && loc.off + i - bol < LINE_SHOWN; i++)
		put(&o, '~');
	o.b[o.n] = '\0';
	d->set = true;
out:
	return -EINVAL;
}

const char *lang_diag__show(struct lang_diag *d, const struct lang_tok *t)
{
	char *b = d->show[d->nshow++ % 2];
	size_t n = 0, len = t->len;

	if (t->kind == LT_EOF)
		return "end of input";
	b[n++] = '\'';
	for (size_t i = 0; i < len && n < sizeof(d->show[0]) - 8; i++) {
		unsigned char ch = d->text[t->loc.off + i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			b[n++] = ch;
		else
			n += snprintf(b + n, 5, "\\x%02x", ch);
		if (i + 1 < len && n >= sizeof(d->show[0]) - 8) {
			strcpy(b + n, "...");
			n += 3;
			break;
		}
	}
	b[n++] = '\'';
	b[n] = '\0';
	return b;
}

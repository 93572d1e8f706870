/* SPDX-License-Identifier: Apache-2.0 */
/* Error messages of the language front end, laid out as clang and bpftrace
 * do: "FILE:LINE:COL: error: MESSAGE", the source line, and a caret line
 * ("    ^~~~") under the offending span. Only the first error is kept: the
 * parser stops there. Private to src/lang. */
#ifndef SONDE_LANG_DIAG_H
#define SONDE_LANG_DIAG_H
#include <stdbool.h>
#include <stddef.h>
#include "lang/lex.h"

struct lang_diag {
	const char *file;
	const char *text;
	size_t len;
	char *err; /* may be NULL */
	size_t errsz;
	bool set;
	char show[2][64]; /* lang_diag__show()'s buffers: two spans per message */
	unsigned nshow;
};

/* The message at [loc, loc + n) into the diag (unless one is there);
 * returns -EINVAL. */
int lang_diag__error(struct lang_diag *d, struct lang_loc loc, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A token for a message: "'foo'", "end of input"; escaped and cut. */
const char *lang_diag__show(struct lang_diag *d, const struct lang_tok *t);
#endif

// SPDX-License-Identifier: Apache-2.0
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include "lib/fspath.h"

void fspath__unreverse(const char *rev, char *out, size_t sz)
{
	size_t len = strlen(rev), n = 0;
	const char *end = rev + len;

	out[0] = '\0';
	if (!len) {
		snprintf(out, sz, "/");
		return;
	}
	while (end > rev && n < sz) {
		const char *s = end;

		while (s > rev && s[-1] != '/')
			s--;
		n += snprintf(out + n, sz - n, "/%.*s", (int)(end - s), s);
		end = s > rev ? s - 1 : rev;
	}
}

void fspath__normalize(char *path)
{
	char *out = path, *in = path;

	while (*in) {
		char *end;
		size_t len;

		while (*in == '/')
			in++;
		end = strchrnul(in, '/');
		len = end - in;
		if (len == 1 && in[0] == '.') {
			/* nothing */
		} else if (len == 2 && in[0] == '.' && in[1] == '.') {
			while (out > path && *--out != '/')
				;
		} else if (len) {
			*out++ = '/';
			memmove(out, in, len);
			out += len;
		}
		in = end;
	}
	if (out == path)
		*out++ = '/';
	*out = '\0';
}

static const struct { unsigned long bit; const char *name; } open_flags[] = {
	{ O_CREAT, "O_CREAT" }, { O_EXCL, "O_EXCL" }, { O_NOCTTY, "O_NOCTTY" },
	{ O_TRUNC, "O_TRUNC" }, { O_APPEND, "O_APPEND" }, { O_NONBLOCK, "O_NONBLOCK" },
	{ O_DSYNC, "O_DSYNC" }, { O_ASYNC, "O_ASYNC" }, { O_DIRECT, "O_DIRECT" },
	{ 0100000, "O_LARGEFILE" }, { O_DIRECTORY, "O_DIRECTORY" }, { O_NOFOLLOW, "O_NOFOLLOW" },
	{ O_NOATIME, "O_NOATIME" }, { O_CLOEXEC, "O_CLOEXEC" }, { O_PATH, "O_PATH" },
};

void fspath__open_flags(unsigned long f, char *buf, size_t sz)
{
	static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
	size_t n = snprintf(buf, sz, "%s", acc[f & O_ACCMODE]);

	f &= ~(unsigned long)O_ACCMODE;
	/* Multi-bit flags first: each includes a single-bit one. */
	if ((f & O_TMPFILE) == O_TMPFILE) {
		n += snprintf(buf + n, n < sz ? sz - n : 0, "|O_TMPFILE");
		f &= ~(unsigned long)O_TMPFILE;
	}
	if ((f & O_SYNC) == O_SYNC) {
		n += snprintf(buf + n, n < sz ? sz - n : 0, "|O_SYNC");
		f &= ~(unsigned long)O_SYNC;
	}
	for (size_t i = 0; i < sizeof(open_flags) / sizeof(open_flags[0]); i++) {
		if (f & open_flags[i].bit) {
			n += snprintf(buf + n, n < sz ? sz - n : 0, "|%s", open_flags[i].name);
			f &= ~open_flags[i].bit;
		}
	}
	if (f)
		snprintf(buf + n, n < sz ? sz - n : 0, "|0x%lx", f);
}

void fspath__rename_flags(unsigned long f, char *buf, size_t sz)
{
	static const char *const names[] = { "RENAME_NOREPLACE", "RENAME_EXCHANGE", "RENAME_WHITEOUT" };
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < 3; i++) {
		if (f & (1UL << i)) {
			n += snprintf(buf + n, n < sz ? sz - n : 0, "%s%s", n ? "|" : "", names[i]);
			f &= ~(1UL << i);
		}
	}
	if (f)
		snprintf(buf + n, n < sz ? sz - n : 0, "%s0x%lx", n ? "|" : "", f);
}

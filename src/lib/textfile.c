// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "lib/textfile.h"

int textfile__read(const char *path, size_t max, const char *what, char **buf, size_t *len,
		   char *err, size_t errsz)
{
	FILE *f = fopen(path, "r");
	struct stat st;
	size_t n = 0;
	int ret = 0;

	*buf = NULL;
	*len = 0;
	if (!f) {
		ret = -errno;
		snprintf(err, errsz, "%s: cannot open: %s", path, strerror(errno));
		return ret;
	}
	/* fopen succeeds on a directory, whose reads then fail (EISDIR, which
	 * a loop reading to EOF would take for an empty file). */
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		ret = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		snprintf(err, errsz, "%s: %s, not a %s", path,
			 S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file", what);
	} else if ((size_t)st.st_size > max) {
		ret = -EFBIG;
		snprintf(err, errsz, "%s: larger than %zu MiB, not a %s", path, max >> 20, what);
	} else if (!(*buf = malloc(st.st_size + 1))) {
		ret = -ENOMEM;
		snprintf(err, errsz, "%s: out of memory", path);
	} else {
		/* A file growing under us is read as far as its size was. */
		n = fread(*buf, 1, st.st_size, f);
		if (ferror(f)) {
			ret = -EIO;
			snprintf(err, errsz, "%s: read error", path);
		}
	}
	fclose(f);
	if (ret) {
		free(*buf);
		*buf = NULL;
		return ret;
	}
	(*buf)[n] = '\0';
	*len = n;
	return 0;
}

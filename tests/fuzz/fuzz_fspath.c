// SPDX-License-Identifier: Apache-2.0
/* libFuzzer harness: the path and flag text of file events, from bytes a
 * traced program controls.
 * FUZZ_SRCS: src/lib/fspath.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lib/fspath.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *path = malloc(size + 2), out[64], flags[96];
	unsigned long f = 0;
	size_t n;

	if (!path)
		return 0;
	/* As the kernel hands them over: NUL-terminated, absolute. */
	path[0] = '/';
	memcpy(path + 1, data, size);
	path[size + 1] = '\0';
	n = strlen(path);
	fspath__normalize(path);
	/* Normalizing never grows a path, keeps it absolute, and leaves no
	 * "." or ".." component and no "//". */
	if (strlen(path) > n || path[0] != '/' || strstr(path, "//") || strstr(path, "/./") ||
	    strstr(path, "/../"))
		abort();
	fspath__unreverse(path + 1, out, sizeof(out));
	if (strnlen(out, sizeof(out)) == sizeof(out) || out[0] != '/')
		abort();
	memcpy(&f, data, size < sizeof(f) ? size : sizeof(f));
	fspath__open_flags(f, flags, sizeof(flags));
	fspath__rename_flags(f, flags, sizeof(flags));
	if (strnlen(flags, sizeof(flags)) == sizeof(flags))
		abort();
	free(path);
	return 0;
}

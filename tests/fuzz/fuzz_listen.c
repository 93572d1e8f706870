// SPDX-License-Identifier: Apache-2.0
/* libFuzzer harness: hostport__parse on arbitrary text.
 * FUZZ_SRCS: src/lib/hostport.c
 * FUZZ_LIBS:
 *
 * Properties, for the buffer sizes the server uses and for larger ones:
 * never crashes or writes out of bounds; on success host and port are
 * NUL-terminated, fit their buffers, the host is non-empty and the port is
 * decimal digits with a value of at most 65535; on failure -EINVAL. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/hostport.h"

static void check(const char *s, size_t hsz, size_t psz)
{
	char *host = malloc(hsz), *port = malloc(psz);	/* exact sizes: ASan sees overflows */
	int ret = hostport__parse(s, host, hsz, port, psz);

	if (ret == 0) {
		unsigned long long v = 0;
		size_t pl = strnlen(port, psz), hl = strnlen(host, hsz);

		if (hl == hsz || pl == psz || hl == 0 || pl == 0) {
			fprintf(stderr, "bad lengths host %zu/%zu port %zu/%zu\n", hl, hsz, pl, psz);
			abort();
		}
		for (size_t i = 0; i < pl; i++) {
			if (port[i] < '0' || port[i] > '9') {
				fprintf(stderr, "port '%s' is not decimal\n", port);
				abort();
			}
			v = v * 10 + (port[i] - '0');
			if (v > 65535) {
				fprintf(stderr, "'%s' accepted with port '%s' > 65535\n", s, port);
				abort();
			}
		}
		/* What was parsed is what was given: HOST:PORT or [HOST]:PORT. */
		if (strlen(s) != hl + pl + 1 + (s[0] == '[' ? 2 : 0)) {
			fprintf(stderr, "'%s' parsed as '%s' '%s'\n", s, host, port);
			abort();
		}
	} else if (ret != -EINVAL) {
		abort();
	}
	free(host);
	free(port);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	memcpy(s, data, size);
	s[size] = '\0';
	check(s, 128, 8);	/* http__start's buffers */
	check(s, 4, 3);
	check(s, 256, 64);
	free(s);
	return 0;
}

// SPDX-License-Identifier: Apache-2.0
/* libFuzzer harness: otlp.headers, from a config file or command line.
 * FUZZ_SRCS: src/lib/httphdr.c src/lib/strbuf.c src/lib/utf8.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "lib/httphdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *list = malloc(size + 1), err[160];
	struct strbuf sb = {};

	if (!list)
		return 0;
	memcpy(list, data, size);
	list[size] = '\0';
	if (!httphdr__parse_list(list, &sb, err, sizeof(err))) {
		/* Whole "Name: value\r\n" lines, nothing that could start
		 * another header or end the head. */
		for (size_t i = 0; i < sb.len; i++) {
			unsigned char ch = sb.buf[i];

			if (ch == '\r')
				CHECK(i + 1 < sb.len && sb.buf[i + 1] == '\n');
			else if (ch == '\n')
				CHECK(i && sb.buf[i - 1] == '\r' && (i + 1 == sb.len || sb.buf[i + 1] != '\r'));
			else
				CHECK(ch >= 0x20 && ch != 0x7f);
		}
		CHECK(!sb.len || (sb.len >= 2 && !memcmp(sb.buf + sb.len - 2, "\r\n", 2)));
	} else {
		CHECK(err[0]);
	}
	sb__free(&sb);
	free(list);
	return 0;
}

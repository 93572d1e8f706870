// SPDX-License-Identifier: Apache-2.0
/* libFuzzer harness: redaction of command lines, from argv bytes a traced
 * program controls.
 * FUZZ_SRCS: src/lib/redact.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "lib/redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out = malloc(2 * size + 16), again[64];
	size_t n, sz = size & 1 ? size / 2 : 2 * size + 16;
	bool cut;

	if (!out)
		return 0;
	n = redact__args((const char *)data, size, out, sz, &cut);
	CHECK(n <= sz);
	/* Nothing past the bound; redacting the result changes nothing but
	 * what a cut made (an option's value may be cut into a new shape). */
	if (!cut && n <= sizeof(again)) {
		size_t m = redact__args(out, n, again, sizeof(again), &cut);

		CHECK(cut || (m == n && !memcmp(again, out, n)));
	}
	free(out);
	return 0;
}

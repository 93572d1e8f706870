// SPDX-License-Identifier: Apache-2.0
/* libFuzzer harness: arbitrary bytes as an ELF file for
 * elfsym__func_offset (uprobes placed by function name).
 * FUZZ_SRCS: src/lib/elfsym.c src/lib/filemap.c
 * FUZZ_LIBS: -lelf
 *
 * Input: [u8 n][n bytes: function name][ELF image...], or an image as is
 * (starts with "\177ELF"), looked up as "main". Seeds: tests/fuzz/corpus/
 * elfsym/, small real executables and shared objects.
 *
 * Properties: never crashes (ASan/UBSan are fatal); returns 0, -ENOENT or
 * -EINVAL; on -EINVAL the reason is a NUL-terminated, non-empty string; on
 * success the offset is inside the image; the same input gives the same
 * answer twice. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "lib/elfsym.h"


static int lookup(const uint8_t *img, size_t size, const char *name, uint64_t *off, char *why,
		  size_t why_sz)
{
	/* libelf may write to the image: a private copy, as the file is. */
	void *copy = malloc(size ? size : 1);
	int err;

	memcpy(copy, img, size);
	err = elfsym__func_offset(copy, size, name, off, why, why_sz);
	free(copy);
	return err;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[256] = "main", why[160], why2[160];
	uint64_t off = 0, off2 = 0;
	const uint8_t *img = data;
	size_t n;
	int a, b;

	if (size >= 4 && memcmp(data, "\177ELF", 4)) {
		n = data[0];
		if (1 + n > size)
			return 0;
		memcpy(name, data + 1, n);
		name[n] = '\0';
		img = data + 1 + n;
		size -= 1 + n;
	}
	why[0] = why2[0] = '\0';
	a = lookup(img, size, name, &off, why, sizeof(why));
	b = lookup(img, size, name, &off2, why2, sizeof(why2));
	CHECK(a == 0 || a == -ENOENT || a == -EINVAL);
	CHECK(a == b && (a || off == off2));
	if (a == -EINVAL)
		CHECK(why[0] && memchr(why, '\0', sizeof(why)));
	if (!a)
		CHECK(off < size);
	return 0;
}

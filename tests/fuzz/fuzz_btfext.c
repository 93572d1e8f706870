// SPDX-License-Identifier: Apache-2.0
/* libFuzzer harness: arbitrary bytes as an ELF BPF object for
 * btfext__line_of.
 * FUZZ_SRCS: src/verifier/btfext.c
 * FUZZ_LIBS: -lelf
 *
 * Input: either an object as is (starts with "\177ELF"), looked up as
 * function "good" at instruction 0, "map_value_oob" at 8 and "inner" at the
 * instruction given by the object's size; or
 *   [u8 insn][u8 n][n bytes: function name][object...]
 * so the fuzzer also picks the name and the instruction (insn bytes 0xf0
 * and up stand for 2^32 - 1 - (byte & 15)). Seeds:
 * tests/fuzz/corpus/btfext/, real objects from build/verifier/ and
 * build/bpf/, raw and in the prefixed form.
 *
 * Properties: never crashes (ASan/UBSan are fatal), reads only the size
 * bytes it is given, never writes to them (libFuzzer checks) nor past
 * file_sz; returns 0 or a negative errno; on success the file name is
 * NUL-terminated inside file_sz and the line is >= 0; a smaller file
 * buffer gives the same result with the name cut; a second call gives the
 * same answer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "verifier/btfext.h"

#define FILESZ 64
#define GUARD 32


static int lookup(const uint8_t *obj, size_t size, const char *func, unsigned insn, char *file,
		  size_t file_sz, int *line)
{
	char buf[FILESZ + GUARD];
	int rc;

	memset(buf, 'Z', sizeof(buf));
	*line = -7;
	rc = btfext__line_of(obj, size, func, insn, buf, file_sz, line);
	for (size_t i = file_sz; i < sizeof(buf); i++)
		CHECK(buf[i] == 'Z');
	CHECK(rc <= 0);
	CHECK(rc > -4096);
	if (rc == 0) {
		CHECK(file_sz == 0 || memchr(buf, '\0', file_sz) != NULL);
		CHECK(*line >= 0);
	}
	memcpy(file, buf, file_sz);
	return rc;
}

static void check(const uint8_t *obj, size_t size, const char *func, unsigned insn)
{
	char file[FILESZ], file2[FILESZ], small[8];
	int line, line2, line3, rc;

	rc = lookup(obj, size, func, insn, file, sizeof(file), &line);
	/* Deterministic. */
	CHECK(lookup(obj, size, func, insn, file2, sizeof(file2), &line2) == rc);
	if (rc == 0) {
		CHECK(line2 == line);
		CHECK(!strcmp(file, file2));
	}
	/* A smaller buffer: same answer, the name cut to fit. */
	CHECK(lookup(obj, size, func, insn, small, sizeof(small), &line3) == rc);
	if (rc == 0) {
		CHECK(line3 == line);
		CHECK(!strncmp(small, file, sizeof(small) - 1));
		CHECK(strlen(small) == (strlen(file) < sizeof(small) - 1 ? strlen(file) : sizeof(small) - 1));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char func[256];

	if (size >= 4 && !memcmp(data, "\177ELF", 4)) {
		check(data, size, "good", 0);
		check(data, size, "map_value_oob", 8);
		check(data, size, "inner", (unsigned)(size % 32));
		return 0;
	}
	if (size < 2 || (size_t)data[1] + 2 > size)
		return 0;
	memcpy(func, data + 2, data[1]);
	func[data[1]] = '\0';
	check(data + 2 + data[1], size - 2 - data[1], func,
	      data[0] < 0xf0 ? data[0] : 0xffffffffu - (data[0] & 15u));
	return 0;
}

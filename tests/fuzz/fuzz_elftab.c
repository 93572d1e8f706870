// SPDX-License-Identifier: Apache-2.0
/* libFuzzer harness: arbitrary bytes as an ELF file for the profiler's
 * symbol tables (any binary a profiled process maps).
 * FUZZ_SRCS: src/symbolize/elftab.c src/lib/elfsym.c src/lib/filemap.c
 * FUZZ_LIBS: -lelf
 *
 * Seeds: tests/fuzz/corpus/elftab/ (small real executables, a shared
 * object, a stripped file).
 *
 * Properties: never crashes (ASan/UBSan are fatal); returns 0 or -EINVAL
 * (with a reason); on success every function's name is a string inside
 * the table, the functions are sorted, each lookup of a function's own
 * address finds a function at or below it, and every segment lies inside
 * the image. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "symbolize/elftab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	void *copy = malloc(size ? size : 1);	/* libelf may write: a private copy */
	struct elftab t;
	char why[160] = "";
	int err;

	memcpy(copy, data, size);
	err = elftab__parse(&t, copy, size, why, sizeof(why));
	CHECK(err == 0 || err == -EINVAL || err == -ENOMEM);
	if (err) {
		CHECK(why[0] && memchr(why, '\0', sizeof(why)));
		free(copy);
		return 0;
	}
	for (unsigned i = 0; i < t.nsegs; i++)
		CHECK(t.segs[i].off <= size && t.segs[i].filesz <= size - t.segs[i].off);
	for (size_t i = 0; i < t.nfns; i++) {
		const struct elf_fn *f;
		uint64_t off, va;

		CHECK(t.fns[i].name < t.names_len && memchr(t.names + t.fns[i].name, '\0', t.names_len - t.fns[i].name));
		CHECK(!i || t.fns[i - 1].addr < t.fns[i].addr);
		f = elftab__find(&t, t.fns[i].addr, &off);
		CHECK(f && f->addr <= t.fns[i].addr);
		(void)elftab__vaddr(&t, t.fns[i].addr, &va);
	}
	CHECK(elftab__bytes(&t) >= sizeof(t));
	elftab__free(&t);
	free(copy);
	return 0;
}

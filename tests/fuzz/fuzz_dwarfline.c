// SPDX-License-Identifier: Apache-2.0
/* libFuzzer harness: arbitrary bytes as an ELF file with DWARF for the
 * profiler's source lines and inlined frames (elfutils' libdw, through
 * src/symbolize/dwarfline.c).
 * FUZZ_SRCS: src/symbolize/dwarfline.c
 * FUZZ_LIBS: -ldw -lelf
 *
 * Seeds: tests/fuzz/corpus/dwarfline/ (small objects built with -g).
 *
 * Properties: never crashes (ASan/UBSan are fatal); a lookup returns at
 * most the frames asked for, each with a NUL-terminated name and file or
 * none. */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "fuzz.h"
#include "symbolize/dwarfline.h"

/* libdw 0.188 loses a few bytes on some corrupted DWARF (allocated and
 * dropped inside libdw, none of ours): not this harness's finding. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libdw.so\n";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-dwarf", MFD_CLOEXEC);
	struct dwarfline *d;

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	d = dwarfline__open(fd);
	close(fd);
	if (d) {
		static const uint64_t addrs[] = { 0, 0x1000, 0x1139, 0x401000, UINT64_MAX };
		struct dwarf_frame f[DWARF_MAX_INLINE];

		for (unsigned i = 0; i < sizeof(addrs) / sizeof(*addrs); i++) {
			unsigned n = dwarfline__lookup(d, addrs[i], f, DWARF_MAX_INLINE);

			CHECK(n <= DWARF_MAX_INLINE);
			for (unsigned k = 0; k < n; k++) {
				if (f[k].func)
					CHECK(strlen(f[k].func) < (1u << 20));
				if (f[k].file)
					CHECK(strlen(f[k].file) < (1u << 20));
			}
		}
		(void)dwarfline__bytes(d);
		dwarfline__free(d);
	}
	return 0;
}

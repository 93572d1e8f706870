// SPDX-License-Identifier: Apache-2.0
/* libFuzzer harness: the capture filter's parser and code generator on
 * arbitrary text.
 * FUZZ_SRCS: src/lib/pfilter.c src/lib/pfilter_gen.c src/lib/insnbuf.c src/lib/netaddr.c
 * FUZZ_LIBS:
 *
 * Properties: never crashes or reads past the text; a refusal says why
 * and names a column within the text (+1 for "the end"); an accepted
 * filter compiles, every jump lands inside the program, and the program
 * ends in an exit. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "fuzz.h"
#include "lib/pfilter.h"

static struct bpf_insn insns[PF_MAX_INSNS];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pf_tree t;
	char *s = malloc(size + 1), why[256] = "";
	int col, n;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (pf__parse(s, &t, &col, why, sizeof(why))) {
		CHECK(col >= 1 && (size_t)col <= strlen(s) + 1 && why[0]);
		free(s);
		return 0;
	}
	n = pf__compile(&t, 1500, insns, PF_MAX_INSNS);
	CHECK(n > 0 || n == -E2BIG);
	for (int i = 0; i < n; i++) {
		__u8 cls = insns[i].code & 0x07;

		if ((cls == BPF_JMP || cls == BPF_JMP32) && (insns[i].code & 0xf0) != BPF_CALL &&
		    (insns[i].code & 0xf0) != BPF_EXIT)
			CHECK(i + 1 + insns[i].off >= 0 && i + 1 + insns[i].off < n);
	}
	if (n > 0)
		CHECK(insns[n - 1].code == (BPF_JMP | BPF_EXIT));
	free(s);
	return 0;
}

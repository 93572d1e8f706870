// SPDX-License-Identifier: Apache-2.0
/* libFuzzer harness: arbitrary bytes as a BPF verifier log.
 * FUZZ_SRCS: src/verifier/report.c
 * FUZZ_LIBS:
 *
 * Seeds: tests/fuzz/corpus/verifier_report/, real kernel logs (levels 1, 1|4, 4 and
 * 1|2|4) of the objects in build/verifier/.
 *
 * Properties: never crashes (ASan/UBSan are fatal) and reads only the len
 * bytes it is given (the input is not NUL-terminated); verifier_report__parse returns
 * -EINVAL exactly for an empty log and 0 otherwise; every string of the
 * report is NUL-terminated inside its array and holds no control byte;
 * 0 <= ncontext <= VERIFIER_CONTEXT_LINES and the slots past it are empty;
 * insn is -1 or an index (>= 0), and a poisoned instruction implies one;
 * a line implies a file and the reverse; the statistics are >= 0; the hint
 * is NULL or an entry of verifier_hints, is what verifier_hint__match says about the
 * message, and is NULL for an empty message; the same bytes followed by
 * other bytes (outside len) give the same report; verifier_hint__match returns
 * NULL or an entry of verifier_hints. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "verifier/report.h"


static int in_table(const struct verifier_hint *h)
{
	for (int i = 0; verifier_hints[i]; i++)
		if (verifier_hints[i] == h)
			return 1;
	return 0;
}

static void check_str(const char *s, size_t sz)
{
	const char *end = memchr(s, '\0', sz);

	CHECK(end != NULL);
	for (const char *p = s; p < end; p++)
		CHECK((unsigned char)*p >= 0x20);
}

static void check_report(const struct verifier_report *r)
{
	check_str(r->message, sizeof(r->message));
	check_str(r->file, sizeof(r->file));
	check_str(r->source, sizeof(r->source));
	check_str(r->stack_depth, sizeof(r->stack_depth));
	CHECK(r->ncontext >= 0 && r->ncontext <= VERIFIER_CONTEXT_LINES);
	for (int i = 0; i < VERIFIER_CONTEXT_LINES; i++) {
		check_str(r->context[i], sizeof(r->context[i]));
		if (i >= r->ncontext)
			CHECK(r->context[i][0] == '\0');
		else
			CHECK(r->context[i][0] != '\0');
	}
	CHECK(r->insn >= -1);
	CHECK(!r->core_poisoned || r->insn >= 0);
	CHECK(r->ncontext > 0 || r->insn == -1);
	CHECK(r->line >= 0);
	CHECK((r->line > 0) == (r->file[0] != '\0'));
	CHECK(r->processed_insns >= 0 && r->total_states >= 0 && r->peak_states >= 0 &&
	      r->max_states_per_insn >= 0);
	if (!r->message[0]) {
		CHECK(r->hint == NULL);
	} else {
		CHECK(r->hint == verifier_hint__match(r->message, strlen(r->message)));
	}
	CHECK(r->hint == NULL || in_table(r->hint));
}

/* Field by field: the bytes after a string's NUL are not part of it. */
static int same_report(const struct verifier_report *a, const struct verifier_report *b)
{
	if (strcmp(a->message, b->message) || strcmp(a->file, b->file) || strcmp(a->source, b->source) ||
	    strcmp(a->stack_depth, b->stack_depth) || a->line != b->line || a->ncontext != b->ncontext ||
	    a->insn != b->insn || a->core_poisoned != b->core_poisoned || a->hint != b->hint ||
	    a->processed_insns != b->processed_insns || a->total_states != b->total_states ||
	    a->peak_states != b->peak_states || a->max_states_per_insn != b->max_states_per_insn)
		return 0;
	for (int i = 0; i < a->ncontext && i < VERIFIER_CONTEXT_LINES; i++)
		if (strcmp(a->context[i], b->context[i]))
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct verifier_report r, r2;
	const struct verifier_hint *h;
	char *padded;
	int ret;

	/* data is exactly size bytes: ASan flags any read past it. */
	ret = verifier_report__parse((const char *)data, size, &r);
	CHECK(ret == (size ? 0 : -EINVAL));
	check_report(&r);

	h = verifier_hint__match((const char *)data, size);
	CHECK(h == NULL || in_table(h));

	/* Bytes after len must not change anything: the input again, followed
	 * by a line that would be an instruction, a source annotation and an
	 * error if it were read. (verifier_hint__match reads len bytes of an exact-size
	 * buffer above: ASan covers it.) */
	{
		static const char tail[] = "\n7: (b7) r0 = 0\n; x @ f.c:9\n8: (95) exit\nR0 !read_ok\nstack depth 1\n";

		padded = malloc(size + sizeof(tail));
		if (!padded)
			return 0;
		if (size)
			memcpy(padded, data, size);
		memcpy(padded + size, tail, sizeof(tail));
		memset(&r2, 0xa5, sizeof(r2));
		CHECK(verifier_report__parse(padded, size, &r2) == ret);
		CHECK(same_report(&r, &r2));
		free(padded);
	}
	return 0;
}

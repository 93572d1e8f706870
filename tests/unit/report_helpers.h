/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by test_verifier_report.c and test_verifier_report_edge.c. */
#ifndef SONDE_TEST_VLOG_HELPERS_H
#define SONDE_TEST_VLOG_HELPERS_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "verifier/report.h"

static inline int parse(const char *log, struct verifier_report *r)
{
	return verifier_report__parse(log, strlen(log), r);
}

static inline const char *hint_id(const struct verifier_hint *h)
{
	return h ? h->id : "(none)";
}

static inline int nul_inside(const char *s, size_t sz)
{
	return memchr(s, '\0', sz) != NULL;
}

/* Every string field NUL-terminated in its array, free of control bytes;
 * context slots past ncontext empty. */
static inline void check_well_formed(const struct verifier_report *r)
{
	const char *fields[] = { r->message, r->file, r->source, r->stack_depth };
	const size_t sizes[] = { sizeof(r->message), sizeof(r->file), sizeof(r->source),
				 sizeof(r->stack_depth) };

	for (size_t f = 0; f < 4; f++) {
		assert_true(nul_inside(fields[f], sizes[f]));
		for (const char *p = fields[f]; *p; p++)
			assert_true((unsigned char)*p >= 0x20);
	}
	assert_in_range(r->ncontext, 0, VERIFIER_CONTEXT_LINES);
	for (int i = 0; i < VERIFIER_CONTEXT_LINES; i++) {
		assert_true(nul_inside(r->context[i], sizeof(r->context[i])));
		if (i >= r->ncontext)
			assert_string_equal(r->context[i], "");
		for (const char *p = r->context[i]; *p; p++)
			assert_true((unsigned char)*p >= 0x20);
	}
	assert_true(r->insn >= -1);
	if (r->hint) {
		int found = 0;

		for (int i = 0; verifier_hints[i]; i++)
			found |= verifier_hints[i] == r->hint;
		assert_true(found);
	}
}

#endif

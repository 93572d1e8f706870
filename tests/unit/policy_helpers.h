/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by test_policy.c (parsing) and test_policy_compile.c:
 * policy text parsed from a buffer without its NUL, refusals checked by
 * file, line and message, lookups in a compiled image. */
#ifndef SONDE_TEST_POLICY_HELPERS_H
#define SONDE_TEST_POLICY_HELPERS_H
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "lib/strbuf.h"
#include "policy/policy.h"

/* Rules to append a field to (it is line 5). */
#define R	 "rules:\n  - name: a\n    event: exec\n    action: audit\n"
#define NET	 "rules:\n  - name: a\n    event: connect\n    action: deny\n"
#define OPEN	 "rules:\n  - name: a\n    event: open\n    action: deny\n"
#define EV(e, a) "rules:\n  - name: a\n    event: " e "\n    action: " a "\n"

/* Where cgroup paths and container ids are looked up ("" if unused). */
static char cgroot[64];

/* Parses text from a buffer without a NUL (the parser must respect len). */
static inline int parse(struct policy *p, const char *text, size_t n, char *err, size_t errsz)
{
	char *buf = malloc(n ? n : 1);
	int ret;

	assert_non_null(buf);
	memcpy(buf, text, n);
	ret = policy__parse(p, "test.yaml", buf, n, cgroot, err, errsz);
	free(buf);
	return ret;
}

static inline void parse_ok(struct policy *p, const char *text)
{
	char err[512];

	if (parse(p, text, strlen(text), err, sizeof(err)))
		fail_msg("refused: %s\n%s", err, text);
}

/* Refused with "test.yaml:LINE: ...want...", and p left empty. */
static inline void fails_at(const char *text, unsigned line, const char *want)
{
	struct policy p;
	char err[512], prefix[32];
	int ret = parse(&p, text, strlen(text), err, sizeof(err));

	if (!ret) {
		policy__free(&p);
		fail_msg("accepted; want line %u, '%s':\n%s", line, want, text);
	}
	assert_int_equal(ret, -EINVAL);
	snprintf(prefix, sizeof(prefix), "test.yaml:%u: ", line);
	if (strncmp(err, prefix, strlen(prefix)) || !strstr(err, want))
		fail_msg("got \"%s\"\nwant \"%s...%s...\" for:\n%s", err, prefix, want, text);
	assert_int_equal(p.nrules, 0);
	assert_null(p.rules);
}

static inline void compile_ok(const char *text, struct policy *p, struct enf_image *img)
{
	char err[512];

	parse_ok(p, text);
	if (policy__compile(p, 7, false, img, err, sizeof(err)))
		fail_msg("compile refused: %s\n%s", err, text);
}

/* The policy parses, and compiling it fails with -E2BIG at line, naming
 * the rule and the bound. */
static inline void too_big(const char *text, unsigned line, const char *rule, const char *bound)
{
	struct policy p;
	struct enf_image img;
	char err[512], want[128];
	int ret;

	parse_ok(&p, text);
	ret = policy__compile(&p, 1, false, &img, err, sizeof(err));
	policy__free(&p);
	if (!ret) {
		enf_image__free(&img);
		fail_msg("compiled; want -E2BIG at line %u (%s)", line, bound);
	}
	assert_int_equal(ret, -E2BIG);
	snprintf(want, sizeof(want), "test.yaml:%u: rule '%s': ", line, rule);
	if (strncmp(err, want, strlen(want)) || !strstr(err, bound))
		fail_msg("got \"%s\"\nwant \"%s...%s...\"", err, want, bound);
	assert_int_equal(img.nrules, 0);
	assert_null(img.rules);
	assert_null(img.keys);
}

static inline struct enf_key path_key(int dim, int ev, const char *path, bool prefix)
{
	struct enf_key k = { 0 };

	k.tag = ENF_TAG(dim, ev);
	memcpy(k.data, path, strlen(path));
	k.prefixlen = 8 * (1 + strlen(path) + !prefix);
	return k;
}

static inline const struct enf_cands *lookup(const struct enf_image *img, const struct enf_key *k)
{
	for (unsigned i = 0; i < img->nkeys; i++)
		if (!memcmp(&img->keys[i], k, sizeof(*k)))
			return &img->cands[i];
	return NULL;
}

static inline bool has(const struct enf_cands *c, unsigned id)
{
	for (unsigned i = 0; c && i < c->n; i++)
		if (c->id[i] == id)
			return true;
	return false;
}

static inline double ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1e3 + (t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* n rules "rI" (5 lines each from line 2): exec, binary /b/I, and extra. */
static inline char *many(int n, const char *extra_fmt)
{
	struct strbuf sb = { 0 };

	sb__printf(&sb, "rules:\n");
	for (int i = 0; i < n; i++) {
		sb__printf(
			&sb,
			"  - name: r%d\n    event: exec\n    action: audit\n    binary: /b/%d\n    ",
			i, i);
		sb__printf(&sb, extra_fmt, i);
		sb__putc(&sb, '\n');
	}
	return sb.buf;
}

#endif

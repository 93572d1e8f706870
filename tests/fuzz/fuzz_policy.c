// SPDX-License-Identifier: Apache-2.0
/* libFuzzer harness: arbitrary bytes as an enforcement policy file, compiled
 * when it parses.
 * FUZZ_SRCS: src/policy/parse.c src/policy/select.c src/policy/compile.c src/lib/netaddr.c src/lib/suggest.c src/lib/textfile.c
 * FUZZ_LIBS: -lyaml
 *
 * Properties: never crashes or leaks (ASan/UBSan are fatal); an error is
 * NUL-terminated inside its buffer, starts with the file's name, writes
 * nothing past errsz and leaves the policy (or image) empty; a parsed
 * policy holds only what the schema allows; a compiled image keeps the
 * kernel's bounds, each candidate a compiled rule of its key's event.
 * Cgroup paths and container ids resolve under a small tree made at start
 * (the dictionary names its entries). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fuzz.h"
#include "policy/policy.h"

#define ERRSZ	  256
#define GUARD	  32
#define FILE_NAME "fuzz.yaml"

static char root[64];
static const char *const dirs[] = {
	"",
	"/system.slice",
	"/system.slice/x.service",
	"/system.slice/docker-3f2a9c1b7d4e5f60718293a4b5c6d7e8.scope",
	"/system.slice/docker-3f2a9c1b7d4e0000000000000000000.scope",
};

static void cleanup(void)
{
	char p[256];

	for (int i = sizeof(dirs) / sizeof(dirs[0]) - 1; i >= 0; i--) {
		snprintf(p, sizeof(p), "%s%s", root, dirs[i]);
		rmdir(p);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char p[256];

	strcpy(root, "/tmp/sonde-fuzz-policy-XXXXXX");
	CHECK(mkdtemp(root));
	for (size_t i = 1; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", root, dirs[i]);
		CHECK(!mkdir(p, 0755));
	}
	atexit(cleanup);
	return 0;
}

static void check_paths(const struct policy_path *v, unsigned n)
{
	CHECK(n <= POLICY_LIST_MAX && (!n || v));
	for (unsigned i = 0; i < n; i++) {
		CHECK(v[i].len < ENF_STR_MAX - 1 && !v[i].s[v[i].len] &&
		      strlen(v[i].s) == v[i].len);
		CHECK(v[i].s[0] == '/' && !strchr(v[i].s, '*'));
	}
}

static void check_ranges(const struct policy_range *v, unsigned n, uint32_t max)
{
	CHECK(n <= POLICY_LIST_MAX && (!n || v));
	for (unsigned i = 0; i < n; i++)
		CHECK(v[i].lo <= v[i].hi && v[i].hi <= max);
}

static void check_policy(const struct policy *p)
{
	CHECK(p->nrules <= ENF_MAX_RULES && (!p->nrules || p->rules));
	for (unsigned i = 0; i < p->nrules; i++) {
		const struct policy_rule *r = &p->rules[i];

		CHECK(memchr(r->name, '\0', sizeof(r->name)) && r->name[0]);
		CHECK(r->line >= 1 && r->events && r->events < 1u << ENF_EV__COUNT);
		CHECK((unsigned)r->action <= ENF_ACT_DENY && r->rate <= 1000000);
		check_paths(r->binary, r->nbinary);
		check_paths(r->parent, r->nparent);
		check_paths(r->path, r->npath);
		CHECK(r->nargs <= POLICY_LIST_MAX && r->naddress <= POLICY_LIST_MAX);
		for (unsigned k = 0; k < r->nargs; k++)
			CHECK(memchr(r->args[k], '\0', ENF_STR_MAX));
		for (unsigned k = 0; k < r->naddress; k++)
			CHECK(r->address[k].bits <= (r->address[k].family == 2 ? 32 : 128));
		check_ranges(r->port, r->nport, 65535);
		check_ranges(r->uid, r->nuid, 4294967294u);
		CHECK(r->ncgroup <= POLICY_LIST_MAX && r->open_flags < 8);
		if (r->npath || r->open_flags)
			CHECK(r->events == 1u << ENF_EV_OPEN);
		if (r->naddress || r->nport)
			CHECK(!(r->events & ~(1u << ENF_EV_CONNECT | 1u << ENF_EV_BIND)));
	}
}

static void check_cands(const struct enf_image *img, const struct enf_cands *c, int ev)
{
	CHECK(c->n <= ENF_CANDIDATES);
	for (unsigned i = 0; i < c->n; i++) {
		CHECK(c->id[i] < img->nrules && img->rules[c->id[i]].event == ev);
		CHECK(!i || c->id[i - 1] < c->id[i]);
	}
}

static void check_image(const struct policy *p, const struct enf_image *img)
{
	CHECK(img->nrules <= ENF_MAX_RULES && img->nkeys <= ENF_MAX_KEYS &&
	      img->nstrs <= ENF_MAX_STRS);
	CHECK(img->meta.nrules == img->nrules && img->meta.npolicy == p->nrules);
	for (unsigned i = 0; i < img->nrules; i++) {
		const struct enf_rule *r = &img->rules[i];

		CHECK(r->rule < p->nrules && r->event < ENF_EV__COUNT && r->version == 1);
		CHECK(p->rules[r->rule].events & (1u << r->event));
		if (r->sel & ENF_SEL_BIN)
			CHECK(r->bin_str < img->nstrs &&
			      r->bin_len == strlen(img->strs[r->bin_str].s));
		if (r->sel & ENF_SEL_PARENT)
			CHECK(r->parent_str < img->nstrs &&
			      r->parent_len == strlen(img->strs[r->parent_str].s));
	}
	for (unsigned i = 0; i < img->nkeys; i++) {
		const struct enf_key *k = &img->keys[i];

		CHECK(k->prefixlen >= 8 && k->prefixlen <= 8 * (1 + ENF_KEY_DATA));
		CHECK(img->meta.dims[k->tag & 15] & (1u << (k->tag >> 4)));
		CHECK(img->cands[i].n >= 1);
		check_cands(img, &img->cands[i], k->tag & 15);
		/* sorted and distinct */
		CHECK(!i || memcmp(&img->keys[i - 1], k, sizeof(*k)));
	}
	for (int e = 0; e < ENF_EV__COUNT; e++)
		check_cands(img, &img->meta.any[e], e);
	for (unsigned i = 0; i < img->nstrs; i++)
		CHECK(memchr(img->strs[i].s, '\0', ENF_STR_MAX));
}

static void check_err(int ret, const char *err)
{
	CHECK(ret < 0);
	CHECK(memchr(err, '\0', ERRSZ));
	CHECK(!strncmp(err, FILE_NAME ":", strlen(FILE_NAME) + 1));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct policy empty_p;
	static const struct enf_image empty_i;
	struct policy p;
	struct enf_image img;
	char err[ERRSZ + GUARD];
	int ret;

	memset(err, 'Z', sizeof(err));
	/* data is exactly size bytes (no NUL): the parser must respect len */
	ret = policy__parse(&p, FILE_NAME, (const char *)data, size, root, err, ERRSZ);
	for (size_t i = ERRSZ; i < sizeof(err); i++)
		CHECK(err[i] == 'Z');
	if (ret) {
		check_err(ret, err);
		CHECK(!p.nrules && !p.rules && !p.dry_run);
		policy__free(&p);
		return 0;
	}
	check_policy(&p);
	memset(err, 'Z', sizeof(err));
	ret = policy__compile(&p, 1, size & 1, &img, err, ERRSZ);
	for (size_t i = ERRSZ; i < sizeof(err); i++)
		CHECK(err[i] == 'Z');
	if (ret) {
		check_err(ret, err);
		CHECK(!memcmp(&img, &empty_i, sizeof(img)));
	} else {
		check_image(&p, &img);
	}
	enf_image__free(&img);
	policy__free(&p);
	CHECK(!memcmp(&p.rules, &empty_p.rules, sizeof(p.rules)));
	return 0;
}

// SPDX-License-Identifier: Apache-2.0
/* Unit tests for the policy compiler (src/policy/compile.c): its output as
 * the kernel reads it (sonde/enforce.h): keys and their prefix lengths,
 * candidates closed over shorter prefixes, the expansion of lists into
 * compiled rules, dims and wildcard lists, shared strings, each kernel
 * bound (-E2BIG naming the rule), and a 10,000-rule policy's compile time. */
#include <sys/socket.h>

#include "policy_helpers.h"

static void test_compile_keys(void **state)
{
	struct policy p;
	struct enf_image img;
	struct enf_key k;
	const struct enf_cands *c;

	compile_ok(
		"rules:\n"
		"  - {name: a, event: exec, action: kill, binary: [/usr/bin/nc, '/opt/tools/*']}\n"
		"  - {name: b, event: open, action: deny, path: /etc/shadow, flags: write}\n"
		"  - name: c\n"
		"    event: [connect, bind]\n"
		"    action: deny\n"
		"    address: [10.0.0.0/8, '2001:db8::/32', 169.254.169.254]\n"
		"  - {name: d, event: [ptrace, exec], action: audit, uid: 0}\n"
		"  - {name: e, event: open, action: audit, binary: /usr/bin/vi}\n",
		&p, &img);
	assert_int_equal(img.meta.version, 7);
	assert_int_equal(img.meta.flags, 0);
	assert_int_equal(img.meta.npolicy, 5);
	/* a: 1 (exec), b: 1, c: 2 (connect, bind), d: 2, e: 1 */
	assert_int_equal(img.nrules, 7);
	assert_int_equal(img.meta.nrules, 7);
	/* 2 + 1 + 3 * 2 + 0 + 1 */
	assert_int_equal(img.nkeys, 10);

	/* an exact path: its NUL is part of the key */
	k = path_key(ENF_DIM_BIN, ENF_EV_EXEC, "/usr/bin/nc", false);
	assert_int_equal(k.prefixlen, 8 * (1 + 11 + 1));
	c = lookup(&img, &k);
	assert_non_null(c);
	assert_int_equal(c->n, 1);
	assert_int_equal(img.rules[c->id[0]].rule, 0);
	assert_int_equal(img.rules[c->id[0]].event, ENF_EV_EXEC);
	assert_int_equal(img.rules[c->id[0]].action, ENF_ACT_KILL);
	assert_int_equal(img.rules[c->id[0]].version, 7);
	assert_int_equal(img.rules[c->id[0]].sel, 0);
	/* a prefix: no NUL */
	k = path_key(ENF_DIM_BIN, ENF_EV_EXEC, "/opt/tools/", true);
	assert_int_equal(k.prefixlen, 8 * (1 + 11));
	assert_true(has(lookup(&img, &k), c->id[0]));
	/* open: path is the primary key, flags a secondary selector */
	k = path_key(ENF_DIM_PATH, ENF_EV_OPEN, "/etc/shadow", false);
	c = lookup(&img, &k);
	assert_non_null(c);
	assert_int_equal(img.rules[c->id[0]].sel, ENF_SEL_FLAGS);
	assert_int_equal(img.rules[c->id[0]].open_flags, ENF_OPEN_WRITE);
	/* without a path, open's primary key is the binary */
	k = path_key(ENF_DIM_BIN, ENF_EV_OPEN, "/usr/bin/vi", false);
	assert_non_null(lookup(&img, &k));
	/* addresses: prefixlen = 8 + bits, v4 and v6 apart, per event */
	memset(&k, 0, sizeof(k));
	k.tag = ENF_TAG(ENF_DIM_NET4, ENF_EV_BIND);
	k.data[0] = 10;
	k.prefixlen = 8 + 8;
	c = lookup(&img, &k);
	assert_non_null(c);
	assert_int_equal(img.rules[c->id[0]].event, ENF_EV_BIND);
	memcpy(k.data, "\xa9\xfe\xa9\xfe", 4);
	k.prefixlen = 8 + 32;
	k.tag = ENF_TAG(ENF_DIM_NET4, ENF_EV_CONNECT);
	assert_non_null(lookup(&img, &k));
	memset(&k, 0, sizeof(k));
	k.tag = ENF_TAG(ENF_DIM_NET6, ENF_EV_CONNECT);
	memcpy(k.data, "\x20\x01\x0d\xb8", 4);
	k.prefixlen = 8 + 32;
	assert_non_null(lookup(&img, &k));
	/* dims: the key kinds each event has */
	assert_int_equal(img.meta.dims[ENF_EV_EXEC], 1 << ENF_DIM_BIN);
	assert_int_equal(img.meta.dims[ENF_EV_OPEN], 1 << ENF_DIM_PATH | 1 << ENF_DIM_BIN);
	assert_int_equal(img.meta.dims[ENF_EV_CONNECT], 1 << ENF_DIM_NET4 | 1 << ENF_DIM_NET6);
	assert_int_equal(img.meta.dims[ENF_EV_BIND], 1 << ENF_DIM_NET4 | 1 << ENF_DIM_NET6);
	assert_int_equal(img.meta.dims[ENF_EV_PTRACE], 0);
	/* any: d has no primary selector, on both of its events */
	assert_int_equal(img.meta.any[ENF_EV_PTRACE].n, 1);
	assert_int_equal(img.meta.any[ENF_EV_EXEC].n, 1);
	assert_int_equal(img.meta.any[ENF_EV_OPEN].n, 0);
	c = &img.meta.any[ENF_EV_PTRACE];
	assert_int_equal(img.rules[c->id[0]].rule, 3);
	assert_int_equal(img.rules[c->id[0]].sel, ENF_SEL_UID);
	/* e takes every open: no open may skip the path walk. */
	assert_int_equal(img.meta.open_flags, ENF_OPEN_WRITE | ENF_OPEN_ANY);
	enf_image__free(&img);
	policy__free(&p);

	/* Write guards only: read opens skip it. */
	compile_ok("rules:\n"
		   "  - {name: w, event: open, action: deny, path: '/etc/*', flags: [truncate, create]}\n"
		   "  - {name: x, event: exec, action: audit}\n",
		   &p, &img);
	assert_int_equal(img.meta.open_flags, ENF_OPEN_TRUNC | ENF_OPEN_CREATE);
	enf_image__free(&img);
	policy__free(&p);
}

static void test_compile_closure(void **state)
{
	struct policy p;
	struct enf_image img;
	struct enf_key k;
	const struct enf_cands *c;

	compile_ok(
		"rules:\n"
		"  - {name: usr, event: exec, action: audit, binary: '/usr/*'}\n"
		"  - {name: usr-bin, event: exec, action: audit, binary: '/usr/bin/*', uid: 1000}\n"
		"  - {name: nc, event: exec, action: kill, binary: /usr/bin/nc}\n"
		"  - {name: other, event: exec, action: kill, binary: /bin/nc}\n"
		"  - {name: nc-open, event: open, action: audit, binary: /usr/bin/nc}\n"
		"  - {name: net8, event: connect, action: deny, address: 10.0.0.0/8}\n"
		"  - {name: net24, event: connect, action: audit, address: 10.1.2.0/24}\n"
		"  - {name: net-other, event: connect, action: audit, address: 11.0.0.0/8}\n",
		&p, &img);
	/* /usr/bin/nc lists all three of its prefixes, not /bin/nc, not open's */
	k = path_key(ENF_DIM_BIN, ENF_EV_EXEC, "/usr/bin/nc", false);
	c = lookup(&img, &k);
	assert_non_null(c);
	assert_int_equal(c->n, 3);
	assert_true(has(c, 0) && has(c, 1) && has(c, 2));
	k = path_key(ENF_DIM_BIN, ENF_EV_EXEC, "/usr/bin/", true);
	c = lookup(&img, &k);
	assert_int_equal(c->n, 2);
	assert_true(has(c, 0) && has(c, 1));
	k = path_key(ENF_DIM_BIN, ENF_EV_EXEC, "/usr/", true);
	assert_int_equal(lookup(&img, &k)->n, 1);
	k = path_key(ENF_DIM_BIN, ENF_EV_EXEC, "/bin/nc", false);
	c = lookup(&img, &k);
	assert_int_equal(c->n, 1);
	assert_true(has(c, 3));
	k = path_key(ENF_DIM_BIN, ENF_EV_OPEN, "/usr/bin/nc", false);
	c = lookup(&img, &k);
	assert_int_equal(c->n, 1);
	assert_true(has(c, 4));
	/* bit prefixes: 10.1.2.0/24 is inside 10.0.0.0/8, 11.0.0.0/8 is not */
	memset(&k, 0, sizeof(k));
	k.tag = ENF_TAG(ENF_DIM_NET4, ENF_EV_CONNECT);
	memcpy(k.data, "\x0a\x01\x02", 3);
	k.prefixlen = 8 + 24;
	c = lookup(&img, &k);
	assert_int_equal(c->n, 2);
	assert_true(has(c, 5) && has(c, 6));
	memset(k.data, 0, 3);
	k.data[0] = 11;
	k.prefixlen = 8 + 8;
	assert_int_equal(lookup(&img, &k)->n, 1);
	/* candidates are in ascending id order */
	for (unsigned i = 0; i < img.nkeys; i++)
		for (unsigned j = 1; j < img.cands[i].n; j++)
			assert_true(img.cands[i].id[j - 1] < img.cands[i].id[j]);
	enf_image__free(&img);
	policy__free(&p);

	/* equal keys from several rules merge into one */
	compile_ok("rules:\n"
		   "  - {name: a, event: exec, action: audit, binary: /x, uid: 0}\n"
		   "  - {name: b, event: exec, action: kill, binary: [/x, /y], uid: 1}\n",
		   &p, &img);
	assert_int_equal(img.nkeys, 2);
	k = path_key(ENF_DIM_BIN, ENF_EV_EXEC, "/x", false);
	assert_int_equal(lookup(&img, &k)->n, 2);
	enf_image__free(&img);
	policy__free(&p);
}

static void test_compile_expand(void **state)
{
	struct policy p;
	struct enf_image img;
	struct enf_key k;
	const struct enf_cands *c;
	unsigned seen = 0;

	compile_ok("dry_run: true\n"
		   "rules:\n"
		   "  - name: a\n"
		   "    event: exec\n"
		   "    action: kill\n"
		   "    rate: 9\n"
		   "    binary: [/a, /b]\n"
		   "    uid: [0, 1000-1999]\n"
		   "    args: [-e, -c]\n"
		   "    parent: /bin/bash\n"
		   "  - name: b\n"
		   "    event: open\n"
		   "    action: deny\n"
		   "    path: /etc/shadow\n"
		   "    binary: [/bin/bash, '/usr/bin/*']\n"
		   "  - name: c\n"
		   "    event: connect\n"
		   "    action: deny\n"
		   "    address: 169.254.169.254\n"
		   "    port: [80, 8000-8999]\n"
		   "    cgroup: 77\n",
		   &p, &img);
	assert_int_equal(img.meta.flags, ENF_F_DRY_RUN);
	/* a: uid 2 x args 2 (binary is its key); b: 2 binaries; c: 2 ports */
	assert_int_equal(img.nrules, 4 + 2 + 2);
	k = path_key(ENF_DIM_BIN, ENF_EV_EXEC, "/b", false);
	c = lookup(&img, &k);
	assert_int_equal(c->n, 4);
	for (unsigned i = 0; i < c->n; i++) {
		const struct enf_rule *r = &img.rules[c->id[i]];

		assert_int_equal(r->sel, ENF_SEL_UID | ENF_SEL_ARGV | ENF_SEL_PARENT);
		assert_int_equal(r->rate, 9);
		assert_string_equal(img.strs[r->parent_str].s, "/bin/bash");
		assert_int_equal(r->parent_len, 9);
		assert_int_equal(r->parent_prefix, 0);
		assert_true(r->argv_hash == enf_hash("-e") || r->argv_hash == enf_hash("-c"));
		seen |= 1u << ((r->uid_lo == 1000) * 2 + (r->argv_hash == enf_hash("-c")));
		if (r->uid_lo == 1000)
			assert_int_equal(r->uid_hi, 1999);
	}
	assert_int_equal(seen, 0xf); /* every combination once */
	/* b: the binary is secondary, compared as a string */
	k = path_key(ENF_DIM_PATH, ENF_EV_OPEN, "/etc/shadow", false);
	c = lookup(&img, &k);
	assert_int_equal(c->n, 2);
	assert_int_equal(img.rules[c->id[0]].sel, ENF_SEL_BIN);
	assert_string_equal(img.strs[img.rules[c->id[0]].bin_str].s, "/bin/bash");
	assert_int_equal(img.rules[c->id[0]].bin_prefix, 0);
	assert_string_equal(img.strs[img.rules[c->id[1]].bin_str].s, "/usr/bin/");
	assert_int_equal(img.rules[c->id[1]].bin_len, 9);
	assert_int_equal(img.rules[c->id[1]].bin_prefix, 1);
	/* "/bin/bash" as a's parent and b's binary: one string */
	assert_int_equal(img.rules[c->id[0]].bin_str, img.rules[0].parent_str);
	assert_int_equal(img.nstrs, 2);
	/* c: a port range each, and the cgroup */
	memset(&k, 0, sizeof(k));
	k.tag = ENF_TAG(ENF_DIM_NET4, ENF_EV_CONNECT);
	memcpy(k.data, "\xa9\xfe\xa9\xfe", 4);
	k.prefixlen = 40;
	c = lookup(&img, &k);
	assert_int_equal(c->n, 2);
	assert_int_equal(img.rules[c->id[0]].sel, ENF_SEL_PORT | ENF_SEL_CGROUP);
	assert_int_equal(img.rules[c->id[0]].port_lo, 80);
	assert_int_equal(img.rules[c->id[0]].port_hi, 80);
	assert_int_equal(img.rules[c->id[1]].port_lo, 8000);
	assert_int_equal(img.rules[c->id[1]].port_hi, 8999);
	assert_int_equal(img.rules[c->id[1]].cgroup_id, 77);
	enf_image__free(&img);
	policy__free(&p);

	/* the dry_run argument alone */
	compile_ok("rules: []\n", &p, &img);
	assert_int_equal(img.nrules + img.nkeys + img.nstrs, 0);
	enf_image__free(&img);
	assert_int_equal(policy__compile(&p, 2, true, &img, NULL, 0), 0);
	assert_int_equal(img.meta.flags, ENF_F_DRY_RUN);
	enf_image__free(&img);
	policy__free(&p);
}

static void test_compile_bounds(void **state)
{
	struct strbuf sb = { 0 };
	char *t;

	/* one key, 16 rules: merged past ENF_CANDIDATES, named at the 16th */
	sb__printf(&sb, "rules:\n");
	for (int i = 0; i < 16; i++)
		sb__printf(&sb,
			   "  - {name: r%d, event: exec, action: audit, binary: /x, uid: %d}\n", i,
			   i);
	too_big(sb.buf, 17, "r15", "more than 15 compiled rules (ENF_CANDIDATES)");
	/* 15 on a prefix, and a longer key under it: the closure passes it */
	sb.len = 0;
	sb__printf(&sb, "rules:\n");
	for (int i = 0; i < 15; i++)
		sb__printf(
			&sb,
			"  - {name: r%d, event: exec, action: audit, binary: '/usr/*', uid: %d}\n",
			i, i);
	sb__printf(&sb, "  - {name: nc, event: exec, action: kill, binary: /usr/bin/nc}\n");
	too_big(sb.buf, 17, "nc", "binary /usr/bin/nc on exec would select more than 15");
	/* one rule's lists multiply past ENF_CANDIDATES */
	too_big(R "    binary: /x\n    uid: [0, 1, 2, 3]\n    parent: [/a, /b, /c, /d]\n", 2, "a",
		"multiply into 16 compiled rules on exec (uid 4 x parent 4)");
	/* 16 rules without a primary key on one event */
	sb.len = 0;
	sb__printf(&sb, "rules:\n");
	for (int i = 0; i < 16; i++)
		sb__printf(&sb, "  - {name: r%d, event: ptrace, action: audit, uid: %d}\n", i, i);
	too_big(sb.buf, 17, "r15", "no binary, path or address");
	/* and one such rule whose lists alone pass it */
	too_big(EV("bpf", "audit") "    uid: [0, 1, 2, 3]\n    parent: [/a, /b, /c, /d]\n", 2, "a",
		"more than 15 compiled rules on bpf have no binary, path or address");
	free(sb.buf);
	/* ENF_MAX_RULES: 1093 rules of 15 */
	t = many(1093, "uid: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]");
	too_big(t, 2 + 5 * 1092, "r1092", "more than 16384 rules (ENF_MAX_RULES)");
	free(t);
	/* ENF_MAX_STRS: 4097 distinct parents */
	t = many(4097, "parent: /p/%d");
	too_big(t, 2 + 5 * 4096, "r4096",
		"more than 4096 distinct binary and parent strings (ENF_MAX_STRS)");
	free(t);
	/* ENF_MAX_KEYS: 513 rules of 64 binaries; the 513th passes it */
	sb = (struct strbuf){ 0 };
	sb__printf(&sb, "rules:\n");
	for (int i = 0; i < 513; i++) {
		sb__printf(&sb, "  - name: r%d\n    event: exec\n    action: audit\n    binary:\n",
			   i);
		for (int j = 0; j < 64; j++)
			sb__printf(&sb, "      - /k/%d/%d\n", i, j);
	}
	too_big(sb.buf, 2 + 68 * 512, "r512", "more than 32768 keys (ENF_MAX_KEYS)");
	free(sb.buf);
}

static void test_compile_10k(void **state)
{
	struct policy p;
	struct enf_image img;
	struct timespec t0;
	double parse_ms, compile_ms;
	char err[512];
	char *t = many(10000, "uid: 0-65535");

	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(policy__parse(&p, "test.yaml", t, strlen(t), cgroot, err, sizeof(err)), 0);
	parse_ms = ms_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (policy__compile(&p, 1, false, &img, err, sizeof(err)))
		fail_msg("%s", err);
	compile_ms = ms_since(&t0);
	print_message("10,000 rules with distinct binaries: parse %.1f ms, compile %.1f ms\n",
		      parse_ms, compile_ms);
	assert_int_equal(img.nrules, 10000);
	assert_int_equal(img.nkeys, 10000);
	for (unsigned i = 0; i < img.nkeys; i++)
		assert_int_equal(img.cands[i].n, 1);
	assert_true(compile_ms < 1000); /* ~10 ms here; generous for sanitizers */
	enf_image__free(&img);
	policy__free(&p);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compile_keys),   cmocka_unit_test(test_compile_closure),
		cmocka_unit_test(test_compile_expand), cmocka_unit_test(test_compile_bounds),
		cmocka_unit_test(test_compile_10k),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

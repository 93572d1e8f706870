// SPDX-License-Identifier: Apache-2.0
/* Unit tests for enforcement policy files (src/policy/parse.c, select.c):
 * the YAML schema of docs/policy.md, every refusal at its exact line, and
 * deploy/policy.yaml. Cgroup lookups run against a directory tree made
 * here, not the host's /sys/fs/cgroup. The compiler's tests are in
 * test_policy_compile.c. */
#include <arpa/inet.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy_helpers.h"

#define DOCKER_ID "3f2a9c1b7d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcd"
#define CRI_ID	  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* ---- the cgroup tree ---- */

static void mkpath(const char *rel)
{
	char path[512];
	int n = snprintf(path, sizeof(path), "%s/%s", cgroot, rel);

	for (int i = strlen(cgroot) + 1; i <= n; i++)
		if (path[i] == '/' || !path[i]) {
			char ch = path[i];

			path[i] = '\0';
			mkdir(path, 0755);
			path[i] = ch;
		}
}

static uint64_t ino(const char *rel)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", cgroot, rel);
	assert_int_equal(stat(path, &st), 0);
	return st.st_ino;
}

static int setup(void **state)
{
	char link[512], deep[512] = "deep";

	strcpy(cgroot, "/tmp/sonde-policy-XXXXXX");
	if (!mkdtemp(cgroot))
		return -1;
	mkpath("system.slice/x.service");
	mkpath("system.slice/docker-" DOCKER_ID ".scope/init.scope");
	mkpath("kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/cri-containerd-" CRI_ID
	       ".scope");
	mkpath("amb/docker-abcdefabcdef1111.scope");
	mkpath("amb/docker-abcdefabcdef2222.scope");
	/* Beyond the search's depth, and behind a symlink: never found. */
	for (int i = 0; i < 9; i++)
		strcat(deep, "/d");
	mkpath("deep/d/d/d/d/d/d/d/d/d/eeeeeeeeeeee11");
	/* the symlink reaches a directory the search never gets to itself */
	strcat(deep, "/ffffffffffff11");
	mkpath(deep);
	snprintf(link, sizeof(link), "%s/link", cgroot);
	if (symlink(deep, link))
		return -1;
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int teardown(void **state) { return nftw(cgroot, rm_one, 16, FTW_DEPTH | FTW_PHYS); }

/* ---- parsing: good input ---- */

static const char full[] = "# every field\n" /* 1 */
			   "dry_run: true\n"
			   "rules:\n"
			   "  - name: exec.every-field_1\n" /* 4 */
			   "    event: exec\n"
			   "    action: kill\n"
			   "    rate: 10/s\n"
			   "    binary: [/usr/bin/nc, \"/opt/tools/*\"]\n"
			   "    parent: /usr/bin/bash\n"
			   "    args: [\"-e\", --exec]\n"
			   "    uid: [0, 1000-1999]\n"
			   "    cgroup: [system.slice/x.service, 4242]\n"
			   "    container: 3F2A9C1B7D4E\n"
			   "  - name: guard\n" /* 14 */
			   "    event: open\n"
			   "    action: deny\n"
			   "    path:\n"
			   "      - /etc/shadow\n"
			   "      - /etc/sudoers.d/*\n"
			   "    flags: [write, truncate, create]\n"
			   "    binary: /usr/bin/*\n"
			   "  - name: net\n" /* 22 */
			   "    event: [connect, bind]\n"
			   "    action: deny\n"
			   "    address: [10.0.0.0/8, \"2001:db8::/32\", 169.254.169.254]\n"
			   "    port: [80, 8000-8999]\n"
			   "  - name: watch\n" /* 27 */
			   "    event: [ptrace, module, setuid, bpf]\n"
			   "    action: audit\n"
			   "    rate: 5\n";

static void test_parse_full(void **state)
{
	const struct policy_rule *r;
	struct policy p;

	parse_ok(&p, full);
	assert_string_equal(p.file, "test.yaml");
	assert_true(p.dry_run);
	assert_int_equal(p.nrules, 4);

	r = &p.rules[0];
	assert_string_equal(r->name, "exec.every-field_1");
	assert_int_equal(r->line, 4);
	assert_int_equal(r->field_line[0], 4); /* name, event, ...: where each field is */
	assert_int_equal(r->field_line[1], 5);
	assert_int_equal(r->events, 1u << ENF_EV_EXEC);
	assert_int_equal(r->action, ENF_ACT_KILL);
	assert_int_equal(r->rate, 10);
	assert_int_equal(r->nbinary, 2);
	assert_string_equal(r->binary[0].s, "/usr/bin/nc");
	assert_int_equal(r->binary[0].len, 11);
	assert_false(r->binary[0].prefix);
	assert_string_equal(r->binary[1].s, "/opt/tools/");
	assert_int_equal(r->binary[1].len, 11);
	assert_true(r->binary[1].prefix);
	assert_int_equal(r->nparent, 1);
	assert_string_equal(r->parent[0].s, "/usr/bin/bash");
	assert_int_equal(r->nargs, 2);
	assert_string_equal(r->args[0], "-e");
	assert_string_equal(r->args[1], "--exec");
	assert_int_equal(r->nuid, 2);
	assert_int_equal(r->uid[0].lo, 0);
	assert_int_equal(r->uid[0].hi, 0);
	assert_int_equal(r->uid[1].lo, 1000);
	assert_int_equal(r->uid[1].hi, 1999);
	assert_int_equal(r->ncgroup, 3); /* cgroup and container are one selector */
	assert_int_equal(r->cgroup[0], ino("system.slice/x.service"));
	assert_int_equal(r->cgroup[1], 4242);
	assert_int_equal(r->cgroup[2], ino("system.slice/docker-" DOCKER_ID ".scope"));
	assert_int_equal(r->npath + r->naddress + r->nport + r->open_flags, 0);

	r = &p.rules[1];
	assert_int_equal(r->line, 14);
	assert_int_equal(r->events, 1u << ENF_EV_OPEN);
	assert_int_equal(r->action, ENF_ACT_DENY);
	assert_int_equal(r->rate, 0);
	assert_int_equal(r->npath, 2);
	assert_string_equal(r->path[0].s, "/etc/shadow");
	assert_false(r->path[0].prefix);
	assert_string_equal(r->path[1].s, "/etc/sudoers.d/");
	assert_true(r->path[1].prefix);
	assert_int_equal(r->open_flags, ENF_OPEN_WRITE | ENF_OPEN_TRUNC | ENF_OPEN_CREATE);
	assert_string_equal(r->binary[0].s, "/usr/bin/");
	assert_true(r->binary[0].prefix);

	r = &p.rules[2];
	assert_int_equal(r->events, 1u << ENF_EV_CONNECT | 1u << ENF_EV_BIND);
	assert_int_equal(r->naddress, 3);
	assert_int_equal(r->address[0].family, AF_INET);
	assert_int_equal(r->address[0].bits, 8);
	assert_int_equal(r->address[0].addr[0], 10);
	assert_int_equal(r->address[1].family, AF_INET6);
	assert_int_equal(r->address[1].bits, 32);
	assert_memory_equal(r->address[1].addr, "\x20\x01\x0d\xb8\0\0", 6);
	assert_int_equal(r->address[2].bits, 32);
	assert_memory_equal(r->address[2].addr, "\xa9\xfe\xa9\xfe", 4);
	assert_int_equal(r->nport, 2);
	assert_int_equal(r->port[0].lo, 80);
	assert_int_equal(r->port[0].hi, 80);
	assert_int_equal(r->port[1].lo, 8000);
	assert_int_equal(r->port[1].hi, 8999);

	r = &p.rules[3];
	assert_int_equal(r->line, 27);
	assert_int_equal(r->events, 1u << ENF_EV_PTRACE | 1u << ENF_EV_MODULE |
					    1u << ENF_EV_SETUID | 1u << ENF_EV_BPF);
	assert_int_equal(r->rate, 5);
	policy__free(&p);
	policy__free(&p); /* twice: empty the second time */
	assert_int_equal(p.nrules, 0);
}

static void test_parse_forms(void **state)
{
	struct policy p;

	/* Block and flow forms, quoting, a CRI container, rules: [] */
	parse_ok(&p,
		 "rules:\n"
		 "  - {name: a, event: exec, action: audit, binary: '/bin/*', container: " CRI_ID
		 "}\n"
		 "  - name: b\n"
		 "    event:\n"
		 "      - connect\n"
		 "    action: deny\n"
		 "    port: \"443\"\n"
		 "    uid: 0-0\n"
		 "    rate: 0\n");
	assert_int_equal(p.nrules, 2);
	assert_string_equal(p.rules[0].binary[0].s, "/bin/");
	assert_int_equal(
		p.rules[0].cgroup[0],
		ino("kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/"
		    "cri-containerd-" CRI_ID ".scope"));
	assert_int_equal(p.rules[1].port[0].lo, 443);
	assert_false(p.dry_run);
	policy__free(&p);

	parse_ok(&p, "dry_run: false\nrules: []\n");
	assert_int_equal(p.nrules, 0);
	policy__free(&p);

	/* The same cgroup by path and by container id: one id. */
	parse_ok(&p, "rules:\n  - name: a\n    event: exec\n    action: audit\n"
		     "    cgroup: system.slice/docker-" DOCKER_ID
		     ".scope\n    container: 3f2a9c1b7d4e\n");
	assert_int_equal(p.rules[0].ncgroup, 1);
	policy__free(&p);
}

/* ---- parsing: refusals, each at its line ---- */

static const struct {
	const char *text;
	unsigned line;
	const char *want;
} bad[] = {
	/* the YAML itself */
	{ "rules:\n  - name: a\n    event: [exec\n", 3,
	  "invalid YAML: did not find expected ',' or ']'" },
	{ "rules:\n  - name: a\n\tevent: exec\n", 3, "invalid YAML" },
	{ "rules:\x01\n", 1, "control characters are not allowed" },
	{ "a: &x 1\nrules: *x\n", 1, "anchors (&x) are not supported" },
	{ "rules:\n  - name: a\n    event: *e\n", 3, "aliases (*e) are not supported" },
	{ "- a\n", 1, "a policy is a mapping with 'rules:'" },
	{ "just text\n", 1, "not a plain value" },
	{ "", 1, "empty policy" },
	{ "# only a comment\n", 1, "empty policy" },
	{ "rules: []\n---\nrules: []\n", 2, "a second YAML document" },
	{ "rules:\n  - name: \"a\\0b\"\n", 2, "NUL byte" },
	{ "rules: []\nrulez: 1\n", 2, "unknown top-level field 'rulez' (did you mean 'rules'?)" },
	{ "rules: []\nrules: []\n", 2, "'rules' is given twice (first at line 1)" },
	{ "dry_run: maybe\nrules: []\n", 1, "'dry_run' wants true or false" },
	{ "dry_run: true\n", 1, "the policy has no 'rules'" },
	{ "rules:\n", 1, "'rules' needs a list" },
	{ "rules: {a: 1}\n", 1, "'rules' is a list of rules" },
	{ "rules:\n  - just a string\n", 2, "a rule is a mapping of fields" },
	{ "rules:\n  - [a]\n", 2, "a rule is a mapping of fields" },
	{ "rules:\n  - ? [a]\n    : b\n", 2, "a key must be a plain name" },
	{ "rules:\n  - name: a\n    event: exec\n    action: audit\n    x:\n      y:\n        z: 1\n",
	  5, "unknown rule field 'x'" },
	/* rule fields */
	{ R "    binery: /bin/x\n", 5, "unknown rule field 'binery' (did you mean 'binary'?)" },
	{ R "    colour: red\n", 5, "unknown rule field 'colour' (see docs/policy.md)" },
	{ R "    action: kill\n", 5, "'action' is given twice (first at line 4)" },
	{ "rules:\n  - event: exec\n    action: audit\n", 2, "the rule has no 'name'" },
	{ "rules:\n  - name: a\n    action: audit\n", 2, "rule 'a' has no 'event'" },
	{ "rules:\n  - name: a\n    event: exec\n", 2, "rule 'a' has no 'action'" },
	{ "rules:\n  - name: a b\n    event: exec\n    action: audit\n", 2,
	  "names use A-Z, a-z, 0-9" },
	{ "rules:\n  - name: a/b\n    event: exec\n    action: audit\n", 2, "has '/'" },
	{ "rules:\n  - name: 0123456789012345678901234567890123456789012345678901234567890123\n", 2,
	  "names are shorter than 64" },
	{ "rules:\n  - name:\n    event: exec\n", 2, "'name' needs a value" },
	{ "rules:\n  - name: [a]\n", 2, "'name' takes one value, not a list" },
	{ R
	  "  - name: b\n    event: open\n    action: audit\n  - name: a\n    event: bind\n    action: audit\n",
	  8, "a second rule named 'a' (the first is at line 2)" },
	{ EV("[exec, opne]", "audit"), 3, "unknown event 'opne' (did you mean 'open'?)" },
	{ EV("fork", "audit"), 3, "unknown event 'fork': events are exec, open" },
	{ EV("[exec, exec]", "audit"), 3, "'exec' is listed twice in 'event'" },
	{ EV("[]", "audit"), 3, "'event' is an empty list" },
	{ EV("exec", "kil"), 4, "unknown action 'kil' (did you mean 'kill'?)" },
	{ EV("exec", "block"), 4, "unknown action 'block': actions are audit, kill and deny" },
	{ EV("exec", "[audit]"), 4, "'action' takes one value, not a list" },
	/* paths */
	{ R "    binary: usr/bin/nc\n", 5, "'usr/bin/nc' in 'binary' is not an absolute path" },
	{ R "    binary: \"\"\n", 5, "an empty path in 'binary'" },
	{ R "    binary:\n", 5, "'binary' needs a value" },
	{ R "    binary: ~\n", 5, "'binary' needs a value" },
	{ R "    binary: /usr/*/nc\n", 5, "'*' may only end a path" },
	{ R "    parent: \"*\"\n", 5, "'*' in 'parent' is not an absolute path" },
	{ R "    binary: /usr//bin/nc\n", 5, "not canonical" },
	{ R "    binary: /usr/bin/../nc\n", 5, "not canonical" },
	{ R "    binary: /usr/./nc\n", 5, "not canonical" },
	{ R "    binary: /etc/\n", 5, "ends in '/': write '/etc/*'" },
	{ R "    binary: [/a, /b, /a]\n", 5, "'/a' is listed twice in 'binary'" },
	{ R "    binary:\n      - /a\n      - [/b]\n", 7,
	  "an item of 'binary' must be a plain value, not a list" },
	{ R "    binary:\n      - /a\n      -\n", 7, "an empty item in 'binary'" },
	{ R "    binary: {a: b}\n", 5,
	  "'binary' takes a value or a list of values, not a mapping" },
	{ R "    args: [-e, -e]\n", 5, "'-e' is listed twice in 'args'" },
	/* selectors an event does not have */
	{ R "    path: /etc/x\n", 5,
	  "'path' applies to open only: this rule can never match on exec" },
	{ EV("[open, exec]", "audit") "    flags: write\n", 5,
	  "'flags' applies to open only: this rule can never match on exec" },
	{ R "    address: 10.0.0.0/8\n", 5,
	  "'address' applies to connect and bind only: this rule can never match on exec" },
	{ EV("[connect, open]", "audit") "    port: 80\n", 5,
	  "'port' applies to connect and bind only: this rule can never match on open" },
	{ EV("open", "audit") "    args: -e\n", 5, "'args' is not available for open" },
	{ OPEN "    flags: [write, wrte]\n", 5,
	  "unknown open flag 'wrte' (did you mean 'write'?)" },
	{ OPEN "    flags: read\n", 5, "flags are write, truncate and create" },
	{ OPEN "    flags: [write, write]\n", 5, "'write' is listed twice in 'flags'" },
	/* actions an event does not have */
	{ EV("[exec, ptrace]", "deny"), 4,
	  "deny is not available for ptrace: deny is available for exec, open, connect "
	  "and bind; use kill or audit" },
	{ EV("setuid", "deny"), 4, "deny is not available for setuid" },
	{ EV("module", "deny"), 4, "deny is not available for module" },
	{ EV("bpf", "deny"), 4, "deny is not available for bpf" },
	{ EV("bind", "kill"), 4,
	  "kill is not available for bind: use deny: the call fails with EPERM" },
	{ EV("[exec, connect]", "kill"), 4, "kill is not available for connect" },
	/* addresses, ports, uids */
	{ NET "    address: 10.0.0.1/8\n", 5,
	  "has host bits set below /8 (did you mean 10.0.0.0/8?)" },
	{ NET "    address: [10.0.0.0/8, 300.1.1.1]\n", 5, "not an IPv4 or IPv6 address" },
	{ NET "    address:\n      - 10.0.0.0/8\n      - ::/129\n", 7,
	  "the prefix length must be 0 to 128" },
	{ NET "    address: [10.0.0.0/8, 10.0.0.0/8]\n", 5, "listed twice" },
	{ NET "    port: 9000-8000\n", 5,
	  "the port range '9000-8000' is empty (its start is above its end): write 8000-9000" },
	{ NET "    port: 65536\n", 5, "port '65536' is out of range: ports are 0 to 65535" },
	{ NET "    port: 99999999999999999999999\n", 5, "out of range" },
	{ NET "    port: http\n", 5,
	  "'http' is not a port or a range of them: write 80 or 8000-8999" },
	{ NET "    port: 80,443\n", 5, "not a port" },
	{ NET "    port: 80-\n", 5, "not a port" },
	{ R "    uid: 5-1\n", 5, "write 1-5" },
	{ R "    uid: 4294967295\n", 5, "uids are 0 to 4294967294" },
	{ R "    uid: -1\n", 5, "not a uid" },
	{ R "    uid: []\n", 5, "'uid' is an empty list" },
	/* rates */
	{ R "    rate: 1000001\n", 5, "rate 1000001 is above 1000000 events per second" },
	{ R "    rate: 10/m\n", 5, "'10/m' is not a rate" },
	{ R "    rate: -1\n", 5, "not a rate" },
	{ R "    rate: [1]\n", 5, "'rate' takes one value" },
	/* cgroups and containers */
	{ R "    cgroup: system.slice/y.service\n", 5,
	  "/system.slice/y.service' (No such file or directory)" },
	{ R "    cgroup: /nonexistent/sonde\n", 5, "no cgroup directory '/nonexistent/sonde'" },
	{ R "    cgroup: /proc\n", 5, "'/proc' is not in the cgroup v2 hierarchy" }, /* another mount */
	{ R "    cgroup: 0\n", 5, "cgroup id 0 does not exist" },
	{ R "    container: 999999999999\n", 5, "no cgroup directory for container 999999999999" },
	{ R "    container: abcdefabcdef\n", 5, "container abcdefabcdef is ambiguous" },
	{ R "    container: eeeeeeeeeeee\n", 5,
	  "no cgroup directory for container" }, /* too deep */
	{ R "    container: ffffffffffff\n", 5,
	  "no cgroup directory for container" }, /* via a symlink */
	{ R "    container: 3f2a9c1b\n", 5, "an id is 12 to 64 hex digits" },
	{ R "    container: zzzzzzzzzzzzzz\n", 5, "is not a container id" },
	/* conflicts */
	{ R "  - name: b\n    event: [open, exec]\n    action: kill\n", 5,
	  "rule 'b' conflicts with rule 'a' (line 2): same selectors, different actions (kill and audit) on exec" },
	{ R
	  "    binary: [/a, /b]\n  - name: b\n    event: exec\n    action: kill\n    binary: [/b, /a]\n",
	  6, "conflicts with rule 'a'" },
	{ R "    cgroup: system.slice/docker-" DOCKER_ID ".scope\n"
	    "  - name: b\n    event: exec\n    action: kill\n    container: 3f2a9c1b7d4e\n",
	  6, "conflicts with rule 'a'" },
};

static void test_parse_refusals(void **state)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		fails_at(bad[i].text, bad[i].line, bad[i].want);
}

static void test_parse_not_conflicts(void **state)
{
	struct policy p;

	/* Same selectors and action (rates may differ); disjoint events;
	 * different selectors: none conflicts. */
	parse_ok(&p,
		 R "    binary: /a\n"
		   "  - name: b\n    event: exec\n    action: audit\n    binary: /a\n    rate: 3\n"
		   "  - name: c\n    event: open\n    action: deny\n    binary: /a\n"
		   "  - name: d\n    event: exec\n    action: kill\n    binary: /a\n    uid: 0\n");
	assert_int_equal(p.nrules, 4);
	policy__free(&p);
}

/* Bounds that need long input: built here. */
static void test_parse_bounds(void **state)
{
	struct strbuf sb = { 0 };
	struct policy p;
	char path[300];

	memset(path, 'a', sizeof(path));
	path[0] = '/';
	path[253] = '\0'; /* 253 bytes: the longest exact path */
	sb__printf(&sb, R "    binary: %s\n", path);
	parse_ok(&p, sb.buf);
	assert_int_equal(p.rules[0].binary[0].len, 253);
	policy__free(&p);
	sb.len = 0;
	path[253] = 'a', path[254] = '\0';
	sb__printf(&sb, R "    binary: %s\n", path);
	fails_at(sb.buf, 5, "an exact path of 254 bytes in 'binary' can never match");
	sb.len = 0;
	path[254] = 'a', path[255] = '\0';
	sb__printf(&sb, R "    binary: %s\n", path);
	fails_at(sb.buf, 5, "a path of 255 bytes in 'binary': paths are shorter than 255 bytes");
	/* a prefix's '*' is not counted */
	sb.len = 0;
	sb__printf(&sb, R "    binary: \"%s*\"\n", path);
	fails_at(sb.buf, 5, "a path of 255 bytes");
	path[254] = '\0';
	sb.len = 0;
	sb__printf(&sb, R "    binary: \"%s*\"\n", path);
	parse_ok(&p, sb.buf);
	assert_true(p.rules[0].binary[0].prefix);
	assert_int_equal(p.rules[0].binary[0].len, 254);
	policy__free(&p);

	/* 64 items, then 65 (the 65th's line) */
	sb.len = 0;
	sb__printf(&sb, R "    uid:\n");
	for (int i = 0; i < POLICY_LIST_MAX; i++)
		sb__printf(&sb, "      - %d\n", i);
	parse_ok(&p, sb.buf);
	assert_int_equal(p.rules[0].nuid, POLICY_LIST_MAX);
	policy__free(&p);
	sb__printf(&sb, "      - 64\n");
	fails_at(sb.buf, 5 + POLICY_LIST_MAX + 1, "'uid' has more than 64 items (POLICY_LIST_MAX)");

	/* ENF_MAX_RULES rules, and one more */
	sb.len = 0;
	sb__printf(&sb, "rules:\n");
	for (int i = 0; i <= ENF_MAX_RULES; i++)
		sb__printf(&sb, "  - {name: r%d, event: exec, action: audit, binary: /b/%d}\n", i,
			   i);
	fails_at(sb.buf, 2 + ENF_MAX_RULES, "more than 16384 rules (ENF_MAX_RULES)");
	free(sb.buf);
}

static void test_load(void **state)
{
	struct policy p;
	struct enf_image img;
	char err[512];

	/* tests run from the repository's root */
	if (policy__load(&p, "deploy/policy.yaml", cgroot, err, sizeof(err)))
		fail_msg("deploy/policy.yaml: %s", err);
	assert_true(p.nrules >= 5);
	assert_false(p.dry_run);
	if (policy__compile(&p, 1, false, &img, err, sizeof(err)))
		fail_msg("deploy/policy.yaml: %s", err);
	assert_true(img.nrules >= p.nrules);
	enf_image__free(&img);
	policy__free(&p);

	assert_int_equal(policy__load(&p, "/nonexistent/policy.yaml", NULL, err, sizeof(err)),
			 -ENOENT);
	assert_string_equal(err,
			    "/nonexistent/policy.yaml: cannot open: No such file or directory");
	assert_int_equal(policy__load(&p, "deploy", NULL, err, sizeof(err)), -EISDIR);
	assert_string_equal(err, "deploy: is a directory, not a policy file");
}

static void test_names(void **state)
{
	assert_string_equal(enf_event__name(ENF_EV_EXEC), "exec");
	assert_string_equal(enf_event__name(ENF_EV_BPF), "bpf");
	assert_string_equal(enf_event__name(ENF_EV__COUNT), "unknown");
	assert_string_equal(enf_action__name(ENF_ACT_DENY), "deny");
	assert_string_equal(enf_action__name(3), "unknown");
	/* FNV-1a 64 reference values */
	assert_true(enf_hash("") == 0xcbf29ce484222325ULL);
	assert_true(enf_hash("a") == 0xaf63dc4c8601ec8cULL);
	assert_true(enf_hash("foobar") == 0x85944171f73967e8ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_full),     cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_parse_refusals), cmocka_unit_test(test_parse_not_conflicts),
		cmocka_unit_test(test_parse_bounds),   cmocka_unit_test(test_load),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

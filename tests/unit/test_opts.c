// SPDX-License-Identifier: Apache-2.0
/* Unit tests for src/core/opts.c, the option-table machinery: YAML config
 * text and files, command-line flags, and their error messages. The table is
 * sonde's own config__opts(); its defaults, usage text and config__load are in
 * test_config.c. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/config.h"
#include "core/opts.h"
#include "opts_helpers.h"

/* ---- helpers ---- */

/* Parses YAML text into a defaulted config; returns the result. */
static int yaml(struct sonde_config *c, const char *text, char *err, size_t errsz)
{
	defaults(c);
	err[0] = '\0';
	return opts__parse_yaml_str(config__opts(), c, "test.yaml", text, strlen(text), err, errsz);
}

/* The YAML must be accepted, with no error text. */
static void yaml_ok(struct sonde_config *c, const char *text)
{
	char err[512];
	int ret = yaml(c, text, err, sizeof(err));

	if (ret != 0)
		fail_msg("YAML refused (%d): %s\n%s", ret, err, text);
	assert_int_equal(ret, 0);
	assert_string_equal(err, "");
}

/* The YAML must fail with exactly this message. */
static void yaml_fails(const char *text, const char *want)
{
	struct sonde_config c;
	char err[512];
	int ret = yaml(&c, text, err, sizeof(err));

	if (ret == 0)
		fail_msg("YAML was accepted, want error \"%s\":\n%s", want, text);
	assert_true(ret < 0);
	assert_string_equal(err, want);
}

/* Parses the file at path into a defaulted config; returns the result. */
static int yaml_file(struct sonde_config *c, const char *path, char *err, size_t errsz)
{
	defaults(c);
	return opts__parse_yaml(config__opts(), c, path, err, errsz);
}

static int argv_parse(struct sonde_config *c, char **argv, int *next, const char **errout)
{
	int argc = 0, ret;

	while (argv[argc])
		argc++;
	defaults(c);
	capture_begin();
	ret = opts__parse_argv(config__opts(), c, argc, argv, next);
	*errout = capture_end();
	return ret;
}

/* ---- YAML: good input ---- */

static void test_yaml_good(void **state)
{
	static const char text[] =
		"# sonde config\n"
		"listen: \"[::1]:9000\"\n"
		"log_level: debug\n"
		"collectors:\n"
		"  - syscalls\n"
		"  - exec\n"
		"interval: 5\n"
		"prog_stats: yes\n"
		"attach_only: TRUE\n"
		"events:\n"
		"  path: /var/log/sonde/events.jsonl\n"
		"  max_bytes: 1M\n"
		"  keep: 5\n"
		"filter:\n"
		"  pid: 1234\n"
		"  comm: nginx\n"
		"  cgroup: /sys/fs/cgroup/system.slice\n"
		"syscalls:\n"
		"  hook: raw_tp\n"
		"  max_keys: 2048\n"
		"  max_errors: 0x100\n"
		"  max_comms: 2K\n"
		"  latency_sample: 1\n"
		"  inflight_slots: 65536\n";
	struct sonde_config c;

	(void)state;
	yaml_ok(&c, text);
	assert_string_equal(c.listen, "[::1]:9000");
	assert_int_equal(c.log_level, 3);
	assert_string_equal(c.collectors, "syscalls,exec");
	assert_int_equal(c.interval, 5);
	assert_true(c.prog_stats);
	assert_true(c.attach_only);
	assert_string_equal(c.events_path, "/var/log/sonde/events.jsonl");
	assert_int_equal(c.events_max_bytes, 1L << 20);
	assert_int_equal(c.events_keep, 5);
	assert_int_equal(c.filter.pid, 1234);
	assert_string_equal(c.filter.comm, "nginx");
	assert_string_equal(c.filter.cgroup, "/sys/fs/cgroup/system.slice");
	assert_int_equal(opt_int(&c, "syscalls.hook"), 2);
	assert_int_equal(opt_long(&c, "syscalls.max_keys"), 2048);
	assert_int_equal(opt_long(&c, "syscalls.max_errors"), 256);
	assert_int_equal(opt_long(&c, "syscalls.max_comms"), 2048);
	assert_int_equal(opt_long(&c, "syscalls.latency_sample"), 1);
	assert_int_equal(opt_long(&c, "syscalls.inflight_slots"), 65536);
	/* Untouched options keep their defaults. */
	assert_string_equal(c.config_path, "");
}

static void test_yaml_flow_and_partial(void **state)
{
	struct sonde_config c;

	(void)state;
	/* Flow style, a flow list, and sections after a list. */
	yaml_ok(&c, "{collectors: [a, b, c], syscalls: {max_keys: 64}, interval: 3600}\n");
	assert_string_equal(c.collectors, "a,b,c");
	assert_int_equal(opt_long(&c, "syscalls.max_keys"), 64);
	assert_int_equal(c.interval, 3600);
	assert_int_equal(opt_long(&c, "syscalls.max_errors"), 4096);	/* default kept */

	/* A one-element list; a section that comes back later. */
	yaml_ok(&c,
		"syscalls:\n  max_keys: 100\n"
		"collectors: [syscalls]\n"
		"syscalls:\n  max_comms: 16\n");
	assert_string_equal(c.collectors, "syscalls");
	assert_int_equal(opt_long(&c, "syscalls.max_keys"), 100);
	assert_int_equal(opt_long(&c, "syscalls.max_comms"), 16);

	/* An empty list is the empty string. */
	yaml_ok(&c, "collectors: []\n");
	assert_string_equal(c.collectors, "");

	/* Empty value clears a string; quoted numbers are numbers. */
	yaml_ok(&c, "events:\n  path: ''\ninterval: '7'\n");
	assert_string_equal(c.events_path, "");
	assert_int_equal(c.interval, 7);
}

static void test_yaml_empty(void **state)
{
	struct sonde_config c;

	(void)state;
	yaml_ok(&c, "");
	assert_defaults(&c);
	yaml_ok(&c, "# only a comment\n\n");
	assert_defaults(&c);
}

/* A document with no content (a template whose every option is commented
 * out under a "---" marker) is an empty config, like an empty file. */
static void test_yaml_empty_document(void **state)
{
	struct sonde_config c;

	(void)state;
	yaml_ok(&c, "---\n# interval: 10\n");
	assert_defaults(&c);
	yaml_ok(&c, "---\n...\n");
	assert_defaults(&c);
}

static void test_yaml_values(void **state)
{
	static const struct {
		const char *text;
		long bytes;
	} sizes[] = {
		{ "events:\n  max_bytes: 64M\n", 64L << 20 },
		{ "events:\n  max_bytes: 2g\n", 2L << 30 },
		{ "events:\n  max_bytes: 1024G\n", 1L << 40 },	/* the maximum */
		{ "events:\n  max_bytes: 0\n", 0 },
	};
	struct sonde_config c;

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		yaml_ok(&c, sizes[i].text);
		assert_int_equal(c.events_max_bytes, sizes[i].bytes);
	}
	yaml_ok(&c, "log_level: WARN\nprog_stats: off\n");
	assert_int_equal(c.log_level, 1);
	assert_false(c.prog_stats);
	yaml_ok(&c, "syscalls:\n  hook: tracepoint\n");
	assert_int_equal(opt_int(&c, "syscalls.hook"), 3);
	/* The longest strings that fit. */
	yaml_ok(&c, "filter:\n  comm: 0123456789abcde\n");
	assert_string_equal(c.filter.comm, "0123456789abcde");
}

/* ---- YAML: errors name the file, the line and the reason ---- */

static void test_yaml_unknown_key(void **state)
{
	(void)state;
	yaml_fails("intervall: 5\n",
		   "test.yaml:1: unknown option 'intervall' (did you mean 'interval'?)");
	yaml_fails("interval: 5\nsyscalls:\n  max_key: 100\n",
		   "test.yaml:3: unknown option 'syscalls.max_key' (did you mean 'syscalls.max_keys'?)");
	yaml_fails("listen: x\nsyscals:\n  max_keys: 100\n",
		   "test.yaml:3: unknown option 'syscals.max_keys' (did you mean 'syscalls.max_keys'?)");
	/* Nothing close: no suggestion. */
	yaml_fails("\n\nwhatever_this_is: 1\n", "test.yaml:3: unknown option 'whatever_this_is'");
	/* A section name on its own is not an option. */
	yaml_fails("events: on\n", "test.yaml:1: unknown option 'events'");
}

static void test_yaml_wrong_type(void **state)
{
	(void)state;
	yaml_fails("interval: fast\n", "test.yaml:1: 'interval' wants an integer, got 'fast'");
	yaml_fails("interval: 5s\n", "test.yaml:1: 'interval' wants an integer, got '5s'");
	yaml_fails("interval: 1.5\n", "test.yaml:1: 'interval' wants an integer, got '1.5'");
	yaml_fails("interval:\n", "test.yaml:1: 'interval' needs a value");
	yaml_fails("# c\nevents:\n  keep: [1, 2]\n", "test.yaml:3: 'events.keep' takes one value, not a list");
	yaml_fails("prog_stats: maybe\n", "test.yaml:1: 'prog_stats' wants true or false, got 'maybe'");
	yaml_fails("log_level: verbose\n",
		   "test.yaml:1: 'log_level' must be one of error|warn|info|debug, got 'verbose'");
	yaml_fails("syscalls:\n  hook: kprobe\n",
		   "test.yaml:2: 'syscalls.hook' must be one of auto|tp_btf|raw_tp|tracepoint, got 'kprobe'");
}

static void test_yaml_out_of_range(void **state)
{
	(void)state;
	yaml_fails("interval: 0\n", "test.yaml:1: 'interval' must be between 1 and 3600, got 0");
	yaml_fails("interval: 3601\n", "test.yaml:1: 'interval' must be between 1 and 3600, got 3601");
	yaml_fails("interval: -1\n", "test.yaml:1: 'interval' must be between 1 and 3600, got -1");
	yaml_fails("syscalls:\n  max_keys: 63\n",
		   "test.yaml:2: 'syscalls.max_keys' must be between 64 and 1048576, got 63");
	yaml_fails("events:\n  max_bytes: 1025G\n",
		   "test.yaml:2: 'events.max_bytes' must be between 0 and 1099511627776, got 1100585369600");
	/* strtol's own overflow. */
	yaml_fails("interval: 99999999999999999999\n",
		   "test.yaml:1: 'interval' wants an integer, got '99999999999999999999'");
}

/* A K/M/G suffix must not wrap a huge number into the allowed range:
 * 2^54 K is 2^64 bytes, not 0; 2^54+1 K is not 1024. */
static void test_yaml_int_suffix_overflow(void **state)
{
	struct sonde_config c;
	char err[256];

	(void)state;
	if (yaml(&c, "events:\n  max_bytes: 18014398509481984K\n", err, sizeof(err)) == 0)
		fail_msg("max_bytes 18014398509481984K (2^64) accepted as %ld", c.events_max_bytes);
	assert_non_null(strstr(err, "test.yaml:2: 'events.max_bytes'"));
	if (yaml(&c, "filter:\n  pid: 18014398509481985K\n", err, sizeof(err)) == 0)
		fail_msg("pid 18014398509481985K accepted as %ld", c.filter.pid);
	assert_non_null(strstr(err, "test.yaml:2: 'filter.pid'"));
	if (yaml(&c, "interval: 8589934592G\n", err, sizeof(err)) == 0)
		fail_msg("interval 8589934592G accepted as %ld", c.interval);
}

static void test_yaml_too_long(void **state)
{
	(void)state;
	yaml_fails("filter:\n  comm: 0123456789abcdef\n",
		   "test.yaml:2: value for 'filter.comm' is too long (at most 15 characters)");
	{
		char text[512];

		strcpy(text, "listen: ");
		memset(text + 8, 'x', 128);
		strcpy(text + 136, "\n");
		yaml_fails(text, "test.yaml:1: value for 'listen' is too long (at most 127 characters)");
	}
}

static void test_yaml_syntax(void **state)
{
	struct sonde_config c;
	char err[256];

	(void)state;
	/* A value that starts a mapping in the middle of a line. */
	yaml_fails("# comment\ninterval: 5\nlisten: x\ncollectors: a: b\n",
		   "test.yaml:4: mapping values are not allowed in this context");
	/* A tab where indentation is expected. */
	assert_true(yaml(&c, "interval: 5\nevents:\n\tkeep: 2\n", err, sizeof(err)) < 0);
	assert_memory_equal(err, "test.yaml:3: ", 13);
	/* An unterminated quote: the error is reported, with a line. */
	assert_true(yaml(&c, "interval: 5\nlisten: \"x\n", err, sizeof(err)) < 0);
	assert_memory_equal(err, "test.yaml:", 10);
	/* Bad indentation. */
	assert_true(yaml(&c, "events:\n    path: a\n  keep: 2\n", err, sizeof(err)) < 0);
	assert_memory_equal(err, "test.yaml:3: ", 13);
}

static void test_yaml_structure(void **state)
{
	(void)state;
	yaml_fails("hello\n", "test.yaml:1: expected a mapping of options, got 'hello'");
	yaml_fails("\n42\n", "test.yaml:2: expected a mapping of options, got '42'");
	yaml_fails("- a\n- b\n", "test.yaml:1: unexpected list");
	yaml_fails("collectors:\n  - name: x\n", "test.yaml:2: a list may hold only plain values");
	yaml_fails("collectors:\n  - [a, b]\n", "test.yaml:2: unexpected list");
	yaml_fails("? [a, b]\n: 1\n", "test.yaml:1: unexpected list");
	yaml_fails("? {a: 1}\n: 2\n", "test.yaml:1: a mapping cannot be used as a key");
	yaml_fails("events.path: x\n", "test.yaml:1: invalid key 'events.path'");
	yaml_fails("a:\n b:\n  c:\n   d:\n    e:\n     f:\n      g:\n       h:\n        i: 1\n",
		   "test.yaml:9: nesting too deep");
	{
		char text[256];

		memset(text, 'k', 70);
		strcpy(text + 70, ": 1\n");
		yaml_fails(text, "test.yaml:1: invalid key "
				 "'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk'");
	}
}

static void test_yaml_aliases(void **state)
{
	(void)state;
	yaml_fails("listen: &addr 127.0.0.1:1\nevents:\n  path: *addr\n",
		   "test.yaml:3: aliases are not supported");
	yaml_fails("base: &b\n  keep: 1\nevents: *b\n", "test.yaml:2: unknown option 'base.keep'");
	yaml_fails("collectors: [&x a, *x]\n", "test.yaml:1: aliases are not supported");
}

/* The error text is cut to the buffer and stays NUL-terminated. */
static void test_yaml_error_truncated(void **state)
{
	struct sonde_config c;
	char err[16];

	(void)state;
	memset(err, 'X', sizeof(err));
	assert_true(opts__parse_yaml_str(config__opts(), &c, "a-long-file-name.yaml", "intervall: 5\n", 13,
					 err, sizeof(err)) < 0);
	assert_int_equal(strlen(err), sizeof(err) - 1);
	assert_string_equal(err, "a-long-file-nam");
}

/* opts__parse_yaml_str takes a length, not a NUL: nothing past it is read. */
static void test_yaml_length_bounded(void **state)
{
	struct sonde_config c;
	char err[256];
	const char text[] = "interval: 5\ninterval: 9999\n";
	char *heap = malloc(12);

	(void)state;
	memcpy(heap, text, 12);	/* "interval: 5\n", no NUL */
	defaults(&c);
	assert_int_equal(opts__parse_yaml_str(config__opts(), &c, "t", heap, 12, err, sizeof(err)), 0);
	assert_int_equal(c.interval, 5);
	free(heap);
}

/* ---- YAML from a file ---- */

static void test_yaml_file(void **state)
{
	struct sonde_config c;
	char err[512], want[512];
	const char *path;

	(void)state;
	path = write_file("good.yaml", "interval: 30\nfilter:\n  comm: bash\n");
	assert_int_equal(yaml_file(&c, path, err, sizeof(err)), 0);
	assert_int_equal(c.interval, 30);
	assert_string_equal(c.filter.comm, "bash");

	path = write_file("bad.yaml", "interval: 30\nfilter:\n  pid: -4\n");
	assert_true(yaml_file(&c, path, err, sizeof(err)) < 0);
	snprintf(want, sizeof(want), "%s:3: 'filter.pid' must be between 0 and 4194304, got -4", path);
	assert_string_equal(err, want);

	path = write_file("empty.yaml", "");
	assert_int_equal(yaml_file(&c, path, err, sizeof(err)), 0);
	assert_defaults(&c);

	snprintf(want, sizeof(want), "%s/missing.yaml", tmpdir);
	assert_int_equal(yaml_file(&c, want, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "missing.yaml: cannot open: No such file or directory"));
}

static void test_yaml_file_large(void **state)
{
	struct sonde_config c;
	char err[512], path[128];
	FILE *f;

	(void)state;
	/* 10000 comment lines then a value: read past the first buffer. */
	snprintf(path, sizeof(path), "%s/long.yaml", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 10000; i++)
		fprintf(f, "# line %d\n", i);
	fputs("interval: 42\n", f);
	fclose(f);
	assert_int_equal(yaml_file(&c, path, err, sizeof(err)), 0);
	assert_int_equal(c.interval, 42);

	/* More than 1 MiB is refused. */
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < (2 << 20) / 64; i++)
		fprintf(f, "#%062d\n", i);
	fclose(f);
	assert_true(yaml_file(&c, path, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "larger than 1 MiB"));
}

/* ---- argv ---- */

static void test_argv_good(void **state)
{
	struct sonde_config c;
	const char *err;
	int next = -1;
	char *argv[] = { "sonde", "--listen", "0.0.0.0:1", "--interval=7", "-p", "123",
			 "--prog-stats", "--log-level", "debug", "-C", "a,b", "--events=",
			 "--syscalls-max-keys", "4K", "--comm=sshd", "rest", "--interval", "9", NULL };

	(void)state;
	assert_int_equal(argv_parse(&c, argv, &next, &err), 0);
	assert_string_equal(err, "");
	assert_string_equal(c.listen, "0.0.0.0:1");
	assert_int_equal(c.interval, 7);	/* parsing stopped at "rest" */
	assert_int_equal(c.filter.pid, 123);
	assert_true(c.prog_stats);
	assert_int_equal(c.log_level, 3);
	assert_string_equal(c.collectors, "a,b");
	assert_string_equal(c.events_path, "");
	assert_int_equal(opt_long(&c, "syscalls.max_keys"), 4096);
	assert_string_equal(c.filter.comm, "sshd");
	assert_int_equal(next, 15);
	assert_string_equal(argv[next], "rest");
}

static void test_argv_bool(void **state)
{
	static struct {
		char *argv[4];
		bool prog_stats, attach_only;
		int next;
	} cases[] = {
		{ { "sonde", "--prog-stats", "--no-prog-stats" }, false, false, 3 },
		{ { "sonde", "--no-prog-stats", "--attach-only" }, false, true, 3 },
		{ { "sonde", "--prog-stats=false", "--attach-only=yes" }, false, true, 3 },
		/* A bool flag does not take the next word as its value. */
		{ { "sonde", "--prog-stats", "false" }, true, false, 2 },
	};
	struct sonde_config c;
	const char *err;
	int next;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(argv_parse(&c, cases[i].argv, &next, &err), 0);
		assert_int_equal(c.prog_stats, cases[i].prog_stats);
		assert_int_equal(c.attach_only, cases[i].attach_only);
		assert_int_equal(next, cases[i].next);
	}
	{
		char *argv[] = { "sonde", "--prog-stats=perhaps", NULL };

		assert_true(argv_parse(&c, argv, &next, &err) < 0);
		assert_non_null(strstr(err, "'prog_stats' wants true or false, got 'perhaps'"));
	}
}

static void test_argv_stops(void **state)
{
	struct sonde_config c;
	const char *err;
	int next;

	(void)state;
	{
		char *argv[] = { "sonde", "--interval", "5", "--", "--interval", "6", NULL };

		assert_int_equal(argv_parse(&c, argv, &next, &err), 0);
		assert_int_equal(c.interval, 5);
		assert_int_equal(next, 4);
	}
	{
		char *argv[] = { "sonde", "agent", "--interval", "6", NULL };

		assert_int_equal(argv_parse(&c, argv, &next, &err), 0);
		assert_int_equal(c.interval, 10);
		assert_int_equal(next, 1);
	}
	{
		char *argv[] = { "sonde", "-", NULL };	/* "-" is an argument */

		assert_int_equal(argv_parse(&c, argv, &next, &err), 0);
		assert_int_equal(next, 1);
	}
	{
		/* A value that looks like a flag is still the value. */
		char *argv[] = { "sonde", "--events", "-", "--comm", "-x", NULL };

		assert_int_equal(argv_parse(&c, argv, &next, &err), 0);
		assert_string_equal(c.events_path, "-");
		assert_string_equal(c.filter.comm, "-x");
		assert_int_equal(next, 5);
	}
}

/* Each refused with -EINVAL and this message on stderr: all of it, or with
 * part set, somewhere in it. */
static void test_argv_errors(void **state)
{
	static struct {
		char *argv[4];
		const char *err;
		bool part;
	} cases[] = {
		{ { "sonde", "--intervl", "5" },
		  "sonde: unknown option '--intervl' (did you mean '--interval'?)\n", false },
		{ { "sonde", "--frobnicate" }, "sonde: unknown option '--frobnicate'\n", false },
		{ { "sonde", "--no-listen" }, "unknown option '--no-listen'", true },	/* not a bool */
		{ { "sonde", "-x" }, "sonde: unknown option '-x'\n", false },
		{ { "sonde", "--interval" }, "sonde: option '--interval' needs a value (SECONDS)\n", false },
		{ { "sonde", "-p" }, "sonde: option '-p' needs a value (PID)\n", false },
		{ { "sonde", "-p", "abc" }, "sonde: -p: 'filter.pid' wants an integer, got 'abc'\n", false },
		{ { "sonde", "--interval=0" },
		  "sonde: --interval=0: 'interval' must be between 1 and 3600, got 0\n", false },
		{ { "sonde", "--comm", "0123456789abcdef" },
		  "value for 'filter.comm' is too long (at most 15 characters)", true },
		{ { "sonde", "--log-level", "loud" }, "must be one of error|warn|info|debug, got 'loud'", true },
	};
	struct sonde_config c;
	const char *err;
	int next;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(argv_parse(&c, cases[i].argv, &next, &err), -EINVAL);
		if (cases[i].part)
			assert_non_null(strstr(err, cases[i].err));
		else
			assert_string_equal(err, cases[i].err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yaml_good),
		cmocka_unit_test(test_yaml_flow_and_partial),
		cmocka_unit_test(test_yaml_empty),
		cmocka_unit_test(test_yaml_empty_document),
		cmocka_unit_test(test_yaml_values),
		cmocka_unit_test(test_yaml_unknown_key),
		cmocka_unit_test(test_yaml_wrong_type),
		cmocka_unit_test(test_yaml_out_of_range),
		cmocka_unit_test(test_yaml_too_long),
		cmocka_unit_test(test_yaml_syntax),
		cmocka_unit_test(test_yaml_structure),
		cmocka_unit_test(test_yaml_aliases),
		cmocka_unit_test(test_yaml_error_truncated),
		cmocka_unit_test(test_yaml_length_bounded),
		cmocka_unit_test_setup_teardown(test_yaml_file, make_tmpdir, remove_tmpdir),
		cmocka_unit_test_setup_teardown(test_yaml_file_large, make_tmpdir, remove_tmpdir),
		cmocka_unit_test(test_argv_good),
		cmocka_unit_test(test_argv_bool),
		cmocka_unit_test(test_argv_stops),
		cmocka_unit_test(test_argv_errors),
		/* Last: hits undefined behaviour in src/ until fixed, which
		 * aborts the whole binary in the UBSan build. */
		cmocka_unit_test(test_yaml_int_suffix_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for src/core/opts.c and src/core/config.c: one option table
 * drives defaults, the YAML config file and command-line flags. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/config.h"
#include "core/opts.h"

/* ---- helpers ---- */

static struct {
	FILE *f;
	int saved;
} cap = { NULL, -1 };

/* Redirects stderr (fd 2) into a temporary file. */
static void capture_begin(void)
{
	fflush(stderr);
	cap.f = tmpfile();
	assert_non_null(cap.f);
	cap.saved = dup(2);
	assert_true(cap.saved >= 0);
	assert_true(dup2(fileno(cap.f), 2) >= 0);
}

/* Restores stderr; returns what was written to it (static buffer). */
static const char *capture_end(void)
{
	static char buf[4096];
	size_t n;

	fflush(stderr);
	dup2(cap.saved, 2);
	close(cap.saved);
	cap.saved = -1;
	rewind(cap.f);
	n = fread(buf, 1, sizeof(buf) - 1, cap.f);
	buf[n] = '\0';
	fclose(cap.f);
	cap.f = NULL;
	return buf;
}

static void defaults(struct sonde_config *c)
{
	memset(c, 0x5a, sizeof(*c));	/* anything the defaults miss shows */
	assert_int_equal(opts__defaults(config_opts, c), 0);
}

/* Parses YAML text into a defaulted config; returns the result. */
static int yaml(struct sonde_config *c, const char *text, char *err, size_t errsz)
{
	defaults(c);
	err[0] = '\0';
	return opts__parse_yaml_str(config_opts, c, "test.yaml", text, strlen(text), err, errsz);
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

static char tmpdir[64];

static int make_tmpdir(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/sonde-opts-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *write_file(const char *name, const char *text)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* ---- defaults ---- */

static void assert_defaults(const struct sonde_config *c)
{
	assert_string_equal(c->config_path, "");
	assert_string_equal(c->listen, "127.0.0.1:9610");
	assert_int_equal(c->log_level, 2);	/* info */
	assert_string_equal(c->collectors, "syscalls");
	assert_int_equal(c->interval, 10);
	assert_false(c->prog_stats);
	assert_false(c->attach_only);
	assert_string_equal(c->events_path, "-");
	assert_int_equal(c->events_max_bytes, 64L << 20);
	assert_int_equal(c->events_keep, 3);
	assert_int_equal(c->filter.pid, 0);
	assert_string_equal(c->filter.comm, "");
	assert_string_equal(c->filter.cgroup, "");
	assert_int_equal(c->syscalls.hook, 0);
	assert_int_equal(c->syscalls.max_keys, 10240);
	assert_int_equal(c->syscalls.max_errors, 4096);
	assert_int_equal(c->syscalls.max_comms, 1024);
	assert_int_equal(c->syscalls.latency_sample, 16);
	assert_int_equal(c->syscalls.inflight_slots, 32768);
}

static void test_defaults(void **state)
{
	struct sonde_config c;

	(void)state;
	defaults(&c);
	assert_defaults(&c);
}

static void test_config_load_defaults(void **state)
{
	struct sonde_config c;
	char *argv[] = { "sonde", NULL };
	int next = -1;

	(void)state;
	memset(&c, 0x5a, sizeof(c));
	assert_int_equal(config__load(&c, 1, argv, &next), 0);
	assert_defaults(&c);
	assert_int_equal(next, 1);
}

/* Every default in the table is itself a valid value, and every option has
 * a unique key and flag. */
static void test_table_consistent(void **state)
{
	(void)state;
	for (const struct opt *o = config_opts; o->key; o++) {
		struct sonde_config c;
		char err[256] = "";

		if (o->def && opts__set(o, &c, o->def, err, sizeof(err)))
			fail_msg("default of %s invalid: %s", o->key, err);
		assert_non_null(o->help);
		if (o->type == OPT_STR)
			assert_true(o->size > 1);
		if (o->type == OPT_INT)
			assert_true(o->min <= o->max);
		if (o->type == OPT_ENUM)
			assert_non_null(o->choices);
		for (const struct opt *p = o + 1; p->key; p++) {
			assert_string_not_equal(o->key, p->key);
			if (o->flag && p->flag)
				assert_string_not_equal(o->flag, p->flag);
			if (o->short_name)
				assert_true(o->short_name != p->short_name);
		}
	}
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
	char err[256];

	(void)state;
	assert_int_equal(yaml(&c, text, err, sizeof(err)), 0);
	assert_string_equal(err, "");
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
	assert_int_equal(c.syscalls.hook, 2);
	assert_int_equal(c.syscalls.max_keys, 2048);
	assert_int_equal(c.syscalls.max_errors, 256);
	assert_int_equal(c.syscalls.max_comms, 2048);
	assert_int_equal(c.syscalls.latency_sample, 1);
	assert_int_equal(c.syscalls.inflight_slots, 65536);
	/* Untouched options keep their defaults. */
	assert_string_equal(c.config_path, "");
}

static void test_yaml_flow_and_partial(void **state)
{
	struct sonde_config c;
	char err[256];

	(void)state;
	/* Flow style, a flow list, and sections after a list. */
	assert_int_equal(yaml(&c, "{collectors: [a, b, c], syscalls: {max_keys: 64}, interval: 3600}\n",
			      err, sizeof(err)), 0);
	assert_string_equal(c.collectors, "a,b,c");
	assert_int_equal(c.syscalls.max_keys, 64);
	assert_int_equal(c.interval, 3600);
	assert_int_equal(c.syscalls.max_errors, 4096);	/* default kept */

	/* A one-element list; a section that comes back later. */
	assert_int_equal(yaml(&c,
			      "syscalls:\n  max_keys: 100\n"
			      "collectors: [syscalls]\n"
			      "syscalls:\n  max_comms: 16\n",
			      err, sizeof(err)), 0);
	assert_string_equal(c.collectors, "syscalls");
	assert_int_equal(c.syscalls.max_keys, 100);
	assert_int_equal(c.syscalls.max_comms, 16);

	/* An empty list is the empty string. */
	assert_int_equal(yaml(&c, "collectors: []\n", err, sizeof(err)), 0);
	assert_string_equal(c.collectors, "");

	/* Empty value clears a string; quoted numbers are numbers. */
	assert_int_equal(yaml(&c, "events:\n  path: ''\ninterval: '7'\n", err, sizeof(err)), 0);
	assert_string_equal(c.events_path, "");
	assert_int_equal(c.interval, 7);
}

static void test_yaml_empty(void **state)
{
	struct sonde_config c;
	char err[256];

	(void)state;
	assert_int_equal(yaml(&c, "", err, sizeof(err)), 0);
	assert_defaults(&c);
	assert_int_equal(yaml(&c, "# only a comment\n\n", err, sizeof(err)), 0);
	assert_defaults(&c);
}

/* A document with no content (a template whose every option is commented
 * out under a "---" marker) is an empty config, like an empty file. */
static void test_yaml_empty_document(void **state)
{
	struct sonde_config c;
	char err[256];

	(void)state;
	if (yaml(&c, "---\n# interval: 10\n", err, sizeof(err)))
		fail_msg("empty document refused: %s", err);
	assert_defaults(&c);
	if (yaml(&c, "---\n...\n", err, sizeof(err)))
		fail_msg("empty document refused: %s", err);
	assert_defaults(&c);
}

static void test_yaml_values(void **state)
{
	struct sonde_config c;
	char err[256];

	(void)state;
	assert_int_equal(yaml(&c, "events:\n  max_bytes: 64M\n", err, sizeof(err)), 0);
	assert_int_equal(c.events_max_bytes, 64L << 20);
	assert_int_equal(yaml(&c, "events:\n  max_bytes: 2g\n", err, sizeof(err)), 0);
	assert_int_equal(c.events_max_bytes, 2L << 30);
	assert_int_equal(yaml(&c, "events:\n  max_bytes: 1024G\n", err, sizeof(err)), 0);
	assert_int_equal(c.events_max_bytes, 1L << 40);	/* the maximum */
	assert_int_equal(yaml(&c, "events:\n  max_bytes: 0\n", err, sizeof(err)), 0);
	assert_int_equal(c.events_max_bytes, 0);
	assert_int_equal(yaml(&c, "log_level: WARN\nprog_stats: off\n", err, sizeof(err)), 0);
	assert_int_equal(c.log_level, 1);
	assert_false(c.prog_stats);
	assert_int_equal(yaml(&c, "syscalls:\n  hook: tracepoint\n", err, sizeof(err)), 0);
	assert_int_equal(c.syscalls.hook, 3);
	/* The longest strings that fit. */
	assert_int_equal(yaml(&c, "filter:\n  comm: 0123456789abcde\n", err, sizeof(err)), 0);
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
	yaml_fails("# c\nevents:\n  keep: [1, 2]\n", "test.yaml:3: 'events.keep' wants an integer, got '1,2'");
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
	assert_true(opts__parse_yaml_str(config_opts, &c, "a-long-file-name.yaml", "intervall: 5\n", 13,
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
	assert_int_equal(opts__parse_yaml_str(config_opts, &c, "t", heap, 12, err, sizeof(err)), 0);
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
	defaults(&c);
	assert_int_equal(opts__parse_yaml(config_opts, &c, path, err, sizeof(err)), 0);
	assert_int_equal(c.interval, 30);
	assert_string_equal(c.filter.comm, "bash");

	path = write_file("bad.yaml", "interval: 30\nfilter:\n  pid: -4\n");
	defaults(&c);
	assert_true(opts__parse_yaml(config_opts, &c, path, err, sizeof(err)) < 0);
	snprintf(want, sizeof(want), "%s:3: 'filter.pid' must be between 0 and 4194304, got -4", path);
	assert_string_equal(err, want);

	path = write_file("empty.yaml", "");
	defaults(&c);
	assert_int_equal(opts__parse_yaml(config_opts, &c, path, err, sizeof(err)), 0);
	assert_defaults(&c);

	snprintf(want, sizeof(want), "%s/missing.yaml", tmpdir);
	assert_int_equal(opts__parse_yaml(config_opts, &c, want, err, sizeof(err)), -ENOENT);
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
	defaults(&c);
	assert_int_equal(opts__parse_yaml(config_opts, &c, path, err, sizeof(err)), 0);
	assert_int_equal(c.interval, 42);

	/* More than 1 MiB is refused. */
	f = fopen(path, "w");
	for (int i = 0; i < (2 << 20) / 64; i++)
		fprintf(f, "#%062d\n", i);
	fclose(f);
	assert_true(opts__parse_yaml(config_opts, &c, path, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "larger than 1 MiB"));
}

/* ---- argv ---- */

static int argv_parse(struct sonde_config *c, char **argv, int *next, const char **errout)
{
	int argc = 0, ret;

	while (argv[argc])
		argc++;
	defaults(c);
	capture_begin();
	ret = opts__parse_argv(config_opts, c, argc, argv, next);
	*errout = capture_end();
	return ret;
}

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
	assert_int_equal(c.syscalls.max_keys, 4096);
	assert_string_equal(c.filter.comm, "sshd");
	assert_int_equal(next, 15);
	assert_string_equal(argv[next], "rest");
}

static void test_argv_bool(void **state)
{
	struct sonde_config c;
	const char *err;
	int next;

	(void)state;
	{
		char *argv[] = { "sonde", "--prog-stats", "--no-prog-stats", NULL };

		assert_int_equal(argv_parse(&c, argv, &next, &err), 0);
		assert_false(c.prog_stats);
	}
	{
		char *argv[] = { "sonde", "--no-prog-stats", "--attach-only", NULL };

		assert_int_equal(argv_parse(&c, argv, &next, &err), 0);
		assert_false(c.prog_stats);
		assert_true(c.attach_only);
		assert_int_equal(next, 3);
	}
	{
		char *argv[] = { "sonde", "--prog-stats=false", "--attach-only=yes", NULL };

		assert_int_equal(argv_parse(&c, argv, &next, &err), 0);
		assert_false(c.prog_stats);
		assert_true(c.attach_only);
	}
	{
		/* A bool flag does not take the next word as its value. */
		char *argv[] = { "sonde", "--prog-stats", "false", NULL };

		assert_int_equal(argv_parse(&c, argv, &next, &err), 0);
		assert_true(c.prog_stats);
		assert_int_equal(next, 2);
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

static void test_argv_errors(void **state)
{
	struct sonde_config c;
	const char *err;
	int next;

	(void)state;
	{
		char *argv[] = { "sonde", "--intervl", "5", NULL };

		assert_int_equal(argv_parse(&c, argv, &next, &err), -EINVAL);
		assert_string_equal(err, "sonde: unknown option '--intervl' (did you mean '--interval'?)\n");
	}
	{
		char *argv[] = { "sonde", "--frobnicate", NULL };

		assert_int_equal(argv_parse(&c, argv, &next, &err), -EINVAL);
		assert_string_equal(err, "sonde: unknown option '--frobnicate'\n");
	}
	{
		char *argv[] = { "sonde", "--no-listen", NULL };	/* not a bool */

		assert_int_equal(argv_parse(&c, argv, &next, &err), -EINVAL);
		assert_non_null(strstr(err, "unknown option '--no-listen'"));
	}
	{
		char *argv[] = { "sonde", "-x", NULL };

		assert_int_equal(argv_parse(&c, argv, &next, &err), -EINVAL);
		assert_string_equal(err, "sonde: unknown option '-x'\n");
	}
	{
		char *argv[] = { "sonde", "--interval", NULL };

		assert_int_equal(argv_parse(&c, argv, &next, &err), -EINVAL);
		assert_string_equal(err, "sonde: option '--interval' needs a value (SECONDS)\n");
	}
	{
		char *argv[] = { "sonde", "-p", NULL };

		assert_int_equal(argv_parse(&c, argv, &next, &err), -EINVAL);
		assert_string_equal(err, "sonde: option '-p' needs a value (PID)\n");
	}
	{
		char *argv[] = { "sonde", "-p", "abc", NULL };

		assert_int_equal(argv_parse(&c, argv, &next, &err), -EINVAL);
		assert_string_equal(err, "sonde: -p: 'filter.pid' wants an integer, got 'abc'\n");
	}
	{
		char *argv[] = { "sonde", "--interval=0", NULL };

		assert_int_equal(argv_parse(&c, argv, &next, &err), -EINVAL);
		assert_string_equal(err,
				    "sonde: --interval=0: 'interval' must be between 1 and 3600, got 0\n");
	}
	{
		char *argv[] = { "sonde", "--comm", "0123456789abcdef", NULL };

		assert_int_equal(argv_parse(&c, argv, &next, &err), -EINVAL);
		assert_non_null(strstr(err, "value for 'filter.comm' is too long (at most 15 characters)"));
	}
	{
		char *argv[] = { "sonde", "--log-level", "loud", NULL };

		assert_int_equal(argv_parse(&c, argv, &next, &err), -EINVAL);
		assert_non_null(strstr(err, "must be one of error|warn|info|debug, got 'loud'"));
	}
}

/* ---- config__load: defaults < file < flags ---- */

static void test_config_load_file_and_flags(void **state)
{
	struct sonde_config c;
	const char *path, *err;
	char pathbuf[128];
	int next = -1;

	(void)state;
	path = write_file("cfg.yaml",
			  "interval: 5\nlisten: 10.0.0.1:1\nprog_stats: true\n"
			  "syscalls:\n  max_keys: 512\n");
	strcpy(pathbuf, path);
	{
		char *argv[] = { "sonde", "--config", pathbuf, "--interval", "20", "--no-prog-stats",
				 NULL };

		capture_begin();
		assert_int_equal(config__load(&c, 6, argv, &next), 0);
		err = capture_end();
		assert_string_equal(err, "");
		assert_int_equal(c.interval, 20);		/* flag beats file */
		assert_false(c.prog_stats);			/* flag beats file */
		assert_string_equal(c.listen, "10.0.0.1:1");	/* file beats default */
		assert_int_equal(c.syscalls.max_keys, 512);
		assert_int_equal(c.events_keep, 3);		/* default */
		assert_string_equal(c.config_path, pathbuf);
		assert_int_equal(next, 6);
	}
	{
		/* The order of --config and the flag does not matter. */
		char *argv[] = { "sonde", "--interval=20", "--config=", NULL };
		char flag[160];

		snprintf(flag, sizeof(flag), "--config=%s", pathbuf);
		argv[2] = flag;
		assert_int_equal(config__load(&c, 3, argv, &next), 0);
		assert_int_equal(c.interval, 20);
		assert_true(c.prog_stats);
		assert_string_equal(c.config_path, pathbuf);
	}
	{
		/* Without flags the file wins over the defaults. */
		char *argv[] = { "sonde", "--config", pathbuf, "agent", NULL };

		assert_int_equal(config__load(&c, 4, argv, &next), 0);
		assert_int_equal(c.interval, 5);
		assert_true(c.prog_stats);
		assert_int_equal(next, 3);
	}
}

static void test_config_load_errors(void **state)
{
	struct sonde_config c;
	const char *path, *err;
	char pathbuf[128], want[256];
	int next;

	(void)state;
	path = write_file("broken.yaml", "interval: 5\nsyscalls:\n  max_kyes: 1\n");
	strcpy(pathbuf, path);
	{
		char *argv[] = { "sonde", "--config", pathbuf, NULL };

		capture_begin();
		assert_true(config__load(&c, 3, argv, &next) < 0);
		err = capture_end();
		snprintf(want, sizeof(want),
			 "sonde: config error: %s:3: unknown option 'syscalls.max_kyes' "
			 "(did you mean 'syscalls.max_keys'?)\n", pathbuf);
		assert_string_equal(err, want);
	}
	{
		char *argv[] = { "sonde", "--config", "/nonexistent/sonde.yaml", NULL };

		capture_begin();
		assert_int_equal(config__load(&c, 3, argv, &next), -ENOENT);
		err = capture_end();
		assert_string_equal(err, "sonde: config error: /nonexistent/sonde.yaml: cannot open: "
					 "No such file or directory\n");
	}
	{
		char *argv[] = { "sonde", "--bogus", NULL };

		capture_begin();
		assert_int_equal(config__load(&c, 2, argv, &next), -EINVAL);
		err = capture_end();
		assert_non_null(strstr(err, "unknown option '--bogus'"));
	}
}

/* ---- usage ---- */

static void test_usage(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	opts__usage(config_opts, f);
	fclose(f);
	/* Every flag is listed once, config-only keys are not. */
	for (const struct opt *o = config_opts; o->key; o++) {
		char needle[80];

		if (!o->flag)
			continue;
		snprintf(needle, sizeof(needle), o->type == OPT_BOOL ? "--[no-]%s " : "--%s ", o->flag);
		assert_non_null(strstr(buf, needle));
	}
	assert_non_null(strstr(buf, "-p, --pid PID"));
	assert_non_null(strstr(buf, "(config: filter.pid)"));
	assert_non_null(strstr(buf, "[127.0.0.1:9610]"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_config_load_defaults),
		cmocka_unit_test(test_table_consistent),
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
		cmocka_unit_test_setup_teardown(test_config_load_file_and_flags, make_tmpdir, remove_tmpdir),
		cmocka_unit_test_setup_teardown(test_config_load_errors, make_tmpdir, remove_tmpdir),
		cmocka_unit_test(test_usage),
		/* Last: hits undefined behaviour in src/ until fixed, which
		 * aborts the whole binary in the UBSan build. */
		cmocka_unit_test(test_yaml_int_suffix_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: Apache-2.0
/* Unit tests for src/core/config.c: the config__opts() table (its defaults,
 * consistency and usage text) and config__load putting defaults < file <
 * flags together. The option machinery itself (YAML, argv) is in
 * test_opts.c. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/config.h"
#include "core/opts.h"
#include "opts_helpers.h"

/* config__load on a NULL-terminated argv, into a config filled with junk
 * (anything config__load misses shows); *errout is its stderr. */
static int load(struct sonde_config *c, char **argv, int *next, const char **errout)
{
	int argc = 0, ret;

	while (argv[argc])
		argc++;
	memset(c, 0x5a, sizeof(*c));
	capture_begin();
	ret = config__load(c, argc, argv, next);
	*errout = capture_end();
	return ret;
}

/* ---- defaults ---- */

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
	const char *err;
	int next = -1;

	(void)state;
	assert_int_equal(load(&c, argv, &next, &err), 0);
	assert_string_equal(err, "");
	assert_defaults(&c);
	assert_int_equal(next, 1);
}

/* Every default in the table is itself a valid value, and every option has
 * a unique key and flag. */
static void test_table_consistent(void **state)
{
	(void)state;
	for (const struct opt *o = config__opts(); o->key; o++) {
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

/* ---- usage ---- */

static void test_usage(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	opts__usage(config__opts(), f);
	fclose(f);
	/* Every flag is listed once, config-only keys are not. */
	for (const struct opt *o = config__opts(); o->key; o++) {
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

		assert_int_equal(load(&c, argv, &next, &err), 0);
		assert_string_equal(err, "");
		assert_int_equal(c.interval, 20);		/* flag beats file */
		assert_false(c.prog_stats);			/* flag beats file */
		assert_string_equal(c.listen, "10.0.0.1:1");	/* file beats default */
		assert_int_equal(opt_long(&c, "syscalls.max_keys"), 512);
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
		assert_int_equal(load(&c, argv, &next, &err), 0);
		assert_string_equal(err, "");
		assert_int_equal(c.interval, 20);
		assert_true(c.prog_stats);
		assert_string_equal(c.config_path, pathbuf);
	}
	{
		/* Without flags the file wins over the defaults. */
		char *argv[] = { "sonde", "--config", pathbuf, "agent", NULL };

		assert_int_equal(load(&c, argv, &next, &err), 0);
		assert_string_equal(err, "");
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

		assert_true(load(&c, argv, &next, &err) < 0);
		snprintf(want, sizeof(want),
			 "sonde: config error: %s:3: unknown option 'syscalls.max_kyes' "
			 "(did you mean 'syscalls.max_keys'?)\n", pathbuf);
		assert_string_equal(err, want);
	}
	{
		char *argv[] = { "sonde", "--config", "/nonexistent/sonde.yaml", NULL };

		assert_int_equal(load(&c, argv, &next, &err), -ENOENT);
		assert_string_equal(err, "sonde: config error: /nonexistent/sonde.yaml: cannot open: "
					 "No such file or directory\n");
	}
	{
		/* A directory is not an empty config (issue 10.5). */
		char *argv[] = { "sonde", "--config", "/tmp", NULL };

		assert_int_equal(load(&c, argv, &next, &err), -EISDIR);
		assert_string_equal(err, "sonde: config error: /tmp: is a directory, not a config file\n");
	}
	/* A list where one value is expected names file and line (10.6);
	 * a list option takes one. */
	path = write_file("list.yaml", "interval: 5\nlisten: [1, 2]\n");
	strcpy(pathbuf, path);
	{
		char *argv[] = { "sonde", "--config", pathbuf, NULL };

		assert_int_equal(load(&c, argv, &next, &err), -EINVAL);
		snprintf(want, sizeof(want), "sonde: config error: %s:2: 'listen' takes one value, not a list\n",
			 pathbuf);
		assert_string_equal(err, want);
	}
	path = write_file("list.yaml", "collectors:\n  - proc\n  - files\n");
	strcpy(pathbuf, path);
	{
		char *argv[] = { "sonde", "--config", pathbuf, NULL };

		assert_int_equal(load(&c, argv, &next, &err), 0);
		assert_string_equal(c.collectors, "proc,files");
	}
	{
		char *argv[] = { "sonde", "--bogus", NULL };

		assert_int_equal(load(&c, argv, &next, &err), -EINVAL);
		assert_non_null(strstr(err, "unknown option '--bogus'"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_config_load_defaults),
		cmocka_unit_test(test_table_consistent),
		cmocka_unit_test(test_usage),
		cmocka_unit_test_setup_teardown(test_config_load_file_and_flags, make_tmpdir, remove_tmpdir),
		cmocka_unit_test_setup_teardown(test_config_load_errors, make_tmpdir, remove_tmpdir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

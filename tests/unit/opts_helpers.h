/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by test_opts.c and test_config.c: stderr capture, the
 * defaulted config, and a scratch directory for config files. */
#ifndef SONDE_TEST_OPTS_HELPERS_H
#define SONDE_TEST_OPTS_HELPERS_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "collectors/registry.h"
#include "core/config.h"
#include "core/opts.h"

/* A collector's option by its key, through the composed table: tests see
 * sections as users do, by key, not by struct. */
static inline const void *opt_field(const struct sonde_config *c, const char *key)
{
	assert_int_equal(registry__init(NULL, 0), 0);
	for (const struct opt *o = config__opts(); o->key; o++)
		if (!strcmp(o->key, key))
			return (const char *)c + o->off;
	fail_msg("no option %s", key);
	return NULL;
}

static inline long opt_long(const struct sonde_config *c, const char *key)
{
	return *(const long *)opt_field(c, key);
}

static inline int opt_int(const struct sonde_config *c, const char *key)
{
	return *(const int *)opt_field(c, key);
}

static struct {
	FILE *f;
	int saved;
} cap = { NULL, -1 };

/* Redirects stderr (fd 2) into a temporary file. */
static inline void capture_begin(void)
{
	fflush(stderr);
	cap.f = tmpfile();
	assert_non_null(cap.f);
	cap.saved = dup(2);
	assert_true(cap.saved >= 0);
	assert_true(dup2(fileno(cap.f), 2) >= 0);
}

/* Restores stderr; returns what was written to it (static buffer). */
static inline const char *capture_end(void)
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

static inline void defaults(struct sonde_config *c)
{
	assert_int_equal(registry__init(NULL, 0), 0);
	memset(c, 0x5a, sizeof(*c));	/* anything the defaults miss shows */
	assert_int_equal(opts__defaults(config__opts(), c), 0);
}

static inline void assert_defaults(const struct sonde_config *c)
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
	assert_int_equal(opt_int(c, "syscalls.hook"), 0);
	assert_int_equal(opt_long(c, "syscalls.max_keys"), 10240);
	assert_int_equal(opt_long(c, "syscalls.max_errors"), 4096);
	assert_int_equal(opt_long(c, "syscalls.max_comms"), 1024);
	assert_int_equal(opt_long(c, "syscalls.latency_sample"), 16);
	assert_int_equal(opt_long(c, "syscalls.inflight_slots"), 32768);
}

/* Scratch directory: setup and teardown of the tests that write files. */
static char tmpdir[64];

static inline int make_tmpdir(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/sonde-opts-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static inline int remove_tmpdir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Writes tmpdir/name; returns its path (static buffer). */
static inline const char *write_file(const char *name, const char *text)
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

#endif

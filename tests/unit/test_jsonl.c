// SPDX-License-Identifier: Apache-2.0
/* Unit tests for src/sinks/jsonl.c (the JSON-lines event sink), the JSON
 * event format (src/sinks/json_event.c) and the sink bookkeeping of the
 * bus (src/core/bus.c). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/bus.h"
#include "lib/fields.h"
#include "lib/strbuf.h"
#include "sinks/json_event.h"
#include "sinks/jsonl.h"

/* ---- helpers ---- */

struct payload {
	const char *file;
	uint64_t seq;
	const char *pad;
};

static void payload_fields(const struct event *ev, struct field_writer *w)
{
	const struct payload *pl = ev->payload;

	fw__str(w, "file", pl->file);
	fw__u64(w, "seq", pl->seq);
	fw__arr_begin(w, "args");
	fw__str(w, NULL, "-l");
	fw__str(w, NULL, pl->pad);
	fw__arr_end(w);
}

/* Kinds of the tests' own: one with fields, some bare, one to escape. */
static const struct event_kind test_kinds[] = {
	{ .name = "exec", .fields = payload_fields },
	{ .name = "agent" },
	{ .name = "t" },
	{ .name = "a\"b" },
	{ 0 },
};

static unsigned kind(const char *name)
{
	int base = event_kinds__register(test_kinds);

	for (int i = 0; test_kinds[i].name; i++)
		if (!strcmp(test_kinds[i].name, name))
			return base + i;
	fail_msg("no kind %s", name);
	return 0;
}

static const struct sonde_task bash = { .pid = 42, .tid = 43, .ppid = 1, .uid = 1000,
					.gid = 100, .comm = "bash" };

static struct event make_event(struct payload *pl, uint64_t seq, const char *pad)
{
	pl->file = "/bin/ls";
	pl->seq = seq;
	pl->pad = pad;
	return (struct event){ .time_ns = 1700000000123456789ULL, .kind = kind("exec"),
			       .task = &bash, .payload = pl };
}

static char *format(const struct event *ev)
{
	struct strbuf sb = { 0 };
	char *r;

	json_event__format(&sb, ev);
	assert_int_equal(sb.err, 0);
	assert_non_null(sb.buf);
	r = strdup(sb.buf);
	sb__free(&sb);
	return r;
}

/* One bus for the tests that emit through it. */
static struct bus *bus;

static char tmpdir[64];

static int setup_dir(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/sonde-jsonl-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *tpath(const char *name)
{
	static char p[4][160];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", tmpdir, name);
	return p[i];
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t n = 0;

	if (!f)
		return NULL;
	{
		FILE *m = open_memstream(&buf, &n);
		char chunk[4096];
		size_t r;

		while ((r = fread(chunk, 1, sizeof(chunk), f)) > 0)
			fwrite(chunk, 1, r, m);
		fclose(m);
	}
	fclose(f);
	if (len)
		*len = n;
	return buf;
}

/* Checks every line of buf is one complete object; stores the seq numbers
 * in seqs (if not NULL) and returns the number of lines; -1 when a line is
 * broken (also when the text does not end in a newline). */
static long check_lines(const char *buf, size_t len, uint64_t *seqs, size_t maxseqs)
{
	long lines = 0;
	size_t start = 0;

	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (i == start || buf[start] != '{' || buf[i - 1] != '}')
			return -1;
		{
			const char *s = memmem(buf + start, i - start, "\"seq\":", 6);

			if (seqs && s && (size_t)lines < maxseqs)
				seqs[lines] = strtoull(s + 6, NULL, 10);
		}
		lines++;
		start = i + 1;
	}
	return start == len ? lines : -1;
}

/* ---- json_event__format ---- */

static void test_format_exact(void **state)
{
	struct payload pl;
	struct event ev = make_event(&pl, 7, "x");
	char *line;

	(void)state;
	line = format(&ev);
	assert_string_equal(line,
			    "{\"schema\":1,\"type\":\"exec\",\"time\":\"2023-11-14T22:13:20.123456789Z\","
			    "\"pid\":42,\"tid\":43,\"comm\":\"bash\",\"ppid\":1,\"uid\":1000,\"gid\":100,"
			    "\"file\":\"/bin/ls\",\"seq\":7,\"args\":[\"-l\",\"x\"]}");
	assert_null(strchr(line, '\n'));
	free(line);
}

static void test_format_no_process(void **state)
{
	struct event ev = { .time_ns = 0, .kind = kind("agent") };
	char *line;

	(void)state;
	line = format(&ev);
	/* No pid, tid or comm when the event is not about a process; no
	 * payload fields without a callback. */
	assert_string_equal(line,
			    "{\"schema\":1,\"type\":\"agent\",\"time\":\"1970-01-01T00:00:00.000000000Z\"}");
	free(line);
}

static void test_format_time(void **state)
{
	static const struct {
		uint64_t ns;
		const char *want;
	} cases[] = {
		{ 5, "1970-01-01T00:00:00.000000005Z" },
		{ 999999999, "1970-01-01T00:00:00.999999999Z" },
		{ 1000000000, "1970-01-01T00:00:01.000000000Z" },
		{ 951782400000000000ULL, "2000-02-29T00:00:00.000000000Z" },
		{ 1735689599999999999ULL, "2024-12-31T23:59:59.999999999Z" },
		{ UINT64_MAX, "2554-07-21T23:34:33.709551615Z" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct event ev = { .time_ns = cases[i].ns, .kind = kind("t") };
		char want[160], *line = format(&ev);

		snprintf(want, sizeof(want), "{\"schema\":1,\"type\":\"t\",\"time\":\"%s\"}",
			 cases[i].want);
		assert_string_equal(line, want);
		free(line);
	}
}

static void test_format_escaping(void **state)
{
	struct sonde_task t = { .pid = 1, .tid = 1, .comm = "x\n\x01\xFF" };
	struct event ev = { .time_ns = 1, .kind = kind("a\"b"), .task = &t };
	char *line;

	(void)state;
	line = format(&ev);
	assert_string_equal(line,
			    "{\"schema\":1,\"type\":\"a\\\"b\",\"time\":\"1970-01-01T00:00:00.000000001Z\","
			    "\"pid\":1,\"tid\":1,\"comm\":\"x\\n\\u0001\\ufffd\",\"ppid\":0,\"uid\":0,\"gid\":0}");
	free(line);
	/* A name of all 16 bytes (the kernel NUL-terminates, a hostile record
	 * may not): cut at the field, not read past it. */
	memset(t.comm, 'a', sizeof(t.comm));
	line = format(&ev);
	assert_non_null(strstr(line, ",\"comm\":\"aaaaaaaaaaaaaaaa\","));
	free(line);
}

/* json_event__format appends: it does not reset the buffer. */
static void test_format_appends(void **state)
{
	struct strbuf sb = { 0 };
	struct event ev = { .time_ns = 0, .kind = kind("t") };

	(void)state;
	sb__puts(&sb, "X");
	json_event__format(&sb, &ev);
	assert_memory_equal(sb.buf, "X{\"schema\":1,", 13);
	sb__free(&sb);
}

/* ---- the sink on a regular file ---- */

static void test_sink_file(void **state)
{
	const char *path = tpath("events.jsonl");
	struct jsonl_opts o = { .path = path, .max_bytes = 0, .keep = 3 };
	struct payload pl;
	struct sink *s;
	char *buf, want[1024];
	size_t len;

	(void)state;
	s = jsonl__open(&o);
	assert_non_null(s);
	assert_string_equal(s->name, "jsonl");
	for (int i = 0; i < 3; i++) {
		struct event ev = make_event(&pl, i, "p");

		assert_int_equal(s->emit(s, &ev), 0);
	}
	assert_int_equal(s->flush(s), 0);
	buf = slurp(path, &len);
	assert_non_null(buf);
	want[0] = '\0';
	for (int i = 0; i < 3; i++)
		snprintf(want + strlen(want), sizeof(want) - strlen(want),
			 "{\"schema\":1,\"type\":\"exec\",\"time\":\"2023-11-14T22:13:20.123456789Z\","
			 "\"pid\":42,\"tid\":43,\"comm\":\"bash\",\"ppid\":1,\"uid\":1000,\"gid\":100,"
			 "\"file\":\"/bin/ls\",\"seq\":%d,"
			 "\"args\":[\"-l\",\"p\"]}\n", i);
	assert_string_equal(buf, want);
	free(buf);
	s->close(s);

	/* Reopening appends. */
	s = jsonl__open(&o);
	assert_non_null(s);
	{
		struct event ev = make_event(&pl, 3, "p");

		assert_int_equal(s->emit(s, &ev), 0);
	}
	s->close(s);	/* close flushes */
	buf = slurp(path, &len);
	assert_int_equal(check_lines(buf, len, NULL, 0), 4);
	free(buf);
	unlink(path);
}

static void test_sink_open_fails(void **state)
{
	struct jsonl_opts o = { .path = "/nonexistent-dir/events.jsonl" };

	(void)state;
	errno = 0;
	assert_null(jsonl__open(&o));
	assert_int_equal(errno, ENOENT);
}

/* Through bus__emit: the sink's counters. */
static void test_sink_counters(void **state)
{
	const char *path = tpath("counted.jsonl");
	struct jsonl_opts o = { .path = path };
	struct payload pl;
	struct sink *s = jsonl__open(&o);
	char *buf;
	size_t len;

	(void)state;
	assert_non_null(s);
	bus__add_sink(bus, s, NULL);
	assert_ptr_equal(bus__sinks(bus), s);
	for (int i = 0; i < 100; i++) {
		struct event ev = make_event(&pl, i, "q");

		bus__emit(bus, &ev);
	}
	/* Emitted counts lines written out, not lines buffered. */
	assert_int_equal(s->emitted, 0);
	assert_int_equal(s->dropped, 0);
	bus__flush(bus);
	assert_int_equal(s->emitted, 100);
	assert_int_equal(s->dropped, 0);
	buf = slurp(path, &len);
	assert_int_equal(check_lines(buf, len, NULL, 0), 100);
	free(buf);
	bus__close_sinks(bus);
	assert_null(bus__sinks(bus));
	unlink(path);
}

/* ---- rotation ---- */

static void rotation_run(const char *name, uint64_t max_bytes, int keep, int n, int flush_every,
			 const char *pad)
{
	const char *path = tpath(name);
	struct jsonl_opts o = { .path = path, .max_bytes = max_bytes, .keep = keep };
	struct payload pl;
	struct sink *s = jsonl__open(&o);

	assert_non_null(s);
	for (int i = 0; i < n; i++) {
		struct event ev = make_event(&pl, i, pad);

		assert_int_equal(s->emit(s, &ev), 0);
		if (flush_every && i % flush_every == 0)
			s->flush(s);
	}
	s->close(s);
}

/* path.keep is the oldest, path the newest: together they hold the last
 * events in order, each line whole. */
static void check_rotated(const char *name, int keep, int n, uint64_t max_file)
{
	uint64_t *seqs = calloc(n, sizeof(*seqs)), next = 0;
	long total = 0;
	int files = 0;
	struct stat st;
	char rot[200];

	snprintf(rot, sizeof(rot), "%s.%d", tpath(name), keep + 1);
	assert_int_equal(stat(rot, &st), -1);	/* never more than keep */
	for (int k = keep; k >= 0; k--) {
		char p[200];
		char *buf;
		size_t len;
		long lines;

		if (k)
			snprintf(p, sizeof(p), "%s.%d", tpath(name), k);
		else
			snprintf(p, sizeof(p), "%s", tpath(name));
		buf = slurp(p, &len);
		if (!buf) {
			free(seqs);
			fail_msg("%s missing", p);
		}
		files++;
		lines = check_lines(buf, len, seqs, n);
		if (lines < 0 || (k && lines == 0) || (max_file && len > max_file)) {
			char why[300];

			if (lines < 0)
				snprintf(why, sizeof(why), "%s has a broken line", p);
			else if (k && lines == 0)
				snprintf(why, sizeof(why), "%s is an empty rotated file", p);
			else
				snprintf(why, sizeof(why), "%s is %zu bytes, more than max_bytes %llu", p,
					 len, (unsigned long long)max_file);
			free(buf);
			free(seqs);
			fail_msg("%s", why);
		}
		for (long i = 0; i < lines; i++) {
			if (total || i)
				assert_int_equal(seqs[i], next);	/* contiguous, in order */
			next = seqs[i] + 1;
		}
		total += lines;
		free(buf);
	}
	assert_int_equal(files, keep + 1);
	assert_int_equal(next, n);	/* the newest event is in path */
	assert_true(total < n);		/* old ones were rotated away */
	free(seqs);
}

static void test_rotation(void **state)
{
	(void)state;
	/* Lines are ~170 bytes; 20 KB files; 2000 events: many rotations. */
	rotation_run("rot.jsonl", 20000, 2, 2000, 0, "padding-padding-padding-padding");
	check_rotated("rot.jsonl", 2, 2000, 0);
	/* With a flush after every event (the agent's tick). */
	rotation_run("rotf.jsonl", 5000, 3, 1000, 1, "pad");
	check_rotated("rotf.jsonl", 3, 1000, 0);
}

/* config.c: "rotate the events file past this size". Files stay within
 * max_bytes whenever single lines are smaller than it, also for limits
 * below the sink's 4 KiB write chunk (events.max_bytes: 1K is valid). */
static void test_rotation_respects_max_bytes(void **state)
{
	(void)state;
	rotation_run("small.jsonl", 1000, 2, 300, 0, "p");
	check_rotated("small.jsonl", 2, 300, 1000);
	rotation_run("mid.jsonl", 20000, 2, 2000, 0, "p");
	check_rotated("mid.jsonl", 2, 2000, 20000);
}

/* ---- a reader that does not read ---- */

/* Runs fn in a child with a time limit; fails if it blocks or fails. */
static void run_child(int (*fn)(void *), void *arg, const char *what)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(5);
		_exit(fn(arg));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		fail_msg("%s: blocked (killed after 5 s)", what);
	if (WIFSIGNALED(status))
		fail_msg("%s: killed by signal %d", what, WTERMSIG(status));
	if (WEXITSTATUS(status))
		fail_msg("%s: check %d failed (see stderr)", what, WEXITSTATUS(status));
}

#define CHILD_CHECK(cond, code)                                                         \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "child check failed: %s (line %d)\n", #cond, __LINE__); \
			return code;                                                    \
		}                                                                       \
	} while (0)

/* Emits through bus__emit into a sink whose fd nobody reads, then drains
 * the reader and checks that exactly the emitted events arrive. */
static int stuck_reader(struct sink *s, int rfd)
{
	enum { N = 20000 };
	struct payload pl;
	long returned_err = 0;
	uint64_t seqs[N];
	char *buf = NULL;
	size_t len = 0, cap = 0;
	long lines;

	bus__add_sink(bus, s, NULL);
	for (int i = 0; i < N; i++) {
		struct event ev = make_event(&pl, i, "padding-padding-padding");

		bus__emit(bus, &ev);
	}
	/* Some written, some dropped as slow_reader, the rest still buffered. */
	CHILD_CHECK(s->emitted + s->dropped < N, 2);
	CHILD_CHECK(s->dropped > 0 && s->drops[SINK_DROP_SLOW] == s->dropped, 3);
	CHILD_CHECK(s->emitted > 0, 4);
	/* Still stuck: a direct emit reports the drop. */
	{
		struct event ev = make_event(&pl, N, "x");

		returned_err = s->emit(s, &ev);
		CHILD_CHECK(returned_err == -ENOBUFS, 5);
	}
	/* Now read: flush and drain until nothing is pending. */
	fcntl(rfd, F_SETFL, fcntl(rfd, F_GETFL) | O_NONBLOCK);
	for (int rounds = 0; rounds < 100000; rounds++) {
		ssize_t n;

		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 1 << 20;
			buf = realloc(buf, cap);
		}
		n = read(rfd, buf + len, cap - len);
		if (n > 0) {
			len += n;
			continue;
		}
		if (s->flush(s) == 0) {
			n = read(rfd, buf + len, cap - len);
			if (n > 0) {
				len += n;
				continue;
			}
			break;
		}
	}
	lines = check_lines(buf, len, seqs, N);
	CHILD_CHECK(lines >= 0, 6);
	/* The counters reconstruct: every emitted event arrived, whole. */
	if ((uint64_t)lines != s->emitted)
		fprintf(stderr, "lines %ld emitted %llu dropped %llu\n", lines,
			(unsigned long long)s->emitted, (unsigned long long)s->dropped);
	CHILD_CHECK((uint64_t)lines == s->emitted, 7);
	CHILD_CHECK(s->emitted + s->dropped == N, 10);
	for (long i = 1; i < lines; i++)
		CHILD_CHECK(seqs[i] > seqs[i - 1], 8);
	CHILD_CHECK(seqs[0] == 0, 9);	/* the first events were the ones kept */
	free(buf);
	bus__close_sinks(bus);
	return 0;
}

static int child_stdout_pipe(void *arg)
{
	struct jsonl_opts o = { .path = "-", .buf_max = 8192 };
	struct sink *s;
	int p[2];

	(void)arg;
	CHILD_CHECK(pipe(p) == 0, 20);
	CHILD_CHECK(dup2(p[1], 1) == 1, 21);
	close(p[1]);
	s = jsonl__open(&o);
	CHILD_CHECK(s != NULL, 22);
	/* The sink's O_NONBLOCK must not leak into our own fd 1. */
	CHILD_CHECK(!(fcntl(1, F_GETFL) & O_NONBLOCK), 23);
	return stuck_reader(s, p[0]);
}

static void test_stdout_pipe_never_blocks(void **state)
{
	(void)state;
	run_child(child_stdout_pipe, NULL, "stdout pipe");
}

/* Same with stdout being a socket (systemd's StandardOutput=journal). */
static int child_stdout_socket(void *arg)
{
	struct jsonl_opts o = { .path = "-", .buf_max = 8192 };
	struct sink *s;
	int sv[2];

	(void)arg;
	CHILD_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, 20);
	CHILD_CHECK(dup2(sv[1], 1) == 1, 21);
	close(sv[1]);
	s = jsonl__open(&o);
	CHILD_CHECK(s != NULL, 22);
	return stuck_reader(s, sv[0]);
}

static void test_stdout_socket_never_blocks(void **state)
{
	(void)state;
	run_child(child_stdout_socket, NULL, "stdout socket");
}

/* events.path naming a FIFO whose reader is slow. */
static int child_fifo(void *arg)
{
	const char *path = arg;
	struct jsonl_opts o = { .path = path, .buf_max = 8192, .max_bytes = 0 };
	struct sink *s;
	int rfd;

	rfd = open(path, O_RDONLY | O_NONBLOCK);
	CHILD_CHECK(rfd >= 0, 20);
	s = jsonl__open(&o);
	CHILD_CHECK(s != NULL, 22);
	return stuck_reader(s, rfd);
}

static void test_fifo_never_blocks(void **state)
{
	const char *path = tpath("events.fifo");

	(void)state;
	assert_int_equal(mkfifo(path, 0600), 0);
	run_child(child_fifo, (void *)path, "FIFO");
	unlink(path);
}

/* Rotation renames and recreates the path: only sensible for a regular
 * file. A FIFO (or a device: think events.path=/dev/null with the default
 * 64M limit, as root) must stay what it is. */
static int child_fifo_rotation(void *arg)
{
	const char *path = arg;
	struct jsonl_opts o = { .path = path, .max_bytes = 1000, .keep = 2 };
	struct payload pl;
	struct stat st;
	char rot[200], drain[65536];
	struct sink *s;
	int rfd;

	rfd = open(path, O_RDONLY | O_NONBLOCK);
	CHILD_CHECK(rfd >= 0, 20);
	s = jsonl__open(&o);
	CHILD_CHECK(s != NULL, 22);
	for (int i = 0; i < 200; i++) {
		struct event ev = make_event(&pl, i, "x");

		s->emit(s, &ev);
		s->flush(s);
		while (read(rfd, drain, sizeof(drain)) > 0)
			;
	}
	s->close(s);
	close(rfd);
	CHILD_CHECK(lstat(path, &st) == 0, 30);
	CHILD_CHECK(S_ISFIFO(st.st_mode), 31);
	snprintf(rot, sizeof(rot), "%s.1", path);
	CHILD_CHECK(lstat(rot, &st) == -1, 32);
	return 0;
}

static void test_rotation_only_regular_files(void **state)
{
	const char *path = tpath("rot.fifo");
	char rot[200];

	(void)state;
	assert_int_equal(mkfifo(path, 0600), 0);
	run_child(child_fifo_rotation, (void *)path, "FIFO rotation");
	unlink(path);
	snprintf(rot, sizeof(rot), "%s.1", path);
	unlink(rot);
	snprintf(rot, sizeof(rot), "%s.2", path);
	unlink(rot);
}

/* A reader that went away: emits neither block, crash nor grow memory. */
static int child_closed_reader(void *arg)
{
	struct jsonl_opts o = { .path = "-", .buf_max = 8192 };
	struct payload pl;
	struct sink *s;
	int p[2];

	(void)arg;
	signal(SIGPIPE, SIG_IGN);	/* as the agent does */
	CHILD_CHECK(pipe(p) == 0, 20);
	CHILD_CHECK(dup2(p[1], 1) == 1, 21);
	close(p[1]);
	close(p[0]);
	s = jsonl__open(&o);
	CHILD_CHECK(s != NULL, 22);
	bus__add_sink(bus, s, NULL);
	for (int i = 0; i < 10000; i++) {
		struct event ev = make_event(&pl, i, "x");

		bus__emit(bus, &ev);
	}
	bus__flush(bus);
	CHILD_CHECK(s->flush(s) == -EPIPE, 23);
	/* Nothing written, every event counted lost to the closed reader. */
	CHILD_CHECK(s->emitted == 0, 24);
	CHILD_CHECK(s->dropped == 10000 && s->drops[SINK_DROP_GONE] == 10000, 25);
	bus__remove_sink(bus, s);
	s->close(s);
	return 0;
}

/* A full device: events wait in the buffer, and what never got out is
 * counted lost to "no_space" at close. */
static void test_full_device(void **state)
{
	struct jsonl_opts o = { .path = "/dev/full", .buf_max = 1 << 20 };
	struct payload pl;
	struct sink *s;

	(void)state;
	s = jsonl__open(&o);
	assert_non_null(s);
	bus__add_sink(bus, s, NULL);
	for (int i = 0; i < 50; i++) {
		struct event ev = make_event(&pl, i, "x");

		bus__emit(bus, &ev);
	}
	assert_int_equal(s->flush(s), -ENOSPC);
	assert_int_equal(s->emitted, 0);
	assert_int_equal(s->dropped, 0);	/* still held */
	bus__remove_sink(bus, s);
	s->close(s);
}

static void test_closed_reader(void **state)
{
	(void)state;
	run_child(child_closed_reader, NULL, "closed reader");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_exact),
		cmocka_unit_test(test_format_no_process),
		cmocka_unit_test(test_format_time),
		cmocka_unit_test(test_format_escaping),
		cmocka_unit_test(test_format_appends),
		cmocka_unit_test(test_sink_file),
		cmocka_unit_test(test_sink_open_fails),
		cmocka_unit_test(test_sink_counters),
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_rotation_respects_max_bytes),
		cmocka_unit_test(test_stdout_pipe_never_blocks),
		cmocka_unit_test(test_stdout_socket_never_blocks),
		cmocka_unit_test(test_fifo_never_blocks),
		cmocka_unit_test(test_rotation_only_regular_files),
		cmocka_unit_test(test_closed_reader),
		cmocka_unit_test(test_full_device),
	};

	int ret;

	bus = bus__new();
	assert_non_null(bus);
	ret = cmocka_run_group_tests(tests, setup_dir, teardown_dir);
	bus__free(bus);
	json_event__free_cache();
	return ret;
}

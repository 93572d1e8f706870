// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "core/log.h"
#include "lib/strbuf.h"
#include "verifier/btfext.h"
#include "verifier/objfile.h"
#include "verifier/verify.h"

/* Start big enough for any program's error tail; grow on ENOSPC (a full
 * level-1 log of a program near the 1M-instruction limit runs to ~100 MB). */
#define LOG_START (16u << 20)
#define LOG_MAX (512u << 20)

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static struct bpf_object *open_source(const struct verify_source *src)
{
	LIBBPF_OPTS(bpf_object_open_opts, o, .object_name = src->name);

	return bpf_object__open_mem(src->bytes, src->size, &o);
}

/* Loads program idx alone with the given log level; returns the load's
 * error. *log gets the verifier log (caller frees). */
static int load_one(const struct verify_source *src, int idx, unsigned level, char **log,
		    size_t *log_sz, struct verify_result *res, struct strbuf *msgs)
{
	struct bpf_object *obj = open_source(src);
	struct bpf_program *p, *me = NULL;
	int i = 0, err;
	double t;

	*log = NULL;
	if (!obj)
		return -errno;
	bpf_object__for_each_program(p, obj) {
		bpf_program__set_autoload(p, i == idx);
		if (i++ == idx)
			me = p;
	}
	if (!me) {
		bpf_object__close(obj);
		return -ENOENT;
	}
	snprintf(res->program, sizeof(res->program), "%s", bpf_program__name(me));
	snprintf(res->section, sizeof(res->section), "%s", bpf_program__section_name(me));
	res->insns = bpf_program__insn_cnt(me);
	*log = calloc(1, *log_sz);
	if (!*log) {
		bpf_object__close(obj);
		return -ENOMEM;
	}
	bpf_program__set_log_buf(me, *log, *log_sz);
	bpf_program__set_log_level(me, level);
	log__capture_libbpf(msgs);
	t = now_ms();
	err = bpf_object__load(obj);
	res->load_ms = now_ms() - t;
	log__capture_libbpf(NULL);
	bpf_object__close(obj);
	return err;
}

static void keep_libbpf_messages(struct verify_result *r, const struct strbuf *msgs)
{
	size_t o = 0;
	const char *p = msgs->buf;

	/* Only the lines that say something about the failure. */
	while (p && *p && o + 2 < sizeof(r->libbpf)) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if ((memmem(p, n, "fail", 4) || memmem(p, n, "EPERM", 5) || memmem(p, n, "license", 7)) &&
		    !memmem(p, n, "failed to load", 14)) {
			if (n > sizeof(r->libbpf) - o - 2)
				n = sizeof(r->libbpf) - o - 2;
			memcpy(r->libbpf + o, p, n);
			o += n;
			r->libbpf[o++] = '\n';
		}
		p = nl ? nl + 1 : NULL;
	}
	r->libbpf[o] = '\0';
}

static int verify_program(const struct verify_source *src, int idx, struct verify_result *res)
{
	struct strbuf msgs = {};
	size_t sz = 1 << 16;
	char *log;
	int err;

	memset(res, 0, sizeof(*res));
	snprintf(res->object, sizeof(res->object), "%s", src->name);
	/* Statistics only: cheap, and the errno is the verifier's own. */
	err = load_one(src, idx, 4, &log, &sz, res, &msgs);
	if (!err || err == -ENOENT) {
		if (log)
			verifier_report__parse(log, strlen(log), &res->rep);
		free(log);
		sb__free(&msgs);
		return err;
	}
	res->err = err;
	free(log);
	/* Rejected: again with the instruction log, growing it until the
	 * kernel no longer reports ENOSPC (which would hide the real error). */
	for (sz = LOG_START;; sz *= 4) {
		struct verify_result tmp = *res;

		sb__reset(&msgs);
		err = load_one(src, idx, 1 | 4, &log, &sz, &tmp, &msgs);
		if (err == -ENOSPC && sz < LOG_MAX) {
			free(log);
			continue;
		}
		res->truncated = err == -ENOSPC;
		res->log_size = sz;
		break;
	}
	if (log && *log)
		verifier_report__parse(log, strlen(log), &res->rep);
	/* A poisoned CO-RE instruction, or a log without line annotations:
	 * ask the object's own line info about the failing instruction. */
	if (res->rep.insn >= 0 && (res->rep.core_poisoned || !res->rep.line) && src->bytes)
		btfext__line_of(src->bytes, src->size, res->program, res->rep.insn, res->rep.file,
				sizeof(res->rep.file), &res->rep.line);
	keep_libbpf_messages(res, &msgs);
	if (!res->rep.hint && msgs.buf)
		res->rep.hint = verifier_hint__match(msgs.buf, msgs.len);
	if (!res->rep.hint && (!log || !*log))
		res->rep.hint = verifier_hint__for_errno(res->err);
	free(log);
	sb__free(&msgs);
	return res->err;
}

static int count_programs(const struct verify_source *src)
{
	struct bpf_object *obj = open_source(src);
	struct bpf_program *p;
	int n = 0;

	if (!obj)
		return -errno;
	bpf_object__for_each_program(p, obj)
		n++;
	bpf_object__close(obj);
	return n;
}


/* ---- in a child: libbpf parses untrusted bytes there ---- */

static int write_all(int fd, const void *p, size_t n)
{
	for (const char *c = p; n;) {
		ssize_t w = write(fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= w;
	}
	return 0;
}

/* The child's report: a count of programs (or libbpf's error opening the
 * object), then one result per program. */
struct header {
	int nprogs;		/* < 0: the open's error */
	char libbpf[1024];
};

static void child(const struct verify_source *src, int fd, bool parse_only)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP };
	struct header h = {};
	struct strbuf msgs = {};
	struct verify_result r;

	/* A crash is the verdict: die of it, past any handler inherited from
	 * the parent (a sanitizer's, a fuzzer's). */
	for (unsigned i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		signal(fatal[i], SIG_DFL);
	log__capture_libbpf(&msgs);
	h.nprogs = count_programs(src);
	log__capture_libbpf(NULL);
	if (h.nprogs < 0 && msgs.buf)
		snprintf(h.libbpf, sizeof(h.libbpf), "%s", msgs.buf);
	sb__free(&msgs);
	if (write_all(fd, &h, sizeof(h)))
		_exit(2);
	for (int i = 0; i < h.nprogs && !parse_only; i++) {
		verify_program(src, i, &r);
		if (write_all(fd, &r, sizeof(r)))
			_exit(2);
	}
	_exit(0);
}

static int read_all(int fd, void *p, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, (char *)p + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += r;
	}
	return 0;
}

/* The first line of libbpf's messages about a failed open, for the reason. */
static void first_line(const char *msgs, char *out, size_t sz)
{
	const char *p = strstr(msgs, "libbpf: ") ? strstr(msgs, "libbpf: ") + 8 : msgs;

	snprintf(out, sz, "%.*s", (int)strcspn(p, "\n"), p);
}

static int run_checked(const struct verify_source *src, bool parse_only, verify_fn fn, void *ctx,
		       char *why, size_t why_sz)
{
	struct verify_result *r;
	struct header h;
	int pfd[2], status, err, done = 0;
	pid_t pid;

	why[0] = '\0';
	err = objfile__check(src->bytes, src->size, why, why_sz);
	if (err)
		return err;
	if (pipe(pfd))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(pfd[0]);
		close(pfd[1]);
		return err;
	}
	if (pid == 0) {
		close(pfd[0]);
		child(src, pfd[1], parse_only);
	}
	close(pfd[1]);
	r = malloc(sizeof(*r));
	err = r && !read_all(pfd[0], &h, sizeof(h)) ? 0 : -EBADMSG;
	if (!err && h.nprogs < 0) {
		char line[256];

		char msg[128];

		/* libbpf's own codes (4000+) say more than strerror's "Unknown error". */
		libbpf_strerror(h.nprogs, msg, sizeof(msg));
		first_line(h.libbpf, line, sizeof(line));
		snprintf(why, why_sz, "malformed object: libbpf cannot open it: %s%s%s", msg,
			 line[0] ? ": " : "", line);
		err = -EBADMSG;
	}
	for (int i = 0; !err && !parse_only && i < h.nprogs && !read_all(pfd[0], r, sizeof(*r)); i++, done++)
		fn(ctx, r);
	close(pfd[0]);
	free(r);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status)) {
		snprintf(why, why_sz, "malformed object: libbpf crashed on it (%s)%s",
			 strsignal(WTERMSIG(status)), done ? " after some of its programs" : " parsing it");
		return -EBADMSG;
	}
	if (err == -EBADMSG && !why[0]) {
		/* Gone without a word: a sanitizer's report, or an exit in libbpf. */
		snprintf(why, why_sz, "malformed object: its parser failed (exit status %d)",
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return err;
	}
	if (!err && !parse_only && done < h.nprogs) {
		snprintf(why, why_sz, "malformed object: its check stopped after %d of %d programs", done,
			 h.nprogs);
		return -EBADMSG;
	}
	return err ? err : parse_only ? h.nprogs : 0;
}

int verify__object(const struct verify_source *src, verify_fn fn, void *ctx, char *why, size_t why_sz)
{
	int n = run_checked(src, false, fn, ctx, why, why_sz);

	return n < 0 ? n : 0;
}

int verify__open_check(const struct verify_source *src, char *why, size_t why_sz)
{
	return run_checked(src, true, NULL, NULL, why, why_sz);
}

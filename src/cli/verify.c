// SPDX-License-Identifier: Apache-2.0
/* sonde verify: load every program of a BPF object, one at a time and
 * without attaching, and explain each verdict: verifier statistics on
 * success; on rejection the message, the source line, the instructions
 * that led there and the usual fix. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/libbpf.h>
#include "cli/cli.h"
#include "verifier/btfext.h"
#include "collectors/registry.h"
#include "core/mapstat.h"
#include "identity/identity.h"
#include "core/features.h"
#include "core/log.h"
#include "lib/strbuf.h"
#include "core/host.h"
#include "verifier/report.h"
#include "lib/json.h"

/* Start big enough for any program's error tail; grow on ENOSPC (a full
 * level-1 log of a program near the 1M-instruction limit runs to ~100 MB). */
#define LOG_START (16u << 20)
#define LOG_MAX (512u << 20)

struct source {
	const char *name;	/* object label */
	const char *path;	/* file, or NULL for builtin bytes */
	const void *bytes;
	size_t size;
};

struct result {
	char object[64], program[64], section[96];
	int insns, err;
	double load_ms;
	bool truncated;
	size_t log_size;
	struct verifier_report rep;
	char libbpf[1024];	/* libbpf's own messages, when they explain the failure */
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static struct bpf_object *open_source(const struct source *src)
{
	LIBBPF_OPTS(bpf_object_open_opts, o, .object_name = src->name);

	return bpf_object__open_mem(src->bytes, src->size, &o);
}

/* Objects are read whole: libbpf opens them from memory and the line
 * lookup reads their .BTF.ext. */
static int read_object(struct source *src)
{
	FILE *f = fopen(src->path, "rb");
	long n;
	void *b;

	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || n > (256L << 20) || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return -EFBIG;
	}
	b = malloc(n ? n : 1);
	if (!b || fread(b, 1, n, f) != (size_t)n) {
		free(b);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	src->bytes = b;
	src->size = n;
	return 0;
}

/* Loads program idx alone with the given log level; returns the load's
 * error. *log gets the verifier log (caller frees). */
static int load_one(const struct source *src, int idx, unsigned level, char **log,
		    size_t *log_sz, struct result *res, struct strbuf *msgs)
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

static void keep_libbpf_messages(struct result *r, const struct strbuf *msgs)
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

static int verify_program(const struct source *src, int idx, struct result *res)
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
		struct result tmp = *res;

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

static void print_json_result(struct json_writer *w, const struct result *r)
{
	jw__obj_begin(w);
	jw__key(w, "object"); jw__str(w, r->object);
	jw__key(w, "program"); jw__str(w, r->program);
	jw__key(w, "section"); jw__str(w, r->section);
	jw__key(w, "result"); jw__str(w, r->err ? "fail" : "pass");
	jw__key(w, "insns"); jw__i64(w, r->insns);
	jw__key(w, "processed_insns"); jw__i64(w, r->rep.processed_insns);
	jw__key(w, "peak_states"); jw__i64(w, r->rep.peak_states);
	jw__key(w, "total_states"); jw__i64(w, r->rep.total_states);
	jw__key(w, "stack_depth"); jw__str(w, r->rep.stack_depth);
	jw__key(w, "load_ms"); jw__double(w, r->load_ms);
	if (r->err) {
		jw__key(w, "errno"); jw__i64(w, -r->err);
		jw__key(w, "error"); jw__str(w, r->rep.message[0] ? r->rep.message : strerror(-r->err));
		jw__key(w, "file"); jw__str(w, r->rep.file);
		jw__key(w, "line"); jw__i64(w, r->rep.line);
		jw__key(w, "source"); jw__str(w, r->rep.source);
		jw__key(w, "context");
		jw__arr_begin(w);
		for (int i = 0; i < r->rep.ncontext; i++)
			jw__str(w, r->rep.context[i]);
		jw__arr_end(w);
		jw__key(w, "log_truncated"); jw__bool(w, r->truncated);
		jw__key(w, "libbpf"); jw__str(w, r->libbpf);
		if (r->rep.hint) {
			jw__key(w, "hint"); jw__str(w, r->rep.hint->id);
			jw__key(w, "why"); jw__str(w, r->rep.hint->title);
			jw__key(w, "fix"); jw__str(w, r->rep.hint->fix);
		}
	}
	jw__obj_end(w);
}

static void print_failure(const struct result *r)
{
	printf("  error: %s (%s)\n", r->rep.message[0] ? r->rep.message : "no verifier message",
	       strerrorname_np(-r->err) ?: "?");
	if (r->rep.line)
		printf("  at %s:%d: %s\n", r->rep.file, r->rep.line, r->rep.source);
	if (r->libbpf[0]) {
		printf("  libbpf:\n");
		for (const char *p = r->libbpf; *p;) {
			const char *nl = strchr(p, '\n');

			printf("    %.*s\n", (int)(nl ? nl - p : (long)strlen(p)), p);
			p = nl ? nl + 1 : p + strlen(p);
		}
	}
	if (r->rep.ncontext) {
		printf("  last instructions:\n");
		for (int i = 0; i < r->rep.ncontext; i++)
			printf("    %s\n", r->rep.context[i]);
	}
	if (r->truncated)
		printf("  note: the verifier log was truncated at %zu MB; the kernel kept its tail\n",
		       r->log_size >> 20);
	if (r->rep.hint)
		printf("  why: %s\n  fix: %s\n", r->rep.hint->title, r->rep.hint->fix);
}

static int count_programs(const struct source *src)
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

int cmd_verify(int argc, char **argv)
{
	struct source srcs[16];
	int nsrc = 0, failed = 0, total = 0;
	bool json = false, builtin = false;
	const char *only = NULL;
	struct strbuf sb = {};
	struct json_writer w;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--builtin")) {
			builtin = true;
			if (i + 1 < argc && argv[i + 1][0] != '-')
				only = argv[++i];
		} else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			log__set_level(LOG_DEBUG);
		} else if (argv[i][0] == '-' || nsrc == 16) {
			fprintf(stderr, "usage: sonde verify [--json] OBJECT.bpf.o ... | --builtin [COLLECTOR]\n");
			return strcmp(argv[i], "--help") ? 2 : 0;
		} else {
			const char *base = strrchr(argv[i], '/');

			srcs[nsrc++] = (struct source){ .name = base ? base + 1 : argv[i], .path = argv[i] };
		}
	}
	if (builtin) {
		size_t sz;

		/* Core's own objects, then each collector's. */
		static const struct {
			const char *name;
			const void *(*bytes)(size_t *sz);
		} core_objs[] = {
			{ "features", features__elf_bytes },
			{ "tasks", identity__elf_bytes },
			{ "mapcount", mapstat__elf_bytes },
		};

		for (unsigned i = 0; i < sizeof(core_objs) / sizeof(core_objs[0]); i++) {
			if (only && strcmp(only, core_objs[i].name))
				continue;
			srcs[nsrc++] = (struct source){ core_objs[i].name, NULL, core_objs[i].bytes(&sz), sz };
		}
		for (int i = 0; collector_registry[i] && nsrc < 16; i++) {
			const struct collector_ops *ops = collector_registry[i];

			if (only && strcmp(only, ops->name))
				continue;
			const void *b = ops->elf_bytes(&sz);

			srcs[nsrc++] = (struct source){ ops->name, NULL, b, sz };
		}
		if (!nsrc) {
			fprintf(stderr, "sonde verify: no built-in object named '%s'\n", only);
			return 2;
		}
	}
	if (!nsrc) {
		fprintf(stderr, "usage: sonde verify [--json] OBJECT.bpf.o ... | --builtin [COLLECTOR]\n");
		return 2;
	}
	log__setup_libbpf();
	host__prepare();
	jw__init(&w, &sb);
	jw__arr_begin(&w);
	if (!json)
		printf("%-34s %-6s %6s %10s %6s %8s %8s\n", "OBJECT/PROGRAM", "RESULT", "INSNS",
		       "PROCESSED", "PEAK", "STACK", "LOAD_MS");
	for (int s = 0; s < nsrc; s++) {
		int n = srcs[s].path ? read_object(&srcs[s]) : 0;

		n = n ?: count_programs(&srcs[s]);
		if (n < 0) {
			fprintf(stderr, "sonde verify: %s: cannot open: %s\n", srcs[s].name, strerror(-n));
			failed++;
			continue;
		}
		for (int i = 0; i < n; i++) {
			struct result r;
			char label[160];

			verify_program(&srcs[s], i, &r);
			total++;
			failed += r.err != 0;
			if (json) {
				print_json_result(&w, &r);
				continue;
			}
			snprintf(label, sizeof(label), "%s/%s", r.object, r.program);
			printf("%-34s %-6s %6d %10ld %6ld %8s %8.1f\n", label, r.err ? "FAIL" : "pass",
			       r.insns, r.rep.processed_insns, r.rep.peak_states,
			       r.rep.stack_depth[0] ? r.rep.stack_depth : "-", r.load_ms);
			if (r.err)
				print_failure(&r);
		}
	}
	jw__arr_end(&w);
	for (int s = 0; s < nsrc; s++)
		if (srcs[s].path)
			free((void *)srcs[s].bytes);
	if (json)
		printf("%s\n", sb.buf);
	else
		printf("\n%d program(s), %d rejected\n", total, failed);
	sb__free(&sb);
	return failed ? 1 : 0;
}

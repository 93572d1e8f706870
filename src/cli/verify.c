// SPDX-License-Identifier: Apache-2.0
/* sonde verify: load every program of a BPF object, one at a time and
 * without attaching, and explain each verdict: verifier statistics on
 * success; on rejection the message, the source line, the instructions
 * that led there and the usual fix. */
#include <errno.h>
#include <sys/stat.h>
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
#include "verifier/verify.h"
#include "lib/json.h"

static void print_json_result(struct json_writer *w, const struct verify_result *r)
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
		jw__key(w, "expected"); jw__bool(w, r->expected);
		if (r->expected) {
			jw__key(w, "expected_why"); jw__str(w, r->expected_why);
		}
	}
	jw__obj_end(w);
}

static void print_failure(const struct verify_result *r)
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

/* Objects are read whole: the check, libbpf and the line lookup read
 * them from memory. A path that is no regular file says what it is. */
static int read_object(const char *path, void **bytes, size_t *size, char *why, size_t sz)
{
	struct stat st;
	FILE *f;
	void *b;

	if (stat(path, &st)) {
		snprintf(why, sz, "cannot open: %s", strerror(errno));
		return -errno;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(why, sz, "is a directory, not a BPF object");
		return -EISDIR;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, sz, "is not a regular file (a device, FIFO or socket)");
		return -EINVAL;
	}
	if (st.st_size > (256L << 20)) {
		snprintf(why, sz, "%lld bytes: larger than any BPF object (256 MB at most)",
			 (long long)st.st_size);
		return -EFBIG;
	}
	f = fopen(path, "rb");
	b = malloc(st.st_size ? st.st_size : 1);
	if (!f || !b || fread(b, 1, st.st_size, f) != (size_t)st.st_size) {
		snprintf(why, sz, "cannot read: %s", strerror(errno ?: EIO));
		free(b);
		if (f)
			fclose(f);
		return -EIO;
	}
	fclose(f);
	*bytes = b;
	*size = st.st_size;
	return 0;
}

struct source {
	struct verify_source v;
	bool builtin;
	void *owned;
};

/* The hook a program's section needs, for built-in programs this kernel
 * may lack (fentry and LSM probes where trampolines are refused). */
static int feature_of(const char *sec)
{
	static const struct { const char *prefix; enum feature_id id; } map[] = {
		{ "fentry", FEAT_FENTRY }, { "fexit", FEAT_FENTRY }, { "lsm", FEAT_LSM },
		{ "kprobe", FEAT_KPROBE }, { "tp_btf", FEAT_TP_BTF }, { "raw_tp", FEAT_RAW_TP },
		{ "tracepoint", FEAT_TRACEPOINT }, { "uprobe", FEAT_UPROBE }, { "perf_event", FEAT_PERF_SW },
		{ "tc", FEAT_TC }, { "xdp", FEAT_XDP }, { "cgroup/connect", FEAT_CGROUP_SOCK_ADDR },
		{ "sockops", FEAT_SOCK_OPS }, { "cgroup_skb", FEAT_CGROUP_SKB }, { "socket", FEAT_SOCKET_FILTER },
	};

	for (unsigned i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strncmp(sec, map[i].prefix, strlen(map[i].prefix)))
			return map[i].id;
	return -1;
}

struct run {
	struct features feat;
	bool features_ready;
	bool json, builtin, header;
	struct json_writer w;
	int total, failed, expected;
};

/* A built-in program refused because this kernel lacks its hook, or a
 * kernel function its object needs, is the fallback working, not a fault. */
static void judge(struct run *run, struct verify_result *r)
{
	int id;

	if (!r->err || !run->builtin)
		return;
	if (strstr(r->libbpf, "bpf_map_sum_elem_count")) {
		r->expected = true;
		snprintf(r->expected_why, sizeof(r->expected_why),
			 "this kernel has no per-map element counts (6.6+): map fill is walked instead");
		return;
	}
	id = feature_of(r->section);
	if (id < 0)
		return;
	if (!run->features_ready) {
		features__init(&run->feat);
		run->features_ready = true;
	}
	if (!features__has(&run->feat, id)) {
		r->expected = true;
		snprintf(r->expected_why, sizeof(r->expected_why), "this kernel has no %s: %s",
			 feature__summary(id), features__why(&run->feat, id));
	}
}

static void on_result(void *ctx, struct verify_result *r)
{
	struct run *run = ctx;
	char label[160];

	judge(run, r);
	if (!run->json && !run->header) {
		run->header = true;
		printf("%-34s %-7s %6s %10s %6s %8s %8s\n", "OBJECT/PROGRAM", "RESULT", "INSNS",
		       "PROCESSED", "PEAK", "STACK", "LOAD_MS");
	}
	run->total++;
	run->failed += r->err && !r->expected;
	run->expected += r->expected;
	if (run->json) {
		print_json_result(&run->w, r);
		return;
	}
	snprintf(label, sizeof(label), "%s/%s", r->object, r->program);
	printf("%-34s %-7s %6d %10ld %6ld %8s %8.1f\n", label,
	       !r->err ? "pass" : r->expected ? "refused" : "FAIL", r->insns, r->rep.processed_insns,
	       r->rep.peak_states, r->rep.stack_depth[0] ? r->rep.stack_depth : "-", r->load_ms);
	if (r->expected)
		printf("  expected here: %s\n", r->expected_why);
	else if (r->err)
		print_failure(r);
}

#define USAGE "usage: sonde verify [--json] OBJECT.bpf.o ... | --builtin [OBJECT]\n"

int cmd_verify(int argc, char **argv)
{
	static const struct {
		const char *name;
		const void *(*bytes)(size_t *sz);
	} core_objs[] = {
		{ "features", features__elf_bytes },
		{ "tasks", identity__elf_bytes },
		{ "mapcount", mapstat__elf_bytes },
	};
	struct source srcs[32];
	int nsrc = 0, bad = 0;
	bool builtin = false;
	const char *only = NULL;
	struct strbuf sb = {};
	struct run run = {};
	char why[256];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			run.json = true;
		} else if (!strcmp(argv[i], "--builtin")) {
			builtin = true;
			if (i + 1 < argc && argv[i + 1][0] != '-')
				only = argv[++i];
		} else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			log__set_level(LOG_DEBUG);
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf(USAGE);
			return 0;
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "sonde verify: unknown option '%s'\n" USAGE, argv[i]);
			return 2;
		} else if (nsrc == 32) {
			fprintf(stderr, "sonde verify: at most 32 objects at once\n");
			return 2;
		} else {
			const char *base = strrchr(argv[i], '/');
			size_t n = 0;
			void *b = NULL;

			if (read_object(argv[i], &b, &n, why, sizeof(why))) {
				fprintf(stderr, "sonde verify: %s: %s\n", argv[i], why);
				bad++;
				continue;
			}
			srcs[nsrc++] = (struct source){ .v = { base ? base + 1 : argv[i], b, n }, .owned = b };
		}
	}
	if (builtin) {
		int before = nsrc;
		size_t sz;

		for (unsigned i = 0; i < sizeof(core_objs) / sizeof(core_objs[0]); i++) {
			const void *b;

			if (only && strcmp(only, core_objs[i].name))
				continue;
			b = core_objs[i].bytes(&sz);
			srcs[nsrc++] = (struct source){ .v = { core_objs[i].name, b, sz }, .builtin = true };
		}
		for (int i = 0; collector_registry[i] && nsrc < 32; i++) {
			const void *b;

			if (only && strcmp(only, collector_registry[i]->name))
				continue;
			b = collector_registry[i]->elf_bytes(&sz);
			srcs[nsrc++] = (struct source){ .v = { collector_registry[i]->name, b, sz }, .builtin = true };
		}
		if (nsrc == before) {
			fprintf(stderr, "sonde verify: no built-in object named '%s'\n", only);
			return 2;
		}
	}
	if (!nsrc && !bad) {
		fprintf(stderr, "sonde verify: no object given\n" USAGE);
		return 2;
	}
	log__setup_libbpf();
	host__prepare();
	run.builtin = builtin;
	jw__init(&run.w, &sb);
	jw__arr_begin(&run.w);
	for (int s = 0; s < nsrc; s++) {
		if (verify__object(&srcs[s].v, on_result, &run, why, sizeof(why))) {
			fprintf(stderr, "sonde verify: %s: %s\n", srcs[s].v.name, why);
			bad++;
		}
		free(srcs[s].owned);
	}
	jw__arr_end(&run.w);
	if (run.json)
		printf("%s\n", sb.buf);
	else if (run.total)
		printf("\n%d program(s), %d rejected%s%.0d%s\n", run.total, run.failed,
		       run.expected ? ", " : "", run.expected, run.expected ? " refused as expected on this kernel" : "");
	sb__free(&sb);
	if (run.features_ready)
		features__release();
	return run.failed || bad ? 1 : 0;
}

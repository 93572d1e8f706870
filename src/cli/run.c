// SPDX-License-Identifier: Apache-2.0
/* sonde run -e 'PROGRAM' | FILE [-f text|json] [-o FILE] [--unsafe]
 * sonde run -l [PATTERN]
 * A bpftrace-like program compiled by sonde itself (src/lang: no LLVM,
 * no compiler at run time), run until it calls exit() or Ctrl-C; then
 * END and every map, as bpftrace prints them. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "cli/cli.h"
#include "core/attach.h"
#include "core/features.h"
#include "core/host.h"
#include "lang/rt.h"
#include "lang/tpformat.h"
#include "lib/textfile.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static int usage(FILE *f, int rc)
{
	fprintf(f, "usage: sonde run [-f text|json] [-o FILE] [--unsafe] -e 'PROGRAM' | FILE\n"
		   "       sonde run -l [PATTERN]\n"
		   "  -e PROGRAM  the program text (bpftrace's language: docs/run.md)\n"
		   "  -f FORMAT   text (bpftrace's) or json (bpftrace's JSON lines)\n"
		   "  -o FILE     output to FILE\n"
		   "  -l          list the tracepoints matching PATTERN (tracepoint:CAT:NAME, wildcards)\n"
		   "  --unsafe    allow system()\n");
	return rc;
}

static int list_one(void *arg, const char *cat, const char *name)
{
	printf("tracepoint:%s:%s\n", cat, name);
	return 0;
}

static int list(const char *pattern)
{
	char cat[128] = "*", name[128] = "*";
	const char *p = pattern ? pattern : "";

	if (!strncmp(p, "tracepoint:", 11))
		p += 11;
	else if (!strncmp(p, "t:", 2))
		p += 2;
	if (*p) {
		const char *c = strchr(p, ':');

		snprintf(cat, sizeof(cat), "%.*s", (int)(c ? c - p : (long)strlen(p)), p);
		if (c)
			snprintf(name, sizeof(name), "%s", c[1] ? c + 1 : "*");
	}
	return lang_tp__list(NULL, cat, name, list_one, NULL) < 0 ? 1 : 0;
}

int cmd_run(int argc, char **argv)
{
	struct lang_run_opts o = { .fmt = LANG_OUT_TEXT };
	const char *prog = NULL, *file = NULL, *outpath = NULL;
	struct attach_set *as = NULL;
	struct lang_run *r = NULL;
	struct features feat;
	char err[4096], *text = NULL;
	size_t len = 0;
	int rc = 1;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return usage(stdout, 0);
		if (!strcmp(a, "-l")) {
			host__prepare();
			return list(i + 1 < argc ? argv[i + 1] : NULL);
		}
		if (!strcmp(a, "--unsafe")) {
			o.unsafe = true;
		} else if ((!strcmp(a, "-e") || !strcmp(a, "-f") || !strcmp(a, "-o")) && i + 1 < argc) {
			const char *v = argv[++i];

			if (a[1] == 'e')
				prog = v;
			else if (a[1] == 'o')
				outpath = v;
			else if (!strcmp(v, "json") || !strcmp(v, "text"))
				o.fmt = v[0] == 'j' ? LANG_OUT_JSON : LANG_OUT_TEXT;
			else {
				fprintf(stderr, "sonde run: unknown output format '%s' (text or json)\n", v);
				return 2;
			}
		} else if (a[0] == '-') {
			fprintf(stderr, "sonde run: unknown option '%s'%s\n", a,
				!strcmp(a, "-p") || !strcmp(a, "-c") ? " (not supported yet: filter with /pid == N/)" : "");
			return usage(stderr, 2);
		} else if (!file) {
			file = a;
		} else {
			fprintf(stderr, "sonde run: one program at a time ('%s' and '%s')\n", file, a);
			return 2;
		}
	}
	if (!prog == !file) {
		fprintf(stderr, "sonde run: give a program with -e or a file, one of them\n");
		return usage(stderr, 2);
	}
	if (file) {
		int e = textfile__read(file, 1 << 20, "program", &text, &len, err, sizeof(err));

		if (e) {
			fprintf(stderr, "sonde run: %s\n", err);
			return 1;
		}
	}
	if (host__check_privileges(err, sizeof(err))) {
		fprintf(stderr, "sonde run: %s\n", err);
		goto out;
	}
	if (outpath && !(o.out = fopen(outpath, "w"))) {
		fprintf(stderr, "sonde run: %s: %s\n", outpath, strerror(errno));
		goto out;
	}
	host__prepare();
	libbpf_set_print(NULL);
	features__init(&feat);
	o.feat = &feat;
	if (lang_run__open(&r, file ? file : "<program>", file ? text : prog, file ? len : strlen(prog), &o,
			   err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	/* No features for the attach set: it tries BPF links and falls back
	 * when refused, rather than probing with an object whose CO-RE
	 * relocations would load the kernel's BTF (5 MB of RSS). */
	as = attach_set__new(NULL);
	if (!as || lang_run__attach(r, as, err, sizeof(err)) || lang_run__begin(r, err, sizeof(err))) {
		fprintf(stderr, "sonde run: %s\n", as ? err : "out of memory");
		goto out;
	}
	while (!stop) {
		int n = lang_run__poll(r, 100);

		if (n < 0) {
			fprintf(stderr, "sonde run: reading events: %s\n", strerror(-n));
			break;
		}
		if (n > 0)
			break;
	}
	attach_set__free(as); /* no more events while END runs */
	as = NULL;
	lang_run__end(r);
	rc = 0;
out:
	attach_set__free(as);
	lang_run__free(r);
	if (o.out && o.out != stdout)
		fclose(o.out);
	free(text);
	return rc;
}

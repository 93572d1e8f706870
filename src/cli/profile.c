// SPDX-License-Identifier: Apache-2.0
/* sonde profile -d SECONDS [-p PID] [-F HZ] [--off-cpu] -o FILE: a CPU
 * (or off-CPU) profile of the host or of some processes for a while,
 * symbolized here, written as pprof (.pb.gz), folded stacks (.folded) or a
 * flame graph (.svg), by the extension. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli/cli.h"
#include "cli/session.h"
#include "collectors/profile.h"
#include "collectors/registry.h"
#include "core/kbtf.h"
#include "core/log.h"
#include "core/loop.h"
#include "lib/flamegraph.h"
#include "lib/strbuf.h"
#include "symbolize/stackprof.h"
#include "symbolize/symbolizer.h"

struct profile_opts {
	struct filter_config filter;
	long duration, frequency;
	bool off_cpu;
	char output[512];
};

#define F(f) OPT_FIELD(struct profile_opts, f)
static const struct opt profile_cli_opts[] = {
	FILTER_OPTS(struct profile_opts),
	{ "duration", "duration", 'd', OPT_INT, F(duration), 1, 86400, NULL, "10", "SECONDS", "how long to sample" },
	{ "frequency", "frequency", 'F', OPT_INT, F(frequency), 1, 10000, NULL, "99", "HZ",
	  "samples per second on each CPU" },
	{ "off-cpu", "off-cpu", 0, OPT_BOOL, F(off_cpu), 0, 0, NULL, "false", NULL,
	  "time blocked off the CPU instead, by the stack that blocked (nanoseconds as the value)" },
	{ "output", "output", 'o', OPT_STR, F(output), 0, 0, NULL, "", "FILE",
	  "where to write: FILE.pb.gz (pprof), FILE.folded (folded stacks), FILE.svg (flame graph)" },
	{ 0 }
};
#undef F

enum format { FMT_PPROF, FMT_FOLDED, FMT_SVG };

static int format_of(const char *path, enum format *f)
{
	size_t n = strlen(path);

	if (n > 6 && !strcmp(path + n - 6, ".pb.gz"))
		*f = FMT_PPROF;
	else if (n > 7 && !strcmp(path + n - 7, ".folded"))
		*f = FMT_FOLDED;
	else if (n > 4 && !strcmp(path + n - 4, ".svg"))
		*f = FMT_SVG;
	else
		return -EINVAL;
	return 0;
}

struct run {
	struct loop *loop;
	struct collector *c;
	long duration, elapsed;
	bool tty;
};

static void on_tick(void *ctx, uint32_t events)
{
	struct run *r = ctx;

	r->elapsed++;
	if (r->tty)
		fprintf(stderr, "\rsonde profile: %ld/%ld s", r->elapsed, r->duration);
	if (r->elapsed >= r->duration)
		loop__stop(r->loop);
}

static int write_file(const char *path, const struct strbuf *sb)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t off = 0;

	if (fd < 0)
		return -errno;
	while (off < sb->len) {
		ssize_t n = write(fd, sb->buf + off, sb->len - off);

		if (n < 0) {
			int err = -errno;

			close(fd);
			return err;
		}
		off += n;
	}
	return close(fd) ? -errno : 0;
}

int cmd_profile(int argc, char **argv)
{
	struct session s = {};
	struct profile_opts o;
	struct collector c = { .ops = registry__find("profile") };
	struct stackprof *prof, *off;
	struct symbolizer *sym;
	struct strbuf out = {};
	struct loop_timer *tick = NULL;
	struct run r = {};
	enum format fmt;
	char val[32], err[256];
	uint64_t truncated = 0;
	int next, ret = 1;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: sonde profile [-d SECONDS] [-p PID] [-F HZ] [--off-cpu] -o FILE\n\n");
			opts__usage(profile_cli_opts, stdout);
			return 0;
		}
	session__early();
	opts__defaults(profile_cli_opts, &o);
	if (opts__parse_argv(profile_cli_opts, &o, argc, argv, &next))
		return 2;
	if (next < argc) {
		fprintf(stderr, "sonde profile: unexpected argument '%s'\n", argv[next]);
		return 2;
	}
	if (!o.output[0] || format_of(o.output, &fmt)) {
		fprintf(stderr, "sonde profile: -o FILE must end in .pb.gz (pprof), .folded (folded stacks) or .svg (flame graph)%s%s\n",
			o.output[0] ? ", not " : "", o.output);
		return 2;
	}
	config__defaults(&s.cfg);
	s.cfg.filter = o.filter;
	snprintf(val, sizeof(val), "%ld", o.frequency);
	/* One profile for the whole run: no rolling windows. */
	if (config__set(&s.cfg, "profile.window", "0", err, sizeof(err)) ||
	    config__set(&s.cfg, "profile.frequency", val, err, sizeof(err)) ||
	    (o.off_cpu && config__set(&s.cfg, "profile.off_cpu", "true", err, sizeof(err)))) {
		fprintf(stderr, "sonde profile: -F: %s\n", err);
		return 2;
	}
	if (session__open(&s, LOG_WARN, SESSION_IDENTITY))
		goto out;
	if (collector__start(&c, &s.cfg, &s.rt)) {
		fprintf(stderr, "sonde profile: %s\n", c.why);
		goto out;
	}
	kbtf__drop();
	features__settle();
	r = (struct run){ .loop = s.rt.loop, .c = &c, .duration = o.duration, .tty = isatty(2) };
	tick = loop__timer_new(s.rt.loop, on_tick, &r);
	if (!tick || loop_timer__arm(tick, 1000, 1000))
		goto out;
	fprintf(stderr, "sonde profile: %s %s at %ld Hz for %ld s (cpu-clock%s)\n",
		o.off_cpu ? "off-CPU time, and sampling" : "sampling", o.filter.pid ? "one process" : "every CPU",
		o.frequency, o.duration, features__has(&s.feat, FEAT_PERF_HW) == 1 ? " or cycles" : "");
	if (loop__run(s.rt.loop) < 0)
		goto out;
	if (r.tty)
		fprintf(stderr, "\n");
	if (profile__finish(&c, &prof, &off, &sym)) {
		fprintf(stderr, "sonde profile: the profiler stopped early: %s\n", c.why);
		goto out;
	}
	if (o.off_cpu)
		prof = off;
	if (fmt == FMT_PPROF) {
		ret = stackprof__write_pprof(prof, sym, &out);
	} else if (fmt == FMT_FOLDED) {
		ret = stackprof__write_folded(prof, sym, &out);
	} else {
		struct strbuf folded = {};
		char title[128];

		if (o.off_cpu)
			snprintf(title, sizeof(title), "Off-CPU: %ld s", r.elapsed);
		else
			snprintf(title, sizeof(title), "CPU: %ld s at %ld Hz", r.elapsed, o.frequency);
		ret = stackprof__write_folded(prof, sym, &folded) ?:
		      flamegraph__svg(folded.buf ?: "", folded.len, title, o.off_cpu ? "ns" : "samples", &out, NULL);
		sb__free(&folded);
	}
	if (ret || (ret = write_file(o.output, &out))) {
		fprintf(stderr, "sonde profile: %s: %s\n", o.output, strerror(-ret));
		ret = 1;
		goto out;
	}
	for (size_t i = 0; i < prof->nimages; i++)
		truncated += prof->images[i].truncated;
	if (o.off_cpu)
		fprintf(stderr, "sonde profile: %.3f s off-CPU of %zu processes in %ld s, %zu distinct stacks -> %s (%zu bytes)",
			prof->samples / 1e9, prof->nimages, r.elapsed, prof->nrows, o.output, out.len);
	else
		fprintf(stderr, "sonde profile: %llu samples of %zu processes in %ld s, %zu distinct stacks -> %s (%zu bytes)",
			(unsigned long long)prof->samples, prof->nimages, r.elapsed, prof->nrows, o.output, out.len);
	if (o.off_cpu)
		fprintf(stderr, "; %.3f s of it with truncated user stacks (no frame pointers)", truncated / 1e9);
	else
		fprintf(stderr, "; %llu samples with truncated user stacks (no frame pointers)", (unsigned long long)truncated);
	if (*symbolizer__kernel_why(sym))
		fprintf(stderr, "; kernel frames unnamed: %s", symbolizer__kernel_why(sym));
	fprintf(stderr, "\n");
	ret = 0;
out:
	loop_timer__free(tick);
	collector__stop(&c);
	sb__free(&out);
	session__close(&s);
	return ret;
}

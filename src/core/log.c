// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <bpf/libbpf.h>
#include "core/log.h"
#include "lib/strbuf.h"

static enum log_level cur_level = LOG_INFO;
static __thread int libbpf_quiet;	/* per thread: collectors load on several */
static struct strbuf *capture;
static const char *const names[] = { "error", "warn", "info", "debug" };

void log__set_level(enum log_level lvl) { cur_level = lvl; }
enum log_level log__level(void) { return cur_level; }

int log__parse_level(const char *s, enum log_level *out)
{
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcasecmp(s, names[i])) {
			*out = i;
			return 0;
		}
	}
	return -1;
}

static void log_vmsg(enum log_level lvl, const char *fmt, va_list ap)
{
	char ts[32];
	struct timespec now;
	struct tm tm;

	if (lvl > cur_level)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ld %-5s ", ts, now.tv_nsec / 1000000, names[lvl]);
	vfprintf(stderr, fmt, ap);
	if (!*fmt || fmt[strlen(fmt) - 1] != '\n')
		fputc('\n', stderr);
}

void log__msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(lvl, fmt, ap);
	va_end(ap);
}

void log__capture_libbpf(struct strbuf *sb) { capture = sb; }

int log__set_libbpf_quiet(int quiet)
{
	int old = libbpf_quiet;

	libbpf_quiet = quiet;
	return old;
}

#define EPERM_CAUSE "EPERM as root: the kernel refused this program type " \
	"(e.g. BPF trampolines or LSM disabled, or lockdown), not a memlock limit"

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	enum log_level lvl = level == LIBBPF_WARN ? LOG_WARN :
			     level == LIBBPF_INFO ? LOG_DEBUG : LOG_DEBUG + 1;

	if (capture) {
		va_list aq;

		va_copy(aq, ap);
		{
			char buf[1024];

			if (strstr(fmt, "try raising 'ulimit -l'"))
				snprintf(buf, sizeof(buf), "%s", EPERM_CAUSE);
			else
				vsnprintf(buf, sizeof(buf), fmt, aq);
			sb__puts(capture, buf);
			if (!*buf || buf[strlen(buf) - 1] != '\n')
				sb__putc(capture, '\n');
		}
		va_end(aq);
		lvl = LOG_DEBUG;
	}
	/* libbpf blames RLIMIT_MEMLOCK for every EPERM as root; on memcg-
	 * accounted kernels (5.11+) that is never the cause, so replace the
	 * hint with what EPERM as root really means. */
	if (strstr(fmt, "try raising 'ulimit -l'")) {
		log__msg(libbpf_quiet || capture ? LOG_DEBUG : LOG_WARN, "libbpf: %s", EPERM_CAUSE);
		return 0;
	}
	if (libbpf_quiet && lvl == LOG_WARN)
		lvl = LOG_DEBUG;
	if (lvl > cur_level)
		return 0;
	{
		char buf[1024];

		vsnprintf(buf, sizeof(buf), fmt, ap);
		log__msg(lvl, "%s", buf);
	}
	return 0;
}

void log__setup_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}

// SPDX-License-Identifier: Apache-2.0
/* The checker's environment on a real host: tracepoints from tracefs. */
#include <errno.h>
#include <string.h>
#include "lang/check.h"

static int host_format(void *ctx, const char *cat, const char *name, struct lang_tp_format *out)
{
	return lang_tp__load(ctx, cat, name, out, NULL, 0);
}

static int host_list(void *ctx, const char *cat_glob, const char *name_glob,
		     int (*cb)(void *arg, const char *cat, const char *name), void *arg)
{
	return lang_tp__list(ctx, cat_glob, name_glob, cb, arg);
}

void lang_env__host(struct lang_env *out, const char *tracefs)
{
	memset(out, 0, sizeof(*out));
	out->ctx = (void *)(tracefs ? tracefs : "/sys/kernel/tracing");
	out->tp_format = host_format;
	out->tp_list = host_list;
	out->has_kprobe = out->has_rawtp = out->has_uprobe = out->has_perf_event = true;
}

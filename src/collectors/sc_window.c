// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "collectors/sc_window.h"
#include "core/attach.h"
#include "core/log.h"
#include "core/loop.h"

struct sc_window {
	struct attach *a;
	struct loop_timer *timer;
	unsigned open_ms, closed_ms;
	unsigned long failures;
};

bool sc_window__supported(void)
{
	/* The kernel's own enum of helpers, from its BTF (shared and already
	 * parsed while collectors load: core/kbtf.c). */
	struct btf *btf = btf__load_vmlinux_btf();
	const struct btf_enum *v;
	const struct btf_type *t;
	bool found = false;
	int id;

	if (!btf)
		return false;
	id = btf__find_by_name_kind(btf, "bpf_func_id", BTF_KIND_ENUM);
	t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	v = t ? btf_enum(t) : NULL;
	for (int i = 0; t && i < btf_vlen(t) && !found; i++)
		found = !strcmp(btf__name_by_offset(btf, v[i].name_off), "BPF_FUNC_task_pt_regs");
	btf__free(btf);
	return found;
}

/* Opens or closes the window. A failed attach (memory, a racing unload)
 * skips one window and says so once: counts are not affected, only
 * latency samples. */
static void toggle(void *ctx, uint32_t events)
{
	struct sc_window *w = ctx;

	if (attach__state(w->a) == ATTACH_ON) {
		attach__suspend(w->a);
		loop_timer__arm(w->timer, w->closed_ms, 0);
		return;
	}
	if (attach__resume(w->a)) {
		if (!w->failures++)
			pr_warn("syscalls: attaching the latency window: %s; retrying next period",
				strerror(-attach__err(w->a)));
		loop_timer__arm(w->timer, w->closed_ms, 0);
		return;
	}
	loop_timer__arm(w->timer, w->open_ms, 0);
}

struct sc_window *sc_window__start(struct attach *a, unsigned n, unsigned period_ms, struct loop *loop)
{
	struct sc_window *w = calloc(1, sizeof(*w));
	int err;

	if (!w)
		return NULL;
	w->a = a;
	w->open_ms = period_ms / n ? period_ms / n : 1;
	w->closed_ms = period_ms - w->open_ms;
	w->timer = loop__timer_new(loop, toggle, w);
	err = w->timer ? loop_timer__arm(w->timer, w->open_ms, 0) : -errno;
	if (err) {
		sc_window__stop(w);
		errno = -err;
		return NULL;
	}
	return w;
}

void sc_window__stop(struct sc_window *w)
{
	if (!w)
		return;
	loop_timer__free(w->timer);
	free(w);
}

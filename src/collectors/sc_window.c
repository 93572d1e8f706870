#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "collectors/sc_window.h"
#include "core/log.h"
#include "core/loop.h"

struct sc_window {
	struct bpf_program *prog;
	struct bpf_link *link;	/* non-NULL while the window is open */
	int tfd;
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

static int arm(struct sc_window *w, unsigned ms)
{
	struct itimerspec its = { .it_value = { ms / 1000, (ms % 1000) * 1000000L } };

	return timerfd_settime(w->tfd, 0, &its, NULL) ? -errno : 0;
}

/* Opens or closes the window. A failed attach (memory, a racing unload)
 * skips one window and says so once: counts are not affected, only
 * latency samples. */
static void toggle(void *ctx, uint32_t events)
{
	struct sc_window *w = ctx;
	uint64_t ticks;

	if (read(w->tfd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		return;
	if (w->link) {
		bpf_link__destroy(w->link);
		w->link = NULL;
		arm(w, w->closed_ms);
		return;
	}
	w->link = bpf_program__attach(w->prog);
	if (!w->link) {
		if (!w->failures++)
			pr_warn("syscalls: attaching the latency window: %s; retrying next period",
				strerror(errno));
		arm(w, w->closed_ms);
		return;
	}
	arm(w, w->open_ms);
}

struct sc_window *sc_window__start(struct bpf_program *prog, unsigned n, unsigned period_ms,
				   struct loop *loop)
{
	struct sc_window *w = calloc(1, sizeof(*w));
	int err;

	if (!w)
		return NULL;
	w->prog = prog;
	w->open_ms = period_ms / n ? period_ms / n : 1;
	w->closed_ms = period_ms - w->open_ms;
	w->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (w->tfd < 0)
		goto fail;
	err = loop__add(loop, w->tfd, EPOLLIN, toggle, w);
	if (err) {
		errno = -err;
		goto fail;
	}
	w->link = bpf_program__attach(prog);
	if (!w->link || arm(w, w->open_ms)) {
		loop__del(loop, w->tfd);
		goto fail;
	}
	return w;
fail:
	err = errno;
	bpf_link__destroy(w->link);
	if (w->tfd >= 0)
		close(w->tfd);
	free(w);
	errno = err;
	return NULL;
}

void sc_window__stop(struct sc_window *w, struct loop *loop)
{
	if (!w)
		return;
	loop__del(loop, w->tfd);
	close(w->tfd);
	bpf_link__destroy(w->link);
	free(w);
}

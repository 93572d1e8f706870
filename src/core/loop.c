// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include "core/log.h"
#include "core/loop.h"

struct watch {
	int fd;
	bool dead;
	loop_fn fn;
	void *ctx;
	struct watch *next;
};

struct loop {
	int epfd, sigfd;
	struct watch *watches;
	struct watch sig_w;
	int exit;		/* -1 while running */
	sigset_t oldmask;
	loop_fn idle;
	void *idle_ctx;
};

struct loop_timer {
	struct loop *loop;
	int fd;
	loop_fn fn;
	void *ctx;
};

static void on_signal(void *ctx, uint32_t events)
{
	struct loop *l = ctx;
	struct signalfd_siginfo si;

	while (read(l->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			pr_info("SIGHUP: reloading configuration");
			l->exit = LOOP_RELOAD;
		} else {
			pr_info("%s: shutting down", strsignal(si.ssi_signo));
			l->exit = LOOP_STOP;
		}
	}
}

static void on_timer(void *ctx, uint32_t events)
{
	struct loop_timer *t = ctx;
	uint64_t n;

	/* A timer re-armed since it fired has nothing to read: not due. */
	if (read(t->fd, &n, sizeof(n)) == sizeof(n))
		t->fn(t->ctx, events);
}

static int add_raw(struct loop *l, int fd, uint32_t events, struct watch *w)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	return epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

static void loop_sigset(sigset_t *mask)
{
	sigemptyset(mask);
	sigaddset(mask, SIGINT);
	sigaddset(mask, SIGTERM);
	sigaddset(mask, SIGHUP);
}

void loop__block_signals(void)
{
	sigset_t mask;

	/* A shell starts background jobs with SIGINT ignored, and an ignored
	 * signal never reaches a signalfd: take the defaults back first. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	loop_sigset(&mask);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
}

struct loop *loop__new(void)
{
	struct loop *l = calloc(1, sizeof(*l));
	sigset_t mask;

	if (!l)
		return NULL;
	l->sigfd = -1;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0)
		goto err;
	loop_sigset(&mask);
	pthread_sigmask(SIG_BLOCK, &mask, &l->oldmask);
	l->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (l->sigfd < 0)
		goto err;
	l->sig_w = (struct watch){ .fd = l->sigfd, .fn = on_signal, .ctx = l };
	if (add_raw(l, l->sigfd, EPOLLIN, &l->sig_w))
		goto err;
	return l;
err:
	{
		int err = errno;

		loop__free(l);
		errno = err;
	}
	return NULL;
}

void loop__free(struct loop *l)
{
	if (!l)
		return;
	while (l->watches) {
		struct watch *w = l->watches;

		l->watches = w->next;
		free(w);
	}
	if (l->sigfd >= 0) {
		close(l->sigfd);
		pthread_sigmask(SIG_SETMASK, &l->oldmask, NULL);
	}
	if (l->epfd >= 0)
		close(l->epfd);
	free(l);
}

int loop__add(struct loop *l, int fd, uint32_t events, loop_fn fn, void *ctx)
{
	struct watch *w = calloc(1, sizeof(*w));
	int err;

	if (!w)
		return -ENOMEM;
	*w = (struct watch){ .fd = fd, .fn = fn, .ctx = ctx, .next = l->watches };
	err = add_raw(l, fd, events, w);
	if (err) {
		free(w);
		return err;
	}
	l->watches = w;
	return 0;
}

/* The watch is only marked here and freed after the current dispatch
 * batch, which may still hold a pointer to it. */
int loop__del(struct loop *l, int fd)
{
	for (struct watch *w = l->watches; w; w = w->next) {
		if (w->fd == fd && !w->dead) {
			epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
			w->dead = true;
			return 0;
		}
	}
	return -ENOENT;
}

static void reap(struct loop *l)
{
	for (struct watch **pp = &l->watches; *pp;) {
		struct watch *w = *pp;

		if (w->dead) {
			*pp = w->next;
			free(w);
		} else {
			pp = &w->next;
		}
	}
}

struct loop_timer *loop__timer_new(struct loop *l, loop_fn fn, void *ctx)
{
	struct loop_timer *t = calloc(1, sizeof(*t));
	int err;

	if (!t)
		return NULL;
	*t = (struct loop_timer){ .loop = l, .fn = fn, .ctx = ctx };
	t->fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (t->fd < 0) {
		err = -errno;
		goto fail;
	}
	err = loop__add(l, t->fd, EPOLLIN, on_timer, t);
	if (err)
		goto fail;
	return t;
fail:
	if (t->fd >= 0)
		close(t->fd);
	free(t);
	errno = -err;
	return NULL;
}

static struct timespec ms_ts(unsigned ms)
{
	return (struct timespec){ ms / 1000, (ms % 1000) * 1000000L };
}

int loop_timer__arm(struct loop_timer *t, unsigned first_ms, unsigned period_ms)
{
	struct itimerspec its = { .it_value = ms_ts(first_ms), .it_interval = ms_ts(period_ms) };

	return timerfd_settime(t->fd, 0, &its, NULL) ? -errno : 0;
}

void loop_timer__free(struct loop_timer *t)
{
	if (!t)
		return;
	loop__del(t->loop, t->fd);
	close(t->fd);
	free(t);
}

void loop__stop(struct loop *l) { l->exit = LOOP_STOP; }

int loop__run(struct loop *l)
{
	struct epoll_event evs[16];

	l->exit = -1;
	while (l->exit < 0) {
		int n;

		/* Before sleeping, so work queued before the first round (the
		 * start events) is not held until something wakes the loop. */
		if (l->idle)
			l->idle(l->idle_ctx, 0);
		n = epoll_wait(l->epfd, evs, 16, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (int i = 0; i < n; i++) {
			struct watch *w = evs[i].data.ptr;

			if (!w->dead)
				w->fn(w->ctx, evs[i].events);
		}
		reap(l);
	}
	return l->exit;
}

void loop__set_idle(struct loop *l, loop_fn fn, void *ctx)
{
	l->idle = fn;
	l->idle_ctx = ctx;
}

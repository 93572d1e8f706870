#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "core/rb_reader.h"
#include "core/log.h"

/* The programs submit most events without waking the consumer (see
 * sonde_rb_flags() in bpf/sonde.bpf.h): a wakeup per event made the loop
 * poll once per event at 200k events/s. What they leave is drained on this
 * period, which bounds an event's delay. */
#define DRAIN_MS 20

struct rb_reader {
	struct ring_buffer *rb;
	struct loop *loop;
	int fd, tfd;
};

static void on_ready(void *ctx, uint32_t events)
{
	rb_reader__drain(ctx);
}

static void on_timer(void *ctx, uint32_t events)
{
	struct rb_reader *eb = ctx;
	uint64_t ticks;

	if (read(eb->tfd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		pr_warn("ring buffer timer: %s", strerror(errno));
	rb_reader__drain(eb);
}

static int start_timer(struct rb_reader *eb)
{
	struct itimerspec its = {
		.it_interval = { 0, DRAIN_MS * 1000000L }, .it_value = { 0, DRAIN_MS * 1000000L },
	};

	eb->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (eb->tfd < 0 || timerfd_settime(eb->tfd, 0, &its, NULL))
		return -errno;
	return loop__add(eb->loop, eb->tfd, EPOLLIN, on_timer, eb);
}

struct rb_reader *rb_reader__open(struct bpf_map *ringbuf, rb_reader_fn fn, void *ctx, struct loop *loop)
{
	struct rb_reader *eb = calloc(1, sizeof(*eb));
	int err;

	if (!eb)
		return NULL;
	eb->tfd = -1;
	eb->rb = ring_buffer__new(bpf_map__fd(ringbuf), (ring_buffer_sample_fn)fn, ctx, NULL);
	if (!eb->rb) {
		err = -errno;
		goto fail;
	}
	eb->loop = loop;
	eb->fd = ring_buffer__epoll_fd(eb->rb);
	err = loop__add(loop, eb->fd, EPOLLIN, on_ready, eb);
	if (err)
		goto fail;
	err = start_timer(eb);
	if (err) {
		loop__del(loop, eb->fd);
		goto fail;
	}
	return eb;
fail:
	if (eb->tfd >= 0)
		close(eb->tfd);
	ring_buffer__free(eb->rb);
	free(eb);
	errno = -err;
	return NULL;
}

int rb_reader__drain(struct rb_reader *eb)
{
	int n = ring_buffer__consume(eb->rb);

	if (n < 0 && n != -EINTR)
		pr_warn("ring buffer: %s", strerror(-n));
	return n;
}

void rb_reader__set_size(struct bpf_map *ringbuf, unsigned long bytes)
{
	unsigned long rb = 4096;

	while (rb < bytes)
		rb <<= 1;
	bpf_map__set_max_entries(ringbuf, rb);
}

int rb_reader__drain_until(struct rb_reader *eb, int (*done)(void *ctx), void *ctx, unsigned timeout_ms)
{
	for (unsigned waited = 0;; waited += 10) {
		rb_reader__drain(eb);
		if (done(ctx) || waited >= timeout_ms)
			return done(ctx);
		usleep(10000);
	}
}

void rb_reader__free(struct rb_reader *eb)
{
	if (!eb)
		return;
	loop__del(eb->loop, eb->fd);
	loop__del(eb->loop, eb->tfd);
	close(eb->tfd);
	ring_buffer__free(eb->rb);
	free(eb);
}

// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "core/log.h"
#include "core/rb_reader.h"
#include "lib/bits.h"

/* The programs submit most events without waking the consumer (see
 * sonde_rb_flags() in bpf/sonde.bpf.h): a wakeup per event made the loop
 * poll once per event at 200k events/s. What they leave is drained on this
 * period, which bounds an event's delay. */
#define DRAIN_MS 20

struct rb_reader {
	struct ring_buffer *rb;
	struct loop *loop;
	struct loop_timer *timer;
	int fd;
};

static void on_ready(void *ctx, uint32_t events)
{
	rb_reader__drain(ctx);
}

struct rb_reader *rb_reader__open(struct bpf_map *ringbuf, rb_reader_fn fn, void *ctx, struct loop *loop)
{
	struct rb_reader *rb = calloc(1, sizeof(*rb));
	int err;

	if (!rb)
		return NULL;
	rb->fd = -1;
	rb->rb = ring_buffer__new(bpf_map__fd(ringbuf), (ring_buffer_sample_fn)fn, ctx, NULL);
	if (!rb->rb) {
		err = -errno;
		goto fail;
	}
	rb->loop = loop;
	err = loop__add(loop, ring_buffer__epoll_fd(rb->rb), EPOLLIN, on_ready, rb);
	if (err)
		goto fail;
	rb->fd = ring_buffer__epoll_fd(rb->rb);
	rb->timer = loop__timer_new(loop, on_ready, rb);
	err = rb->timer ? loop_timer__arm(rb->timer, DRAIN_MS, DRAIN_MS) : -errno;
	if (err)
		goto fail;
	return rb;
fail:
	rb_reader__free(rb);
	errno = -err;
	return NULL;
}

int rb_reader__drain(struct rb_reader *rb)
{
	int n = ring_buffer__consume(rb->rb);

	if (n < 0 && n != -EINTR)
		pr_warn("ring buffer: %s", strerror(-n));
	return n;
}

unsigned long rb_reader__set_size(struct bpf_map *ringbuf, unsigned long bytes)
{
	unsigned long sz = pow2_roundup(bytes < 4096 ? 4096 : bytes, 1UL << 30);

	bpf_map__set_max_entries(ringbuf, sz);
	return sz;
}

int rb_reader__drain_until(struct rb_reader *rb, int (*done)(void *ctx), void *ctx,
			   unsigned timeout_ms)
{
	for (unsigned waited = 0;; waited += 10) {
		rb_reader__drain(rb);
		if (done(ctx) || waited >= timeout_ms)
			return done(ctx);
		usleep(10000);
	}
}

void rb_reader__free(struct rb_reader *rb)
{
	if (!rb)
		return;
	if (rb->fd >= 0)
		loop__del(rb->loop, rb->fd);
	loop_timer__free(rb->timer);
	ring_buffer__free(rb->rb);
	free(rb);
}

#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <bpf/libbpf.h>
#include "core/evbuf.h"
#include "core/log.h"

struct evbuf {
	struct ring_buffer *rb;
	struct loop *loop;
	int fd;
};

static void on_ready(void *ctx, uint32_t events)
{
	evbuf__drain(ctx);
}

struct evbuf *evbuf__open(struct bpf_map *ringbuf, evbuf_fn fn, void *ctx, struct loop *loop)
{
	struct evbuf *eb = calloc(1, sizeof(*eb));
	int err;

	if (!eb)
		return NULL;
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
	return eb;
fail:
	ring_buffer__free(eb->rb);
	free(eb);
	errno = -err;
	return NULL;
}

int evbuf__drain(struct evbuf *eb)
{
	int n = ring_buffer__consume(eb->rb);

	if (n < 0 && n != -EINTR)
		pr_warn("ring buffer: %s", strerror(-n));
	return n;
}

void evbuf__free(struct evbuf *eb)
{
	if (!eb)
		return;
	loop__del(eb->loop, eb->fd);
	ring_buffer__free(eb->rb);
	free(eb);
}

/* The one event buffer: a BPF ring buffer drained by the agent's loop.
 * The kernel side counts what it could not reserve (sonde.bpf.h drops). */
#ifndef SONDE_EVBUF_H
#define SONDE_EVBUF_H
#include <stddef.h>
#include "core/loop.h"

struct bpf_map;
struct evbuf;

/* fn gets each record (as bpf_ringbuf_submit'ed); a negative return stops
 * the current drain. */
typedef int (*evbuf_fn)(void *ctx, void *data, size_t size);

struct evbuf *evbuf__open(struct bpf_map *ringbuf, evbuf_fn fn, void *ctx, struct loop *loop);
/* Sizes a ring buffer map before load: bytes rounded up to a power of two,
 * at least a page, as the kernel requires. */
void evbuf__set_size(struct bpf_map *ringbuf, unsigned long bytes);
/* Drains what is queued now (also done by the loop when the fd is ready). */
int evbuf__drain(struct evbuf *eb);
/* Drains until done(ctx) or timeout_ms have passed (selftests); returns
 * done(ctx). */
int evbuf__drain_until(struct evbuf *eb, int (*done)(void *ctx), void *ctx, unsigned timeout_ms);
void evbuf__free(struct evbuf *eb);
#endif

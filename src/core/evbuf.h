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
/* Drains what is queued now (also done by the loop when the fd is ready). */
int evbuf__drain(struct evbuf *eb);
void evbuf__free(struct evbuf *eb);
#endif

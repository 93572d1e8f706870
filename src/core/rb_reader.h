/* SPDX-License-Identifier: Apache-2.0 */
/* The one reader of BPF ring buffers: drained by the agent's loop when the
 * kernel wakes it and on a short timer for what it queued without a
 * wakeup. The kernel side counts what it could not reserve (sonde.bpf.h
 * drops). */
#ifndef SONDE_RB_READER_H
#define SONDE_RB_READER_H
#include <stddef.h>
#include "core/loop.h"

struct bpf_map;
struct rb_reader;

/* fn gets each record (as bpf_ringbuf_submit'ed); a negative return stops
 * the current drain. */
typedef int (*rb_reader_fn)(void *ctx, void *data, size_t size);

struct rb_reader *rb_reader__open(struct bpf_map *ringbuf, rb_reader_fn fn, void *ctx, struct loop *loop);
/* Sizes a ring buffer map before load: the kernel wants a power of two of
 * at least a page. Returns the size set (bytes rounded up). */
unsigned long rb_reader__set_size(struct bpf_map *ringbuf, unsigned long bytes);
/* Drains what is queued now (also done by the loop when the fd is ready). */
int rb_reader__drain(struct rb_reader *rb);
/* Drains until done(ctx) or timeout_ms have passed (selftests); returns
 * done(ctx). */
int rb_reader__drain_until(struct rb_reader *rb, int (*done)(void *ctx), void *ctx,
			   unsigned timeout_ms);
void rb_reader__free(struct rb_reader *rb);
#endif

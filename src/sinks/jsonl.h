/* SPDX-License-Identifier: Apache-2.0 */
/* JSON-lines event sink: one object per line to stdout or a file, rotated
 * by size. Writes never block the event loop: output that the reader does
 * not take is buffered up to a bound, then events are dropped and counted. */
#ifndef SONDE_JSONL_H
#define SONDE_JSONL_H
#include <stddef.h>
#include <stdint.h>
#include "core/bus.h"

struct jsonl_opts {
	const char *path;	/* "-": stdout */
	uint64_t max_bytes;	/* rotate past this size; 0: never */
	int keep;		/* rotated files kept: path.1 .. path.keep */
	size_t buf_max;		/* pending bytes before events are dropped */
};

/* Returns NULL and sets errno on failure. */
struct sink *jsonl__open(const struct jsonl_opts *o);
#endif

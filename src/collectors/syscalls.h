/* SPDX-License-Identifier: Apache-2.0 */
/* Read access to the syscalls collector's aggregates, for the live view. */
#ifndef SONDE_COLLECTORS_SYSCALLS_H
#define SONDE_COLLECTORS_SYSCALLS_H
#include <stdint.h>
#include "core/collector.h"

struct sc_row {
	unsigned nr;
	const char *comm;
	uint64_t calls, errors;
};

extern const struct collector_ops syscalls_collector;

typedef void (*sc_row_fn)(void *ctx, const struct sc_row *row);
/* Every (syscall, comm) pair with its totals since start. */
int syscalls__for_each(struct collector *c, sc_row_fn fn, void *ctx);
/* Latency slots (SC_HIST_SLOTS) and sum for one syscall. */
int syscalls__hist(struct collector *c, unsigned nr, uint64_t *slots, uint64_t *sum_ns);
#endif

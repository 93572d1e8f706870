/* SPDX-License-Identifier: Apache-2.0 */
/* The agent's metrics about itself (programs, maps, drops, sinks, the
 * process) and what `sonde status` shows, built from the same walk of each
 * collector's attach set. */
#ifndef SONDE_SELF_H
#define SONDE_SELF_H
#include <stdbool.h>
#include "core/collector.h"

struct bus;
struct mapstat;
struct metrics_writer;
struct strbuf;

struct self_info {
	struct collector *collectors;
	int ncollectors;
	bool prog_stats;
	const char *kernel;
	double start_time;	/* unix seconds */
	struct bus *bus;	/* its sinks */
	struct mapstat *maps;
};

void self__collect(const struct self_info *si, struct metrics_writer *w);
/* /api/status as JSON, and the table `sonde status` prints. */
void status__json(const struct self_info *si, struct strbuf *sb);
void status__text(const struct self_info *si, struct strbuf *sb);
/* Run count and run time of a loaded program (0 unless prog stats are on).
 * Returns 0, or a negative errno when the fd is no program. */
int self__prog_stats(int prog_fd, uint64_t *runs, uint64_t *run_ns);
#endif

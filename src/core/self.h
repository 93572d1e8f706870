/* The agent's metrics about itself: programs, maps, drops, process. */
#ifndef SONDE_SELF_H
#define SONDE_SELF_H
#include <stdbool.h>
#include "core/collector.h"

struct self_info {
	struct collector *collectors;
	int ncollectors;
	bool prog_stats;
	const char *kernel;
	double start_time;	/* unix seconds */
};

void self__collect(const struct self_info *si, struct metrics_writer *w);
#endif

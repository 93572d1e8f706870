/* SPDX-License-Identifier: Apache-2.0 */
/* One line of /proc/PID/maps: "start-end perms offset major:minor inode
 * path". Shared by the symbolizer and the TLS library finder. */
#ifndef SONDE_LIB_PROCMAPS_H
#define SONDE_LIB_PROCMAPS_H
#include <stdint.h>
#include <sys/types.h>

struct procmaps_entry {
	uint64_t start, end, off, ino;
	dev_t dev;
	char perms[8];		/* "r-xp" */
	const char *path;	/* into the line, its newline cut; "" for anonymous memory */
};

/* Parses line (NUL-terminated; its newline is cut in place): 0, or -EINVAL
 * for a line of another shape. */
int procmaps__parse(char *line, struct procmaps_entry *e);
#endif

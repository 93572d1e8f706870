// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include "lib/procmaps.h"

int procmaps__parse(char *line, struct procmaps_entry *e)
{
	unsigned long long start, end, off, ino;
	unsigned maj, min;
	char perms[8];
	int n = 0;

	if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %n", &start, &end, perms, &off, &maj, &min,
		   &ino, &n) < 7 || !n || start > end)
		return -EINVAL;
	line[strcspn(line, "\n")] = '\0';
	*e = (struct procmaps_entry){ .start = start, .end = end, .off = off, .ino = ino,
				      .dev = makedev(maj, min), .path = line + n };
	memcpy(e->perms, perms, sizeof(perms));
	return 0;
}

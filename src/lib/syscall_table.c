// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>
#include <string.h>
#include "lib/syscall_table.h"

const char *syscall__name(unsigned nr, char *buf, size_t sz)
{
	if (nr < syscall_names_len && syscall_names[nr])
		return syscall_names[nr];
	snprintf(buf, sz, "sys_%u", nr);
	return buf;
}

int syscall__nr(const char *name)
{
	for (unsigned i = 0; i < syscall_names_len; i++)
		if (syscall_names[i] && !strcmp(syscall_names[i], name))
			return i;
	if (!strncmp(name, "sys_", 4)) {
		unsigned n;
		char end;

		if (sscanf(name + 4, "%u%c", &n, &end) == 1 && n < (1u << 20))
			return n;
	}
	return -1;
}

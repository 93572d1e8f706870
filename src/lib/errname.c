// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>
#include <string.h>
#include "lib/errname.h"

const char *errname(int err, char *buf, size_t sz)
{
	const char *s = err > 0 ? strerrorname_np(err) : NULL;

	if (s)
		return s;
	snprintf(buf, sz, "E%d", err);
	return buf;
}

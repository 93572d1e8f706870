// SPDX-License-Identifier: Apache-2.0
#include <string.h>
#include "server/assets.h"

const struct asset *asset__find(const char *path)
{
	for (const struct asset *a = assets; a->path; a++)
		if (!strcmp(a->path, path))
			return a;
	return NULL;
}

// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>
#include "lib/hostport.h"

int hostport__parse(const char *listen, char *host, size_t hsz, char *port, size_t psz)
{
	const char *colon;
	size_t hl;

	if (listen[0] == '[') {
		const char *end = strchr(listen, ']');

		if (!end || end[1] != ':')
			return -EINVAL;
		hl = end - listen - 1;
		listen++;
		colon = end + 1;
	} else {
		colon = strrchr(listen, ':');
		if (!colon)
			return -EINVAL;
		hl = colon - listen;
	}
	if (!hl || hl >= hsz || !colon[1] || strlen(colon + 1) >= psz)
		return -EINVAL;
	{
		long num = 0;

		for (const char *p = colon + 1; *p; p++) {
			if (*p < '0' || *p > '9')
				return -EINVAL;
			num = num * 10 + (*p - '0');
			if (num > 65535)
				return -EINVAL;
		}
	}
	memcpy(host, listen, hl);
	host[hl] = '\0';
	strcpy(port, colon + 1);
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Files the endpoint serves (src/server/assets/), embedded at build time
 * by scripts/embed.sh. */
#ifndef SONDE_ASSETS_H
#define SONDE_ASSETS_H
#include <stddef.h>

struct asset {
	const char *path;	/* "/index.html" */
	const char *content_type;
	const unsigned char *data;
	size_t size;
};

/* Ends with a zeroed entry. */
extern const struct asset assets[];

/* The asset at path, or NULL. */
const struct asset *asset__find(const char *path);
#endif

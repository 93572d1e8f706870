/* SPDX-License-Identifier: Apache-2.0 */
/* A flame graph as one self-contained SVG, from folded stacks
 * ("a;b;c COUNT" lines): frames as rectangles wide as their share, each
 * with a hover title (name, count, percent); a click zooms to a frame, a
 * search box highlights the frames that match and says their share. No
 * external tool or script. Frame names are escaped for XML. */
#ifndef SONDE_FLAMEGRAPH_H
#define SONDE_FLAMEGRAPH_H
#include <stddef.h>

struct strbuf;

/* unit names what COUNT counts ("samples", "ns"). Malformed lines are
 * skipped and counted in *bad (may be NULL). 0 or -ENOMEM. */
int flamegraph__svg(const char *folded, size_t len, const char *title, const char *unit, struct strbuf *out,
		    unsigned long *bad);
#endif

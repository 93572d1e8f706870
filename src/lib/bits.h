/* SPDX-License-Identifier: Apache-2.0 */
#ifndef SONDE_LIB_BITS_H
#define SONDE_LIB_BITS_H
#include <stdbool.h>

/* The least power of two >= v (1 for 0), at most max (itself a power of two). */
static inline unsigned long pow2_roundup(unsigned long v, unsigned long max)
{
	unsigned long p = 1;

	while (p < v && p < max)
		p <<= 1;
	return p;
}

static inline bool is_pow2(unsigned long v)
{
	return v && !(v & (v - 1));
}
#endif

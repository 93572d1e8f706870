/* SPDX-License-Identifier: Apache-2.0 */
/* Growable arrays: one place for the grow-by-doubling every reader of
 * maps and tables needs. */
#ifndef SONDE_VEC_H
#define SONDE_VEC_H
#include <errno.h>
#include <stdlib.h>

/* Makes room for one more element in *v (n used, *cap allocated).
 * Returns 0 or -ENOMEM (the array is left as it was). */
static inline int vec__reserve(void **v, size_t n, size_t *cap, size_t elem)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	if (ncap > (size_t)-1 / elem)
		return -ENOMEM;
	p = realloc(*v, ncap * elem);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = ncap;
	return 0;
}

#define VEC_PUSH(vec, count, capacity, value)					\
	(vec__reserve((void **)&(vec), (count), &(capacity), sizeof(*(vec))) ?:	\
	 ((vec)[(count)++] = (value), 0))
#endif

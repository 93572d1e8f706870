/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* ceil(log2(v)) for v >= 1, shared by the BPF side (latency buckets) and
 * user space (core/hist.c), so both bucket a value identically. Pure C. */
#ifndef SONDE_LOG2_H
#define SONDE_LOG2_H
#include "sonde/types.h"

static inline __u32 sonde_log2_ceil(__u64 v)
{
	__u32 r = 0, s;

	if (v <= 1)
		return 0;
	v--;
	s = (v > 0xFFFFFFFFULL) << 5; v >>= s; r |= s;
	s = (v > 0xFFFF) << 4; v >>= s; r |= s;
	s = (v > 0xFF) << 3; v >>= s; r |= s;
	s = (v > 0xF) << 2; v >>= s; r |= s;
	s = (v > 0x3) << 1; v >>= s; r |= s;
	r |= (v >> 1);
	return r + 1;
}
#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* What every harness shares: a property that must hold, or the input is a
 * finding (abort: libFuzzer keeps it). */
#ifndef SONDE_FUZZ_H
#define SONDE_FUZZ_H
#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                               \
	do {                                                                      \
		if (!(cond)) {                                                    \
			fprintf(stderr, "property failed: %s (line %d)\n", #cond, __LINE__); \
			abort();                                                  \
		}                                                                 \
	} while (0)
#endif

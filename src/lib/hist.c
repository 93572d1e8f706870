// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>
#include "lib/hist.h"
#include "sonde/log2.h"

unsigned hist__slot_of(uint64_t v)
{
	return sonde_log2_ceil(v);
}

double hist__le_seconds(unsigned i)
{
	return (double)(1ULL << i) * 1e-9;
}

int hist__le_str(unsigned i, char *buf, size_t sz)
{
	uint64_t ns = 1ULL << i;
	int n = snprintf(buf, sz, "%llu.%09llu", (unsigned long long)(ns / 1000000000ULL),
			 (unsigned long long)(ns % 1000000000ULL));

	/* Exact decimal: 2^34 ns is "17.179869184", not a rounded float. */
	while (n > 2 && (size_t)n < sz && buf[n - 1] == '0' && buf[n - 2] != '.')
		buf[--n] = '\0';
	return n;
}

uint64_t hist__cumulate(const uint64_t *slots, unsigned n, uint64_t *cum)
{
	uint64_t t = 0;

	for (unsigned i = 0; i < n; i++) {
		t += slots[i];
		if (cum)
			cum[i] = t;
	}
	return t;
}

uint64_t hist__quantile_ns(const uint64_t *slots, unsigned n, double q)
{
	uint64_t total = hist__cumulate(slots, n, 0), seen = 0;

	if (!total)
		return 0;
	for (unsigned i = 0; i < n; i++) {
		seen += slots[i];
		if (seen && (double)seen >= q * (double)total)
			return i >= 63 ? UINT64_MAX : 1ULL << i;
	}
	return 1ULL << (n - 1);
}

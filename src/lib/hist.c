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
	char d[24];
	int nd = snprintf(d, sizeof(d), "%llu", 1ULL << (i < 63 ? i : 63));
	int exp = nd - 1 - 9;	/* of the first digit: the value is d * 1e-9 */

	/* As Go's strconv.FormatFloat(v, 'g', -1, 64), which Prometheus's
	 * own clients print le with: the shortest digits (2^i has at most 19,
	 * so the exact ones, never a rounded float), and an exponent below
	 * 1e-4. */
	while (nd > 1 && d[nd - 1] == '0')
		d[--nd] = '\0';
	if (exp < -4 || exp >= 21)
		return snprintf(buf, sz, "%c%s%se%c%02d", d[0], nd > 1 ? "." : "", d + 1,
				exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
	if (exp < 0)	/* 0.000ddd: -exp - 1 zeros after the point */
		return snprintf(buf, sz, "0.%.*s%s", -exp - 1, "0000", d);
	return snprintf(buf, sz, "%.*s%s%s", exp + 1, d, nd > exp + 1 ? "." : "", d + exp + 1);
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

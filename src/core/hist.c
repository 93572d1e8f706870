#include "core/hist.h"

unsigned hist__slot_of(uint64_t v)
{
	unsigned r = 0;

	if (v <= 1)
		return 0;
	v--;
	while (v) {
		r++;
		v >>= 1;
	}
	return r;
}

double hist__le_seconds(unsigned i)
{
	return (double)(1ULL << i) * 1e-9;
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
		if ((double)seen >= q * (double)total)
			return i >= 63 ? UINT64_MAX : 1ULL << i;
	}
	return 1ULL << (n - 1);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Log2 latency histograms as aggregated by the BPF side (sonde.bpf.h:
 * log2_ceil): slot i counts values v with 2^(i-1) < v <= 2^i ns; the last
 * slot is the overflow and is exported only as +Inf. */
#ifndef SONDE_HIST_H
#define SONDE_HIST_H
#include <stddef.h>
#include <stdint.h>

/* Same math as the kernel side; used by tests and user-space aggregation. */
unsigned hist__slot_of(uint64_t v);
/* Upper bound of slot i in seconds (the Prometheus "le"). */
double hist__le_seconds(unsigned i);
/* The same bound as Prometheus clients print it ("1.28e-07", "0.000131072",
 * "17.179869184"); returns its length. */
int hist__le_str(unsigned i, char *buf, size_t sz);
/* Sums the counts; cum[i] = sum of slots[0..i]. Returns the total. */
uint64_t hist__cumulate(const uint64_t *slots, unsigned n, uint64_t *cum);
/* Value (ns) below which a fraction q of samples lie, by the slots' upper
 * bounds; 0 when empty. */
uint64_t hist__quantile_ns(const uint64_t *slots, unsigned n, double q);
#endif

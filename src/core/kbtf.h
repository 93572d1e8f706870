/* SPDX-License-Identifier: Apache-2.0 */
#ifndef SONDE_KBTF_H
#define SONDE_KBTF_H

#include <stdbool.h>

/* Kernel BTF shared between the objects libbpf loads (see kbtf.c). */
struct kbtf_stats {
	unsigned int parsed;	/* times the kernel BTF was parsed */
	unsigned int reused;	/* loads answered from the shared copy */
	bool mmapped;		/* parsed from an mmap of the sysfs file */
};

/* Free the shared kernel BTF; the next load parses it again. Call once the
 * objects that need it are loaded. */
void kbtf__drop(void);
void kbtf__stats(struct kbtf_stats *out);

#endif

// SPDX-License-Identifier: GPL-2.0-only
// HINT: missing_license
#include "common.h"

SEC("raw_tp/sys_enter")
int missing_license(void *ctx)
{
	char buf[8];

	bpf_probe_read_kernel(buf, sizeof(buf), ctx);	/* VERIFY-FAIL */
	return buf[0];
}
/* no LICENSE section: the object is not GPL-compatible */

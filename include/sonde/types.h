/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Fixed-width types for headers shared by the BPF and the user side. */
#ifndef SONDE_TYPES_H
#define SONDE_TYPES_H
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif
#define SONDE_COMM_LEN 16
#endif

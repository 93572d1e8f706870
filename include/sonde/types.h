/* Fixed-width types for headers shared by the BPF and the user side. */
#ifndef SONDE_TYPES_H
#define SONDE_TYPES_H
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif
#define SONDE_COMM_LEN 16
#endif

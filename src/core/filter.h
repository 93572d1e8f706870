/* The process filters every collector applies in the kernel
 * (sonde.bpf.h: filter_tgid, filter_cgroup, filter_comm). */
#ifndef SONDE_FILTER_H
#define SONDE_FILTER_H
#include <stdio.h>
#include <string.h>
#include "core/config.h"
#include "core/host.h"

/* Resolves the filter and writes it into a skeleton's rodata. Evaluates to
 * 0, or a negative errno with the reason in why. */
#define filter__apply(rodata, fc, why, why_sz) ({				\
	int __err = 0;								\
	(rodata)->filter_tgid = (fc)->pid;					\
	if ((fc)->comm[0]) {							\
		(rodata)->filter_by_comm = true;				\
		memcpy((char *)(rodata)->filter_comm, (fc)->comm,		\
		       strnlen((fc)->comm, sizeof((rodata)->filter_comm) - 1)); \
	}									\
	if ((fc)->cgroup[0]) {							\
		long long __id = host__cgroup_id((fc)->cgroup);		\
		if (__id < 0) {							\
			snprintf(why, why_sz, "cgroup filter '%.160s': %s%s",	\
				 (fc)->cgroup, strerror((int)-__id),		\
				 __id == -ENOTDIR ? " (not a cgroup v2 directory)" : ""); \
			__err = (int)__id;					\
		} else {							\
			(rodata)->filter_cgroup = __id;				\
		}								\
	}									\
	__err;									\
})
#endif

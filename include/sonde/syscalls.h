/* Maps shared by bpf/syscalls.bpf.c and src/collectors/syscalls.c. */
#ifndef SONDE_SYSCALLS_H
#define SONDE_SYSCALLS_H
#include "sonde/types.h"

/* Syscall numbers at or above this are counted but get no histogram. */
#define SC_NR_MAX	512
/* Log2 latency buckets: bucket i counts durations <= 2^i ns; the last one
 * holds everything above 2^(SC_HIST_SLOTS-2) ns and is exported only as +Inf. */
#define SC_HIST_SLOTS	40

struct sc_key {			/* calls per (syscall, comm) */
	__u32 nr;
	char comm[SONDE_COMM_LEN];
};

struct sc_val {
	__u64 calls;
	__u64 errors;
};

struct sc_err_key {		/* failures per (syscall, errno, comm) */
	__u32 nr;
	__u32 err;
	char comm[SONDE_COMM_LEN];
};

struct sc_hist {		/* latency per syscall */
	__u64 slots[SC_HIST_SLOTS];
	__u64 sum_ns;
};

/* One in-flight syscall per thread slot: tid & slot_mask. A thread whose
 * slot was taken by a colliding tid loses that call's latency (counted in
 * SC_DROP_SLOT_COLLISION), never the call itself. */
struct sc_inflight {
	__u32 tid;
	__u32 nr;
	__u64 ts;
};

enum sc_drop {
	SC_DROP_SLOT_COLLISION,	/* latency lost: another thread took the slot */
	SC_DROP_KEY_FULL,	/* (syscall, comm) map full: call not counted */
	SC_DROP_ERR_FULL,	/* errno map full: failure not broken down */
	SC_DROP_MAX,
};

#endif

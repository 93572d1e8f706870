/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Maps shared by bpf/syscalls.bpf.c and src/collectors/syscalls.c. */
#ifndef SONDE_SYSCALLS_H
#define SONDE_SYSCALLS_H
#include "sonde/types.h"

/* Syscall numbers at or above this are folded into SC_NR_OTHER. */
#define SC_NR_BITS	9
#define SC_NR_MAX	(1u << SC_NR_BITS)
#define SC_NR_OTHER	(SC_NR_MAX - 1)
/* Log2 latency buckets: bucket i counts durations <= 2^i ns; the last one
 * holds everything above 2^(SC_HIST_SLOTS-2) ns and is exported only as +Inf. */
#define SC_HIST_SLOTS	40

/* Process names are interned into small ids so the per-call path hashes a
 * u32 instead of a 16-byte string. Id 0 is "other": names that arrived
 * after the name table filled up. */
#define SC_COMM_OTHER	0
#define SC_COMM_NONE	0xffffffffu	/* thread slot has no cached id */

static inline __u32 sc_key(__u32 comm_id, __u32 nr)
{
	return comm_id << SC_NR_BITS | nr;
}

/* Per-CPU direct-mapped counters in front of the counts hash: a slot is
 * claimed for good by the first key that lands in it on that CPU, so its
 * count only ever grows and a reader adding slot and hash never counts a
 * call twice or sees a total shrink. Keys that find their slot taken go to
 * the hash. */
#define SC_CACHE_BITS	12
#define SC_CACHE_SLOTS	(1u << SC_CACHE_BITS)

struct sc_cache_ent {
	__u32 key;
	__u32 used;
	__u64 count;
};

static inline __u32 sc_cache_slot(__u32 key)
{
	return (key * 2654435761u) >> (32 - SC_CACHE_BITS);
}

struct sc_comm {
	char comm[SONDE_COMM_LEN];
};

struct sc_err_key {		/* failures per (comm id, syscall) and errno */
	__u32 key;		/* sc_key() */
	__u32 err;
};

struct sc_hist {		/* latency per syscall */
	__u64 slots[SC_HIST_SLOTS];
	__u64 sum_ns;
};

/* Per-thread state in slot tid & slot_mask: the call in flight, a latency
 * sample and the thread's interned name, each tagged with the tid it
 * belongs to. Threads whose tids collide share a slot: a call whose sample
 * was overwritten loses its latency (SC_DROP_SLOT_COLLISION), never its
 * count; a call whose number was overwritten reads it from the registers. */
struct sc_thread {
	__u64 ts;		/* entry time of a sampled call; 0: none */
	__u32 ts_tid;		/* whose call ts is */
	__u32 tid;		/* whose name comm/comm_id are */
	__u64 comm[2];
	__u32 comm_id;
	__u32 pad;
};

enum sc_drop {
	SC_DROP_SLOT_COLLISION,	/* latency lost: another thread took the slot */
	SC_DROP_KEY_FULL,	/* counts map full: call not counted */
	SC_DROP_ERR_FULL,	/* errno map full: failure not broken down */
	SC_DROP_COMM_FULL,	/* name table full: counted under comm="other" */
	SC_DROP_MAX,
};

#endif

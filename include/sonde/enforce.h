/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* A compiled enforcement policy as the kernel reads it (bpf/enforce.bpf.c),
 * written by src/policy/compile.c and loaded by src/collectors/enforce.c.
 *
 * A policy version is four maps: meta (one entry), rules (an array of
 * compiled rules), keys (an LPM trie: binary path, file path or address ->
 * the rules that key selects) and strs (strings secondary selectors
 * compare). Each outer array of maps holds two slots; the state map names
 * the slot in force, so a reload builds the other slot beside it and flips
 * one word. An event costs one LPM lookup per primary selector kind plus
 * the candidates it returns (at most ENF_CANDIDATES each), never a walk
 * over the rules. */
#ifndef SONDE_ENFORCE_H
#define SONDE_ENFORCE_H
#include "sonde/task.h"

enum enf_event {
	ENF_EV_EXEC,
	ENF_EV_OPEN,
	ENF_EV_CONNECT,
	ENF_EV_BIND,
	ENF_EV_SETUID,		/* setuid, setgid, setre*id, setres*id, setfs*id */
	ENF_EV_PTRACE,
	ENF_EV_MODULE,		/* init_module, finit_module, delete_module */
	ENF_EV_BPF,
	ENF_EV__COUNT,
};

enum enf_action {
	ENF_ACT_AUDIT,
	ENF_ACT_KILL,
	ENF_ACT_DENY,
};

/* What a primary key is over: the tag's high nibble. */
enum enf_dim {
	ENF_DIM_BIN = 1,	/* the process's binary path */
	ENF_DIM_PATH = 2,	/* the opened file's path */
	ENF_DIM_NET4 = 3,	/* connect destination / bind address */
	ENF_DIM_NET6 = 4,
};
#define ENF_TAG(dim, ev)	((__u8)((dim) << 4 | (ev)))

#define ENF_MAX_RULES	16384	/* compiled rules per version */
#define ENF_MAX_KEYS	32768	/* LPM entries per version */
#define ENF_MAX_STRS	4096
#define ENF_STR_MAX	256	/* a selector string with its NUL */
#define ENF_CANDIDATES	15	/* rules one key (or one event's wildcard list) selects */
#define ENF_KEY_DATA	255	/* LPM data after the tag (the kernel's limit is 256 bytes) */
#define ENF_ARGV_MAX	16	/* argv elements an args selector sees */

/* LPM key: prefixlen counts bits from tag. A path key holds the path's
 * bytes; an exact path adds its NUL (so "/bin/sh" does not select
 * "/bin/sh2"), a prefix does not. Addresses are in network order. */
struct enf_key {
	__u32 prefixlen;
	__u8 tag;
	__u8 data[ENF_KEY_DATA];
};

/* The compiled rules a key selects: every rule whose key is a prefix of
 * this one (the compiler closes over shorter prefixes, so the longest
 * match alone gives every matching rule). */
struct enf_cands {
	__u16 n;
	__u16 id[ENF_CANDIDATES];
};

/* Secondary selectors a compiled rule tests (sel bits). */
#define ENF_SEL_UID	(1u << 0)
#define ENF_SEL_CGROUP	(1u << 1)	/* the cgroup or one of its ancestors */
#define ENF_SEL_BIN	(1u << 2)	/* binary, when it is not the primary key */
#define ENF_SEL_PARENT	(1u << 3)	/* the parent process's binary */
#define ENF_SEL_ARGV	(1u << 4)	/* an argv element equals a string */
#define ENF_SEL_FLAGS	(1u << 5)	/* open: any of open_flags */
#define ENF_SEL_PORT	(1u << 6)	/* connect/bind: port in [port_lo, port_hi] */

/* open_flags */
#define ENF_OPEN_WRITE	(1u << 0)
#define ENF_OPEN_TRUNC	(1u << 1)
#define ENF_OPEN_CREATE	(1u << 2)
#define ENF_OPEN_ANY	(1u << 7)	/* enf_meta.open_flags: a rule without flags */

struct enf_rule {
	__u32 version;		/* the policy version it belongs to */
	__u16 rule;		/* its policy rule (index): names, metrics */
	__u8 event;		/* enum enf_event */
	__u8 action;		/* enum enf_action */
	__u32 sel;		/* ENF_SEL_* */
	__u32 uid_lo, uid_hi;
	__u64 cgroup_id;
	__u32 bin_str, parent_str;	/* indices into strs */
	__u16 bin_len, parent_len;	/* bytes before the NUL */
	__u8 bin_prefix, parent_prefix;	/* 1: a prefix, 0: the whole path */
	__u8 open_flags;
	__u8 pad;
	__u16 port_lo, port_hi;
	__u32 rate;		/* audit events per second; 0: no limit */
	__u64 argv_hash;	/* enf_hash() of the element */
};

struct enf_str {
	char s[ENF_STR_MAX];
};

#define ENF_F_DRY_RUN	(1u << 0)	/* report what would be done; act on nothing */

struct enf_meta {
	__u32 version;
	__u32 flags;		/* ENF_F_* */
	__u32 nrules;		/* compiled */
	__u32 npolicy;		/* policy rules */
	/* The open_flags any open rule wants, ENF_OPEN_ANY if one takes
	 * every open: other opens skip the path walk. */
	__u32 open_flags;
	/* Per event: the primary key kinds it has (1 << enf_dim), and the
	 * rules with no primary key (uid, cgroup, ... alone). */
	__u8 dims[ENF_EV__COUNT];
	struct enf_cands any[ENF_EV__COUNT];
};

/* The slot in force (state map, one entry). */
struct enf_state {
	__u32 slot;		/* 0 or 1 */
	__u32 version;
};

/* Per policy rule and slot (rule_stats[slot * ENF_MAX_RULES + rule]). */
struct enf_stat {
	__u64 matches;
	__u64 actions;		/* kills and denials taken (not in dry-run) */
	__u64 audits;		/* events sent */
	__u64 suppressed;	/* events the rate limit held back */
	__u64 window_ns;	/* the rate limit's current second */
	__u64 window_n;
};

/* FNV-1a 64 over a NUL-terminated string, both sides. */
#define ENF_FNV_OFFSET	0xcbf29ce484222325ULL
#define ENF_FNV_PRIME	0x100000001b3ULL

#define ENF_STACK_DEPTH	16

/* One ring-buffer record per acted-on or audited match. */
struct enf_record {
	struct sonde_task task;
	__u32 version;
	__u16 rule;
	__u8 event;
	__u8 action;		/* enum enf_action: what the rule says */
	__u8 taken;		/* 1: done; 0: dry-run, reported only */
	__u8 via_lsm;		/* decided in an LSM hook (before the operation) */
	__u8 family;		/* AF_INET, AF_INET6 (connect, bind) */
	__u8 open_flags;	/* ENF_OPEN_* seen (open) */
	__u16 port;
	__u16 syscall_nr;	/* setuid family, module: which call */
	__u32 suppressed;	/* audit events of the rule held back before this one */
	__s32 nstack;		/* kernel stack frames, 0 when the hook has none */
	__u8 addr[16];
	__u64 arg;		/* setuid: the id asked for; ptrace: request */
	__u64 stack[ENF_STACK_DEPTH];
	char path[ENF_STR_MAX];	/* the file (open, exec) or binary */
};
#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* What this kernel really supports, learned by real loads and attaches
 * (the kernel's own probes lie on some kernels), each probed once, when
 * first asked: start-up pays only for the hooks its collectors use. */
#ifndef SONDE_FEATURES_H
#define SONDE_FEATURES_H
#include <stdbool.h>
#include <stdio.h>

enum feature_id {
	FEAT_BTF,
	FEAT_RINGBUF,
	FEAT_TRACEPOINT,
	FEAT_RAW_TP,
	FEAT_TP_BTF,
	FEAT_KPROBE,
	FEAT_FENTRY,
	FEAT_UPROBE,
	FEAT_PERF_SW,
	FEAT_PERF_HW,
	FEAT_LSM,
	FEAT_TC,		/* sched_cls on clsact (netlink) */
	FEAT_XDP,
	FEAT_CGROUP_SOCK_ADDR,	/* cgroup/connect4 and friends */
	FEAT_SOCK_OPS,
	FEAT_CGROUP_SKB,
	FEAT_SOCKET_FILTER,
	/* Interfaces rather than hooks: which way the attach set attaches. */
	FEAT_PERF_LINK,		/* BPF links on perf events (5.15+) */
	FEAT_TCX,		/* tc through BPF links (6.6+) */
	FEAT_MAP_BATCH,		/* bpf_map_lookup_batch (5.6+) */
	FEAT__COUNT,
};

struct feature {
	bool probed;
	bool ok;
	int err;		/* negative errno of the failed step */
	char why[192];		/* what failed, in words */
	char fix[192];		/* what the user can do */
	double ms;		/* probe time */
};

struct features {
	struct feature f[FEAT__COUNT];
	char kernel[128];
};

const char *feature__name(enum feature_id id);
const char *feature__summary(enum feature_id id);
/* Ready to answer; probes nothing yet. */
void features__init(struct features *feat);
/* Probes every feature (sonde check, selftest). */
void features__probe_all(struct features *feat);
/* Probes id if not done yet; never fails as a whole. */
bool features__has(struct features *feat, enum feature_id id);
/* Why id is missing ("" when it is there). */
const char *features__why(struct features *feat, enum feature_id id);
/* 0, or -EOPNOTSUPP with "needs <summary>: <why>" in why. */
int features__require(struct features *feat, enum feature_id id, char *why, size_t why_sz);
/* The probes' compiled BPF object, for `sonde verify --builtin`. */
const void *features__elf_bytes(size_t *sz);
/* Start-up is over: probes torn down so far detach on a thread of their
 * own (RCU waits), later ones at once. */
void features__settle(void);
/* Whether a cgroup sock_addr program may call bpf_get_current_task (6.0+,
 * in the base helpers). */
bool features__sock_addr_names_task(void);
/* Whether connect and bind can be judged here (the enforce collector's
 * cgroup sock_addr programs read their task); if not, why says why. */
bool features__sock_enforce(struct features *f, char *why, size_t why_sz);
/* Waits for that teardown; call before exit. */
void features__release(void);
#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* The attach set's insides, shared by attach.c (the set and its entries)
 * and attach_hooks.c (attaching each hook kind); not for other users. */
#ifndef SONDE_CORE_ATTACH_PRIV_H
#define SONDE_CORE_ATTACH_PRIV_H
#include <pthread.h>
#include <bpf/libbpf.h>
#include "core/attach.h"

#define BPF_TCX_INGRESS_ 46	/* enum bpf_attach_type, 6.6+: newer than our uapi headers */
#define BPF_TCX_EGRESS_ 47

struct attach {
	struct attach_set *set;
	struct attach *next;
	char prog_name[64];
	const struct bpf_program *prog;
	int prog_fd;
	struct attach_spec spec;
	char *strs[3];		/* owned copies of the spec's strings */
	int *fds;		/* links, raw tracepoint fds, perf fds; -1: none */
	unsigned nfds;
	struct bpf_link *link;	/* USDT */
	struct bpf_tc_opts tc;	/* a netlink filter, when tcx is missing */
	bool tc_netlink;
	enum attach_state state;
	int err;
	char why[160];
	char target[200];
};

#define ATTACH_REAPERS 4

struct attach_set {
	struct features *feat;
	struct attach *head, **tail;
	struct attach_map *maps;
	unsigned nmaps;
	pthread_t reapers[ATTACH_REAPERS];	/* detaching removed entries */
	unsigned nreapers;
};

/* Attaches a's program as its spec says: 0 or a negative errno (what it
 * got to is undone by hook__detach). */
int hook__attach(struct attach *a);
/* Undoes hook__attach, however far it got; idempotent. */
void hook__detach(struct attach *a);
#endif

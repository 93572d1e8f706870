/* SPDX-License-Identifier: Apache-2.0 */
/* The XDP drop list as user space keeps it: rule ids (slots of the
 * per-rule counter array), the CIDR of each, and whether it came from the
 * config (replaced on SIGHUP) or from `sonde xdp` (kept until removed or
 * the agent stops). Every change is one map update, so packets are judged
 * by the list before or after it, never by half of it. */
#ifndef SONDE_XDP_RULES_H
#define SONDE_XDP_RULES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/netaddr.h"

struct xdp_rule {
	struct cidr cidr;
	bool used;
	bool from_config;
	bool from_command;
};

struct xdp_rules {
	struct xdp_rule *v;
	unsigned cap;		/* rule ids 0..cap-1 */
	unsigned used;
	int *bucket, *next;	/* CIDR -> id: chains of ids by hash */
	unsigned nbuckets;
	unsigned free_hint;	/* no unused id below it */
	int fd4, fd6;		/* the LPM tries */
	int fd_counts;		/* per-rule counters (per CPU) */
	int ncpus;
};

int xdp_rules__init(struct xdp_rules *r, unsigned cap, int fd4, int fd6, int fd_counts);
void xdp_rules__free(struct xdp_rules *r);
/* Adds one rule: its id, or -EEXIST (the same CIDR is there: *id set),
 * -ENOSPC (xdp.max_rules), or another negative errno, with why. */
int xdp_rules__add(struct xdp_rules *r, const struct cidr *c, bool from_config, char *why, size_t why_sz);
/* Removes the rule for c (from_config: only as the config's, a rule also
 * added by command stays). 0, or -ENOENT. */
int xdp_rules__del(struct xdp_rules *r, const struct cidr *c, bool from_config);
int xdp_rules__find(const struct xdp_rules *r, const struct cidr *c);
/* Makes the config's rules list (comma-separated CIDRs): adds the new,
 * removes those no longer listed. Parses all first: a bad entry changes
 * nothing. 0, or a negative errno with why naming the entry. */
int xdp_rules__set_config(struct xdp_rules *r, const char *list, char *why, size_t why_sz);
/* Packets and bytes rule id dropped, summed over CPUs. */
int xdp_rules__count(const struct xdp_rules *r, unsigned id, uint64_t *packets, uint64_t *bytes);
#endif

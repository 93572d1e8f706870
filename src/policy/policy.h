/* SPDX-License-Identifier: Apache-2.0 */
/* Enforcement policies: a YAML file (docs/policy.md) -> struct policy
 * (parse.c) -> the maps the kernel reads (compile.c, sonde/enforce.h).
 * Pure: no BPF, no agent state; the only system reads are the cgroup
 * directories a rule names, resolved to ids when it is compiled.
 *
 * Errors follow libbpf's model (0 or a negative errno) and fill err with
 * "FILE:LINE: reason". */
#ifndef SONDE_POLICY_H
#define SONDE_POLICY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sonde/enforce.h"

#define POLICY_NAME_MAX	64
#define POLICY_LIST_MAX	64	/* items in one selector's list */

/* A path selector: "/usr/bin/nc" is the whole path; "/opt/tools/" with a
 * trailing '*' is a prefix. */
struct policy_path {
	char s[ENF_STR_MAX];
	uint16_t len;		/* bytes before the NUL (the prefix without its '*') */
	bool prefix;
};

struct policy_cidr {
	uint8_t family;		/* AF_INET, AF_INET6 */
	uint8_t bits;
	uint8_t addr[16];	/* network order, host bits zero */
};

struct policy_range {
	uint32_t lo, hi;
};

struct policy_rule {
	char name[POLICY_NAME_MAX];
	unsigned line;		/* where the rule starts */
	unsigned field_line[16];	/* where each field is (parse.c's order), 0: absent */
	uint32_t events;	/* 1 << enf_event */
	enum enf_action action;
	uint32_t rate;		/* audit events per second, 0: no limit */
	/* Selectors: a list is any of its items, selectors all of them. */
	struct policy_path *binary; unsigned nbinary;
	struct policy_path *parent; unsigned nparent;
	struct policy_path *path; unsigned npath;	/* open */
	char (*args)[ENF_STR_MAX]; unsigned nargs;	/* an argv element equal to one */
	uint8_t open_flags;	/* ENF_OPEN_*: any of them; 0: any open */
	struct policy_cidr *address; unsigned naddress;	/* connect: destination, bind: local */
	struct policy_range *port; unsigned nport;
	struct policy_range *uid; unsigned nuid;
	uint64_t *cgroup; unsigned ncgroup;		/* cgroup ids (from paths, ids or container ids) */
};

struct policy {
	char file[256];		/* for messages */
	bool dry_run;		/* the file's own "dry_run: true" */
	struct policy_rule *rules;
	unsigned nrules;
};

/* Parses text (len bytes, no NUL needed) named file in messages. On
 * success p holds the rules (policy__free them); on error p is empty and
 * err says "FILE:LINE: reason". cgroup_root: where cgroup paths and
 * container ids are looked up (NULL: /sys/fs/cgroup). */
int policy__parse(struct policy *p, const char *file, const char *text, size_t len,
		  const char *cgroup_root, char *err, size_t errsz);
/* Reads and parses the file at path. */
int policy__load(struct policy *p, const char *path, const char *cgroup_root, char *err,
		 size_t errsz);
void policy__free(struct policy *p);

const char *enf_event__name(enum enf_event e);
const char *enf_action__name(enum enf_action a);

/* What the kernel reads, built from a policy. */
struct enf_image {
	struct enf_meta meta;
	struct enf_rule *rules;		/* nrules: index = compiled id */
	unsigned nrules;
	struct enf_key *keys;		/* with cands[i] for keys[i] */
	struct enf_cands *cands;
	unsigned nkeys;
	struct enf_str *strs;
	unsigned nstrs;
};

/* Compiles p as policy version version (dry_run ORed with the file's).
 * -E2BIG when it exceeds a kernel bound (rules, keys, candidates per key),
 * err naming the rule and its line. */
int policy__compile(const struct policy *p, uint32_t version, bool dry_run, struct enf_image *img,
		    char *err, size_t errsz);
void enf_image__free(struct enf_image *img);

/* FNV-1a 64 of s, as the kernel hashes argv elements. */
uint64_t enf_hash(const char *s);
#endif

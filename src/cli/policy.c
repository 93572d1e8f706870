// SPDX-License-Identifier: Apache-2.0
/* `sonde policy check FILE`: a policy parsed and compiled as the agent
 * would, errors with file, line and reason; and `sonde enforce -f FILE`:
 * the agent with the enforce collector alone. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "cli/cli.h"
#include "core/features.h"
#include "core/host.h"
#include "policy/policy.h"

static int policy_usage(FILE *f, int rc)
{
	fprintf(f, "usage: sonde policy check [--dry-run] FILE...\n\n"
		   "Parses and compiles each policy file as the agent would and says what each rule\n"
		   "does on this kernel; exits 1 at the first file with an error (FILE:LINE: reason).\n"
		   "Schema: docs/policy.md\n");
	return rc;
}

/* What this kernel offers enforcement. */
struct here {
	bool lsm, sock;
	char sock_why[160], buf[224];
};

/* What a rule's action amounts to here. */
static const char *effect(const struct policy_rule *r, struct here *h, bool dry)
{
	bool file = r->events & (1u << ENF_EV_EXEC | 1u << ENF_EV_OPEN);
	bool sock = r->events & (1u << ENF_EV_CONNECT | 1u << ENF_EV_BIND);

	if (sock && !h->sock) {
		snprintf(h->buf, sizeof(h->buf), "%s: %s", file ? "connect and bind not judged here"
				 : "not judged here", h->sock_why);
		return h->buf;
	}
	if (r->action == ENF_ACT_AUDIT)
		return "audit events";
	if (dry)
		return "dry-run: reported, not acted on";
	if (r->action == ENF_ACT_KILL)
		return "SIGKILL from the hook";
	if (!file)
		return "EPERM from the cgroup hook";
	return h->lsm ? "EPERM from the LSM hook (connect/bind: the cgroup hook)" :
		     "no BPF LSM here: SIGKILL at the tracepoint instead (the call has happened)";
}

static int check_one(const char *path, bool dry_run, struct here *h)
{
	struct policy p = {};
	struct enf_image img = {};
	char err[512], root[PATH_MAX];
	int ret;

	ret = policy__load(&p, path, host__cgroup2_root(root, sizeof(root)) ? NULL : root, err,
			   sizeof(err));
	if (!ret)
		ret = policy__compile(&p, 1, dry_run, &img, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s\n", err);
		policy__free(&p);
		return 1;
	}
	printf("%s: ok: %u rules (%u compiled, %u keys)%s\n", path, p.nrules, img.nrules, img.nkeys,
	       img.meta.flags & ENF_F_DRY_RUN ? ", dry-run" : "");
	for (unsigned i = 0; i < p.nrules; i++) {
		const struct policy_rule *r = &p.rules[i];
		char events[128] = "";

		for (int e = 0; e < ENF_EV__COUNT; e++)
			if (r->events & (1u << e))
				snprintf(events + strlen(events), sizeof(events) - strlen(events), "%s%s",
					 events[0] ? "," : "", enf_event__name(e));
		printf("  %s:%u %s: %s %s: %s\n", path, r->line, r->name, enf_action__name(r->action),
		       events, effect(r, h, img.meta.flags & ENF_F_DRY_RUN));
	}
	enf_image__free(&img);
	policy__free(&p);
	return 0;
}

int cmd_policy(int argc, char **argv)
{
	struct features feat;
	struct here h = {};
	bool dry_run = false;
	int i = 2, nfiles = 0;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return policy_usage(argc < 2 ? stderr : stdout, argc < 2 ? 2 : 0);
	if (strcmp(argv[1], "check")) {
		fprintf(stderr, "sonde policy: unknown subcommand '%s'\n", argv[1]);
		return policy_usage(stderr, 2);
	}
	/* The LSM probe's refusal is an answer, not news for the reader. */
	libbpf_set_print(NULL);
	features__init(&feat);
	h.lsm = features__has(&feat, FEAT_LSM);
	h.sock = features__sock_enforce(&feat, h.sock_why, sizeof(h.sock_why));
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--dry-run")) {
			dry_run = true;
			continue;
		}
		if (argv[i][0] == '-') {
			fprintf(stderr, "sonde policy check: unknown option '%s'\n", argv[i]);
			return policy_usage(stderr, 2);
		}
		nfiles++;
		if (check_one(argv[i], dry_run, &h))
			return 1;
	}
	if (!nfiles) {
		fprintf(stderr, "sonde policy check: no policy file given\n");
		return policy_usage(stderr, 2);
	}
	return 0;
}

int cmd_enforce(int argc, char **argv)
{
	const char *file = NULL;
	char **av = calloc(argc + 8, sizeof(*av));
	char policy_opt[300];
	int n = 0, ret;

	if (!av)
		return 1;
	av[n++] = "agent";
	av[n++] = "--collectors";
	av[n++] = "enforce";
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: sonde enforce -f FILE [--dry-run] [agent options]\n\n"
			       "Runs enforcement alone: the policy in FILE (docs/policy.md), judged in the\n"
			       "kernel; its events go to stdout as JSON lines (--events FILE elsewhere).\n"
			       "The file is reloaded when it changes and on SIGHUP.\n");
			free(av);
			return 0;
		}
		if ((!strcmp(argv[i], "-f") || !strcmp(argv[i], "--file")) && i + 1 < argc) {
			file = argv[++i];
		} else if (!strcmp(argv[i], "--dry-run")) {
			av[n++] = "--enforce-dry-run";
		} else {
			av[n++] = argv[i];
		}
	}
	if (!file) {
		fprintf(stderr, "sonde enforce: no policy: -f FILE (see docs/policy.md)\n");
		free(av);
		return 2;
	}
	snprintf(policy_opt, sizeof(policy_opt), "--enforce-policy=%s", file);
	av[n++] = policy_opt;
	ret = cmd_agent(n, av);
	free(av);
	return ret;
}

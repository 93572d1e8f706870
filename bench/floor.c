// SPDX-License-Identifier: Apache-2.0
/* floor MODE [--attach-only]: attach the empty programs of floor.bpf.c,
 * then wait for SIGINT/SIGTERM and detach.
 *   raw   raw_tp sys_enter
 *   raw2  raw_tp sys_enter + sys_exit
 *   tp    classic tracepoint raw_syscalls:sys_enter
 *   tp2   classic tracepoints raw_syscalls:sys_enter + sys_exit
 *   btf2  tp_btf sys_enter + sys_exit (the program type sonde prefers:
 *         same hook as raw2, but a tracing program)
 *   net IF[@NETNS],...  tcx ingress + egress on each interface, and a
 *         sock_ops program on the cgroup v2 root that asks for the RTT and
 *         state callbacks: the hooks of sonde's tcp and flows collectors
 *   l7    an empty program on sys_enter_ and sys_exit_ of read, write,
 *         recvfrom, sendto, recvmsg, sendmsg, readv, writev, sendfile64,
 *         and on sys_enter_close: the l7 collector's hooks
 *   l7tls LIB  l7, and an empty uprobe and uretprobe on each OpenSSL
 *         function the l7 collector probes in LIB (a libssl.so path)
 *   enforce  an empty program on the enforce collector's hooks:
 *         sched_process_exec, sys_enter_ and sys_exit_ of the open calls,
 *         sys_enter_ of the setuid family, ptrace, module calls and bpf,
 *         and cgroup connect4/6 and bind4/6 on the cgroup v2 root
 * --attach-only exits right after attaching (to time start-up).
 * Prints "ready" on stderr once attached. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/mount.h>
#include <bpf/bpf.h>
#include "floor.skel.h"

#define TRACEFS "/sys/kernel/tracing"

#define MAX_LINKS 48
#define TCX_INGRESS 46	/* enum bpf_attach_type, 6.6+; libbpf 1.1 has no tcx helpers */
#define TCX_EGRESS 47

/* The cgroup v2 root, open (or -1). */
static int cgroup_root(void)
{
	static const char *const roots[] = { "/sys/fs/cgroup/unified", "/sys/fs/cgroup" };
	int cg = -1;

	for (size_t i = 0; i < sizeof(roots) / sizeof(*roots) && cg < 0; i++)
		cg = open(roots[i], O_RDONLY | O_DIRECTORY);
	return cg;
}

/* Attach the empty tc programs to each IF[@NETNS] of list, and the empty
 * sock_ops to the cgroup v2 root; links[] gets what to destroy. */
static int attach_net(struct floor *skel, char *list, int *fds, struct bpf_link **links, int *n)
{
	int self = open("/proc/self/ns/net", O_RDONLY), cg;

	for (char *tok = strtok(list, ","); tok && *n + 2 <= MAX_LINKS; tok = strtok(NULL, ",")) {
		char *ns = strchr(tok, '@'), path[256];
		int fd = -1, ifindex;

		if (ns) {
			*ns++ = 0;
			snprintf(path, sizeof(path), "/run/netns/%s", ns);
			if ((fd = open(path, O_RDONLY)) < 0 || setns(fd, CLONE_NEWNET)) {
				perror(path);
				return -1;
			}
			close(fd);
		}
		ifindex = if_nametoindex(tok);
		fds[(*n)++] = ifindex ? bpf_link_create(bpf_program__fd(skel->progs.empty_tc_ingress), ifindex,
							TCX_INGRESS, NULL) : -1;
		if (fds[*n - 1] >= 0)
			fds[(*n)++] = bpf_link_create(bpf_program__fd(skel->progs.empty_tc_egress), ifindex,
						      TCX_EGRESS, NULL);
		setns(self, CLONE_NEWNET);
		if (fds[*n - 1] < 0) {
			fprintf(stderr, "floor: cannot attach tcx to %s\n", tok);
			return -1;
		}
	}
	cg = cgroup_root();
	links[0] = cg < 0 ? NULL : bpf_program__attach_cgroup(skel->progs.empty_sockops, cg);
	if (!links[0]) {
		fprintf(stderr, "floor: cannot attach sock_ops to the cgroup v2 root\n");
		return -1;
	}
	return 0;
}

/* The empty program on each of the l7 collector's tracepoints. */
static int attach_l7(struct floor *skel, struct bpf_link **links, int *n)
{
	static const char *const calls[] = { "read", "write", "recvfrom", "sendto", "recvmsg",
					     "sendmsg", "readv", "writev", "sendfile64" };
	char name[64];

	for (size_t i = 0; i < 2 * sizeof(calls) / sizeof(*calls) + 1 && *n < MAX_LINKS; i++) {
		if (i == 2 * sizeof(calls) / sizeof(*calls))
			snprintf(name, sizeof(name), "sys_enter_close");
		else
			snprintf(name, sizeof(name), "sys_%s_%s", i % 2 ? "exit" : "enter", calls[i / 2]);
		links[*n] = bpf_program__attach_tracepoint(skel->progs.empty_tp_any, "syscalls", name);
		if (!links[(*n)++]) {
			fprintf(stderr, "floor: cannot attach to syscalls/%s\n", name);
			return -1;
		}
	}
	return 0;
}

/* The empty programs on each of the enforce collector's hooks. */
static int attach_enforce(struct floor *skel, struct bpf_link **links, int *n)
{
	static const char *const tps[] = {
		"sched/sched_process_exec",
		"syscalls/sys_enter_openat", "syscalls/sys_exit_openat", "syscalls/sys_enter_open",
		"syscalls/sys_exit_open", "syscalls/sys_enter_creat", "syscalls/sys_exit_creat",
		"syscalls/sys_enter_openat2", "syscalls/sys_exit_openat2",
		"syscalls/sys_enter_setuid", "syscalls/sys_enter_setgid", "syscalls/sys_enter_setreuid",
		"syscalls/sys_enter_setregid", "syscalls/sys_enter_setresuid",
		"syscalls/sys_enter_setresgid", "syscalls/sys_enter_setfsuid",
		"syscalls/sys_enter_setfsgid", "syscalls/sys_enter_ptrace",
		"syscalls/sys_enter_init_module", "syscalls/sys_enter_finit_module",
		"syscalls/sys_enter_delete_module", "syscalls/sys_enter_bpf",
	};
	struct bpf_program *sock[] = { skel->progs.empty_connect4, skel->progs.empty_connect6,
				       skel->progs.empty_bind4, skel->progs.empty_bind6 };
	int cg = cgroup_root();

	for (size_t i = 0; i < sizeof(tps) / sizeof(*tps) && *n < MAX_LINKS; i++) {
		const char *name = strchr(tps[i], '/') + 1;
		char cat[32], path[128];

		/* As the collector does: a call this kernel lacks is skipped. */
		snprintf(path, sizeof(path), TRACEFS "/events/%s", tps[i]);
		if (access(path, F_OK))
			continue;
		snprintf(cat, sizeof(cat), "%.*s", (int)(name - 1 - tps[i]), tps[i]);
		links[*n] = bpf_program__attach_tracepoint(skel->progs.empty_tp_any, cat, name);
		if (!links[(*n)++]) {
			fprintf(stderr, "floor: cannot attach to %s\n", tps[i]);
			return -1;
		}
	}
	for (size_t i = 0; i < 4 && *n < MAX_LINKS; i++) {
		links[*n] = cg < 0 ? NULL : bpf_program__attach_cgroup(sock[i], cg);
		if (!links[(*n)++]) {
			fprintf(stderr, "floor: cannot attach %s to the cgroup v2 root\n",
				bpf_program__name(sock[i]));
			return -1;
		}
	}
	return 0;
}

/* The empty uprobe on entry and return of the l7 collector's OpenSSL
 * functions. */
static int attach_tls(struct floor *skel, const char *lib, struct bpf_link **links, int *n)
{
	static const char *const fns[] = { "SSL_read", "SSL_write", "SSL_read_ex", "SSL_write_ex",
					   "SSL_do_handshake", "SSL_accept", "SSL_connect" };

	for (size_t i = 0; i < 2 * sizeof(fns) / sizeof(*fns) && *n < MAX_LINKS; i++) {
		LIBBPF_OPTS(bpf_uprobe_opts, o, .func_name = fns[i / 2], .retprobe = i % 2);

		links[*n] = bpf_program__attach_uprobe_opts(skel->progs.empty_uprobe, -1, lib, 0, &o);
		if (!links[(*n)++]) {
			fprintf(stderr, "floor: cannot attach to %s:%s\n", lib, fns[i / 2]);
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bpf_link *links[MAX_LINKS] = {};
	int fds[MAX_LINKS], nfds = 0, nlinks = 0, net, l7, tls, enf;
	const char *mode = argc > 1 ? argv[1] : "raw2";
	int attach_only = argc > 2 && !strcmp(argv[argc - 1], "--attach-only");
	int raw, btf = 0, both;
	sigset_t sigs;
	int sig, err = 1;

	if (!strcmp(mode, "raw") || !strcmp(mode, "raw2"))
		raw = 1;
	else if (!strcmp(mode, "tp") || !strcmp(mode, "tp2"))
		raw = 0;
	else if (!strcmp(mode, "btf2"))
		raw = 0, btf = 1;
	else if (!strcmp(mode, "net") && argc > 2)
		raw = 0, btf = 1;	/* no tracefs needed */
	else if (!strcmp(mode, "l7") || (!strcmp(mode, "l7tls") && argc > 2) || !strcmp(mode, "enforce"))
		raw = 0, btf = 1;	/* only empty_tp_any (and empty_uprobe, the sock_addr ones) */
	else {
		fprintf(stderr, "usage: floor raw|raw2|tp|tp2|btf2|l7|enforce [--attach-only] | "
			"floor net IF[@NETNS],... | floor l7tls LIBSSL\n");
		return 2;
	}
	both = mode[strlen(mode) - 1] == '2';
	net = !strcmp(mode, "net");
	l7 = !strncmp(mode, "l7", 2);
	tls = !strcmp(mode, "l7tls");
	enf = !strcmp(mode, "enforce");

	/* libbpf finds a classic tracepoint's id under tracefs, which a
	 * minimal system may not have mounted. */
	if ((l7 || enf || (!raw && !btf)) && access(TRACEFS "/events", F_OK) &&
	    mount("tracefs", TRACEFS, "tracefs", 0, NULL)) {
		perror("floor: mount tracefs");
		return 1;
	}

	/* Block the stop signals before attaching, so one that arrives early
	 * stays pending for sigwait() instead of killing us mid-attach. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, NULL);

	struct floor *skel = floor__open();
	if (!skel) {
		fprintf(stderr, "floor: open failed\n");
		return 1;
	}
	/* Load only the programs this mode asks for. */
	bpf_program__set_autoload(skel->progs.empty_raw_enter, raw);
	bpf_program__set_autoload(skel->progs.empty_raw_exit, raw && both);
	bpf_program__set_autoload(skel->progs.empty_tp_enter, !raw && !btf);
	bpf_program__set_autoload(skel->progs.empty_tp_exit, !raw && !btf && both);
	bpf_program__set_autoload(skel->progs.empty_btf_enter, btf && !net && !l7 && !enf);
	bpf_program__set_autoload(skel->progs.empty_btf_exit, btf && !net && !l7 && !enf);
	bpf_program__set_autoload(skel->progs.empty_tp_any, l7 || enf);
	bpf_program__set_autoload(skel->progs.empty_connect4, enf);
	bpf_program__set_autoload(skel->progs.empty_connect6, enf);
	bpf_program__set_autoload(skel->progs.empty_bind4, enf);
	bpf_program__set_autoload(skel->progs.empty_bind6, enf);
	bpf_program__set_autoload(skel->progs.empty_uprobe, tls);
	bpf_program__set_autoload(skel->progs.empty_tc_ingress, net);
	bpf_program__set_autoload(skel->progs.empty_tc_egress, net);
	bpf_program__set_autoload(skel->progs.empty_sockops, net);
	bpf_program__set_expected_attach_type(skel->progs.empty_tc_ingress, TCX_INGRESS);
	bpf_program__set_expected_attach_type(skel->progs.empty_tc_egress, TCX_EGRESS);
	if (floor__load(skel) || (net ? attach_net(skel, argv[2], fds, links, &nfds) :
				  l7 ? attach_l7(skel, links, &nlinks) || (tls && attach_tls(skel, argv[2], links, &nlinks)) :
				  enf ? attach_enforce(skel, links, &nlinks) :
				  floor__attach(skel))) {
		fprintf(stderr, "floor: load/attach failed (root? BPF enabled?)\n");
		goto out;
	}
	fprintf(stderr, "floor %s: ready\n", mode);
	if (!attach_only)
		sigwait(&sigs, &sig);
	err = 0;
out:
	while (nfds--)
		close(fds[nfds]);
	for (int i = 0; i < MAX_LINKS; i++)
		bpf_link__destroy(links[i]);
	floor__destroy(skel);
	return err;
}

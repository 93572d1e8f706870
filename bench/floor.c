// SPDX-License-Identifier: Apache-2.0
/* floor MODE [--attach-only]: attach the empty programs of floor.bpf.c,
 * then wait for SIGINT/SIGTERM and detach.
 *   raw   raw_tp sys_enter
 *   raw2  raw_tp sys_enter + sys_exit
 *   tp    classic tracepoint raw_syscalls:sys_enter
 *   tp2   classic tracepoints raw_syscalls:sys_enter + sys_exit
 *   btf2  tp_btf sys_enter + sys_exit (the program type sonde prefers:
 *         same hook as raw2, but a tracing program)
 * --attach-only exits right after attaching (to time start-up).
 * Prints "ready" on stderr once attached. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include "floor.skel.h"

#define TRACEFS "/sys/kernel/tracing"

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "raw2";
	int attach_only = argc > 2 && !strcmp(argv[2], "--attach-only");
	int raw, btf = 0, both;
	sigset_t sigs;
	int sig, err = 1;

	if (!strcmp(mode, "raw") || !strcmp(mode, "raw2"))
		raw = 1;
	else if (!strcmp(mode, "tp") || !strcmp(mode, "tp2"))
		raw = 0;
	else if (!strcmp(mode, "btf2"))
		raw = 0, btf = 1;
	else {
		fprintf(stderr, "usage: floor raw|raw2|tp|tp2|btf2 [--attach-only]\n");
		return 2;
	}
	both = mode[strlen(mode) - 1] == '2';

	/* libbpf finds a classic tracepoint's id under tracefs, which a
	 * minimal system may not have mounted. */
	if (!raw && !btf && access(TRACEFS "/events", F_OK) &&
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
	bpf_program__set_autoload(skel->progs.empty_btf_enter, btf);
	bpf_program__set_autoload(skel->progs.empty_btf_exit, btf);
	if (floor__load(skel) || floor__attach(skel)) {
		fprintf(stderr, "floor: load/attach failed (root? BPF enabled?)\n");
		goto out;
	}
	fprintf(stderr, "floor %s: ready\n", mode);
	if (!attach_only)
		sigwait(&sigs, &sig);
	err = 0;
out:
	floor__destroy(skel);
	return err;
}

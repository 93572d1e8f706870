// SPDX-License-Identifier: Apache-2.0
/* sonde: one eBPF agent for metrics, events, traces and profiles. */
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "collectors/registry.h"
#include "core/config.h"

static const struct {
	const char *name, *summary;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "agent", "run the collectors and serve /metrics (the long-running agent)", cmd_agent },
	{ "check", "show which hooks and collectors this kernel supports, and why not", cmd_check },
	{ "syscalls", "live top syscalls and processes, like syscount", cmd_syscalls },
	{ "selftest", "run every collector on every hook flavour here against a known workload", cmd_selftest },
	{ "status", "ask the running agent for its collectors, programs, maps and drops", cmd_status },
	{ "trace", "live events for people: trace exec (like execsnoop), fork, exit", cmd_trace },
	{ "verify", "load BPF programs without attaching and explain the verifier's verdict", cmd_verify },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: sonde COMMAND [OPTIONS]\n\ncommands:\n");
	for (unsigned i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nagent options (also keys of the YAML file given with --config):\n");
	opts__usage(config__opts(), f);
	fprintf(f, "\ncollectors:\n");
	for (int i = 0; collector_registry[i]; i++)
		fprintf(f, "  %-10s %s\n", collector_registry[i]->name, collector_registry[i]->summary);
	fprintf(f, "\n'sonde COMMAND --help' shows a command's own options. Reference: docs/reference.md\n");
}

int main(int argc, char **argv)
{
	/* libbpf parses the 5+ MB kernel BTF at every load and frees it; a
	 * fixed mmap threshold hands those buffers back to the kernel instead
	 * of letting glibc raise it and keep them on the heap. */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	if (registry__init()) {
		fprintf(stderr, "sonde: too many options or event kinds for the built-in tables\n");
		return 1;
	}
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("sonde %s\n", SONDE_VERSION);
		return 0;
	}
	for (unsigned i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "sonde: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}

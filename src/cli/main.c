// SPDX-License-Identifier: Apache-2.0
/* sonde: one eBPF agent for metrics, events, traces and profiles. */
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "collectors/registry.h"
#include "sinks/otlp.h"
#include "sinks/servicemap.h"
#include "core/config.h"
#include "lib/suggest.h"

static const struct {
	const char *name, *summary;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "agent", "run the collectors and serve /metrics (the long-running agent)", cmd_agent },
	{ "capture", "capture packets with a BPF socket filter into pcapng: capture -i IFACE [-w FILE] [FILTER]", cmd_capture },
	{ "enforce", "run enforcement alone: enforce -f POLICY [--dry-run] (audit, kill or deny in the kernel)", cmd_enforce },
	{ "check", "show which hooks and collectors this kernel supports, and why not", cmd_check },
	{ "syscalls", "live top syscalls and processes, like syscount", cmd_syscalls },
	{ "observe", "network flows as they happen, like hubble observe (--ip, --port, --protocol, --pid, --direction)", cmd_observe },
	{ "policy", "validate policy files: policy check FILE... (errors with file, line and reason)", cmd_policy },
	{ "run", "run a bpftrace-like program, compiled by sonde (no LLVM): run -e 'PROGRAM' | FILE", cmd_run },
	{ "profile", "CPU profile with symbols, as pprof or folded stacks: profile -d SECONDS [-p PID] -o FILE", cmd_profile },
	{ "selftest", "run every collector on every hook flavour here against a known workload", cmd_selftest },
	{ "status", "ask the running agent for its collectors, programs, maps and drops", cmd_status },
	{ "trace", "live events for people: trace exec (like execsnoop), fork, exit", cmd_trace },
	{ "xdp", "change the running agent's XDP drop list: xdp drop add|del CIDR, xdp drop list", cmd_xdp },
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

/* A usage error: what was wrong, the command names, where help is; the
 * full text is for --help. */
static void short_usage(const char *what)
{
	fprintf(stderr, "sonde: %s\ncommands:", what);
	for (unsigned i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(stderr, " %s", commands[i].name);
	fprintf(stderr, "\n'sonde --help' lists them with their options\n");
}

int main(int argc, char **argv)
{
	/* libbpf parses the 5+ MB kernel BTF at every load and frees it; a
	 * fixed mmap threshold hands those buffers back to the kernel instead
	 * of letting glibc raise it and keep them on the heap. */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	if (registry__init((const struct config_section *[]){ &servicemap_config_section, &otlp_config_section }, 2)) {
		fprintf(stderr, "sonde: too many options or event kinds for the built-in tables\n");
		return 1;
	}
	if (argc < 2) {
		short_usage("no command given");
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("sonde %s\n", SONDE_VERSION);
		return 0;
	}
	for (unsigned i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	{
		const char *names[sizeof(commands) / sizeof(commands[0])], *near;
		char what[160];

		for (unsigned i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			names[i] = commands[i].name;
		near = suggest__nearest(argv[1], names, sizeof(names) / sizeof(names[0]));
		snprintf(what, sizeof(what), "unknown %s '%s'%s%s%s", argv[1][0] == '-' ? "option" : "command",
			 argv[1], near ? " (did you mean '" : "", near ?: "", near ? "'?)" : "");
		short_usage(what);
	}
	return 2;
}

// SPDX-License-Identifier: Apache-2.0
/* sonde selftest: every collector on every hook flavour this kernel has,
 * each driving a small known workload and checking its own counts. Meant
 * for the kernel matrix (a guest with nothing but this binary), and as a
 * quick "does it work here" for people. */
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/session.h"
#include "collectors/registry.h"
#include "core/log.h"
#include "lib/json.h"

struct outcome {
	const char *collector, *hook, *result;
	char reason[256];
};

static void run_one(const struct collector_ops *ops, const char *hook, struct session *s,
		    struct outcome *o)
{
	struct collector c = { .ops = ops, .force_hook = hook };

	o->collector = ops->name;
	o->hook = hook ? hook : "auto";
	if (!ops->selftest) {
		o->result = "skip";
		snprintf(o->reason, sizeof(o->reason), "the collector has no selftest");
		return;
	}
	if (collector__start(&c, &s->cfg, &s->rt)) {
		/* A hook this kernel lacks is a skip with its reason, not a failure. */
		o->result = c.state == COLLECTOR_UNAVAILABLE ? "skip" : "fail";
		snprintf(o->reason, sizeof(o->reason), "%s", c.why);
		collector__stop(&c);
		return;
	}
	o->result = ops->selftest(&c, o->reason, sizeof(o->reason)) ? "fail" : "pass";
	collector__stop(&c);
}

/* The workloads' network traffic stays in a namespace of their own, on
 * its loopback: tc and XDP never touch the host's interfaces. Where the
 * kernel has no network namespaces, the host's loopback it is. */
static void private_netns(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd;

	if (unshare(CLONE_NEWNET))
		return;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
}

int cmd_selftest(int argc, char **argv)
{
	struct outcome out[32];
	int n = 0, failed = 0;
	struct session s = {};
	bool json = argc > 1 && !strcmp(argv[1], "--json");

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: sonde selftest [--json]\n");
		return 0;
	}
	if (argc > 2 || (argc > 1 && !json)) {
		const char *bad = json ? argv[2] : argv[1];

		fprintf(stderr, "sonde selftest: unknown %s '%s'\nusage: sonde selftest [--json]\n",
			bad[0] == '-' ? "option" : "argument", bad);
		return 2;
	}
	session__early();
	private_netns();
	config__defaults(&s.cfg);
	s.cfg.trace_self = true;	/* the workloads are this process and its children */
	/* Collectors that attach to interfaces run on loopback, without a
	 * control socket; a build without them refuses the keys (ignored). */
	{
		static const char *const sets[][2] = {
			{ "flows.interfaces", "lo" }, { "xdp.interfaces", "lo" }, { "xdp.control", "" },
		};
		char err[128];

		for (unsigned i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
			config__set(&s.cfg, sets[i][0], sets[i][1], err, sizeof(err));
	}
	if (session__open(&s, LOG_ERROR, SESSION_IDENTITY))
		return 1;
	features__probe_all(&s.feat);
	for (int i = 0; collector_registry[i]; i++) {
		const struct collector_ops *ops = collector_registry[i];

		for (int h = 0; ops->hooks && ops->hooks[h] && n < 32; h++)
			run_one(ops, ops->hooks[h], &s, &out[n++]);
		if (!ops->hooks && n < 32)
			run_one(ops, NULL, &s, &out[n++]);
	}
	for (int i = 0; i < n; i++)
		failed += !strcmp(out[i].result, "fail");
	if (json) {
		struct strbuf sb = {};
		struct json_writer w;

		jw__init(&w, &sb);
		jw__obj_begin(&w);
		jw__key(&w, "kernel"); jw__str(&w, s.feat.kernel);
		jw__key(&w, "hooks");
		jw__obj_begin(&w);
		for (int i = 0; i < FEAT__COUNT; i++) {
			jw__key(&w, feature__name(i));
			jw__bool(&w, features__has(&s.feat, i));
		}
		jw__obj_end(&w);
		jw__key(&w, "results");
		jw__arr_begin(&w);
		for (int i = 0; i < n; i++) {
			jw__obj_begin(&w);
			jw__key(&w, "collector"); jw__str(&w, out[i].collector);
			jw__key(&w, "hook"); jw__str(&w, out[i].hook);
			jw__key(&w, "result"); jw__str(&w, out[i].result);
			jw__key(&w, "reason"); jw__str(&w, out[i].reason);
			jw__obj_end(&w);
		}
		jw__arr_end(&w);
		jw__obj_end(&w);
		printf("%s\n", sb.buf);
		sb__free(&sb);
	} else {
		printf("kernel %s\n", s.feat.kernel);
		for (int i = 0; i < n; i++) {
			/* A collector that cannot be tested here says so, as tests do. */
			if (!strcmp(out[i].result, "skip"))
				printf("SKIP: %s on %s: %s\n", out[i].collector, out[i].hook, out[i].reason);
			else
				printf("%-10s %-11s %-5s %s\n", out[i].collector, out[i].hook, out[i].result,
				       out[i].reason);
		}
	}
	session__close(&s);
	return failed ? 1 : 0;
}

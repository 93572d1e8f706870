/* sonde selftest: every collector on every hook flavour this kernel has,
 * each driving a small known workload and checking its own counts. Meant
 * for the kernel matrix (a guest with nothing but this binary), and as a
 * quick "does it work here" for people. */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "core/collector.h"
#include "core/config.h"
#include "core/features.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/host.h"
#include "lib/json.h"

struct outcome {
	const char *collector, *hook, *result;
	char reason[256];
};

static void run_one(const struct collector_ops *ops, int hook, const struct features *feat,
		    struct sonde_config *cfg, struct loop *loop, struct outcome *o)
{
	struct collector c = { .ops = ops, .feat = feat, .hook_override = hook };

	o->collector = ops->name;
	o->hook = hook ? ops->hooks[hook - 1] : "auto";
	if (collector__start(&c, cfg, loop)) {
		/* A hook this kernel lacks is a skip with its reason, not a failure. */
		o->result = c.state == COLLECTOR_UNAVAILABLE ? "skip" : "fail";
		snprintf(o->reason, sizeof(o->reason), "%s", c.why);
		collector__stop(&c);
		return;
	}
	o->result = ops->selftest(&c, o->reason, sizeof(o->reason)) ? "fail" : "pass";
	collector__stop(&c);
}

int cmd_selftest(int argc, char **argv)
{
	struct outcome out[32];
	int n = 0, failed = 0;
	struct sonde_config cfg;
	struct features feat;
	struct loop *loop;
	bool json = argc > 1 && !strcmp(argv[1], "--json");

	if (argc > 1 && !json) {
		fprintf(stderr, "usage: sonde selftest [--json]\n");
		return strcmp(argv[1], "--help") ? 2 : 0;
	}
	loop__block_signals();
	config__load(&cfg, 1, argv, NULL);
	log__set_level(LOG_ERROR);
	log__setup_libbpf();
	host__prepare();
	features__probe(&feat);
	loop = loop__new();
	for (int i = 0; collector_registry[i] && loop; i++) {
		const struct collector_ops *ops = collector_registry[i];

		if (!ops->selftest)
			continue;
		for (int h = 1; ops->hooks && ops->hooks[h - 1] && n < 32; h++)
			run_one(ops, h, &feat, &cfg, loop, &out[n++]);
		if (!ops->hooks && n < 32)
			run_one(ops, 0, &feat, &cfg, loop, &out[n++]);
	}
	loop__free(loop);
	features__release();
	for (int i = 0; i < n; i++)
		failed += !strcmp(out[i].result, "fail");
	if (json) {
		struct strbuf sb = {};
		struct json_writer w;

		jw__init(&w, &sb);
		jw__obj_begin(&w);
		jw__key(&w, "kernel"); jw__str(&w, feat.kernel);
		jw__key(&w, "hooks");
		jw__obj_begin(&w);
		for (int i = 0; i < FEAT__COUNT; i++) {
			jw__key(&w, feature__name(i));
			jw__bool(&w, features__has(&feat, i));
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
		printf("kernel %s\n", feat.kernel);
		for (int i = 0; i < n; i++)
			printf("%-10s %-11s %-5s %s\n", out[i].collector, out[i].hook, out[i].result,
			       out[i].reason);
	}
	return failed ? 1 : 0;
}

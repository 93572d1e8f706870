// SPDX-License-Identifier: Apache-2.0
/* sonde check: what this kernel supports, and for what is missing, why and
 * what the user can do. */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "collectors/registry.h"
#include "core/features.h"
#include "core/log.h"
#include "core/host.h"
#include "lib/json.h"

static void print_json(struct features *feat)
{
	struct strbuf sb = {};
	struct json_writer w;

	jw__init(&w, &sb);
	jw__obj_begin(&w);
	jw__key(&w, "kernel"); jw__str(&w, feat->kernel);
	jw__key(&w, "hooks");
	jw__arr_begin(&w);
	for (int i = 0; i < FEAT__COUNT; i++) {
		const struct feature *f = &feat->f[i];

		jw__obj_begin(&w);
		jw__key(&w, "name"); jw__str(&w, feature__name(i));
		jw__key(&w, "available"); jw__bool(&w, f->ok);
		if (!f->ok) {
			jw__key(&w, "reason"); jw__str(&w, f->why);
			jw__key(&w, "fix"); jw__str(&w, f->fix);
		}
		jw__obj_end(&w);
	}
	jw__arr_end(&w);
	jw__key(&w, "collectors");
	jw__arr_begin(&w);
	for (int i = 0; collector_registry[i]; i++) {
		char why[512] = "";
		int err = collector_registry[i]->probe(feat, why, sizeof(why));

		jw__obj_begin(&w);
		jw__key(&w, "name"); jw__str(&w, collector_registry[i]->name);
		jw__key(&w, "available"); jw__bool(&w, !err);
		if (err) {
			jw__key(&w, "reason"); jw__str(&w, why);
		}
		jw__obj_end(&w);
	}
	jw__arr_end(&w);
	jw__obj_end(&w);
	printf("%s\n", sb.buf);
	sb__free(&sb);
}

static void print_table(struct features *feat)
{
	printf("kernel %s\n\n%-16s %-5s %s\n", feat->kernel, "HOOK", "OK", "DETAILS");
	for (int i = 0; i < FEAT__COUNT; i++) {
		const struct feature *f = &feat->f[i];

		printf("%-16s %-5s %s\n", feature__name(i), f->ok ? "yes" : "no",
		       f->ok ? feature__summary(i) : f->why);
		if (!f->ok && f->fix[0])
			printf("%-16s %-5s fix: %s\n", "", "", f->fix);
	}
	printf("\n%-16s %-5s %s\n", "COLLECTOR", "OK", "DETAILS");
	for (int i = 0; collector_registry[i]; i++) {
		char why[512] = "";
		int err = collector_registry[i]->probe(feat, why, sizeof(why));

		printf("%-16s %-5s %s\n", collector_registry[i]->name, err ? "no" : "yes",
		       err ? why : collector_registry[i]->summary);
	}
}

int cmd_check(int argc, char **argv)
{
	struct features feat;
	bool json = false;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			log__set_level(LOG_DEBUG);
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: sonde check [--json] [--verbose]\n");
			return 0;
		} else {
			fprintf(stderr, "sonde check: unknown %s '%s'\nusage: sonde check [--json] [--verbose]\n",
				argv[i][0] == '-' ? "option" : "argument", argv[i]);
			return 2;
		}
	}
	log__setup_libbpf();
	host__prepare();
	features__init(&feat);
	features__probe_all(&feat);
	if (json)
		print_json(&feat);
	else
		print_table(&feat);
	features__release();
	return 0;
}

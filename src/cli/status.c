// SPDX-License-Identifier: Apache-2.0
/* sonde status: asks the running agent, over its local HTTP endpoint, for
 * its collectors, programs, maps, drops and sinks. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "core/config.h"
#include "server/http_client.h"

int cmd_status(int argc, char **argv)
{
	struct sonde_config cfg;
	struct strbuf body = {};
	char err[256];
	bool json = false;
	int next, status;

	/* The agent's own options: --listen (and --config) find it. */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
			memmove(&argv[i], &argv[i + 1], (argc - i - 1) * sizeof(*argv));
			argc--;
			i--;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: sonde status [--json] [--listen ADDR:PORT] [--config FILE]\n\n"
			       "Asks the running agent (its --listen address, 127.0.0.1:9610 by default)\n"
			       "for its collectors, programs, maps, drops and sinks.\n");
			return 0;
		}
	}
	if (config__load(&cfg, argc, argv, &next))
		return 2;
	if (next < argc) {
		fprintf(stderr, "sonde status: unexpected argument '%s'\n", argv[next]);
		return 2;
	}
	status = http__get(cfg.listen, json ? "/api/status" : "/api/status.txt", 5000, &body, err,
			   sizeof(err));
	if (status == -ECONNREFUSED || status == -ETIMEDOUT || status == -EHOSTUNREACH) {
		fprintf(stderr, "sonde status: cannot reach the agent at %s: %s (is 'sonde agent' running there?)\n",
			cfg.listen, strerror(-status));
		return 1;
	}
	if (status < 0) {
		fprintf(stderr, "sonde status: %s\n", err);
		return 1;
	}
	if (status != 200) {
		fprintf(stderr, "sonde status: the agent at %s answered HTTP %d (an older sonde?)\n",
			cfg.listen, status);
		sb__free(&body);
		return 1;
	}
	fwrite(body.buf ? body.buf : "", 1, body.len, stdout);
	sb__free(&body);
	return 0;
}

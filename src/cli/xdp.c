// SPDX-License-Identifier: Apache-2.0
/* sonde xdp drop add|del CIDR, sonde xdp drop list: the running agent's
 * XDP drop list, changed through its root-only control socket (never the
 * TCP listener) without reloading the program. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "lib/json.h"
#include "lib/netaddr.h"
#include "lib/strbuf.h"
#include "server/control.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: sonde xdp drop add CIDR | sonde xdp drop del CIDR | sonde xdp drop list\n"
		   "       [--control PATH]   the agent's control socket (default /run/sonde/xdp.sock, its xdp.control)\n"
		   "Only root may use it. Replies are JSON; the exit code is 1 when the agent refused.\n");
}

int cmd_xdp(int argc, char **argv)
{
	const char *path = "/run/sonde/xdp.sock", *words[3] = {};
	struct strbuf reply = {}, req = {};
	char err[256], why[160];
	struct cidr c;
	int n = 0, ret;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--control") && i + 1 < argc)
			path = argv[++i];
		else if (!strncmp(argv[i], "--control=", 10))
			path = argv[i] + 10;
		else if (argv[i][0] == '-' || n == 3) {
			fprintf(stderr, "sonde xdp: unexpected argument '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		} else
			words[n++] = argv[i];
	}
	if (n < 2 || strcmp(words[0], "drop") ||
	    !(!strcmp(words[1], "list") ? n == 2 : (!strcmp(words[1], "add") || !strcmp(words[1], "del")) && n == 3)) {
		usage(stderr);
		return 2;
	}
	if (n == 3 && cidr__parse(words[2], &c, why, sizeof(why))) {
		fprintf(stderr, "sonde xdp: %s\n", why);
		return 2;
	}
	if (geteuid()) {
		fprintf(stderr, "sonde xdp: the agent's control socket answers root only (run as root)\n");
		return 1;
	}
	sb__printf(&req, "xdp %s%s%s", words[1], n == 3 ? " " : "", n == 3 ? words[2] : "");
	ret = control__request(path, req.buf, &reply, err, sizeof(err));
	sb__free(&req);
	if (ret) {
		fprintf(stderr, "sonde xdp: %s\n", err);
		return 1;
	}
	fputs(reply.buf ? reply.buf : "", stdout);
	ret = reply.buf && strstr(reply.buf, "\"error\"") ? 1 : 0;
	sb__free(&reply);
	return ret;
}

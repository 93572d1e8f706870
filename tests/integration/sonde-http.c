// SPDX-License-Identifier: Apache-2.0
/* The HTTP client against a real server, for test_http.sh:
 *   sonde-http post BASE PATH FILE [gzip]   POST the file; prints status and body
 *   sonde-http get BASE PATH N [TIMEOUT_MS] N GETs on one client; prints each
 *                                           status and body, then "connects: K"
 * Errors print "error: <reason>" and exit 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "server/http_client.h"

static int fail(const char *err)
{
	printf("error: %s\n", err);
	return 1;
}

int main(int argc, char **argv)
{
	struct http_client_opts o = { 0 };
	struct http_client *c;
	struct http_reply r;
	char err[256];
	int status;

	if (argc < 4)
		return fprintf(stderr, "usage: see the source\n"), 2;
	if (!strcmp(argv[1], "post")) {
		FILE *f = fopen(argv[4], "rb");
		static char buf[1 << 22];
		size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;

		if (f)
			fclose(f);
		o.gzip = argc > 5 && !strcmp(argv[5], "gzip");
		c = http_client__new(argv[2], &o, err, sizeof(err));
		if (!c)
			return fail(err);
		status = http_client__request(c, "POST", argv[3], "application/x-protobuf", buf, n, &r,
					      err, sizeof(err));
		if (status < 0) {
			http_client__free(c);
			return fail(err);
		}
		printf("%d %s\n", status, r.body.buf ? r.body.buf : "");
		sb__free(&r.body);
		http_client__free(c);
		return 0;
	}
	o.total_ms = argc > 5 ? atoi(argv[5]) : 0;
	c = http_client__new(argv[2], &o, err, sizeof(err));
	if (!c)
		return fail(err);
	for (int i = 0; i < atoi(argv[4]); i++) {
		status = http_client__request(c, "GET", argv[3], NULL, NULL, 0, &r, err, sizeof(err));
		if (status < 0) {
			http_client__free(c);
			return fail(err);
		}
		printf("%d %zu %s\n", status, r.body.len, r.body.len < 200 ? r.body.buf : "(long)");
		sb__free(&r.body);
	}
	printf("connects: %u\n", http_client__connects(c));
	http_client__free(c);
	return 0;
}

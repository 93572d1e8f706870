// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/profapi.h"
#include "collectors/profile.h"
#include "core/collector.h"
#include "server/http_server.h"

struct profapi {
	struct collector *cs;
	const int *ncs;
};

static struct profapi api;	/* one agent per process */

static struct collector *profiler(void)
{
	for (int i = 0; i < *api.ncs; i++)
		if (!strcmp(api.cs[i].ops->name, "profile") && api.cs[i].state == COLLECTOR_RUNNING)
			return &api.cs[i];
	return NULL;
}

static void reply_error(struct http_response *resp, int status, const char *why)
{
	resp->status = status;
	resp->content_type = "application/json";
	sb__printf(&resp->body, "{\"error\":\"%s\"}\n", why);
}

/* A whole number in [lo, hi] from a query argument, or def. */
static int number_arg(const struct http_request *req, const char *name, long def, long lo, long hi, long *v)
{
	const char *s = http_request__arg(req, name);
	char *end;

	*v = def;
	if (!s)
		return 0;
	*v = strtol(s, &end, 10);
	return end != s && !*end && *v >= lo && *v <= hi ? 0 : -EINVAL;
}

#define NOT_RUNNING "the profile collector is not running (add profile to --collectors)"

static void serve_profile(void *ctx, const struct http_request *req, struct http_response *resp)
{
	struct collector *c = profiler();
	long seconds;
	int err;

	if (!c)
		return reply_error(resp, 404, NOT_RUNNING);
	if (number_arg(req, "seconds", 30, 1, 3600, &seconds))
		return reply_error(resp, 400, "seconds must be a whole number from 1 to 3600");
	err = profile__request(c, seconds, resp);
	if (err == -EBUSY)
		reply_error(resp, 503, "too many profiles being taken at once; try again later");
	else if (err)
		reply_error(resp, 500, "out of memory");
}

static void serve_list(void *ctx, const struct http_request *req, struct http_response *resp)
{
	struct collector *c = profiler();

	if (!c)
		return reply_error(resp, 404, NOT_RUNNING);
	resp->content_type = "application/json";
	profile__windows_json(c, &resp->body);
}

static void serve_window(void *ctx, const struct http_request *req, struct http_response *resp)
{
	struct collector *c = profiler();
	long index;

	if (!c)
		return reply_error(resp, 404, NOT_RUNNING);
	if (number_arg(req, "index", 0, 0, 100000, &index))
		return reply_error(resp, 400, "index must be a whole number (0: the newest profile)");
	if (profile__window_pprof(c, index, &resp->body))
		return reply_error(resp, 404, "no such profile yet (see /api/profiles; the first one ends after profile.window seconds)");
	resp->content_type = "application/octet-stream";
}

int profapi__register(struct http_server *http, struct collector *cs, const int *ncs)
{
	api = (struct profapi){ cs, ncs };
	return http_server__route(http, "GET", "/debug/pprof/profile", serve_profile, NULL) ?:
	       http_server__route(http, "GET", "/api/profiles", serve_list, NULL) ?:
	       http_server__route(http, "GET", "/api/profiles/pprof", serve_window, NULL);
}

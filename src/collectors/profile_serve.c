// SPDX-License-Identifier: Apache-2.0
/* What the agent serves of the profile collector: rolling windows, each
 * rendered by the worker when it ends and kept in a ring (pushed when a
 * URL is set), and /debug/pprof/profile requests, each gathering the next
 * N drains into a profile of its own. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "collectors/profile.h"
#include "collectors/profile_priv.h"
#include "core/collector.h"
#include "core/log.h"
#include "server/http_server.h"

/* A window rendered: into the ring (the oldest goes). */
static void window_done(struct prof_job *j)
{
	struct profile_priv *pp = j->ctx;
	struct prof_window *w = &pp->win[pp->next_win];

	pp->pending_win--;
	sb__free(&w->pprof);
	*w = (struct prof_window){ j->prof->start_ns, j->prof->end_ns, j->prof->samples, j->out, j->err };
	j->out = (struct strbuf){ 0 };	/* the ring has it now */
	pp->next_win = (pp->next_win + 1) % pp->nwin;
}

static void req_free(struct prof_req *r)
{
	stackprof__free(&r->acc);
	free(r);
}

/* A request's profile rendered: to its client, if still there. */
static void req_done(struct prof_job *j)
{
	struct prof_req *r = j->ctx;
	struct http_stream *st = r->st;

	r->rendering = false;
	if (!st) {	/* the client left meanwhile */
		req_free(r);
		return;
	}
	if (j->err)
		log__msg(LOG_WARN, "profile: rendering a requested profile: %s", strerror(-j->err));
	else
		http_stream__write(st, j->out.buf, j->out.len, j->out.len + 1);
	http_stream__end(st);	/* its on_close frees r, maybe right here */
}

/* Moves a stackprof into a fresh heap copy for the worker. */
static struct stackprof *take(struct stackprof *from)
{
	struct stackprof *p = malloc(sizeof(*p));

	if (p) {
		*p = *from;
		stackprof__init(from, p->period_ns);
	}
	return p;
}

void profile__rotate(struct collector *c)
{
	const struct profile_config *cfg = c->cfg;
	struct profile_priv *pp = c->priv;
	struct stackprof *done;
	int64_t end = pp->prof.end_ns;

	if (!cfg->window || end - pp->prof.start_ns < cfg->window * 1000000000LL)
		return;
	done = take(&pp->prof);
	pp->prof.start_ns = end;
	if (!done)
		return;
	pp->pending_win++;
	if (prof_worker__render(&pp->w, done, true, window_done, pp))
		pp->pending_win--;
}

void profile__serve_due(struct collector *c)
{
	struct profile_priv *pp = c->priv;

	for (struct prof_req **rp = &pp->reqs; *rp;) {
		struct prof_req *r = *rp;
		struct stackprof *acc;

		if (r->remaining) {
			rp = &r->next;
			continue;
		}
		*rp = r->next;
		r->owner = NULL;
		acc = take(&r->acc);
		r->rendering = acc != NULL;
		if (!acc || prof_worker__render(&pp->w, acc, false, req_done, r)) {
			r->rendering = false;
			if (r->st)
				http_stream__end(r->st);
		}
	}
}

int profile__windows_json(const struct collector *c, struct strbuf *out)
{
	const struct profile_priv *pp = c->priv;
	bool first = true;

	sb__puts(out, "{\"windows\":[");
	/* Newest first: the ring backwards from the last one written. */
	for (unsigned k = 1; pp && k <= pp->nwin; k++) {
		const struct prof_window *w = &pp->win[(pp->next_win + pp->nwin - k) % pp->nwin];

		if (!w->end_ns)
			continue;
		sb__printf(out, "%s{\"index\":%u,\"start_ns\":%lld,\"end_ns\":%lld,\"samples\":%llu,\"bytes\":%zu%s}",
			   first ? "" : ",", k - 1, (long long)w->start_ns, (long long)w->end_ns,
			   (unsigned long long)w->samples, w->pprof.len, w->err ? ",\"error\":\"rendering failed\"" : "");
		first = false;
	}
	sb__printf(out, "],\"current\":{\"start_ns\":%lld,\"samples\":%llu}}\n",
		   pp ? (long long)pp->prof.start_ns : 0LL, pp ? (unsigned long long)pp->prof.samples : 0ULL);
	return out->err;
}

int profile__window_pprof(const struct collector *c, unsigned index, struct strbuf *out)
{
	const struct profile_priv *pp = c->priv;
	const struct prof_window *w;

	if (!pp || index >= pp->nwin)
		return -ENOENT;
	w = &pp->win[(pp->next_win + pp->nwin - 1 - index) % pp->nwin];
	if (!w->end_ns || !w->pprof.len)
		return -ENOENT;
	return sb__append(out, w->pprof.buf, w->pprof.len);
}

static void req_closed(void *ctx)
{
	struct prof_req *r = ctx;

	r->st = NULL;
	if (r->rendering)
		return;	/* req_done frees it */
	if (r->owner) {	/* still waiting: out of the collector's list */
		for (struct prof_req **rp = &r->owner->reqs; *rp; rp = &(*rp)->next)
			if (*rp == r) {
				*rp = r->next;
				break;
			}
	}
	req_free(r);
}

int profile__request(struct collector *c, unsigned seconds, struct http_response *resp)
{
	const struct profile_config *cfg = c->cfg;
	struct profile_priv *pp = c->priv;
	struct prof_req *r = calloc(1, sizeof(*r));
	struct timespec ts = now_real();

	if (!r)
		return -ENOMEM;
	stackprof__init(&r->acc, 1000000000LL / cfg->frequency);
	r->acc.start_ns = ts.tv_sec * 1000000000LL + ts.tv_nsec;
	r->acc.end_ns = r->acc.start_ns + (int64_t)seconds * 1000000000LL;
	r->skip = 1;
	r->remaining = (seconds + cfg->interval - 1) / cfg->interval;
	r->st = http_response__stream(resp, "application/octet-stream", req_closed, r);
	if (!r->st) {
		req_free(r);
		return -EBUSY;
	}
	r->owner = pp;
	r->next = pp->reqs;
	pp->reqs = r;
	return 0;
}

void profile__serve_stop(struct profile_priv *pp)
{
	/* Their streams end; each request frees itself on close, when the
	 * server lets the client go. */
	for (struct prof_req *r = pp->reqs, *next; r; r = next) {
		next = r->next;
		r->owner = NULL;
		if (r->st)
			http_stream__end(r->st);
	}
	pp->reqs = NULL;
}

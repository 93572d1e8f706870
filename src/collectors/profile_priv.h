/* SPDX-License-Identifier: Apache-2.0 */
/* The profile collector's insides, shared by its files: profile.c (the
 * collector: options, lifecycle, metrics, selftest), profile_drain.c (the
 * kernel's buffers into stackprofs) and profile_serve.c (the agent's
 * rolling windows and /debug/pprof/profile requests). */
#ifndef SONDE_PROFILE_PRIV_H
#define SONDE_PROFILE_PRIV_H
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include "collectors/profile_worker.h"
#include "lib/strbuf.h"
#include "symbolize/stackprof.h"
#include "sonde/profile.h"

struct collector;
struct loop_timer;
struct http_stream;

struct profile_config {
	long frequency;
	long interval;
	long max_stacks;
	long max_counts;
	long symbol_budget;	/* MiB */
	int event;
	bool off_cpu;
	long offcpu_min_us;
	long max_blocked;
	long window;		/* seconds; 0: one profile for the whole run (sonde profile) */
	long windows;
	char push_url[256];
};

#define DRAIN_BATCH 1024

struct prof_window {
	int64_t start_ns, end_ns;	/* CLOCK_REALTIME */
	uint64_t samples;
	struct strbuf pprof;		/* gzipped; empty until rendered */
	int err;
};

/* A /debug/pprof/profile?seconds=N waiting for its N seconds. Its stream
 * owns it: freed in on_close, or after rendering once the stream is gone. */
struct prof_req {
	struct profile_priv *owner;	/* NULL once the collector stopped */
	struct stackprof acc;
	/* Drains to skip (one: its buffer was written before the request),
	 * then to take: a drain brings one interval's samples. */
	unsigned skip, remaining;
	struct http_stream *st;		/* NULL once the client left */
	bool rendering;
	struct prof_req *next;
};

/* A blocked thread's stacks, copied out before their buffer was cleared:
 * its wake-up comes through the ring (PROF_R_OFFCPU). */
struct saved_block {
	uint32_t tid;
	uint64_t ts_ns;
	struct profile_key k;
	unsigned nk, nu;
	uint64_t *ips;	/* kernel frames, then user */
};

struct profile_priv {
	struct stackprof prof;		/* the current window (or the whole run) */
	struct stackprof off;		/* off-CPU, in ns (profile.off_cpu) */
	struct saved_block *saved;
	size_t nsaved, saved_cap;
	uint64_t saved_lost;		/* wake-ups whose saved stacks were not found */
	struct loop_timer *timer;
	uint64_t *ips;			/* one stack's frames */
	struct profile_key *keys;	/* drain batches */
	uint64_t *vals;
	bool *cpu_attached;
	int ncpus;
	uint64_t lost_stacks;		/* counts whose stack was gone at the drain */
	uint64_t drains;
	struct prof_worker w;
	struct prof_window *win;	/* ring of cfg->windows */
	unsigned nwin, next_win;
	unsigned pending_win;		/* windows being rendered */
	struct prof_req *reqs;
};

static inline struct timespec now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts;
}

static inline int64_t now_real_ns(void)
{
	struct timespec ts = now_real();

	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* profile_drain.c */
/* Everything of buffer g into the profiles, then g's stack map emptied. */
void profile__drain_buffer(struct collector *c, unsigned g);
/* Both buffers now: the inactive one, then the active one after a moment
 * in which programs already running can finish with it. */
void profile__drain_all(struct collector *c);
/* A saved block's wake-up from the ring. */
void profile__saved_woke(struct collector *c, const struct profile_rec_offcpu *r);

/* profile_serve.c */
/* A finished window to the worker (profile.window), requests whose drains
 * are done to theirs; on the drain timer. */
void profile__rotate(struct collector *c);
void profile__serve_due(struct collector *c);
/* At stop: requests still waiting end their streams. */
void profile__serve_stop(struct profile_priv *pp);
#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* What `sonde profile` and the agent's endpoints take from a running
 * profile collector. */
#ifndef SONDE_COLLECTORS_PROFILE_H
#define SONDE_COLLECTORS_PROFILE_H
struct collector;
struct http_response;
struct stackprof;
struct strbuf;
struct symbolizer;

/* Drains both buffers now, and stops the worker that reads new processes'
 * mappings: the on-CPU and off-CPU profiles (the latter empty without
 * profile.off_cpu) and the symbolizer are then the caller's to read (on
 * this thread), until collector__stop. */
int profile__finish(struct collector *c, struct stackprof **prof, struct stackprof **off, struct symbolizer **sym);

/* The agent's rolling profiles: a JSON list, newest first (index 0). */
int profile__windows_json(const struct collector *c, struct strbuf *out);
/* The gzipped pprof of window index; -ENOENT when there is none yet. */
int profile__window_pprof(const struct collector *c, unsigned index, struct strbuf *out);
/* A profile of the next `seconds`, streamed to resp when they have passed
 * (net/http/pprof's /debug/pprof/profile). -EBUSY: too many streams. */
int profile__request(struct collector *c, unsigned seconds, struct http_response *resp);
#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* What `sonde profile` takes from a running profile collector. */
#ifndef SONDE_COLLECTORS_PROFILE_H
#define SONDE_COLLECTORS_PROFILE_H
struct collector;
struct stackprof;
struct symbolizer;

/* Drains both buffers now, and stops the worker that reads new processes'
 * mappings: the profile and the symbolizer are then the caller's to read
 * (on this thread), until collector__stop. */
int profile__finish(struct collector *c, struct stackprof **prof, struct symbolizer **sym);
#endif

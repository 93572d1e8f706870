/* SPDX-License-Identifier: Apache-2.0 */
/* A fixed-capacity hash table of byte-string keys to pointers (linear
 * probing, deletes by backward shift): for bounded tables of labels,
 * routes and connections. Keys are copied. */
#ifndef SONDE_LIB_STRTAB_H
#define SONDE_LIB_STRTAB_H
#include <stddef.h>
#include <stdint.h>

struct strtab_slot {
	uint64_t hash;		/* 0: empty */
	void *key;
	size_t klen;
	void *val;
};

struct strtab {
	struct strtab_slot *slots;
	size_t nslots, n, max;	/* max: entries allowed (a bound, not the size) */
};

/* Room for max entries. 0 or -ENOMEM. */
int strtab__init(struct strtab *t, size_t max);
/* Frees the table and its keys (not the values). */
void strtab__free(struct strtab *t);
void *strtab__get(const struct strtab *t, const void *key, size_t klen);
/* Adds key (absent) -> val: 0, -ENOSPC when max are in, -ENOMEM. */
int strtab__put(struct strtab *t, const void *key, size_t klen, void *val);
/* Removes key, returning its value (NULL when absent). */
void *strtab__del(struct strtab *t, const void *key, size_t klen);
/* Calls fn on each entry; fn must not change the table. */
void strtab__each(const struct strtab *t, void (*fn)(void *ctx, const void *key, size_t klen, void *val),
		  void *ctx);
#endif

// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "lib/strtab.h"

/* Eight bytes a step (keys are connection tuples and label sets, tens of
 * bytes), then the tail; a final mix spreads the high bits down. */
static uint64_t hash_of(const void *key, size_t n)
{
	const unsigned char *p = key;
	uint64_t h = 0xcbf29ce484222325ULL ^ n, w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ULL;
	h ^= h >> 32;
	return h ?: 1;
}

int strtab__init(struct strtab *t, size_t max)
{
	size_t n = 16;

	while (n < max * 2)	/* at most half full: short probes */
		n *= 2;
	memset(t, 0, sizeof(*t));
	t->slots = calloc(n, sizeof(*t->slots));
	if (!t->slots)
		return -ENOMEM;
	t->nslots = n;
	t->max = max;
	return 0;
}

void strtab__free(struct strtab *t)
{
	for (size_t i = 0; t->slots && i < t->nslots; i++)
		free(t->slots[i].key);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

static struct strtab_slot *find(const struct strtab *t, const void *key, size_t klen, uint64_t h)
{
	for (size_t i = h & (t->nslots - 1);; i = (i + 1) & (t->nslots - 1)) {
		struct strtab_slot *s = &t->slots[i];

		if (!s->hash || (s->hash == h && s->klen == klen && !memcmp(s->key, key, klen)))
			return s;
	}
}

void *strtab__get(const struct strtab *t, const void *key, size_t klen)
{
	struct strtab_slot *s;

	if (!t->slots)
		return NULL;
	s = find(t, key, klen, hash_of(key, klen));
	return s->hash ? s->val : NULL;
}

int strtab__put(struct strtab *t, const void *key, size_t klen, void *val)
{
	uint64_t h = hash_of(key, klen);
	struct strtab_slot *s = find(t, key, klen, h);

	if (s->hash) {
		s->val = val;
		return 0;
	}
	if (t->n >= t->max)
		return -ENOSPC;
	s->key = malloc(klen ?: 1);
	if (!s->key)
		return -ENOMEM;
	memcpy(s->key, key, klen);
	s->klen = klen;
	s->hash = h;
	s->val = val;
	t->n++;
	return 0;
}

void *strtab__del(struct strtab *t, const void *key, size_t klen)
{
	size_t mask = t->nslots - 1, i, j;
	struct strtab_slot *s;
	void *val;

	if (!t->slots)
		return NULL;
	s = find(t, key, klen, hash_of(key, klen));
	if (!s->hash)
		return NULL;
	val = s->val;
	free(s->key);
	i = s - t->slots;
	/* Backward shift: pull up each later entry of the run that may sit
	 * at or before the hole, so no probe stops early. */
	for (j = (i + 1) & mask; t->slots[j].hash; j = (j + 1) & mask) {
		size_t home = t->slots[j].hash & mask;

		if (((j - home) & mask) >= ((j - i) & mask)) {
			t->slots[i] = t->slots[j];
			i = j;
		}
	}
	memset(&t->slots[i], 0, sizeof(t->slots[i]));
	t->n--;
	return val;
}

void strtab__each(const struct strtab *t, void (*fn)(void *ctx, const void *key, size_t klen, void *val),
		  void *ctx)
{
	for (size_t i = 0; t->slots && i < t->nslots; i++)
		if (t->slots[i].hash)
			fn(ctx, t->slots[i].key, t->slots[i].klen, t->slots[i].val);
}

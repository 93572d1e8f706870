// SPDX-License-Identifier: Apache-2.0
/* /proc/kallsyms: "ADDR TYPE NAME [MODULE]" per line; text symbols only
 * (t, T, w, W), since stacks hold return addresses into code. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "symbolize/kallsyms.h"
#include "lib/vec.h"

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Appends s to the name pool; returns its offset or -1. */
static long pool_add(struct kallsyms *ks, size_t *cap, const char *s, size_t len)
{
	long off = (long)ks->names_len;

	while (ks->names_len + len + 1 > *cap) {
		size_t ncap = *cap ? *cap * 2 : 1 << 20;
		char *p = realloc(ks->names, ncap);

		if (!p)
			return -1;
		ks->names = p;
		*cap = ncap;
	}
	memcpy(ks->names + ks->names_len, s, len);
	ks->names[ks->names_len + len] = '\0';
	ks->names_len += len + 1;
	return off;
}

int kallsyms__load(struct kallsyms *ks, const char *path, char *why, size_t why_sz)
{
	/* Offsets into the pool while it grows; pointers once it is done. */
	struct raw { uint64_t addr; long name, mod; } *raw = NULL;
	size_t n = 0, cap = 0, pool_cap = 0, nonzero = 0;
	char line[512];
	FILE *f;
	int err = 0;

	memset(ks, 0, sizeof(*ks));
	path = path ?: "/proc/kallsyms";
	f = fopen(path, "re");
	if (!f) {
		err = -errno;
		snprintf(why, why_sz, "%s: %s", path, strerror(errno));
		return err;
	}
	if (pool_add(ks, &pool_cap, "", 0) < 0)
		err = -ENOMEM;
	while (!err && fgets(line, sizeof(line), f)) {
		char type, name[256], mod[128] = "";
		unsigned long long addr;
		struct raw r;

		if (sscanf(line, "%llx %c %255s [%127[^]]]", &addr, &type, name, mod) < 3)
			continue;
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		r.addr = addr;
		r.name = pool_add(ks, &pool_cap, name, strlen(name));
		r.mod = *mod ? pool_add(ks, &pool_cap, mod, strlen(mod)) : 0;
		if (r.name < 0 || r.mod < 0 || VEC_PUSH(raw, n, cap, r))
			err = -ENOMEM;
		nonzero += addr != 0;
	}
	fclose(f);
	if (!err && !nonzero) {
		err = -EPERM;
		snprintf(why, why_sz, "%s shows no addresses (kptr_restrict; run as root)", path);
	}
	if (!err && !(ks->v = malloc((n ?: 1) * sizeof(*ks->v))))
		err = -ENOMEM;
	if (err) {
		if (err == -ENOMEM)
			snprintf(why, why_sz, "%s: out of memory", path);
		free(raw);
		kallsyms__free(ks);
		return err;
	}
	for (size_t i = 0; i < n; i++)
		ks->v[i] = (struct ksym){ raw[i].addr, ks->names + raw[i].name, ks->names + raw[i].mod };
	free(raw);
	ks->n = n;
	qsort(ks->v, n, sizeof(*ks->v), ksym_cmp);
	return 0;
}

const struct ksym *kallsyms__find(const struct kallsyms *ks, uint64_t addr, uint64_t *off)
{
	size_t lo = 0, hi = ks->n;

	if (!ks->n || addr < ks->v[0].addr)
		return NULL;
	while (hi - lo > 1) {	/* the last symbol at or below addr */
		size_t mid = lo + (hi - lo) / 2;

		if (ks->v[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*off = addr - ks->v[lo].addr;
	return &ks->v[lo];
}

void kallsyms__free(struct kallsyms *ks)
{
	free(ks->v);
	free(ks->names);
	memset(ks, 0, sizeof(*ks));
}

// SPDX-License-Identifier: Apache-2.0
/* Map reads against real maps of every type collectors use: a walk in
 * batches and key by key see the same entries and the same sums, and the
 * fill the self-metrics report (mapstat) is the number of entries.
 *   sonde-maps              the checks (ok:/FAIL:/SKIP: lines)
 *   sonde-maps bench N      a scrape of an N-entry per-CPU hash, key by key
 *                           (the code before batches) and in batches,
 *                           with the syscalls and CPU each took */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "core/bpfmap.h"
#include "core/mapstat.h"

static int fails;

#define ok(...) (printf("ok: " __VA_ARGS__), putchar('\n'))
#define fail(...) (fails++, printf("FAIL: " __VA_ARGS__), putchar('\n'))

struct sum {
	long n;
	uint64_t total;
};

static int sum_cb(void *ctx, const void *key, const uint64_t *val, size_t nwords)
{
	struct sum *s = ctx;

	s->n++;
	s->total += val[0];
	return 0;
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* n entries, key i -> value i + 1 on every CPU (per-CPU maps). */
static int fill(int fd, uint32_t type, long n, int ncpus)
{
	uint64_t *vals = calloc(ncpus, sizeof(uint64_t));
	int err = 0;

	for (long i = 0; i < n && !err; i++) {
		uint32_t k = i;

		for (int c = 0; c < ncpus; c++)
			vals[c] = i + 1;
		if (bpf_map_update_elem(fd, &k, vals, BPF_ANY))
			err = -errno;
	}
	free(vals);
	return err;
}

static void check_type(struct mapstat *ms, uint32_t type, const char *name, long cap, long n)
{
	bool percpu = type == BPF_MAP_TYPE_PERCPU_HASH || type == BPF_MAP_TYPE_LRU_PERCPU_HASH ||
		      type == BPF_MAP_TYPE_PERCPU_ARRAY;
	bool array = type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_PERCPU_ARRAY;
	int ncpus = percpu ? libbpf_num_possible_cpus() : 1;
	int fd = bpf_map_create(type, name, 4, 8, cap, NULL);
	long want_n = array ? cap : n;
	/* Arrays hold every slot: the unfilled ones read 0. */
	uint64_t want_total = (uint64_t)ncpus * n * (n + 1) / 2;
	struct sum batch = {}, keys = {};
	struct bpfmap m;
	long fillc;

	if (fd < 0 || fill(fd, type, n, ncpus) || bpfmap__open(&m, fd)) {
		fail("%s: create and fill: %s", name, strerror(errno));
		return;
	}
	bpfmap__set_batch(true);
	bpfmap__for_each(&m, sum_cb, &batch);
	bpfmap__set_batch(false);
	bpfmap__for_each(&m, sum_cb, &keys);
	bpfmap__set_batch(true);
	if (batch.n == want_n && keys.n == want_n && batch.total == want_total && keys.total == want_total)
		ok("%s: batches and key by key both see %ld entries summing to %llu", name, batch.n,
		   (unsigned long long)batch.total);
	else
		fail("%s: batches %ld entries / %llu, key by key %ld / %llu (want %ld / %llu)", name,
		     batch.n, (unsigned long long)batch.total, keys.n, (unsigned long long)keys.total,
		     want_n, (unsigned long long)want_total);
	mapstat__refresh(ms);
	fillc = mapstat__entries(ms, &m);
	if (fillc == want_n)
		ok("%s: fill %ld (%s)", name, fillc,
		   array ? "its capacity" : mapstat__kernel_counts(ms) ? "the kernel's count" : "a walk");
	else
		fail("%s: fill %ld, want %ld", name, fillc, want_n);
	close(fd);
}

static void checks(void)
{
	struct mapstat *ms = mapstat__new();

	check_type(ms, BPF_MAP_TYPE_HASH, "hash", 20000, 12345);
	check_type(ms, BPF_MAP_TYPE_PERCPU_HASH, "percpu_hash", 20000, 12345);
	check_type(ms, BPF_MAP_TYPE_LRU_HASH, "lru_hash", 20000, 5000);
	check_type(ms, BPF_MAP_TYPE_LRU_PERCPU_HASH, "lru_percpu_hash", 20000, 5000);
	check_type(ms, BPF_MAP_TYPE_ARRAY, "array", 3000, 3000);
	check_type(ms, BPF_MAP_TYPE_PERCPU_ARRAY, "percpu_array", 3000, 3000);
	/* Tries are not read in batches: the key-by-key fallback. */
	{
		int fd = bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, "trie", 8, 8, 100,
					&(struct bpf_map_create_opts){ .sz = sizeof(struct bpf_map_create_opts),
								       .map_flags = BPF_F_NO_PREALLOC });
		struct sum s = {};
		struct bpfmap m;

		for (uint32_t i = 0; fd >= 0 && i < 10; i++) {
			struct { uint32_t plen; uint8_t a[4]; } k = { 32, { 10, 0, 0, i } };
			uint64_t v = 1;

			bpf_map_update_elem(fd, &k, &v, BPF_ANY);
		}
		if (fd >= 0 && !bpfmap__open(&m, fd) && !bpfmap__for_each(&m, sum_cb, &s) && s.n == 10 &&
		    mapstat__entries(ms, &m) == 10)
			ok("lpm_trie: 10 entries read key by key, fill 10");
		else
			fail("lpm_trie: %ld entries read (want 10)", s.n);
		if (fd >= 0)
			close(fd);
	}
	mapstat__free(ms);
}

/* A scrape's map work on an n-entry per-CPU hash (the syscalls counts
 * map's kind): read every value, and count the fill. */
static void bench(long n)
{
	int ncpus = libbpf_num_possible_cpus();
	int fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_HASH, "bench", 4, 8, n, NULL);
	struct mapstat *ms = mapstat__new();
	struct bpfmap m;
	double t[2], c[2];
	unsigned long sc[2];

	if (fd < 0 || fill(fd, BPF_MAP_TYPE_PERCPU_HASH, n, ncpus) || bpfmap__open(&m, fd)) {
		fprintf(stderr, "bench: %s\n", strerror(errno));
		exit(1);
	}
	for (int batched = 0; batched < 2; batched++) {
		struct sum s = {};
		unsigned long s0;
		double t0, c0;
		long fillc;

		bpfmap__set_batch(batched);
		s0 = bpfmap__syscalls();
		t0 = now_s();
		c0 = cpu_s();
		bpfmap__for_each(&m, sum_cb, &s);
		if (batched) {
			/* The fill: the kernel's count where it keeps one. */
			mapstat__refresh(ms);
			fillc = mapstat__entries(ms, &m);
		} else {
			fillc = bpfmap__count(&m);	/* a walk, as every scrape did */
		}
		t[batched] = now_s() - t0;
		c[batched] = cpu_s() - c0;
		sc[batched] = bpfmap__syscalls() - s0;
		if (s.n != n || fillc != n) {
			fprintf(stderr, "bench: read %ld entries, fill %ld, want %ld\n", s.n, fillc, n);
			exit(1);
		}
	}
	printf("| map read | entries | syscalls | wall s | CPU s |\n|---|---|---|---|---|\n");
	printf("| key by key (before), values and fill walk | %ld | %lu | %.3f | %.3f |\n", n, sc[0], t[0], c[0]);
	printf("| batches, fill from %s | %ld | %lu | %.3f | %.3f |\n",
	       mapstat__kernel_counts(ms) ? "the kernel's count" : "a cached walk", n, sc[1], t[1], c[1]);
	printf("\nbatched / key by key: wall %.3f, CPU %.3f, syscalls %.4f\n", t[1] / t[0], c[1] / c[0],
	       (double)sc[1] / sc[0]);
	mapstat__free(ms);
	close(fd);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "bench"))
		bench(atol(argv[2]));
	else
		checks();
	return 0;
}

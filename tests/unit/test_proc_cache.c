// SPDX-License-Identifier: Apache-2.0
/* Unit tests for src/identity/proc_cache.c: images by pid, bounded, with
 * O(1) eviction (an expired exited process first, else whichever of the
 * oldest exited and the least recently used live one was used longer ago)
 * and the side table of images an exec replaced. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "identity/proc_cache.h"

#define S 1000000000ULL

static struct proc_info *put(struct proc_cache *c, uint32_t pid, uint64_t now)
{
	struct proc_info *p = proc_cache__put(c, pid, pid * 10, 1, now);

	assert_non_null(p);
	p->detailed = true;
	return p;
}

static void test_lru(void **state)
{
	struct proc_cache *c = proc_cache__new(3, 30 * S);

	(void)state;
	put(c, 1, 1);
	put(c, 2, 2);
	put(c, 3, 3);
	assert_int_equal(proc_cache__size(c), 3);
	assert_non_null(proc_cache__get(c, 1));	/* 1 used again: 2 is the oldest now */
	put(c, 4, 4);
	assert_null(proc_cache__get(c, 2));
	assert_non_null(proc_cache__get(c, 1));
	assert_non_null(proc_cache__get(c, 3));
	assert_non_null(proc_cache__get(c, 4));
	assert_int_equal(proc_cache__size(c), 3);
	proc_cache__free(c);
}

static void test_exited_first(void **state)
{
	struct proc_cache *c = proc_cache__new(3, 30 * S);
	uint64_t hits, misses, ev;

	(void)state;
	put(c, 1, 1);
	put(c, 2, 2);
	put(c, 3, 3);
	proc_cache__get(c, 1);
	proc_cache__exit(c, 3, 10 * S);		/* exited 10 s in, grace 30 s */
	/* At 50 s its grace is over: it goes before any live one. */
	put(c, 4, 50 * S);
	assert_null(proc_cache__get(c, 3));
	assert_non_null(proc_cache__get(c, 1));
	assert_non_null(proc_cache__get(c, 2));
	/* Within grace, the one used longer ago goes: 4 exited, but was used
	 * after 1 (and 2). */
	proc_cache__get(c, 4);
	proc_cache__exit(c, 4, 51 * S);
	put(c, 5, 52 * S);
	assert_null(proc_cache__get(c, 1));
	assert_non_null(proc_cache__get(c, 4));
	proc_cache__stats(c, &hits, &misses, &ev);
	assert_int_equal(ev, 2);
	proc_cache__free(c);
}

static void test_reuse_and_old_images(void **state)
{
	struct proc_cache *c = proc_cache__new(8, 30 * S);
	struct proc_info *p;
	const struct proc_info *o;

	(void)state;
	p = put(c, 7, 1);
	strcpy(p->binary, "/bin/sh");
	/* exec: a new sequence for the same process; the old image aside. */
	p = proc_cache__put(c, 7, 70, 2, 2);
	strcpy(p->binary, "/bin/cat");
	o = proc_cache__old(c, 7, 70, 1);
	assert_non_null(o);
	assert_string_equal(o->binary, "/bin/sh");
	assert_null(proc_cache__old(c, 7, 70, 2));
	assert_string_equal(proc_cache__get(c, 7)->binary, "/bin/cat");
	assert_string_equal(proc_cache__get(c, 7)->exec_id, "7-46-2");
	assert_int_equal(proc_cache__size(c), 1);
	/* Thousands of processes through a small cache: bounded, and every
	 * recent one still there. */
	for (uint32_t pid = 100; pid < 20100; pid++) {
		put(c, pid, pid);
		if (pid % 2)
			proc_cache__exit(c, pid, pid);
	}
	assert_int_equal(proc_cache__size(c), 8);
	assert_non_null(proc_cache__get(c, 20099));
	assert_non_null(proc_cache__get(c, 20098));
	proc_cache__free(c);
}

static long rss_kb(void)
{
	long size = 0, pages = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%ld %ld", &size, &pages), 2);
	fclose(f);
	return pages * (sysconf(_SC_PAGESIZE) / 1024);
}

/* A cache is sized for 16,384 processes (~15 MB) but a host has a few
 * hundred: slots nobody used must not be resident. Filling it all still
 * works, and the next put evicts. */
static void test_untouched_until_used(void **state)
{
	long before = rss_kb();
	struct proc_cache *c = proc_cache__new(16384, 0);
	long grown;

	(void)state;
	assert_non_null(c);
	for (uint32_t pid = 1; pid <= 300; pid++)
		assert_non_null(proc_cache__put(c, pid, pid, 0, 0));
	grown = rss_kb() - before;
	assert_true(grown < 2048);	/* 300 slots and the buckets, not 15 MB */
	for (uint32_t pid = 301; pid <= 16384; pid++)
		assert_non_null(proc_cache__put(c, pid, pid, 0, 0));
	assert_int_equal(proc_cache__size(c), 16384);
	assert_non_null(proc_cache__put(c, 20000, 1, 0, 0));
	assert_int_equal(proc_cache__size(c), 16384);
	assert_null(proc_cache__get(c, 1));	/* the least recently used went */
	assert_non_null(proc_cache__get(c, 20000));
	proc_cache__free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lru),
		cmocka_unit_test(test_exited_first),
		cmocka_unit_test(test_reuse_and_old_images),
		cmocka_unit_test(test_untouched_until_used),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

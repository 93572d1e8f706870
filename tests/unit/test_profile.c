// SPDX-License-Identifier: Apache-2.0
/* Unit tests for the profiler's pure parts: kernel symbols
 * (src/symbolize/kallsyms.c), ELF symbol tables (elftab.c), the stack
 * store (stackprof.c) and the pprof encoder (src/lib/pprof.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/pprof.h"
#include "lib/strbuf.h"
#include "symbolize/elftab.h"
#include "symbolize/kallsyms.h"
#include "symbolize/stackprof.h"

static char *write_tmp(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/sonde-unit-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_kallsyms(void **state)
{
	char *path = write_tmp("ffffffff81000000 T _stext\n"
			       "ffffffff81000100 t do_one\n"
			       "ffffffff81000200 D some_data\n"
			       "ffffffff81000300 T do_two\n"
			       "ffffffffc0001000 t ext4_read [ext4]\n"
			       "garbage line\n");
	struct kallsyms ks;
	const struct ksym *k;
	char why[160];
	uint64_t off;

	assert_int_equal(kallsyms__load(&ks, path, why, sizeof(why)), 0);
	unlink(path);
	assert_int_equal(ks.n, 4);	/* text only */
	k = kallsyms__find(&ks, 0xffffffff81000150, &off);
	assert_non_null(k);
	assert_string_equal(k->name, "do_one");
	assert_int_equal(off, 0x50);
	/* past some_data (not text): still inside do_one */
	k = kallsyms__find(&ks, 0xffffffff81000250, &off);
	assert_string_equal(k->name, "do_one");
	k = kallsyms__find(&ks, 0xffffffffc0001010, &off);
	assert_string_equal(k->name, "ext4_read");
	assert_string_equal(k->module, "ext4");
	assert_null(kallsyms__find(&ks, 0x1000, &off));
	kallsyms__free(&ks);

	path = write_tmp("0000000000000000 T _stext\n0000000000000000 t do_one\n");
	assert_int_equal(kallsyms__load(&ks, path, why, sizeof(why)), -EPERM);
	assert_non_null(strstr(why, "kptr_restrict"));
	unlink(path);
	assert_int_equal(kallsyms__load(&ks, "/nonexistent/kallsyms", why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "/nonexistent/kallsyms"));
}

__attribute__((noinline)) int unit_known_function(int x)
{
	return x * 3 + 1;
}

static void test_elftab_self(void **state)
{
	struct elftab t;
	const struct elf_fn *f = NULL, *g;
	char why[160];
	uint64_t off, va;

	assert_int_equal(elftab__load(&t, "/proc/self/exe", why, sizeof(why)), 0);
	assert_false(t.stripped);
	assert_true(t.nsegs >= 1);
	for (size_t i = 0; i < t.nfns; i++)
		if (!strcmp(elftab__name(&t, &t.fns[i]), "unit_known_function"))
			f = &t.fns[i];
	assert_non_null(f);
	g = elftab__find(&t, f->addr + 1, &off);
	assert_ptr_equal(g, f);
	assert_int_equal(off, 1);
	/* a vaddr maps back from its file offset through the segment */
	for (unsigned i = 0; i < t.nsegs; i++)
		if (f->addr >= t.segs[i].vaddr && f->addr - t.segs[i].vaddr < t.segs[i].filesz) {
			assert_int_equal(elftab__vaddr(&t, f->addr - t.segs[i].vaddr + t.segs[i].off, &va), 0);
			assert_int_equal(va, f->addr);
		}
	elftab__free(&t);
	assert_int_equal(unit_known_function(1), 4);
}

static void test_elftab_garbage(void **state)
{
	char *path = write_tmp("this is not an ELF file at all, just text\n");
	struct elftab t;
	char why[160] = "";
	char img[64] = "\177ELF\2\1\1";

	assert_int_equal(elftab__load(&t, path, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "not an ELF file");
	unlink(path);
	/* a header cut short */
	assert_int_equal(elftab__parse(&t, img, sizeof(img), why, sizeof(why)), -EINVAL);
	assert_int_equal(elftab__load(&t, "/nonexistent", why, sizeof(why)), -ENOENT);
}

static void test_stackprof_merge(void **state)
{
	struct stackprof a, b;
	uint64_t k[] = { 0xffffffff81000100 }, u[] = { 0x401000, 0x402000 };
	int added;
	long im;

	stackprof__init(&a, 10000000);
	stackprof__init(&b, 10000000);
	im = stackprof__image(&a, 42, 1000, 1, &added);
	assert_int_equal(im, 0);
	assert_true(added);
	assert_int_equal(stackprof__image(&a, 42, 1000, 1, &added), 0);
	assert_false(added);
	assert_int_equal(stackprof__add(&a, 0, "worker", k, 1, u, 2, 3), 0);
	assert_int_equal(stackprof__add(&a, 0, "worker", k, 1, u, 2, 2), 0);
	assert_int_equal(stackprof__add(&a, 0, "other", k, 1, u, 2, 1), 0);	/* another thread name */
	assert_int_equal(stackprof__add(&a, 0, "worker", k, 0, u, 2, 1), 0);	/* no kernel frame */
	assert_int_equal(a.nrows, 3);
	assert_int_equal(a.samples, 7);
	assert_int_equal(a.rows[0].count, 5);
	assert_int_equal(stackprof__add(&a, 5, "x", k, 1, u, 2, 1), -EINVAL);	/* no such image */
	im = stackprof__image(&b, 42, 1000, 1, &added);
	assert_int_equal(stackprof__add(&b, im, "worker", k, 1, u, 2, 10), 0);
	im = stackprof__image(&b, 43, 1000, 1, &added);
	assert_int_equal(stackprof__add(&b, im, "worker", k, 1, u, 2, 1), 0);
	assert_int_equal(stackprof__merge(&a, &b), 0);
	assert_int_equal(a.nimages, 2);
	assert_int_equal(a.nrows, 4);
	assert_int_equal(a.rows[0].count, 15);
	assert_int_equal(a.samples, 18);
	stackprof__free(&a);
	stackprof__free(&b);
}

/* Top-level fields of a protobuf message, counted by field number. */
static void pb_fields(const unsigned char *p, size_t n, unsigned counts[16])
{
	size_t i = 0;

	while (i < n) {
		uint64_t key = 0, v = 0;
		unsigned shift = 0;

		do
			key |= (uint64_t)(p[i] & 0x7f) << shift, shift += 7;
		while (p[i++] & 0x80);
		shift = 0;
		do
			v |= (uint64_t)(p[i] & 0x7f) << shift, shift += 7;
		while (p[i++] & 0x80);
		if ((key & 7) == 2)
			i += v;
		else
			assert_int_equal(key & 7, 0);
		if ((key >> 3) < 16)
			counts[key >> 3]++;
	}
	assert_int_equal(i, n);
}

static void test_pprof_encoding(void **state)
{
	static const char *const types[] = { "samples", "cpu" }, *const units[] = { "count", "nanoseconds" };
	struct pprof *p = pprof__new(types, units, 2, 10000000);
	struct strbuf raw = {}, gz = {};
	uint64_t m, f1, f2, l1, l2, locs[2];
	int64_t v[2] = { 3, 30000000 };
	struct pprof_label lab[] = { { "pid", NULL, 42 }, { "comm", "worker", 0 } };
	unsigned counts[16] = {};

	assert_non_null(p);
	m = pprof__mapping(p, 0x400000, 0x500000, 0, "/bin/app", "abcd");
	assert_int_equal(m, 1);
	assert_int_equal(pprof__mapping(p, 0x400000, 0x500000, 0, "/bin/app", "abcd"), 1);	/* interned */
	f1 = pprof__function(p, "main", "/bin/app");
	f2 = pprof__function(p, "work", "/bin/app");
	assert_int_equal(f1, 1);
	assert_int_equal(f2, 2);
	l1 = pprof__location(p, m, 0x401000, f2);
	l2 = pprof__location(p, m, 0x402000, f1);
	assert_int_equal(pprof__location(p, m, 0x401000, f2), l1);
	locs[0] = l1;
	locs[1] = l2;
	assert_int_equal(pprof__sample(p, locs, 2, v, lab, 2), 0);
	assert_int_equal(pprof__sample(p, locs, 1, v, lab, 1), 0);
	pprof__set_time(p, 1700000000000000000LL, 5000000000LL);
	assert_int_equal(pprof__write(p, &raw, false), 0);
	pb_fields((unsigned char *)raw.buf, raw.len, counts);
	assert_int_equal(counts[1], 2);	/* sample_type */
	assert_int_equal(counts[2], 2);	/* sample */
	assert_int_equal(counts[3], 1);	/* mapping */
	assert_int_equal(counts[4], 2);	/* location */
	assert_int_equal(counts[5], 2);	/* function */
	/* "", samples, count, cpu, nanoseconds, /bin/app, abcd, main, work, pid, comm, worker */
	assert_int_equal(counts[6], 12);
	assert_int_equal(counts[9], 1);
	assert_int_equal(counts[10], 1);
	assert_int_equal(counts[12], 1);
	assert_int_equal(pprof__write(p, &gz, true), 0);
	assert_true(gz.len > 10 && (unsigned char)gz.buf[0] == 0x1f && (unsigned char)gz.buf[1] == 0x8b);
	pprof__free(p);
	sb__free(&raw);
	sb__free(&gz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kallsyms),
		cmocka_unit_test(test_elftab_self),
		cmocka_unit_test(test_elftab_garbage),
		cmocka_unit_test(test_stackprof_merge),
		cmocka_unit_test(test_pprof_encoding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: Apache-2.0
/* Unit tests for src/verifier/btfext.c: source lines of a BPF object's
 * instructions from its .BTF.ext line info.
 *
 * Uses the real objects under build/verifier/ (built by `make tests`; the
 * tests run from the repository root). The expected lines are taken from
 * the objects' sources at test time and the instructions from the objects'
 * code, so a recompiled object still tests the same thing. For the
 * record, with clang 14 `llvm-objdump -d build/verifier/map_value_oob.bpf.o`
 * shows the VERIFY-FAIL access "r6 = *(u64 *)(r0 + 56)" at instruction 8,
 * and the .BTF.ext line records of raw_tp/sys_enter are
 *   insn 0 -> :12  1 -> :14  3 -> :0  4 -> :15  7 -> :17  8 -> :19  9 -> :20
 * (the verifier log names the same lines; llvm-objdump -l, which reads
 * DWARF, says 13 for instruction 0). */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "verifier/btfext.h"

#define MVO_OBJ "build/verifier/map_value_oob.bpf.o"
#define MVO_SRC "tests/verifier/map_value_oob.bpf.c"

struct blob {
	unsigned char *data;
	size_t size;
};

/* Buffers a test allocates are freed by teardown(), also when an assertion
 * fails halfway (cmocka longjmps out of the test): no leak reports under
 * ASan for a failing test. */
#define MAX_OWNED 8
static void *owned[MAX_OWNED];

static void *own(void *p)
{
	assert_non_null(p);
	for (int i = 0; i < MAX_OWNED; i++)
		if (!owned[i]) {
			owned[i] = p;
			return p;
		}
	fail_msg("too many buffers");
	return NULL;
}

static void release(void *p)
{
	for (int i = 0; i < MAX_OWNED; i++)
		if (owned[i] == p)
			owned[i] = NULL;
	free(p);
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < MAX_OWNED; i++) {
		free(owned[i]);
		owned[i] = NULL;
	}
	return 0;
}

static int read_all(const char *path, struct blob *b)
{
	FILE *f = fopen(path, "rb");
	long n;

	b->data = NULL;
	b->size = 0;
	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return -EIO;
	}
	/* Exactly n bytes, so ASan sees any read past the object's end. */
	b->data = malloc(n ? (size_t)n : 1);
	if (!b->data || fread(b->data, 1, (size_t)n, f) != (size_t)n) {
		free(b->data);
		b->data = NULL;
		fclose(f);
		return -EIO;
	}
	b->size = (size_t)n;
	fclose(f);
	own(b->data);
	return 0;
}

/* Loads path or skips the test, saying why. */
static void load_or_skip(const char *path, struct blob *b)
{
	int err = read_all(path, b);

	if (err) {
		print_message("SKIP: %s: %s (run `make tests` from the repository root)\n", path,
			      strerror(-err));
		skip();
	}
}

/* 1-based number of the first line of the source holding needle, after
 * line `after`; 0 when not found. */
static int source_line(const char *path, const char *needle, int after)
{
	FILE *f = fopen(path, "r");
	char buf[512];
	int n = 0, found = 0;

	if (!f)
		return 0;
	while (fgets(buf, sizeof(buf), f)) {
		n++;
		if (n > after && strstr(buf, needle)) {
			found = n;
			break;
		}
	}
	fclose(f);
	return found;
}

static int source_line_or_skip(const char *path, const char *needle, int after)
{
	int line = source_line(path, needle, after);

	if (!line) {
		print_message("SKIP: %s: no line with \"%s\"\n", path, needle);
		skip();
	}
	return line;
}

/* Index (from the function's start) of the first instruction of func with
 * opcode code (and offset off when off >= 0), or -1. Reads the object with
 * libelf, independently of the code under test. */
static int find_insn(const struct blob *b, const char *func, uint8_t code, int off)
{
	Elf *elf;
	Elf_Scn *scn = NULL;
	int found = -1;

	elf_version(EV_CURRENT);
	elf = elf_memory((char *)b->data, b->size);
	if (!elf)
		return -1;
	while ((scn = elf_nextscn(elf, scn)) && found < 0) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize)
			continue;
		d = elf_getdata(scn, NULL);
		for (size_t i = 0; d && i < d->d_size / sh.sh_entsize; i++) {
			GElf_Sym s;
			const char *name;
			Elf_Data *code_d;

			if (!gelf_getsym(d, i, &s) || GELF_ST_TYPE(s.st_info) != STT_FUNC)
				continue;
			name = elf_strptr(elf, sh.sh_link, s.st_name);
			if (!name || strcmp(name, func))
				continue;
			code_d = elf_getdata(elf_getscn(elf, s.st_shndx), NULL);
			for (uint64_t o = s.st_value; code_d && o + 8 <= s.st_value + s.st_size &&
						      o + 8 <= code_d->d_size; o += 8) {
				const uint8_t *insn = (const uint8_t *)code_d->d_buf + o;
				int16_t ioff;

				memcpy(&ioff, insn + 2, 2);
				if (insn[0] == code && (off < 0 || ioff == off)) {
					found = (int)((o - s.st_value) / 8);
					break;
				}
			}
			break;
		}
	}
	elf_end(elf);
	return found;
}

/* File offset and size of section name, or -1. */
static long section_offset(const struct blob *b, const char *name, size_t *size)
{
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	long off = -1;

	elf_version(EV_CURRENT);
	elf = elf_memory((char *)b->data, b->size);
	if (!elf)
		return -1;
	if (!elf_getshdrstrndx(elf, &shstrndx))
		while ((scn = elf_nextscn(elf, scn))) {
			GElf_Shdr sh;
			const char *n;

			if (gelf_getshdr(scn, &sh) && (n = elf_strptr(elf, shstrndx, sh.sh_name)) &&
			    !strcmp(n, name)) {
				off = (long)sh.sh_offset;
				*size = sh.sh_size;
				break;
			}
		}
	elf_end(elf);
	return off;
}

/* btfext__line_of with a guarded file buffer: nothing written past
 * file_sz, the name NUL-terminated on success. */
static int line_of(const void *data, size_t size, const char *func, unsigned insn, char *file,
		   size_t file_sz, int *line)
{
	char buf[256 + 32];
	int rc;

	assert_true(file_sz <= 256);
	memset(buf, 'Z', sizeof(buf));
	*line = -12345;
	rc = btfext__line_of(data, size, func, insn, buf, file_sz, line);
	for (size_t i = file_sz; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 'Z');
	assert_true(rc <= 0);
	if (rc == 0) {
		assert_true(file_sz == 0 || memchr(buf, '\0', file_sz));
		assert_true(*line >= 0);
	}
	if (file_sz)
		memcpy(file, buf, file_sz);
	return rc;
}

/* ---- real objects ------------------------------------------------------- */

static void test_map_value_oob(void **state)
{
	struct blob b;
	char file[128];
	int line, want, access;

	(void)state;
	load_or_skip(MVO_OBJ, &b);

	/* Instruction 0: the function's own line. */
	want = source_line_or_skip(MVO_SRC, "int map_value_oob(", 0);
	assert_int_equal(line_of(b.data, b.size, "map_value_oob", 0, file, sizeof(file), &line), 0);
	assert_string_equal(file, "map_value_oob.bpf.c");
	assert_int_equal(line, want);

	/* The out-of-bounds load v[7] (ldxdw at offset 56): the VERIFY-FAIL
	 * line. */
	access = find_insn(&b, "map_value_oob", 0x79, 56);
	assert_true(access > 0);
	print_message("map_value_oob: access at instruction %d\n", access);
	want = source_line_or_skip(MVO_SRC, "VERIFY-FAIL", 0);
	assert_int_equal(line_of(b.data, b.size, "map_value_oob", (unsigned)access, file, sizeof(file), &line), 0);
	assert_string_equal(file, "map_value_oob.bpf.c");
	assert_int_equal(line, want);
}

/* Other instructions of the same function: the helper call, the NULL
 * check, the closing brace; instructions without a record of their own
 * (the second half of ld_imm64, the one after the call's argument setup)
 * take the line of the record before them. */
static void test_map_value_oob_more_lines(void **state)
{
	struct blob b;
	char file[128];
	int line, call, jeq, ldimm, ex, vf;

	(void)state;
	load_or_skip(MVO_OBJ, &b);
	vf = source_line_or_skip(MVO_SRC, "VERIFY-FAIL", 0);

	call = find_insn(&b, "map_value_oob", 0x85, -1);	/* call */
	jeq = find_insn(&b, "map_value_oob", 0x15, -1);		/* if r0 == 0 */
	ldimm = find_insn(&b, "map_value_oob", 0x18, -1);	/* r1 = map ll */
	ex = find_insn(&b, "map_value_oob", 0x95, -1);		/* exit */
	assert_true(call > 0 && jeq > call && ldimm > 0 && ex > jeq);

	assert_int_equal(line_of(b.data, b.size, "map_value_oob", (unsigned)call, file, sizeof(file), &line), 0);
	assert_int_equal(line, source_line(MVO_SRC, "bpf_map_lookup_elem(&vals", 0));
	assert_int_equal(line_of(b.data, b.size, "map_value_oob", (unsigned)ldimm + 1, file, sizeof(file), &line), 0);
	assert_int_equal(line, source_line(MVO_SRC, "bpf_map_lookup_elem(&vals", 0));
	assert_int_equal(line_of(b.data, b.size, "map_value_oob", (unsigned)jeq, file, sizeof(file), &line), 0);
	assert_int_equal(line, source_line(MVO_SRC, "if (!v)", 0));
	assert_int_equal(line_of(b.data, b.size, "map_value_oob", (unsigned)ex, file, sizeof(file), &line), 0);
	assert_int_equal(line, source_line(MVO_SRC, "}", vf));
	assert_string_equal(file, "map_value_oob.bpf.c");
}

static void test_good(void **state)
{
	struct blob b;
	char file[128];
	int line;

	(void)state;
	load_or_skip("build/verifier/good.bpf.o", &b);
	assert_int_equal(line_of(b.data, b.size, "good", 0, file, sizeof(file), &line), 0);
	assert_string_equal(file, "good.bpf.c");
	assert_int_equal(line, source_line_or_skip("tests/verifier/good.bpf.c", "int good(", 0));
	/* Another object's function is not in this one. */
	assert_int_equal(line_of(b.data, b.size, "map_value_oob", 0, file, sizeof(file), &line), -ENOENT);
}

/* A static subprogram in .text (a local symbol, another section than the
 * program's). */
static void test_subprogram(void **state)
{
	struct blob b;
	char file[128];
	int line, want;

	(void)state;
	load_or_skip("build/verifier/stack_too_large.bpf.o", &b);
	want = source_line_or_skip("tests/verifier/stack_too_large.bpf.c", "int inner(", 0);
	assert_int_equal(line_of(b.data, b.size, "inner", 0, file, sizeof(file), &line), 0);
	assert_string_equal(file, "stack_too_large.bpf.c");
	assert_int_equal(line, want);
	want = source_line_or_skip("tests/verifier/stack_too_large.bpf.c", "int stack_too_large(", 0);
	assert_true(line_of(b.data, b.size, "stack_too_large", 0, file, sizeof(file), &line) == 0);
	/* The program's first instruction is in its body (the declaration
	 * line has no code of its own here): after the declaration. */
	assert_true(line > want);
	assert_true(line < source_line("tests/verifier/stack_too_large.bpf.c", "LICENSE", 0));
}

static void test_unknown_function(void **state)
{
	struct blob b;
	char file[128];
	int line;

	(void)state;
	load_or_skip(MVO_OBJ, &b);
	assert_int_equal(line_of(b.data, b.size, "no_such_function", 0, file, sizeof(file), &line), -ENOENT);
	assert_int_equal(line_of(b.data, b.size, "", 0, file, sizeof(file), &line), -ENOENT);
	/* Symbols that are not functions, a section name, a prefix. */
	assert_int_equal(line_of(b.data, b.size, "vals", 0, file, sizeof(file), &line), -ENOENT);
	assert_int_equal(line_of(b.data, b.size, "LICENSE", 0, file, sizeof(file), &line), -ENOENT);
	assert_int_equal(line_of(b.data, b.size, "raw_tp/sys_enter", 0, file, sizeof(file), &line), -ENOENT);
	assert_int_equal(line_of(b.data, b.size, "map_value", 0, file, sizeof(file), &line), -ENOENT);
	assert_int_equal(line_of(b.data, b.size, "LBB0_2", 0, file, sizeof(file), &line), -ENOENT);
}

/* A short file buffer gets a truncated, terminated name. */
static void test_small_file_buffer(void **state)
{
	struct blob b;
	char file[128];
	int line, want;

	(void)state;
	load_or_skip(MVO_OBJ, &b);
	want = source_line_or_skip(MVO_SRC, "int map_value_oob(", 0);
	assert_int_equal(line_of(b.data, b.size, "map_value_oob", 0, file, 8, &line), 0);
	assert_string_equal(file, "map_val");
	assert_int_equal(line, want);
	assert_int_equal(line_of(b.data, b.size, "map_value_oob", 0, file, 1, &line), 0);
	assert_string_equal(file, "");
}

/* Instruction 3 (r2 += -4) has a line record of its own with line 0
 * (compiler-generated code; the verifier log prints ";  @ file.c:0"). Line
 * 0 is "no line" (struct verifier_report keeps the previous line for such an
 * annotation): a success must name a real line, i.e. the previous record's
 * (14, "__u32 k = 0;"), or the call must fail. (src/cli/verify.c stores the
 * result over the line the log gave for a poisoned CO-RE instruction: a
 * "success" with line 0 erases it.) */
static void test_line_zero_record(void **state)
{
	struct blob b;
	char file[128];
	int line, rc;

	(void)state;
	load_or_skip(MVO_OBJ, &b);
	rc = line_of(b.data, b.size, "map_value_oob", 3, file, sizeof(file), &line);
	if (rc == 0) {
		if (line == 0)
			fail_msg("instruction 3: success with line 0 (%s:0)", file);
		assert_int_equal(line, source_line(MVO_SRC, "__u32 k = 0;", 0));
	}
}

/* map_value_oob has no subprograms: its symbol covers instructions 0..10
 * (st_size 88). An index past its end is no instruction of it, and must
 * not get the function's last line. (With subprograms, the verifier
 * numbers their instructions after the program's, and such an answer
 * would name the wrong line of the wrong function.) */
static void test_past_function_end(void **state)
{
	struct blob b;
	char file[128];
	int line, ex;
	const unsigned past[] = { 11, 12, 1000, 4000000000u };

	(void)state;
	load_or_skip(MVO_OBJ, &b);
	ex = find_insn(&b, "map_value_oob", 0x95, -1);
	assert_int_equal(ex, 10);	/* the last instruction: exit */
	assert_int_equal(line_of(b.data, b.size, "map_value_oob", (unsigned)ex, file, sizeof(file), &line), 0);
	for (size_t i = 0; i < sizeof(past) / sizeof(past[0]); i++) {
		int rc = line_of(b.data, b.size, "map_value_oob", past[i], file, sizeof(file), &line);

		if (rc >= 0)
			fail_msg("instruction %u of an 11-instruction program: %d, %s:%d", past[i], rc, file, line);
	}
}

/* ---- broken input ------------------------------------------------------- */

static void test_truncated(void **state)
{
	struct blob b, cut;
	char file[128];
	int line;
	const size_t sizes[] = { 100, 0 /* half */, 64, 63, 1, 4 };

	(void)state;
	load_or_skip(MVO_OBJ, &b);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i] ? sizes[i] : b.size / 2;

		/* A copy of exactly n bytes: ASan catches reads past it. */
		cut.data = own(malloc(n));
		memcpy(cut.data, b.data, n);
		if (line_of(cut.data, n, "map_value_oob", 0, file, sizeof(file), &line) >= 0)
			fail_msg("first %zu of %zu bytes accepted", n, b.size);
		release(cut.data);
	}
	/* The whole object minus its last byte (the section headers end
	 * there): still refused or still right, never a wrong line. */
	cut.data = own(malloc(b.size - 1));
	memcpy(cut.data, b.data, b.size - 1);
	if (!line_of(cut.data, b.size - 1, "map_value_oob", 0, file, sizeof(file), &line))
		assert_int_equal(line, source_line(MVO_SRC, "int map_value_oob(", 0));
}

static void test_not_elf(void **state)
{
	static const char text[] = "this is not an ELF object\n";
	static const char ar[] = "!<arch>\n/               0           0     0     0       4         `\n\0\0\0\0";
	unsigned char junk[4096], elfish[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
	unsigned x = 12345;
	char file[128];
	int line;

	(void)state;
	for (size_t i = 0; i < sizeof(junk); i++) {
		x = x * 1103515245u + 12345u;
		junk[i] = (unsigned char)(x >> 16);
	}
	assert_true(line_of(text, sizeof(text) - 1, "good", 0, file, sizeof(file), &line) < 0);
	assert_true(line_of(ar, sizeof(ar) - 1, "good", 0, file, sizeof(file), &line) < 0);
	assert_true(line_of(junk, sizeof(junk), "good", 0, file, sizeof(file), &line) < 0);
	/* An ELF identification and nothing behind it. */
	assert_true(line_of(elfish, sizeof(elfish), "good", 0, file, sizeof(file), &line) < 0);
	assert_true(line_of(elfish, 16, "good", 0, file, sizeof(file), &line) < 0);
}

static void test_zero_length(void **state)
{
	char file[128];
	int line;
	unsigned char one = 0x7f;

	(void)state;
	assert_true(line_of(&one, 0, "good", 0, file, sizeof(file), &line) < 0);
	assert_true(line_of(NULL, 0, "good", 0, file, sizeof(file), &line) < 0);
}

/* Broken .BTF.ext headers: bad magic, line info past the section, record
 * size out of range. */
static void test_corrupt_btf_ext(void **state)
{
	struct blob b;
	unsigned char *copy;
	char file[128];
	int line;
	size_t ext_sz = 0;
	long ext;
	uint32_t v;

	(void)state;
	load_or_skip(MVO_OBJ, &b);
	ext = section_offset(&b, ".BTF.ext", &ext_sz);
	assert_true(ext > 0 && ext_sz >= 32);
	copy = own(malloc(b.size));

	memcpy(copy, b.data, b.size);
	copy[ext] ^= 0xff;			/* magic */
	assert_int_equal(line_of(copy, b.size, "map_value_oob", 0, file, sizeof(file), &line), -EINVAL);

	memcpy(copy, b.data, b.size);
	v = 0x7ffffff0;				/* line_info_len */
	memcpy(copy + ext + 20, &v, 4);
	assert_int_equal(line_of(copy, b.size, "map_value_oob", 0, file, sizeof(file), &line), -EINVAL);

	memcpy(copy, b.data, b.size);
	v = 0xfffffff0;				/* line_info_off: wraps in 32 bits */
	memcpy(copy + ext + 16, &v, 4);
	assert_int_equal(line_of(copy, b.size, "map_value_oob", 0, file, sizeof(file), &line), -EINVAL);

	memcpy(copy, b.data, b.size);
	v = 0xffffffff;				/* hdr_len */
	memcpy(copy + ext + 4, &v, 4);
	assert_int_equal(line_of(copy, b.size, "map_value_oob", 0, file, sizeof(file), &line), -EINVAL);

	{
		uint32_t hdr, loff;

		memcpy(&hdr, b.data + ext + 4, 4);
		memcpy(&loff, b.data + ext + 16, 4);
		assert_true(hdr + loff + 4 <= ext_sz);
		for (uint32_t rec = 0; rec < 20; rec += 4) {	/* rec_size < 16 */
			memcpy(copy, b.data, b.size);
			memcpy(copy + ext + hdr + loff, &rec, 4);
			assert_int_equal(line_of(copy, b.size, "map_value_oob", 0, file, sizeof(file), &line),
					 rec == 16 ? 0 : -EINVAL);
		}
		/* A huge record count in the first section's header. */
		memcpy(copy, b.data, b.size);
		v = 0x40000000;
		memcpy(copy + ext + hdr + loff + 8, &v, 4);
		assert_int_equal(line_of(copy, b.size, "map_value_oob", 0, file, sizeof(file), &line), -EINVAL);
	}
}

/* Every single-byte corruption and every 61st prefix: no crash, no read
 * outside the buffer (ASan), no write to it, no write past file_sz, and a
 * success always carries a terminated name and a line >= 0. */
static void test_mutations(void **state)
{
	struct blob b;
	unsigned char *copy, *orig;
	char file[64];
	int line;

	(void)state;
	load_or_skip(MVO_OBJ, &b);
	copy = own(malloc(b.size));
	orig = own(malloc(b.size));
	for (size_t i = 0; i < b.size; i++) {
		memcpy(copy, b.data, b.size);
		copy[i] ^= (unsigned char)(0x80 | (i & 0x7f));
		memcpy(orig, copy, b.size);
		(void)line_of(copy, b.size, "map_value_oob", (unsigned)(i % 12), file, sizeof(file), &line);
		assert_memory_equal(copy, orig, b.size);
	}
	for (size_t n = 1; n < b.size; n += 61) {
		unsigned char *cut = own(malloc(n));

		memcpy(cut, b.data, n);
		(void)line_of(cut, n, "map_value_oob", 8, file, sizeof(file), &line);
		release(cut);
	}
}

/* The input is const: the object bytes are not touched. */
static void test_input_untouched(void **state)
{
	struct blob b;
	unsigned char *copy;
	char file[128];
	int line;

	(void)state;
	load_or_skip(MVO_OBJ, &b);
	copy = own(malloc(b.size));
	memcpy(copy, b.data, b.size);
	for (unsigned i = 0; i < 12; i++)
		(void)line_of(b.data, b.size, "map_value_oob", i, file, sizeof(file), &line);
	assert_memory_equal(copy, b.data, b.size);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_map_value_oob, teardown),
		cmocka_unit_test_teardown(test_map_value_oob_more_lines, teardown),
		cmocka_unit_test_teardown(test_good, teardown),
		cmocka_unit_test_teardown(test_subprogram, teardown),
		cmocka_unit_test_teardown(test_unknown_function, teardown),
		cmocka_unit_test_teardown(test_small_file_buffer, teardown),
		cmocka_unit_test_teardown(test_line_zero_record, teardown),
		cmocka_unit_test_teardown(test_past_function_end, teardown),
		cmocka_unit_test_teardown(test_truncated, teardown),
		cmocka_unit_test_teardown(test_not_elf, teardown),
		cmocka_unit_test_teardown(test_zero_length, teardown),
		cmocka_unit_test_teardown(test_corrupt_btf_ext, teardown),
		cmocka_unit_test_teardown(test_mutations, teardown),
		cmocka_unit_test_teardown(test_input_untouched, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

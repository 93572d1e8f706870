// SPDX-License-Identifier: Apache-2.0
#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "verifier/objfile.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

/* The headers of .BTF and .BTF.ext, as the kernel's uapi lays them out. */
struct btf_hdr {
	uint16_t magic;
	uint8_t version, flags;
	uint32_t hdr_len, type_off, type_len, str_off, str_len;
};

struct btf_ext_hdr {
	uint16_t magic;
	uint8_t version, flags;
	uint32_t hdr_len, func_info_off, func_info_len, line_info_off, line_info_len;
};

static int bad(char *why, size_t sz, const char *fmt, const char *a, unsigned long long b)
{
	char msg[160];

	snprintf(msg, sizeof(msg), fmt, a, b);
	snprintf(why, sz, "malformed object: %s", msg);
	return -EBADMSG;
}

/* What the bytes are, when they are not an ELF file at all. */
static int not_elf(const unsigned char *d, size_t size, char *why, size_t sz)
{
	size_t n = size < 32 ? size : 32, printable = 0;
	char start[40];

	for (size_t i = 0; i < n; i++)
		printable += isprint(d[i]) || d[i] == '\n' || d[i] == '\t' || d[i] == '\r';
	if (printable == n) {
		size_t k = 0;

		for (size_t i = 0; i < n && k + 1 < sizeof(start) && d[i] != '\n'; i++)
			start[k++] = d[i] == '\t' || d[i] == '\r' ? ' ' : d[i];
		start[k] = '\0';
		snprintf(why, sz, "not a BPF object: a text file (it starts \"%s\")", start);
	} else {
		snprintf(why, sz, "not a BPF object: not an ELF file (no \\177ELF magic)");
	}
	return -EINVAL;
}

static int check_btf(const unsigned char *p, uint64_t len, char *why, size_t sz)
{
	struct btf_hdr h;

	if (len < sizeof(h))
		return bad(why, sz, ".BTF: %s%llu bytes, shorter than its header", "", len);
	memcpy(&h, p, sizeof(h));
	if (h.magic != 0xeB9F || h.version != 1)
		return bad(why, sz, ".BTF: bad magic or version%s (%llu)", "", h.magic);
	if (h.hdr_len < sizeof(h) || h.hdr_len > len)
		return bad(why, sz, ".BTF: header length %s%llu out of its section", "", h.hdr_len);
	if ((uint64_t)h.hdr_len + h.type_off + h.type_len > len ||
	    (uint64_t)h.hdr_len + h.str_off + h.str_len > len)
		return bad(why, sz, ".BTF: type or string data past the end of its section%s (%llu bytes)",
			   "", len);
	if (!h.str_len || p[h.hdr_len + h.str_off + h.str_len - 1] != '\0')
		return bad(why, sz, ".BTF: string section empty or not NUL-terminated%s%llu", "", 0);
	if (h.type_len % 4)
		return bad(why, sz, ".BTF: type section of %s%llu bytes, not a multiple of 4", "", h.type_len);
	return 0;
}

static int check_btf_ext(const unsigned char *p, uint64_t len, char *why, size_t sz)
{
	struct btf_ext_hdr h;

	if (len < sizeof(h))
		return bad(why, sz, ".BTF.ext: %s%llu bytes, shorter than its header", "", len);
	memcpy(&h, p, sizeof(h));
	if (h.magic != 0xeB9F || h.version != 1)
		return bad(why, sz, ".BTF.ext: bad magic or version%s (%llu)", "", h.magic);
	if (h.hdr_len < sizeof(h) || h.hdr_len > len ||
	    (uint64_t)h.hdr_len + h.func_info_off + h.func_info_len > len ||
	    (uint64_t)h.hdr_len + h.line_info_off + h.line_info_len > len)
		return bad(why, sz, ".BTF.ext: its info runs past the end of its section%s (%llu bytes)",
			   "", len);
	return 0;
}

int objfile__check(const void *data, size_t size, char *why, size_t sz)
{
	const unsigned char *d = data;
	const Elf64_Shdr *strtab;
	Elf64_Ehdr eh;

	if (!size) {
		snprintf(why, sz, "not a BPF object: the file is empty");
		return -EINVAL;
	}
	if (size < 4 || memcmp(d, ELFMAG, SELFMAG))
		return not_elf(d, size, why, sz);
	if (size < EI_NIDENT || d[EI_CLASS] != ELFCLASS64 || d[EI_DATA] != ELFDATA2LSB) {
		snprintf(why, sz, "not a BPF object: a %s ELF file (BPF objects are 64-bit little-endian)",
			 size > EI_CLASS && d[EI_CLASS] == ELFCLASS32 ? "32-bit" : "big-endian or unknown-class");
		return -EINVAL;
	}
	if (size < sizeof(eh))
		return bad(why, sz, "truncated ELF header (%s%llu bytes)", "", size);
	memcpy(&eh, d, sizeof(eh));
	if (eh.e_machine != EM_BPF) {
		snprintf(why, sz, "not a BPF object: an ELF file for machine %u (BPF is %u): a program or "
			 "library, not the output of clang -target bpf", eh.e_machine, EM_BPF);
		return -EINVAL;
	}
	if (eh.e_type != ET_REL) {
		snprintf(why, sz, "not a BPF object: an ELF file of type %u; BPF objects are relocatable "
			 "(clang -target bpf -c)", eh.e_type);
		return -EINVAL;
	}
	if (eh.e_shentsize != sizeof(Elf64_Shdr) || !eh.e_shnum || eh.e_shoff > size ||
	    (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr) > size - eh.e_shoff)
		return bad(why, sz, "section header table %sout of the file (%llu sections)", "", eh.e_shnum);
	if (eh.e_shstrndx >= eh.e_shnum)
		return bad(why, sz, "section name table index %s%llu out of range", "", eh.e_shstrndx);
	strtab = (const Elf64_Shdr *)(d + eh.e_shoff) + eh.e_shstrndx;
	for (unsigned i = 0; i < eh.e_shnum; i++) {
		Elf64_Shdr sh, st;
		const char *name;

		memcpy(&sh, (const Elf64_Shdr *)(d + eh.e_shoff) + i, sizeof(sh));
		memcpy(&st, strtab, sizeof(st));
		if (sh.sh_type != SHT_NOBITS && (sh.sh_offset > size || sh.sh_size > size - sh.sh_offset))
			return bad(why, sz, "section %s%llu runs past the end of the file", "", i);
		if (st.sh_offset > size || st.sh_size > size - st.sh_offset || sh.sh_name >= st.sh_size ||
		    !memchr(d + st.sh_offset + sh.sh_name, '\0', st.sh_size - sh.sh_name))
			return bad(why, sz, "section %s%llu has a name outside the name table", "", i);
		name = (const char *)d + st.sh_offset + sh.sh_name;
		if ((!strcmp(name, ".BTF") || !strcmp(name, ".BTF.ext")) && sh.sh_type == SHT_NOBITS)
			return bad(why, sz, "%s has no data (SHT_NOBITS)", name, 0);
		if (!strcmp(name, ".BTF") && check_btf(d + sh.sh_offset, sh.sh_size, why, sz))
			return -EBADMSG;
		if (!strcmp(name, ".BTF.ext") && check_btf_ext(d + sh.sh_offset, sh.sh_size, why, sz))
			return -EBADMSG;
	}
	return 0;
}

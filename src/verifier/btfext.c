// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "verifier/btfext.h"

struct elf_view {
	const char *btf_str;	/* .BTF string section */
	size_t btf_str_len;
	const uint8_t *ext;	/* .BTF.ext */
	size_t ext_len;
	const char *sec_name;	/* section of func */
	uint64_t func_off;	/* func's offset in its section, bytes */
	uint64_t func_size;	/* its length, bytes */
};

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static const char *btf_name(const struct elf_view *v, uint32_t off)
{
	if (off >= v->btf_str_len)
		return NULL;
	/* Must be NUL-terminated inside the section. */
	return memchr(v->btf_str + off, '\0', v->btf_str_len - off) ? v->btf_str + off : NULL;
}

static int scan_elf(Elf *elf, const char *func, struct elf_view *v)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL, *symscn = NULL;
	GElf_Shdr sh, symsh = {};
	const char *want_sec = NULL;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return -EINVAL;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(elf, shstrndx, sh.sh_name)))
			continue;
		if (sh.sh_type == SHT_SYMTAB) {
			symscn = scn;
			symsh = sh;
		}
		if (strcmp(name, ".BTF") && strcmp(name, ".BTF.ext"))
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf)
			continue;
		if (!strcmp(name, ".BTF.ext")) {
			v->ext = d->d_buf;
			v->ext_len = d->d_size;
		} else if (d->d_size >= 24) {
			/* struct btf_header: magic, ver, flags, hdr_len, type_off/len, str_off/len */
			const uint8_t *b = d->d_buf;
			uint32_t hdr = rd32(b + 4), soff = rd32(b + 16), slen = rd32(b + 20);

			if ((uint64_t)hdr + soff + slen <= d->d_size) {
				v->btf_str = (const char *)b + hdr + soff;
				v->btf_str_len = slen;
			}
		}
	}
	if (!symscn || !v->ext || !v->btf_str)
		return -ENOENT;
	{
		Elf_Data *d = elf_getdata(symscn, NULL);
		size_t n = d && symsh.sh_entsize ? d->d_size / symsh.sh_entsize : 0;

		for (size_t i = 0; i < n; i++) {
			GElf_Sym s;
			const char *sn;
			Elf_Scn *ss;
			GElf_Shdr ssh;

			if (!gelf_getsym(d, i, &s) || GELF_ST_TYPE(s.st_info) != STT_FUNC)
				continue;
			sn = elf_strptr(elf, symsh.sh_link, s.st_name);
			if (!sn || strcmp(sn, func))
				continue;
			ss = elf_getscn(elf, s.st_shndx);
			if (!ss || !gelf_getshdr(ss, &ssh))
				return -EINVAL;
			want_sec = elf_strptr(elf, shstrndx, ssh.sh_name);
			v->func_off = s.st_value;
			v->func_size = s.st_size;
			break;
		}
	}
	v->sec_name = want_sec;
	return want_sec ? 0 : -ENOENT;
}

/* .BTF.ext: header {magic u16, version u8, flags u8, hdr_len u32,
 * func_info_off, func_info_len, line_info_off, line_info_len} then, at
 * line_info_off, u32 rec_size and per section {name_off, num_info,
 * num_info * {insn_off, file_name_off, line_off, line_col}}. */
static int find_line(const struct elf_view *v, uint64_t target, char *file, size_t fsz, int *line)
{
	const uint8_t *e = v->ext, *p, *end;
	uint32_t hdr, loff, llen, rec;
	const char *best_file = NULL;
	int best_line = 0;

	if (v->ext_len < 24 || e[0] != 0x9f || e[1] != 0xeb)
		return -EINVAL;
	hdr = rd32(e + 4);
	loff = rd32(e + 16);
	llen = rd32(e + 20);
	if ((uint64_t)hdr + loff + llen > v->ext_len || llen < 4)
		return -EINVAL;
	p = e + hdr + loff;
	end = p + llen;
	rec = rd32(p);
	p += 4;
	if (rec < 16 || rec > 256)
		return -EINVAL;
	while (end - p >= 8) {
		const char *sec = btf_name(v, rd32(p));
		uint32_t n = rd32(p + 4);

		p += 8;
		if ((uint64_t)n * rec > (uint64_t)(end - p))
			return -EINVAL;
		if (sec && !strcmp(sec, v->sec_name)) {
			for (uint32_t i = 0; i < n; i++) {
				const uint8_t *r = p + (size_t)i * rec;
				const char *fn = btf_name(v, rd32(r + 4));

				if (rd32(r) > target)
					break;
				/* Line 0 marks compiler-made code: keep the line before. */
				if (fn && rd32(r + 12) >> 10) {
					best_file = fn;
					best_line = rd32(r + 12) >> 10;
				}
			}
		}
		p += (size_t)n * rec;
	}
	/* Only a well-formed section answers: nothing is written before. */
	if (!best_file)
		return -ENOENT;
	{
		const char *base = strrchr(best_file, '/');

		snprintf(file, fsz, "%s", base ? base + 1 : best_file);
		*line = best_line;
	}
	return 0;
}

int btfext__line_of(const void *data, size_t size, const char *func, unsigned insn,
		    char *file, size_t file_sz, int *line)
{
	struct elf_view v = {};
	Elf *elf;
	int err;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	elf = elf_memory((char *)data, size);
	if (!elf)
		return -EINVAL;
	err = elf_kind(elf) == ELF_K_ELF ? scan_elf(elf, func, &v) : -EINVAL;
	/* Instructions past the symbol are appended subprograms, not func's. */
	if (!err && (uint64_t)insn * 8 >= v.func_size)
		err = -ERANGE;
	if (!err)
		err = find_line(&v, v.func_off + (uint64_t)insn * 8, file, file_sz, line);
	elf_end(elf);
	return err;
}

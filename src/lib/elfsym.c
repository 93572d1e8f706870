// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/elfsym.h"
#include "lib/filemap.h"

int elfsym__for_each_exec_seg(Elf *e, size_t size, elfseg_fn fn, void *ctx)
{
	size_t n;
	int err;

	if (elf_getphdrnum(e, &n))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e, i, &ph) || ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
			continue;
		if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset)
			continue;
		err = fn(ctx, &ph);
		if (err)
			return err;
	}
	return 0;
}

int elfsym__for_each_func(Elf *e, Elf_Scn *scn, const GElf_Shdr *sh, elfsym_fn fn, void *ctx)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t n;
	int err;

	if (!d || !sh->sh_entsize || sh->sh_entsize != gelf_fsize(e, ELF_T_SYM, 1, EV_CURRENT))
		return 0;
	n = d->d_size / sh->sh_entsize;
	for (size_t i = 0; i < n; i++) {
		GElf_Sym s;
		const char *sn;
		int type;

		if (!gelf_getsym(d, i, &s))
			break;
		type = GELF_ST_TYPE(s.st_info);
		if ((type != STT_FUNC && type != STT_GNU_IFUNC) || s.st_shndx == SHN_UNDEF || !s.st_value)
			continue;
		sn = elf_strptr(e, sh->sh_link, s.st_name);
		if (!sn || !*sn)
			continue;
		/* "name@@VERSION" in some .symtab entries: the name is the part before it. */
		err = fn(ctx, &s, sn, strcspn(sn, "@"));
		if (err)
			return err;
	}
	return 0;
}

struct name_find {
	const char *name;
	size_t len;
	uint64_t vaddr, off;
};

static int match_name(void *ctx, const GElf_Sym *s, const char *name, size_t len)
{
	struct name_find *f = ctx;

	if (len != f->len || memcmp(name, f->name, len))
		return 0;
	f->vaddr = s->st_value;
	return 1;
}

/* st_value is a virtual address in executables and shared objects: the
 * PT_LOAD segment holding it turns it into a file offset. */
static int seg_holding(void *ctx, const GElf_Phdr *ph)
{
	struct name_find *f = ctx;

	if (f->vaddr < ph->p_vaddr || f->vaddr - ph->p_vaddr >= ph->p_filesz)
		return 0;
	f->off = f->vaddr - ph->p_vaddr + ph->p_offset;
	return 1;
}

int elfsym__func_offset(void *data, size_t size, const char *name, uint64_t *off,
			char *why, size_t why_sz)
{
	struct name_find f = { .name = name, .len = strlen(name) };
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	int found = 0, err;
	Elf *e;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	e = elf_memory(data, size);
	if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh)) {
		/* libelf has no error to give when it read a non-ELF file fine. */
		int eerr = elf_errno();

		snprintf(why, why_sz, "not an ELF file%s%s", eerr ? ": " : "", eerr ? elf_errmsg(eerr) : "");
		if (e)
			elf_end(e);
		return -EINVAL;
	}
	/* .symtab first (it has local functions too), then .dynsym. */
	for (int want = SHT_SYMTAB; !found && want; want = want == SHT_SYMTAB ? SHT_DYNSYM : 0) {
		scn = NULL;
		while (!found && (scn = elf_nextscn(e, scn))) {
			GElf_Shdr sh;

			if (gelf_getshdr(scn, &sh) && sh.sh_type == (unsigned)want)
				found = elfsym__for_each_func(e, scn, &sh, match_name, &f);
		}
	}
	if (found) {
		/* Relocatable objects have no segments: the offset is section-relative. */
		err = eh.e_type != ET_REL && elfsym__for_each_exec_seg(e, size, seg_holding, &f) == 1 ? 0 : -EINVAL;
		if (err)
			snprintf(why, why_sz, "symbol '%s' at 0x%llx is in no executable segment of the file",
				 name, (unsigned long long)f.vaddr);
		else
			*off = f.off;
	} else {
		err = -ENOENT;
		snprintf(why, why_sz, "no function '%s' in the file's symbol tables", name);
	}
	elf_end(e);
	return err;
}

int elfsym__file_func_offset(const char *path, const char *name, uint64_t *off, char *why,
			     size_t why_sz)
{
	void *data;
	size_t size;
	int err = filemap__open(path, &data, &size, why, why_sz);

	if (err)
		return err;
	err = elfsym__func_offset(data, size, name, off, why, why_sz);
	filemap__close(data, size);
	return err;
}

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

/* st_value is a virtual address in executables and shared objects: the
 * PT_LOAD segment holding it turns it into a file offset. */
static int vaddr_to_off(Elf *e, uint64_t vaddr, size_t size, uint64_t *off)
{
	size_t n;

	if (elf_getphdrnum(e, &n))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e, i, &ph) || ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
			continue;
		/* A segment that claims bytes past the end of the file is a lie. */
		if (vaddr >= ph.p_vaddr && vaddr - ph.p_vaddr < ph.p_memsz &&
		    vaddr - ph.p_vaddr < ph.p_filesz && ph.p_offset < size &&
		    vaddr - ph.p_vaddr < size - ph.p_offset) {
			*off = vaddr - ph.p_vaddr + ph.p_offset;
			return 0;
		}
	}
	return -ENOENT;
}

static int find_in(Elf *e, Elf_Scn *scn, const GElf_Shdr *sh, const char *name, uint64_t *vaddr)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t n;

	if (!d || !sh->sh_entsize || sh->sh_entsize != gelf_fsize(e, ELF_T_SYM, 1, EV_CURRENT))
		return -ENOENT;
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
		/* "name@@VERSION" in some .symtab entries: the name is the part before it. */
		if (sn && !strncmp(sn, name, strlen(name)) &&
		    (sn[strlen(name)] == '\0' || sn[strlen(name)] == '@')) {
			*vaddr = s.st_value;
			return 0;
		}
	}
	return -ENOENT;
}

int elfsym__func_offset(void *data, size_t size, const char *name, uint64_t *off,
			char *why, size_t why_sz)
{
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	uint64_t vaddr = 0;
	int err = -ENOENT;
	Elf *e;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	e = elf_memory(data, size);
	if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh)) {
		snprintf(why, why_sz, "not an ELF file: %s", elf_errmsg(-1));
		if (e)
			elf_end(e);
		return -EINVAL;
	}
	/* .symtab first (it has local functions too), then .dynsym. */
	for (int want = SHT_SYMTAB; err && want; want = want == SHT_SYMTAB ? SHT_DYNSYM : 0) {
		scn = NULL;
		while (err && (scn = elf_nextscn(e, scn))) {
			GElf_Shdr sh;

			if (gelf_getshdr(scn, &sh) && sh.sh_type == (unsigned)want)
				err = find_in(e, scn, &sh, name, &vaddr);
		}
	}
	if (!err) {
		/* Relocatable objects have no segments: the offset is section-relative. */
		err = eh.e_type == ET_REL ? -EINVAL : vaddr_to_off(e, vaddr, size, off);
		if (err) {
			snprintf(why, why_sz, "symbol '%s' at 0x%llx is in no executable segment of the file",
				 name, (unsigned long long)vaddr);
			err = -EINVAL;
		}
	} else {
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

// SPDX-License-Identifier: Apache-2.0
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "symbolize/dwarfline.h"

struct dwarfline {
	Dwarf *dw;
	int fd;
	size_t bytes;
};

struct dwarfline *dwarfline__open(int fd)
{
	struct dwarfline *d;
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx, bytes = 0;
	int dfd = dup(fd);

	if (dfd < 0)
		return NULL;
	d = calloc(1, sizeof(*d));
	if (!d || !(d->dw = dwarf_begin(dfd, DWARF_C_READ))) {
		free(d);
		close(dfd);
		return NULL;
	}
	d->fd = dfd;
	/* What it may read: the size of its .debug_ sections. */
	elf = dwarf_getelf(d->dw);
	if (elf && !elf_getshdrstrndx(elf, &shstrndx))
		while ((scn = elf_nextscn(elf, scn))) {
			GElf_Shdr sh;
			const char *name;

			if (gelf_getshdr(scn, &sh) && (name = elf_strptr(elf, shstrndx, sh.sh_name)) &&
			    !strncmp(name, ".debug_", 7))
				bytes += sh.sh_size;
		}
	d->bytes = bytes;
	return d;
}

static const char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute a;
	const char *n;

	/* The linkage name (demangled later) says more than DW_AT_name for
	 * C++; both are followed through abstract_origin and specification. */
	if ((dwarf_attr_integrate(die, DW_AT_linkage_name, &a) || dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &a)) &&
	    (n = dwarf_formstring(&a)))
		return n;
	if (dwarf_attr_integrate(die, DW_AT_name, &a) && (n = dwarf_formstring(&a)))
		return n;
	return NULL;
}

/* The call site an inlined_subroutine DIE records: file and line. */
static void call_site(Dwarf_Die *inl, Dwarf_Files *files, const char **file, int *line)
{
	Dwarf_Attribute a;
	Dwarf_Word w;

	*file = NULL;
	*line = 0;
	if (dwarf_attr(inl, DW_AT_call_file, &a) && !dwarf_formudata(&a, &w) && files)
		*file = dwarf_filesrc(files, w, NULL, NULL);
	if (dwarf_attr(inl, DW_AT_call_line, &a) && !dwarf_formudata(&a, &w))
		*line = (int)w;
}

unsigned dwarfline__lookup(struct dwarfline *d, uint64_t vaddr, struct dwarf_frame *f, unsigned max)
{
	Dwarf_Die cu, *scopes = NULL;
	Dwarf_Files *files = NULL;
	Dwarf_Line *ln;
	const char *file = NULL;
	int line = 0, nscopes;

	unsigned n = 0;
	size_t nfiles;

	if (!d || !max || !dwarf_addrdie(d->dw, vaddr, &cu))
		return 0;
	if ((ln = dwarf_getsrc_die(&cu, vaddr))) {
		file = dwarf_linesrc(ln, NULL, NULL);
		dwarf_lineno(ln, &line);
	}
	if (dwarf_getsrcfiles(&cu, &files, &nfiles))
		files = NULL;
	nscopes = dwarf_getscopes(&cu, vaddr, &scopes);
	/* Innermost first: each inlined subroutine is a frame at the current
	 * file:line, and its call site is the line of the frame around it.
	 * After an inlined instance dwarf_getscopes lists its abstract
	 * definition's scopes, so the frame around it is found from the
	 * instance's own place in the tree (dwarf_getscopes_die). */
	while (nscopes > 0 && n < max) {
		Dwarf_Die die, *outer = NULL;
		int i, tag = 0, nouter;

		for (i = 0; i < nscopes; i++) {
			tag = dwarf_tag(&scopes[i]);
			if (tag == DW_TAG_inlined_subroutine || tag == DW_TAG_subprogram)
				break;
		}
		if (i == nscopes)
			break;
		die = scopes[i];
		f[n++] = (struct dwarf_frame){ die_name(&die), file, line };
		if (tag == DW_TAG_subprogram)
			break;
		call_site(&die, files, &file, &line);
		nouter = dwarf_getscopes_die(&die, &outer);
		free(scopes);
		scopes = NULL;
		nscopes = 0;
		if (nouter > 1) {	/* outer[0] is the instance itself */
			scopes = malloc((size_t)(nouter - 1) * sizeof(*scopes));
			if (scopes) {
				memcpy(scopes, outer + 1, (size_t)(nouter - 1) * sizeof(*scopes));
				nscopes = nouter - 1;
			}
		}
		free(outer);
	}
	free(scopes);
	if (!n && file)	/* a line but no function DIE: still the line */
		f[n++] = (struct dwarf_frame){ NULL, file, line };
	return n;
}

size_t dwarfline__bytes(const struct dwarfline *d)
{
	return d ? d->bytes : 0;
}

void dwarfline__free(struct dwarfline *d)
{
	if (!d)
		return;
	dwarf_end(d->dw);
	close(d->fd);
	free(d);
}

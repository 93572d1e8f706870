// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "symbolize/elftab.h"
#include "lib/elfsym.h"
#include "lib/filemap.h"
#include "lib/vec.h"

#define NT_GNU_BUILD_ID_ 3

static int fn_cmp(const void *a, const void *b)
{
	const struct elf_fn *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->size < y->size ? 1 : x->size > y->size ? -1 : 0;	/* the sized one first */
}

static void read_build_id(struct elftab *t, Elf *e)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		GElf_Nhdr nh;
		size_t off = 0, noff, doff;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE || !(d = elf_getdata(scn, NULL)))
			continue;
		while ((off = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
			if (nh.n_type == NT_GNU_BUILD_ID_ && nh.n_namesz == 4 &&
			    !memcmp((char *)d->d_buf + noff, "GNU", 4) && nh.n_descsz &&
			    nh.n_descsz <= sizeof(t->build_id)) {
				memcpy(t->build_id, (char *)d->d_buf + doff, nh.n_descsz);
				t->build_id_len = nh.n_descsz;
				return;
			}
		}
	}
}

static int add_seg(void *ctx, const GElf_Phdr *ph)
{
	struct elftab *t = ctx;

	if (t->nsegs < sizeof(t->segs) / sizeof(*t->segs))
		t->segs[t->nsegs++] = (struct elf_seg){ ph->p_offset, ph->p_vaddr, ph->p_filesz };
	return 0;
}

struct sym_read {
	struct elftab *t;
	size_t *cap, *names_cap;
};

static int add_fn(void *ctx, const GElf_Sym *s, const char *name, size_t len)
{
	struct sym_read *r = ctx;
	struct elftab *t = r->t;

	if (len > 1024)
		len = 1024;
	while (t->names_len + len + 1 > *r->names_cap) {
		size_t nc = *r->names_cap ? *r->names_cap * 2 : 4096;
		char *p = realloc(t->names, nc);

		if (!p)
			return -ENOMEM;
		t->names = p;
		*r->names_cap = nc;
	}
	if (VEC_PUSH(t->fns, t->nfns, *r->cap, ((struct elf_fn){ s->st_value, s->st_size, t->names_len })))
		return -ENOMEM;
	memcpy(t->names + t->names_len, name, len);
	t->names[t->names_len + len] = '\0';
	t->names_len += len + 1;
	return 0;
}

/* Appends the defined functions of one symbol table section. */
static int read_syms(struct elftab *t, Elf *e, Elf_Scn *scn, const GElf_Shdr *sh, size_t *cap,
		     size_t *names_cap)
{
	struct sym_read r = { t, cap, names_cap };
	Elf_Scn *strs = elf_getscn(e, sh->sh_link);
	size_t want = t->nfns + (sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0), names = 0;
	GElf_Shdr ssh;
	void *p;

	/* Room for every symbol and every name at once: growing by doubling
	 * would hold up to twice the table while a large file is read. */
	if (strs && gelf_getshdr(strs, &ssh) && ssh.sh_type == SHT_STRTAB)
		names = ssh.sh_size;
	if (want > *cap && want < (1u << 26) && (p = realloc(t->fns, want * sizeof(*t->fns)))) {
		t->fns = p;
		*cap = want;
	}
	if (names && t->names_len + names + 1 > *names_cap && names < (1u << 30) &&
	    (p = realloc(t->names, t->names_len + names + 1))) {
		t->names = p;
		*names_cap = t->names_len + names + 1;
	}
	return elfsym__for_each_func(e, scn, sh, add_fn, &r);
}

int elftab__parse(struct elftab *t, void *data, size_t size, char *why, size_t why_sz)
{
	size_t cap = 0, names_cap = 0;
	Elf_Scn *scn = NULL, *dynsym = NULL;
	void *p2;
	GElf_Shdr dsh;
	GElf_Ehdr eh;
	Elf *e;
	int err = 0;

	memset(t, 0, sizeof(*t));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	e = elf_memory(data, size);
	if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh)) {
		snprintf(why, why_sz, "not an ELF file");
		err = -EINVAL;
		goto out;
	}
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
		snprintf(why, why_sz, "ELF type %u is neither an executable nor a shared object", eh.e_type);
		err = -EINVAL;
		goto out;
	}
	if (elfsym__for_each_exec_seg(e, size, add_seg, t)) {
		snprintf(why, why_sz, "bad program headers");
		err = -EINVAL;
		goto out;
	}
	read_build_id(t, e);
	t->stripped = 1;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB) {
			t->stripped = 0;
			err = read_syms(t, e, scn, &sh, &cap, &names_cap);
		} else if (sh.sh_type == SHT_DYNSYM) {
			dynsym = scn;
			dsh = sh;
		}
		if (err)
			break;
	}
	/* .dynsym names what a stripped file still exports. */
	if (!err && t->stripped && dynsym)
		err = read_syms(t, e, dynsym, &dsh, &cap, &names_cap);
	if (err) {
		snprintf(why, why_sz, "out of memory");
		goto out;
	}
	/* Aliases share an address: keep the first (the sized one). */
	if (t->nfns) {
		void *p;

		qsort(t->fns, t->nfns, sizeof(*t->fns), fn_cmp);
		size_t w = 1;

		for (size_t i = 1; i < t->nfns; i++)
			if (t->fns[i].addr != t->fns[w - 1].addr)
				t->fns[w++] = t->fns[i];
		t->nfns = w;
		if ((p = realloc(t->fns, t->nfns * sizeof(*t->fns))))
			t->fns = p;	/* the slack of symbols that were not functions */
	}
	if (t->names_len && (p2 = realloc(t->names, t->names_len)))
		t->names = p2;
out:
	if (e)
		elf_end(e);
	if (err)
		elftab__free(t);
	return err;
}

int elftab__load(struct elftab *t, const char *path, char *why, size_t why_sz)
{
	void *data;
	size_t size;
	int err;

	memset(t, 0, sizeof(*t));
	err = filemap__open(path, &data, &size, why, why_sz);
	if (err)
		return err;
	err = elftab__parse(t, data, size, why, why_sz);
	filemap__close(data, size);
	return err;
}

int elftab__vaddr(const struct elftab *t, uint64_t off, uint64_t *vaddr)
{
	for (unsigned i = 0; i < t->nsegs; i++) {
		const struct elf_seg *s = &t->segs[i];

		if (off >= s->off && off - s->off < s->filesz) {
			*vaddr = off - s->off + s->vaddr;
			return 0;
		}
	}
	return -ENOENT;
}

const struct elf_fn *elftab__find(const struct elftab *t, uint64_t vaddr, uint64_t *off)
{
	size_t lo = 0, hi = t->nfns;
	const struct elf_fn *f;

	if (!t->nfns || vaddr < t->fns[0].addr)
		return NULL;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->fns[mid].addr <= vaddr)
			lo = mid;
		else
			hi = mid;
	}
	f = &t->fns[lo];
	/* Past a sized function's end is not in it (a gap, or a stripped
	 * local function between two exported ones). */
	if (f->size && vaddr - f->addr >= f->size)
		return NULL;
	*off = vaddr - f->addr;
	return f;
}

size_t elftab__bytes(const struct elftab *t)
{
	return t->nfns * sizeof(*t->fns) + t->names_len + sizeof(*t);
}

void elftab__free(struct elftab *t)
{
	free(t->fns);
	free(t->names);
	memset(t, 0, sizeof(*t));
}

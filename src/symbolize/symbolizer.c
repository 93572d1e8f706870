// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "symbolize/demangle.h"
#include "symbolize/elftab.h"
#include "symbolize/kallsyms.h"
#include "symbolize/symbolizer.h"
#include "lib/procmaps.h"
#include "lib/vec.h"

#define MAX_PROCS 4096

struct sym_file {
	uint64_t dev, ino;
	int64_t mtime;
	struct elftab tab;
	struct dwarfline *dw;	/* NULL: no DWARF in the file */
	int err;		/* 0: tab is good */
	uint64_t used;		/* tick of the last use */
};

struct jit_sym {
	uint64_t start, size;
	char *name;
};

struct sym_proc {
	uint32_t pid, exec_seq;
	uint64_t start_ns;
	struct sym_mapping *maps;
	int *file;		/* per mapping: index into files, or -1 */
	size_t nmaps;
	struct jit_sym *jit;	/* /tmp/perf-PID.map, sorted */
	size_t njit;
	uint64_t used;
};

struct symbolizer {
	struct kallsyms ks;
	char kwhy[160];
	int kloaded;
	struct sym_proc *procs;
	size_t nprocs, procs_cap;
	struct sym_file *files;
	size_t nfiles, files_cap;
	size_t budget, bytes;		/* ELF tables: what the budget bounds */
	size_t kbytes;			/* the kernel's table: fixed, outside the budget */
	struct demangler *dm;
	uint64_t tick;
	struct symbolizer_stats st;
};

struct symbolizer *symbolizer__new(size_t budget_bytes)
{
	struct symbolizer *s = calloc(1, sizeof(*s));

	if (s) {
		s->budget = budget_bytes;
		s->dm = demangler__new(65536);
	}
	return s;
}

static void proc_free(struct sym_proc *p)
{
	for (size_t i = 0; i < p->nmaps; i++)
		free((char *)p->maps[i].path);
	for (size_t i = 0; i < p->njit; i++)
		free(p->jit[i].name);
	free(p->maps);
	free(p->file);
	free(p->jit);
}

void symbolizer__free(struct symbolizer *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nprocs; i++)
		proc_free(&s->procs[i]);
	for (size_t i = 0; i < s->nfiles; i++) {
		elftab__free(&s->files[i].tab);
		dwarfline__free(s->files[i].dw);
	}
	free(s->procs);
	free(s->files);
	kallsyms__free(&s->ks);
	demangler__free(s->dm);
	free(s);
}

static struct sym_proc *proc_find(struct symbolizer *s, uint32_t pid, uint64_t start_ns, uint32_t exec_seq)
{
	for (size_t i = 0; i < s->nprocs; i++) {
		struct sym_proc *p = &s->procs[i];

		if (p->pid == pid && p->start_ns == start_ns && p->exec_seq == exec_seq)
			return p;
	}
	return NULL;
}

static void evict_over_budget(struct symbolizer *s, size_t keep);

/* The cache entry for a file, parsing it on first sight; -1 on error. */
static int file_get(struct symbolizer *s, int fd, const char *path)
{
	struct stat st;
	struct sym_file f = {};
	char why[256], fdpath[32];

	if (fstat(fd, &st))
		return -1;
	for (size_t i = 0; i < s->nfiles; i++)
		if (s->files[i].dev == st.st_dev && s->files[i].ino == st.st_ino &&
		    s->files[i].mtime == st.st_mtime) {
			s->files[i].used = s->tick;
			return s->files[i].err ? -1 : (int)i;
		}
	f.dev = st.st_dev;
	f.ino = st.st_ino;
	f.mtime = st.st_mtime;
	f.used = s->tick;
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	f.err = elftab__load(&f.tab, fdpath, why, sizeof(why));
	(void)path;
	if (f.err) {
		s->st.file_errors++;
	} else {
		f.dw = dwarfline__open(fd);
		s->bytes += elftab__bytes(&f.tab) + dwarfline__bytes(f.dw);
	}
	s->st.files++;
	if (VEC_PUSH(s->files, s->nfiles, s->files_cap, f)) {
		elftab__free(&f.tab);
		return -1;
	}
	if (!f.err)
		evict_over_budget(s, s->nfiles - 1);
	return f.err ? -1 : (int)s->nfiles - 1;
}

static int jit_cmp(const void *a, const void *b)
{
	const struct jit_sym *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* /tmp/perf-PID.map (the JIT's own list: "START SIZE NAME", hex), seen
 * from the process's root. */
static void jit_load(struct sym_proc *p)
{
	char path[64], line[1024];
	size_t cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/root/tmp/perf-%u.map", p->pid, p->pid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && p->njit < 1000000) {
		unsigned long long start, size;
		int n = 0;
		struct jit_sym j;

		if (sscanf(line, "%llx %llx %n", &start, &size, &n) < 2 || !n)
			continue;
		line[strcspn(line, "\n")] = '\0';
		j = (struct jit_sym){ start, size, strdup(line + n) };
		if (!j.name || VEC_PUSH(p->jit, p->njit, cap, j)) {
			free(j.name);
			break;
		}
	}
	fclose(f);
	qsort(p->jit, p->njit, sizeof(*p->jit), jit_cmp);
}

int symbolizer__note_proc(struct symbolizer *s, uint32_t pid, uint64_t start_ns, uint32_t exec_seq)
{
	struct sym_proc p = { .pid = pid, .exec_seq = exec_seq, .start_ns = start_ns, .used = s->tick };
	char path[64], line[4096];
	size_t cap = 0;
	FILE *f;

	if (proc_find(s, pid, start_ns, exec_seq))
		return 0;
	snprintf(path, sizeof(path), "/proc/%u/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		struct procmaps_entry pm;
		struct sym_mapping m;

		if (procmaps__parse(line, &pm) || !strchr(pm.perms, 'x'))
			continue;
		m = (struct sym_mapping){ pm.start, pm.end, pm.off, pm.dev, pm.ino,
					  strdup(pm.path[0] ? pm.path : "[anon]"), NULL, 0 };
		if (!m.path || VEC_PUSH(p.maps, p.nmaps, cap, m)) {
			free((char *)m.path);
			break;
		}
	}
	fclose(f);
	/* The files now, while /proc/PID/map_files still has them. */
	p.file = calloc(p.nmaps ?: 1, sizeof(*p.file));
	for (size_t i = 0; p.file && i < p.nmaps; i++) {
		struct sym_mapping *m = &p.maps[i];
		int fd;

		p.file[i] = -1;
		if (!m->ino)
			continue;
		snprintf(line, sizeof(line), "/proc/%u/map_files/%" PRIx64 "-%" PRIx64, pid, m->start, m->end);
		fd = open(line, O_RDONLY | O_CLOEXEC);
		if (fd < 0 && m->path[0] == '/') {
			snprintf(line, sizeof(line), "/proc/%u/root%s", pid, m->path);
			fd = open(line, O_RDONLY | O_CLOEXEC);
		}
		if (fd < 0)
			continue;
		p.file[i] = file_get(s, fd, m->path);
		close(fd);
	}
	jit_load(&p);
	if (s->nprocs >= MAX_PROCS) {	/* the least recently used goes */
		size_t old = 0;

		for (size_t i = 1; i < s->nprocs; i++)
			if (s->procs[i].used < s->procs[old].used)
				old = i;
		proc_free(&s->procs[old]);
		s->procs[old] = s->procs[--s->nprocs];
	}
	if (!p.file || VEC_PUSH(s->procs, s->nprocs, s->procs_cap, p)) {
		proc_free(&p);
		return -ENOMEM;
	}
	s->st.procs++;
	return 0;
}

static void set_build_id(struct symbolizer *s, struct sym_proc *p, size_t i)
{
	const struct sym_file *file = p->file[i] >= 0 ? &s->files[p->file[i]] : NULL;

	if (file && file->tab.build_id_len) {
		p->maps[i].build_id = file->tab.build_id;
		p->maps[i].build_id_len = file->tab.build_id_len;
	}
}

void symbolizer__user(struct symbolizer *s, uint32_t pid, uint64_t start_ns, uint32_t exec_seq,
		      uint64_t addr, struct sym_frame *f)
{
	struct sym_proc *p = proc_find(s, pid, start_ns, exec_seq);

	memset(f, 0, sizeof(*f));
	f->addr = addr;
	if (!p)
		return;
	p->used = s->tick;
	for (size_t i = 0; i < p->nmaps; i++) {
		struct sym_mapping *m = &p->maps[i];
		struct sym_file *file;
		const struct elf_fn *fn;
		uint64_t vaddr, off;

		if (addr < m->start || addr >= m->end)
			continue;
		f->map = m;
		if (p->file[i] < 0) {
			/* Anonymous executable memory: a JIT's, if it says so. */
			for (size_t lo = 0, hi = p->njit; lo < hi;) {
				size_t mid = lo + (hi - lo) / 2;
				const struct jit_sym *j = &p->jit[mid];

				if (addr < j->start)
					hi = mid;
				else if (addr - j->start >= j->size)
					lo = mid + 1;
				else {
					f->func = demangler__name(s->dm, j->name);
					f->func_off = addr - j->start;
					break;
				}
			}
			return;
		}
		set_build_id(s, p, i);
		file = &s->files[p->file[i]];
		file->used = s->tick;
		if (elftab__vaddr(&file->tab, addr - m->start + m->off, &vaddr))
			return;
		if ((fn = elftab__find(&file->tab, vaddr, &off))) {
			f->func = demangler__name(s->dm, elftab__name(&file->tab, fn));
			f->func_off = off;
		}
		f->nlines = dwarfline__lookup(file->dw, vaddr, f->lines, DWARF_MAX_INLINE);
		for (unsigned k = 0; k < f->nlines; k++)
			f->lines[k].func = demangler__name(s->dm, f->lines[k].func);
		if (f->nlines && !f->lines[f->nlines - 1].func)
			f->lines[f->nlines - 1].func = f->func;
		return;
	}
}

void symbolizer__kernel(struct symbolizer *s, uint64_t addr, struct sym_frame *f)
{
	const struct ksym *k;
	uint64_t off;

	memset(f, 0, sizeof(*f));
	f->addr = addr;
	f->kernel = true;
	f->module = "";
	if (!s->kloaded) {
		s->kloaded = kallsyms__load(&s->ks, NULL, s->kwhy, sizeof(s->kwhy)) ? -1 : 1;
		if (s->kloaded > 0)
			s->kbytes = s->ks.n * sizeof(*s->ks.v) + s->ks.names_len;
	}
	if (s->kloaded > 0 && (k = kallsyms__find(&s->ks, addr, &off))) {
		f->func = k->name;
		f->func_off = off;
		f->module = k->module;
	}
}

/* Files past the budget, least recently used first, but keep (the one
 * just parsed); the mappings of live processes that used them find them
 * again by inode when noted anew. */
static void evict_over_budget(struct symbolizer *s, size_t keep)
{
	bool evicted = false;

	while (s->bytes > s->budget) {
		size_t old = SIZE_MAX;

		for (size_t i = 0; i < s->nfiles; i++)
			if (i != keep && !s->files[i].err && s->files[i].tab.nfns &&
			    (old == SIZE_MAX || s->files[i].used < s->files[old].used))
				old = i;
		if (old == SIZE_MAX)
			break;
		s->bytes -= elftab__bytes(&s->files[old].tab) + dwarfline__bytes(s->files[old].dw);
		elftab__free(&s->files[old].tab);
		dwarfline__free(s->files[old].dw);
		s->files[old].dw = NULL;
		s->files[old].err = -ESTALE;	/* evicted: a new note reparses it */
		s->files[old].ino = 0;
		s->st.evictions++;
		evicted = true;
		for (size_t i = 0; i < s->nprocs; i++)
			for (size_t j = 0; j < s->procs[i].nmaps; j++)
				if (s->procs[i].file[j] == (int)old) {
					s->procs[i].file[j] = -1;
					s->procs[i].maps[j].build_id = NULL;
				}
	}
	/* The allocator keeps freed tables for reuse; the budget is about
	 * what the agent holds, so give them back. */
	if (evicted)
		malloc_trim(0);
}

void symbolizer__trim(struct symbolizer *s)
{
	s->tick++;
	evict_over_budget(s, SIZE_MAX);
}

void symbolizer__stats(const struct symbolizer *s, struct symbolizer_stats *st)
{
	*st = s->st;
	st->cache_bytes = s->bytes + demangler__bytes(s->dm);
	st->kernel_bytes = s->kbytes;
	st->budget = s->budget;
}

const char *symbolizer__kernel_why(const struct symbolizer *s)
{
	return s->kloaded < 0 ? s->kwhy : "";
}

// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "symbolize/stackprof.h"
#include "symbolize/symbolizer.h"
#include "lib/pprof.h"
#include "lib/strbuf.h"
#include "lib/vec.h"

void stackprof__init(struct stackprof *p, int64_t period_ns)
{
	memset(p, 0, sizeof(*p));
	p->period_ns = period_ns;
}


void stackprof__free(struct stackprof *p)
{
	for (size_t i = 0; i < p->nrows; i++)
		free(p->rows[i].ips);
	free(p->rows);
	free(p->images);
	free(p->index);
	memset(p, 0, sizeof(*p));
}

long stackprof__image(struct stackprof *p, uint32_t pid, uint64_t start_ns, uint32_t exec_seq, int *added)
{
	struct stackprof_image im = { .pid = pid, .exec_seq = exec_seq, .start_ns = start_ns };

	*added = 0;
	/* Few images per profile, and drains look up each once per row. */
	for (size_t i = p->nimages; i-- > 0;)
		if (p->images[i].pid == pid && p->images[i].start_ns == start_ns && p->images[i].exec_seq == exec_seq)
			return (long)i;
	if (VEC_PUSH(p->images, p->nimages, p->images_cap, im))
		return -1;
	*added = 1;
	return (long)p->nimages - 1;
}

static uint64_t row_hash(uint32_t image, const char *comm, const uint64_t *ips, unsigned nk, unsigned nu)
{
	uint64_t h = 1469598103934665603ULL ^ image ^ ((uint64_t)nk << 32) ^ ((uint64_t)nu << 48);

	for (const char *c = comm; *c; c++)
		h = (h ^ (unsigned char)*c) * 1099511628211ULL;
	for (unsigned i = 0; i < nk + nu; i++)
		h = (h ^ ips[i]) * 1099511628211ULL;
	return h;
}

static bool row_is(const struct stackprof_row *r, uint32_t image, const char *comm, const uint64_t *ips,
		   unsigned nk, unsigned nu)
{
	return r->image == image && r->nk == nk && r->nu == nu && !strncmp(r->comm, comm, sizeof(r->comm)) &&
	       !memcmp(r->ips, ips, (nk + nu) * sizeof(*ips));
}

static int index_grow(struct stackprof *p)
{
	size_t cap = p->index_cap ? p->index_cap * 2 : 1024;
	uint32_t *ix = calloc(cap, sizeof(*ix));

	if (!ix)
		return -ENOMEM;
	for (size_t i = 0; i < p->nrows; i++) {
		const struct stackprof_row *r = &p->rows[i];
		size_t j = row_hash(r->image, r->comm, r->ips, r->nk, r->nu) & (cap - 1);

		while (ix[j])
			j = (j + 1) & (cap - 1);
		ix[j] = i + 1;
	}
	free(p->index);
	p->index = ix;
	p->index_cap = cap;
	return 0;
}

static int add_row(struct stackprof *p, uint32_t image, const char *comm, const uint64_t *ips, unsigned nk,
		   unsigned nu, uint64_t count)
{
	struct stackprof_row r = { .image = image, .nu = nu, .nk = nk, .count = count };
	size_t j;

	if ((p->nrows + 1) * 2 > p->index_cap && index_grow(p))
		return -ENOMEM;
	for (j = row_hash(image, comm, ips, nk, nu) & (p->index_cap - 1); p->index[j];
	     j = (j + 1) & (p->index_cap - 1))
		if (row_is(&p->rows[p->index[j] - 1], image, comm, ips, nk, nu)) {
			p->rows[p->index[j] - 1].count += count;
			goto counted;
		}
	snprintf(r.comm, sizeof(r.comm), "%s", comm);
	r.ips = malloc((nk + nu ?: 1) * sizeof(*ips));
	if (!r.ips || VEC_PUSH(p->rows, p->nrows, p->rows_cap, r)) {
		free(r.ips);
		return -ENOMEM;
	}
	memcpy(r.ips, ips, (nk + nu) * sizeof(*ips));
	p->index[j] = p->nrows;
counted:
	p->samples += count;
	p->images[image].samples += count;
	return 0;
}

int stackprof__add(struct stackprof *p, uint32_t image, const char *comm, const uint64_t *kips, unsigned nk,
		   const uint64_t *uips, unsigned nu, uint64_t count)
{
	uint64_t ips[512];

	if (nk + nu > sizeof(ips) / sizeof(*ips) || image >= p->nimages)
		return -EINVAL;
	memcpy(ips, kips, nk * sizeof(*ips));
	memcpy(ips + nk, uips, nu * sizeof(*ips));
	return add_row(p, image, comm, ips, nk, nu, count);
}

int stackprof__merge(struct stackprof *dst, const struct stackprof *src)
{
	for (size_t i = 0; i < src->nrows; i++) {
		const struct stackprof_row *r = &src->rows[i];
		const struct stackprof_image *im = &src->images[r->image];
		int added;
		long di = stackprof__image(dst, im->pid, im->start_ns, im->exec_seq, &added);

		if (di < 0)
			return -ENOMEM;
		if (added) {
			memcpy(dst->images[di].exec_id, im->exec_id, sizeof(im->exec_id));
			memcpy(dst->images[di].container, im->container, sizeof(im->container));
		}
		if (add_row(dst, di, r->comm, r->ips, r->nk, r->nu, r->count))
			return -ENOMEM;
	}
	if (!dst->start_ns || (src->start_ns && src->start_ns < dst->start_ns))
		dst->start_ns = src->start_ns;
	if (src->end_ns > dst->end_ns)
		dst->end_ns = src->end_ns;
	return 0;
}

/* A user stack is whole when its outermost frame is where threads begin;
 * anything else was cut short by code without frame pointers. */
static bool is_root(const char *fn)
{
	static const char *const roots[] = { "_start", "__libc_start_main", "__libc_start_call_main",
					     "start_thread", "clone", "clone3", "thread_start", NULL };

	for (unsigned i = 0; fn && roots[i]; i++)
		if (!strcmp(fn, roots[i]))
			return true;
	return false;
}

/* Frame i of row r, symbolized. A return address is looked up one byte
 * back, inside the call that made it (the leaf's is the sampled IP). */
static void frame(struct symbolizer *sym, const struct stackprof *p, const struct stackprof_row *r, unsigned i,
		  struct sym_frame *f)
{
	const struct stackprof_image *im = &p->images[r->image];
	bool leaf = i == 0 || i == r->nk;
	uint64_t a = r->ips[i] - (leaf ? 0 : 1);

	if (i < r->nk)
		symbolizer__kernel(sym, a, f);
	else
		symbolizer__user(sym, im->pid, im->start_ns, im->exec_seq, a, f);
	f->addr = r->ips[i];
}

static bool row_truncated(struct symbolizer *sym, const struct stackprof *p, const struct stackprof_row *r)
{
	struct sym_frame f;

	if (!r->nu)
		return false;
	frame(sym, p, r, r->nk + r->nu - 1, &f);
	return !is_root(f.func);
}

/* Counts, per image, the samples whose user stack was cut short. */
static void mark_truncated(struct stackprof *p, struct symbolizer *sym)
{
	for (size_t i = 0; i < p->nimages; i++)
		p->images[i].truncated = 0;
	for (size_t ri = 0; ri < p->nrows; ri++)
		if (row_truncated(sym, p, &p->rows[ri]))
			p->images[p->rows[ri].image].truncated += p->rows[ri].count;
}

static void hex(const uint8_t *b, unsigned n, char *out)
{
	for (unsigned i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * n] = '\0';
}

static uint64_t user_mapping(struct pprof *pp, const struct sym_mapping *m)
{
	char bid[41] = "";

	if (m->build_id)
		hex(m->build_id, m->build_id_len, bid);
	return pprof__mapping(pp, m->start, m->end, m->off, m->path, bid);
}

int stackprof__write_pprof(struct stackprof *p, struct symbolizer *sym, struct strbuf *out)
{
	static const char *const types[] = { "samples", "cpu" }, *const units[] = { "count", "nanoseconds" };
	static const char *const off_types[] = { "off_cpu" }, *const off_units[] = { "nanoseconds" };
	struct pprof *pp = p->off_cpu ? pprof__new(off_types, off_units, 1, 1) : pprof__new(types, units, 2, p->period_ns);
	uint64_t kmap = 0, locs[512];
	const struct stackprof_row *top = NULL;
	int err = pp ? 0 : -ENOMEM;

	if (err)
		return err;
	pprof__set_time(pp, p->start_ns, p->end_ns - p->start_ns);
	mark_truncated(p, sym);
	/* pprof names a profile after its first mapping: the executable of
	 * the busiest user stack (its outermost frame that is not in a shared
	 * object: libc's start code is below main), then the rest as they come. */
	for (size_t ri = 0; ri < p->nrows; ri++)
		if (p->rows[ri].nu && (!top || p->rows[ri].count > top->count))
			top = &p->rows[ri];
	for (unsigned i = top ? top->nk + top->nu : 0; i-- > (top ? top->nk : 0);) {
		struct sym_frame f;

		frame(sym, p, top, i, &f);
		if (f.map && !strstr(f.map->path, ".so")) {
			user_mapping(pp, f.map);
			break;
		}
	}
	for (size_t ri = 0; ri < p->nrows && !err; ri++) {
		const struct stackprof_row *r = &p->rows[ri];
		struct stackprof_image *im = &p->images[r->image];
		int64_t values[2] = { (int64_t)r->count, (int64_t)r->count * p->period_ns };
		struct pprof_label labels[5] = {
			{ "pid", NULL, im->pid }, { "comm", r->comm, 0 }, { "exec_id", im->exec_id, 0 },
		};
		unsigned nl = 3, n = r->nk + r->nu;

		if (im->container[0])
			labels[nl++] = (struct pprof_label){ "container", im->container, 0 };
		if (row_truncated(sym, p, r))
			labels[nl++] = (struct pprof_label){ "truncated", "true", 0 };
		for (unsigned i = 0; i < n; i++) {
			struct sym_frame f;
			uint64_t map = 0, fn = 0;

			frame(sym, p, r, i, &f);
			if (f.kernel && !kmap)
				kmap = pprof__mapping(pp, 0, UINT64_MAX, 0, "[kernel.kallsyms]", NULL);
			if (f.kernel)
				map = kmap;
			else if (f.map)
				map = user_mapping(pp, f.map);
			if (f.nlines) {	/* DWARF: inlined functions and source lines */
				uint64_t fns[DWARF_MAX_INLINE];
				int64_t lines[DWARF_MAX_INLINE];

				for (unsigned k = 0; k < f.nlines; k++) {
					fns[k] = f.lines[k].func ? pprof__function(pp, f.lines[k].func, f.lines[k].file ?: f.map->path)
								 : 0;
					lines[k] = f.lines[k].line;
				}
				locs[i] = pprof__location_lines(pp, map, f.addr, fns, lines, f.nlines);
				continue;
			}
			if (f.func)
				fn = pprof__function(pp, f.func, f.kernel ? (*f.module ? f.module : "[kernel]")
									  : f.map ? f.map->path : "");
			locs[i] = pprof__location(pp, map, f.addr, fn);
		}
		err = pprof__sample(pp, locs, n, values, labels, nl);
	}
	err = err ?: pprof__write(pp, out, true);
	pprof__free(pp);
	return err;
}

static void put_name(struct strbuf *sb, const char *name)
{
	/* a ';' or newline would split the frame: names are anyone's */
	for (const char *c = name; *c; c++)
		sb__putc(sb, *c == ';' ? ':' : *c == '\n' ? ' ' : *c);
}

static void put_frame(struct strbuf *sb, const struct sym_frame *f)
{
	const char *base;

	/* Inlined functions are frames of their own, outermost first. */
	for (unsigned k = f->nlines; k-- > 1;)
		if (f->lines[k].func) {
			sb__putc(sb, ';');
			put_name(sb, f->lines[k].func);
		}
	sb__putc(sb, ';');
	if (f->nlines && f->lines[0].func)
		put_name(sb, f->lines[0].func);
	else if (f->func) {
		put_name(sb, f->func);
	}
	else if (f->map && (base = strrchr(f->map->path, '/')))
		sb__printf(sb, "[%s+0x%llx]", base + 1, (unsigned long long)(f->addr - f->map->start + f->map->off));
	else
		sb__printf(sb, "[unknown 0x%llx]", (unsigned long long)f->addr);
	if (f->kernel)
		sb__puts(sb, "_[k]");
}

struct folded_line {
	char *stack;
	uint64_t count;
};

static int line_cmp(const void *a, const void *b)
{
	return strcmp(((const struct folded_line *)a)->stack, ((const struct folded_line *)b)->stack);
}

/* Rows that symbolize alike (other addresses in the same functions) are
 * one line: sorted by text, then merged. */
int stackprof__write_folded(struct stackprof *p, struct symbolizer *sym, struct strbuf *out)
{
	struct folded_line *v = calloc(p->nrows ?: 1, sizeof(*v));
	size_t n = 0;
	int err = v ? 0 : -ENOMEM;

	mark_truncated(p, sym);
	for (size_t ri = 0; ri < p->nrows && !err; ri++) {
		const struct stackprof_row *r = &p->rows[ri];
		struct strbuf sb = {};
		struct sym_frame f;

		/* Folded stacks allow no ';' in a frame, nor ' ' before the
		 * count: the comm is the process's own choice. */
		for (const char *c = r->comm; *c; c++)
			sb__putc(&sb, *c == ';' || *c == ' ' ? '_' : *c);
		for (unsigned i = r->nk + r->nu; i-- > r->nk;) {	/* user, root first */
			frame(sym, p, r, i, &f);
			put_frame(&sb, &f);
		}
		for (unsigned i = r->nk; i-- > 0;) {
			frame(sym, p, r, i, &f);
			put_frame(&sb, &f);
		}
		if (sb.err) {
			err = sb.err;
			sb__free(&sb);
			break;
		}
		v[n].stack = sb__detach(&sb, NULL);
		v[n++].count = r->count;
	}
	if (!err)
		qsort(v, n, sizeof(*v), line_cmp);
	for (size_t i = 0; i < n && !err; i++) {
		uint64_t c = v[i].count;

		while (i + 1 < n && !strcmp(v[i].stack, v[i + 1].stack))
			c += v[++i].count;
		sb__printf(out, "%s %llu\n", v[i].stack, (unsigned long long)c);
		err = out->err;
	}
	for (size_t i = 0; i < n; i++)
		free(v[i].stack);
	free(v);
	return err;
}

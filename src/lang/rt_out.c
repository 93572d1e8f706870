// SPDX-License-Identifier: Apache-2.0
/* What the programs of `sonde run` send and keep, made output: printf()
 * records formatted with C's conversions (bpftrace's are C's), print(),
 * clear() and zero() of a map, exit(); maps read with their per-CPU
 * values merged and handed to print.c. */
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "lang/print.h"
#include "lang/rt_int.h"
#include "lib/json.h"
#include "lib/strbuf.h"

/* One conversion of fmt at *p ('%' included) applied to the argument
 * (an integer or a string of at most n bytes). */
static void convert(struct strbuf *sb, const char **p, const struct lang_type *t, const void *arg,
		    size_t n)
{
	const char *s = *p + 1;
	char spec[32] = "%";
	size_t k = 1;

	while (*s && strchr("-+ #0", *s) && k < 8)
		spec[k++] = *s++;
	while (*s >= '0' && *s <= '9' && k < 16)
		spec[k++] = *s++;
	if (*s == '.') {
		spec[k++] = *s++;
		while (*s >= '0' && *s <= '9' && k < 24)
			spec[k++] = *s++;
	}
	while (*s && strchr("hlLqjzt", *s))
		s++; /* every integer is 64-bit here */
	if (*s == 's') {
		const char *str = arg;
		char buf[4096];
		size_t len = t && t->kind == LANG_T_STRING ? strnlen(str, n) : 0;

		memcpy(buf, str, len < sizeof(buf) - 1 ? len : sizeof(buf) - 1);
		buf[len < sizeof(buf) - 1 ? len : sizeof(buf) - 1] = '\0';
		spec[k++] = 's';
		spec[k] = '\0';
		sb__printf(sb, spec, buf);
	} else if (*s && strchr("diuxXoc", *s)) {
		long long v = 0;

		memcpy(&v, arg, sizeof(v) <= n ? sizeof(v) : n);
		if (*s != 'c')
			spec[k++] = 'l', spec[k++] = 'l';
		spec[k++] = *s;
		spec[k] = '\0';
		if (*s == 'c')
			sb__printf(sb, spec, (int)v);
		else
			sb__printf(sb, spec, v);
	} else if (*s == 'p') {
		unsigned long long v = 0;

		memcpy(&v, arg, sizeof(v) <= n ? sizeof(v) : n);
		sb__printf(sb, "0x%llx", v);
	} else {
		sb__putc(sb, '%'); /* the checker lets no other through */
		s--;
	}
	*p = *s ? s + 1 : s;
}

static void format(struct strbuf *sb, const struct lang_printf *f, const char *rec, size_t size)
{
	unsigned i = 0;

	for (const char *p = f->fmt; *p;) {
		if (*p != '%') {
			sb__putc(sb, *p++);
			continue;
		}
		if (p[1] == '%') {
			sb__putc(sb, '%');
			p += 2;
			continue;
		}
		if (i < f->nargs && f->off[i] < size)
			convert(sb, &p, &f->type[i], rec + f->off[i], size - f->off[i]);
		else
			convert(sb, &p, NULL, "", 0);
		i++;
	}
}

static void emit_text(struct lang_run *r, const char *type, struct strbuf *sb)
{
	if (r->opts.fmt == LANG_OUT_JSON) {
		fprintf(r->opts.out, "{\"type\": \"%s\", \"data\": ", type);
		{
			struct strbuf j = {};

			json__escape(&j, sb->buf ? sb->buf : "", sb->len);
			fwrite(j.buf, 1, j.len, r->opts.out);
			sb__free(&j);
		}
		fputs("}\n", r->opts.out);
	} else if (sb->len) {
		fwrite(sb->buf, 1, sb->len, r->opts.out);
	}
	fflush(r->opts.out);
}

/* ---- maps ---- */

static unsigned ncpus(void)
{
	static int n;

	if (!n)
		n = libbpf_num_possible_cpus();
	return n > 0 ? n : 1;
}

static bool percpu(const struct lang_map_layout *l) { return l->type == BPF_MAP_TYPE_PERCPU_HASH; }

static size_t stride(const struct lang_map_layout *l) { return (l->value_size + 7) & ~7u; }

/* The per-CPU values of one key merged into v (the layout's value). */
static void merge(const struct lang_map *m, const struct lang_map_layout *l, const char *raw, char *v)
{
	unsigned n = percpu(l) ? ncpus() : 1;

	memcpy(v, raw, l->value_size);
	for (unsigned c = 1; c < n; c++) {
		const char *x = raw + c * stride(l);
		int64_t *a = (int64_t *)v;
		const int64_t *b = (const int64_t *)x;

		switch (m->kind) {
		case LANG_MV_MIN:
		case LANG_MV_MAX:
			if (b[1] && (!a[1] || (m->kind == LANG_MV_MIN ? b[0] < a[0] : b[0] > a[0])))
				a[0] = b[0], a[1] = 1;
			break;
		case LANG_MV_VALUE:
			break;
		default: /* counts, sums, totals, buckets: add */
			for (unsigned k = 0; k < l->value_size / 8; k++)
				a[k] += b[k];
		}
	}
}

static void key_text(const struct lang_type *t, const char *raw, char *out, size_t sz)
{
	if (t->kind == LANG_T_STRING) {
		size_t n = strnlen(raw, t->size);

		snprintf(out, sz, "%.*s", (int)n, raw);
	} else {
		int64_t v;

		memcpy(&v, raw, 8);
		if (t->is_signed)
			snprintf(out, sz, "%lld", (long long)v);
		else
			snprintf(out, sz, "%llu", (unsigned long long)v);
	}
}

struct rows {
	struct lang_row *v;
	char *keys, *vals;	/* key bytes, merged values */
	char (*text)[LANG_MAP_KEYS_MAX][256];
	const char *(*ptrs)[LANG_MAP_KEYS_MAX];
	unsigned n;
};

static void rows_free(struct rows *rs)
{
	free(rs->v);
	free(rs->keys);
	free(rs->vals);
	free(rs->text);
	free(rs->ptrs);
}

/* Every entry of map m. */
static int rows_read(struct lang_run *r, const struct lang_map *m, struct rows *rs)
{
	const struct lang_map_layout *l = &r->layout[m->id];
	size_t vsz = (percpu(l) ? ncpus() : 1) * stride(l);
	unsigned max = l->max_entries;
	char *key = calloc(1, l->key_size), *next = calloc(1, l->key_size), *raw = malloc(vsz);
	int fd = r->map_fds[m->id], err = 0;
	bool first = true;

	memset(rs, 0, sizeof(*rs));
	rs->v = calloc(max, sizeof(*rs->v));
	rs->keys = calloc(max, l->key_size);
	rs->vals = calloc(max, stride(l));
	rs->text = calloc(max, sizeof(*rs->text));
	rs->ptrs = calloc(max, sizeof(*rs->ptrs));
	if (!key || !next || !raw || !rs->v || !rs->keys || !rs->vals || !rs->text || !rs->ptrs) {
		err = -ENOMEM;
		goto out;
	}
	while (rs->n < max && !bpf_map_get_next_key(fd, first ? NULL : key, next)) {
		struct lang_row *row = &rs->v[rs->n];
		char *k = rs->keys + rs->n * l->key_size, *v = rs->vals + rs->n * stride(l);

		first = false;
		memcpy(key, next, l->key_size);
		if (bpf_map_lookup_elem(fd, key, raw))
			continue; /* deleted meanwhile */
		memcpy(k, key, l->key_size);
		merge(m, l, raw, v);
		row->raw = k;
		row->raw_len = l->key_size;
		row->nkeys = m->nkeys;
		for (unsigned i = 0; i < m->nkeys; i++) {
			key_text(&m->keys[i], k + l->key_off[i], rs->text[rs->n][i], sizeof(rs->text[0][0]));
			rs->ptrs[rs->n][i] = rs->text[rs->n][i];
		}
		row->keys = rs->ptrs[rs->n];
		switch (m->kind) {
		case LANG_MV_AVG:
		case LANG_MV_STATS:
			memcpy(&row->total, v, 8);
			memcpy(&row->count, v + 8, 8);
			break;
		case LANG_MV_HIST:
		case LANG_MV_LHIST:
			row->buckets = (const uint64_t *)v;
			row->nbuckets = l->nbuckets;
			break;
		case LANG_MV_VALUE:
			if (m->value.kind == LANG_T_STRING) {
				v[l->value_size - 1] = '\0';
				row->str = v;
				break;
			}
			/* fall through */
		default:
			memcpy(&row->value, v, 8);
		}
		rs->n++;
	}
out:
	free(key);
	free(next);
	free(raw);
	return err;
}

static void print_map(struct lang_run *r, const struct lang_map *m)
{
	struct lang_map_out mo = { .name = m->name, .kind = m->kind, .lhist_min = m->lhist_min,
				   .lhist_max = m->lhist_max, .lhist_step = m->lhist_step };
	struct strbuf sb = {};
	struct rows rs;

	if (!rows_read(r, m, &rs) && rs.n) {
		lang_print__map(&sb, r->opts.fmt, &mo, rs.v, rs.n);
		fwrite(sb.buf, 1, sb.len, r->opts.out);
	}
	rows_free(&rs);
	sb__free(&sb);
}

static int map_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct lang_map *const *)a)->name, (*(const struct lang_map *const *)b)->name);
}

void rt__print_all(struct lang_run *r)
{
	const struct lang_map **v = calloc(r->prog->nmaps ? r->prog->nmaps : 1, sizeof(*v));
	unsigned n = 0;

	if (!v)
		return;
	for (const struct lang_map *m = r->prog->maps; m; m = m->next)
		v[n++] = m;
	qsort(v, n, sizeof(*v), map_cmp);
	for (unsigned i = 0; i < n; i++)
		print_map(r, v[i]);
	free(v);
}

static const struct lang_map *map_by_id(const struct lang_run *r, uint32_t id)
{
	for (const struct lang_map *m = r->prog->maps; m; m = m->next)
		if (m->id == id)
			return m;
	return NULL;
}

/* clear(): every key deleted; zero(): every value zeroed. */
static void map_wipe(struct lang_run *r, const struct lang_map *m, bool zero)
{
	const struct lang_map_layout *l = &r->layout[m->id];
	size_t vsz = (percpu(l) ? ncpus() : 1) * stride(l);
	char *key = calloc(1, l->key_size), *next = calloc(1, l->key_size), *z = calloc(1, vsz);
	int fd = r->map_fds[m->id];

	while (key && next && z && !bpf_map_get_next_key(fd, NULL, next)) {
		if (zero) {
			/* get_next_key from the previous key: zeroing keeps them */
			memcpy(key, next, l->key_size);
			bpf_map_update_elem(fd, key, z, BPF_EXIST);
			while (!bpf_map_get_next_key(fd, key, next)) {
				memcpy(key, next, l->key_size);
				bpf_map_update_elem(fd, key, z, BPF_EXIST);
			}
			break;
		}
		bpf_map_delete_elem(fd, next);
	}
	free(key);
	free(next);
	free(z);
}

int rt__on_record(void *ctx, void *data, size_t size)
{
	struct lang_run *r = ctx;
	const struct lang_rec *h = data;
	const struct lang_map *m;
	struct strbuf sb = {};

	if (size < sizeof(*h)) {
		r->malformed++;
		return 0;
	}
	switch (h->kind) {
	case LANG_REC_PRINTF:
	case LANG_REC_PRINT_VALUE:
		if (h->id >= r->gen.nprintfs)
			break;
		format(&sb, &r->gen.printfs[h->id], data, size);
		emit_text(r, "printf", &sb);
		break;
	case LANG_REC_TIME:
		if (h->id < r->gen.nprintfs) {
			char buf[256];
			time_t now = time(NULL);
			struct tm tm;

			localtime_r(&now, &tm);
			if (strftime(buf, sizeof(buf), r->gen.printfs[h->id].fmt, &tm))
				sb__puts(&sb, buf);
			emit_text(r, "time", &sb);
		}
		break;
	case LANG_REC_EXIT:
		r->exiting = true;
		break;
	case LANG_REC_PRINT:
		if ((m = map_by_id(r, h->id)))
			print_map(r, m);
		fflush(r->opts.out);
		break;
	case LANG_REC_CLEAR:
	case LANG_REC_ZERO:
		if ((m = map_by_id(r, h->id)))
			map_wipe(r, m, h->kind == LANG_REC_ZERO);
		break;
	default:
		r->malformed++;
	}
	sb__free(&sb);
	return 0;
}

int rt__lib_path(const char *name, char *out, size_t sz)
{
	static const char *const dirs[] = { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
					    "/lib64", "/usr/lib64", "/lib", "/usr/lib" };
	const char *path = getenv("PATH");
	glob_t g;

	if (strchr(name, '/')) {
		snprintf(out, sz, "%s", name);
		return access(out, R_OK) ? -ENOENT : 0;
	}
	/* A library by name, as bpftrace takes "libc": lib<name>.so.N. */
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char pat[512];

		snprintf(pat, sizeof(pat), "%s/%s%s.so*", dirs[i], strncmp(name, "lib", 3) ? "lib" : "", name);
		if (!glob(pat, 0, NULL, &g) && g.gl_pathc) {
			snprintf(out, sz, "%s", g.gl_pathv[g.gl_pathc - 1]);
			globfree(&g);
			return 0;
		}
		globfree(&g);
	}
	/* A program on the PATH. */
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");

		snprintf(out, sz, "%.*s/%s", (int)n, p, name);
		if (!access(out, X_OK))
			return 0;
		p += n + (p[n] == ':');
	}
	return -ENOENT;
}

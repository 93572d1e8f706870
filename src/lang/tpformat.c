// SPDX-License-Identifier: Apache-2.0
/* Tracefs format files: the parser (bounded by len, never by a NUL) and
 * the helpers that find and read them. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lang/tpformat.h"

#define NUM_MAX (1u << 24) /* offsets and sizes: records are far smaller */

struct line {
	const char *s;
	size_t n;
	unsigned no;
};

static int fail(char *err, size_t errsz, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errsz, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int k = 0;

	if (!err || !errsz)
		return -EINVAL;
	if (line)
		k = snprintf(err, errsz, "format: line %u: ", line);
	else
		k = snprintf(err, errsz, "format: ");
	if (k >= 0 && (size_t)k < errsz) {
		va_start(ap, fmt);
		vsnprintf(err + k, errsz - k, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool starts(const struct line *l, const char *w)
{
	size_t n = strlen(w);

	return l->n >= n && !memcmp(l->s, w, n);
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }
static bool is_ident(char c)
{
	return c == '_' || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* A decimal number at s[0..n) (all of it): 0, or -1. */
static int number(const char *s, size_t n, unsigned *out)
{
	unsigned long v = 0;

	if (!n || n > 9)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* "KEY:VALUE;" at *s within end: the value's span; advances past ';'. */
static int attr(const char **s, const char *end, const char *key, const char **v, size_t *vn)
{
	size_t kn = strlen(key);
	const char *semi;

	while (*s < end && is_space(**s))
		(*s)++;
	if ((size_t)(end - *s) < kn || memcmp(*s, key, kn))
		return -1;
	*s += kn;
	semi = memchr(*s, ';', end - *s);
	if (!semi)
		return -1;
	*v = *s;
	*vn = semi - *s;
	*s = semi + 1;
	return 0;
}

static void copy(char *dst, size_t dsz, const char *s, size_t n)
{
	n = n < dsz - 1 ? n : dsz - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* "TYPE NAME", "TYPE NAME[N]" or "TYPE NAME[]" into f. */
static int declaration(struct lang_tp_field *f, const char *s, size_t n, unsigned no, char *err,
		       size_t errsz)
{
	size_t name_end, name_start, type_end;
	bool array = false, flex = false;
	unsigned len = 0;

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 ? s[i] != '\t' : (unsigned char)s[i] >= 0x7f)
			return fail(err, errsz, no, "invalid byte 0x%02x in the field",
				    (unsigned char)s[i]);
	while (n && is_space(s[n - 1]))
		n--;
	while (n && is_space(*s))
		s++, n--;
	name_end = n;
	if (n && s[n - 1] == ']') {
		const char *open = NULL;

		for (size_t i = n - 1; i-- > 0;)
			if (s[i] == '[') {
				open = s + i;
				break;
			}
		if (!open)
			return fail(err, errsz, no, "unbalanced ']' in the field");
		array = true;
		flex = open + 1 == s + n - 1;
		if (!flex && number(open + 1, s + n - 1 - (open + 1), &len))
			return fail(err, errsz, no, "the array length is not a number");
		name_end = open - s;
	}
	name_start = name_end;
	while (name_start && is_ident(s[name_start - 1]))
		name_start--;
	if (name_start == name_end)
		return fail(err, errsz, no, "no field name");
	if (name_end - name_start >= LANG_TP_NAME_MAX)
		return fail(err, errsz, no, "field name longer than %d bytes", LANG_TP_NAME_MAX - 1);
	type_end = name_start;
	while (type_end && is_space(s[type_end - 1]))
		type_end--;
	if (!type_end)
		return fail(err, errsz, no, "no type before the field name");
	if (type_end >= LANG_TP_TYPE_MAX)
		return fail(err, errsz, no, "type longer than %d bytes", LANG_TP_TYPE_MAX - 1);
	copy(f->name, sizeof(f->name), s + name_start, name_end - name_start);
	copy(f->type, sizeof(f->type), s, type_end);
	f->array_len = array ? len : 0;
	if (array && !flex && !len)
		return fail(err, errsz, no, "array '%s' of length 0", f->name);
	return array ? 1 : 0;
}

/* The element type of a type text: "const char" -> char-ness. */
static bool char_type(const char *t)
{
	if (!strncmp(t, "const ", 6))
		t += 6;
	return !strcmp(t, "char") || !strcmp(t, "signed char");
}

static int classify(struct lang_tp_field *f, int array, unsigned no, char *err, size_t errsz)
{
	size_t tn = strlen(f->type);

	if (!strncmp(f->type, "__data_loc ", 11) || !strncmp(f->type, "__rel_loc ", 10)) {
		char elem[LANG_TP_TYPE_MAX];
		size_t skip = f->type[2] == 'd' ? 11 : 10;

		f->data_loc = true;
		f->rel_loc = skip == 10;
		if (f->size != 4)
			return fail(err, errsz, no, "__data_loc field '%s' of size %u, not 4", f->name,
				    f->size);
		/* "__data_loc char[] name": the [] is the type's; a
		 * "__data_loc cpumask_t" is a blob of the kernel's */
		if (tn < skip + 2 || strcmp(f->type + tn - 2, "[]")) {
			f->cls = LANG_TP_DYNARRAY;
			return 0;
		}
		copy(elem, sizeof(elem), f->type + skip, tn - skip - 2);
		while (elem[0] && is_space(elem[strlen(elem) - 1]))
			elem[strlen(elem) - 1] = '\0';
		f->cls = char_type(elem) ? LANG_TP_STRING : LANG_TP_DYNARRAY;
		f->elem_size = 0; /* unknown from the file; the kernel's own types */
		return 0;
	}
	if (array) {
		if (f->array_len && f->size % f->array_len)
			return fail(err, errsz, no, "size %u of '%s' is not a multiple of %u",
				    f->size, f->name, f->array_len);
		if (!f->array_len && f->size)
			return fail(err, errsz, no, "flexible array '%s' of size %u", f->name,
				    f->size);
		f->elem_size = f->array_len ? f->size / f->array_len : 0;
		f->cls = f->array_len && f->elem_size == 1 && char_type(f->type) ? LANG_TP_STRING
										  : LANG_TP_ARRAY;
		return 0;
	}
	if (f->type[tn - 1] == '*') {
		f->cls = LANG_TP_PTR;
		return 0;
	}
	if (!strncmp(f->type, "struct ", 7) || !strncmp(f->type, "union ", 6))
		f->cls = LANG_TP_OTHER;
	else if (f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8)
		f->cls = LANG_TP_INT;
	else
		f->cls = LANG_TP_OTHER;
	return 0;
}

/* "\tfield:DECL;\toffset:N;\tsize:N;\tsigned:N;" (signed: optional, as
 * old kernels lack it). */
static int field(struct lang_tp_format *out, const struct line *l, char *err, size_t errsz)
{
	const char *s = l->s, *end = l->s + l->n, *v;
	struct lang_tp_field *f;
	size_t vn;
	unsigned sig = 0;
	int array;

	if (out->nfields >= LANG_TP_FIELDS_MAX)
		return fail(err, errsz, l->no, "more than %d fields", LANG_TP_FIELDS_MAX);
	f = &out->fields[out->nfields];
	memset(f, 0, sizeof(*f));
	if (attr(&s, end, "field:", &v, &vn))
		return fail(err, errsz, l->no, "expected 'field:DECLARATION;'");
	if ((array = declaration(f, v, vn, l->no, err, errsz)) < 0)
		return array;
	if (attr(&s, end, "offset:", &v, &vn) || number(v, vn, &f->offset))
		return fail(err, errsz, l->no, "expected 'offset:N;' after field '%s'", f->name);
	if (attr(&s, end, "size:", &v, &vn) || number(v, vn, &f->size))
		return fail(err, errsz, l->no, "expected 'size:N;' after field '%s'", f->name);
	if (f->offset > NUM_MAX || f->size > NUM_MAX)
		return fail(err, errsz, l->no, "offset or size of '%s' too large", f->name);
	while (s < end && is_space(*s))
		s++;
	if (s < end) {
		if (attr(&s, end, "signed:", &v, &vn) || number(v, vn, &sig) || sig > 1)
			return fail(err, errsz, l->no, "expected 'signed:0;' or 'signed:1;' after field '%s'",
				    f->name);
		while (s < end && is_space(*s))
			s++;
		if (s < end)
			return fail(err, errsz, l->no, "unexpected text after field '%s'", f->name);
	}
	f->is_signed = sig;
	f->common = !strncmp(f->name, "common_", 7);
	if (lang_tp__field(out, f->name))
		return fail(err, errsz, l->no, "field '%s' appears twice", f->name);
	if (classify(f, array, l->no, err, errsz))
		return -EINVAL;
	out->nfields++;
	return 0;
}

int lang_tp__parse(const char *text, size_t len, struct lang_tp_format *out, char *err,
		   size_t errsz)
{
	bool have_id = false, in_format = false;
	struct line l = { 0 };
	size_t at = 0;

	if (err && errsz)
		err[0] = '\0';
	out->id = 0;
	out->nfields = 0;
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		const char *s;

		l.s = text + at;
		l.n = (nl ? nl : text + len) - l.s;
		l.no++;
		at += l.n + 1;
		while (l.n && is_space(l.s[l.n - 1]))
			l.n--;
		s = l.s;
		while (l.n && is_space(*l.s))
			l.s++, l.n--;
		if (!l.n)
			continue;
		if (starts(&l, "print fmt:"))
			break; /* it may span lines; nothing there is needed */
		if (in_format && s != l.s && starts(&l, "field:")) {
			int ret = field(out, &l, err, errsz);

			if (ret)
				return ret;
		} else if (starts(&l, "name:") && !in_format) {
			continue;
		} else if (starts(&l, "ID:") && !in_format) {
			const char *v = l.s + 3;
			size_t vn = l.n - 3;

			while (vn && is_space(*v))
				v++, vn--;
			if (number(v, vn, &out->id))
				return fail(err, errsz, l.no, "expected 'ID: N'");
			have_id = true;
		} else if (l.n == 7 && starts(&l, "format:") && !in_format) {
			in_format = true;
		} else {
			return fail(err, errsz, l.no, "unexpected '%.*s'", (int)(l.n < 40 ? l.n : 40),
				    l.s);
		}
	}
	if (!have_id)
		return fail(err, errsz, 0, "no 'ID:' line");
	if (!in_format)
		return fail(err, errsz, 0, "no 'format:' line");
	if (!out->nfields)
		return fail(err, errsz, 0, "no fields");
	return 0;
}

const struct lang_tp_field *lang_tp__field(const struct lang_tp_format *fmt, const char *name)
{
	for (unsigned i = 0; i < fmt->nfields; i++)
		if (!strcmp(fmt->fields[i].name, name))
			return &fmt->fields[i];
	return NULL;
}

/* A path component as tracefs names them: no '/', not "." or "..". */
static bool plain(const char *s)
{
	return s && *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

int lang_tp__load(const char *tracefs, const char *cat, const char *name,
		  struct lang_tp_format *out, char *err, size_t errsz)
{
	char path[PATH_MAX], *buf = NULL;
	size_t n = 0;
	ssize_t k;
	int fd, ret;

	if (err && errsz)
		err[0] = '\0';
	if (!plain(cat) || !plain(name)) {
		if (err && errsz)
			snprintf(err, errsz, "invalid tracepoint name");
		return -EINVAL;
	}
	if (snprintf(path, sizeof(path), "%s/events/%s/%s/format", tracefs, cat, name) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	/* tracefs reports size 0: read until EOF, up to the cap */
	buf = malloc(LANG_TP_FILE_MAX);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	while (n < LANG_TP_FILE_MAX && (k = read(fd, buf + n, LANG_TP_FILE_MAX - n)) != 0) {
		if (k < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			goto out;
		}
		n += k;
	}
	ret = lang_tp__parse(buf, n, out, err, errsz);
	if (ret && err && errsz) {
		char msg[256];

		snprintf(msg, sizeof(msg), "%s", err);
		snprintf(err, errsz, "%s: %s", path, msg);
	}
out:
	if (ret && ret != -EINVAL && err && errsz)
		snprintf(err, errsz, "%s: %s", path, strerror(-ret));
	free(buf);
	if (fd >= 0)
		close(fd);
	return ret;
}

static int only_dirs(const struct dirent *d) { return d->d_name[0] != '.'; }

static bool is_dir(const char *base, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	if (snprintf(path, sizeof(path), "%s/%s", base, name) >= (int)sizeof(path))
		return false;
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

int lang_tp__list(const char *tracefs, const char *cat_glob, const char *name_glob,
		  int (*cb)(void *arg, const char *cat, const char *name), void *arg)
{
	char events[PATH_MAX], dir[PATH_MAX];
	struct dirent **cats = NULL, **names = NULL;
	int nc, nn = 0, ret = 0;

	if (snprintf(events, sizeof(events), "%s/events", tracefs) >= (int)sizeof(events))
		return -ENAMETOOLONG;
	nc = scandir(events, &cats, only_dirs, alphasort);
	if (nc < 0)
		return -errno;
	for (int i = 0; i < nc && !ret; i++) {
		const char *cat = cats[i]->d_name;

		if (fnmatch(cat_glob, cat, 0) || !is_dir(events, cat))
			continue;
		if (snprintf(dir, sizeof(dir), "%s/%s", events, cat) >= (int)sizeof(dir))
			continue;
		nn = scandir(dir, &names, only_dirs, alphasort);
		if (nn < 0)
			continue; /* raced with a module unload */
		for (int j = 0; j < nn; j++) {
			if (!ret && !fnmatch(name_glob, names[j]->d_name, 0) &&
			    is_dir(dir, names[j]->d_name))
				ret = cb(arg, cat, names[j]->d_name);
			free(names[j]);
		}
		free(names);
	}
	for (int i = 0; i < nc; i++)
		free(cats[i]);
	free(cats);
	return ret;
}

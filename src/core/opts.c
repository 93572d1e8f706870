// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <sys/stat.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>
#include "lib/textfile.h"
#include "core/opts.h"
#include "lib/suggest.h"

static const struct opt *find_key(const struct opt *tbl, const char *key)
{
	for (; tbl->key; tbl++)
		if (!strcmp(tbl->key, key))
			return tbl;
	return NULL;
}

static const char *suggest(const struct opt *tbl, const char *name, bool flags)
{
	const char *best = NULL;
	int best_d = 3;

	for (; tbl->key; tbl++) {
		const char *cand = flags ? tbl->flag : tbl->key;
		int d;

		if (!cand)
			continue;
		d = suggest__distance(name, cand);
		if (d < best_d) {
			best_d = d;
			best = cand;
		}
	}
	return best;
}

static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (unsigned i = 0; i < 4; i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

/* Integers accept K/M/G suffixes (powers of 1024) for sizes. */
static int parse_int(const char *s, long *out)
{
	char *end;
	long v, mul = 1;

	/* Decimal or 0x hex; never octal: "010" is ten, not eight. */
	errno = 0;
	v = strtol(s, &end, s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 16 : 10);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': mul = 1024; end++; break;
	case 'm': case 'M': mul = 1024 * 1024; end++; break;
	case 'g': case 'G': mul = 1024L * 1024 * 1024; end++; break;
	}
	if (*end || __builtin_mul_overflow(v, mul, &v))
		return -EINVAL;
	*out = v;
	return 0;
}

int opts__set(const struct opt *o, void *dst, const char *val, char *err, size_t errsz)
{
	char *field = (char *)dst + o->off;

	switch (o->type) {
	case OPT_STR:
	case OPT_LIST:
		if (strlen(val) >= o->size) {
			snprintf(err, errsz, "value for '%s' is too long (at most %zu characters)",
				 o->key, o->size - 1);
			return -EINVAL;
		}
		strcpy(field, val);
		return 0;
	case OPT_INT: {
		long v;

		if (parse_int(val, &v)) {
			snprintf(err, errsz, "'%s' wants an integer, got '%s'", o->key, val);
			return -EINVAL;
		}
		if (v < o->min || v > o->max) {
			snprintf(err, errsz, "'%s' must be between %ld and %ld, got %ld",
				 o->key, o->min, o->max, v);
			return -ERANGE;
		}
		*(long *)field = v;
		return 0;
	}
	case OPT_BOOL:
		if (parse_bool(val, (bool *)field)) {
			snprintf(err, errsz, "'%s' wants true or false, got '%s'", o->key, val);
			return -EINVAL;
		}
		return 0;
	case OPT_ENUM:
		for (int i = 0; o->choices[i]; i++) {
			if (!strcasecmp(val, o->choices[i])) {
				*(int *)field = i;
				return 0;
			}
		}
		{
			int n = snprintf(err, errsz, "'%s' must be one of", o->key);

			for (int i = 0; o->choices[i] && n > 0 && (size_t)n < errsz; i++)
				n += snprintf(err + n, errsz - n, "%s%s", i ? "|" : " ", o->choices[i]);
			if (n > 0 && (size_t)n < errsz)
				snprintf(err + n, errsz - n, ", got '%s'", val);
		}
		return -EINVAL;
	}
	return -EINVAL;
}

int opts__defaults(const struct opt *tbl, void *dst)
{
	char err[256];

	for (; tbl->key; tbl++) {
		if (tbl->def && opts__set(tbl, dst, tbl->def, err, sizeof(err)))
			return -EINVAL;
		if (!tbl->def && (tbl->type == OPT_STR || tbl->type == OPT_LIST))
			((char *)dst)[tbl->off] = '\0';
	}
	return 0;
}

static const struct opt *find_flag(const struct opt *tbl, const char *name, size_t len)
{
	for (; tbl->key; tbl++)
		if (tbl->flag && strlen(tbl->flag) == len && !strncmp(tbl->flag, name, len))
			return tbl;
	return NULL;
}

int opts__parse_argv(const struct opt *tbl, void *dst, int argc, char **argv, int *next)
{
	char err[256];
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		const struct opt *o = NULL;
		bool negate = false;

		if (a[0] != '-' || !a[1])
			break;
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);

			o = find_flag(tbl, name, len);
			if (!o && len > 3 && !strncmp(name, "no-", 3)) {
				o = find_flag(tbl, name + 3, len - 3);
				negate = o && o->type == OPT_BOOL;
				if (!negate)
					o = NULL;
			}
			if (!o) {
				char tmp[64];
				const char *s;

				snprintf(tmp, sizeof(tmp), "%.*s", (int)len, name);
				s = suggest(tbl, tmp, true);
				fprintf(stderr, "sonde: unknown option '--%s'%s%s%s\n", tmp,
					s ? " (did you mean '--" : "", s ? s : "", s ? "'?)" : "");
				return -EINVAL;
			}
			if (eq)
				val = eq + 1;
		} else {
			for (const struct opt *t = tbl; t->key; t++)
				if (t->short_name && t->short_name == a[1])
					o = t;
			if (!o || a[2]) {
				fprintf(stderr, "sonde: unknown option '%s'\n", a);
				return -EINVAL;
			}
		}
		if (o->type == OPT_BOOL && !val) {
			val = negate ? "false" : "true";
		} else if (!val) {
			if (i + 1 >= argc) {
				fprintf(stderr, "sonde: option '%s' needs a value (%s)\n", a,
					o->arg ? o->arg : "VALUE");
				return -EINVAL;
			}
			val = argv[++i];
		}
		if (opts__set(o, dst, val, err, sizeof(err))) {
			fprintf(stderr, "sonde: %s: %s\n", a, err);
			return -EINVAL;
		}
	}
	if (next)
		*next = i;
	return 0;
}

/* YAML walking: a stack of mapping keys gives the dotted path of a scalar. */
struct ywalk {
	const struct opt *tbl;
	void *dst;
	const char *name;
	char *err;
	size_t errsz;
	char path[8][64];
	int depth;		/* number of open mappings */
	bool have_key[8];
	char list[1024];	/* sequence being joined */
	int in_seq;
	size_t seq_line;
};

static int yerr(struct ywalk *w, size_t line, const char *fmt, const char *a, const char *b)
{
	char msg[640];

	snprintf(msg, sizeof(msg), fmt, a, b);
	snprintf(w->err, w->errsz, "%s:%zu: %s", w->name, line + 1, msg);
	return -EINVAL;
}

static int ykey(struct ywalk *w, char *out, size_t sz)
{
	size_t n = 0;

	out[0] = '\0';
	for (int i = 0; i < w->depth; i++)
		n += snprintf(out + n, n < sz ? sz - n : 0, "%s%s", i ? "." : "", w->path[i]);
	return n < sz ? 0 : -1;
}

static bool yaml_null(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;

	return ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (!*v || !strcmp(v, "~") || !strcasecmp(v, "null"));
}

static int yassign(struct ywalk *w, const char *val, size_t line)
{
	char key[256], msg[256];
	const struct opt *o;

	ykey(w, key, sizeof(key));
	o = find_key(w->tbl, key);
	if (!o) {
		const char *s = suggest(w->tbl, key, false);
		char hint[96] = "";

		if (s)
			snprintf(hint, sizeof(hint), " (did you mean '%s'?)", s);
		return yerr(w, line, "unknown option '%s'%s", key, hint);
	}
	if (opts__set(o, w->dst, val, msg, sizeof(msg)))
		return yerr(w, line, "%s%s", msg, "");
	return 0;
}

int opts__parse_yaml_str(const struct opt *tbl, void *dst, const char *name,
			 const char *text, size_t len, char *err, size_t errsz)
{
	struct ywalk w = { .tbl = tbl, .dst = dst, .name = name, .err = err, .errsz = errsz };
	yaml_parser_t p;
	yaml_event_t ev;
	int ret = 0, done = 0;

	if (!yaml_parser_initialize(&p)) {
		snprintf(err, errsz, "%s: cannot initialize the YAML parser", name);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!done && !ret) {
		if (!yaml_parser_parse(&p, &ev)) {
			snprintf(err, errsz, "%s:%zu: %s", name, p.problem_mark.line + 1,
				 p.problem ? p.problem : "invalid YAML");
			ret = -EINVAL;
			break;
		}
		size_t line = ev.start_mark.line;

		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_MAPPING_START_EVENT:
			if (w.in_seq) {
				ret = yerr(&w, line, "a list may hold only plain values%s%s", "", "");
				break;
			}
			if (w.depth > 0 && !w.have_key[w.depth - 1]) {
				ret = yerr(&w, line, "a mapping cannot be used as a key%s%s", "", "");
				break;
			}
			if (w.depth >= 8) {
				ret = yerr(&w, line, "nesting too deep%s%s", "", "");
				break;
			}
			w.depth++;
			w.have_key[w.depth - 1] = false;
			break;
		case YAML_MAPPING_END_EVENT:
			w.depth--;
			if (w.depth > 0)
				w.have_key[w.depth - 1] = false;
			break;
		case YAML_SEQUENCE_START_EVENT:
			if (w.in_seq || w.depth == 0 || !w.have_key[w.depth - 1]) {
				ret = yerr(&w, line, "unexpected list%s%s", "", "");
				break;
			}
			{
				char key[256];
				const struct opt *o;

				ykey(&w, key, sizeof(key));
				o = find_key(w.tbl, key);
				/* Unknown keys are named (with a suggestion) by yassign. */
				if (o && o->type != OPT_LIST) {
					ret = yerr(&w, line, "'%s' takes one value, not a list%s", key, "");
					break;
				}
			}
			w.in_seq = 1;
			w.list[0] = '\0';
			w.seq_line = line;
			break;
		case YAML_SEQUENCE_END_EVENT:
			w.in_seq = 0;
			ret = yassign(&w, w.list, w.seq_line);
			w.have_key[w.depth - 1] = false;
			break;
		case YAML_SCALAR_EVENT: {
			const char *v = (const char *)ev.data.scalar.value;

			if (w.in_seq) {
				size_t n = strlen(w.list);

				if (n + strlen(v) + 2 > sizeof(w.list)) {
					ret = yerr(&w, line, "list too long%s%s", "", "");
					break;
				}
				snprintf(w.list + n, sizeof(w.list) - n, "%s%s", n ? "," : "", v);
			} else if (w.depth == 0) {
				/* "---" alone (every option commented out) is empty. */
				if (!yaml_null(&ev))
					ret = yerr(&w, line, "expected a mapping of options, got '%s'%s", v, "");
			} else if (!w.have_key[w.depth - 1]) {
				if (strlen(v) >= sizeof(w.path[0]) || strchr(v, '.')) {
					ret = yerr(&w, line, "invalid key '%s'%s", v, "");
					break;
				}
				strcpy(w.path[w.depth - 1], v);
				w.have_key[w.depth - 1] = true;
			} else if (yaml_null(&ev)) {
				/* "key:" or "key: ~": empty for strings, an error otherwise. */
				char key[256];
				const struct opt *o;

				ykey(&w, key, sizeof(key));
				o = find_key(w.tbl, key);
				if (o && o->type != OPT_STR && o->type != OPT_LIST)
					ret = yerr(&w, line, "'%s' needs a value%s", key, "");
				else
					ret = yassign(&w, "", line);
				w.have_key[w.depth - 1] = false;
			} else {
				ret = yassign(&w, v, line);
				w.have_key[w.depth - 1] = false;
			}
			break;
		}
		case YAML_ALIAS_EVENT:
			ret = yerr(&w, line, "aliases are not supported%s%s", "", "");
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return ret;
}

int opts__parse_yaml(const struct opt *tbl, void *dst, const char *path, char *err, size_t errsz)
{
	char *buf;
	size_t len;
	int ret = textfile__read(path, 1 << 20, "config file", &buf, &len, err, errsz);

	if (ret)
		return ret;
	ret = opts__parse_yaml_str(tbl, dst, path, buf, len, err, errsz);
	free(buf);
	return ret;
}

void opts__usage(const struct opt *tbl, FILE *f)
{
	for (; tbl->key; tbl++) {
		char lhs[64];

		if (!tbl->flag)
			continue;
		if (tbl->type == OPT_BOOL)
			snprintf(lhs, sizeof(lhs), "%c%c%s--[no-]%s", tbl->short_name ? '-' : ' ',
				 tbl->short_name ? tbl->short_name : ' ', tbl->short_name ? ", " : "  ",
				 tbl->flag);
		else
			snprintf(lhs, sizeof(lhs), "%c%c%s--%s %s", tbl->short_name ? '-' : ' ',
				 tbl->short_name ? tbl->short_name : ' ', tbl->short_name ? ", " : "  ",
				 tbl->flag, tbl->arg ? tbl->arg : "VALUE");
		fprintf(f, "  %-32s %s", lhs, tbl->help);
		if (tbl->def && *tbl->def)
			fprintf(f, " [%s]", tbl->def);
		if (strcmp(tbl->key, tbl->flag))
			fprintf(f, " (config: %s)", tbl->key);
		fputc('\n', f);
	}
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Table-driven options: one table drives command-line flags, YAML config
 * keys and --help, so the three cannot drift apart. */
#ifndef SONDE_OPTS_H
#define SONDE_OPTS_H
#include <stddef.h>
#include <stdio.h>

/* OPT_LIST is text too, comma-separated; only it takes a YAML list. */
enum opt_type { OPT_STR, OPT_LIST, OPT_INT, OPT_BOOL, OPT_ENUM };

struct opt {
	const char *key;	/* YAML key, dotted for sections ("syscalls.max_keys") */
	const char *flag;	/* long flag without "--"; NULL: config file only */
	char short_name;	/* 0: none */
	enum opt_type type;
	size_t off, size;	/* field in the target struct; size of a string buffer */
	long min, max;		/* OPT_INT range */
	const char *const *choices; /* OPT_ENUM: NULL-terminated; stores the index as int */
	const char *def;	/* default, as text */
	const char *arg;	/* placeholder in --help */
	const char *help;
};

#define OPT_FIELD(type, f) offsetof(type, f), sizeof(((type *)0)->f)

/* Applies every default of the table to dst. */
int opts__defaults(const struct opt *tbl, void *dst);
/* Sets one option from text; on error fills err with the reason. */
int opts__set(const struct opt *o, void *dst, const char *val, char *err, size_t errsz);
/* Parses flags (argv[0] is skipped); stops at the first non-option, whose
 * index is returned in *next. Errors are printed with their reason. */
int opts__parse_argv(const struct opt *tbl, void *dst, int argc, char **argv, int *next);
/* Loads a YAML mapping (nested mappings become dotted keys, sequences are
 * joined with commas, for OPT_LIST keys only). Errors name the file, line and reason in err. */
int opts__parse_yaml(const struct opt *tbl, void *dst, const char *path, char *err, size_t errsz);
int opts__parse_yaml_str(const struct opt *tbl, void *dst, const char *name,
			 const char *text, size_t len, char *err, size_t errsz);
void opts__usage(const struct opt *tbl, FILE *f);
#endif

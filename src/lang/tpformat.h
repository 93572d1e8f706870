/* SPDX-License-Identifier: Apache-2.0 */
/* A tracepoint's record layout, from tracefs' events/CAT/NAME/format:
 *   ID: 782
 *   format:
 *   	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
 *   	field:const char * filename;	offset:24;	size:8;	signed:0;
 *   	field:char prev_comm[16];	offset:8;	size:16;	signed:0;
 *   	field:__data_loc char[] filename;	offset:8;	size:4;	signed:0;
 *   print fmt: ...
 * Pure parsing plus two small file-system helpers; what the type checker
 * learns about tracepoints it learns from here (through struct lang_env). */
#ifndef SONDE_LANG_TPFORMAT_H
#define SONDE_LANG_TPFORMAT_H
#include <stdbool.h>
#include <stddef.h>

#define LANG_TP_FIELDS_MAX 64  /* the kernel's widest has 24 */
#define LANG_TP_NAME_MAX   64  /* field names, NUL included */
#define LANG_TP_TYPE_MAX   96  /* a field's C type text, NUL included */
#define LANG_TP_FILE_MAX   (1u << 20) /* lang_tp__load() reads no more */

/* How the code generator reads a field. */
enum lang_tp_class {
	LANG_TP_INT,	  /* an integer of size bytes (1, 2, 4, 8), is_signed */
	LANG_TP_PTR,	  /* a pointer (size 8); type keeps its text: "const char *" */
	LANG_TP_STRING,	  /* char[array_len] in the record, or a __data_loc char[] */
	LANG_TP_ARRAY,	  /* elem[array_len] of elem_size bytes; array_len 0: a
			   * flexible array ("args[]", size 0) */
	LANG_TP_DYNARRAY, /* a __data_loc array of elem_size bytes (not char) */
	LANG_TP_OTHER,	  /* anything else (a struct by value, __int128) */
};

struct lang_tp_field {
	char name[LANG_TP_NAME_MAX];
	/* The type as the file spells it, the name and any [N] removed:
	 * "const char *", "char", "__data_loc char[]". */
	char type[LANG_TP_TYPE_MAX];
	unsigned offset, size;
	bool is_signed;
	unsigned array_len; /* 0: not an array (see LANG_TP_ARRAY) */
	unsigned elem_size; /* arrays: size of one element */
	/* A u32 in the record, (len << 16) | offset, locating dynamic
	 * data; rel_loc (__rel_loc): offset counts from the end of the field. */
	bool data_loc, rel_loc;
	bool common; /* common_type, common_pid, ...: not the event's own */
	enum lang_tp_class cls;
};

struct lang_tp_format {
	unsigned id;
	unsigned nfields;
	struct lang_tp_field fields[LANG_TP_FIELDS_MAX];
};

/* Parses text[0..len) (no NUL needed; everything after "print fmt:" is
 * ignored). 0, or -EINVAL with "format: line N: WHAT" in err (cut to
 * errsz; err may be NULL). */
int lang_tp__parse(const char *text, size_t len, struct lang_tp_format *out, char *err,
		   size_t errsz);
/* Reads and parses TRACEFS/events/CAT/NAME/format. -ENOENT when that
 * tracepoint does not exist, -EINVAL for bad names or a bad file, or the
 * read's errno; err says which (prefixed with the path). */
int lang_tp__load(const char *tracefs, const char *cat, const char *name,
		  struct lang_tp_format *out, char *err, size_t errsz);
/* Calls cb for each tracepoint under TRACEFS/events whose category and
 * name match the fnmatch(3) globs, sorted by category then name. cb
 * returns 0 to go on; anything else stops the walk and is returned.
 * Otherwise 0, or a negative errno when events/ cannot be read. */
int lang_tp__list(const char *tracefs, const char *cat_glob, const char *name_glob,
		  int (*cb)(void *arg, const char *cat, const char *name), void *arg);
/* The field called name, or NULL. */
const struct lang_tp_field *lang_tp__field(const struct lang_tp_format *fmt, const char *name);
#endif

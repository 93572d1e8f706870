// SPDX-License-Identifier: Apache-2.0
/* libFuzzer harness: arbitrary bytes as a tracefs format file (src/lang/tpformat.c).
 * FUZZ_SRCS: src/lang/tpformat.c
 *
 * Properties: never crashes or reads past the input (copied to a buffer
 * of exactly its size, no NUL); an error is -EINVAL with a NUL-terminated
 * "format: " message inside errsz; a parsed format has 1..FIELDS_MAX
 * fields with NUL-terminated names and types, unique names, and
 * classifications consistent with sizes. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "lang/tpformat.h"

#define ERRSZ 96
#define GUARD 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lang_tp_format fmt;
	char err[ERRSZ + GUARD];
	char *text = malloc(size ? size : 1);
	int ret;

	CHECK(text);
	memcpy(text, data, size);
	memset(err, 'Z', sizeof(err));
	ret = lang_tp__parse(text, size, &fmt, err, ERRSZ);
	free(text);
	for (size_t i = ERRSZ; i < sizeof(err); i++)
		CHECK(err[i] == 'Z');
	if (ret) {
		CHECK(ret == -EINVAL);
		CHECK(memchr(err, '\0', ERRSZ) && !strncmp(err, "format: ", 8));
		return 0;
	}
	CHECK(fmt.nfields >= 1 && fmt.nfields <= LANG_TP_FIELDS_MAX);
	for (unsigned i = 0; i < fmt.nfields; i++) {
		const struct lang_tp_field *f = &fmt.fields[i];

		CHECK(memchr(f->name, '\0', sizeof(f->name)) && f->name[0]);
		CHECK(memchr(f->type, '\0', sizeof(f->type)) && f->type[0]);
		CHECK(lang_tp__field(&fmt, f->name) == f);
		if (f->data_loc)
			CHECK(f->size == 4);
		if (f->cls == LANG_TP_INT)
			CHECK(f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8);
		if (f->cls == LANG_TP_ARRAY || (f->cls == LANG_TP_STRING && !f->data_loc))
			CHECK(f->array_len ? f->elem_size * f->array_len == f->size : f->size == 0);
	}
	return 0;
}

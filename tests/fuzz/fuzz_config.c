// SPDX-License-Identifier: Apache-2.0
/* libFuzzer harness: arbitrary bytes as a YAML config file.
 * FUZZ_SRCS: src/core/opts.c src/core/config.c src/lib/suggest.c src/lib/textfile.c
 * (with a section of every option type composed in, as collectors add theirs)
 * FUZZ_LIBS: -lyaml
 *
 * Properties: never crashes (ASan/UBSan are fatal); on error the message is
 * NUL-terminated inside its buffer, names the file and writes nothing past
 * errsz; on success every option holds a value its table entry allows. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/config.h"
#include "core/opts.h"

#define ERRSZ 256
#define GUARD 32

/* A section of every option type, as collectors declare theirs: the
 * composed table is what the agent parses. */
struct fuzz_section {
	long n;
	char s[32];
	char l[32];
	bool b;
	int e;
};

static const char *const choices[] = { "auto", "one", "two", NULL };
#define F(f) OPT_FIELD(struct fuzz_section, f)
static const struct opt fuzz_opts[] = {
	{ "sec.n", "sec-n", 0, OPT_INT, F(n), -5, 1L << 30, NULL, "7", "N", "an integer" },
	{ "sec.s", "sec-s", 0, OPT_STR, F(s), 0, 0, NULL, "x", "S", "a string" },
	{ "sec.l", "sec-l", 0, OPT_LIST, F(l), 0, 0, NULL, "a,b", "LIST", "a list" },
	{ "sec.b", "sec-b", 0, OPT_BOOL, F(b), 0, 0, NULL, "false", NULL, "a bool" },
	{ "sec.e", "sec-e", 0, OPT_ENUM, F(e), 0, 0, choices, "auto", "E", "an enum" },
	{ 0 }
};
#undef F
static const struct config_section fuzz_section = { "sec", fuzz_opts, sizeof(struct fuzz_section) };
static const struct config_section *const secs[] = { &fuzz_section };

static void check_values(const struct sonde_config *c)
{
	for (const struct opt *o = config__opts(); o->key; o++) {
		const char *field = (const char *)c + o->off;

		switch (o->type) {
		case OPT_STR:
		case OPT_LIST:
			if (!memchr(field, '\0', o->size)) {
				fprintf(stderr, "%s: not NUL-terminated\n", o->key);
				abort();
			}
			break;
		case OPT_INT: {
			long v = *(const long *)field;

			if (v < o->min || v > o->max) {
				fprintf(stderr, "%s = %ld outside [%ld, %ld]\n", o->key, v, o->min, o->max);
				abort();
			}
			break;
		}
		case OPT_BOOL: {
			unsigned char b;

			memcpy(&b, field, 1);
			if (b > 1) {
				fprintf(stderr, "%s: bool byte %u\n", o->key, b);
				abort();
			}
			break;
		}
		case OPT_ENUM: {
			int v = *(const int *)field, n = 0;

			while (o->choices[n])
				n++;
			if (v < 0 || v >= n) {
				fprintf(stderr, "%s: enum index %d of %d\n", o->key, v, n);
				abort();
			}
			break;
		}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sonde_config c;
	char err[ERRSZ + GUARD];
	int ret;

	if (config__compose(secs, 1))
		abort();
	memset(&c, 0, sizeof(c));
	if (opts__defaults(config__opts(), &c))
		abort();
	memset(err, 'Z', sizeof(err));
	/* data is exactly size bytes (no NUL): the parser must respect len. */
	ret = opts__parse_yaml_str(config__opts(), &c, "fuzz.yaml", (const char *)data, size, err, ERRSZ);
	for (size_t i = ERRSZ; i < sizeof(err); i++)
		if (err[i] != 'Z')
			abort();	/* wrote past errsz */
	if (ret) {
		if (ret > 0)
			abort();
		if (!memchr(err, '\0', ERRSZ)) {
			fprintf(stderr, "error message not NUL-terminated\n");
			abort();
		}
		if (strncmp(err, "fuzz.yaml", 9)) {
			fprintf(stderr, "error does not name the file: %s\n", err);
			abort();
		}
	} else {
		check_values(&c);
	}
	return 0;
}

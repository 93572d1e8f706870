// SPDX-License-Identifier: Apache-2.0
/* libFuzzer harness: arbitrary bytes as a tracing-language program
 * (src/lang, issue 15).
 * FUZZ_SRCS: src/lang/lex.c src/lang/diag.c src/lang/parse.c src/lang/parse_expr.c src/lang/ast.c src/lang/check.c src/lang/check_expr.c src/lang/check_probe.c src/lang/builtins.c src/lang/printf.c src/lang/tpformat.c src/lib/suggest.c
 *
 * Properties: never crashes or leaks (ASan/UBSan are fatal); never reads
 * past the input (it is copied to a buffer of exactly its size, without a
 * NUL); an error is -EINVAL or -ENOMEM, leaves no program, is
 * NUL-terminated inside its buffer, starts with "FILE:" and writes
 * nothing past errsz; a parsed program has probes, each with attach
 * points and a block, and dumps to a balanced S-expression whose length
 * the dump reports the same with or without room. Every parsed program
 * then goes through the type checker against a fake kernel
 * (tests/unit/lang_env_fake.h): 0, or -EINVAL with a "FILE:" message
 * inside errsz; a checked program's typed dump is balanced too. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "lang/parse.h"
#include "lang/check.h"
#include "../unit/lang_env_fake.h"

#define ERRSZ	  256
#define GUARD	  32
#define FILE_NAME "fuzz.bt"

static void check_dump(const struct lang_program *prog, bool typed)
{
	static char buf[1 << 20];
	size_t (*dump)(const struct lang_program *, char *, size_t) =
		typed ? lang_program__dump_typed : lang_program__dump;
	size_t n = dump(prog, buf, sizeof(buf)), depth = 0;
	bool quoted = false;

	CHECK(dump(prog, NULL, 0) == n);
	if (n >= sizeof(buf))
		return;
	CHECK(strlen(buf) == n && !strncmp(buf, "(program (", 10));
	for (size_t i = 0; i < n; i++) {
		if (quoted) {
			if (buf[i] == '\\')
				i++;
			else if (buf[i] == '"')
				quoted = false;
			continue;
		}
		CHECK(buf[i] >= 0x20 && buf[i] < 0x7f);
		if (buf[i] == '"')
			quoted = true;
		else if (buf[i] == '(')
			depth++;
		else if (buf[i] == ')')
			CHECK(depth-- > 0);
	}
	CHECK(!quoted && depth == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lang_program *prog = (void *)1;
	char err[ERRSZ + GUARD];
	char *text = malloc(size ? size : 1);
	int ret;

	CHECK(text);
	memcpy(text, data, size);
	memset(err, 'Z', sizeof(err));
	ret = lang__parse(FILE_NAME, text, size, &prog, err, ERRSZ);
	for (size_t i = ERRSZ; i < sizeof(err); i++)
		CHECK(err[i] == 'Z');
	if (ret) {
		CHECK(ret == -EINVAL || ret == -ENOMEM);
		CHECK(!prog);
		CHECK(memchr(err, '\0', ERRSZ));
		CHECK(!strncmp(err, FILE_NAME ":", strlen(FILE_NAME) + 1));
		CHECK(strstr(err, ": error: "));
		free(text);
		return 0;
	}
	CHECK(prog && prog->nprobes >= 1 && prog->nprobes <= LANG_PROBES_MAX);
	for (const struct lang_probe *p = prog->probes; p; p = p->next)
		CHECK(p->attach && p->nattach >= 1 && p->body && p->body->kind == LANG_BLOCK);
	check_dump(prog, false);
	{
		struct lang_env env;

		fake_env(&env);
		env.unsafe = size & 1; /* both ways */
		memset(err, 'Z', sizeof(err));
		ret = lang__check(prog, &env, text, size, err, ERRSZ);
		for (size_t i = ERRSZ; i < sizeof(err); i++)
			CHECK(err[i] == 'Z');
		CHECK(ret == 0 || ret == -EINVAL || ret == -ENOMEM);
		if (ret) {
			CHECK(memchr(err, '\0', ERRSZ));
			CHECK(!strncmp(err, FILE_NAME ":", strlen(FILE_NAME) + 1));
		} else {
			for (const struct lang_map *m = prog->maps; m; m = m->next)
				CHECK(m->kind != LANG_MV_NONE && m->nkeys <= LANG_MAP_KEYS_MAX);
			check_dump(prog, true);
		}
	}
	free(text);
	lang_program__free(prog);
	return 0;
}

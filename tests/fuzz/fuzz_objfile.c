// SPDX-License-Identifier: Apache-2.0
/* libFuzzer harness: arbitrary bytes as a BPF object file, through the
 * whole open path `sonde verify` takes: objfile__check, then libbpf's
 * bpf_object__open_mem in a child process (verify__open_check).
 * FUZZ_SRCS: src/verifier/objfile.c src/verifier/verify.c src/verifier/btfext.c src/verifier/report.c src/core/log.c src/lib/strbuf.c src/lib/utf8.c
 * FUZZ_LIBS: /usr/lib/x86_64-linux-gnu/libbpf.a -lelf -lz
 *
 * Seeds: tests/fuzz/corpus/objfile/, real objects. Properties: never
 * crashes (libbpf crashing in the child is a verdict, not a crash here);
 * returns a program count >= 0, -EINVAL or -EBADMSG; on an error the reason
 * is a NUL-terminated string that says "not a BPF object" or "malformed
 * object"; the same bytes give the same verdict twice. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "fuzz.h"
#include "verifier/verify.h"

static int quiet(enum libbpf_print_level l, const char *fmt, va_list ap) { return 0; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct verify_source src = { "fuzz", data, size };
	char why[256], why2[256];
	int a, b;

	libbpf_set_print(quiet);
	why[0] = why2[0] = '\0';
	a = verify__open_check(&src, why, sizeof(why));
	b = verify__open_check(&src, why2, sizeof(why2));
	CHECK(a >= 0 || a == -EINVAL || a == -EBADMSG);
	CHECK(a == b);
	if (a < 0) {
		CHECK(memchr(why, '\0', sizeof(why)));
		CHECK(strstr(why, "not a BPF object") || strstr(why, "malformed object"));
		CHECK(!strcmp(why, why2));
	}
	return 0;
}

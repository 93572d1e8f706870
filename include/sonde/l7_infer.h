/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The kernel's protocol test on a connection's first bytes (bpf/l7.bpf.c),
 * pure C so that user space fuzzes the same code against its parsers
 * (tests/fuzz/fuzz_http1.c: what the kernel lets through, the parser must
 * take for the start of a message). */
#ifndef SONDE_L7_INFER_H
#define SONDE_L7_INFER_H
#include "sonde/types.h"

#define L7_W(a, b, c, d) ((__u32)(a) | (__u32)(b) << 8 | (__u32)(c) << 16 | (__u32)(d) << 24)

enum l7_http1_kind { L7_NOT_HTTP1, L7_HTTP1_REQUEST, L7_HTTP1_RESPONSE };

/* Whether a message starts with an HTTP/1.x request line (its method and a
 * space) or status line ("HTTP/1."). v is its first 8 bytes, little-endian:
 * compared as words, as the compiler turns byte reads of a stack array
 * into pointer arithmetic the verifier refuses. */
static inline int l7_http1_kind(__u64 v)
{
	__u32 lo = v, hi = v >> 32;

	switch (lo) {
	case L7_W('G', 'E', 'T', ' '):
	case L7_W('P', 'U', 'T', ' '):
		return L7_HTTP1_REQUEST;
	case L7_W('P', 'O', 'S', 'T'):
	case L7_W('H', 'E', 'A', 'D'):
		return (hi & 0xff) == ' ' ? L7_HTTP1_REQUEST : L7_NOT_HTTP1;
	case L7_W('P', 'A', 'T', 'C'):
		return (hi & 0xffff) == L7_W('H', ' ', 0, 0) ? L7_HTTP1_REQUEST : L7_NOT_HTTP1;
	case L7_W('T', 'R', 'A', 'C'):
		return (hi & 0xffff) == L7_W('E', ' ', 0, 0) ? L7_HTTP1_REQUEST : L7_NOT_HTTP1;
	case L7_W('D', 'E', 'L', 'E'):
		return (hi & 0xffffff) == L7_W('T', 'E', ' ', 0) ? L7_HTTP1_REQUEST : L7_NOT_HTTP1;
	case L7_W('O', 'P', 'T', 'I'):
		return hi == L7_W('O', 'N', 'S', ' ') ? L7_HTTP1_REQUEST : L7_NOT_HTTP1;
	case L7_W('C', 'O', 'N', 'N'):
		return hi == L7_W('E', 'C', 'T', ' ') ? L7_HTTP1_REQUEST : L7_NOT_HTTP1;
	case L7_W('H', 'T', 'T', 'P'):
		return (hi & 0xffffff) == L7_W('/', '1', '.', 0) ? L7_HTTP1_RESPONSE : L7_NOT_HTTP1;
	}
	return L7_NOT_HTTP1;
}
#endif

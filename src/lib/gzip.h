/* SPDX-License-Identifier: Apache-2.0 */
/* gzip (RFC 1952) of a buffer in one call, for the pprof writer and the
 * HTTP client's request bodies. */
#ifndef SONDE_LIB_GZIP_H
#define SONDE_LIB_GZIP_H
#include <stddef.h>

struct strbuf;

/* The gzip of [in, in+len) appended to out. 0, -ENOMEM or -EIO. */
int gzip__append(struct strbuf *out, const void *in, size_t len);
#endif

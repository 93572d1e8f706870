// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <zlib.h>
#include "lib/gzip.h"
#include "lib/strbuf.h"

int gzip__append(struct strbuf *out, const void *in, size_t len)
{
	z_stream z = {};
	int zerr;

	/* windowBits 15 + 16: a gzip header and trailer, not zlib's. */
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	if (sb__reserve(out, deflateBound(&z, len) + 1)) {
		deflateEnd(&z);
		return -ENOMEM;
	}
	z.next_in = (Bytef *)in;
	z.avail_in = len;
	z.next_out = (Bytef *)out->buf + out->len;
	z.avail_out = out->cap - out->len - 1;
	zerr = deflate(&z, Z_FINISH);
	out->len += z.total_out;
	out->buf[out->len] = '\0';
	deflateEnd(&z);
	return zerr == Z_STREAM_END ? 0 : -EIO;
}

// SPDX-License-Identifier: Apache-2.0
/* libFuzzer harness: the pcapng writer on arbitrary packets, read back;
 * and the reader on the raw input.
 * FUZZ_SRCS: src/lib/pcapng.c
 * FUZZ_LIBS:
 *
 * The input is a sequence of records: 2 bytes of length, 1 of direction,
 * 8 of timestamp, then the packet's bytes (cut at the end of the input).
 * Properties: what is read back from the written file is exactly what was
 * written (count, timestamps, lengths cut at the snap length, bytes,
 * directions); the reader never crashes on the raw input, and a refusal
 * says why. */
#include <stdint.h>
#include <string.h>
#include "fuzz.h"
#include "lib/pcapng.h"

#define SNAP 1000
#define MAXP 64

struct rec {
	uint64_t ts;
	const uint8_t *data;
	uint32_t len;
	enum pcapng_dir dir;
};

struct cmp {
	const struct rec *r;
	unsigned n, i;
};

static int check_one(void *ctx, const struct pcapng_packet *p)
{
	struct cmp *c = ctx;
	const struct rec *r = &c->r[c->i++];
	uint32_t cap = r->len < SNAP ? r->len : SNAP;

	CHECK(c->i <= c->n);
	CHECK(p->ts_ns == r->ts && p->caplen == cap && p->origlen == r->len && p->dir == r->dir);
	CHECK(!memcmp(p->data, r->data, cap));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rec recs[MAXP];
	struct pcapng_writer w;
	struct cmp c = { recs };
	char *buf = NULL, why[128];
	size_t len = 0, off = 0;
	FILE *f;
	long n;

	while (off + 11 <= size && c.n < MAXP) {
		struct rec *r = &recs[c.n++];
		uint16_t l;

		memcpy(&l, data + off, 2);
		r->dir = data[off + 2] % 3;
		memcpy(&r->ts, data + off + 3, 8);
		off += 11;
		r->len = l < size - off ? l : size - off;
		r->data = data + off;
		off += r->len;
	}
	f = open_memstream(&buf, &len);
	if (!f)
		return 0;
	CHECK(!pcapng__open(&w, f, "eth0", SNAP, "fuzz"));
	for (unsigned i = 0; i < c.n; i++)
		CHECK(!pcapng__packet(&w, recs[i].ts, recs[i].data, recs[i].len, recs[i].len, recs[i].dir));
	fclose(f);
	n = pcapng__read(buf, len, check_one, &c, why, sizeof(why));
	CHECK(n == (long)c.n && c.i == c.n);
	free(buf);
	/* The raw input as a file. */
	n = pcapng__read(data, size, NULL, NULL, why, sizeof(why));
	CHECK(n >= 0 || why[0]);
	return 0;
}

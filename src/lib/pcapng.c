// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "lib/pcapng.h"

#define BT_SHB	0x0A0D0D0Au
#define BT_IDB	0x00000001u
#define BT_EPB	0x00000006u
#define MAGIC	0x1A2B3C4Du
#define LINKTYPE_ETHERNET 1

#define OPT_END		0
#define OPT_SHB_USERAPPL 4
#define OPT_IF_NAME	2
#define OPT_IF_TSRESOL	9
#define OPT_EPB_FLAGS	2

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static void put(struct pcapng_writer *w, const void *p, size_t n)
{
	static const uint8_t zeros[4];

	if (w->err)
		return;
	if (n && fwrite(p, 1, n, w->f) != n)
		w->err = -(errno ?: EIO);
	if (!w->err && pad4(n) != n && fwrite(zeros, 1, pad4(n) - n, w->f) != pad4(n) - n)
		w->err = -(errno ?: EIO);
}

static void put32(struct pcapng_writer *w, uint32_t v)
{
	put(w, &v, 4);
}

static size_t opt_len(size_t n)
{
	return 4 + pad4(n);
}

static void opt(struct pcapng_writer *w, uint16_t code, const void *v, uint16_t n)
{
	uint16_t h[2] = { code, n };

	put(w, h, 4);
	put(w, v, n);
}

int pcapng__open(struct pcapng_writer *w, FILE *f, const char *ifname, unsigned snaplen, const char *app)
{
	size_t napp = strlen(app) > 200 ? 200 : strlen(app), nif = strlen(ifname) > 64 ? 64 : strlen(ifname);
	uint32_t len;
	uint8_t tsresol = 9;	/* 10^-9: nanoseconds */

	memset(w, 0, sizeof(*w));
	w->f = f;
	w->snaplen = snaplen && snaplen < PCAPNG_MAX_PACKET ? snaplen : PCAPNG_MAX_PACKET;
	/* Section header: byte order, version 1.0, length unknown (-1). */
	len = 28 + opt_len(napp) + 4;
	put32(w, BT_SHB);
	put32(w, len);
	put32(w, MAGIC);
	put32(w, 1);	/* major 1, minor 0 */
	put32(w, 0xffffffffu);
	put32(w, 0xffffffffu);
	opt(w, OPT_SHB_USERAPPL, app, napp);
	opt(w, OPT_END, NULL, 0);
	put32(w, len);
	/* The interface. */
	len = 20 + opt_len(nif) + opt_len(1) + 4;
	put32(w, BT_IDB);
	put32(w, len);
	put32(w, LINKTYPE_ETHERNET);	/* and 16 reserved bits */
	put32(w, w->snaplen);
	opt(w, OPT_IF_NAME, ifname, nif);
	opt(w, OPT_IF_TSRESOL, &tsresol, 1);
	opt(w, OPT_END, NULL, 0);
	put32(w, len);
	return w->err;
}

int pcapng__packet(struct pcapng_writer *w, uint64_t ts_ns, const void *data, uint32_t caplen,
		   uint32_t origlen, enum pcapng_dir dir)
{
	uint32_t flags = dir == PCAPNG_DIR_IN ? 1 : dir == PCAPNG_DIR_OUT ? 2 : 0, len;

	if (caplen > w->snaplen)
		caplen = w->snaplen;
	if (origlen < caplen)
		origlen = caplen;
	len = 28 + pad4(caplen) + (flags ? opt_len(4) + 4 : 0) + 4;
	put32(w, BT_EPB);
	put32(w, len);
	put32(w, 0);	/* interface 0 */
	put32(w, ts_ns >> 32);
	put32(w, (uint32_t)ts_ns);
	put32(w, caplen);
	put32(w, origlen);
	put(w, data, caplen);
	if (flags) {
		opt(w, OPT_EPB_FLAGS, &flags, 4);
		opt(w, OPT_END, NULL, 0);
	}
	put32(w, len);
	if (!w->err)
		w->packets++;
	return w->err;
}

/* ---- reading back ---- */

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static int bad(char *why, size_t sz, size_t off, const char *what)
{
	snprintf(why, sz, "offset %zu: %s", off, what);
	return -EINVAL;
}

/* The EPB's flags option, if any, from its options area. */
static enum pcapng_dir epb_dir(const uint8_t *p, size_t n)
{
	while (n >= 4) {
		uint16_t code, len;

		memcpy(&code, p, 2);
		memcpy(&len, p + 2, 2);
		if (code == OPT_END || 4 + pad4(len) > n)
			break;
		if (code == OPT_EPB_FLAGS && len == 4) {
			uint32_t f = get32(p + 4) & 3;

			return f == 1 ? PCAPNG_DIR_IN : f == 2 ? PCAPNG_DIR_OUT : PCAPNG_DIR_UNKNOWN;
		}
		p += 4 + pad4(len);
		n -= 4 + pad4(len);
	}
	return PCAPNG_DIR_UNKNOWN;
}

long pcapng__read(const void *buf, size_t len, pcapng_packet_fn fn, void *ctx, char *why, size_t why_sz)
{
	const uint8_t *b = buf;
	size_t off = 0;
	long n = 0;
	int64_t tsdiv = 1;	/* to ns */
	bool shb = false, idb = false;

	while (off < len) {
		uint32_t type, blen;

		if (len - off < 12)
			return bad(why, why_sz, off, "truncated block header");
		type = get32(b + off);
		blen = get32(b + off + 4);
		if (blen < 12 || blen % 4 || blen > len - off)
			return bad(why, why_sz, off, "block length out of range");
		if (get32(b + off + blen - 4) != blen)
			return bad(why, why_sz, off, "trailing block length differs");
		if (type == BT_SHB) {
			if (blen < 28 || get32(b + off + 8) != MAGIC)
				return bad(why, why_sz, off, "section header: bad byte-order magic");
			shb = true;
		} else if (!shb) {
			return bad(why, why_sz, off, "no section header first");
		} else if (type == BT_IDB) {
			if (blen < 20)
				return bad(why, why_sz, off, "interface block too short");
			idb = true;
			tsdiv = 1000;	/* default resolution: microseconds */
			for (size_t o = off + 16; o + 4 <= off + blen - 4;) {
				uint16_t code, olen;

				memcpy(&code, b + o, 2);
				memcpy(&olen, b + o + 2, 2);
				if (code == OPT_END || o + 4 + pad4(olen) > off + blen - 4)
					break;
				if (code == OPT_IF_TSRESOL && olen == 1 && b[o + 4] == 9)
					tsdiv = 1;
				o += 4 + pad4(olen);
			}
		} else if (type == BT_EPB) {
			struct pcapng_packet p;
			uint32_t cap;

			if (!idb)
				return bad(why, why_sz, off, "packet before any interface");
			if (blen < 32)
				return bad(why, why_sz, off, "packet block too short");
			cap = get32(b + off + 20);
			if (cap > blen - 32 || pad4(cap) > blen - 32)
				return bad(why, why_sz, off, "captured length beyond the block");
			p.ts_ns = (((uint64_t)get32(b + off + 12) << 32) | get32(b + off + 16)) * tsdiv;
			p.caplen = cap;
			p.origlen = get32(b + off + 24);
			p.data = b + off + 28;
			p.dir = epb_dir(b + off + 28 + pad4(cap), blen - 32 - pad4(cap));
			n++;
			if (fn && fn(ctx, &p))
				return n;
		}
		off += blen;
	}
	if (!shb)
		return bad(why, why_sz, 0, "empty: no section header");
	return n;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* A protobuf reader for the tests only: finds fields in an encoded
 * message, so a test can check what an encoder wrote without a decoder
 * library. Bounds-checked; a malformed message reads as no field. */
#ifndef SONDE_TEST_PB_READER_H
#define SONDE_TEST_PB_READER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct pbr_field {
	unsigned num, wt;
	uint64_t v;		/* varint, fixed64 or fixed32 */
	const uint8_t *p;	/* length-delimited body */
	size_t len;
};

static inline bool pbr__varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	*v = 0;
	for (int s = 0; s < 64 && *p < end; s += 7) {
		uint8_t b = *(*p)++;

		*v |= (uint64_t)(b & 0x7f) << s;
		if (!(b & 0x80))
			return true;
	}
	return false;
}

/* The n-th (from 0) occurrence of field num in [p, p+len); false if none. */
static inline bool pbr__find(const void *msg, size_t len, unsigned num, int n, struct pbr_field *f)
{
	const uint8_t *p = msg, *end = p + len;

	while (p < end) {
		uint64_t key, v = 0;

		if (!pbr__varint(&p, end, &key))
			return false;
		f->num = key >> 3;
		f->wt = key & 7;
		f->p = NULL;
		f->len = 0;
		switch (f->wt) {
		case 0:
			if (!pbr__varint(&p, end, &v))
				return false;
			break;
		case 1:
		case 5: {
			size_t w = f->wt == 1 ? 8 : 4;

			if ((size_t)(end - p) < w)
				return false;
			for (size_t i = 0; i < w; i++)
				v |= (uint64_t)p[i] << (8 * i);
			p += w;
			break;
		}
		case 2:
			if (!pbr__varint(&p, end, &v) || v > (uint64_t)(end - p))
				return false;
			f->p = p;
			f->len = v;
			p += v;
			break;
		default:
			return false;
		}
		f->v = v;
		if (f->num == num && n-- == 0)
			return true;
	}
	return false;
}

static inline unsigned pbr__count(const void *msg, size_t len, unsigned num)
{
	struct pbr_field f;
	unsigned n = 0;

	while (pbr__find(msg, len, num, n, &f))
		n++;
	return n;
}

static inline double pbr__as_double(uint64_t v)
{
	double d;

	memcpy(&d, &v, sizeof(d));
	return d;
}

/* A string field as a NUL-terminated copy in buf ("" when absent). */
static inline const char *pbr__str(const void *msg, size_t len, unsigned num, char *buf, size_t sz)
{
	struct pbr_field f;
	size_t n;

	buf[0] = '\0';
	if (!pbr__find(msg, len, num, 0, &f) || f.wt != 2)
		return buf;
	n = f.len < sz - 1 ? f.len : sz - 1;
	memcpy(buf, f.p, n);
	buf[n] = '\0';
	return buf;
}
#endif

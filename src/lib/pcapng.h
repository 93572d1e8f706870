/* SPDX-License-Identifier: Apache-2.0 */
/* pcapng (draft-ietf-opsawg-pcapng) as tshark, tcpdump and Wireshark read
 * it: one section, one Ethernet interface with nanosecond timestamps, an
 * Enhanced Packet Block per packet with its direction. A small reader of
 * the same subset checks what was written (tests, the fuzzer). Pure. */
#ifndef SONDE_LIB_PCAPNG_H
#define SONDE_LIB_PCAPNG_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PCAPNG_MAX_PACKET (256u << 10)

enum pcapng_dir { PCAPNG_DIR_UNKNOWN, PCAPNG_DIR_IN, PCAPNG_DIR_OUT };

struct pcapng_writer {
	FILE *f;
	unsigned snaplen;
	uint64_t packets;	/* blocks written */
	int err;		/* the first write error (-errno), sticky */
};

/* Writes the section header and the interface description. */
int pcapng__open(struct pcapng_writer *w, FILE *f, const char *ifname, unsigned snaplen, const char *app);
/* One packet: caplen bytes of data (at most snaplen: more are cut),
 * origlen as on the wire. 0 or the sticky -errno. */
int pcapng__packet(struct pcapng_writer *w, uint64_t ts_ns, const void *data, uint32_t caplen,
		   uint32_t origlen, enum pcapng_dir dir);

struct pcapng_packet {
	uint64_t ts_ns;
	const uint8_t *data;
	uint32_t caplen, origlen;
	enum pcapng_dir dir;
};

/* Walks buf's blocks: fn for each packet. Returns the packets read, or
 * -EINVAL with why (offset and reason) on a malformed file. */
typedef int (*pcapng_packet_fn)(void *ctx, const struct pcapng_packet *p);
long pcapng__read(const void *buf, size_t len, pcapng_packet_fn fn, void *ctx, char *why, size_t why_sz);
#endif

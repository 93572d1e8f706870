/* SPDX-License-Identifier: Apache-2.0 */
/* The capture filter language and its compiler to BPF instructions for a
 * socket filter (BPF_PROG_TYPE_SOCKET_FILTER on an AF_PACKET socket).
 * Pure: parsing and code generation only; loading is the caller's.
 *
 *   expr    := and { ("or" | "||") and }
 *   and     := unary { ["and" | "&&"] unary }    (juxtaposition is "and": "tcp port 80")
 *   unary   := ("not" | "!") unary | "(" expr ")" | term
 *   term    := [ "src" | "dst" ] "host" ADDR | [ "src" | "dst" ] "net" CIDR
 *            | [ "src" | "dst" ] "port" N | "proto" (N | NAME)
 *            | "tcp" | "udp" | "icmp" | "icmp6" | "sctp" | "ip" | "ip6" | "arp"
 *
 * As tcpdump reads them: "host 10.0.0.1" is either address, "port 53" is
 * either TCP, UDP or SCTP port (IPv6 without extension headers), "net"
 * takes a CIDR whose host bits are clear, "proto" names the IPv4 protocol
 * or the IPv6 next header. */
#ifndef SONDE_LIB_PFILTER_H
#define SONDE_LIB_PFILTER_H
#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>
#include "lib/netaddr.h"

enum pf_kind {
	PF_AND, PF_OR, PF_NOT,
	PF_HOST, PF_NET, PF_PORT, PF_PROTO,	/* proto: an IP protocol number */
	PF_IP, PF_IP6, PF_ARP,
};

enum pf_dir { PF_EITHER, PF_SRC, PF_DST };

struct pf_node {
	enum pf_kind kind;
	enum pf_dir dir;
	struct cidr cidr;	/* host (a /32 or /128), net */
	unsigned value;		/* port, proto */
	int l, r;		/* children: indices into the tree; -1 none */
};

#define PF_MAX_NODES 256

struct pf_tree {
	struct pf_node n[PF_MAX_NODES];
	int count;
	int root;		/* -1: the empty filter, which takes every packet */
};

/* Parses text; 0, or -EINVAL with the 1-based column and the reason in
 * why ("column 6: expected a port number after 'port', got 'x'"). */
int pf__parse(const char *text, struct pf_tree *t, int *col, char *why, size_t why_sz);

/* Compiles t into at most max instructions returning snaplen for a packet
 * that matches, 0 for one that does not. The number of instructions, or
 * -E2BIG. */
int pf__compile(const struct pf_tree *t, unsigned snaplen, struct bpf_insn *insns, size_t max);
#define PF_MAX_INSNS 4096
#endif

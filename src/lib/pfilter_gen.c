// SPDX-License-Identifier: Apache-2.0
/* The capture filter's code generator: a prologue that parses the IPv4 or
 * IPv6 and transport headers once into stack slots (the protocol from
 * skb->protocol; headers with bpf_skb_load_bytes_relative, so a short
 * packet is a non-match, never a fault), then the tree as jumps to a
 * "take" and a "drop" exit. */
#include <errno.h>
#include <stddef.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <string.h>
#include "lib/insnbuf.h"
#include "lib/pfilter.h"

/* Stack slots, from the frame pointer. */
#define S_FAMILY	-8	/* 0 not IP, 4, 6 */
#define S_ETHERTYPE	-16
#define S_PROTO		-24
#define S_SPORT		-32	/* NO_PORT when none */
#define S_DPORT		-40
#define S_SADDR		-56	/* 16 bytes, network order */
#define S_DADDR		-72
#define S_BUF		-136	/* 64 bytes of scratch for loads */
#define NO_PORT		0x10000

#define R0 BPF_REG_0
#define R1 BPF_REG_1
#define R2 BPF_REG_2
#define R3 BPF_REG_3
#define R4 BPF_REG_4
#define R6 BPF_REG_6
#define R7 BPF_REG_7
#define FP BPF_REG_10

#define MOV64_IMM	INSN_MOV64_IMM
#define MOV64_REG	INSN_MOV64_REG
#define ALU64_IMM	INSN_ALU64_IMM
#define ALU32_IMM	INSN_ALU32_IMM
#define ALU64_REG	INSN_ALU64_REG
#define LDX		INSN_LDX
#define STX		INSN_STX
#define ST_IMM		INSN_ST_IMM
#define BE16		INSN_BE16
#define CALL		INSN_CALL
#define EXIT		INSN_EXIT

#define emit		insn_buf__emit
#define label		insn_buf__label
#define place		insn_buf__place
#define J64(g, op, reg, imm, l)	insn_buf__jump(g, BPF_JMP, op, BPF_K, reg, 0, imm, l)
#define J32(g, op, reg, imm, l)	insn_buf__jump(g, BPF_JMP32, op, BPF_K, reg, 0, imm, l)
#define GOTO(g, l)		insn_buf__jump(g, BPF_JMP, 0, 0, 0, 0, 0, l)

/* r0 = the u64 slot at off */
static void slot(struct insn_buf *g, int off)
{
	emit(g, LDX(BPF_DW, R0, FP, off));
}

/* len bytes at off (from r7, or imm) from the network header into S_BUF;
 * to fail on error. Relative to the network header, not to the data: a
 * packet socket's filter sees the link header first, a test run does not. */
static void load(struct insn_buf *g, int off, bool from_r7, int len, int fail)
{
	emit(g, MOV64_REG(R1, R6));
	emit(g, from_r7 ? MOV64_REG(R2, R7) : MOV64_IMM(R2, off));
	emit(g, MOV64_REG(R3, FP));
	emit(g, ALU64_IMM(BPF_ADD, R3, S_BUF));
	emit(g, MOV64_IMM(R4, len));
	emit(g, MOV64_IMM(BPF_REG_5, BPF_HDR_START_NET));
	emit(g, CALL(BPF_FUNC_skb_load_bytes_relative));
	J64(g, BPF_JNE, R0, 0, fail);
}

static void copy16(struct insn_buf *g, int from, int to)
{
	emit(g, LDX(BPF_DW, R0, FP, from));
	emit(g, STX(BPF_DW, FP, R0, to));
	emit(g, LDX(BPF_DW, R0, FP, from + 8));
	emit(g, STX(BPF_DW, FP, R0, to + 8));
}

static void prologue(struct insn_buf *g)
{
	int done = label(g), v4 = label(g), v6 = label(g), ports = label(g);

	emit(g, MOV64_REG(R6, R1));
	for (int off = S_BUF; off < 0; off += 8)
		emit(g, ST_IMM(BPF_DW, FP, off, 0));
	emit(g, ST_IMM(BPF_DW, FP, S_SPORT, NO_PORT));
	emit(g, ST_IMM(BPF_DW, FP, S_DPORT, NO_PORT));
	emit(g, LDX(BPF_W, R0, R6, offsetof(struct __sk_buff, protocol)));
	emit(g, BE16(R0));
	emit(g, STX(BPF_DW, FP, R0, S_ETHERTYPE));
	J64(g, BPF_JEQ, R0, 0x0800, v4);
	J64(g, BPF_JEQ, R0, 0x86dd, v6);
	GOTO(g, done);

	place(g, v4);
	load(g, 0, false, 20, done);
	emit(g, ST_IMM(BPF_DW, FP, S_FAMILY, 4));
	emit(g, LDX(BPF_B, R0, FP, S_BUF + 9));
	emit(g, STX(BPF_DW, FP, R0, S_PROTO));
	emit(g, LDX(BPF_W, R0, FP, S_BUF + 12));
	emit(g, STX(BPF_W, FP, R0, S_SADDR));
	emit(g, LDX(BPF_W, R0, FP, S_BUF + 16));
	emit(g, STX(BPF_W, FP, R0, S_DADDR));
	/* Fragments after the first have no transport header. */
	emit(g, LDX(BPF_H, R0, FP, S_BUF + 6));
	emit(g, BE16(R0));
	emit(g, ALU64_IMM(BPF_AND, R0, 0x1fff));
	J64(g, BPF_JNE, R0, 0, done);
	emit(g, LDX(BPF_B, R7, FP, S_BUF));
	emit(g, ALU64_IMM(BPF_AND, R7, 0xf));
	emit(g, ALU64_IMM(BPF_LSH, R7, 2));
	GOTO(g, ports);

	place(g, v6);
	load(g, 0, false, 40, done);
	emit(g, ST_IMM(BPF_DW, FP, S_FAMILY, 6));
	emit(g, LDX(BPF_B, R0, FP, S_BUF + 6));
	emit(g, STX(BPF_DW, FP, R0, S_PROTO));
	copy16(g, S_BUF + 8, S_SADDR);
	copy16(g, S_BUF + 24, S_DADDR);
	emit(g, MOV64_IMM(R7, 40));

	place(g, ports);
	slot(g, S_PROTO);
	{
		int have = label(g);

		J64(g, BPF_JEQ, R0, 6, have);
		J64(g, BPF_JEQ, R0, 17, have);
		J64(g, BPF_JEQ, R0, 132, have);
		GOTO(g, done);
		place(g, have);
	}
	load(g, 0, true, 4, done);
	emit(g, LDX(BPF_H, R0, FP, S_BUF));
	emit(g, BE16(R0));
	emit(g, STX(BPF_DW, FP, R0, S_SPORT));
	emit(g, LDX(BPF_H, R0, FP, S_BUF + 2));
	emit(g, BE16(R0));
	emit(g, STX(BPF_DW, FP, R0, S_DPORT));
	place(g, done);
}

/* One side (saddr or daddr at off) against c: falls through on no match,
 * jumps to yes on a match. */
static void addr_side(struct insn_buf *g, const struct cidr *c, int off, int yes)
{
	int no = label(g), words = c->addr.family == AF_INET ? 1 : 4;

	for (int w = 0; w < words; w++) {
		uint8_t mask[4] = {}, net[4];
		unsigned bits = c->prefix > (unsigned)w * 32 ? c->prefix - w * 32 : 0;
		uint32_t m, v;

		for (int b = 0; b < 4; b++) {
			unsigned k = bits > (unsigned)b * 8 ? bits - b * 8 : 0;

			mask[b] = k >= 8 ? 0xff : (uint8_t)(0xff << (8 - k));
			net[b] = c->addr.a[w * 4 + b] & mask[b];
		}
		memcpy(&m, mask, 4);
		memcpy(&v, net, 4);
		if (!m)
			break;	/* the rest of the address is host bits */
		emit(g, LDX(BPF_W, R0, FP, off + 4 * w));
		if (m != 0xffffffffu)
			emit(g, ALU32_IMM(BPF_AND, R0, (__s32)m));
		J32(g, BPF_JNE, R0, (__s32)v, no);
	}
	GOTO(g, yes);
	place(g, no);
}

static void gen_node(struct insn_buf *g, const struct pf_tree *t, int i, int yes, int no)
{
	const struct pf_node *n = &t->n[i];
	int mid;

	if (g->full)
		return;
	switch (n->kind) {
	case PF_AND:
		mid = label(g);
		gen_node(g, t, n->l, mid, no);
		place(g, mid);
		gen_node(g, t, n->r, yes, no);
		return;
	case PF_OR:
		mid = label(g);
		gen_node(g, t, n->l, yes, mid);
		place(g, mid);
		gen_node(g, t, n->r, yes, no);
		return;
	case PF_NOT:
		gen_node(g, t, n->l, no, yes);
		return;
	case PF_IP:
	case PF_IP6:
		slot(g, S_FAMILY);
		J64(g, BPF_JEQ, R0, n->kind == PF_IP ? 4 : 6, yes);
		break;
	case PF_ARP:
		slot(g, S_ETHERTYPE);
		J64(g, BPF_JEQ, R0, 0x0806, yes);
		break;
	case PF_PROTO:
		slot(g, S_FAMILY);
		J64(g, BPF_JEQ, R0, 0, no);
		slot(g, S_PROTO);
		J64(g, BPF_JEQ, R0, n->value, yes);
		break;
	case PF_PORT:
		if (n->dir != PF_DST) {
			slot(g, S_SPORT);
			J64(g, BPF_JEQ, R0, n->value, yes);
		}
		if (n->dir != PF_SRC) {
			slot(g, S_DPORT);
			J64(g, BPF_JEQ, R0, n->value, yes);
		}
		break;
	case PF_HOST:
	case PF_NET:
		slot(g, S_FAMILY);
		J64(g, BPF_JNE, R0, n->cidr.addr.family == AF_INET ? 4 : 6, no);
		if (n->dir != PF_DST)
			addr_side(g, &n->cidr, S_SADDR, yes);
		if (n->dir != PF_SRC)
			addr_side(g, &n->cidr, S_DADDR, yes);
		break;
	}
	GOTO(g, no);
}

int pf__compile(const struct pf_tree *t, unsigned snaplen, struct bpf_insn *insns, size_t max)
{
	struct insn_buf g;
	int take, drop, n;

	if (insn_buf__init(&g, insns, max < PF_MAX_INSNS ? max : PF_MAX_INSNS, 2 * PF_MAX_NODES + 32))
		return -ENOMEM;
	take = label(&g);
	drop = label(&g);
	if (t->root >= 0) {
		prologue(&g);
		gen_node(&g, t, t->root, take, drop);
	}
	place(&g, take);
	emit(&g, MOV64_IMM(R0, snaplen));
	emit(&g, EXIT());
	if (t->root >= 0) {	/* else nothing jumps there: the verifier refuses dead code */
		place(&g, drop);
		emit(&g, MOV64_IMM(R0, 0));
		emit(&g, EXIT());
	}
	n = insn_buf__resolve(&g);
	insn_buf__free(&g);
	return n;
}

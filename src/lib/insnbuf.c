// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdlib.h>
#include "lib/insnbuf.h"

int insn_buf__init(struct insn_buf *b, struct bpf_insn *v, size_t max, int max_labels)
{
	*b = (struct insn_buf){ .v = v, .max = max, .max_labels = max_labels };
	b->label_of = malloc((max ? max : 1) * sizeof(*b->label_of));
	b->at = malloc((max_labels > 0 ? max_labels : 1) * sizeof(*b->at));
	if (!b->label_of || !b->at) {
		insn_buf__free(b);
		return -ENOMEM;
	}
	return 0;
}

void insn_buf__free(struct insn_buf *b)
{
	free(b->label_of);
	free(b->at);
	b->label_of = b->at = NULL;
}

int insn_buf__emit(struct insn_buf *b, struct bpf_insn in)
{
	if (b->n >= b->max) {
		b->full = true;
		return -1;
	}
	b->label_of[b->n] = -1;
	b->v[b->n] = in;
	return b->n++;
}

void insn_buf__ld64(struct insn_buf *b, __u8 dst, __u8 src, __u64 imm)
{
	insn_buf__emit(b, insn_make(BPF_LD | BPF_DW | BPF_IMM, dst, src, 0, (__u32)imm));
	insn_buf__emit(b, insn_make(0, 0, 0, 0, imm >> 32));
}

int insn_buf__label(struct insn_buf *b)
{
	if (b->nlabels >= b->max_labels) {
		b->full = true;
		return 0;
	}
	b->at[b->nlabels] = -1;
	return b->nlabels++;
}

void insn_buf__place(struct insn_buf *b, int l)
{
	if (l >= 0 && l < b->nlabels)
		b->at[l] = b->n;
}

void insn_buf__jump(struct insn_buf *b, __u8 cls, __u8 op, __u8 src, __u8 reg, __u8 reg2,
		    __s32 imm, int l)
{
	int i = insn_buf__emit(b, op ? insn_make(cls | op | src, reg, src == BPF_X ? reg2 : 0, 0,
						 src == BPF_X ? 0 : imm)
				     : insn_make(BPF_JMP | BPF_JA, 0, 0, 0, 0));

	if (i >= 0)
		b->label_of[i] = l;
}

int insn_buf__resolve(struct insn_buf *b)
{
	if (b->full)
		return -E2BIG;
	for (size_t i = 0; i < b->n; i++) {
		int l = b->label_of[i], off;

		if (l < 0)
			continue;
		if (l >= b->nlabels || b->at[l] < 0)
			return -E2BIG;
		off = b->at[l] - (int)i - 1;
		if (off < -32768 || off > 32767)
			return -E2BIG;
		b->v[i].off = off;
	}
	return b->n;
}

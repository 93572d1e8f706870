// SPDX-License-Identifier: Apache-2.0
/* The profile collector's drain: the kernel's counts and stacks of one
 * buffer into stackprofs (on-CPU, off-CPU, and each waiting request's),
 * with the stacks of threads still blocked copied out before the buffer's
 * stack map is cleared. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "collectors/profile_priv.h"
#include "core/bus.h"
#include "core/collector.h"
#include "core/event.h"
#include "identity/identity.h"
#include "lib/vec.h"
#include "profile.skel.h"

static void add_to(struct collector *c, struct stackprof *sp, const struct profile_key *k, const uint64_t *kips,
		   unsigned nk, const uint64_t *uips, unsigned nu, uint64_t n);

/* A thread whose stacks were saved ran again: its time to them. */
void profile__saved_woke(struct collector *c, const struct profile_rec_offcpu *r)
{
	struct profile_priv *pp = c->priv;

	for (size_t i = 0; i < pp->nsaved; i++) {
		struct saved_block *b = &pp->saved[i];

		if (b->tid != r->tid || b->ts_ns != r->ts_ns)
			continue;
		add_to(c, &pp->off, &b->k, b->ips, b->nk, b->ips + b->nk, b->nu, r->ns);
		free(b->ips);
		pp->saved[i] = pp->saved[--pp->nsaved];
		return;
	}
	pp->saved_lost++;
}

/* Frames of stack id in map fd into ips; 0 when the id is an error. */
static unsigned read_stack(struct profile_priv *pp, int fd, int32_t id, bool *lost)
{
	unsigned n = 0;

	if (id < 0)
		return 0;
	if (bpf_map_lookup_elem(fd, &id, pp->ips)) {
		*lost = true;
		return 0;
	}
	while (n < PROFILE_MAX_DEPTH && pp->ips[n])
		n++;
	return n;
}

/* exec_id and container of a new image, from the identity service. */
static void label_image(struct collector *c, struct stackprof_image *im, const struct profile_key *k)
{
	struct sonde_task t = { .pid = k->pid, .tid = k->pid, .start_ns = k->start_ns, .exec_seq = k->exec_seq };
	struct event ev = { .task = &t };

	memcpy(t.comm, k->comm, sizeof(t.comm));
	bus__resolve(c->rt->bus, &ev);
	if (!ev.id)
		return;
	snprintf(im->exec_id, sizeof(im->exec_id), "%s", ev.id->self.exec_id);
	if (ev.id->container == 1)
		snprintf(im->container, sizeof(im->container), "%s", ev.id->ref.id);
}

static void add_to(struct collector *c, struct stackprof *sp, const struct profile_key *k, const uint64_t *kips,
		   unsigned nk, const uint64_t *uips, unsigned nu, uint64_t n)
{
	int added;
	long im = stackprof__image(sp, k->pid, k->start_ns, k->exec_seq, &added);

	if (im < 0)
		return;
	if (added)
		label_image(c, &sp->images[im], k);
	stackprof__add(sp, im, k->comm, kips, nk, uips, nu, n);
}

/* One drained count: its stacks into sp; on-CPU ones also into each
 * waiting request's profile. */
static void add_count(struct collector *c, struct stackprof *sp, int sfd, const struct profile_key *k, uint64_t n)
{
	struct profile_priv *pp = c->priv;
	uint64_t kips[PROFILE_MAX_DEPTH];
	unsigned nk, nu;
	bool lost = false;

	nk = read_stack(pp, sfd, k->kstack, &lost);
	memcpy(kips, pp->ips, nk * sizeof(*kips));
	nu = read_stack(pp, sfd, k->ustack, &lost);
	if (lost || (!nk && !nu)) {
		pp->lost_stacks += n;
		return;
	}
	add_to(c, sp, k, kips, nk, pp->ips, nu, n);
	for (struct prof_req *r = pp->reqs; r && sp == &pp->prof; r = r->next)
		if (!r->skip && r->remaining)
			add_to(c, &r->acc, k, kips, nk, pp->ips, nu, n);
}

/* Blocked threads whose stacks are in buffer g's map: copied out, and
 * their entries told so, before the map is cleared. */
static void save_blocked(struct collector *c, unsigned g, int sfd)
{
	const struct profile_bpf *skel = c->skel;
	struct profile_priv *pp = c->priv;
	int bfd = bpf_map__fd(skel->maps.blocked);
	uint32_t tid, next;
	bool have = false;

	while (!bpf_map_get_next_key(bfd, have ? &tid : NULL, &next)) {
		struct offcpu_start st;
		struct saved_block b = {};
		bool lost = false;

		tid = next;
		have = true;
		if (bpf_map_lookup_elem(bfd, &tid, &st) || st.tag != g)
			continue;
		b = (struct saved_block){ .tid = tid, .ts_ns = st.ts_ns, .k = st.k };
		b.ips = malloc(2 * PROFILE_MAX_DEPTH * sizeof(*b.ips));
		if (!b.ips)
			break;
		b.nk = read_stack(pp, sfd, st.k.kstack, &lost);
		memcpy(b.ips, pp->ips, b.nk * sizeof(*b.ips));
		b.nu = read_stack(pp, sfd, st.k.ustack, &lost);
		memcpy(b.ips + b.nk, pp->ips, b.nu * sizeof(*b.ips));
		st.tag = OFFCPU_SAVED;
		/* A thread that ran meanwhile is gone from the map: nothing to keep. */
		if (lost || bpf_map_update_elem(bfd, &tid, &st, BPF_EXIST)) {
			free(b.ips);
			continue;
		}
		if (pp->nsaved >= (size_t)((const struct profile_config *)c->cfg)->max_blocked) {
			free(pp->saved[0].ips);	/* a thread that never woke: the oldest goes */
			pp->saved[0] = pp->saved[--pp->nsaved];
			pp->saved_lost++;
		}
		if (VEC_PUSH(pp->saved, pp->nsaved, pp->saved_cap, b))
			free(b.ips);
	}
}

/* Takes every count of a table out (batches where the kernel has them,
 * key by key else) into sp, with the stacks of map sfd. */
static void drain_counts(struct collector *c, struct stackprof *sp, int cfd, int sfd)
{
	struct profile_priv *pp = c->priv;
	struct profile_key k, next;
	uint32_t count, out = 0;
	void *in = NULL;
	uint64_t n;
	int err;

	do {
		count = DRAIN_BATCH;
		err = bpf_map_lookup_and_delete_batch(cfd, in, &out, pp->keys, pp->vals, &count, NULL);
		if (err && errno != ENOENT)
			break;
		for (uint32_t i = 0; i < count; i++)
			add_count(c, sp, sfd, &pp->keys[i], pp->vals[i]);
		in = &out;
	} while (!err);
	if (err && errno != ENOENT) {
		/* No batch operations here: key by key, from the start each
		 * time, since the key just read is gone. */
		while (!bpf_map_get_next_key(cfd, NULL, &next)) {
			k = next;
			if (bpf_map_lookup_elem(cfd, &k, &n) || bpf_map_delete_elem(cfd, &k))
				break;
			add_count(c, sp, sfd, &k, n);
		}
	}
}

/* Everything of buffer g, with its stacks, into the profiles; then g's
 * stack map is emptied. Blocked threads' stacks are saved first, so that
 * no count made after can name a cleared stack. */
void profile__drain_buffer(struct collector *c, unsigned g)
{
	const struct profile_bpf *skel = c->skel;
	struct profile_priv *pp = c->priv;
	const struct profile_config *cfg = c->cfg;
	int sfd = bpf_map__fd(g ? skel->maps.stacks1 : skel->maps.stacks0);
	uint32_t id;

	if (cfg->off_cpu) {
		save_blocked(c, g, sfd);
		drain_counts(c, &pp->off, bpf_map__fd(g ? skel->maps.offcpu1 : skel->maps.offcpu0), sfd);
	}
	drain_counts(c, &pp->prof, bpf_map__fd(g ? skel->maps.counts1 : skel->maps.counts0), sfd);
	while (!bpf_map_get_next_key(sfd, NULL, &id))
		if (bpf_map_delete_elem(sfd, &id))
			break;
}

void profile__drain_all(struct collector *c)
{
	struct profile_bpf *skel = c->skel;
	unsigned active = skel->bss->gen & 1;

	profile__drain_buffer(c, !active);
	__atomic_store_n(&skel->bss->gen, !active, __ATOMIC_RELEASE);
	usleep(10000);
	profile__drain_buffer(c, active);
}

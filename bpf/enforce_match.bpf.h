/* SPDX-License-Identifier: GPL-2.0-only */
/* The enforcement matcher, included once by enforce.bpf.c after its maps:
 * the facts of an event (paths, parent, argv), the candidate checks
 * (global functions, each verified once), the lookup per dimension, and
 * the reports. Split from the hooks to keep each file readable. */
#ifndef SONDE_ENFORCE_MATCH_BPF_H
#define SONDE_ENFORCE_MATCH_BPF_H

/* The absolute path at path_ptr (0: the current process's binary) into
 * dst; its length with the NUL, 0 if unreadable. */
static __always_inline __u32 path_into(char *dst, __u64 path_ptr)
{
	struct dpath_buf *b;
	__u32 zero = 0, len;

	if (!path_ptr) {
		struct task_struct *t = (struct task_struct *)bpf_get_current_task();

		path_ptr = (__u64)&BPF_CORE_READ(t, mm, exe_file)->f_path;
	}
	len = sonde_dpath_abs(path_ptr, ENF_KEY_DATA);
	b = bpf_map_lookup_elem(&dpath_bufs, &zero);
	if (!b || !len || len > ENF_STR_MAX)
		return 0;
	if (bpf_probe_read_kernel(dst, len & (ENF_STR_MAX - 1), b->s))
		return 0;
	return len;
}

/* The parent process's binary. */
static __always_inline __u32 parent_into(char *dst)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct file *f = BPF_CORE_READ(t, real_parent, mm, exe_file);

	return f ? path_into(dst, (__u64)&f->f_path) : 0;
}

/* Hashes of the first ENF_ARGV_MAX argv elements (FNV-1a 64). A global
 * function: one verification. Reads the current process's arguments,
 * which after exec are the new image's. */
__noinline int enf_argv_load(void)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct enf_scratch *sc = scratch_get();
	unsigned long start, end;
	__u64 h = ENF_FNV_OFFSET;
	__u32 n = 0, len;
	char *buf;

	if (!sc)
		return 0;
	sc->nargv = 0;
	start = BPF_CORE_READ(t, mm, arg_start);
	end = BPF_CORE_READ(t, mm, arg_end);
	len = end > start ? end - start : 0;
	if (len > sizeof(sc->file))
		len = sizeof(sc->file);
	/* The file buffer is free here: argv is only read for exec, whose
	 * fact is the binary. */
	buf = sc->file;
	if (!len || bpf_probe_read_user(buf, len & (sizeof(sc->file) - 1), (void *)start))
		return 0;
	for (__u32 i = 0; i < sizeof(sc->file); i++) {
		char c;

		if (i >= len)
			break;
		c = buf[i];
		if (c) {
			h = (h ^ (__u8)c) * ENF_FNV_PRIME;
			continue;
		}
		/* The count lives in the map value, not a register: the
		 * verifier then need not follow each count apart. */
		n = sc->nargv;
		if (n >= ENF_ARGV_MAX)
			break;
		sc->argv[n & (ENF_ARGV_MAX - 1)] = h;
		sc->nargv = n + 1;
		h = ENF_FNV_OFFSET;
	}
	return sc->nargv;
}

/* Whether the event's binary (which 0) or parent (1) is the string idx
 * of the version in slot (the first len bytes, when prefix). Global: one
 * verification of the loop, whatever the callers. */
__noinline int enf_str_match(__u32 slot, __u32 which, __u32 idx, __u32 len, __u32 prefix)
{
	struct enf_scratch *sc = scratch_get();
	const __u64 *a, *b;
	struct enf_str *str;
	__u32 have, words;
	void *strs;
	char *s;

	if (!sc)
		return 0;
	slot &= 1;
	strs = bpf_map_lookup_elem(&pol_strs, &slot);
	if (!strs)
		return 0;
	str = bpf_map_lookup_elem(strs, &idx);
	if (!str)
		return 0;
	s = which ? sc->parent : sc->bin;
	have = which ? sc->parent_len : sc->bin_len;
	/* An exact string needs the same length; a prefix, at least its own. */
	if (!have || (prefix ? have < len + 1 : have != len + 1) || len >= ENF_STR_MAX)
		return 0;
	/* Eight bytes at a time (both buffers are whole, and 8-aligned),
	 * the last word masked to the bytes that count. */
	a = (const __u64 *)s;
	b = (const __u64 *)str->s;
	words = len / 8;
	for (__u32 i = 0; i < ENF_STR_MAX / 8; i++) {
		if (i >= words)
			break;
		if (a[i] != b[i])
			return 0;
	}
	if (len % 8) {
		__u64 mask = (1ULL << (8 * (len % 8))) - 1;

		words &= ENF_STR_MAX / 8 - 1;
		if ((a[words] ^ b[words]) & mask)
			return 0;
	}
	return 1;
}

static __always_inline bool cgroup_under(__u64 want)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct cgroup *cg = BPF_CORE_READ(t, cgroups, dfl_cgrp);

	for (int i = 0; i < 16 && cg; i++) {
		if (BPF_CORE_READ(cg, kn, id) == want)
			return true;
		/* self is the first member: a css pointer is its cgroup's. */
		cg = (struct cgroup *)BPF_CORE_READ(cg, self.parent);
	}
	return false;
}

static __always_inline bool bin_known(struct enf_scratch *sc)
{
	if (!sc->bin_len)
		sc->bin_len = path_into(sc->bin, sc->bin_path);
	return sc->bin_len;
}

/* The selectors of rule r beyond its primary key. */
static __always_inline bool rule_holds(struct enf_scratch *sc, const struct enf_rule *r)
{
	__u32 sel = r->sel;

	if (sel & ENF_SEL_UID) {
		__u32 uid = (__u32)bpf_get_current_uid_gid();

		if (uid < r->uid_lo || uid > r->uid_hi)
			return false;
	}
	if ((sel & ENF_SEL_FLAGS) && !(sc->open_flags & r->open_flags))
		return false;
	if ((sel & ENF_SEL_PORT) && (sc->port < r->port_lo || sc->port > r->port_hi))
		return false;
	if ((sel & ENF_SEL_CGROUP) && !cgroup_under(r->cgroup_id))
		return false;
	if (sel & ENF_SEL_BIN) {
		if (!bin_known(sc) || !enf_str_match(sc->slot, 0, r->bin_str, r->bin_len, r->bin_prefix))
			return false;
	}
	if (sel & ENF_SEL_PARENT) {
		if (!sc->parent_len)
			sc->parent_len = parent_into(sc->parent);
		if (!enf_str_match(sc->slot, 1, r->parent_str, r->parent_len, r->parent_prefix))
			return false;
	}
	if (sel & ENF_SEL_ARGV) {
		bool found = false;

		/* An LSM hook runs before the new image has its arguments:
		 * such rules are the exec tracepoint's. */
		if (sc->lsm)
			return false;
		if (sc->nargv == ~0u)
			enf_argv_load();
		for (int i = 0; i < ENF_ARGV_MAX; i++)
			if (i < sc->nargv && sc->argv[i] == r->argv_hash)
				found = true;
		if (!found)
			return false;
	}
	return true;
}

/* Checks candidate id against the event in scratch; notes a match.
 * Global, as is the loop over a list: each is verified once, whatever
 * the number of lists and callers, which keeps every program's
 * verification small (and the agent's start fast). */
__noinline int enf_rule_check(__u32 id)
{
	struct enf_scratch *sc = scratch_get();
	struct enf_rule *r;
	void *rules;
	__u32 slot;

	if (!sc)
		return 0;
	slot = sc->slot & 1;
	rules = bpf_map_lookup_elem(&pol_rules, &slot);
	if (!rules)
		return 0;
	r = bpf_map_lookup_elem(rules, &id);
	if (!r)
		return 0;
	if (r->version != sc->version) {
		drop(ENF_DROP_TORN);	/* a swap between our lookups */
		return 0;
	}
	if (r->event != sc->event)
		return 0;
	/* LSM hooks decide deny rules; the tracepoints the rest, and deny
	 * where there is no LSM. */
	if (sc->lsm ? r->action != ENF_ACT_DENY :
		      r->action == ENF_ACT_DENY && lsm_on &&
		      (sc->event == ENF_EV_EXEC || sc->event == ENF_EV_OPEN) &&
		      !(r->sel & ENF_SEL_ARGV))
		return 0;
	if (!rule_holds(sc, r))
		return 0;
	if (sc->nmatch < REPORT_MAX)
		sc->match[sc->nmatch & (REPORT_MAX - 1)] = id;
	else
		sc->reported++;
	sc->nmatch++;
	if (r->action + 1 > sc->strongest)
		sc->strongest = r->action + 1;
	return 1;
}

/* Checks the candidates in sc->cands. */
__noinline int enf_cands_check(void)
{
	struct enf_scratch *sc = scratch_get();

	if (!sc)
		return 0;
	for (int i = 0; i < ENF_CANDIDATES; i++) {
		if (i >= sc->cands.n)
			break;
		enf_rule_check(sc->cands.id[i]);
	}
	return 0;
}

/* Looks up the key made of tag and the bytes at src (copy of them: the
 * whole buffer, a constant for the verifier; the LPM reads prefixlen),
 * len of which count (a path's with its NUL: a cut path, len ==
 * ENF_KEY_DATA, keeps only prefixes). */
static __always_inline void by_key(struct enf_scratch *sc, void *keys, __u8 tag,
				   const void *src, __u32 copy, __u32 len, bool path)
{
	struct enf_cands *c;

	if (!len || len > ENF_KEY_DATA)
		return;
	sc->key.tag = tag;
	if (bpf_probe_read_kernel(sc->key.data, copy, src))
		return;
	if (path && len == ENF_KEY_DATA)
		len--;
	sc->key.prefixlen = 8 * (1 + len);
	c = bpf_map_lookup_elem(keys, &sc->key);
	if (!c)
		return;
	__builtin_memcpy(&sc->cands, c, sizeof(sc->cands));
	enf_cands_check();
}

/* The matcher: the version in force, its rules for sc->event. Returns
 * the strongest action matched + 1, 0 for none. */
static __noinline int enf_match(struct enf_scratch *sc)
{
	__u32 zero = 0, ev;
	struct enf_state *st = bpf_map_lookup_elem(&state, &zero);
	struct enf_cands *any;
	void *metas, *keys;
	struct enf_meta *m;
	__u8 dims;

	if (!st)
		return 0;
	sc->slot = st->slot & 1;
	metas = bpf_map_lookup_elem(&pol_meta, &sc->slot);
	keys = bpf_map_lookup_elem(&pol_keys, &sc->slot);
	if (!metas || !keys)
		return 0;
	m = bpf_map_lookup_elem(metas, &zero);
	if (!m)
		return 0;
	/* Checked where it indexes, and indexed once: 5.10 loses the bound
	 * of an index kept across calls, not a pointer's. */
	ev = sc->event;
	if (ev >= ENF_EV__COUNT)
		return 0;
	dims = m->dims[ev];
	any = &m->any[ev];
	if (!dims && !any->n)
		return 0;
	sc->version = m->version;
	sc->nmatch = sc->reported = sc->strongest = 0;
	sc->bin_len = sc->parent_len = 0;
	sc->nargv = ~0u;
	if (dims & (1 << ENF_DIM_BIN) && bin_known(sc))
		by_key(sc, keys, ENF_TAG(ENF_DIM_BIN, ev), sc->bin, ENF_KEY_DATA, sc->bin_len, true);
	if (dims & (1 << ENF_DIM_PATH) && sc->file_len)
		by_key(sc, keys, ENF_TAG(ENF_DIM_PATH, ev), sc->file, ENF_KEY_DATA, sc->file_len, true);
	if (dims & (1 << ENF_DIM_NET4) && sc->family == AF_INET)
		by_key(sc, keys, ENF_TAG(ENF_DIM_NET4, ev), sc->addr, 4, 4, false);
	if (dims & (1 << ENF_DIM_NET6) && sc->family == AF_INET6)
		by_key(sc, keys, ENF_TAG(ENF_DIM_NET6, ev), sc->addr, 16, 16, false);
	if (any->n) {
		__builtin_memcpy(&sc->cands, any, sizeof(sc->cands));
		enf_cands_check();
	}
	if (sc->strongest && (m->flags & ENF_F_DRY_RUN))
		sc->strongest |= 0x80;
	return sc->strongest;
}

/* Counts and reports the matches: one record per matched rule (up to
 * REPORT_MAX), each under its rule's rate limit. */
static __always_inline void enf_report(void *ctx, struct enf_scratch *sc, bool with_stack, bool taken)
{
	void *rules = bpf_map_lookup_elem(&pol_rules, &sc->slot);
	__u64 now = bpf_ktime_get_ns();

	if (!rules)
		return;
	if (sc->reported)
		drop(ENF_DROP_REPORTS);
	for (int i = 0; i < REPORT_MAX; i++) {
		struct enf_record *rec;
		struct enf_stat *s;
		struct enf_rule *r;
		__u32 id, k, held = 0;

		if (i >= sc->nmatch)
			break;
		id = sc->match[i];
		r = bpf_map_lookup_elem(rules, &id);
		if (!r)
			continue;
		k = sc->slot * ENF_MAX_RULES + (r->rule & (ENF_MAX_RULES - 1));
		s = bpf_map_lookup_elem(&rule_stats, &k);
		if (!s)
			continue;
		__sync_fetch_and_add(&s->matches, 1);
		if (taken && r->action != ENF_ACT_AUDIT)
			__sync_fetch_and_add(&s->actions, 1);
		if (r->rate) {
			/* A window per second; racing CPUs may let a few more by. */
			if (now - s->window_ns >= 1000000000ULL) {
				held = s->suppressed;
				s->window_ns = now;
				s->window_n = 0;
			}
			if (s->window_n >= r->rate) {
				__sync_fetch_and_add(&s->suppressed, 1);
				continue;
			}
			s->window_n++;
		}
		rec = bpf_ringbuf_reserve(&events, sizeof(*rec), 0);
		if (!rec) {
			drop(ENF_DROP_RINGBUF_FULL);
			continue;
		}
		__sync_fetch_and_add(&s->audits, 1);
		sonde_task_fill(&rec->task, (struct task_struct *)bpf_get_current_task(), 1);
		rec->version = sc->version;
		rec->rule = r->rule;
		rec->event = sc->event;
		rec->action = r->action;
		rec->taken = taken && r->action != ENF_ACT_AUDIT;
		rec->via_lsm = sc->lsm;
		rec->family = sc->family;
		rec->open_flags = sc->open_flags;
		rec->port = sc->port;
		rec->syscall_nr = sc->nr;
		rec->suppressed = held;
		rec->arg = sc->arg;
		__builtin_memcpy(rec->addr, sc->addr, sizeof(rec->addr));
		rec->nstack = 0;
		if (with_stack)
			rec->nstack = bpf_get_stack(ctx, rec->stack, sizeof(rec->stack), 0);
		if (sc->event == ENF_EV_OPEN)
			__builtin_memcpy(rec->path, sc->file, sizeof(rec->path));
		else if (bin_known(sc))
			__builtin_memcpy(rec->path, sc->bin, sizeof(rec->path));
		else
			rec->path[0] = '\0';
		bpf_ringbuf_submit(rec, sonde_rb_flags(&events, sizeof(*rec), true));
	}
}

#endif

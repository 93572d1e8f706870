// SPDX-License-Identifier: GPL-2.0-only
/* Enforcement: every hook builds the facts of its event, looks up the
 * rules those facts select in the policy version in force (one LPM lookup
 * per kind of primary key, sonde/enforce.h), checks each candidate's other
 * selectors and acts: an audit record, SIGKILL from the hook, or a denial
 * (cgroup sock_addr hooks return 0: EPERM; LSM hooks return -EPERM).
 * Nothing here grows with the number of rules. */
#define SONDE_DPATH_ABS
#include "sonde.bpf.h"
#include "dpath.bpf.h"
#include "sonde/enforce.h"
#include <bpf/bpf_endian.h>

#define SIGKILL		9
#define EPERM		1
#define O_TRUNC		01000
#define FMODE_WRITE	0x2
#define FMODE_CREATED	0x100000
#define AF_INET		2
#define AF_INET6	10
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "enf_str_match masks little-endian words");

#define REPORT_MAX	4	/* records for one event; the rest are counted */

enum { ENF_DROP_RINGBUF_FULL, ENF_DROP_TORN, ENF_DROP_UNREAD, ENF_DROP_REPORTS, ENF_DROP__COUNT };
SONDE_DROPS(ENF_DROP__COUNT);

/* Set by user space once its LSM programs are attached: deny rules on
 * exec and open are then the LSM's, and the tracepoints leave them. */
bool lsm_on = false;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct enf_state);
} state SEC(".maps");

/* The inner maps' shapes: user space creates one set per version. Sizes,
 * not types: clang leaves the value structs of inner map definitions as
 * forward declarations, which libbpf cannot size. */
struct rules_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, ENF_MAX_RULES);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct enf_rule));
};

struct keys_map {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, ENF_MAX_KEYS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(key_size, sizeof(struct enf_key));
	__uint(value_size, sizeof(struct enf_cands));
};

struct strs_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, ENF_MAX_STRS);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct enf_str));
};

struct meta_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct enf_meta));
};

#define OUTER(name, inner)					\
	struct {						\
		__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);	\
		__uint(max_entries, 2);				\
		__type(key, __u32);				\
		__array(values, struct inner);			\
	} name SEC(".maps")

OUTER(pol_rules, rules_map);
OUTER(pol_keys, keys_map);
OUTER(pol_strs, strs_map);
OUTER(pol_meta, meta_map);

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * ENF_MAX_RULES);
	__type(key, __u32);
	__type(value, struct enf_stat);
} rule_stats SEC(".maps");

/* open flags with O_TRUNC from the entry, for the exit (O_TRUNC is gone
 * from f_flags by then). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u32);
} open_calls SEC(".maps");

/* The facts of one event, and what the matcher found. */
struct enf_scratch {
	struct enf_key key;
	char bin[ENF_STR_MAX] __attribute__((aligned(8)));
	char parent[ENF_STR_MAX] __attribute__((aligned(8)));
	char file[ENF_STR_MAX];
	__u32 bin_len, parent_len, file_len;	/* with the NUL; 0: not read yet */
	__u64 argv[ENF_ARGV_MAX];
	__u32 nargv;				/* ~0: not read yet */
	__u32 slot, version;
	__u64 bin_path, file_path;		/* struct path *: 0 for the current exe */
	__u8 event, family, open_flags, lsm;
	__u16 port, nr;
	__u8 addr[16];
	__u64 arg;
	struct enf_cands cands;			/* the list being checked */
	__u32 nmatch;
	__u16 match[REPORT_MAX];		/* compiled rule ids */
	__u8 strongest;				/* 0: none, else action + 1 */
	__u8 reported;				/* matches beyond REPORT_MAX */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct enf_scratch);
} scratch SEC(".maps");

static __always_inline struct enf_scratch *scratch_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch, &zero);
}

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

/* Scratch ready for an event of kind ev, or NULL when the agent itself
 * did it (its own bpf() and open calls are never judged). */
static __always_inline struct enf_scratch *begin(__u8 ev)
{
	struct enf_scratch *sc;

	if (!filter_pass(bpf_get_current_pid_tgid()))
		return NULL;
	sc = scratch_get();
	if (!sc)
		return NULL;
	sc->event = ev;
	sc->bin_path = sc->file_path = 0;
	sc->file_len = 0;
	sc->family = sc->open_flags = sc->lsm = 0;
	sc->port = sc->nr = 0;
	sc->arg = 0;
	__builtin_memset(sc->addr, 0, sizeof(sc->addr));
	return sc;
}

/* A tracepoint's verdict: report, then SIGKILL for kill (and for deny
 * where no LSM decided it). */
static __always_inline int judge_tp(void *ctx, struct enf_scratch *sc)
{
	int v = enf_match(sc);
	bool dry = v & 0x80;

	if (!v)
		return 0;
	v &= 0x7f;
	enf_report(ctx, sc, true, !dry);
	if (!dry && v - 1 >= ENF_ACT_KILL)
		bpf_send_signal(SIGKILL);
	return 0;
}

/* ---- exec: the new image, before its first instruction ---- */

SEC("tracepoint/sched/sched_process_exec")
int enf_exec(void *ctx)
{
	struct enf_scratch *sc = begin(ENF_EV_EXEC);

	return sc ? judge_tp(ctx, sc) : 0;
}

/* ---- open: judged at the exit, on the file the kernel opened ---- */

/* The meta of the version in force, or NULL. */
static __always_inline struct enf_meta *meta_now(void)
{
	__u32 zero = 0, slot;
	struct enf_state *st = bpf_map_lookup_elem(&state, &zero);
	void *metas;

	if (!st)
		return NULL;
	slot = st->slot & 1;
	metas = bpf_map_lookup_elem(&pol_meta, &slot);
	return metas ? bpf_map_lookup_elem(metas, &zero) : NULL;
}

/* Whether an open with these flags could match a rule in force: most
 * opens are reads and most open rules guard writes, and the others then
 * skip the path walk. (A swap after this check leaves the open judged by
 * the version that skipped it: no match.) */
static __always_inline bool open_wanted(__u8 flags)
{
	struct enf_meta *m = meta_now();

	return m && (m->open_flags & (ENF_OPEN_ANY | flags));
}

/* The entry keeps the flags only for truncate rules: O_TRUNC is gone
 * from the file's flags by the exit. */
static __always_inline int open_enter(__u32 flags)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct enf_meta *m;

	if (!(flags & O_TRUNC) || !filter_pass(bpf_get_current_pid_tgid()))
		return 0;
	m = meta_now();
	if (m && (m->open_flags & ENF_OPEN_TRUNC))
		bpf_map_update_elem(&open_calls, &tid, &flags, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int enter_openat(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter(ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_enter_open")
int enter_open(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter(ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_enter_creat")
int enter_creat(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter(O_TRUNC);
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int enter_openat2(struct trace_event_raw_sys_enter *ctx)
{
	__u64 flags = 0;

	bpf_probe_read_user(&flags, sizeof(flags), (void *)ctx->args[2]);
	return open_enter(flags);
}

/* Attached to each sys_exit_NAME whose enter_NAME loaded. */
SEC("tracepoint")
int enf_open_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid(), *saved;
	struct enf_scratch *sc;
	struct task_struct *t;
	struct file **fds, *f = NULL;
	struct fdtable *fdt;
	struct enf_meta *m;
	long fd = ctx->ret;
	unsigned int mode;
	bool trunc = false;

	/* Cheapest first: a failed open, or a policy without open rules. */
	if (fd < 0 || !(m = meta_now()) || !m->open_flags)
		return 0;
	if (m->open_flags & ENF_OPEN_TRUNC) {
		/* Entries are left only by opens with O_TRUNC; one a swap
		 * stranded (kept at entry, not wanted at exit) could be read
		 * by a later open of the thread only across a second swap. */
		saved = bpf_map_lookup_elem(&open_calls, &tid);
		if (saved) {
			trunc = *saved & O_TRUNC;
			bpf_map_delete_elem(&open_calls, &tid);
		}
	}
	if (!(sc = begin(ENF_EV_OPEN)))
		return 0;
	t = (struct task_struct *)bpf_get_current_task();
	fdt = BPF_CORE_READ(t, files, fdt);
	if (fd >= BPF_CORE_READ(fdt, max_fds))
		return 0;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) || !f)
		return 0;
	mode = BPF_CORE_READ(f, f_mode);
	if (mode & FMODE_WRITE)
		sc->open_flags |= ENF_OPEN_WRITE;
	if ((mode & FMODE_WRITE) && trunc)
		sc->open_flags |= ENF_OPEN_TRUNC;
	if (mode & FMODE_CREATED)
		sc->open_flags |= ENF_OPEN_CREATE;
	if (!(m->open_flags & (ENF_OPEN_ANY | sc->open_flags)))
		return 0;
	sc->file_len = path_into(sc->file, (__u64)&f->f_path);
	if (!sc->file_len) {
		drop(ENF_DROP_UNREAD);
		return 0;
	}
	return judge_tp(ctx, sc);
}

/* ---- LSM: exec and open denied before they happen ---- */

/* A hook argument (a BTF pointer) as the plain address the global
 * functions take: they accept scalars only. */
static __always_inline __u64 addr_of(const void *p)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), &p);
	return v;
}

SEC("lsm/bprm_check_security")
int BPF_PROG(enf_lsm_exec, struct linux_binprm *bprm)
{
	struct enf_scratch *sc = begin(ENF_EV_EXEC);
	int v;

	if (!sc)
		return 0;
	sc->lsm = 1;
	sc->bin_path = addr_of(bprm->file) + bpf_core_field_offset(struct file, f_path);
	v = enf_match(sc);
	if (!v)
		return 0;
	enf_report(ctx, sc, true, !(v & 0x80));
	return v & 0x80 ? 0 : -EPERM;
}

SEC("lsm/file_open")
int BPF_PROG(enf_lsm_open, struct file *file)
{
	struct enf_scratch *sc = begin(ENF_EV_OPEN);
	unsigned int mode, flags;
	int v;

	if (!sc)
		return 0;
	sc->lsm = 1;
	mode = file->f_mode;
	flags = file->f_flags;
	if (mode & FMODE_WRITE)
		sc->open_flags |= ENF_OPEN_WRITE;
	if ((mode & FMODE_WRITE) && (flags & O_TRUNC))
		sc->open_flags |= ENF_OPEN_TRUNC;
	if (mode & FMODE_CREATED)
		sc->open_flags |= ENF_OPEN_CREATE;
	if (!open_wanted(sc->open_flags))
		return 0;
	sc->file_len = path_into(sc->file, addr_of(file) + bpf_core_field_offset(struct file, f_path));
	if (!sc->file_len)
		return 0;
	v = enf_match(sc);
	if (!v)
		return 0;
	enf_report(ctx, sc, true, !(v & 0x80));
	return v & 0x80 ? 0 : -EPERM;
}

/* ---- connect and bind: the cgroup sock_addr hooks, 0 denies (EPERM) ---- */

static __always_inline int judge_sock(struct bpf_sock_addr *ctx, __u8 ev, bool v6)
{
	struct enf_scratch *sc = begin(ev);
	int v;

	if (!sc)
		return 1;
	sc->family = v6 ? AF_INET6 : AF_INET;
	sc->port = bpf_ntohs(ctx->user_port);
	if (v6) {
		__u32 *a = (__u32 *)sc->addr;

		a[0] = ctx->user_ip6[0]; a[1] = ctx->user_ip6[1];
		a[2] = ctx->user_ip6[2]; a[3] = ctx->user_ip6[3];
	} else {
		*(__u32 *)sc->addr = ctx->user_ip4;
	}
	v = enf_match(sc);
	if (!v)
		return 1;
	enf_report(ctx, sc, false, !(v & 0x80));
	return (v & 0x80) || (v & 0x7f) - 1 != ENF_ACT_DENY;
}

SEC("cgroup/connect4")
int enf_connect4(struct bpf_sock_addr *ctx) { return judge_sock(ctx, ENF_EV_CONNECT, false); }
SEC("cgroup/connect6")
int enf_connect6(struct bpf_sock_addr *ctx) { return judge_sock(ctx, ENF_EV_CONNECT, true); }
SEC("cgroup/bind4")
int enf_bind4(struct bpf_sock_addr *ctx) { return judge_sock(ctx, ENF_EV_BIND, false); }
SEC("cgroup/bind6")
int enf_bind6(struct bpf_sock_addr *ctx) { return judge_sock(ctx, ENF_EV_BIND, true); }

/* ---- setuid family, ptrace, modules, bpf(): at the call's entry ---- */

static __always_inline int judge_call(struct trace_event_raw_sys_enter *ctx, __u8 ev, __u64 arg)
{
	struct enf_scratch *sc = begin(ev);

	if (!sc)
		return 0;
	sc->nr = ctx->id;
	sc->arg = arg;
	return judge_tp(ctx, sc);
}

#define ENF_CALL(name, ev, arg)							\
	SEC("tracepoint/syscalls/sys_enter_" #name)				\
	int call_##name(struct trace_event_raw_sys_enter *ctx)			\
	{									\
		return judge_call(ctx, ev, arg);				\
	}

ENF_CALL(setuid, ENF_EV_SETUID, ctx->args[0])
ENF_CALL(setgid, ENF_EV_SETUID, ctx->args[0])
ENF_CALL(setreuid, ENF_EV_SETUID, ctx->args[1])
ENF_CALL(setregid, ENF_EV_SETUID, ctx->args[1])
ENF_CALL(setresuid, ENF_EV_SETUID, ctx->args[1])
ENF_CALL(setresgid, ENF_EV_SETUID, ctx->args[1])
ENF_CALL(setfsuid, ENF_EV_SETUID, ctx->args[0])
ENF_CALL(setfsgid, ENF_EV_SETUID, ctx->args[0])
ENF_CALL(ptrace, ENF_EV_PTRACE, ctx->args[1])
ENF_CALL(init_module, ENF_EV_MODULE, 0)
ENF_CALL(finit_module, ENF_EV_MODULE, ctx->args[0])
ENF_CALL(delete_module, ENF_EV_MODULE, 0)
ENF_CALL(bpf, ENF_EV_BPF, ctx->args[0])

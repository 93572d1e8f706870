// SPDX-License-Identifier: Apache-2.0
/* The attach set against real hooks: every hook kind, with programs of a
 * bpf_object and with bare programs of raw instructions, each triggered a
 * known number of times and its hits counted in the kernel. Prints ok:,
 * FAIL: and SKIP: lines (test_attach.sh counts them).
 *
 *   sonde-attach local                     tracepoints, uprobes, USDT, perf, socket filter
 *   sonde-attach net IFNAME PEER_IP PORT   tc and XDP on IFNAME (a veth in a netns)
 *   sonde-attach cgroup PORT               cgroup connect4, sock_ops, skb */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/sdt.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "attach_slots.h"
#include "core/attach.h"
#include "core/features.h"
#include "core/host.h"
#include "attach.skel.h"

#define N 100

static int fails;

#define ok(...) (printf("ok: " __VA_ARGS__), putchar('\n'))
#define fail(...) (fails++, printf("FAIL: " __VA_ARGS__), putchar('\n'))
#define skip(...) (printf("SKIP: " __VA_ARGS__), putchar('\n'))

static struct attach_bpf *skel;
static struct features feat;
static struct attach_set *as;

static uint64_t hits(unsigned slot)
{
	uint64_t v = 0;

	bpf_map_lookup_elem(bpf_map__fd(skel->maps.hits), &slot, &v);
	return v;
}

static void expect(const char *what, unsigned slot, uint64_t lo, uint64_t hi)
{
	uint64_t v = hits(slot);

	if (v >= lo && v <= hi)
		ok("%s: %llu hits (want %llu..%llu)", what, (unsigned long long)v,
		   (unsigned long long)lo, (unsigned long long)hi);
	else
		fail("%s: %llu hits (want %llu..%llu)", what, (unsigned long long)v,
		     (unsigned long long)lo, (unsigned long long)hi);
}

/* Attaches and reports; NULL when it failed. */
static struct attach *add(const char *what, const struct bpf_program *prog, int fd,
			  const struct attach_spec *spec)
{
	struct attach *a = attach_set__add(as, prog, fd, what, spec);

	if (!a || attach__state(a) != ATTACH_ON) {
		fail("%s: attach to %s: %s", what, a ? attach__target(a) : "?",
		     a ? attach__why(a) : strerror(errno));
		return NULL;
	}
	return a;
}

/* ---- bare programs: raw instructions, no bpf_object ---- */

static struct bpf_insn insn(__u8 code, __u8 dst, __u8 src, __s16 off, __s32 imm)
{
	return (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
}

/* hits[slot]++; return ret. */
static int raw_prog(enum bpf_prog_type type, unsigned slot, int ret, const struct bpf_prog_load_opts *o)
{
	int map = bpf_map__fd(skel->maps.hits);
	struct bpf_insn p[] = {
		insn(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -4, slot),
		insn(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, BPF_PSEUDO_MAP_FD, 0, map),
		insn(0, 0, 0, 0, 0),
		insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0),
		insn(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -4),
		insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
		insn(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 2, 0),
		insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_1, 0, 0, 1),
		insn(BPF_STX | BPF_ATOMIC | BPF_DW, BPF_REG_0, BPF_REG_1, 0, BPF_ADD),
		insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, ret),
		insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};

	return bpf_prog_load(type, "sonde_raw", "GPL", p, sizeof(p) / sizeof(p[0]), o);
}

/* ---- local hooks ---- */

__attribute__((noinline)) int sonde_attach_target(int x)
{
	asm volatile("" ::: "memory");
	return x + 1;
}

/* n renames of this thread, the last back to its own name. */
static void renames(int n)
{
	char old[16] = {};

	prctl(PR_GET_NAME, old);
	for (int i = 0; i < n - 1; i++)
		prctl(PR_SET_NAME, i & 1 ? "sonde-attach-b" : "sonde-attach-a");
	prctl(PR_SET_NAME, old);
}

static void calls(int n)
{
	for (int i = 0; i < n; i++) {
		sonde_attach_target(i);
		DTRACE_PROBE1(sonde_test, ping, 42);
	}
}

static void socket_filter(const char *what, const struct bpf_program *prog, int fd, unsigned slot)
{
	int s[2], got = 0;
	char b = 'x';

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, s)) {
		fail("%s: socketpair: %s", what, strerror(errno));
		return;
	}
	if (add(what, prog, fd, &(struct attach_spec){ .kind = ATTACH_SOCKET_FILTER, .sock = { s[1] } })) {
		for (int i = 0; i < N; i++)
			got += write(s[0], &b, 1) == 1 && read(s[1], &b, 1) == 1;
		expect(what, slot, N, N);
	}
	close(s[0]);
	close(s[1]);
}

static int tp_btf_target(void)
{
	struct btf *v = btf__load_vmlinux_btf();
	int id = v ? btf__find_by_name_kind(v, "btf_trace_task_rename", BTF_KIND_TYPEDEF) : -1;

	btf__free(v);
	return id;
}

static void local(void)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct attach_spec tp = { .kind = ATTACH_TRACEPOINT, .tp = { "task", "task_rename" } };
	struct attach_spec raw = { .kind = ATTACH_RAW_TP, .raw_tp = { "task_rename" } };
	struct attach_spec btf = { .kind = ATTACH_TP_BTF, .raw_tp = { "task_rename" } };
	struct attach_spec up = { .kind = ATTACH_UPROBE,
				  .uprobe = { .func = "sonde_attach_target", .pid = getpid() } };
	struct attach_spec usdt = { .kind = ATTACH_USDT, .usdt = { .provider = "sonde_test",
				    .name = "ping", .pid = getpid() } };
	struct attach_spec perf = { .kind = ATTACH_PERF_EVENT, .perf = {
		.type = PERF_TYPE_SOFTWARE, .config = PERF_COUNT_SW_CPU_CLOCK, .sample = 1000,
		.freq = true, .cpu = -1, .pid = -1 } };
	struct attach *a;
	int fd, id;

	if (n <= 0) {
		fail("readlink /proc/self/exe: %s", strerror(errno));
		return;
	}
	self[n] = '\0';
	up.uprobe.path = usdt.usdt.path = self;
	add("tracepoint", skel->progs.at_tracepoint, -1, &tp);
	add("raw_tp", skel->progs.at_raw_tp, -1, &raw);
	a = add("tp_btf", skel->progs.at_tp_btf, -1, &btf);
	renames(N);
	expect("tracepoint task/task_rename", SLOT_TRACEPOINT, N, N);
	expect("raw_tp task_rename", SLOT_RAW_TP, N, N);
	expect("tp_btf task_rename", SLOT_TP_BTF, N, N);
	/* Detached on purpose, then again: what the latency windows do. */
	if (a && !attach__suspend(a)) {
		renames(N);
		expect("tp_btf suspended: no hits", SLOT_TP_BTF, N, N);
		if (attach__resume(a) || attach__state(a) != ATTACH_ON)
			fail("tp_btf resume: %s", strerror(-attach__err(a)));
		renames(N);
		expect("tp_btf resumed", SLOT_TP_BTF, 2 * N, 2 * N);
	}
	add("uprobe", skel->progs.at_uprobe, -1, &up);
	up.uprobe.retprobe = true;
	add("uretprobe", skel->progs.at_uretprobe, -1, &up);
	a = add("usdt", skel->progs.at_usdt, -1, &usdt);
	calls(N);
	expect("uprobe by symbol", SLOT_UPROBE, N, N);
	expect("uretprobe by symbol", SLOT_URETPROBE, N, N);
	if (a)
		expect("usdt sonde_test:ping with its argument", SLOT_USDT, N, N);
	/* One event per online CPU, sampling at 1 kHz: 0.3 s of spinning. */
	a = add("perf_event", skel->progs.at_perf_event, -1, &perf);
	if (a) {
		struct timespec t0, t;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		do
			clock_gettime(CLOCK_MONOTONIC, &t);
		while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < 300);
		expect("perf_event cpu-clock on every CPU", SLOT_PERF_EVENT, 50, 100000);
		if (attach__nlinks(a) == (unsigned)libbpf_num_possible_cpus() || attach__nlinks(a) >= 1)
			ok("perf_event: %u events, one per online CPU", attach__nlinks(a));
	}
	socket_filter("socket filter", skel->progs.at_socket, -1, SLOT_SOCKET_FILTER);

	/* The same kinds with bare programs. */
	fd = raw_prog(BPF_PROG_TYPE_TRACEPOINT, SLOT_RAW_BASE + 0, 0, NULL);
	add("bare tracepoint", NULL, fd, &tp);
	fd = raw_prog(BPF_PROG_TYPE_RAW_TRACEPOINT, SLOT_RAW_BASE + 1, 0, NULL);
	add("bare raw_tp", NULL, fd, &raw);
	id = tp_btf_target();
	if (id > 0) {
		LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_TRACE_RAW_TP,
			    .attach_btf_id = id);

		fd = raw_prog(BPF_PROG_TYPE_TRACING, SLOT_RAW_BASE + 2, 0, &o);
		add("bare tp_btf", NULL, fd, &btf);
	}
	renames(N);
	/* Bare programs count every task's renames: ours, and rarely others'. */
	expect("bare tracepoint", SLOT_RAW_BASE + 0, N, N + 50);
	expect("bare raw_tp", SLOT_RAW_BASE + 1, N, N + 50);
	if (id > 0)
		expect("bare tp_btf", SLOT_RAW_BASE + 2, N, N + 50);
	else
		skip("bare tp_btf: no btf_trace_task_rename in the kernel's BTF");
	fd = raw_prog(BPF_PROG_TYPE_KPROBE, SLOT_RAW_BASE + 3, 0, NULL);
	up.uprobe.retprobe = false;
	add("bare uprobe (symbol resolved by sonde)", NULL, fd, &up);
	calls(N);
	expect("bare uprobe", SLOT_RAW_BASE + 3, N, N);
	fd = raw_prog(BPF_PROG_TYPE_SOCKET_FILTER, SLOT_RAW_BASE + 4, 0xffff, NULL);
	socket_filter("bare socket filter", NULL, fd, SLOT_RAW_BASE + 4);
	a = attach_set__add(as, NULL, -1, "no program", &tp);
	if (a && attach__state(a) == ATTACH_FAILED && attach__err(a) == -EBADF)
		ok("a program that is not loaded: refused with '%s'", attach__why(a));
	else
		fail("a program that is not loaded was not refused");
	a = attach_set__add(as, NULL, fd, "usdt bare", &usdt);
	if (a && attach__err(a) == -EOPNOTSUPP)
		ok("USDT with a bare program: '%s'", attach__why(a));
	else
		fail("USDT with a bare program was not refused");
}

/* ---- tc and XDP on a veth ---- */

static void udp_round(const char *peer, int port, int n)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), got = 0;
	char b[8] = "ping";

	inet_pton(AF_INET, peer, &to.sin_addr);
	for (int i = 0; i < n && s >= 0; i++) {
		struct pollfd p = { .fd = s, .events = POLLIN };

		if (sendto(s, b, sizeof(b), 0, (struct sockaddr *)&to, sizeof(to)) != sizeof(b))
			break;
		if (poll(&p, 1, 1000) == 1 && recv(s, b, sizeof(b), 0) > 0)
			got++;
	}
	if (got != n)
		fail("udp echo through %s:%d: %d of %d answered", peer, port, got, n);
	if (s >= 0)
		close(s);
}

static void net(const char *ifname, const char *peer, int port)
{
	int ifindex = if_nametoindex(ifname), fd;
	struct attach *x, *bx;

	if (!ifindex) {
		fail("no interface %s", ifname);
		return;
	}
	add("tc ingress", skel->progs.at_tc_ingress, -1,
	    &(struct attach_spec){ .kind = ATTACH_TC, .tc = { ifindex, false } });
	add("tc egress", skel->progs.at_tc_egress, -1,
	    &(struct attach_spec){ .kind = ATTACH_TC, .tc = { ifindex, true } });
	x = add("xdp", skel->progs.at_xdp, -1, &(struct attach_spec){ .kind = ATTACH_XDP, .xdp = { ifindex, 0 } });
	fd = raw_prog(BPF_PROG_TYPE_SCHED_CLS, SLOT_RAW_BASE + 6, -1, NULL);
	add("bare tc ingress", NULL, fd, &(struct attach_spec){ .kind = ATTACH_TC, .tc = { ifindex, false } });
	udp_round(peer, port, N);
	expect("tc ingress: the echoes", SLOT_TC_INGRESS, N, N);
	expect("tc egress: the datagrams", SLOT_TC_EGRESS, N, N);
	expect("xdp: the echoes", SLOT_XDP, N, N);
	/* Every packet on the wire: the echoes and the peer's ARP. */
	expect("bare tc ingress", SLOT_RAW_BASE + 6, N, N + 10);
	/* One XDP program per interface: a second is refused, and says why. */
	fd = raw_prog(BPF_PROG_TYPE_XDP, SLOT_RAW_BASE + 5, 2, NULL);
	bx = attach_set__add(as, NULL, fd, "bare xdp",
			     &(struct attach_spec){ .kind = ATTACH_XDP, .xdp = { ifindex, 1 << 1 } });
	if (bx && attach__state(bx) == ATTACH_FAILED && attach__err(bx) == -EEXIST)
		ok("a second XDP program on %s: refused (%s)", ifname, attach__why(bx));
	else
		fail("a second XDP program on %s was not refused", ifname);
	if (x && bx && !attach__suspend(x) && !attach__resume(bx)) {
		udp_round(peer, port, N);
		expect("bare xdp (generic), once the first is off", SLOT_RAW_BASE + 5, N, N + 10);
		expect("xdp, detached", SLOT_XDP, N, N);
	} else {
		fail("bare xdp after detaching the first: %s", bx ? attach__why(bx) : "?");
	}
}

/* ---- cgroup hooks ---- */

static void cgroup(int port)
{
	char root[64], dir[128], procs[160];
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int ls, status;
	pid_t child;

	if (host__cgroup2_root(root, sizeof(root))) {
		skip("cgroup hooks: no cgroup v2 hierarchy mounted");
		return;
	}
	snprintf(dir, sizeof(dir), "%s/sonde-attach-%d", root, getpid());
	if (mkdir(dir, 0755)) {
		skip("cgroup hooks: cannot make %s: %s", dir, strerror(errno));
		return;
	}
	add("cgroup connect4", skel->progs.at_connect4, -1,
	    &(struct attach_spec){ .kind = ATTACH_CGROUP, .cgroup = { dir, BPF_CGROUP_INET4_CONNECT } });
	add("cgroup sock_ops", skel->progs.at_sock_ops, -1,
	    &(struct attach_spec){ .kind = ATTACH_CGROUP, .cgroup = { dir, BPF_CGROUP_SOCK_OPS } });
	add("cgroup skb egress", skel->progs.at_cgroup_skb, -1,
	    &(struct attach_spec){ .kind = ATTACH_CGROUP, .cgroup = { dir, BPF_CGROUP_INET_EGRESS } });
	ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 4)) {
		fail("listen on 127.0.0.1:%d: %s", port, strerror(errno));
		goto out;
	}
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	child = fork();
	if (child == 0) {
		FILE *f = fopen(procs, "w");
		int s;

		if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f))
			_exit(2);
		s = socket(AF_INET, SOCK_STREAM, 0);
		if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) || write(s, "hello", 5) != 5)
			_exit(3);
		close(s);
		_exit(0);
	}
	{
		struct pollfd p = { .fd = ls, .events = POLLIN };
		int c = poll(&p, 1, 5000) == 1 ? accept(ls, NULL, NULL) : -1;
		char b[8];

		if (c < 0)
			kill(child, SIGKILL);	/* it could not connect in 5 s */
		if (c >= 0) {
			while (read(c, b, sizeof(b)) > 0)
				;
			close(c);
		}
	}
	waitpid(child, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail("the child in %s could not connect (status %d)", dir, status);
	expect("cgroup connect4: the child's connect", SLOT_CONNECT4, 1, 1);
	expect("cgroup sock_ops: its connection established", SLOT_SOCK_OPS, 1, 1);
	/* SYN, ACK, data, FIN at least; retransmits would add some. */
	expect("cgroup skb egress: its packets", SLOT_CGROUP_SKB, 3, 20);
out:
	if (ls >= 0)
		close(ls);
	attach_set__free(as);
	as = NULL;
	rmdir(dir);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "local";

	setvbuf(stdout, NULL, _IOLBF, 0);
	host__prepare();	/* tracefs, where nothing mounted it (the kernel matrix) */
	skel = attach_bpf__open();
	if (!skel) {
		fail("open: %s", strerror(errno));
		return 1;
	}
	skel->rodata->target_tgid = getpid();
	skel->rodata->target_port = argc > 2 ? atoi(argv[argc - 1]) : 0;
	if (attach_bpf__load(skel)) {
		fail("load: %s", strerror(errno));
		return 1;
	}
	/* With SONDE_FAKE_MISSING=perf_link,tcx the set takes the older ways
	 * (PERF_EVENT_IOC_SET_BPF, clsact over netlink), as on 5.10 to 6.5. */
	features__init(&feat);
	as = attach_set__new(getenv("SONDE_FAKE_MISSING") ? &feat : NULL);
	if (!strcmp(mode, "local"))
		local();
	else if (!strcmp(mode, "net") && argc == 5)
		net(argv[2], argv[3], atoi(argv[4]));
	else if (!strcmp(mode, "cgroup") && argc == 3)
		cgroup(atoi(argv[2]));
	else
		fprintf(stderr, "usage: sonde-attach local | net IFNAME PEER_IP PORT | cgroup PORT\n");
	attach_set__free(as);
	attach_bpf__destroy(skel);
	return 0;
}
